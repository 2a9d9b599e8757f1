"""SKU product list by Excel: import of 20,000 SKU rows (all new), re-import with 10% changed, export of 100,000.

The file
    A generated xlsx in the default "sku_list" layout (24 columns): 5,000 products × 4 options (색상 ×
    사이즈), realistic cells (Korean names, prices, costs, valid EAN-13 barcodes, 30 category paths, 40 brands
    of which 20 are new, keywords, notice category), written by XlsxWriter as Excel would store it.

ours
    What a seller's upload does: ``import_job_create`` (store, read with python-calamine, parse every cell,
    check every catalog rule, count; the dry run) then ``import_job_confirm`` (read and check again, then
    write: products, option groups, SKUs, brands, history rows). Both steps run inline here (the worker runs
    the same functions for a big file). Time = dry run + confirm.
baseline "import-export"
    django-import-export's default ``ModelResource`` for SKU (``import_id_fields = seller_code``, the product
    through the default ForeignKeyWidget, an option label joined in ``before_import_row``), the file read by
    its own ``XLSX`` format (openpyxl), one ``import_data(dry_run=False)``: no dry run, no rule checks, and
    the 5,000 products made beforehand outside the timing (a SKU resource cannot make them). Goal: ours at
    least 6× faster (ratio ≤ 0.167).
baseline "raw"
    The floor: python-calamine read, then ``bulk_create`` of the 5,000 products and the 20,000 SKUs (no
    checks, no dry run, no history; the products are needed by the SKUs' foreign key). Goal: ours within 2×
    (ratio ≤ 2). The notes also give the SKU-only floor (products made beforehand) and the floor for the same
    rows ours writes (also 10,000 option groups and 5,000 history rows).
re-import
    The same file with the cost of every 10th row changed (2,000 rows): ours reports 2,000 updated and
    18,000 unchanged and writes history; import-export re-imports every row; raw reads, fetches the SKUs by
    code and ``bulk_update``s the changed ones.
export (measured first, while the process heap is small, so that RSS growth is the export's own)
    100,000 SKUs (25,000 products) from the database in the default layout through the streaming writer
    (``excel.export_queryset`` + ``spreadsheet_export``): time, tracemalloc peak and RSS growth above the
    start, also at 10,000 SKUs (goal: under 150 MB, flat in rows); baseline: the same rows (same queries and
    getters) into openpyxl's normal Workbook, as import-export's xlsx format does.

Time: ours median of ``min(--repeat, 3)`` runs, the baselines one run each (they take a minute).
"""

from __future__ import annotations

import gc
import io
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from bench.common import log, median, result
from modules.catalog import excel
from modules.catalog.models import SKU, Brand, Category, OptionGroup, Product, ProductChange
from modules.catalog.services import category_create
from modules.spreadsheets.layouts import default_columns, get_kind
from modules.spreadsheets.models import ImportJob, ImportRowError
from modules.spreadsheets.services import import_job_confirm, import_job_create, spreadsheet_export

PRODUCTS = 5_000
OPTIONS = [("화이트", "M"), ("화이트", "L"), ("블랙", "M"), ("블랙", "L")]
ROWS = PRODUCTS * len(OPTIONS)
EXPORT_SKUS = 100_000
SEED = 20261123
MB = 1024 * 1024

NOUNS = [
    "반팔 티셔츠",
    "와이드 팬츠",
    "후드 집업",
    "니트 가디건",
    "러닝화",
    "백팩",
    "볼캡",
    "텀블러",
    "무선 충전기",
    "캠핑 의자",
]
TOP = {
    "패션의류": ["여성의류", "남성의류", "유아동의류"],
    "패션잡화": ["가방", "모자", "신발"],
    "생활/주방": ["주방용품", "생활용품"],
    "디지털/가전": ["휴대폰 액세서리", "생활가전"],
    "스포츠/레저": ["캠핑", "러닝"],
}
LEAVES = ["기본", "프리미엄", "시즌"]
SAVED_BRANDS = [f"브랜드{n:02d}" for n in range(20)]
NEW_BRANDS = [f"새브랜드{n:02d}" for n in range(20)]


def ean13(number: int) -> str:
    body = f"880{number:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def make_categories() -> list[str]:
    paths = []
    for top, middles in TOP.items():
        root = category_create(name=top)
        for middle in middles:
            node = category_create(name=middle, parent=root)
            for leaf in LEAVES:
                paths.append(category_create(name=leaf, parent=node).full_name)
    return paths


def sheet_rows(paths: list[str], *, changed_every: int = 0, change: int = 0) -> list[list]:
    """The file's rows in the default layout; ``changed_every`` > 0 changes the cost of every n-th row."""
    rng = random.Random(SEED)
    titles = [column.title for column in default_columns("sku_list")]
    rows = [titles]
    number = 0
    for product in range(PRODUCTS):
        code = f"P{product:05d}"
        brands = SAVED_BRANDS + NEW_BRANDS
        brand = brands[rng.randrange(len(brands))]
        price = rng.randrange(1_000, 10_000) * 10
        imported = rng.random() < 0.3
        cells = {
            "상품코드": code,
            "상품명": f"{brand[:4]} {NOUNS[product % len(NOUNS)]} {product}",
            "판매가": price,
            "상품상태": "판매중",
            "카테고리": paths[product % len(paths)],
            "브랜드": brand,
            "제조사": f"{brand} 주식회사",
            "모델명": f"MD-{product:05d}",
            "원산지": "수입산(중국)" if imported else "국산",
            "과세구분": "면세" if product % 17 == 0 else "과세",
            "검색키워드": f"{NOUNS[product % len(NOUNS)].split()[-1]}, 데일리, 선물",
            "상품정보제공고시": "기타 재화",
            "성인전용": "N",
        }
        for index, (colour, size) in enumerate(OPTIONS):
            cost = price * 4 // 10
            if changed_every and number % changed_every == 0:
                cost += change
            row = {
                **cells,
                "판매자상품코드": f"{code}-{index + 1}",
                "옵션명1": "색상",
                "옵션값1": colour,
                "옵션명2": "사이즈",
                "옵션값2": size,
                "옵션추가금액": 1000 if size == "L" else 0,
                "원가": cost,
                "바코드": ean13(number),
                "판매상태": "판매",
            }
            rows.append([row.get(title) for title in titles])
            number += 1
    return rows


def xlsx_bytes(rows: list[list]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("상품목록")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()


def reset_catalog() -> None:
    """Back to no products (brands of the file removed); raw deletes, outside any timing."""
    for model in (ProductChange, SKU, OptionGroup, Product):
        model.objects.all()._raw_delete(connection.alias)
    Brand.objects.exclude(name__in=SAVED_BRANDS).delete()
    ImportRowError.objects.all()._raw_delete(connection.alias)
    for job in ImportJob.objects.all():
        job.file.delete(save=False)
    ImportJob.objects.all()._raw_delete(connection.alias)
    gc.collect()


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# ours ------------------------------------------------------------------------------------------------------


def ours(data: bytes, name: str = "상품목록.xlsx") -> tuple[float, float, ImportJob]:
    """(dry run seconds, confirm seconds, job) of one upload as the admin does it."""
    started = time.perf_counter()
    job = import_job_create(kind="sku_list", upload=SimpleUploadedFile(name, data))
    dry = time.perf_counter() - started
    if job.status != ImportJob.Status.VALIDATED or job.error_rows:
        errors = list(job.row_errors.values_list("row", "column", "message")[:5])
        raise RuntimeError(f"dry run: {job.status} {job.message} {errors}")
    started = time.perf_counter()
    job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    confirm = time.perf_counter() - started
    if job.status != ImportJob.Status.DONE:
        raise RuntimeError(f"confirm: {job.status} {job.message}")
    return dry, confirm, job


# raw -------------------------------------------------------------------------------------------------------


def _calamine_rows(data: bytes) -> tuple[dict[str, int], list[list]]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    return {title: index for index, title in enumerate(rows[0])}, rows[1:]


def _code(value) -> str:
    return str(int(value)) if isinstance(value, float) else str(value)


def raw_create(
    data: bytes, category_ids: dict[str, int], *, products_exist: bool = False, same_result: bool = False
) -> None:
    """``same_result`` also writes what ours writes besides products and SKUs: 2 option groups and a history
    row per product (the floor for the same database result)."""
    col, rows = _calamine_rows(data)
    with transaction.atomic():
        if products_exist:
            products = dict(Product.objects.values_list("seller_code", "pk"))
        else:
            brands = {brand.name: brand.pk for brand in Brand.objects.all()}
            new = {}
            for row in rows:
                code = row[col["상품코드"]]
                if code in new:
                    continue
                brand = row[col["브랜드"]]
                if brand not in brands:
                    brands[brand] = Brand.objects.create(name=brand).pk
                new[code] = Product(
                    seller_code=code,
                    name=row[col["상품명"]],
                    price=int(row[col["판매가"]]),
                    category_id=category_ids[row[col["카테고리"]]],
                    brand_id=brands[brand],
                    maker=row[col["제조사"]],
                    model_name=row[col["모델명"]],
                    notice_category="etc",
                )
            Product.objects.bulk_create(new.values(), batch_size=500)
            products = {code: product.pk for code, product in new.items()}
            if same_result:
                OptionGroup.objects.bulk_create(
                    [
                        OptionGroup(product_id=pk, name=name, values=values, sort_order=index)
                        for pk in products.values()
                        for index, (name, values) in enumerate((("색상", ["화이트", "블랙"]), ("사이즈", ["M", "L"])))
                    ],
                    batch_size=1000,
                )
                now = timezone.now()
                ProductChange.objects.bulk_create(
                    [
                        ProductChange(product_id=pk, changed_at=now, field="product", new_value="registered")
                        for pk in products.values()
                    ],
                    batch_size=1000,
                )
        SKU.objects.bulk_create(
            [
                SKU(
                    product_id=products[row[col["상품코드"]]],
                    seller_code=row[col["판매자상품코드"]],
                    option_values=[row[col["옵션값1"]], row[col["옵션값2"]]],
                    option_label=f"{row[col['옵션값1']]}/{row[col['옵션값2']]}",
                    extra_price=int(row[col["옵션추가금액"]]),
                    barcode=_code(row[col["바코드"]]),
                    cost=int(row[col["원가"]]),
                    sort_order=index % len(OPTIONS),
                )
                for index, row in enumerate(rows)
            ],
            batch_size=1000,
        )


def raw_update(data: bytes) -> int:
    col, rows = _calamine_rows(data)
    with transaction.atomic():
        existing = {sku.seller_code: sku for sku in SKU.objects.only("pk", "seller_code", "cost")}
        changed = []
        for row in rows:
            sku = existing[row[col["판매자상품코드"]]]
            cost = int(row[col["원가"]])
            if sku.cost != cost:
                sku.cost = cost
                changed.append(sku)
        SKU.objects.bulk_update(changed, ["cost"], batch_size=1000)
    return len(changed)


def make_products(data: bytes, category_ids: dict[str, int]) -> None:
    """The products of the file, made beforehand for the SKU-only baselines (with product codes)."""
    col, rows = _calamine_rows(data)
    brands = {brand.name: brand.pk for brand in Brand.objects.all()}
    for name in {row[col["브랜드"]] for row in rows} - set(brands):
        brands[name] = Brand.objects.create(name=name).pk
    products = {}
    for row in rows:
        products.setdefault(
            row[col["상품코드"]],
            Product(
                seller_code=row[col["상품코드"]],
                name=row[col["상품명"]],
                price=int(row[col["판매가"]]),
                category_id=category_ids[row[col["카테고리"]]],
                brand_id=brands[row[col["브랜드"]]],
                maker=row[col["제조사"]],
                notice_category="etc",
            ),
        )
    Product.objects.bulk_create(products.values(), batch_size=500)
    Product.objects.update(
        product_code=Concat(Value("20261123"), LPad(Cast("pk", CharField()), 7, Value("0")), output_field=CharField())
    )


# django-import-export ----------------------------------------------------------------------------------------


def sku_resource_class():
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    class SkuResource(resources.ModelResource):
        """The default ModelResource, told only the column names of the file."""

        product = fields.Field(
            attribute="product", column_name="상품코드", widget=ForeignKeyWidget(Product, field="seller_code")
        )
        seller_code = fields.Field(attribute="seller_code", column_name="판매자상품코드")
        option_label = fields.Field(attribute="option_label", column_name="옵션")
        extra_price = fields.Field(attribute="extra_price", column_name="옵션추가금액")
        barcode = fields.Field(attribute="barcode", column_name="바코드")
        cost = fields.Field(attribute="cost", column_name="원가")

        class Meta:
            model = SKU
            import_id_fields = ("seller_code",)
            fields = ("product", "seller_code", "option_label", "extra_price", "barcode", "cost")

        def before_import_row(self, row, **kwargs):
            row["옵션"] = f"{row.get('옵션값1')}/{row.get('옵션값2')}"
            if isinstance(row.get("바코드"), float):
                row["바코드"] = _code(row["바코드"])

    return SkuResource


def import_export_import(data: bytes):
    from import_export.formats.base_formats import XLSX

    dataset = XLSX().create_dataset(data)
    result = sku_resource_class()().import_data(dataset, dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError(f"import-export: {result.totals}")
    return result


# export ----------------------------------------------------------------------------------------------------


def fill_to(count: int, category_id: int) -> None:
    """More products (4 SKUs each) until the catalog holds ``count`` SKUs; bulk, outside the timing."""
    have = SKU.objects.count()
    start = Product.objects.count()
    needed = (count - have) // len(OPTIONS)
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    seller_code=f"X{start + n:06d}",
                    name=f"대량 상품 {start + n}",
                    maker="장터",
                    price=20_000 + n % 500 * 10,
                    category_id=category_id,
                    notice_category="etc",
                    keywords=["대량", "상품"],
                )
                for n in range(needed)
            ],
            batch_size=500,
        )
        OptionGroup.objects.bulk_create(
            [
                OptionGroup(product=p, name=name, values=values, sort_order=i)
                for p in products
                for i, (name, values) in enumerate((("색상", ["화이트", "블랙"]), ("사이즈", ["M", "L"])))
            ],
            batch_size=1000,
        )
        SKU.objects.bulk_create(
            [
                SKU(
                    product=p,
                    seller_code=f"{p.seller_code}-{i + 1}",
                    option_values=list(combo),
                    option_label="/".join(combo),
                    extra_price=0,
                    sort_order=i,
                    barcode=ean13(500_000 + p.pk * 4 + i),
                    cost=9000,
                )
                for p in products
                for i, combo in enumerate(OPTIONS)
            ],
            batch_size=1000,
        )


def ours_export() -> int:
    return ours_export_of(SKU.objects.all())


def _export_rows(queryset):
    spec = get_kind("sku_list")
    fields = [spec.fields[column.field] for column in default_columns("sku_list")]
    for sku in excel.export_queryset(queryset):
        yield [field.value_of(sku) for field in fields]


def openpyxl_export(queryset=None) -> int:
    """The same rows (same queries and column getters) in openpyxl's normal Workbook, which holds every cell
    until saved: what django-import-export's xlsx format and a naive export do."""
    import tempfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.title for column in default_columns("sku_list")])
    rows = 0
    for row in _export_rows(queryset if queryset is not None else SKU.objects.all()):
        sheet.append(row)
        rows += 1
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
    return rows


def ours_export_of(queryset) -> int:
    exported = spreadsheet_export(kind="sku_list", objects=excel.export_queryset(queryset), user=None)
    rows = exported.rows
    exported.file.close()
    return rows


def fill_in_batches(count: int, category_id: int, *, batch: int = 2_000) -> None:
    """``count`` SKUs for the export, made a few thousand at a time so the process heap stays small."""
    while SKU.objects.count() < count:
        fill_to(min(count, SKU.objects.count() + batch), category_id)


# run -------------------------------------------------------------------------------------------------------


def run(args) -> list[dict]:
    from bench.spreadsheet_export import memory_of

    repeat = min(args.repeat, 3)
    settings.SPREADSHEETS_INLINE_MAX_ROWS = 10**9  # both steps in this process (the worker runs the same code)
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "bench" / "media"
    reset_catalog()
    for name in SAVED_BRANDS:
        Brand.objects.get_or_create(name=name)
    paths = (
        make_categories()
        if not Category.objects.exists()
        else list(Category.objects.filter(depth=3).values_list("full_name", flat=True))
    )
    category_ids = dict(Category.objects.values_list("full_name", "pk"))
    # Export first, while the process heap is small, so that the RSS growth is the export's own.
    fill_in_batches(EXPORT_SKUS, next(iter(category_ids.values())))
    total = SKU.objects.count()
    small = SKU.objects.filter(pk__lte=SKU.objects.order_by("pk")[9_999].pk)
    log(f"export: {total:,} SKUs; memory (ours at 10k and 100k), then time")
    small_traced, small_rss = memory_of(lambda: ours_export_of(small))
    traced, rss = memory_of(ours_export)
    export_s = median([timed(ours_export) for _ in range(repeat)])
    log(f"ours export {export_s:.2f}s, RSS growth {rss:.1f} MB; openpyxl export (slow)")
    base_traced, base_rss = memory_of(openpyxl_export)
    base_export_s = timed(openpyxl_export)
    export = result(
        name="sku_export_100k",
        n=total,
        ours_s=export_s,
        baseline_s=base_export_s,
        notes=f"{total:,} SKUs x 24 columns from the database (default layout): streamed writer (2 queries per "
        f"2,000 rows); ours: tracemalloc peak {traced:.1f} MB, RSS growth {rss:.1f} MB (10,000 SKUs: "
        f"{small_traced:.1f} MB / {small_rss:.1f} MB); baseline: the same rows into openpyxl's Workbook "
        f"(what import-export's xlsx format does): tracemalloc peak {base_traced:.1f} MB, RSS growth "
        f"{base_rss:.1f} MB; goal: RSS growth under 150 MB, flat in rows",
    )
    export.update(
        {
            "ours_peak_mb": round(traced, 2),
            "ours_rss_growth_mb": round(rss, 2),
            "baseline_peak_mb": round(base_traced, 2),
            "baseline_rss_growth_mb": round(base_rss, 2),
            "within_goal": rss < 150,
        }
    )

    log(f"generating {ROWS:,} rows")
    new_file = xlsx_bytes(sheet_rows(paths))
    log(f"file: {len(new_file) / MB:.1f} MB")

    # ours: create, then re-import with 10% changed (each repetition changes the same rows again).
    create_runs, update_runs = [], []
    for attempt in range(repeat):
        reset_catalog()
        dry, confirm, job = ours(new_file)
        assert (job.created, job.updated, job.unchanged) == (ROWS, 0, 0), (job.created, job.updated)
        create_runs.append((dry, confirm))
        log(f"ours create #{attempt + 1}: dry run {dry:.2f}s + confirm {confirm:.2f}s")
    assert Product.objects.count() == PRODUCTS and SKU.objects.count() == ROWS
    for attempt in range(repeat):
        changed_file = xlsx_bytes(sheet_rows(paths, changed_every=10, change=10 * (attempt + 1)))
        dry, confirm, job = ours(changed_file)
        assert (job.created, job.updated, job.unchanged) == (0, ROWS // 10, ROWS - ROWS // 10), job.updated
        update_runs.append((dry, confirm))
        log(f"ours re-import #{attempt + 1}: dry run {dry:.2f}s + confirm {confirm:.2f}s")
    history = ProductChange.objects.filter(field="skus").count()
    ours_create = median([dry + confirm for dry, confirm in create_runs])
    ours_create_dry = median([dry for dry, _confirm in create_runs])
    ours_create_confirm = median([confirm for _dry, confirm in create_runs])
    ours_update = median([dry + confirm for dry, confirm in update_runs])

    # raw floor: products + SKUs; SKU rows only; update.
    reset_catalog()
    raw_s = timed(lambda: raw_create(new_file, category_ids))
    log(f"raw create (calamine + bulk_create products and SKUs): {raw_s:.2f}s")
    reset_catalog()
    raw_same_s = timed(lambda: raw_create(new_file, category_ids, same_result=True))
    log(f"raw create, same rows as ours (+ option groups and history): {raw_same_s:.2f}s")
    reset_catalog()
    raw_create(new_file, category_ids)
    changed_file = xlsx_bytes(sheet_rows(paths, changed_every=10, change=10 * (repeat + 1)))
    raw_update_s = timed(lambda: raw_update(changed_file))
    log(f"raw re-import (calamine + fetch + bulk_update): {raw_update_s:.2f}s")
    reset_catalog()
    make_products(new_file, category_ids)
    raw_sku_s = timed(lambda: raw_create(new_file, category_ids, products_exist=True))
    log(f"raw SKU rows only (calamine + bulk_create SKUs): {raw_sku_s:.2f}s")

    # django-import-export's default ModelResource: create (products made beforehand), then re-import.
    reset_catalog()
    make_products(new_file, category_ids)
    log("import-export create (slow)")
    ie_s = timed(lambda: import_export_import(new_file))
    log(f"import-export create: {ie_s:.2f}s")
    assert SKU.objects.count() == ROWS
    ie_update_s = timed(lambda: import_export_import(changed_file))
    log(f"import-export re-import: {ie_update_s:.2f}s")

    def rate(seconds):
        return f"{ROWS / seconds:,.0f} rows/s"

    common = (
        f"{ROWS:,} SKU rows ({PRODUCTS:,} products x {len(OPTIONS)} options, 24 columns, "
        f"{len(new_file) / MB:.1f} MB); ours = dry run {ours_create_dry:.2f}s + confirm {ours_create_confirm:.2f}s "
        f"= {rate(ours_create)}"
    )
    measurements = [
        result(
            name="sku_import_create_vs_import_export",
            n=ROWS,
            ours_s=ours_create,
            baseline_s=ie_s,
            notes=f"{common}; import-export ModelResource import_data (no dry run, products premade): {rate(ie_s)}; "
            "goal ratio <= 0.167 (6x faster)",
        ),
        result(
            name="sku_import_create_vs_raw",
            n=ROWS,
            ours_s=ours_create,
            baseline_s=raw_s,
            notes=f"{common}; raw calamine + bulk_create of products and SKUs: {rate(raw_s)}; raw SKU rows only "
            f"(products premade): {raw_sku_s:.2f}s = {rate(raw_sku_s)}, ours/that {ours_create / raw_sku_s:.2f}; raw "
            f"writing the same rows as ours (+ option groups, history): {raw_same_s:.2f}s, ours/that "
            f"{ours_create / raw_same_s:.2f}; "
            f"ours confirm alone / raw {ours_create_confirm / raw_s:.2f}; goal ratio <= 2",
        ),
        result(
            name="sku_reimport_10pct_vs_import_export",
            n=ROWS,
            ours_s=ours_update,
            baseline_s=ie_update_s,
            notes=f"{ROWS // 10:,} of {ROWS:,} rows changed (cost); ours {rate(ours_update)} with {history:,} "
            f"history rows written over {repeat} runs; import-export ModelResource: {rate(ie_update_s)}",
        ),
        result(
            name="sku_reimport_10pct_vs_raw",
            n=ROWS,
            ours_s=ours_update,
            baseline_s=raw_update_s,
            notes=f"raw calamine + fetch by code + bulk_update: {rate(raw_update_s)}",
        ),
    ]
    for item, (ours_seconds, base_seconds) in zip(
        measurements,
        ((ours_create, ie_s), (ours_create, raw_s), (ours_update, ie_update_s), (ours_update, raw_update_s)),
        strict=True,
    ):
        item["ours_rows_per_s"] = round(ROWS / ours_seconds)
        item["baseline_rows_per_s"] = round(ROWS / base_seconds)
    measurements[0]["within_goal"] = ours_create / ie_s <= 1 / 6
    measurements[1]["within_goal"] = ours_create / raw_s <= 2

    measurements.append(export)
    reset_catalog()
    return measurements
