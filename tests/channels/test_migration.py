"""Channel product migration (상품 가져오기): recognition of the four exports, preview, import, admin."""

# ruff: noqa: F811 - the fixtures imported below are redefined as test arguments

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.channels.base import ListingState
from modules.catalog.models import SKU, Product, SkuStatus
from modules.channels.migration import (
    FORMATS_BY_KEY,
    Match,
    MigrationRefused,
    migration_import,
    migration_parse,
    migration_preview,
    migration_stage,
    migration_staged,
    recognize,
    state_of,
)
from modules.channels.models import Listing, ListingOption
from modules.spreadsheets.reader import SpreadsheetError
from tests.catalog.fixtures import category  # noqa: F401 - fixture
from tests.channels.migration_helpers import (
    MARKETPLACE_OF,
    coupang_file,
    create_demo_catalog,
    demo_catalog,  # noqa: F401 - fixture
    make_samples,
    make_store,
    sample_path,
    store_of,  # noqa: F401 - fixture
    xlsx_bytes,
)
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def parse(key: str, store):
    return migration_parse(source=sample_path(key), store=store)


def products_by_id(parsed) -> dict:
    return {product.product_id: product for product in parsed.products}


def select(parsed, *ids):
    wanted = set(ids)
    return [product for product in parsed.products if product.product_id in wanted]


# Recognition -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "header_row", "products"),
    [
        ("wemakeprice_products", 4, 11),
        ("wemakeprice_deals", 3, 5),
        ("elevenst_products", 1, 17),
        ("coupang_products", 2, 10),
    ],
)
def test_each_sample_is_recognised_below_its_title_rows(store_of, key, header_row, products):
    parsed = parse(key, store_of(MARKETPLACE_OF[key]))
    assert parsed.format_key == key
    assert parsed.header_row == header_row
    assert len(parsed.products) == products
    assert parsed.file_name == sample_path(key).name
    assert parsed.errors == []


def test_samples_are_what_the_script_writes(tmp_path):
    """The committed files hold what make_samples.py writes (run it after changing it)."""
    from python_calamine import CalamineWorkbook

    def cells(path):
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    for path in make_samples.main(tmp_path):
        assert cells(path) == cells(sample_path(path.stem)), path.name


@pytest.mark.parametrize(
    ("key", "marketplace"),
    [
        ("coupang_products", "naver"),
        ("coupang_products", "elevenst"),
        ("wemakeprice_products", "coupang"),
        ("wemakeprice_deals", "elevenst"),
        ("elevenst_products", "wemakeprice"),
    ],
)
def test_an_export_of_another_marketplace_is_refused(key, marketplace):
    store = make_store(marketplace, name="엉뚱한 스토어")
    with pytest.raises(MigrationRefused) as caught:
        parse(key, store)
    assert caught.value.code == "wrong_marketplace"
    assert "엉뚱한 스토어" in caught.value.message
    assert str(FORMATS_BY_KEY[key].label) in caught.value.message


def test_naver_store_is_told_that_no_export_exists(store_of):
    with pytest.raises(MigrationRefused) as caught:
        parse("coupang_products", store_of("naver"))
    assert "Excel" in caught.value.message or "엑셀" in caught.value.message


def test_unknown_headers_list_expected_and_found(store_of):
    data = xlsx_bytes([["주문번호", "수취인명", "송장번호"], ["A-1", "홍길동", "1234"]], titles=[["주문 목록"]])
    with pytest.raises(MigrationRefused) as caught:
        migration_parse(source=data, store=store_of("coupang"), name="orders.xlsx")
    message = caught.value.message
    assert caught.value.code == "unknown_format"
    assert caught.value.details["found"] == ["주문번호", "수취인명", "송장번호"]
    for title in ("주문번호", "수취인명", "등록상품ID", "옵션ID", "딜번호", "업체상품코드", "판매자상품코드"):
        assert title in message


def test_a_missing_required_column_is_not_recognised(store_of):
    header = [title for title in make_samples.COUPANG_HEADER if title != "옵션ID"]
    with pytest.raises(MigrationRefused) as caught:
        migration_parse(source=xlsx_bytes([header]), store=store_of("coupang"), name="c.xlsx")
    assert caught.value.code == "unknown_format"


def test_columns_that_fit_two_exports_go_to_the_stores_marketplace(store_of):
    table = [["상품번호", "상품명", "판매자상품코드", "판매가"], ["100", "도마", "BAMBOO-01", 18900]]
    assert migration_parse(source=xlsx_bytes(table), store=store_of("elevenst"), name="a.xlsx").format_key == (
        "elevenst_products"
    )
    assert migration_parse(source=xlsx_bytes(table), store=store_of("wemakeprice"), name="a.xlsx").format_key == (
        "wemakeprice_products"
    )
    with pytest.raises(MigrationRefused) as caught:
        recognize([table[0]])
    assert caught.value.code == "ambiguous_format"


def test_cp949_csv_export_is_read(store_of):
    text = "상품번호,판매자상품코드,상품명,판매상태,판매가,재고수량,옵션\r\n"
    text += '4012300001,EAR-PRO,무선 블루투스 이어폰 프로,판매중,"39,900원",200,"색상:화이트,블랙"\r\n'
    parsed = migration_parse(source=text.encode("cp949"), store=store_of("elevenst"), name="11st.csv")
    (product,) = parsed.products
    assert (product.sale_price, product.stock, product.state) == (39900, 200, "on_sale")
    assert [option.label for option in product.options] == ["화이트", "블랙"]


def test_unsafe_file_is_refused_by_the_excel_engine(store_of):
    with pytest.raises(SpreadsheetError):
        migration_parse(source=b"<html><table></table></html>", store=store_of("coupang"), name="list.xls")


def test_a_header_without_rows_is_refused(store_of):
    with pytest.raises(MigrationRefused) as caught:
        migration_parse(source=xlsx_bytes([make_samples.COUPANG_HEADER]), store=store_of("coupang"), name="empty.xlsx")
    assert caught.value.code == "empty"


# Parsing -----------------------------------------------------------------------------------------


def test_wemakeprice_rows_are_grouped_into_products_with_options(store_of):
    products = products_by_id(parse("wemakeprice_products", store_of("wemakeprice")))
    tee = products["5210003"]
    assert (tee.name, tee.seller_code, tee.sale_price, tee.market_price, tee.stock) == (
        "데일리 코튼 반팔 티셔츠",
        "TEE-DAILY",
        12900,
        19900,
        300,
    )
    assert tee.state == ListingState.ON_SALE.value and tee.status == "판매중"
    assert [
        (o.option_id, o.seller_code, o.names, o.values, o.extra_price, o.price, o.stock, o.on_sale) for o in tee.options
    ] == [
        ("88100031", "TEE-DAILY-01", ["사이즈"], ["S"], 0, 12900, 50, True),
        ("88100032", "TEE-DAILY-02", ["사이즈"], ["M"], 0, 12900, 100, True),
        ("88100033", "TEE-DAILY-03", ["사이즈"], ["L"], 0, 12900, 100, True),
        ("88100034", "TEE-DAILY-04", ["사이즈"], ["XL"], 1000, 13900, 50, False),
    ]
    assert tee.rows == [8, 9, 10, 11]
    rice = products["5210002"]
    assert rice.options == [] and rice.market_price is None  # 정가 0: none
    assert products["5210004"].state == "sold_out"
    assert products["5210005"].state == "suspended"
    assert products["5210010"].state == "pending_approval"
    assert products["5210011"].state == "ended"
    assert products["5210001"].sale_start.year == 2026


def test_bad_cells_and_duplicates_are_row_errors(store_of):
    products = products_by_id(parse("wemakeprice_products", store_of("wemakeprice")))
    (error,) = products["5210009"].errors
    assert (error.row, error.column) == (21, "판매가") and "15,9OO" in error.message
    (duplicate,) = products["5210011"].errors
    assert duplicate.row == 25 and "24" in duplicate.message

    deals = products_by_id(parse("wemakeprice_deals", store_of("wemakeprice")))
    (stock,) = deals["7700004"].errors
    assert (stock.column, stock.row) == ("재고수량", 13) and "많음" in stock.message

    elevenst = products_by_id(parse("elevenst_products", store_of("elevenst")))
    assert elevenst["4012300009"].sale_price == 15900  # "1만5천9백원"
    assert elevenst["4012300010"].errors[0].column == "판매가"


def test_a_row_without_product_number_is_a_file_error(store_of):
    header = make_samples.ELEVENST_HEADER
    row = dict.fromkeys(header, "")
    row.update({"상품명": "번호 없는 상품", "판매가": 1000, "판매자상품코드": "X-1"})
    table = [header, [row[title] for title in header], [row[title] if title != "상품번호" else "1" for title in header]]
    parsed = migration_parse(source=xlsx_bytes(table), store=store_of("elevenst"), name="e.xlsx")
    assert [(error.row, error.column) for error in parsed.errors] == [(2, "상품번호")]
    assert [product.product_id for product in parsed.products] == ["1"]


def test_coupang_options_prices_and_states(store_of):
    products = products_by_id(parse("coupang_products", store_of("coupang")))
    tee = products["13000000003"]
    assert tee.seller_code == "" and tee.sale_price == 12900 and tee.market_price == 19900
    assert [(o.option_id, o.seller_code, o.extra_price, o.on_sale) for o in tee.options][-1] == (
        "85000000034",
        "TEE-DAILY-04",
        1000,
        False,
    )
    assert tee.state == "on_sale"
    assert products["13000000004"].state == "sold_out"
    assert products["13000000008"].state == "pending_approval"  # 승인대기 wins over the sale status
    assert products["13000000009"].state == "rejected"
    assert products["13000000007"].options[0].values == ["S", "화이트"]


def test_eleven_street_option_cell_becomes_every_combination(store_of):
    products = products_by_id(parse("elevenst_products", store_of("elevenst")))
    mug = products["4012300008"]
    assert [option.values for option in mug.options] == [
        ["화이트", "350ml"],
        ["화이트", "500ml"],
        ["네이비", "350ml"],
        ["네이비", "500ml"],
    ]
    assert mug.options[0].names == ["색상", "사이즈"]


def test_an_option_cell_with_too_many_combinations_is_a_row_error(store_of):
    header = make_samples.ELEVENST_HEADER
    row = dict.fromkeys(header, "")
    values = ",".join(f"v{number}" for number in range(40))
    row.update({"상품번호": "1", "판매자상품코드": "BIG", "상품명": "큰 상품", "판매가": 1000})
    row["옵션"] = f"a:{values}\nb:{values}"  # 1,600 combinations
    parsed = migration_parse(
        source=xlsx_bytes([header, [row[title] for title in header]]), store=store_of("elevenst"), name="e.xlsx"
    )
    (product,) = parsed.products
    assert product.options == [] and product.errors[0].column == "옵션" and "1600" in product.errors[0].message


def test_negative_extra_price_is_kept_and_negative_prices_refused(store_of):
    header = make_samples.WEMAKEPRICE_PRODUCT_HEADER

    def row(**values):
        cells = dict.fromkeys(header, "")
        cells.update({"상품번호": "1", "상품명": "상품", "업체상품코드": "P-1", "판매가": 10000, "옵션사용여부": "Y"})
        cells.update(values)
        return [cells[title] for title in header]

    table = [
        header,
        row(옵션번호="11", 옵션명="용량", 옵션값="소", 옵션추가금액=-2000),
        row(옵션번호="12", 옵션명="용량", 옵션값="대", 옵션추가금액=0),
        row(상품번호="2", 판매가=-10),
    ]
    products = products_by_id(migration_parse(source=xlsx_bytes(table), store=store_of("wemakeprice"), name="w.xlsx"))
    assert [(o.extra_price, o.price) for o in products["1"].options] == [(-2000, 8000), (0, 10000)]
    assert products["1"].errors == [] and products["2"].errors[0].column == "판매가"


@pytest.mark.parametrize(
    ("status", "approval", "state"),
    [
        ("판매중", None, "on_sale"),
        (" 판매 중지 ", None, "suspended"),
        ("품절", "승인완료", "sold_out"),
        ("판매중", "승인반려", "rejected"),
        ("판매중", "임시저장", "draft"),
        ("판매종료", None, "ended"),
        ("알 수 없음", None, "unknown"),
        ("", None, "unknown"),
    ],
)
def test_state_of(status, approval, state):
    assert state_of(status, approval) == state


# Preview -------------------------------------------------------------------------------------------


def test_preview_counts_and_matches(store_of, demo_catalog):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    preview = migration_preview(store=store, products=parsed.products)
    matches = {item.product.product_id: item.match for item in preview.items}
    assert matches == {
        "5210001": Match.SKU,
        "5210002": Match.SKU,
        "5210003": Match.SKU,
        "5210004": Match.SKU,
        "5210005": Match.SKU,
        "5210006": Match.NONE,
        "5210007": Match.NONE,
        "5210008": Match.NONE,
        "5210009": Match.ERROR,
        "5210010": Match.NONE,
        "5210011": Match.ERROR,
    }
    assert (preview.linked, preview.not_linked, preview.matched, preview.unmatched, preview.with_errors) == (
        0,
        11,
        5,
        4,
        2,
    )
    tee = next(item for item in preview.items if item.product.product_id == "5210003")
    assert tee.catalog_product == demo_catalog["TEE-DAILY"]
    assert [sku.seller_code for sku in tee.matched_skus] == [
        "TEE-DAILY-01",
        "TEE-DAILY-02",
        "TEE-DAILY-03",
        "TEE-DAILY-04",
    ]
    assert not next(item for item in preview.items if item.product.product_id == "5210009").selectable


def test_preview_matches_by_product_code_and_option_text(store_of, demo_catalog):
    store = store_of("elevenst")
    preview = migration_preview(store=store, products=parse("elevenst_products", store).products)
    items = {item.product.product_id: item for item in preview.items}
    ear = items["4012300001"]  # product code EAR-PRO, options by their text
    assert ear.match == Match.PRODUCT
    assert [(pair.option.label, pair.sku.seller_code) for pair in ear.pairs] == [
        ("화이트", "EAR-PRO-01"),
        ("블랙", "EAR-PRO-02"),
    ]
    assert items["4012300005"].match == Match.SKU  # a SKU code at product level
    assert [sku.seller_code for sku in items["4012300005"].matched_skus] == ["CAT-TOFU-01"]
    assert items["4012300011"].match == Match.NONE  # no seller code at all


def test_preview_reports_options_without_sku(store_of, demo_catalog):
    store = store_of("coupang")
    preview = migration_preview(store=store, products=parse("coupang_products", store).products)
    cat = next(item for item in preview.items if item.product.product_id == "13000000005")
    assert cat.match == Match.PARTIAL
    assert "CAT-TOFU-09" in cat.problems[0]


def test_preview_query_count_does_not_grow_with_rows(store_of, category, django_assert_max_num_queries):
    store = store_of("coupang")
    small = migration_parse(source=coupang_file(5), store=store, name="small.xlsx")
    big = migration_parse(source=coupang_file(60), store=store, name="big.xlsx")
    # Some products of each file exist in the catalogue (so every lookup runs).
    create_demo_catalog(category)
    counts = []
    for parsed in (small, big):
        for product in parsed.products[:2]:
            product.options[0].seller_code = "EAR-PRO-01" if product.product_id.endswith("0") else "RICE-4K"
        with CaptureQueriesContext(connection) as queries:
            preview = migration_preview(store=store, products=parsed.products)
        counts.append(len(queries))
        assert preview.matched + preview.with_problems >= 1
    assert counts[0] == counts[1] <= 5


# Import ---------------------------------------------------------------------------------------------


MATCHED = ("5210001", "5210002", "5210003", "5210004", "5210005")


def test_import_link_sku(store_of, demo_catalog, make_user):
    store = store_of("wemakeprice")
    user = make_user("담당자", rights={"products": {"edit"}})
    parsed = parse("wemakeprice_products", store)
    result = migration_import(
        store=store, selection=select(parsed, *MATCHED), link_sku=True, link_stock=True, user=user
    )
    assert (result.selected, result.linked, result.created, result.skipped, result.failed) == (5, 5, 0, 0, 0)
    listing = Listing.objects.get(store=store, channel_product_id="5210003")
    assert listing.product == demo_catalog["TEE-DAILY"]
    assert (listing.name, listing.channel_seller_code, listing.sale_price, listing.market_price) == (
        "데일리 코튼 반팔 티셔츠",
        "TEE-DAILY",
        12900,
        19900,
    )
    assert (listing.state, listing.channel_status, listing.link_stock) == ("on_sale", "판매중", True)
    assert listing.raw["format"] == "wemakeprice_products" and listing.pulled_at is not None
    options = list(listing.options.order_by("sort_order"))
    assert [
        (o.channel_option_id, o.sku.seller_code, o.extra_price, o.channel_price, o.channel_stock) for o in options
    ] == [
        ("88100031", "TEE-DAILY-01", 0, 12900, 50),
        ("88100032", "TEE-DAILY-02", 0, 12900, 100),
        ("88100033", "TEE-DAILY-03", 0, 12900, 100),
        ("88100034", "TEE-DAILY-04", 1000, 13900, 50),
    ]
    assert [o.on_sale for o in options] == [True, True, True, False]
    rice = Listing.objects.get(store=store, channel_product_id="5210002")
    (rice_option,) = rice.options.all()
    assert (rice_option.sku.seller_code, rice_option.channel_option_id, rice_option.channel_stock) == (
        "RICE-4K",
        "",
        55,
    )
    assert Listing.objects.get(store=store, channel_product_id="5210004").state == "sold_out"
    # Nothing was created in the catalogue.
    assert Product.objects.count() == 5


def test_import_link_sku_refuses_products_without_match(store_of, demo_catalog):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    result = migration_import(
        store=store, selection=select(parsed, "5210006", "5210001"), link_sku=True, link_stock=True, user=None
    )
    assert (result.linked, result.failed) == (1, 1)
    (error,) = result.errors
    assert error.product_id == "5210006" and "CAMP-CH01" in error.messages[0]
    assert not Listing.objects.filter(channel_product_id="5210006").exists()
    assert not SKU.objects.filter(seller_code__startswith="CAMP").exists()


def test_import_creates_new_products_from_channel_data(store_of, demo_catalog, category, make_user):
    store = store_of("wemakeprice")
    user = make_user("담당자", rights={"products": {"edit"}})
    parsed = parse("wemakeprice_products", store)
    result = migration_import(
        store=store,
        selection=select(parsed, "5210006", "5210007", "5210008", "5210010"),
        link_sku=False,
        link_stock=False,
        user=user,
        category=category,
    )
    assert (result.created, result.linked, result.failed) == (2, 0, 2)
    errors = {error.product_id: " ".join(error.messages) for error in result.errors}
    assert "상품명" in errors["5210008"]  # the product name rule
    assert set(errors) == {"5210008", "5210010"}  # 12,345 won is not in 10-won steps

    chair = Product.objects.get(seller_code="CAMP-CH01")
    assert (chair.name, chair.status, chair.price, chair.category, chair.maker) == (
        "캠핑 접이식 의자",
        Product.Status.PREPARING,
        32900,
        category,
        "장터캠프",
    )
    assert chair.created_by == user
    assert [(g.name, g.values) for g in chair.option_groups.all()] == [("색상", ["카키", "블랙"])]
    assert sorted(chair.skus.values_list("seller_code", flat=True)) == ["CAMP-CH01-BK", "CAMP-CH01-KH"]
    listing = Listing.objects.get(store=store, channel_product_id="5210006")
    assert listing.product == chair and listing.link_stock is False
    assert sorted(listing.options.values_list("sku__seller_code", "channel_option_id")) == [
        ("CAMP-CH01-BK", "88100062"),
        ("CAMP-CH01-KH", "88100061"),
    ]
    board = Product.objects.get(seller_code="BAMBOO-01")
    assert list(board.skus.values_list("seller_code", flat=True)) == ["BAMBOO-01"]
    assert board.maker == "장터리빙"
    # The failed products left nothing behind.
    assert not Product.objects.filter(seller_code__in=["TOWEL-40", "HOLDER-01"]).exists()
    assert not Listing.objects.filter(channel_product_id__in=["5210008", "5210010"]).exists()


def test_create_new_needs_a_category(store_of):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    with pytest.raises(MigrationRefused):
        migration_import(store=store, selection=select(parsed, "5210007"), link_sku=False, link_stock=True, user=None)


def test_create_new_with_two_option_groups_and_generated_codes(store_of, category):
    store = store_of("elevenst")
    parsed = parse("elevenst_products", store)
    result = migration_import(
        store=store,
        selection=select(parsed, "4012300008"),
        link_sku=False,
        link_stock=True,
        user=None,
        category=category,
    )
    assert result.created == 1, result.errors
    mug = Product.objects.get(seller_code="MUG-SET2")
    assert [(g.name, g.values) for g in mug.option_groups.all()] == [
        ("색상", ["화이트", "네이비"]),
        ("사이즈", ["350ml", "500ml"]),
    ]
    assert mug.skus.count() == 4
    listing = Listing.objects.get(store=store, channel_product_id="4012300008")
    assert listing.options.filter(sku__isnull=False).count() == 4


def test_create_new_from_coupang_options(store_of, category):
    store = store_of("coupang")
    parsed = parse("coupang_products", store)
    result = migration_import(
        store=store,
        selection=select(parsed, "13000000006", "13000000010", "13000000003"),
        link_sku=False,
        link_stock=True,
        user=None,
        category=category,
    )
    assert (result.created, result.failed) == (3, 0), result.errors
    chair = Listing.objects.get(channel_product_id="13000000006").product
    assert [(g.name, g.values) for g in chair.option_groups.all()] == [("옵션", ["카키", "블랙"])]
    assert chair.seller_code == ""  # Coupang has codes per option only
    board = Listing.objects.get(channel_product_id="13000000010").product
    assert list(board.skus.values_list("seller_code", flat=True)) == ["BAMBOO-01"]
    tee = Listing.objects.get(channel_product_id="13000000003").product
    skus = {sku.option_label: sku for sku in tee.skus.all()}
    assert (skus["XL"].seller_code, skus["XL"].extra_price, skus["XL"].status) == (
        "TEE-DAILY-04",
        1000,
        SkuStatus.STOPPED,  # 품절 at the channel
    )


def test_link_stock_off(store_of, demo_catalog):
    store = store_of("coupang")
    parsed = parse("coupang_products", store)
    migration_import(store=store, selection=select(parsed, "13000000002"), link_sku=True, link_stock=False, user=None)
    assert Listing.objects.get(channel_product_id="13000000002").link_stock is False


def test_rerun_is_idempotent(store_of, demo_catalog):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    first = migration_import(store=store, selection=select(parsed, *MATCHED), link_sku=True, link_stock=True, user=None)
    counts = (Listing.objects.count(), ListingOption.objects.count(), Product.objects.count(), SKU.objects.count())
    again = migration_import(
        store=store, selection=parse("wemakeprice_products", store).products, link_sku=True, link_stock=True, user=None
    )
    assert first.linked == 5
    assert again.skipped == 5 and again.linked == 0
    assert (
        Listing.objects.count(),
        ListingOption.objects.count(),
        Product.objects.count(),
        SKU.objects.count(),
    ) == counts
    preview = migration_preview(store=store, products=parsed.products)
    assert preview.linked == 5 and preview.not_linked == 6


def test_only_selected_products_are_imported(store_of, demo_catalog):
    store = store_of("coupang")
    parsed = parse("coupang_products", store)
    result = migration_import(
        store=store, selection=select(parsed, "13000000002", "13000000004"), link_sku=True, link_stock=True, user=None
    )
    assert result.linked == 2
    assert sorted(Listing.objects.values_list("channel_product_id", flat=True)) == ["13000000002", "13000000004"]


def test_rows_with_errors_are_not_imported(store_of, demo_catalog):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    result = migration_import(
        store=store, selection=select(parsed, "5210009", "5210011"), link_sku=False, link_stock=True, user=None,
        category=demo_catalog["EAR-PRO"].category,
    )  # fmt: skip
    assert result.failed == 2 and Listing.objects.count() == 0 and Product.objects.count() == 5
    assert "판매가" in result.errors[0].messages[0]


def test_partial_options_are_an_error_with_link_sku(store_of, demo_catalog):
    store = store_of("coupang")
    parsed = parse("coupang_products", store)
    result = migration_import(
        store=store, selection=select(parsed, "13000000005"), link_sku=True, link_stock=True, user=None
    )
    assert result.failed == 1 and "CAT-TOFU-09" in result.errors[0].messages[0]
    assert not Listing.objects.exists()


def test_two_channel_products_of_one_catalog_product(store_of, demo_catalog):
    """11번가 lists TEE-DAILY twice (the product and one size): the store keeps one listing per product."""
    store = store_of("elevenst")
    parsed = parse("elevenst_products", store)
    result = migration_import(
        store=store, selection=select(parsed, "4012300003", "4012300016"), link_sku=True, link_stock=True, user=None
    )
    assert (result.linked, result.failed) == (1, 1)
    assert "4012300003" in result.errors[0].messages[0]
    # On a later upload the preview says so before importing.
    item = next(
        item for item in migration_preview(store=store, products=parsed.products).items
        if item.product.product_id == "4012300016"
    )  # fmt: skip
    assert item.other_listing == "4012300003"


def test_pulled_listing_is_completed_not_duplicated(store_of, demo_catalog):
    store = store_of("coupang")
    pulled = Listing.objects.create(store=store, channel_product_id="13000000001", name="이어폰 (수집됨)")
    ListingOption.objects.create(listing=pulled, channel_option_id="85000000011", option_text="화이트")
    parsed = parse("coupang_products", store)
    preview = migration_preview(store=store, products=select(parsed, "13000000001"))
    assert preview.items[0].match == Match.SKU and preview.items[0].listing_id == pulled.pk
    result = migration_import(
        store=store, selection=select(parsed, "13000000001"), link_sku=True, link_stock=True, user=None
    )
    assert result.linked == 1
    assert Listing.objects.filter(store=store, channel_product_id="13000000001").count() == 1
    pulled.refresh_from_db()
    assert pulled.product == demo_catalog["EAR-PRO"] and pulled.name == "무선 블루투스 이어폰 프로"
    assert sorted(pulled.options.values_list("channel_option_id", "sku__seller_code")) == [
        ("85000000011", "EAR-PRO-01"),
        ("85000000012", "EAR-PRO-02"),
    ]


def test_deals_link_items_to_skus(store_of, demo_catalog):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_deals", store)
    preview = migration_preview(store=store, products=parsed.products)
    matches = {item.product.product_id: item.match for item in preview.items}
    assert matches == {
        "7700001": Match.SKU,
        "7700002": Match.PARTIAL,
        "7700003": Match.ERROR,
        "7700004": Match.ERROR,
        "7700005": Match.SKU,
    }
    result = migration_import(
        store=store,
        selection=select(parsed, "7700001", "7700002", "7700005"),
        link_sku=True,
        link_stock=True,
        user=None,
    )
    assert (result.linked, result.failed) == (2, 1)
    assert "BAMBOO-01" in result.errors[0].messages[0]
    deal = Listing.objects.get(channel_product_id="7700001")
    assert deal.product is None and deal.name == "겨울맞이 이어폰+텀블러 기획전"
    assert deal.sale_end is not None and deal.state == "on_sale"
    assert list(deal.options.order_by("sort_order").values_list("sku__seller_code", flat=True)) == [
        "EAR-PRO-01",
        "EAR-PRO-02",
        "TUMB-500-01",
        "TUMB-500-02",
        "TUMB-500-03",
    ]
    # Linked through its options: a second run skips it.
    again = migration_import(
        store=store, selection=select(parsed, "7700001"), link_sku=True, link_stock=True, user=None
    )
    assert again.skipped == 1


def test_deals_cannot_create_products(store_of, demo_catalog, category):
    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_deals", store)
    result = migration_import(
        store=store, selection=select(parsed, "7700001"), link_sku=False, link_stock=True, user=None, category=category
    )
    assert result.failed == 1 and not Listing.objects.exists()


# Staging ---------------------------------------------------------------------------------------------


def test_staged_file_belongs_to_its_user(store_of, make_user):
    store = store_of("coupang")
    owner, other = make_user("owner"), make_user("other")
    parsed = parse("coupang_products", store)
    token = migration_stage(parsed=parsed, store=store, user=owner)
    staged = migration_staged(token=token, user=owner)
    assert staged.store_id == store.pk
    assert [p.to_dict() for p in staged.parsed.products] == [p.to_dict() for p in parsed.products]
    assert migration_staged(token=token, user=other) is None
    assert migration_staged(token="../../etc", user=owner) is None


# Admin --------------------------------------------------------------------------------------------


@pytest.fixture
def editor(make_user):
    return make_user("상품담당", rights={"products": {"edit"}, "channels": {"view"}})


def _upload(client, store, key):
    with open(sample_path(key), "rb") as handle:
        return client.post(reverse("channels_migration"), {"store": store.pk, "file": handle})


def test_admin_end_to_end(store_of, demo_catalog, editor):
    store = store_of("wemakeprice")
    client = verified_client(editor)
    page = client.get(reverse("channels_migration") + f"?store={store.pk}")
    assert page.status_code == 200
    assert "상품조회" in page.content.decode() and "등록상품ID" in page.content.decode()

    response = _upload(client, store, "wemakeprice_products")
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert str(FORMATS_BY_KEY["wemakeprice_products"].label) in html
    assert re.search(r"data-matched>\s*5<", html) and re.search(r"data-errors>\s*2<", html)
    assert 'value="5210009"' not in html  # rows with errors cannot be chosen
    assert "15,9OO" in html

    response = client.post(preview_url, {"products": ["5210001", "5210003"], "link_sku": "on", "link_stock": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    result = client.get(response["Location"]).content.decode()
    assert re.search(r"data-linked>\s*2<", result) and re.search(r"data-failed>\s*0<", result)
    assert Listing.objects.filter(store=store).count() == 2

    # The preview now shows them linked; choosing a linked product is refused by the form.
    html = client.get(preview_url).content.decode()
    assert re.search(r"data-linked>\s*2<", html)
    response = client.post(preview_url, {"products": ["5210001"], "link_sku": "on"})
    assert response.status_code == 200 and Listing.objects.count() == 2


def test_admin_create_new_needs_category_then_reports_errors(store_of, demo_catalog, editor, category):
    store = store_of("wemakeprice")
    client = verified_client(editor)
    preview_url = _upload(client, store, "wemakeprice_products")["Location"]
    response = client.post(preview_url, {"products": ["5210007", "5210008"], "link_stock": "on"})
    assert response.status_code == 200 and not Listing.objects.exists()
    response = client.post(preview_url, {"products": ["5210007", "5210008"], "category": category.pk})
    result = client.get(response["Location"]).content.decode()
    assert re.search(r"data-created>\s*1<", result) and re.search(r"data-failed>\s*1<", result)
    assert "5210008" in result and "상품명" in result
    assert Listing.objects.get(channel_product_id="5210007").link_stock is False


def test_admin_refuses_export_of_another_marketplace(store_of, editor):
    client = verified_client(editor)
    response = _upload(client, store_of("naver"), "coupang_products")
    assert response.status_code == 200
    assert "data-migration-upload" in response.content.decode()
    (error,) = response.context["form"].errors["file"]
    assert "WING" in error  # the file's export named in the refusal
    assert not Listing.objects.exists()


def test_admin_deal_form_has_no_create_choice(store_of, demo_catalog, editor):
    store = store_of("wemakeprice")
    client = verified_client(editor)
    preview_url = _upload(client, store, "wemakeprice_deals")["Location"]
    html = client.get(preview_url).content.decode()
    assert 'name="link_sku"' not in html and 'name="category"' not in html
    response = client.post(preview_url, {"products": ["7700001"], "link_stock": "on"})
    assert response.status_code == 302
    assert Listing.objects.get(channel_product_id="7700001").options.count() == 5


def test_admin_needs_products_edit_right(make_user):
    viewer = make_user("조회", rights={"products": {"view"}, "channels": {"edit"}})
    client = verified_client(viewer)
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert client.get(reverse("channels_migration")).status_code == 302
    assert client.get(reverse("channels_migration_preview", args=["x" * 20])).status_code == 302


def test_admin_token_of_another_user_is_not_found(store_of, editor, make_user):
    store = store_of("coupang")
    other = make_user("다른담당", rights={"products": {"edit"}})
    token = migration_stage(parsed=parse("coupang_products", store), store=store, user=other)
    client = verified_client(editor)
    assert client.get(reverse("channels_migration_preview", args=[token])).status_code == 404
    assert (
        client.post(reverse("channels_migration_preview", args=[token]), {"products": ["13000000002"]}).status_code
        == 404
    )
    assert client.get(reverse("channels_migration_result", args=[token])).status_code == 404


def test_admin_menu_has_the_import_item(editor, make_user):
    html = verified_client(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("channels_migration") in html
    viewer = make_user("조회만", rights={"products": {"view"}, "channels": {"view"}})
    assert (
        reverse("channels_migration") not in verified_client(viewer).get(reverse("wagtailadmin_home")).content.decode()
    )


def test_admin_preview_queries_do_not_grow_with_rows(store_of, editor, category):
    store = store_of("coupang")
    create_demo_catalog(category)
    client = verified_client(editor)
    counts = []
    for size in (5, 60):
        parsed = migration_parse(source=coupang_file(size), store=store, name=f"{size}.xlsx")
        parsed.products[0].options[0].seller_code = "EAR-PRO-01"
        token = migration_stage(parsed=parsed, store=store, user=editor)
        url = reverse("channels_migration_preview", args=[token])
        client.get(url)  # warm the per-process caches (permissions, site)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_listing_written_meanwhile_rolls_the_product_back(store_of, category, monkeypatch):
    """Another import links the channel product between the preview and the write: the new catalog
    product made for it is rolled back with the failed listing, nothing is left half-written."""
    from modules.channels import migration

    store = store_of("wemakeprice")
    parsed = parse("wemakeprice_products", store)
    real_preview = migration.migration_preview

    def stale_preview(**kwargs):
        preview = real_preview(**kwargs)
        Listing.objects.create(store=store, channel_product_id="5210007", name="다른 사람이 먼저")
        return preview

    monkeypatch.setattr(migration, "migration_preview", stale_preview)
    result = migration_import(
        store=store, selection=select(parsed, "5210007"), link_sku=False, link_stock=True, user=None, category=category
    )
    assert (result.created, result.failed) == (0, 1)
    assert not Product.objects.filter(seller_code="BAMBOO-01").exists()
    assert not SKU.objects.filter(seller_code="BAMBOO-01").exists()
    assert Listing.objects.get(channel_product_id="5210007").product is None


def test_options_that_cannot_become_option_groups_are_reported(store_of, category):
    header = make_samples.COUPANG_HEADER

    def row(product_id, option_id, option_name):
        cells = dict.fromkeys(header, "")
        cells.update(
            {"등록상품ID": product_id, "옵션ID": option_id, "등록상품명": "컵", "옵션명": option_name, "판매가격": 5000}
        )
        return [cells[title] for title in header]

    table = [header, row("1", "11", "S"), row("1", "12", "S"), row("2", "21", "S"), row("2", "22", "")]
    store = store_of("coupang")
    parsed = migration_parse(source=xlsx_bytes(table), store=store, name="c.xlsx")
    result = migration_import(
        store=store, selection=parsed.products, link_sku=False, link_stock=True, user=None, category=category
    )
    assert result.failed == 2 and not Product.objects.exists()
