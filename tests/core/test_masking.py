import pytest

from modules.core.masking import mask_address, mask_email, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"), [("홍길동", "홍*동"), ("김철", "김*"), ("남궁민수", "남*민수"), ("이", "이"), ("", "")]
)
def test_names_hide_the_second_character(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("010-1234-5678", "010-1234-****"),
        ("01012345678", "0101234****"),
        ("0504-1234-5678", "0504-1234-****"),
        ("02-12", "**-**"),
    ],
)
def test_phones_hide_the_last_four_digits(value, masked):
    assert mask_phone(value) == masked


def test_addresses_keep_the_road_and_building_number():
    assert mask_address("서울특별시 강남구 테헤란로 123", "4층 401호") == "서울특별시 강남구 테헤란로 123 ***"
    assert mask_address("경기도 성남시 분당구 판교역로 235 에이치스퀘어", "") == "경기도 성남시 분당구 판교역로 235 ***"
    assert "401" not in mask_address("부산광역시 해운대구 우동 1408-5", "101동 401호")


def test_emails_hide_the_local_part():
    assert mask_email("hong.gildong@example.com") == "ho**********@example.com"
    assert mask_email("ab@x.kr") == "a*@x.kr"
