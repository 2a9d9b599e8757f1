"""Helpers of the channel product migration tests: the sample exports, stores and the demo catalogue."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest

from modules.catalog.models import OptionGroup, Product
from modules.catalog.services import SkuEdit, product_create, product_update
from modules.channels.models import Store
from tests.catalog.fixtures import full_notice

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "spreadsheets"
SAMPLE_FILES = {
    "wemakeprice_products": "wemakeprice_products.xlsx",
    "wemakeprice_deals": "wemakeprice_deals.xlsx",
    "elevenst_products": "elevenst_products.xlsx",
    "coupang_products": "coupang_products.xlsx",
}
MARKETPLACE_OF = {
    "wemakeprice_products": "wemakeprice",
    "wemakeprice_deals": "wemakeprice",
    "elevenst_products": "elevenst",
    "coupang_products": "coupang",
}


def _load_make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES_DIR / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_samples = _load_make_samples()


def sample_path(format_key: str) -> Path:
    return SAMPLES_DIR / SAMPLE_FILES[format_key]


def xlsx_bytes(table: list[list], *, titles: list[list] = (), sheet: str = "Sheet1") -> bytes:
    """An .xlsx with optional title rows above ``table`` (header first), written like the samples."""
    buffer = io.BytesIO()
    make_samples.write_xlsx(buffer, sheet, list(titles), table)
    return buffer.getvalue()


def coupang_file(products: int, *, options: int = 2, code_prefix: str = "GEN") -> bytes:
    """A Coupang download with ``products`` × ``options`` rows (for query-count tests)."""
    header = make_samples.COUPANG_HEADER
    rows = []
    for number in range(products):
        for option in range(options):
            row = dict.fromkeys(header, "")
            row.update(
                {
                    "등록상품ID": f"{20000000000 + number}",
                    "노출상품ID": f"{8000000000 + number}",
                    "옵션ID": f"{90000000000 + number * 10 + option}",
                    "업체상품코드": f"{code_prefix}{number:04d}-{option:02d}",
                    "등록상품명": f"테스트 상품 {number}",
                    "옵션명": f"옵션{option}",
                    "판매가격": 10000,
                    "재고수량": 5,
                    "판매상태": "판매중",
                    "승인상태": "승인완료",
                }
            )
            rows.append([row[title] for title in header])
    return xlsx_bytes([header, *rows])


def make_store(marketplace: str, name: str | None = None) -> Store:
    return Store.objects.create(marketplace=marketplace, name=name or f"{marketplace} 스토어", seller_id="seller-1")


@pytest.fixture
def store_of():
    """store_of(marketplace) -> a store of that marketplace (made once per test)."""
    made: dict[str, Store] = {}

    def get(marketplace: str) -> Store:
        if marketplace not in made:
            made[marketplace] = make_store(marketplace)
        return made[marketplace]

    return get


# The sandbox's demo catalogue (integrations/sandbox/fake.py) as catalog products with the same codes.
DEMO_CATALOG = [
    ("무선 블루투스 이어폰 프로", "EAR-PRO", 39900, ("색상", ["화이트", "블랙"]), ["EAR-PRO-01", "EAR-PRO-02"]),
    ("국산 유기농 현미 4kg", "RICE-4K", 24800, None, ["RICE-4K"]),
    (
        "데일리 코튼 반팔 티셔츠",
        "TEE-DAILY",
        12900,
        ("사이즈", ["S", "M", "L", "XL"]),
        ["TEE-DAILY-01", "TEE-DAILY-02", "TEE-DAILY-03", "TEE-DAILY-04"],
    ),
    (
        "스테인리스 텀블러 500ml",
        "TUMB-500",
        15900,
        ("색상", ["실버", "민트", "핑크"]),
        ["TUMB-500-01", "TUMB-500-02", "TUMB-500-03"],
    ),
    ("고양이 두부모래 7L", "CAT-TOFU", 9900, ("향", ["오리지널", "녹차"]), ["CAT-TOFU-01", "CAT-TOFU-02"]),
]


def create_demo_catalog(category) -> dict[str, Product]:
    products = {}
    for name, code, price, option, sku_codes in DEMO_CATALOG:
        product = Product(
            name=name,
            category=category,
            maker="장터",
            price=price,
            seller_code=code,
            notice_category="sports_equipment",
            notice_values=full_notice("sports_equipment", country="중국"),
        )
        product.option_groups = [OptionGroup(name=option[0], values=option[1], sort_order=0)] if option else []
        product_create(product=product)
        skus = list(product.skus.order_by("sort_order"))
        edits = {
            sku.pk: SkuEdit(seller_code=wanted)
            for sku, wanted in zip(skus, sku_codes, strict=True)
            if sku.seller_code != wanted
        }
        if edits:
            product_update(product=product, sku_edits=edits)
        products[code] = product
    return products


@pytest.fixture
def demo_catalog(category):
    return create_demo_catalog(category)
