"""Checks on shipping data that forms, services and the Excel importer share (Korean messages)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from integrations.channels.base import CourierCode


def number_band_problem(courier: str, number_from: str, number_to: str) -> str:
    """A contract's number band: both ends or neither, digits of one length, in order, and the
    numbers they make (body + the courier's check digit) valid for the courier."""
    from integrations.couriers import tracking

    number_from, number_to = (number_from or "").strip(), (number_to or "").strip()
    if not number_from and not number_to:
        return ""
    if not number_from or not number_to:
        return _("Enter both ends of the number band, or neither.")
    if not (number_from.isdigit() and number_to.isdigit()):
        return _("A number band holds digits only.")
    if len(number_from) != len(number_to):
        return _("Both ends of the number band have the same number of digits.")
    if int(number_from) > int(number_to):
        return _("The band starts after it ends.")
    try:
        code = CourierCode(courier)
    except ValueError:
        return _("Choose the courier first.")
    problem = tracking.check(code, tracking.compose(code, number_from))
    if problem:
        return _("Numbers of this band are not valid: %(problem)s") % {"problem": problem.message}
    return ""
