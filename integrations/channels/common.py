"""What the marketplace mappers share when they write a listing. Pure: no I/O, no channel's names.

상품정보제공고시: ``ListingDraft.notice_fields`` is keyed by our item keys (modules.catalog.notice, a pure
data module: the law's item labels live there once); a value may be keyed by the item's official label
instead ("색상" for ``color``). ``notice_values`` reads both into one dict by item key, so each channel's
notice table only maps our item keys to its own fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.catalog.notice import ITEM_LABELS, SEE_DETAIL_TEXT

# Written for a notice item the seller left empty (channels accept it: domain-kr §4).
SEE_DETAIL = SEE_DETAIL_TEXT

_KEY_BY_LABEL = {label: key for key, label in ITEM_LABELS.items()}


def notice_values(fields: Mapping[str, Any]) -> dict[str, str]:
    """Non-blank notice values by item key, stripped. A value given under the item key wins over one given
    under its label; any other name (e.g. a channel's own field name) is kept as it is."""
    by_key: dict[str, str] = {}
    by_label: dict[str, str] = {}
    for name, value in fields.items():
        text = "" if value is None else str(value).strip()
        if not text:
            continue
        key = _KEY_BY_LABEL.get(name)
        if key is None:
            by_key.setdefault(name, text)
        else:
            by_label.setdefault(key, text)
    return {**by_label, **by_key}
