"""Korean couriers: the registry (names, marketplace codes, what sellers type) and tracking-number rules.

Pure Python (no Django), so channel mappers, spreadsheet imports and forms can all use it.
"""

from .registry import COURIERS, Courier, courier_by_name, courier_choices, marketplace_codes
from .tracking import STRICT_CHECK, TrackingProblem, check, check_digit, compose, is_valid, normalize

__all__ = [
    "COURIERS",
    "STRICT_CHECK",
    "Courier",
    "TrackingProblem",
    "check",
    "check_digit",
    "compose",
    "courier_by_name",
    "courier_choices",
    "is_valid",
    "marketplace_codes",
    "normalize",
]
