"""Admin views for bundles: the bundle page and its actions, and regrouping after a setting change.

Thin: parse the form, check the orders area right, call one service from ``bundles``, report."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from modules.accounts.areas import user_has_area_right

from . import bundles as svc
from .desk_views import _require
from .models import Bundle, Order, OrderLine
from .status import SHIPPABLE


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_http_methods(["GET", "POST"])
def bundle_page(request, bundle_id: int):
    _require(request, "view")
    bundle = get_object_or_404(Bundle, pk=bundle_id)
    if request.method == "POST":
        _require(request, "edit")
        action = request.POST.get("action", "")
        handler = ACTIONS.get(action)
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect("orders_bundle", bundle.pk)
        try:
            target = handler(request, bundle)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            target = bundle
        if not Bundle.objects.filter(pk=target.pk).exists():
            return redirect("order_bundles:index")
        return redirect("orders_bundle", target.pk)
    data = svc.bundle_page_data(bundle)
    for line in data["lines"]:
        line.order_url = reverse("orders_detail", args=[line.order_id])
        line.can_ship = line.state in SHIPPABLE
    for event in data["history"]:
        event.label = svc.EVENT_LABELS.get(event.kind) or (
            _("Sending failed") if event.kind == "push_failed" else event.kind
        )
    context = {
        **data,
        "bundle": bundle,
        "can_edit": user_has_area_right(request.user, "orders", "edit"),
        "delay_reasons": list(svc.DELAY_REASONS.items()),
        "min_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "title": _("Bundle %(number)s") % {"number": svc.bundle_label(bundle.pk)},
    }
    return render(request, "orders/bundles/bundle.html", context)


def _chosen_ids(request) -> list[int]:
    return [int(pk) for pk in request.POST.getlist("line") if pk.isdigit()]


def _split(request, bundle: Bundle) -> Bundle:
    new = svc.bundle_split(bundle=bundle, line_ids=_chosen_ids(request), user=request.user)
    messages.success(
        request, _("The chosen lines are now in bundle %(bundle)s.") % {"bundle": svc.bundle_label(new.pk)}
    )
    return bundle


def _ship_partial(request, bundle: Bundle) -> Bundle:
    later = svc.bundle_ship_partial(bundle=bundle, line_ids=_chosen_ids(request), user=request.user)
    messages.success(
        request,
        _("The chosen lines ship in this bundle; the others wait in bundle %(bundle)s.")
        % {"bundle": svc.bundle_label(later.pk)},
    )
    return bundle


def _merge(request, bundle: Bundle) -> Bundle:
    ids = {int(pk) for pk in request.POST.getlist("merge_bundle") if pk.isdigit()}
    tokens = request.POST.get("numbers", "").replace(",", " ").split()
    # A channel order number wins over a bundle number (B12) when both could be meant.
    orders = list(Order.objects.filter(channel_order_id__in=tokens))
    found = {order.channel_order_id for order in orders}
    unknown = []
    for token in tokens:
        if token in found:
            continue
        if token[:1] in "bB" and token[1:].isdigit():
            ids.add(int(token[1:]))
        else:
            unknown.append(token)
    bundles = list(Bundle.objects.filter(pk__in=ids))
    unknown += [svc.bundle_label(pk) for pk in sorted(ids - {b.pk for b in bundles})]
    if unknown:
        raise ValidationError(_("Not found: %(numbers)s.") % {"numbers": ", ".join(unknown)})
    if not bundles and not orders:
        raise ValidationError(_("Choose bundles or enter bundle or order numbers to merge into this one."))
    moved = svc.bundle_merge(
        target=bundle,
        bundles=bundles,
        orders=orders,
        user=request.user,
        force_reason=request.POST.get("force_reason", ""),
    )
    messages.success(request, _("%(count)s lines merged into this bundle.") % {"count": moved})
    return bundle


def _visit_pickup(on: bool):
    def handler(request, bundle: Bundle) -> Bundle:
        svc.bundle_set_visit_pickup(bundle=bundle, visit_pickup=on, user=request.user)
        messages.success(request, _("Marked as visit pickup: no courier label.") if on else _("Sent by courier again."))
        return bundle

    return handler


def _automatic(request, bundle: Bundle) -> Bundle:
    first = OrderLine.objects.filter(bundle=bundle).order_by("id").values_list("id", flat=True).first()
    svc.bundle_make_automatic(bundle=bundle, user=request.user)
    messages.success(request, _("The bundle is grouped automatically again."))
    # Its lines may have joined another bundle of the same receiver: follow the first one.
    line = OrderLine.objects.filter(pk=first).select_related("bundle").first() if first else None
    return line.bundle if line and line.bundle else bundle


def _delay(request, bundle: Bundle) -> Bundle:
    try:
        new_date = date.fromisoformat(request.POST.get("new_date", ""))
    except ValueError as exc:
        raise ValidationError(_("Enter the new ship date.")) from exc
    chosen = set(_chosen_ids(request))
    lines = [
        line
        for line in OrderLine.objects.filter(bundle=bundle).select_related("order", "store").order_by("id")
        if (line.pk in chosen if chosen else line.state in SHIPPABLE)
    ]
    results = svc.order_delay_notice(
        lines=lines,
        new_date=new_date,
        reason=request.POST.get("reason", ""),
        detail=request.POST.get("detail", ""),
        user=request.user,
    )
    pushed = sum(1 for r in results if r.pushed)
    local = [r for r in results if r.ok and not r.pushed]
    refused = [r for r in results if not r.ok]
    if pushed:
        messages.success(request, _("Delay notice sent to the channel for %(count)s lines.") % {"count": pushed})
    if local:
        messages.warning(
            request,
            _("%(count)s lines: not supported by the channel; the new date is recorded here only.")
            % {"count": len(local)},
        )
    if refused:
        messages.error(
            request,
            _("%(count)s lines refused: %(message)s") % {"count": len(refused), "message": refused[0].message},
        )
    return bundle


ACTIONS = {
    "split": _split,
    "ship_partial": _ship_partial,
    "merge": _merge,
    "visit_pickup_on": _visit_pickup(True),
    "visit_pickup_off": _visit_pickup(False),
    "automatic": _automatic,
    "delay": _delay,
}


@require_http_methods(["GET", "POST"])
def bundles_regroup_view(request):
    """Group every open line again, e.g. after the bundle scope setting changed."""
    from modules.core.models import CompanySettings

    _require(request, "edit")
    if request.method == "POST":
        result = svc.bundles_regroup()
        messages.success(
            request,
            _("%(assigned)s lines regrouped, %(created)s bundles created, %(removed)s empty bundles removed.")
            % {"assigned": result.assigned, "created": result.created, "removed": result.removed},
        )
        return redirect("order_bundles:index")
    company = CompanySettings.load(request_or_site=request)
    return render(
        request,
        "orders/bundles/regroup.html",
        {"scope_label": company.get_bundle_scope_display()},
    )
