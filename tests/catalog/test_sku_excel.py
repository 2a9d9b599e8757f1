"""Product bulk register / bulk edit by Excel (kind "sku_list") and the SKU list download.

The files are made on the fly; every import goes through the engine's pipeline (dry run, then confirm) as an
upload does. Messages of the catalog's rules are compared in Korean (their translation is in the catalog);
messages new with the Excel import are compared through gettext, so the tests hold before and after their
Korean translation is added.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from modules.catalog import excel
from modules.catalog.models import SKU, Brand, OptionGroup, Product, ProductChange, SkuStatus
from modules.catalog.services import category_create, sku_update
from modules.spreadsheets.layouts import LayoutColumn, default_columns, get_kind
from modules.spreadsheets.models import ExcelLayout, ImportJob
from modules.spreadsheets.services import (
    ImportRefused,
    import_job_confirm,
    import_job_create,
    layout_default,
    spreadsheet_export,
)
from tests.spreadsheets.files import xlsx_bytes

pytestmark = pytest.mark.django_db

ALL, VALID_ONLY = ImportJob.Mode.ALL, ImportJob.Mode.VALID_ONLY
HEADER = [column.title for column in default_columns("sku_list")]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def line(header=None, **cells) -> list:
    """One row in ``header`` order from {title: value} given as keyword arguments (Korean titles)."""
    return [cells.get(title) for title in (header or HEADER)]


def product_rows(code, combos, *, category, header=None, first_only=False, **product):
    """Rows of one product: ``combos`` is [(seller code, {option title: value}, {other SKU cells})]."""
    cells = {
        "상품코드": code,
        "상품명": "알톤 미니벨로",
        "판매가": 135000,
        "카테고리": category.full_name,
        "브랜드": "알톤",
        "제조사": "알톤스포츠",
        "상품정보제공고시": "스포츠용품",
        **product,
    }
    rows = []
    for index, (seller_code, options, sku_cells) in enumerate(combos):
        row = dict(cells) if (index == 0 or not first_only) else {"상품코드": code}
        rows.append(line(header, **row, 판매자상품코드=seller_code, **options, **sku_cells))
    return rows


def colour_size(prefix, **sku_cells):
    return [
        (f"{prefix}-{n}", {"옵션명1": "색상", "옵션값1": colour, "옵션명2": "사이즈", "옵션값2": size}, dict(sku_cells))
        for n, (colour, size) in enumerate([("빨강", "S"), ("빨강", "M"), ("파랑", "S"), ("파랑", "M")], start=1)
    ]


def upload(rows, *, header=None, name="상품목록.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes([header or HEADER, *rows]))


def check(rows, *, header=None, layout=None, user=None, data=None):
    source = SimpleUploadedFile("상품목록.xlsx", data) if data is not None else upload(rows, header=header)
    return import_job_create(kind="sku_list", upload=source, layout=layout, user=user)


def run(rows=None, *, mode=ALL, header=None, layout=None, user=None, data=None):
    job = check(rows, header=header, layout=layout, user=user, data=data)
    assert job.status == ImportJob.Status.VALIDATED, (job.message, errors(job))
    return import_job_confirm(job=job, mode=mode, user=user)


def errors(job):
    return list(job.row_errors.order_by("row", "id").values_list("row", "column", "message"))


def counts(job, *, dry=False):
    if dry:
        return job.would_create, job.would_update, job.would_leave, job.error_rows
    return job.created, job.updated, job.unchanged, job.skipped


def sku_table(product):
    return list(
        SKU.objects.filter(product=product)
        .order_by("sort_order")
        .values_list("seller_code", "option_label", "extra_price", "status", "barcode", "cost")
    )


def export_bytes(queryset=None, *, layout=None) -> bytes:
    queryset = queryset if queryset is not None else SKU.objects.all()
    result = spreadsheet_export(kind="sku_list", objects=excel.export_queryset(queryset), user=None, layout=layout)
    result.file.seek(0)
    data = result.file.read()
    result.file.close()
    return data


def sheet_rows(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def bikes(create_product, products_editor):
    """A saved product with options (코드 ALT01, 4 SKUs) and one without (코드 BELL1)."""
    brand = Brand.objects.create(name="알톤")
    with_options = create_product(
        seller_code="ALT01",
        brand=brand,
        keywords=["자전거", "미니벨로"],
        model_name="RCT-20",
        options=[("색상", ["빨강", "파랑"]), ("사이즈", ["S", "M"])],
        user=products_editor,
    )
    plain = create_product(
        seller_code="BELL1", name="자전거 벨", price=9000, origin_kind="imported", origin_country="중국"
    )
    return with_options, plain


# Registration -------------------------------------------------------------------------------------------------


def test_kind_has_the_real_columns_and_an_importer():
    spec = get_kind("sku_list")
    assert isinstance(spec.importer, excel.SkuListImporter)
    assert HEADER[:5] == ["상품코드", "상품명", "판매자상품코드", "옵션명1", "옵션값1"]
    assert {"옵션추가금액", "판매가", "원가", "바코드", "판매상태", "카테고리", "브랜드", "상품정보제공고시"} <= set(
        HEADER
    )
    assert [item.key for item in spec.required_fields] == ["seller_code"]


def test_register_builds_products_options_and_skus(category, products_editor):
    rows = product_rows("ALT01", colour_size("ALT01", 원가=50000), category=category, 검색키워드="자전거, 미니벨로")
    rows[2][HEADER.index("옵션추가금액")] = 5000  # 파랑/S
    rows += product_rows("BELL1", [("BELL1", {}, {"바코드": "8801234567893"})], category=category, 상품명="자전거 벨")
    job = check(rows, user=products_editor)
    assert counts(job, dry=True) == (5, 0, 0, 0)
    assert not Product.objects.exists() and not Brand.objects.exists()  # a dry run writes nothing

    job = import_job_confirm(job=job, mode=ALL, user=products_editor)
    assert job.status == ImportJob.Status.DONE, job.message
    assert counts(job) == (5, 0, 0, 0)
    bike = Product.objects.get(seller_code="ALT01")
    assert bike.product_code == f"{bike.created_at.astimezone().date():%Y%m%d}{bike.pk:07d}"
    assert (bike.name, bike.price, bike.maker, bike.category, bike.brand.name) == (
        "알톤 미니벨로",
        135000,
        "알톤스포츠",
        category,
        "알톤",
    )
    assert bike.keywords == ["자전거", "미니벨로"] and bike.created_by == products_editor
    assert bike.notice_category == "sports_equipment"
    assert all(entry["see_detail"] for entry in bike.notice_values.values())
    assert [(g.name, g.values) for g in OptionGroup.objects.filter(product=bike).order_by("sort_order")] == [
        ("색상", ["빨강", "파랑"]),
        ("사이즈", ["S", "M"]),
    ]
    assert sku_table(bike) == [
        ("ALT01-1", "빨강/S", 0, "on_sale", "", 50000),
        ("ALT01-2", "빨강/M", 0, "on_sale", "", 50000),
        ("ALT01-3", "파랑/S", 5000, "on_sale", "", 50000),
        ("ALT01-4", "파랑/M", 0, "on_sale", "", 50000),
    ]
    bell = Product.objects.get(seller_code="BELL1")
    assert sku_table(bell) == [("BELL1", "", 0, "on_sale", "8801234567893", None)]
    assert Brand.objects.count() == 1  # created once, shared
    history = ProductChange.objects.filter(product=bike).values_list("field", "new_value", "user")
    assert list(history) == [("product", "상품 등록", products_editor.pk)]


def test_product_columns_may_be_filled_on_the_first_row_only(category):
    rows = product_rows("ALT01", colour_size("ALT01"), category=category, first_only=True)
    job = run(rows)
    assert counts(job) == (4, 0, 0, 0)
    assert Product.objects.get(seller_code="ALT01").skus.count() == 4


def test_rows_are_grouped_into_products_across_chunks(category, monkeypatch):
    # A chunk never splits a product: with 6-row chunks, 4-row products still come out whole.
    monkeypatch.setattr(excel.SkuListImporter, "chunk_size", 6)
    rows = []
    for number in range(5):
        rows += product_rows(f"P{number}", colour_size(f"P{number}"), category=category)
    job = run(rows)
    assert counts(job) == (20, 0, 0, 0)
    assert [p.skus.count() for p in Product.objects.order_by("pk")] == [4] * 5


# Editing ----------------------------------------------------------------------------------------------------


def test_edit_changes_only_what_differs_and_records_history(bikes, category, make_user):
    bike, plain = bikes
    seller = make_user("판매자")
    data = export_bytes()
    rows = sheet_rows(data)
    header, body = rows[0], rows[1:]
    col = {title: index for index, title in enumerate(header)}
    body[0][col["원가"]] = 41000  # ALT01-001: cost
    body[1][col["옵션추가금액"]] = 3000  # ALT01-002: extra price
    body[1][col["바코드"]] = "8801234567893"
    for row in body[:4]:
        row[col["상품명"]] = "알톤 미니벨로 2026"  # the product's name, on all its rows
    job = run(data=xlsx_bytes([header, *body]), user=seller)
    assert counts(job) == (0, 4, 1, 0)

    bike.refresh_from_db()
    assert bike.name == "알톤 미니벨로 2026"
    assert sku_table(bike)[:2] == [
        ("ALT01-001", "빨강/S", 0, "on_sale", "", 41000),
        ("ALT01-002", "빨강/M", 3000, "on_sale", "8801234567893", None),
    ]
    changes = {c.field: c for c in ProductChange.objects.filter(product=bike, user=seller)}
    assert set(changes) == {"name", "skus"}
    assert (changes["name"].old_value, changes["name"].new_value) == ("알톤 미니벨로 자전거", "알톤 미니벨로 2026")
    assert changes["skus"].old_value.splitlines()[0].startswith("빨강/S")
    assert "41,000" in changes["skus"].new_value and "8801234567893" in changes["skus"].new_value
    assert not ProductChange.objects.filter(product=plain, user=seller).exists()


def test_round_trip_export_import_is_unchanged(bikes, category):
    bike, _plain = bikes
    sku_update(sku=bike.skus.order_by("sort_order").first(), extra_price=5000, barcode="8801234567893")
    SKU.objects.filter(product=bike).update(cost=12345)
    data = export_bytes()
    rows = sheet_rows(data)
    assert rows[0] == HEADER
    assert rows[1][:5] == ["ALT01", "알톤 미니벨로 자전거", "ALT01-001", "색상", "빨강"]
    before = ProductChange.objects.count()

    job = run(data=data)
    assert counts(job) == (0, 0, 5, 0)
    assert ProductChange.objects.count() == before


def test_round_trip_with_a_renamed_and_reordered_layout(bikes):
    columns = [
        LayoutColumn("cost", "매입가"),
        LayoutColumn("seller_code", "SKU코드"),
        LayoutColumn("option_value1", "색상값"),
        LayoutColumn("extra_price", "추가금"),
        LayoutColumn("name", "품명"),
    ]
    layout = ExcelLayout.objects.create(
        kind="sku_list", name="원가 수정용", columns=ExcelLayout.columns_value("sku_list", columns)
    )
    data = export_bytes(layout=layout)
    rows = sheet_rows(data)
    assert rows[0] == ["매입가", "SKU코드", "색상값", "추가금", "품명"]
    assert counts(run(data=data, layout=layout)) == (0, 0, 5, 0)

    rows[1][0] = 7000
    job = run(data=xlsx_bytes(rows), layout=layout)
    assert counts(job) == (0, 1, 4, 0)
    assert SKU.objects.get(seller_code="ALT01-001").cost == 7000
    # Columns the layout lacks are left alone: the barcode and the brand stay.
    assert Product.objects.get(seller_code="ALT01").brand.name == "알톤"


def test_blank_cells_empty_what_may_be_empty_and_keep_the_rest(bikes):
    bike, _plain = bikes
    SKU.objects.filter(product=bike).update(cost=100)
    rows = sheet_rows(export_bytes(SKU.objects.filter(product=bike)))
    header, body = rows[0], rows[1:]
    col = {title: index for index, title in enumerate(header)}
    for row in body:
        for title in ("원가", "브랜드", "검색키워드", "상품명", "판매가"):
            row[col[title]] = None
    job = run(data=xlsx_bytes([header, *body]))
    assert counts(job) == (0, 4, 0, 0)
    bike.refresh_from_db()
    assert (bike.brand, bike.keywords, bike.name, bike.price) == (None, [], "알톤 미니벨로 자전거", 135000)
    assert set(SKU.objects.filter(product=bike).values_list("cost", flat=True)) == {None}


# Bad input --------------------------------------------------------------------------------------------------


def test_missing_and_unknown_columns_give_one_message(category):
    header = ["상품코드", "상품명", "재고수량"]
    job = check([["A1", "이름", 3]], header=header)
    assert job.status == ImportJob.Status.FAILED
    assert "판매자상품코드" in job.message and "재고수량" in job.message and "옵션값1" in job.message


def test_bad_cells_are_row_errors_and_nothing_is_written(category):
    rows = product_rows("ALT01", colour_size("ALT01"), category=category)
    rows[1][HEADER.index("판매가")] = "백삼십오"
    rows += product_rows("GOOD1", [("GOOD1", {}, {"과세구분": "면세"})], category=category)
    rows += product_rows("BAD01", [("BAD01", {}, {"판매상태": "팝니다", "원가": "12.5원"})], category=category)
    rows += product_rows("BAD02", [("BAD02", {}, {})], category=category, 상품정보제공고시="가전")
    job = check(rows)
    assert job.status == ImportJob.Status.VALIDATED
    found = errors(job)
    assert {(row, column) for row, column, _m in found} >= {
        (3, "판매가"),
        (7, "판매상태"),
        (7, "원가"),
        (8, "상품정보제공고시"),
    }
    # ALT01 lacks its row 3 (빨강/M), so its other rows cannot be registered either: they say so.
    assert [(row, column) for row, column, _m in found if row in (2, 4, 5)] == [
        (2, "옵션값1"),
        (4, "상품코드"),
        (5, "상품코드"),
    ]
    assert "빨강/M" in found[0][2]
    assert found[2][2] == _("Not imported: row %(rows)s of the same product has errors.") % {"rows": "2"}
    assert counts(job, dry=True) == (1, 0, 0, 6)
    assert not Product.objects.exists()
    with pytest.raises(ImportRefused):  # all or nothing is refused while rows have errors
        import_job_confirm(job=job, mode=ALL)

    job = import_job_confirm(job=job, mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE
    assert counts(job) == (1, 0, 0, 6)
    assert list(Product.objects.values_list("seller_code", "tax_type")) == [("GOOD1", "exempt")]


def test_duplicate_seller_codes_in_the_file(category):
    rows = product_rows("A1", [("A1", {}, {})], category=category)
    rows += product_rows("B1", [("A1", {}, {})], category=category)
    job = check(rows)
    assert [(row, column) for row, column, _m in errors(job)] == [(3, "판매자상품코드")]
    assert "2" in errors(job)[0][2]


def test_duplicate_barcodes_in_the_file_and_in_the_catalog(bikes, category):
    rows = product_rows("A1", [("A1", {}, {"바코드": "8801234567893"})], category=category)
    rows += product_rows("B1", [("B1", {}, {"바코드": "8801234567893"})], category=category)
    SKU.objects.filter(seller_code="BELL1").update(barcode="4006381333931")
    rows += product_rows("C1", [("C1", {}, {"바코드": "4006381333931"})], category=category)
    job = check(rows)
    assert [(row, column) for row, column, _m in errors(job)] == [(3, "바코드"), (4, "바코드")]
    assert errors(job)[1][2] == "바코드: 다른 SKU가 이미 사용 중입니다."


def test_catalog_rules_are_checked_in_korean_on_their_row_and_column(category):
    rows = product_rows("NAME1", [("NAME1", {}, {})], category=category, 상품명="최고의 자전거!!")
    rows += product_rows("TOOLONGCODE1", [("TOOLONGCODE1", {}, {})], category=category)
    rows += product_rows("PRICE", [("PRICE", {}, {})], category=category, 판매가=12345)
    extra = colour_size("EXTRA")
    extra[1][2]["옵션추가금액"] = 100000  # more than half of 135,000
    rows += product_rows("EXTRA", extra, category=category)
    rows += product_rows("BAR1", [("BAR1", {}, {"바코드": "8801234567890"})], category=category)
    rows += product_rows("OPT1", [("OPT1", {"옵션명1": "색상", "옵션값1": "빨강!"}, {})], category=category)
    rows += product_rows("NOTE1", [("NOTE1", {}, {})], category=category, 상품정보제공고시=None)
    job = check(rows)
    by_row = {}
    for row, column, message in errors(job):
        by_row.setdefault(row, []).append((column, message))
    assert by_row[2] == [("상품명", by_row[2][0][1])] and by_row[2][0][1].startswith("상품명:")
    assert by_row[3][0][0] == "상품코드" and "10" in by_row[3][0][1]
    assert by_row[4][0][0] == "판매가" and by_row[4][0][1].startswith("대표가격")
    assert ("옵션추가금액", by_row[6][0][1]) == by_row[6][0] and "빨강/M" in by_row[6][0][1]
    assert [column for column, _m in by_row[5]] == ["상품코드"]  # stopped by row 6, same product
    assert by_row[9][0][0] == "바코드"
    assert by_row[10][0][0] == "옵션값1" and "빨강!" in by_row[10][0][1]
    assert by_row[11][0][0] == "상품정보제공고시"
    assert counts(job, dry=True) == (0, 0, 0, 10)


def test_options_must_make_every_combination_once(category):
    combos = colour_size("A")[:3]  # 파랑/M missing
    rows = product_rows("A", combos, category=category)
    dup = colour_size("B")
    dup[3] = ("B-4", dup[0][1], {})  # 빨강/S twice, 파랑/M missing
    rows += product_rows("B", dup, category=category)
    names = colour_size("C")
    names[1][1]["옵션명1"] = "컬러"
    rows += product_rows("C", names, category=category)
    job = check(rows)
    found = errors(job)
    assert (2, "옵션값1") in [(r, c) for r, c, _m in found] and "파랑/M" in next(m for r, c, m in found if r == 2)
    assert any(r == 8 and c == "옵션값1" and "5" in m for r, c, m in found)  # the same options as row 5
    assert any(r == 10 and c == "옵션명1" for r, c, _m in found)
    assert counts(job, dry=True) == (0, 0, 0, 11)


def test_product_code_rules(bikes, category):
    rows = [line(판매자상품코드="NEW1", 상품명="이름")]  # a new SKU without a product code
    rows += product_rows("ALT01", [("ALT01-NEW", {"옵션명1": "색상", "옵션값1": "노랑"}, {})], category=category)
    rows += [line(상품코드="BELL1", 판매자상품코드="ALT01-001")]  # a saved SKU named under another product
    job = check(rows)
    found = errors(job)
    assert [(r, c) for r, c, _m in found] == [(2, "상품코드"), (3, "상품코드"), (4, "상품코드")]
    assert found[1][2] == _("%(code)s is a saved product: add options to it on its product page, not by Excel.") % {
        "code": "ALT01"
    }
    assert "ALT01" in found[2][2]


def test_saved_sku_options_and_retired_status_do_not_change_by_excel(bikes):
    bike, _plain = bikes
    SKU.objects.filter(seller_code="ALT01-004").update(status=SkuStatus.RETIRED)
    rows = [
        line(판매자상품코드="ALT01-001", 옵션명1="색상", 옵션값1="노랑"),
        line(판매자상품코드="ALT01-002", 판매상태="판매안함"),
        line(판매자상품코드="ALT01-004", 판매상태="판매"),
    ]
    job = check(rows)
    found = errors(job)
    assert [(r, c) for r, c, _m in found][:1] == [(2, "옵션값1")]
    assert (4, "판매상태") in [(r, c) for r, c, _m in found]
    assert "파랑/M" in next(m for r, c, m in found if r == 4)
    # The product's rows go together: row 3 alone would have been fine.
    assert [c for r, c, _m in found if r == 3] == ["상품코드"]


def test_unknown_category_is_an_error_and_an_unknown_brand_is_created(category):
    rows = product_rows("A1", [("A1", {}, {})], category=category, 카테고리="없는 > 분류")
    rows += product_rows("B1", [("B1", {}, {})], category=category, 브랜드="삼천리")
    job = run(rows, mode=VALID_ONLY)
    assert [(r, c) for r, c, _m in errors(job)] == [(2, "카테고리")]
    assert Product.objects.get(seller_code="B1").brand.name == "삼천리"


def test_category_path_matches_with_any_spacing(category):
    child = category_create(name="자전거", parent=category)
    rows = product_rows("A1", [("A1", {}, {})], category=category, 카테고리="스포츠/레저>자전거")
    run(rows)
    assert Product.objects.get(seller_code="A1").category == child


def test_rows_of_a_new_product_must_be_next_to_each_other(category):
    rows = product_rows("A", colour_size("A")[:2], category=category)
    rows += product_rows("B", [("B", {}, {})], category=category)
    rows += product_rows("A", colour_size("A")[2:], category=category)
    job = check(rows)
    found = errors(job)
    assert [(r, c) for r, c, _m in found if r in (5, 6)] == [(5, "상품코드"), (6, "상품코드")]
    assert "3" in found[-1][2]


def test_children_product_needs_certifications_unless_preparing(category):
    rows = product_rows("KID1", [("KID1", {}, {})], category=category, 상품정보제공고시="어린이제품")
    rows += product_rows(
        "KID2", [("KID2", {}, {})], category=category, 상품정보제공고시="어린이제품", 상품상태="판매준비"
    )
    job = run(rows, mode=VALID_ONLY)
    assert [(r, c) for r, c, _m in errors(job)] == [(2, "상품정보제공고시")]
    assert "KC" in errors(job)[0][2]
    assert Product.objects.get(seller_code="KID2").status == "preparing"


def test_edit_product_fields_brand_category_and_notice(bikes, category):
    bike, _plain = bikes
    child = category_create(name="자전거", parent=category)
    rows = sheet_rows(export_bytes(SKU.objects.filter(product=bike)))
    header, body = rows[0], rows[1:]
    col = {title: index for index, title in enumerate(header)}
    for row in body:
        row[col["브랜드"]] = "새 브랜드"
        row[col["카테고리"]] = child.full_name
        row[col["상품정보제공고시"]] = "기타 재화"
        row[col["과세구분"]] = "면세"
        row[col["상품상태"]] = "품절"
    job = run(data=xlsx_bytes([header, *body]))
    assert counts(job) == (0, 4, 0, 0)
    bike.refresh_from_db()
    assert (bike.brand.name, bike.category, bike.notice_category, bike.tax_type, bike.status) == (
        "새 브랜드",
        child,
        "etc",
        "exempt",
        "sold_out",
    )
    # Items of the new notice category that the old one had keep their values; the others say "see detail".
    assert bike.notice_values["country"] == {"value": "중국", "see_detail": False}
    assert bike.notice_values["kc_cert"]["see_detail"]
    changed = set(ProductChange.objects.filter(product=bike).exclude(field="product").values_list("field", flat=True))
    assert changed == {"brand", "category", "notice_category", "notice_values", "tax_type", "status"}
    brand_change = ProductChange.objects.get(product=bike, field="brand")
    assert (brand_change.old_value, brand_change.new_value) == ("알톤", "새 브랜드")


def test_garbage_collection_is_back_on_after_an_import(category):
    import gc

    run(product_rows("A1", [("A1", {}, {})], category=category))
    assert gc.isenabled()
    job = check(product_rows("B1", [("B1", {}, {"원가": "x"})], category=category))
    assert gc.isenabled() and job.error_rows == 1


# Speed by construction ----------------------------------------------------------------------------------------


def _queries(rows) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as dry:
        job = check(rows)
    with CaptureQueriesContext(connection) as confirm:
        job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.DONE
    return len(dry), len(confirm)


def test_query_count_does_not_grow_with_rows(category):
    """The same statements for 3 products as for 20 (80 rows). Beyond that only the database's own batch size
    adds statements (SQLite takes 999 values per INSERT: about 30 products or 90 SKUs), never a row."""
    layout_default(kind="sku_list")  # made by the first upload otherwise
    small = []
    for number in range(3):
        small += product_rows(f"S{number}", colour_size(f"S{number}"), category=category, 브랜드=f"작은{number}")
    big = []
    for number in range(20):
        big += product_rows(f"B{number}", colour_size(f"B{number}"), category=category, 브랜드=f"브랜드{number}")
    assert _queries(big) == _queries(small)

    # Editing: the same again, every row changed.
    def edited(codes):
        rows = sheet_rows(export_bytes(SKU.objects.filter(product__seller_code__in=codes)))
        col = rows[0].index("원가")
        for row in rows[1:]:
            row[col] = 999
        return xlsx_bytes(rows)

    def queries_of(data):
        with CaptureQueriesContext(connection) as dry:
            job = check(None, data=data)
        with CaptureQueriesContext(connection) as confirm:
            job = import_job_confirm(job=job, mode=ALL)
        assert job.updated == job.total_rows
        return len(dry), len(confirm)

    assert queries_of(edited([f"B{n}" for n in range(20)])) == queries_of(edited([f"S{n}" for n in range(3)]))


def test_queries_grow_with_chunks_not_rows(category, monkeypatch):
    """With 8-row chunks (two 4-row products), each chunk costs the same few statements."""
    monkeypatch.setattr(excel.SkuListImporter, "chunk_size", 8)
    layout_default(kind="sku_list")
    Brand.objects.create(name="알톤")
    measured = []
    for chunks in (1, 2, 3):
        rows = []
        for number in range(2 * chunks):
            code = f"C{chunks}{number}"
            rows += product_rows(code, colour_size(code), category=category)
        measured.append(_queries(rows))
    (dry1, confirm1), (dry2, confirm2), (dry3, confirm3) = measured
    assert dry3 - dry2 == dry2 - dry1 <= 8
    assert confirm3 - confirm2 == confirm2 - confirm1 <= 16


def test_export_reads_a_fixed_number_of_queries_per_batch(create_product, django_assert_num_queries):
    for number in range(6):
        create_product(seller_code=f"E{number}", options=[("색상", ["빨강", "파랑"])])
    with django_assert_num_queries(3):  # the SKUs; per batch their products (brand, category) and option names
        rows = list(excel.export_queryset(SKU.objects.all()))
    assert len(rows) == 12
    spec = get_kind("sku_list")
    with django_assert_num_queries(0):
        values = [[spec.fields[key].value_of(sku) for key in spec.fields] for sku in rows]
    assert values[0][:5] == ["E0", "알톤 미니벨로 자전거", "E0-001", "색상", "빨강"]
    with django_assert_num_queries(5):  # two batches of 8 and 4
        assert len(list(excel.export_queryset(SKU.objects.all(), batch=8))) == 12


# The admin lists ----------------------------------------------------------------------------------------------


def test_sku_list_downloads_the_filtered_list_and_links_to_the_upload(editor_client, bikes):
    bike, plain = bikes
    url = reverse("catalog_skus:index")
    page = editor_client.get(url).content.decode()
    assert reverse("spreadsheets_import", args=["sku_list"]) in page
    assert "excel_layout=" in page

    response = editor_client.get(url, {"q": "ALT01", "excel_layout": ""})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = sheet_rows(data)
    assert rows[0] == HEADER and [row[2] for row in rows[1:]] == ["ALT01-001", "ALT01-002", "ALT01-003", "ALT01-004"]
    assert counts(run(data=data)) == (0, 0, 4, 0)


def test_product_list_download_in_a_chosen_layout(editor_client, bikes):
    layout = ExcelLayout.objects.create(
        kind="sku_list",
        name="간단",
        columns=ExcelLayout.columns_value(
            "sku_list", [LayoutColumn("seller_code", "코드"), LayoutColumn("name", "이름")]
        ),
    )
    url = reverse("catalog_products:index")
    page = editor_client.get(url).content.decode()
    assert f"excel_layout={layout.pk}" in page
    response = editor_client.get(url, {"q": "BELL1", "excel_layout": layout.pk})
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows == [["코드", "이름"], ["BELL1", "자전거 벨"]]


def test_download_needs_the_products_right(make_user, bikes):
    from tests.conftest import verified_client

    outsider = verified_client(make_user("주문담당", rights={"orders": {"view"}}))
    response = outsider.get(reverse("catalog_skus:index"), {"excel_layout": ""})
    assert response.status_code in (302, 403)
