"""Demo data for `make run`: a company, permission groups and a few staff users."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from modules.accounts.areas import AREA_CODES
from modules.accounts.services import permission_group_save

from .models import CompanySettings

DEMO_MARKER_BUSINESS_NUMBER = "123-45-67891"

ALL = {"view", "edit", "pii"}

DEMO_GROUPS = {
    "관리자": {
        "rights": dict.fromkeys(AREA_CODES, ALL),
        "extra": [
            "auth.add_user",
            "auth.change_user",
            "auth.delete_user",
            "auth.add_group",
            "auth.change_group",
            "auth.delete_group",
            "core.change_companysettings",
        ],
    },
    "주문·배송 담당": {
        "rights": {
            "orders": ALL,
            "shipping": ALL,
            "inventory": {"view", "edit"},
            "products": {"view"},
            "channels": {"view"},
        },
        "extra": [],
    },
    "CS 담당": {"rights": {"cs": ALL, "orders": {"view", "pii"}, "products": {"view"}}, "extra": []},
    "조회 전용": {"rights": {area: {"view"} for area in AREA_CODES if area != "logs"}, "extra": []},
}

DEMO_USERS = [
    ("manager", "김관리", "관리자"),
    ("order", "이주문", "주문·배송 담당"),
    ("cs", "박상담", "CS 담당"),
    ("viewer", "최조회", "조회 전용"),
]


@dataclass
class DemoUser:
    username: str
    password: str
    group: str


SANDBOX_HOST = "http://127.0.0.1"
DEMO_STORES = [
    # (marketplace, store name, sandbox port, module holding the sandbox's demo credentials)
    ("coupang", "쿠팡 데모스토어", 8101, "integrations.sandbox.coupang"),
    ("naver", "스마트스토어 데모", 8102, "integrations.sandbox.naver"),
    ("elevenst", "11번가 데모샵", 8103, "integrations.sandbox.elevenst"),
]


def demo_stores_load() -> list[str]:
    """One store per marketplace, pointed at the local sandbox (idempotent by store name)."""
    from importlib import import_module

    from modules.channels.models import Store
    from modules.channels.services import store_save

    created = []
    for marketplace, name, port, module in DEMO_STORES:
        if Store.objects.filter(marketplace=marketplace, name=name).exists():
            continue
        credentials = dict(import_module(module).DEMO_CREDENTIALS)
        store = Store(
            marketplace=marketplace,
            name=name,
            seller_id=credentials.get("vendor_id") or credentials.get("client_id", "demo")[:20] or "demo",
            api_base_url=f"{SANDBOX_HOST}:{port}" + ("/external" if marketplace == "naver" else ""),
            order_sync_minutes=1,
            claim_sync_minutes=2,
            inquiry_sync_minutes=5,
            settlement_sync_minutes=60,
            contact_name="김담당",
            contact_email="ops@jangteo.example",
            contact_mobile="010-2222-3333",
            # One store confirms new orders by itself, to show 발주확인 both ways.
            auto_acknowledge="auto" if marketplace == "elevenst" else "manual",
        )
        # The sandbox may still be starting: the first scheduled run checks the credentials.
        store_save(store=store, credentials=credentials, verify=False)
        created.append(name)
    return created


def demo_data_loaded() -> bool:
    return CompanySettings.load().business_number == DEMO_MARKER_BUSINESS_NUMBER


def demo_data_load() -> list[DemoUser]:
    """Idempotent: does nothing once the demo company exists. Returns the users it created."""
    if demo_data_loaded():
        return []
    created = []
    with transaction.atomic():
        company = CompanySettings.load()
        company.company_name = "장터상회 (데모)"
        company.business_number = DEMO_MARKER_BUSINESS_NUMBER
        company.representative = "홍길동"
        company.mail_order_number = "제2024-서울강남-01234호"
        company.contact_phone = "02-1234-5678"
        company.contact_email = "help@jangteo.example"
        company.address = "서울특별시 강남구 테헤란로 123, 4층"
        company.admin_name = "김관리"
        company.admin_phone = "010-1234-5678"
        company.admin_email = "admin@jangteo.example"
        company.require_2fa = False
        company.full_clean()
        company.save()

        groups = {
            name: permission_group_save(name=name, rights=spec["rights"], extra_permissions=spec["extra"])
            for name, spec in DEMO_GROUPS.items()
        }
        user_model = get_user_model()
        for username, full_name, group_name in DEMO_USERS:
            if user_model.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(9)
            user = user_model.objects.create_user(
                username=username,
                password=password,
                # Korean names are written whole, family name first; Wagtail shows first_name.
                first_name=full_name,
                email=f"{username}@jangteo.example",
            )
            user.groups.add(groups[group_name])
            created.append(DemoUser(username, password, group_name))
    return created


def demo_catalog_load() -> list[str]:
    """The sandbox's catalogue as our products (idempotent by seller code), so collected demo orders
    and pulled demo listings match SKUs by seller code: the sandbox's option codes are EAR-PRO-01 …"""
    from integrations.sandbox.fake import CATALOG_SPEC
    from modules.catalog import notice
    from modules.catalog.models import OptionGroup, Product
    from modules.catalog.services import category_create, product_create, sku_update

    created = []
    category = None
    for name, code, price, options in CATALOG_SPEC:
        if Product.objects.filter(seller_code=code).exists():
            continue
        if category is None:
            from modules.catalog.models import Category

            category = Category.objects.filter(name="데모 상품").first() or category_create(name="데모 상품")
        values = [option.replace("/", " ") for option in options]
        product = Product(
            name=name,
            seller_code=code,
            category=category,
            maker="장터상회",
            price=price,
            notice_category="etc",
            notice_values={key: {"see_detail": True} for key, _label in notice.category_items("etc")},
        )
        product.option_groups = [OptionGroup(name="옵션", values=values, sort_order=0)] if len(values) > 1 else []
        with transaction.atomic():
            product_create(product=product)
            skus = list(product.skus.order_by("sort_order", "id"))
            for number, sku in enumerate(skus):
                # The sandbox prices every third option 1,000 won higher (integrations.sandbox.fake).
                sku_update(
                    sku=sku,
                    seller_code=f"{code}-{number + 1:02d}",
                    extra_price=1000 if number % 3 == 2 else 0,
                )
        created.append(name)
    return created


def demo_shipping_load() -> list[str]:
    """A main warehouse, a CJ contract with box sizes and a number band, and a default label layout
    (idempotent by name), so a demo seller can print labels and take numbers at once."""
    from modules.shipping.models import LABEL_FIELDS, BoxSize, CourierContract, LabelLayout, Warehouse

    created = []
    contract = CourierContract.objects.filter(name="CJ대한통운 (데모 계약)").first()
    if contract is None:
        contract = CourierContract(
            name="CJ대한통운 (데모 계약)",
            courier="CJ",
            contract_code="30012345",
            fare=CourierContract.Fare.CREDIT,
            # 11-digit bodies; each label number gets CJ's check digit (mod 7) appended.
            number_from="63000000000",
            number_to="63000999999",
        )
        contract.full_clean()
        contract.save()
        for order, (code, name, price) in enumerate(
            [("01", "극소", 3000), ("02", "소", 3300), ("03", "중", 3800), ("04", "대1", 4500), ("07", "대2", 5500)]
        ):
            BoxSize.objects.create(contract=contract, code=code, name=name, price=price, sort_order=order)
        created.append(contract.name)
    if not Warehouse.objects.exists():
        Warehouse.objects.create(
            name="장터상회 물류센터",
            zip_code="10560",
            address1="경기도 고양시 덕양구 화정로 45",
            address2="B동 2층",
            phone1="031-123-4567",
            is_main=True,
            default_contract=contract,
        )
        created.append("장터상회 물류센터")
    if not LabelLayout.objects.exists():
        LabelLayout.objects.create(
            name="기본 100×150", size="100x150", fields=[key for key, _label in LABEL_FIELDS], is_default=True
        )
        LabelLayout.objects.create(
            name="CJ 표준 123×100",
            size="123x100",
            fields=[key for key, _label in LABEL_FIELDS if key not in ("logo", "order_numbers")],
        )
        created.append("운송장 양식")
    return created


# Demo stock: most options well stocked, one nearly gone (to watch it go sold out at the channels), one
# expected inbound, a low-stock threshold; Coupang shows all of it, Naver keeps a safety buffer of 1.
DEMO_STOCK_SPECIAL = {"EAR-PRO-02": 2, "TUMB-500-01": 0}
DEMO_STOCK_DEFAULT = 30


def demo_inventory_load() -> list[str]:
    """Opening stock at the main warehouse for every demo SKU (once: only while the ledger is empty),
    stock push on for the Coupang and Naver demo stores with their allocation rules."""
    from modules.catalog.models import SKU
    from modules.channels.models import Store
    from modules.inventory.models import AllocationRule, SkuComponent, StockMovement, StockThreshold
    from modules.inventory.services import stock_expected_add, stock_inbound
    from modules.shipping.models import Warehouse

    created = []
    rules = {"coupang": (AllocationRule.Mode.ALL, 0), "naver": (AllocationRule.Mode.BUFFER, 1)}
    for marketplace, name, _port, _module in DEMO_STORES:
        if marketplace not in rules:
            continue
        store = Store.objects.filter(marketplace=marketplace, name=name).first()
        if store is None or AllocationRule.objects.filter(store=store).exists():
            continue
        mode, value = rules[marketplace]
        AllocationRule.objects.create(store=store, mode=mode, value=value, stop_at_zero=True)
        Store.objects.filter(pk=store.pk).update(stock_sync=True)
        created.append(f"{name} 재고 연동")
    warehouse = Warehouse.objects.filter(is_main=True, active=True).first()
    if warehouse is None or StockMovement.objects.exists():
        return created
    skus = SKU.objects.exclude(pk__in=SkuComponent.objects.values("set_sku")).order_by("seller_code")
    with transaction.atomic():
        for sku in skus:
            quantity = DEMO_STOCK_SPECIAL.get(sku.seller_code, DEMO_STOCK_DEFAULT)
            if quantity:
                stock_inbound(sku=sku, warehouse=warehouse, quantity=quantity, reason="기초 재고 (데모)")
            else:
                stock_expected_add(sku=sku, warehouse=warehouse, quantity=20, reason="입고 예정 (데모)")
            if sku.seller_code in DEMO_STOCK_SPECIAL:
                StockThreshold.objects.get_or_create(sku=sku, defaults={"quantity": 3})
    created.append(f"{warehouse.name} 기초 재고")
    return created
