"""Every product rule of PRODUCT.md §5 and the seeds, on the pure validators (Korean messages naming the field)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from modules.catalog import validators as v
from tests.catalog.fixtures import full_notice


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# 상품명 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "알톤 미니벨로 자전거",
        "테스트2/구매불가 알톤 미니벨로 자전거",
        "1+1 티셔츠 (여름)",
        "A-B~C",
        "x" * 40,
        "가" * 20,
    ],
)
def test_name_accepts_the_basic_characters_and_the_seed_lengths(name):
    v.validate_product_name(name)


@pytest.mark.parametrize(
    "name, bad", [("특가! 자전거", "!"), ("자전거 [특가]", "["), ("자전거*", "*"), ("자전거, 헬멧", ",")]
)
def test_name_refuses_other_special_characters(name, bad):
    with pytest.raises(ValidationError) as caught:
        v.validate_product_name(name)
    assert "상품명" in messages(caught.value) and bad in messages(caught.value)
    assert caught.value.code == "name_characters"


def test_name_length_counts_korean_double():
    assert v.name_units("가a") == 3
    with pytest.raises(ValidationError) as caught:
        v.validate_product_name("가" * 21)
    assert caught.value.code == "name_length" and "42" in messages(caught.value) and "상품명" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_product_name("x" * 41)
    v.validate_product_name("가" * 19 + "ab")


def test_name_refuses_shipping_terms_and_empty():
    with pytest.raises(ValidationError) as caught:
        v.validate_product_name("무료배송 티셔츠")
    assert caught.value.code == "name_word"
    with pytest.raises(ValidationError):
        v.validate_product_name("   ")


# Codes -------------------------------------------------------------------------------------------------------


def test_seller_code_rules():
    v.validate_product_seller_code("ALT-001")
    with pytest.raises(ValidationError) as caught:
        v.validate_product_seller_code("ABCDEFGHIJK")  # 11 > 10 (seed: 자체상품코드 최대 10자)
    assert "판매자상품코드" in messages(caught.value) or "자체상품코드" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_sku_seller_code("AB C")
    with pytest.raises(ValidationError):
        v.validate_sku_seller_code("코드1")


def test_barcode_checks_gtin_digit_and_allows_internal_codes():
    v.validate_barcode("8801234567893")  # valid EAN-13 (880 = Korea)
    v.validate_barcode("9788934972464")  # ISBN-13
    v.validate_barcode("SKU-ABC-1")  # internal code (SellPick: 단품코드 = 단품바코드)
    with pytest.raises(ValidationError) as caught:
        v.validate_barcode("8801234567890")
    assert caught.value.code == "barcode_checksum" and "바코드" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_barcode("12 34")


# Prices ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("price", [5, 0, 1_000_000_010, 12345])
def test_representative_price_range_and_ten_won_steps(price):
    with pytest.raises(ValidationError) as caught:
        v.validate_price(price)
    assert "대표가격" in messages(caught.value)


def test_representative_price_accepts_bounds():
    v.validate_price(10)
    v.validate_price(1_000_000_000)


def test_extra_price_within_half_of_sale_price_and_one_at_zero():
    # Seed 001: "판매가격 10,000원 일 경우 5000원~15,000원 까지 가능".
    assert v.extra_price_bounds(10_000) == (-5_000, 5_000)
    rows = [v.SkuRow("빨강", 0), v.SkuRow("파랑", 5_000), v.SkuRow("노랑", -5_000)]
    v.validate_sku_prices(sale_price=10_000, skus=rows)
    with pytest.raises(ValidationError) as caught:
        v.validate_sku_prices(sale_price=10_000, skus=[v.SkuRow("빨강", 0), v.SkuRow("파랑", 5_010)])
    assert "파랑" in messages(caught.value) and "추가금액" in messages(caught.value)
    with pytest.raises(ValidationError) as caught:
        v.validate_sku_prices(sale_price=10_000, skus=[v.SkuRow("빨강", 0), v.SkuRow("파랑", -5_010)])
    assert "파랑" in messages(caught.value)


def test_at_least_one_combination_without_extra_price():
    with pytest.raises(ValidationError) as caught:
        v.validate_sku_prices(sale_price=10_000, skus=[v.SkuRow("빨강", 1_000), v.SkuRow("파랑", 2_000)])
    assert [e.code for e in caught.value.error_dict["skus"]] == ["extra_price_zero"]
    # Retired combinations do not count either way.
    v.validate_sku_prices(sale_price=10_000, skus=[v.SkuRow("빨강", 0), v.SkuRow("옛날", 9_000_000, active=False)])


def test_extra_price_in_ten_won_steps():
    with pytest.raises(ValidationError):
        v.validate_sku_prices(sale_price=10_000, skus=[v.SkuRow("빨강", 0), v.SkuRow("파랑", 55)])


# Options -----------------------------------------------------------------------------------------------------


def test_option_values_are_trimmed_and_deduplicated_strictly():
    assert v.parse_option_values(" 빨강 , 파랑,, 노랑 ") == ["빨강", "파랑", "노랑"]
    with pytest.raises(ValidationError) as caught:
        v.parse_option_values("빨강,파랑,빨강")
    assert caught.value.code == "option_value_duplicate" and "빨강" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.parse_option_values(" , ")
    with pytest.raises(ValidationError) as caught:
        v.parse_option_values("S/M,L")
    assert caught.value.code == "option_characters"
    with pytest.raises(ValidationError) as caught:
        v.parse_option_values("가" * 26)
    assert caught.value.code == "option_value_length"


def test_at_most_three_option_groups_with_distinct_names():
    groups = [("색상", ["a"]), ("사이즈", ["b"]), ("배송", ["c"])]
    v.validate_option_groups(groups)
    with pytest.raises(ValidationError) as caught:
        v.validate_option_groups([*groups, ("재질", ["d"])])
    assert "옵션" in messages(caught.value) and "3" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_option_groups([("색상", ["a"]), ("색상", ["b"])])


def test_option_name_rules():
    v.validate_option_name("색상")
    with pytest.raises(ValidationError):
        v.validate_option_name("")
    with pytest.raises(ValidationError):
        v.validate_option_name("색상!")


def test_combination_count_and_the_11st_limit():
    assert v.combination_count([["a", "b"], ["1", "2", "3"]]) == 6
    assert v.combination_count([]) == 0
    assert v.combination_limit("elevenst") == 99
    assert v.combination_limit("coupang") is None
    v.validate_combination_count(marketplace="elevenst", count=99)
    v.validate_combination_count(marketplace="coupang", count=500)
    with pytest.raises(ValidationError) as caught:
        v.validate_combination_count(marketplace="elevenst", count=100)
    assert "100" in messages(caught.value)
    assert v.combination_limit_error(marketplace="elevenst", count=100)
    with pytest.raises(ValidationError):
        v.validate_option_groups([("a", [str(i) for i in range(40)]), ("b", [str(i) for i in range(30)])])  # 1200


# Add-ons -----------------------------------------------------------------------------------------------------


def test_at_most_five_addon_groups():
    group = [v.AddonRow("g", "자물쇠", 2000)]
    v.validate_addons(sale_price=135_000, groups=[(f"그룹{i}", group) for i in range(5)])
    with pytest.raises(ValidationError) as caught:
        v.validate_addons(sale_price=135_000, groups=[(f"그룹{i}", group) for i in range(6)])
    assert "추가상품" in messages(caught.value) and "5" in messages(caught.value)


def test_addon_price_from_ten_won_to_half_the_sale_price():
    # Seed 001: "추가금액은 10원~판매금액의 +50% 구간으로 설정합니다."
    v.validate_addons(
        sale_price=10_000, groups=[("잠금", [v.AddonRow("잠금", "자물쇠", 5_000), v.AddonRow("잠금", "키", 10)])]
    )
    for price in (5, 5_010):
        with pytest.raises(ValidationError) as caught:
            v.validate_addons(sale_price=10_000, groups=[("잠금", [v.AddonRow("잠금", "자물쇠", price)])])
        assert "자물쇠" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_addons(sale_price=10_000, groups=[("잠금", [])])


# Certifications ----------------------------------------------------------------------------------------------


def test_at_most_five_certifications():
    cert = [v.CertificationRow("living_safety", f"HU0700{i}-1", "KTR") for i in range(5)]
    v.validate_certifications(certifications=cert)
    with pytest.raises(ValidationError) as caught:
        v.validate_certifications(certifications=[*cert, v.CertificationRow("living_safety", "X-9", "KTR")])
    assert "인증" in messages(caught.value) and "5" in messages(caught.value)


def test_certification_number_and_required_kinds():
    with pytest.raises(ValidationError) as caught:
        v.validate_certifications(certifications=[v.CertificationRow("kids_safety", "")])
    assert "인증번호" in messages(caught.value)
    v.validate_certifications(certifications=[v.CertificationRow("kids_supplier", "")], notice_category="kids")
    with pytest.raises(ValidationError) as caught:
        v.validate_certifications(certifications=[], notice_category="kids")
    assert "어린이" in messages(caught.value)
    with pytest.raises(ValidationError):
        v.validate_certifications(
            certifications=[v.CertificationRow("living_safety", "A-1")], notice_category="home_appliances"
        )
    v.validate_certifications(
        certifications=[v.CertificationRow("electric_safety", "HU07001-12001")], notice_category="home_appliances"
    )


def test_radio_certification_needs_r_number_and_manufacturing_date():
    with pytest.raises(ValidationError) as caught:
        v.validate_certifications(certifications=[v.CertificationRow("radio_conformity", "ABC-1")])
    codes = {e.code for e in caught.value.error_dict["certifications"]}
    assert codes == {"certification_radio_number", "certification_radio_date"}
    v.validate_certifications(
        certifications=[v.CertificationRow("radio_conformity", "R-C-abc-123")], manufactured_on=date(2024, 1, 1)
    )


# 상품정보제공고시 ---------------------------------------------------------------------------------------------


def test_notice_requires_every_item_of_the_category():
    values = full_notice("wear")
    v.validate_notice(category="wear", values=values)
    del values["care"]
    with pytest.raises(ValidationError) as caught:
        v.validate_notice(category="wear", values=values)
    assert "세탁방법" in messages(caught.value) and "상세페이지 참조" in messages(caught.value)


def test_notice_see_detail_page_replaces_a_value():
    values = {key: {"value": "", "see_detail": True} for key in ("book_title", "author_publisher")}
    errors = v.notice_errors("books", values)
    assert set(errors) == {"dimensions", "pages", "components", "published_on", "toc"}


@pytest.mark.parametrize("value", ["N", "아니오", "x", "상품라벨참조표기"])
def test_notice_refuses_n_no_and_see_label(value):
    errors = v.notice_errors("wear", full_notice("wear", care=value))
    assert list(errors) == ["care"]
    assert v.notice_errors("wear", full_notice("wear", care="해당없음")) == {}


def test_notice_category_required_unless_preparing():
    with pytest.raises(ValidationError) as caught:
        v.validate_notice(category="", values={})
    assert "notice_category" in caught.value.error_dict
    v.validate_notice(category="", values={}, required=False)


# Keywords, origin, dates -------------------------------------------------------------------------------------


def test_keywords():
    v.validate_keywords(["자전거", "미니벨로"])
    with pytest.raises(ValidationError):
        v.validate_keywords([f"키워드{i}" for i in range(11)])
    with pytest.raises(ValidationError):
        v.validate_keywords(["자전거", "자전거"])
    with pytest.raises(ValidationError):
        v.validate_keywords(["가" * 21])
    assert v.parse_keywords(" 자전거, 미니벨로 ,, ") == ["자전거", "미니벨로"]


def test_origin_rules():
    v.validate_origin(kind="domestic", goods_type="industrial", country="", ingredients="")
    with pytest.raises(ValidationError) as caught:
        v.validate_origin(kind="imported", goods_type="industrial", country="", ingredients="")
    assert "origin_country" in caught.value.error_dict
    with pytest.raises(ValidationError):
        v.validate_origin(kind="imported", goods_type="industrial", country="대한민국", ingredients="")
    with pytest.raises(ValidationError) as caught:
        v.validate_origin(kind="domestic", goods_type="processed", country="", ingredients="")
    assert "origin_ingredients" in caught.value.error_dict


def test_dates():
    today = date(2025, 5, 1)
    v.validate_dates(manufactured_on=date(2025, 1, 1), expires_on=date(2026, 1, 1), today=today)
    with pytest.raises(ValidationError):
        v.validate_dates(manufactured_on=date(2025, 6, 1), expires_on=None, today=today)
    with pytest.raises(ValidationError):
        v.validate_dates(manufactured_on=date(2025, 1, 1), expires_on=date(2025, 1, 1), today=today)


# Images ------------------------------------------------------------------------------------------------------


def test_image_rules_on_real_files(make_image):
    v.validate_product_image(make_image("main01.jpg"), field="대표이미지")
    cases = [
        (make_image("small01.jpg", (800, 800)), "1000×1000"),
        (make_image("png01.png", fmt="PNG"), "JPG"),
        (make_image("big01.jpg", padding=3 * 1024 * 1024), "3MB"),
    ]
    for image, expected in cases:
        with pytest.raises(ValidationError) as caught:
            v.validate_product_image(image, field="대표이미지")
        assert "대표이미지" in messages(caught.value) and expected in messages(caught.value), messages(caught.value)


def test_image_file_name_and_size_rules():
    kwargs = {"file_size": 100_000, "image_format": "JPEG", "size": (1000, 1000), "field": "추가 이미지 1"}
    v.validate_image_file(file_name="original_images/bike_01.jpg", **kwargs)
    with pytest.raises(ValidationError) as caught:
        v.validate_image_file(file_name="original_images/자전거 사진.jpg", **kwargs)
    assert "추가 이미지 1" in messages(caught.value) and "파일명" in messages(caught.value)
    with pytest.raises(ValidationError) as caught:
        v.validate_image_file(file_name="a.jpg", **{**kwargs, "file_size": 3 * 1024 * 1024 + 1})
    assert "3MB" in messages(caught.value)


def test_wagtail_stores_upload_names_that_pass_the_file_name_rule(make_image):
    image = make_image("한글 이름.jpg")
    v.validate_product_image(image, field="대표이미지")
