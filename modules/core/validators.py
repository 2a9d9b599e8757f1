"""Validators for Korean business identifiers (rules in shared/reference/domain-kr.md §2)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def business_number_is_valid(value: str) -> bool:
    """사업자등록번호 check digit: weights 1,3,7,1,3,7,1,3,5 plus ⌊d9·5/10⌋ (NTS rule)."""
    digits = business_number_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    numbers = [int(ch) for ch in digits]
    total = sum(d * w for d, w in zip(numbers[:9], _BUSINESS_NUMBER_WEIGHTS, strict=True))
    total += (numbers[8] * 5) // 10
    return (10 - total % 10) % 10 == numbers[9]


def format_business_number(value: str) -> str:
    digits = business_number_digits(value)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else value


def validate_business_number(value: str) -> None:
    digits = business_number_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            _("A business registration number has 10 digits (e.g. 123-45-67891)."),
            code="business_number_format",
        )
    if not business_number_is_valid(digits):
        raise ValidationError(
            _("This business registration number fails the check digit; please check it again."),
            code="business_number_checksum",
        )


_MAIL_ORDER_RE = re.compile(r"^(제\s*)?\d{4}\s*-\s*[가-힣A-Za-z0-9]+\s*-\s*\d{3,6}\s*(호)?$")


def validate_mail_order_number(value: str) -> None:
    """통신판매업 신고번호: 제YYYY-<지역>-NNNNN호; 제/호 and 3–6 digit serials occur, so match loosely."""
    if value and not _MAIL_ORDER_RE.match(value.strip()):
        raise ValidationError(
            _("Enter the mail-order business number as 제2024-서울강남-01234호."),
            code="mail_order_number_format",
        )


def validate_phone(value: str) -> None:
    """Korean phone numbers incl. 대표번호 (8 digits) and 안심번호 (up to 12 digits)."""
    digits = re.sub(r"[\s()-]", "", value or "")
    if digits.startswith("+82"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{8,11}|1[5-9]\d{6}", digits):
        raise ValidationError(
            _("Enter a phone number such as 02-1234-5678 or 010-1234-5678."), code="phone_format"
        )
