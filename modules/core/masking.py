"""Masking of personal data for lists, exports and labels (reference/domain-kr.md §7.1).

Names hide the second character (홍*동, 김*), phones the last four digits (010-1234-****), addresses
everything after the road name and building number (the detail line entirely), e-mails most of the
local part. Pure functions: the same rules wherever personal data is shown without the right to see it.
"""

from __future__ import annotations

import re

_DIGIT = re.compile(r"\d")
# Road-name address up to the building number ("서울특별시 강남구 테헤란로 123"), or a lot number.
_ROAD = re.compile(r"^(.*?(?:로|길|동|리|가)\s*\d+(?:-\d+)?)(.*)$")


def mask_name(value: str) -> str:
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" + value[2:]


def mask_phone(value: str) -> str:
    """The last four digits become ****, whatever the punctuation (0504 safe numbers too)."""
    value = (value or "").strip()
    positions = [m.start() for m in _DIGIT.finditer(value)]
    if len(positions) < 5:
        return _DIGIT.sub("*", value)  # too short to keep anything
    chars = list(value)
    for index in positions[-4:]:
        chars[index] = "*"
    return "".join(chars)


def mask_address(address1: str, address2: str = "") -> str:
    """The road name and building number stay; what follows, and the detail line, become ***."""
    address1 = (address1 or "").strip()
    match = _ROAD.match(address1)
    if match:
        head, tail = match.group(1), match.group(2)
        masked = head + (" ***" if tail.strip() or address2 else "")
    else:
        words = address1.split()
        masked = " ".join(words[:3]) + (" ***" if len(words) > 3 or address2 else "")
    return masked.strip()


def mask_email(value: str) -> str:
    value = (value or "").strip()
    if "@" not in value:
        return mask_name(value)
    local, domain = value.split("@", 1)
    keep = local[:2] if len(local) > 3 else local[:1]
    return f"{keep}{'*' * max(1, len(local) - len(keep))}@{domain}"
