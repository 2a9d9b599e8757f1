import pytest
from django.core.exceptions import ValidationError

from modules.core.validators import (
    business_number_is_valid,
    format_business_number,
    validate_business_number,
    validate_mail_order_number,
    validate_phone,
)


@pytest.mark.parametrize(
    "number",
    [
        "123-45-67891",  # the worked example of the NTS rule
        "1234567891",
        "220-81-62517",
        "120-81-47521",
        "120-88-00767",
    ],
)
def test_valid_business_numbers(number):
    assert business_number_is_valid(number)
    validate_business_number(number)


@pytest.mark.parametrize(
    "number",
    ["123-45-67890", "123-45-67892", "220-81-62518", "120-81-47520", "0000000001"],
)
def test_checksum_failures(number):
    assert not business_number_is_valid(number)
    with pytest.raises(ValidationError) as exc:
        validate_business_number(number)
    assert exc.value.code == "business_number_checksum"


@pytest.mark.parametrize("number", ["", "123-45-6789", "12-345-678901", "abc-de-fghij"])
def test_format_failures(number):
    with pytest.raises(ValidationError) as exc:
        validate_business_number(number)
    assert exc.value.code == "business_number_format"


def test_format_business_number():
    assert format_business_number("1234567891") == "123-45-67891"


@pytest.mark.parametrize("value", ["제2024-서울강남-01234호", "2021-서울강남-7580", "제 2019-경기성남-0123 호"])
def test_mail_order_numbers_accepted(value):
    validate_mail_order_number(value)


@pytest.mark.parametrize("value", ["서울강남-01234", "2024-01234", "제2024서울강남01234호"])
def test_mail_order_numbers_refused(value):
    with pytest.raises(ValidationError):
        validate_mail_order_number(value)


@pytest.mark.parametrize("value", ["02-123-4567", "010-1234-5678", "1588-1255", "0504-1234-5678", "+82 10 1234 5678"])
def test_phones_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["1234", "010-12-345", "phone", "99-1234-5678"])
def test_phones_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)
