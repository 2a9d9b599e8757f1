"""Coupang WING Open API simulator (shared/reference/channels.md §1 and §9.5).

What it checks like the gateway does:
- ``Authorization: CEA algorithm=HmacSHA256, access-key=…, signed-date=…, signature=…``: the
  signature is recomputed from the raw path and query string received (signed-date + METHOD + path +
  query); a missing header, a malformed one, an unknown access key, a wrong signature or a
  signed-date more than 5 minutes from the wall clock are answered 401 with the gateway's body
  (``{"code": "ERROR", "message": "Invalid signature.", "transactionId": …}``). A ``vendorId`` in
  the path or query that does not belong to the access key is answered 403.
- ``enforce_rate_limit=True``: more than 10 requests by one vendor within one wall-clock second →
  429 (off by default so in-process tests at high rates are not throttled).
- Order sheets: ``status`` required (one value), daily mode dates ≤31 days (``yyyy-MM-dd`` with an
  optional ``+09:00``, both dates inclusive), ``maxPerPage`` ≤50, ``nextToken`` paging; minute mode
  (``searchType=timeFrame``) ≤24 h without paging. Bulk acknowledgement/invoice calls ≤50 boxes with
  per-box ``responseList`` results (``retryRequired`` as documented), invoice digit counts per
  courier, duplicate tracking numbers within 6 months unless the receiver name+address are the same,
  invoice correction only in DEPARTURE/DELIVERING/FINAL_DELIVERY/NONE_TRACKING, seller cancel only in
  INSTRUCT.
- Returns (v6): ``status`` RU/UC/CC/PR or ``cancelType=CANCEL`` (without status), ≤31 days;
  exchanges (v4) ≤31 days; product Q&A and call-centre inquiries ≤7 days (start ≠ end),
  ``pageSize`` ≤50 / ≤30; revenue history ≤31 days with ``token`` paging.

- Products (seller-products): register (POST) and full update (PUT) are validated the way the docs
  describe: required fields, enums, the delivery-fee rules of each deliveryChargeType, existing
  출고지/반품지 codes, ≤200 items, names ≤100/≤150 characters, salePrice in 10-won steps with
  originalPrice ≥ salePrice, stock 0–99999, one REPRESENTATION image and ≤9 DETAIL, one notice
  category per item, ≥1 attribute, unique option combinations, certification numbers where the
  type needs one; on update, registered option values cannot change and approved options cannot be
  dropped, and approved items keep their price/stock (those move through vendor-items APIs).
  Refusals are HTTP 400 ``{code: "ERROR", message, data: null}`` (messages written after Coupang's
  style, wording [U]). Approval: with ``listing_approval="immediate"`` (default) a product sent with
  ``requested=true`` is approved on the spot — 승인완료 and vendorItemIds at once, unlike the real
  review — and its items join the catalogue that orders, stock/price/sale-status pushes and the order
  generator use; ``"manual"`` leaves it 승인대기중 until approve_seller_product()/deny_seller_product().
  The product list pages by ``nextToken`` (page number, ``maxPerPage`` ≤100, newest first) and
  includes the seeded demo catalogue as approved products.

State lives in memory. Orders are indexed by creation time (sorted list + bisect), so listing is
proportional to the rows asked for. Times are second-precision KST like Coupang's strings.
Deliveries progress by simulated time (DEPARTURE → DELIVERING after 12 h → FINAL_DELIVERY a day
later); a delivered box produces revenue recognised 7 days after delivery. Every request received
is kept in ``received`` (method, path, query, body) so tests can assert on limits.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import re
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from .core import KST, Faults, Request, Response, SandboxApp, json_response
from .fake import FakePerson, catalog, person

DEMO_CREDENTIALS = {
    "vendor_id": "A00012345",
    "access_key": "6f2d9c1e-5b7a-4e3f-9a8b-0c1d2e3f4a5b",
    "secret_key": "3c9a7e1f5b2d8c4a6e0f1b3d5c7a9e2f4b6d8a0c",
}

OA = "/v2/providers/openapi/apis/api"
SA = "/v2/providers/seller_api/apis/api/v1/marketplace"
MO = "/v2/providers/marketplace_openapi/apis/api"

MAX_SKEW = timedelta(minutes=5)
RATE_PER_SECOND = 10
DUPLICATE_WINDOW = timedelta(days=183)
TO_DELIVERING = timedelta(hours=12)
TO_DELIVERED = timedelta(hours=24)

STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
SHIPPED = frozenset({"DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING"})
RETURN_QUERY = {
    "RU": {"RELEASE_STOP_UNCHECKED"},
    "UC": {"RETURNS_UNCHECKED", "VENDOR_WAREHOUSE_CONFIRM"},
    "CC": {"RETURNS_COMPLETED"},
    "PR": {"REQUEST_COUPANG_CHECK"},
}
EXCHANGE_STATUSES = ("RECEIPT", "PROGRESS", "SUCCESS", "REJECT", "CANCEL")
CANCEL_MIDDLE_CODES = {"CCTTER", "CCPNER", "CCPRER", "CCSSER"}

# The gateway's own courier table: code → (name shown on ordersheets, allowed digit counts or None).
COURIERS: dict[str, tuple[str, frozenset[int] | None]] = {
    "CJGLS": ("CJ 대한통운", frozenset({10, 12})),
    "KOREX": ("대한통운", frozenset({10, 12})),
    "HANJIN": ("한진택배", frozenset({10, 12})),
    "HYUNDAI": ("롯데택배", frozenset({10, 12, 13})),
    "EPOST": ("우체국", frozenset({13})),
    "KGB": ("로젠택배", frozenset({10, 11})),
    "KDEXP": ("경동택배", frozenset(range(8, 17))),
    "ILYANG": ("일양택배", frozenset(range(8, 17))),
    "CHUNIL": ("천일택배", frozenset({11})),
    "DAESIN": ("대신택배", frozenset({13})),
    "CVS": ("CVS택배", frozenset({10, 12})),
    "HDEXP": ("합동택배", frozenset(range(8, 17))),
    "HONAM": ("호남택배", None),
    "NHLOGIS": ("농협택배", None),
    "DONGBU": ("KG로지스", None),
    "REGISTPOST": ("우편등기", None),
    "DIRECT": ("업체직송", None),
}

RETURN_REASONS = [
    ("단순변심", "사이즈/색상 불만", "생각했던 색상과 달라요"),
    ("상품불량", "파손/불량", "받았는데 포장이 찢어져 있었어요"),
    ("오배송", "다른 상품 배송", "주문한 옵션과 다른 상품이 왔습니다"),
]
CANCEL_REASONS = [("단순변심", "주문 실수", "다른 옵션으로 다시 주문할게요"), ("배송지연", "배송 지연", "너무 늦어요")]
QUESTIONS = [
    "재입고 언제 되나요?",
    "오늘 주문하면 언제 받을 수 있나요?",
    "사이즈가 정사이즈인가요?",
    "선물 포장 가능한가요?",
    "유통기한이 언제까지인가요?",
]
CALL_CATEGORIES = ["배송문의>배송지연>배송일정 문의", "취소/반품문의>반품 절차 문의", "상품문의>상품 상세 문의"]

# -- products (seller-products) -------------------------------------------------------------------
MAX_PRODUCT_ITEMS = 200
PRODUCT_REQUIRED = (
    "displayCategoryCode",
    "sellerProductName",
    "vendorId",
    "saleStartedAt",
    "saleEndedAt",
    "deliveryMethod",
    "deliveryCompanyCode",
    "deliveryChargeType",
    "deliveryCharge",
    "freeShipOverAmount",
    "deliveryChargeOnReturn",
    "remoteAreaDeliverable",
    "unionDeliveryType",
    "returnCenterCode",
    "returnChargeName",
    "companyContactNumber",
    "returnZipCode",
    "returnAddress",
    "returnAddressDetail",
    "returnCharge",
    "outboundShippingPlaceCode",
    "vendorUserId",
    "requested",
    "items",
)
ITEM_REQUIRED = (
    "itemName",
    "originalPrice",
    "salePrice",
    "maximumBuyCount",
    "maximumBuyForPerson",
    "maximumBuyForPersonPeriod",
    "outboundShippingTimeDay",
    "unitCount",
    "adultOnly",
    "taxType",
    "parallelImported",
    "overseasPurchased",
    "pccNeeded",
    "images",
    "notices",
    "attributes",
    "contents",
)
NUMERIC_ITEM_FIELDS = (
    "originalPrice",
    "salePrice",
    "maximumBuyCount",
    "maximumBuyForPerson",
    "maximumBuyForPersonPeriod",
    "outboundShippingTimeDay",
    "unitCount",
)
DELIVERY_METHODS = frozenset({"SEQUENCIAL", "COLD_FRESH", "MAKE_ORDER", "AGENT_BUY", "VENDOR_DIRECT"})
DELIVERY_CHARGE_TYPES = frozenset(
    {
        "FREE",
        "NOT_FREE",
        "CHARGE_RECEIVED",
        "CONDITIONAL_FREE",
        "FREE_DELIVERY_OVER_9800",
        "FREE_DELIVERY_OVER_19800",
        "FREE_DELIVERY_OVER_30000",
    }
)
ITEM_ENUMS = {
    "adultOnly": frozenset({"ADULT_ONLY", "EVERYONE"}),
    "taxType": frozenset({"TAX", "FREE"}),
    "parallelImported": frozenset({"PARALLEL_IMPORTED", "NOT_PARALLEL_IMPORTED"}),
    "overseasPurchased": frozenset({"OVERSEAS_PURCHASED", "NOT_OVERSEAS_PURCHASED"}),
}
OFFER_CONDITIONS = frozenset({"NEW", "REFURBISHED", "USED_BEST", "USED_GOOD", "USED_NORMAL"})
IMAGE_TYPES = frozenset({"REPRESENTATION", "REP_OBLONG_ORIGIN", "DETAIL", "USED_PRODUCT"})
CONTENTS_TYPES = frozenset(
    {"IMAGE", "IMAGE_NO_SPACE", "TEXT", "IMAGE_TEXT", "TEXT_IMAGE", "IMAGE_IMAGE", "TEXT_TEXT", "TITLE", "HTML"}
)
# certificationType values of the category meta API; CODE types need the certificate number.
CERTIFICATION_CODE_TYPES = frozenset(
    {
        "KC_KID_CERTIFICATION",
        "KC_KID_CONFIRM",
        "KC_ELECTRONICS_CERTIFICATION",
        "KC_ELECTRONICS_CONFIRM",
        "KC_HOUSEHOLD_CERTIFICATION",
        "KC_HOUSEHOLD_CONFIRM",
        "COMMUNICATION_EQUIPMENT",
    }
)
CERTIFICATION_TYPES = CERTIFICATION_CODE_TYPES | {
    "NOT_REQUIRED",
    "PRESENTED_IN_DETAIL_PAGE",
    "KC_KID_PROVIDER",
    "KC_ELECTRONICS_PROVIDER",
    "KC_HOUSEHOLD_QUALITY",
    "KC_HOUSEHOLD_PACKAGING",
}
# The list's English status filter → statusName values.
LIST_STATUS_FILTER = {
    "IN_REVIEW": {"심사중"},
    "SAVING": {"임시저장중"},
    "SAVED": {"임시저장"},
    "APPROVING": {"승인대기중"},
    "APPROVED": {"승인완료"},
    "PARTIAL_APPROVED": {"부분승인완료"},
    "DENIED": {"승인반려"},
    "DELETED": {"상품삭제"},
}
SUMMARY_KEYS = frozenset({"sellerProductId", "sellerProductName", "displayCategoryCode", "vendorId"})
ETC_NOTICE_DETAILS = ("품명 및 모델명", "인증사항", "제조국(원산지)", "제조자(수입자)", "소비자상담 관련 전화번호")
SEED_CATEGORIES = (62588, 58956, 69182, 80285, 63907)  # display category codes of the demo catalogue [U]
SEED_ATTRIBUTE_TYPES = (("색상",), ("중량",), ("사이즈", "색상"), ("색상",), ("종류",))

_HEADER = re.compile(
    r"^CEA\s+algorithm=(?P<algorithm>[^,\s]+),\s*access-key=(?P<access_key>[^,\s]+),\s*"
    r"signed-date=(?P<signed_date>[^,\s]+),\s*signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)
_VENDOR_IN_PATH = re.compile(r"/vendors/([^/]+)/")
UNKNOWN_KEY = "Unknown error occurred, please contact api-gateway channel for the details."
BAD_STATUS = "배송진행상태가 유효하지 않습니다."


@dataclass(slots=True)
class Item:
    vendor_item_id: int
    product_id: int
    seller_product_id: int
    product_name: str
    option_name: str
    seller_code: str
    unit_price: int
    quantity: int
    cancel_count: int = 0
    hold_count: int = 0
    discount: int = 0
    estimated_shipping_date: str = ""
    confirm_date: str = ""

    @property
    def shipping_count(self) -> int:
        return self.quantity - self.cancel_count


@dataclass(slots=True)
class Box:
    box_id: int
    order_id: int
    created: datetime
    status: str
    orderer: FakePerson
    receiver: FakePerson
    shipping_price: int
    items: list[Item]
    courier: str = ""
    invoice: str = ""
    invoice_at: datetime | None = None
    in_transit_at: datetime | None = None
    delivered_at: datetime | None = None
    refer: str = "안드로이드앱"

    @property
    def canceled(self) -> bool:
        return all(item.shipping_count <= 0 for item in self.items)


@dataclass(slots=True)
class Receipt:
    receipt_id: int
    order_id: int
    receipt_type: str  # RETURN / CANCEL
    status: str
    created: datetime
    modified: datetime
    items: list[tuple[Box, Item, int]]
    reason: tuple[str, str, str]
    release_stop_status: str
    requester: FakePerson
    fault_by: str = "CUSTOMER"
    completed_at: datetime | None = None


@dataclass(slots=True)
class Exchange:
    exchange_id: int
    order_id: int
    status: str
    created: datetime
    modified: datetime
    items: list[tuple[Box, Item, int]]
    reason: str
    requester: FakePerson
    reject_code: str = ""


@dataclass(slots=True)
class Inquiry:
    inquiry_id: int
    kind: str  # online / callcenter
    created: datetime
    content: str
    item: Item | None
    order_id: int | None
    buyer_email: str
    buyer_phone: str = ""
    category: str = ""
    status: str = ""  # call centre: requestAnswer / answered
    replies: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Option:
    vendor_item_id: int
    seller_product_id: int
    product_id: int
    product_name: str
    option_name: str
    seller_code: str
    price: int
    stock: int
    on_sale: bool = True
    original_price: int = 0  # 할인율기준가 (0: none set)


@dataclass(slots=True)
class SellerProduct:
    """A registered product (등록상품): product-level fields as sent, items with their ids."""

    seller_product_id: int
    status: str  # statusName: 임시저장 / 승인대기중 / 승인완료 / 부분승인완료 / 승인반려 / 상품삭제
    created: datetime
    body: dict[str, Any]  # product-level fields (no items)
    items: list[dict[str, Any]]  # item fields as sent + sellerProductItemId / vendorItemId
    product_id: int | None = None  # Coupang's catalogue productId, set on approval
    category_id: int = 0
    deny_reason: str = ""


def _text(moment: datetime | None, sep: str = "T") -> str:
    return moment.astimezone(KST).strftime(f"%Y-%m-%d{sep}%H:%M:%S") if moment else ""


def _day(value: str | None) -> date | None:
    """``2025-07-15`` or ``2025-07-15+09:00`` → date."""
    if not value:
        return None
    text = value.strip()
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[+ ]09:00)?", text)
    if not found:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _moment(value: str | None) -> datetime | None:
    """``2025-07-15T10:20`` / ``…T10:20:30`` with optional offset → aware KST datetime."""
    if not value:
        return None
    text = value.strip().replace(" 09:00", "+09:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KST)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, dtime(0), KST)


def _int_arg(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        return None


def _number(value: Any) -> int | None:
    """Coupang takes numbers as JSON numbers or digit strings ("9999" in its own samples)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _product_time(value: Any) -> datetime | None:
    text = str(value or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _exposed(item: dict[str, Any]) -> list[tuple[str, str]]:
    """An item's purchase-option values (exposed attributes), the part that cannot change."""
    return sorted(
        (str(a.get("attributeTypeName")), str(a.get("attributeValueName")))
        for a in item.get("attributes") or []
        if isinstance(a, dict) and a.get("exposed", "EXPOSED") == "EXPOSED"
    )


def _images_problem(images: Any, label: str) -> str:
    if not isinstance(images, list) or not images:
        return label + "이미지목록(images)은 필수 입력 항목입니다."
    counts: dict[str, int] = {}
    for image in images:
        kind = image.get("imageType") if isinstance(image, dict) else None
        if kind not in IMAGE_TYPES:
            return label + f"이미지타입(imageType)이 올바르지 않습니다: {kind}"
        counts[kind] = counts.get(kind, 0) + 1
        path = str(image.get("vendorPath") or "")
        if not path and not image.get("cdnPath"):
            return label + "이미지는 vendorPath와 cdnPath 중 하나 이상 입력해야 합니다."
        if path and (not path.startswith(("http://", "https://")) or len(path) > 200):
            return label + f"이미지 경로(vendorPath)는 http(s)://로 시작하는 200자 이하의 주소여야 합니다: {path[:60]}"
    if counts.get("REPRESENTATION", 0) != 1:
        return label + "대표이미지(REPRESENTATION)는 1개 입력해야 합니다."
    if counts.get("DETAIL", 0) > 9:
        return label + "기타이미지(DETAIL)는 최대 9개까지 등록할 수 있습니다."
    if counts.get("USED_PRODUCT", 0) > 4:
        return label + "중고상태 이미지(USED_PRODUCT)는 최대 4개까지 등록할 수 있습니다."
    return ""


def _notices_problem(notices: Any, label: str) -> str:
    if not isinstance(notices, list) or not notices:
        return label + "상품고시정보(notices)는 필수 입력 항목입니다."
    categories = {notice.get("noticeCategoryName") for notice in notices if isinstance(notice, dict)}
    if len(categories) != 1 or None in categories or "" in categories:
        return label + "상품고시정보는 하나의 상품고시정보카테고리(noticeCategoryName)로 입력해야 합니다."
    for notice in notices:
        if not str(notice.get("noticeCategoryDetailName") or "").strip():
            return label + "상품고시정보카테고리상세명(noticeCategoryDetailName)은 필수 입력 항목입니다."
        if not str(notice.get("content") or "").strip():
            detail = notice["noticeCategoryDetailName"]
            return label + f"상품고시정보 [{detail}]의 내용(content)을 입력하세요."
    return ""


def _attributes_problem(attributes: Any, label: str) -> str:
    if not isinstance(attributes, list) or not attributes:
        return label + "옵션목록(attributes)은 1개 이상 입력해야 합니다."
    seen: set[str] = set()
    for attribute in attributes:
        if not isinstance(attribute, dict) or not str(attribute.get("attributeTypeName") or "").strip():
            return label + "옵션타입명(attributeTypeName)은 필수 입력 항목입니다."
        kind, value = str(attribute["attributeTypeName"]), str(attribute.get("attributeValueName") or "")
        if kind in seen:
            return label + f"옵션타입명이 중복되었습니다: {kind}"
        seen.add(kind)
        if len(kind) > 25 or len(value) > 30:
            return label + "옵션타입명은 25자, 옵션값은 30자 이하로 입력해야 합니다."
        if attribute.get("exposed", "EXPOSED") not in ("EXPOSED", "NONE"):
            return label + f"exposed 값이 올바르지 않습니다: {attribute.get('exposed')}"
    return ""


def _contents_problem(contents: Any, label: str) -> str:
    if not isinstance(contents, list) or not contents:
        return label + "컨텐츠목록(contents)은 필수 입력 항목입니다."
    for content in contents:
        if not isinstance(content, dict) or content.get("contentsType") not in CONTENTS_TYPES:
            return label + "컨텐츠타입(contentsType)이 올바르지 않습니다."
        details = content.get("contentDetails")
        if not isinstance(details, list) or not details:
            return label + "상세컨텐츠목록(contentDetails)은 필수 입력 항목입니다."
        for detail in details:
            if detail.get("detailType") not in ("IMAGE", "TEXT") or not str(detail.get("content") or "").strip():
                return label + "상세컨텐츠의 세부타입(detailType)과 내용(content)을 확인하세요."
    return ""


def _certifications_problem(certifications: Any, label: str) -> str:
    if not isinstance(certifications, list):
        return label + "상품인증정보(certifications)가 올바르지 않습니다."
    for cert in certifications:
        kind = cert.get("certificationType") if isinstance(cert, dict) else None
        if kind not in CERTIFICATION_TYPES:
            return label + f"인증정보Type(certificationType)이 올바르지 않습니다: {kind}"
        if kind in CERTIFICATION_CODE_TYPES and not str(cert.get("certificationCode") or "").strip():
            return label + f"{kind} 인증은 인증번호(certificationCode)를 입력해야 합니다."
    return ""


def _tags_problem(tags: Any, label: str) -> str:
    if not isinstance(tags, list) or len(tags) > 20 or any(len(str(tag)) > 20 for tag in tags):
        return label + "검색어(searchTags)는 최대 20개, 각 20자 이하로 입력해야 합니다."
    return ""


class CoupangSandbox(SandboxApp):
    name = "coupang"

    def __init__(
        self,
        *,
        accounts: list[dict[str, str]] | None = None,
        faults: Faults | None = None,
        clock: Callable[[], datetime] | None = None,
        seed: int = 7,
        enforce_rate_limit: bool = False,
        auth_clock: Callable[[], datetime] | None = None,
        history_days: int = 60,
        listing_approval: str = "immediate",
    ):
        if listing_approval not in ("immediate", "manual"):
            raise ValueError("listing_approval is 'immediate' or 'manual'")
        # "immediate": a product sent with requested=true is approved on the spot (승인완료, vendorItemIds
        # assigned) — real Coupang reviews it first. "manual": it waits in 승인대기중 until a test calls
        # approve_seller_product() / deny_seller_product().
        self.listing_approval = listing_approval
        self.accounts = [dict(account) for account in (accounts or [DEMO_CREDENTIALS])]
        self.accounts_by_key = {account["access_key"]: account for account in self.accounts}
        self.enforce_rate_limit = enforce_rate_limit
        # Signatures are checked against the wall clock, independent of the simulated data clock.
        self.auth_clock = auth_clock or (lambda: datetime.now(tz=UTC))
        self.received: deque[dict[str, Any]] = deque(maxlen=20000)
        self._rate: dict[str, list[int]] = {}
        super().__init__(faults=faults, clock=clock, seed=seed)
        self.vendor_id = self.accounts[0]["vendor_id"]
        self.products = catalog("CP-", 310_000_000)
        self.options: dict[int, Option] = {}
        for product in self.products:
            for option in product.options:
                self.options[int(option.option_id)] = Option(
                    vendor_item_id=int(option.option_id),
                    seller_product_id=int(product.product_id),
                    product_id=int(product.product_id) + 7_000_000,
                    product_name=product.name,
                    option_name=option.name,
                    seller_code=option.seller_code,
                    price=option.price,
                    stock=option.stock,
                    original_price=option.price,
                )
        self.seller_products: dict[int, SellerProduct] = {}
        self.boxes: dict[int, Box] = {}
        self.orders: dict[int, list[int]] = {}
        self._times: list[datetime] = []
        self._order: list[int] = []
        self._by_status: dict[str, dict[int, None]] = {status: {} for status in STATUSES}
        self._claimed: set[int] = set()
        self.receipts: dict[int, Receipt] = {}
        self._receipt_times: list[datetime] = []
        self._receipt_order: list[int] = []
        self.exchanges: dict[int, Exchange] = {}
        self._exchange_times: list[datetime] = []
        self._exchange_order: list[int] = []
        self.inquiries: dict[str, list[Inquiry]] = {"online": [], "callcenter": []}
        self._inquiry_times: dict[str, list[datetime]] = {"online": [], "callcenter": []}
        self.invoices: dict[tuple[str, str], list[tuple[datetime, tuple[str, str, str], int]]] = {}
        self.revenue: list[dict[str, Any]] = []
        self._revenue_dates: list[str] = []
        self.outbound: dict[int, dict[str, Any]] = {}
        self.return_centers: dict[int, dict[str, Any]] = {}
        self._shipped: deque[tuple[datetime, int]] = deque()
        self._in_transit: deque[tuple[datetime, int]] = deque()
        self._pages: OrderedDict[tuple, list] = OrderedDict()
        self._next = {
            "order": 21_000_000_000_000,
            "box": 610_000_000,
            "receipt": 400_000_000,
            "exchange": 100_000_000,
            "online": 300_000,
            "callcenter": 1_007_800_000,
            "answer": 5_000_000,
            "comment": 80_000,
            "outbound": 5100,
            "return_center": 1_100_044_600,
            "remote": 580_000,
            "seller_product": 14_200_000_000,
            "seller_product_item": 73_100_000_000,
            "vendor_item": 88_400_000_000,
            "product": 7_900_000_000,
        }
        self._seed_templates()
        self._seed_seller_products()
        self._seed_revenue(history_days)

    # ------------------------------------------------------------------------------------------
    # Machinery: ids, envelopes, auth, request log
    # ------------------------------------------------------------------------------------------
    def _id(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]

    def _now(self) -> datetime:
        return self.now().astimezone(KST).replace(microsecond=0)

    def error(self, status: int, code: str, message: str) -> Response:
        """Gateway errors (auth, throttling, routing, 5xx) in the gateway's envelope."""
        body: dict[str, Any] = {"code": "ERROR", "message": message, "transactionId": str(uuid.uuid4())}
        if status == 401 and message == "Request is not authorized.":
            body["messages"] = {
                "korean": "미인증된 요청은 허용되지 않습니다. "
                "클라이언트의 정보가 정상적으로 설정되어 있는지 확인 부탁드립니다.",
                "english": "Unauthorized request is denied. Check if the client's credential meets the requirements.",
            }
        if status == 429:
            body["message"] = "Too many requests. Please try again later."
        return json_response(status, body)

    def bad_request(self, message: str, status: int = 400) -> Response:
        """Business errors of the Open API itself."""
        return json_response(status, {"code": status, "message": message, "data": None})

    @staticmethod
    def ok(data: Any = None, **extra: Any) -> Response:
        return json_response(200, {"code": 200, "message": "OK", "data": data, **extra})

    @staticmethod
    def success(message: str, data: Any = None) -> Response:
        return json_response(200, {"code": "SUCCESS", "message": message, "data": data})

    @staticmethod
    def result(message: str = "SUCCESS", result_message: str = "요청 처리완료") -> Response:
        return json_response(
            200, {"code": "200", "message": message, "data": {"resultCode": "SUCCESS", "resultMessage": result_message}}
        )

    def handle(self, request: Request) -> Response:
        if not request.path.startswith("/_sandbox/"):
            body: Any = None
            if request.body:
                try:
                    body = request.json()
                except ValueError:
                    body = request.body.decode("utf-8", "replace")
            with self.lock:
                self.received.append(
                    {
                        "method": request.method,
                        "path": request.path,
                        "query": {key: values[0] for key, values in request.query.items()},
                        "body": body,
                    }
                )
        return super().handle(request)

    def authenticate(self, request: Request) -> Response | None:
        header = request.header("authorization")
        if not header:
            return self.error(401, "ERROR", "Request is not authorized.")
        found = _HEADER.match(header.strip())
        if not found or found.group("algorithm") != "HmacSHA256":
            return self.error(401, "ERROR", "HMAC format is invalid.")
        account = self.accounts_by_key.get(found.group("access_key"))
        if account is None:
            return self.error(401, "ERROR", UNKNOWN_KEY)
        try:
            signed_at = datetime.strptime(found.group("signed_date"), "%y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return self.error(401, "ERROR", "HMAC format is invalid.")
        if abs(self.auth_clock() - signed_at) > MAX_SKEW:
            return self.error(401, "ERROR", "Specified signature is expired.")
        message = f"{found.group('signed_date')}{request.method}{request.path}{request.raw_query}"
        expected = hmac.new(account["secret_key"].encode(), message.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, found.group("signature")):
            return self.error(401, "ERROR", "Invalid signature.")
        vendor = account["vendor_id"]
        in_path = _VENDOR_IN_PATH.search(request.path)
        claimed = in_path.group(1) if in_path else request.arg("vendorId")
        if claimed and claimed != vendor:
            return self.error(403, "ERROR", f"Not allowed vendorId [{claimed}] for this access key.")
        request.headers["x-coupang-vendor-id"] = vendor
        if self.enforce_rate_limit:
            second = int(time.monotonic())
            with self.lock:
                window = self._rate.setdefault(vendor, [second, 0])
                if window[0] != second:
                    window[0], window[1] = second, 0
                window[1] += 1
                if window[1] > RATE_PER_SECOND:
                    response = self.error(429, "ERROR", "Too many requests")
                    response.headers.append(("Retry-After", "1"))
                    return response
        return None

    def _body(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            return self.bad_request("요청 본문(JSON)을 해석할 수 없습니다.")
        if not isinstance(body, dict):
            return self.bad_request("요청 본문은 JSON 객체여야 합니다.")
        vendor = body.get("vendorId")
        if vendor is not None and vendor != request.header("x-coupang-vendor-id"):
            return self.bad_request("params's vendorId not equals gateway's vendorId!")
        return body

    def _repeat(self, cursor: tuple, token: str, rows: list) -> list:
        """Applies the 'rows repeated across pages' fault using the rows served before ``token``."""
        if self.faults.repeat_rate <= 0:
            return rows
        previous = self._pages.get((*cursor, token), []) if token else []
        return self.faults.repeat(previous, rows)

    def _remember(self, cursor: tuple, token: str, rows: list) -> None:
        if self.faults.repeat_rate <= 0 or not token:
            return
        self._pages[(*cursor, token)] = rows
        while len(self._pages) > 512:
            self._pages.popitem(last=False)

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------
    def routes(self) -> None:
        add = self.router.add
        for version in ("v4", "v5"):
            add("GET", f"{OA}/{version}/vendors/{{vendorId}}/ordersheets", self.list_ordersheets)
            add("GET", f"{OA}/{version}/vendors/{{vendorId}}/ordersheets/{{shipmentBoxId}}", self.get_ordersheet)
            add("GET", f"{OA}/{version}/vendors/{{vendorId}}/{{orderId}}/ordersheets", self.get_order)
        add("PATCH,PUT", f"{OA}/v4/vendors/{{vendorId}}/ordersheets/acknowledgement", self.acknowledge)
        add("POST", f"{OA}/v4/vendors/{{vendorId}}/orders/invoices", self.upload_invoices)
        add("POST", f"{OA}/v4/vendors/{{vendorId}}/orders/updateInvoices", self.update_invoices)
        for version in ("v5", "v6"):
            add("POST", f"{OA}/{version}/vendors/{{vendorId}}/orders/{{orderId}}/cancel", self.seller_cancel)
        add("GET", f"{OA}/v6/vendors/{{vendorId}}/returnRequests", self.list_returns)
        add("GET", f"{OA}/v6/vendors/{{vendorId}}/returnRequests/{{receiptId}}", self.get_return)
        base = f"{OA}/v4/vendors/{{vendorId}}/returnRequests/{{receiptId}}"
        add("PATCH,PUT", f"{base}/receiveConfirmation", self.return_receive)
        add("PATCH,PUT", f"{base}/approval", self.return_approve)
        add("PATCH,PUT", f"{base}/stoppedShipment", self.return_stopped)
        add("PATCH,PUT", f"{base}/completedShipment", self.return_already_shipped)
        add("GET", f"{OA}/v4/vendors/{{vendorId}}/exchangeRequests", self.list_exchanges)
        base = f"{OA}/v4/vendors/{{vendorId}}/exchangeRequests/{{exchangeId}}"
        add("PATCH,PUT", f"{base}/receiveConfirmation", self.exchange_receive)
        add("PATCH,PUT", f"{base}/rejection", self.exchange_reject)
        add("POST", f"{base}/invoices", self.exchange_invoice)
        add("GET", f"{OA}/v5/vendors/{{vendorId}}/onlineInquiries", self.list_online)
        add("POST", f"{OA}/v4/vendors/{{vendorId}}/onlineInquiries/{{inquiryId}}/replies", self.reply_online)
        add("GET", f"{OA}/v5/vendors/{{vendorId}}/callCenterInquiries", self.list_call_center)
        add("POST", f"{OA}/v4/vendors/{{vendorId}}/callCenterInquiries/{{inquiryId}}/replies", self.reply_call_center)
        add("PUT", f"{SA}/vendor-items/{{vendorItemId}}/quantities/{{quantity}}", self.set_quantity)
        add("PUT", f"{SA}/vendor-items/{{vendorItemId}}/prices/{{price}}", self.set_price)
        add("PUT", f"{SA}/vendor-items/{{vendorItemId}}/sales/stop", self.stop_sale)
        add("PUT", f"{SA}/vendor-items/{{vendorItemId}}/sales/resume", self.resume_sale)
        add("GET", f"{SA}/vendor-items/{{vendorItemId}}/inventories", self.inventory)
        add("PUT", f"{SA}/vendor-items/{{vendorItemId}}/original-prices/{{price}}", self.set_original_price)
        add("POST", f"{SA}/seller-products", self.create_seller_product)
        add("PUT", f"{SA}/seller-products", self.update_seller_product)
        add("GET", f"{SA}/seller-products", self.list_seller_products)
        add("GET", f"{SA}/seller-products/{{sellerProductId}}", self.get_seller_product)
        add("PUT", f"{SA}/seller-products/{{sellerProductId}}/approvals", self.request_approval)
        add("GET", f"{OA}/v1/revenue-history", self.revenue_history)
        add("GET", f"{MO}/v2/vendor/shipping-place/outbound", self.list_outbound)
        add("POST", f"{OA}/v5/vendors/{{vendorId}}/outboundShippingCenters", self.create_outbound)
        add("PUT", f"{OA}/v5/vendors/{{vendorId}}/outboundShippingCenters/{{code}}", self.update_outbound)
        add("GET", f"{OA}/v5/vendors/{{vendorId}}/returnShippingCenters", self.list_return_centers)
        add("POST", f"{OA}/v5/vendors/{{vendorId}}/returnShippingCenters", self.create_return_center)
        add("PUT", f"{OA}/v5/vendors/{{vendorId}}/returnShippingCenters/{{code}}", self.update_return_center)

    # ------------------------------------------------------------------------------------------
    # Orders: generation, progress, rendering
    # ------------------------------------------------------------------------------------------
    def create_orders(self, count: int) -> list[str]:
        """``count`` new paid orders now, 1–3 lines each; a few multi-line orders ship in two boxes."""
        with self.lock:
            now = self._now()
            self.progress(now)
            option_ids = list(self.options)
            created = []
            for _ in range(count):
                order_id = self._id("order")
                buyer = person(self.rng)
                receiver = buyer if self.rng.random() < 0.85 else person(self.rng)
                chosen = self.rng.sample(option_ids, self.rng.choice((1, 1, 1, 2, 2, 3)))
                items = [self._new_item(self.options[vid], now) for vid in chosen]
                groups = [items]
                if len(items) > 1 and self.rng.random() < 0.2:
                    groups = [items[:1], items[1:]]
                for group in groups:
                    box = Box(
                        box_id=self._id("box"),
                        order_id=order_id,
                        created=now,
                        status="ACCEPT",
                        orderer=buyer,
                        receiver=receiver,
                        shipping_price=0 if sum(i.unit_price * i.quantity for i in group) >= 30000 else 3000,
                        items=group,
                        refer=self.rng.choice(("안드로이드앱", "아이폰앱", "PC웹", "모바일웹")),
                    )
                    self._add_box(box)
                created.append(str(order_id))
            return created

    def _new_item(self, option: Option, now: datetime) -> Item:
        quantity = self.rng.choice((1, 1, 1, 2, 3))
        discount = self.rng.choice((0, 0, 0, 1000))
        return Item(
            vendor_item_id=option.vendor_item_id,
            product_id=option.product_id,
            seller_product_id=option.seller_product_id,
            product_name=option.product_name,
            option_name=option.option_name,
            seller_code=option.seller_code,
            unit_price=option.price,
            quantity=quantity,
            discount=discount * quantity,
            estimated_shipping_date=(now + timedelta(days=2)).date().isoformat(),
        )

    def _add_box(self, box: Box) -> None:
        self.boxes[box.box_id] = box
        self.orders.setdefault(box.order_id, []).append(box.box_id)
        if not self._times or box.created >= self._times[-1]:
            self._times.append(box.created)
            self._order.append(box.box_id)
        else:
            index = bisect.bisect_right(self._times, box.created)
            self._times.insert(index, box.created)
            self._order.insert(index, box.box_id)
        self._by_status[box.status][box.box_id] = None

    def _set_status(self, box: Box, status: str) -> None:
        self._by_status.get(box.status, {}).pop(box.box_id, None)
        box.status = status
        self._by_status.setdefault(status, {})[box.box_id] = None

    def progress(self, now: datetime | None = None) -> None:
        """Moves shipped boxes along by simulated time (cheap: two time-ordered queues)."""
        now = now or self._now()
        while self._shipped and self._shipped[0][0] + TO_DELIVERING <= now:
            at, box_id = self._shipped.popleft()
            box = self.boxes[box_id]
            if box.status == "DEPARTURE":
                self._set_status(box, "DELIVERING")
                self._in_transit.append((at + TO_DELIVERING, box_id))
        while self._in_transit and self._in_transit[0][0] + TO_DELIVERED <= now:
            at, box_id = self._in_transit.popleft()
            box = self.boxes[box_id]
            if box.status == "DELIVERING":
                self.deliver(box_id, at=at + TO_DELIVERED)

    def ship(self, box_id: int, *, courier: str = "CJGLS", invoice: str | None = None, at: datetime | None = None):
        """Test/demo helper: registers an invoice without the API (box must be ACCEPT/INSTRUCT)."""
        box = self.boxes[int(box_id)]
        at = at or self._now()
        box.courier, box.invoice = courier, invoice or f"{self.rng.randint(10**11, 10**12 - 1)}"
        box.invoice_at = box.in_transit_at = at
        self._set_status(box, "NONE_TRACKING" if courier == "DIRECT" else "DEPARTURE")
        self._register_invoice(box, at)
        if box.status == "DEPARTURE":
            self._shipped.append((at, box.box_id))

    def deliver(self, box_id: int, *, at: datetime | None = None, confirm: bool = False) -> None:
        """Test/demo helper: marks a box delivered (and its revenue recognised 7 days later)."""
        box = self.boxes[int(box_id)]
        at = (at or self._now()).replace(microsecond=0)
        if not box.invoice:
            self.ship(box.box_id, at=at - timedelta(days=1))
        box.in_transit_at = box.in_transit_at or at - timedelta(days=1)
        box.delivered_at = at
        self._set_status(box, "FINAL_DELIVERY")
        if confirm:
            for item in box.items:
                item.confirm_date = _text(at + timedelta(days=3), " ")
        self._add_revenue(box, "SALE", (at + timedelta(days=7)).date(), [(i, i.shipping_count) for i in box.items])

    def set_status(self, box_id: int, status: str) -> None:
        """Test helper: forces a box into ``status`` (any string, to exercise unknown statuses)."""
        self._set_status(self.boxes[int(box_id)], status)

    def _render_item(self, item: Item, box: Box) -> dict[str, Any]:
        return {
            "vendorItemPackageId": 0,
            "vendorItemPackageName": item.product_name,
            "productId": item.product_id,
            "vendorItemId": item.vendor_item_id,
            "vendorItemName": f"{item.product_name}, {item.option_name}",
            "shippingCount": item.shipping_count,
            "salesPrice": item.unit_price,
            "orderPrice": item.unit_price * item.shipping_count,
            "discountPrice": item.discount if item.shipping_count else 0,
            "instantCouponDiscount": 0,
            "downloadableCouponDiscount": 0,
            "coupangDiscount": 0,
            "externalVendorSkuCode": item.seller_code,
            "etcInfoHeader": None,
            "etcInfoValue": None,
            "etcInfoValues": None,
            "sellerProductId": item.seller_product_id,
            "sellerProductName": item.product_name,
            "sellerProductItemName": item.option_name,
            "firstSellerProductItemName": item.option_name,
            "cancelCount": item.cancel_count,
            "holdCountForCancel": item.hold_count,
            "estimatedShippingDate": item.estimated_shipping_date,
            "plannedShippingDate": "",
            "invoiceNumberUploadDate": _text(box.invoice_at),
            "extraProperties": {},
            "pricingBadge": False,
            "usedProduct": False,
            "confirmDate": item.confirm_date,
            "deliveryChargeTypeName": "유료" if box.shipping_price else "무료",
            "canceled": item.shipping_count <= 0,
        }

    def render_box(self, box: Box) -> dict[str, Any]:
        orderer, receiver = box.orderer, box.receiver
        return {
            "shipmentBoxId": box.box_id,
            "orderId": box.order_id,
            "orderedAt": _text(box.created),
            "orderer": {
                "name": orderer.name,
                "email": orderer.email,
                "safeNumber": orderer.safe_number,
                "ordererNumber": None,
            },
            "paidAt": _text(box.created),
            "status": box.status,
            "shippingPrice": box.shipping_price,
            "remotePrice": 3000 if receiver.zip_code.startswith("63") else 0,
            "remoteArea": receiver.zip_code.startswith("63"),
            "parcelPrintMessage": receiver.message,
            "splitShipping": len(self.orders.get(box.order_id, ())) > 1,
            "ableSplitShipping": len(box.items) > 1,
            "receiver": {
                "name": receiver.name,
                "safeNumber": receiver.safe_number,
                "receiverNumber": None,
                "addr1": receiver.address1,
                "addr2": receiver.address2,
                "postCode": receiver.zip_code,
            },
            "orderItems": [self._render_item(item, box) for item in box.items],
            "overseaShippingInfoDto": {"personalCustomsClearanceCode": "", "ordererSsn": "", "ordererPhoneNumber": ""},
            "deliveryCompanyName": COURIERS[box.courier][0] if box.courier in COURIERS else "",
            "invoiceNumber": box.invoice,
            "inTrasitDateTime": _text(box.in_transit_at, " "),
            "deliveredDate": _text(box.delivered_at, " "),
            "refer": box.refer,
            "shipmentType": "THIRD_PARTY",
        }

    def _box(self, value: Any) -> Box | None:
        try:
            return self.boxes.get(int(value))
        except (TypeError, ValueError):
            return None

    # ------------------------------------------------------------------------------------------
    # Order endpoints
    # ------------------------------------------------------------------------------------------
    def _date_range(self, request: Request, max_days: int, *, names=("createdAtFrom", "createdAtTo")):
        """Daily mode: inclusive dates → [start, end) datetimes, or an error response."""
        first, last = _day(request.arg(names[0])), _day(request.arg(names[1]))
        if first is None or last is None:
            return self.bad_request(f"{names[0]}/{names[1]}는 yyyy-MM-dd 형식이어야 합니다.")
        if last < first:
            return self.bad_request(f"{names[1]}가 {names[0]}보다 빠릅니다.")
        if (last - first).days >= max_days:
            return self.bad_request(f"조회 기간은 최대 {max_days}일입니다.")
        return _midnight(first), _midnight(last + timedelta(days=1))

    def _per_page(self, request: Request, name: str, default: int, limit: int) -> int | Response:
        value = _int_arg(request.arg(name), default)
        if value is None or value < 1 or value > limit:
            return self.bad_request(f"{name}는 1~{limit} 사이여야 합니다.")
        return value

    def list_ordersheets(self, request: Request, vendorId: str) -> Response:
        self.progress()
        status = request.arg("status")
        if not status:
            return self.bad_request(
                "status는 필수입니다. (ACCEPT, INSTRUCT, DEPARTURE, DELIVERING, FINAL_DELIVERY, NONE_TRACKING 중 하나)"
            )
        if status not in STATUSES:
            return self.bad_request(f"지원하지 않는 status입니다: {status}")
        if request.arg("searchType") == "timeFrame":
            start, end = _moment(request.arg("createdAtFrom")), _moment(request.arg("createdAtTo"))
            if start is None or end is None or end < start:
                return self.bad_request("createdAtFrom/createdAtTo는 yyyy-MM-ddTHH:mm 형식이어야 합니다.")
            if end - start > timedelta(hours=24):
                return self.bad_request("분단위 조회는 최대 24시간까지 가능합니다.")
            lo, hi = bisect.bisect_left(self._times, start), bisect.bisect_left(self._times, end)
            rows = [self.boxes[self._order[i]] for i in range(lo, hi)]
            return self.ok([self.render_box(b) for b in rows if b.status == status])
        span = self._date_range(request, 31)
        if isinstance(span, Response):
            return span
        per_page = self._per_page(request, "maxPerPage", 50, 50)
        if isinstance(per_page, Response):
            return per_page
        lo, hi = bisect.bisect_left(self._times, span[0]), bisect.bisect_left(self._times, span[1])
        token = request.arg("nextToken") or ""
        position = _int_arg(token, lo)
        if position is None:
            return self.bad_request("nextToken이 올바르지 않습니다.")
        position = max(lo, position)
        rows = []
        while position < hi and len(rows) < per_page:
            box = self.boxes[self._order[position]]
            position += 1
            if box.status == status:
                rows.append(box)
        next_token = str(position) if position < hi and len(rows) == per_page else ""
        cursor = ("ordersheets", status, span[0], span[1])
        page = self._repeat(cursor, token, rows)
        self._remember(cursor, next_token, rows)
        return self.ok([self.render_box(box) for box in page], nextToken=next_token)

    def get_ordersheet(self, request: Request, vendorId: str, shipmentBoxId: str) -> Response:
        self.progress()
        box = self._box(shipmentBoxId)
        if box is None:
            return self.bad_request(f"배송번호 {shipmentBoxId}를 찾을 수 없습니다.", status=404)
        return self.ok(self.render_box(box))  # a single object, not an array

    def get_order(self, request: Request, vendorId: str, orderId: str) -> Response:
        self.progress()
        try:
            box_ids = self.orders.get(int(orderId), [])
        except ValueError:
            box_ids = []
        if not box_ids:
            return self.bad_request(f"주문번호 {orderId}를 찾을 수 없습니다.", status=404)
        return self.ok([self.render_box(self.boxes[i]) for i in box_ids])

    def _bulk(self, results: list[dict[str, Any]]) -> Response:
        succeeded = sum(1 for r in results if r["succeed"])
        if not results:
            code, message = -1, "NONE"
        elif succeeded == len(results):
            code, message = 0, "SUCCESS"
        elif succeeded == 0:
            code, message = 99, "FAILED"
        else:
            code, message = 1, "PARTIAL_ERROR"
        return self.ok({"responseCode": code, "responseMessage": message, "responseList": results})

    @staticmethod
    def _outcome(box_id: Any, code: str = "OK", message: str | None = None, retry: bool = False) -> dict[str, Any]:
        return {
            "shipmentBoxId": box_id,
            "succeed": code == "OK",
            "resultCode": code,
            "retryRequired": retry,
            "resultMessage": message,
        }

    def acknowledge(self, request: Request, vendorId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        ids = body.get("shipmentBoxIds")
        if not isinstance(ids, list) or not ids:
            return self.bad_request("shipmentBoxIds는 필수입니다.")
        if len(ids) > 50:
            return self.bad_request("shipmentBoxIds는 한 번에 최대 50개까지 요청할 수 있습니다.")
        results = []
        for raw in ids:
            box = self._box(raw)
            if box is None:
                results.append(self._outcome(raw, "NOT_FOUND_SHIPMENT_BOX", "존재하지 않는 배송번호입니다."))
            elif box.canceled:
                results.append(self._outcome(raw, "ORDER_DELIVERY_CANCELED", "취소된 주문건입니다."))
            elif box.status != "ACCEPT":
                results.append(self._outcome(raw, "INVALID_STATUS", f"{BAD_STATUS} ({box.status})"))
            else:
                self._set_status(box, "INSTRUCT")
                results.append(self._outcome(box.box_id))
        return self._bulk(results)

    def _receiver_key(self, box: Box) -> tuple[str, str, str]:
        return (box.receiver.name, box.receiver.address1, box.receiver.address2)

    def _register_invoice(self, box: Box, at: datetime) -> None:
        if box.courier != "DIRECT":
            self.invoices.setdefault((box.courier, box.invoice), []).append((at, self._receiver_key(box), box.box_id))

    def _invoice_problem(self, box: Box, code: str, number: str, now: datetime) -> tuple[str, str, bool] | None:
        if code not in COURIERS:
            return "INVALID_INVOICE_NUMBER", f"지원하지 않는 택배사 코드입니다: {code}", False
        digits = COURIERS[code][1]
        if not number.isdigit() or (digits is not None and len(number) not in digits):
            return "INVALID_INVOICE_NUMBER", "송장번호가 유효하지 않습니다.", True
        if code != "DIRECT":
            for at, receiver, other in self.invoices.get((code, number), []):
                if other != box.box_id and now - at <= DUPLICATE_WINDOW and receiver != self._receiver_key(box):
                    return "DUPLICATE_INVOICE_NUMBER", "이미 저장된 송장번호가 있습니다.", True
        return None

    def _invoices(self, request: Request, *, update: bool) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        dtos = body.get("orderSheetInvoiceApplyDtos")
        if not isinstance(dtos, list) or not dtos:
            return self.bad_request("orderSheetInvoiceApplyDtos는 필수입니다.")
        if len(dtos) > 50:
            return self.bad_request("orderSheetInvoiceApplyDtos는 한 번에 최대 50개까지 요청할 수 있습니다.")
        now = self._now()
        results = []
        for dto in dtos:
            if not isinstance(dto, dict):
                return self.bad_request("orderSheetInvoiceApplyDtos의 항목이 올바르지 않습니다.")
            raw = dto.get("shipmentBoxId")
            box = self._box(raw)
            code = str(dto.get("deliveryCompanyCode") or "")
            number = str(dto.get("invoiceNumber") or "")
            if box is None or str(box.order_id) != str(dto.get("orderId")):
                results.append(self._outcome(raw, "NOT_FOUND_SHIPMENT_BOX", "존재하지 않는 배송번호입니다."))
                continue
            if not any(str(item.vendor_item_id) == str(dto.get("vendorItemId")) for item in box.items):
                results.append(self._outcome(raw, "NOT_FOUND_VENDOR_ITEM", "합포장건 중 누락된 상품이 있습니다."))
                continue
            if box.canceled:
                results.append(self._outcome(raw, "ORDER_DELIVERY_CANCELED", "취소된 주문건입니다."))
                continue
            if any(item.hold_count for item in box.items):
                stop = "ORDER_DELIVERY_PARTIAL_STOP_REQUESTED"
                results.append(self._outcome(raw, stop, "출고중지 요청건입니다.", True))
                continue
            allowed = SHIPPED if update else {"INSTRUCT"}
            if box.status not in allowed:
                results.append(self._outcome(raw, "INVALID_STATUS", f"{BAD_STATUS} ({box.status})"))
                continue
            problem = self._invoice_problem(box, code, number, now)
            if problem:
                results.append(self._outcome(raw, problem[0], problem[1], problem[2]))
                continue
            box.courier, box.invoice, box.invoice_at = code, number, now
            self._register_invoice(box, now)
            if not update:
                box.in_transit_at = now
                self._set_status(box, "NONE_TRACKING" if code == "DIRECT" else "DEPARTURE")
                if box.status == "DEPARTURE":
                    self._shipped.append((now, box.box_id))
            results.append(self._outcome(box.box_id))
        return self._bulk(results)

    def upload_invoices(self, request: Request, vendorId: str) -> Response:
        return self._invoices(request, update=False)

    def update_invoices(self, request: Request, vendorId: str) -> Response:
        return self._invoices(request, update=True)

    def seller_cancel(self, request: Request, vendorId: str, orderId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        if str(body.get("orderId")) != orderId:
            return self.bad_request("orderId가 경로와 다릅니다.")
        ids, counts = body.get("vendorItemIds"), body.get("receiptCounts")
        if not isinstance(ids, list) or not isinstance(counts, list) or not ids or len(ids) != len(counts):
            return self.bad_request("vendorItemIds와 receiptCounts는 같은 길이의 배열이어야 합니다.")
        if body.get("bigCancelCode") != "CANERR" or body.get("middleCancelCode") not in CANCEL_MIDDLE_CODES:
            return self.bad_request(
                "bigCancelCode는 CANERR, middleCancelCode는 CCTTER/CCPNER/CCPRER/CCSSER 중 하나입니다."
            )
        if not body.get("userId"):
            return self.bad_request("userId(WING 로그인 아이디)는 필수입니다.")
        boxes = [self.boxes[i] for i in self.orders.get(int(orderId) if orderId.isdigit() else -1, [])]
        if not boxes:
            return self.bad_request(f"주문번호 {orderId}를 찾을 수 없습니다.")
        plan = []
        for vid, count in zip(ids, counts, strict=True):
            match = next(((b, i) for b in boxes for i in b.items if str(i.vendor_item_id) == str(vid)), None)
            if match is None:
                return self.bad_request(f"주문에 옵션 {vid}가 없습니다.")
            box, item = match
            if box.status != "INSTRUCT":
                return self.bad_request(f"상품준비중(INSTRUCT) 상태에서만 취소할 수 있습니다. (현재 {box.status})")
            if not isinstance(count, int) or count < 1 or count > item.shipping_count:
                return self.bad_request(f"취소 수량이 올바르지 않습니다. (옵션 {vid}, 남은 수량 {item.shipping_count})")
            plan.append((box, item, count))
        now = self._now()
        for _box, item, count in plan:
            item.cancel_count += count
        receipt = Receipt(
            receipt_id=self._id("receipt"),
            order_id=int(orderId),
            receipt_type="CANCEL",
            status="RETURNS_COMPLETED",
            created=now,
            modified=now,
            items=plan,
            reason=("판매자 취소", body["middleCancelCode"], "판매자 사정으로 취소"),
            release_stop_status="비대상",
            requester=plan[0][0].orderer,
            fault_by="VENDOR",
            completed_at=now,
        )
        self._add_receipt(receipt)
        return self.ok(
            {"orderId": int(orderId), "receiptId": receipt.receipt_id, "vendorItemIds": ids, "receiptCounts": counts}
        )

    # ------------------------------------------------------------------------------------------
    # Claims
    # ------------------------------------------------------------------------------------------
    def _add_receipt(self, receipt: Receipt) -> None:
        self.receipts[receipt.receipt_id] = receipt
        index = bisect.bisect_right(self._receipt_times, receipt.created)
        self._receipt_times.insert(index, receipt.created)
        self._receipt_order.insert(index, receipt.receipt_id)

    def _add_exchange(self, exchange: Exchange) -> None:
        self.exchanges[exchange.exchange_id] = exchange
        index = bisect.bisect_right(self._exchange_times, exchange.created)
        self._exchange_times.insert(index, exchange.created)
        self._exchange_order.insert(index, exchange.exchange_id)

    def _candidate(self, statuses: Iterable[str]) -> Box | None:
        for status in statuses:
            for box_id in reversed(self._by_status.get(status, {})):
                box = self.boxes[box_id]
                if box_id not in self._claimed and not box.canceled:
                    return box
        return None

    def _fresh_box(self, status: str) -> Box:
        order_id = int(self.create_orders(1)[0])
        box = self.boxes[self.orders[order_id][0]]
        if status != "ACCEPT":
            self._set_status(box, "INSTRUCT")
        if status in SHIPPED:
            now = self._now()
            self.ship(box.box_id, at=now - timedelta(days=2))
            self.deliver(box.box_id, at=now - timedelta(hours=12))
        return box

    def create_claim(self, kind: str = "cancel") -> str:
        with self.lock:
            now = self._now()
            if kind == "cancel":
                box = self._candidate(["INSTRUCT"])
                if box is not None:
                    return str(self._open_receipt(box, now, stop_shipment=True).receipt_id)
                box = self._candidate(["ACCEPT"]) or self._fresh_box("ACCEPT")
                self._claimed.add(box.box_id)
                items = [(box, item, item.shipping_count) for item in box.items]
                for _box, item, count in items:
                    item.cancel_count += count
                reason = self.rng.choice(CANCEL_REASONS)
                receipt = Receipt(
                    self._id("receipt"),
                    box.order_id,
                    "CANCEL",
                    "RETURNS_COMPLETED",
                    now,
                    now,
                    items,
                    reason,
                    "비대상",
                    box.orderer,
                    completed_at=now,
                )
                self._add_receipt(receipt)
                return str(receipt.receipt_id)
            if kind == "return":
                box = self._candidate(["FINAL_DELIVERY", "DELIVERING"]) or self._fresh_box("FINAL_DELIVERY")
                return str(self._open_receipt(box, now, stop_shipment=False).receipt_id)
            if kind == "exchange":
                box = self._candidate(["FINAL_DELIVERY", "DELIVERING"]) or self._fresh_box("FINAL_DELIVERY")
                self._claimed.add(box.box_id)
                item = box.items[0]
                exchange = Exchange(
                    self._id("exchange"),
                    box.order_id,
                    "RECEIPT",
                    now,
                    now,
                    [(box, item, 1)],
                    self.rng.choice(["사이즈 교환", "색상 교환", "불량 교환"]),
                    box.orderer,
                )
                self._add_exchange(exchange)
                return str(exchange.exchange_id)
            raise ValueError(f"unknown claim kind {kind!r} (cancel, return, exchange)")

    def _open_receipt(self, box: Box, now: datetime, *, stop_shipment: bool) -> Receipt:
        self._claimed.add(box.box_id)
        items = [(box, item, item.shipping_count) for item in box.items]
        if stop_shipment:
            for _box, item, count in items:
                item.hold_count = count
        receipt = Receipt(
            receipt_id=self._id("receipt"),
            order_id=box.order_id,
            receipt_type="RETURN",
            status="RELEASE_STOP_UNCHECKED" if stop_shipment else "RETURNS_UNCHECKED",
            created=now,
            modified=now,
            items=items,
            reason=self.rng.choice(CANCEL_REASONS if stop_shipment else RETURN_REASONS),
            release_stop_status="미처리" if stop_shipment else "비대상",
            requester=box.orderer,
        )
        self._add_receipt(receipt)
        return receipt

    def render_receipt(self, receipt: Receipt) -> dict[str, Any]:
        requester = receipt.requester
        return {
            "receiptId": receipt.receipt_id,
            "orderId": receipt.order_id,
            "paymentId": receipt.order_id + 900_000_000,
            "receiptType": receipt.receipt_type,
            "receiptStatus": receipt.status,
            "createdAt": _text(receipt.created),
            "modifiedAt": _text(receipt.modified),
            "requesterName": requester.name,
            "requesterPhoneNumber": requester.safe_number,
            "requesterRealPhoneNumber": None,
            "requesterAddress": requester.address1,
            "requesterAddressDetail": requester.address2,
            "requesterZipCode": requester.zip_code,
            "cancelReasonCategory1": receipt.reason[0],
            "cancelReasonCategory2": receipt.reason[1],
            "cancelReason": receipt.reason[2],
            "cancelCountSum": sum(count for _box, _item, count in receipt.items),
            "returnDeliveryId": receipt.receipt_id + 1_000_000,
            "returnDeliveryType": "연동택배" if receipt.receipt_type == "RETURN" else "",
            "releaseStopStatus": receipt.release_stop_status,
            "enclosePrice": 0,
            "faultByType": receipt.fault_by,
            "preRefund": False,
            "completeConfirmType": "VENDOR_CONFIRM" if receipt.completed_at else "UNDEFINED",
            "completeConfirmDate": _text(receipt.completed_at),
            "returnItems": [
                {
                    "vendorItemPackageId": 0,
                    "vendorItemPackageName": item.product_name,
                    "vendorItemId": item.vendor_item_id,
                    "vendorItemName": f"{item.product_name}, {item.option_name}",
                    "purchaseCount": item.quantity,
                    "cancelCount": count,
                    "shipmentBoxId": box.box_id,
                    "sellerProductId": item.seller_product_id,
                    "sellerProductName": item.product_name,
                    "releaseStatus": "Y" if box.status in SHIPPED else "N",
                    "cancelCompleteUser": "VENDOR" if receipt.completed_at else None,
                }
                for box, item, count in receipt.items
            ],
            "returnDeliveryDtos": [],
            "reasonCode": "CHANGEMIND",
            "reasonCodeText": receipt.reason[1],
            "returnShippingCharge": -5000 if receipt.fault_by == "CUSTOMER" and receipt.receipt_type == "RETURN" else 0,
        }

    def list_returns(self, request: Request, vendorId: str) -> Response:
        cancel_type = request.arg("cancelType") or "RETURN"
        status = request.arg("status") or ""
        if cancel_type == "CANCEL":
            if status:
                return self.bad_request("cancelType=CANCEL 조회에는 status를 넣을 수 없습니다.")
            wanted = None
        elif cancel_type == "RETURN":
            if status not in RETURN_QUERY:
                return self.bad_request("status는 RU, UC, CC, PR 중 하나여야 합니다.")
            wanted = RETURN_QUERY[status]
        else:
            return self.bad_request(f"지원하지 않는 cancelType입니다: {cancel_type}")
        span = self._date_range(request, 31)
        if isinstance(span, Response):
            return span
        per_page = self._per_page(request, "maxPerPage", 50, 50)
        if isinstance(per_page, Response):
            return per_page

        def matches(receipt: Receipt) -> bool:
            if cancel_type == "CANCEL":
                return receipt.receipt_type == "CANCEL"
            return receipt.receipt_type == "RETURN" and receipt.status in wanted

        rows, next_token, token = self._time_page(
            request, self._receipt_times, self._receipt_order, self.receipts, span, per_page, matches
        )
        if rows is None:
            return self.bad_request("nextToken이 올바르지 않습니다.")
        cursor = ("returns", cancel_type, status, span[0], span[1])
        page = self._repeat(cursor, token, rows)
        self._remember(cursor, next_token, rows)
        return self.ok([self.render_receipt(r) for r in page], nextToken=next_token)

    def _time_page(self, request, times, order, store, span, per_page, matches):
        lo, hi = bisect.bisect_left(times, span[0]), bisect.bisect_left(times, span[1])
        token = request.arg("nextToken") or ""
        position = _int_arg(token, lo)
        if position is None:
            return None, "", token
        position = max(lo, position)
        rows = []
        while position < hi and len(rows) < per_page:
            record = store[order[position]]
            position += 1
            if matches(record):
                rows.append(record)
        next_token = str(position) if position < hi and len(rows) == per_page else ""
        return rows, next_token, token

    def _receipt(self, receipt_id: str) -> Receipt | None:
        return self.receipts.get(int(receipt_id)) if receipt_id.isdigit() else None

    def get_return(self, request: Request, vendorId: str, receiptId: str) -> Response:
        receipt = self._receipt(receiptId)
        if receipt is None:
            return self.bad_request(f"접수번호 {receiptId}를 찾을 수 없습니다.", status=404)
        return self.ok(self.render_receipt(receipt))

    def _receipt_action(self, request: Request, receiptId: str) -> tuple[Receipt, dict] | Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        receipt = self._receipt(receiptId)
        if receipt is None:
            return self.bad_request(f"접수번호 {receiptId}를 찾을 수 없습니다.", status=404)
        if str(body.get("receiptId")) != receiptId:
            return self.bad_request("receiptId가 경로와 다릅니다.")
        return receipt, body

    def return_receive(self, request: Request, vendorId: str, receiptId: str) -> Response:
        found = self._receipt_action(request, receiptId)
        if isinstance(found, Response):
            return found
        receipt, _body = found
        if receipt.status != "RETURNS_UNCHECKED":
            return self.bad_request(f"반품접수(RETURNS_UNCHECKED) 상태가 아닙니다. (현재 {receipt.status})")
        receipt.status, receipt.modified = "VENDOR_WAREHOUSE_CONFIRM", self._now()
        return self.result(result_message="입고확인 처리되었습니다.")

    def _cancel_count_ok(self, receipt: Receipt, body: dict) -> bool:
        return body.get("cancelCount") == sum(count for _box, _item, count in receipt.items)

    def return_approve(self, request: Request, vendorId: str, receiptId: str) -> Response:
        found = self._receipt_action(request, receiptId)
        if isinstance(found, Response):
            return found
        receipt, body = found
        if receipt.status != "VENDOR_WAREHOUSE_CONFIRM":
            return self.bad_request(
                f"입고완료(VENDOR_WAREHOUSE_CONFIRM) 후에 승인할 수 있습니다. (현재 {receipt.status})"
            )
        if not self._cancel_count_ok(receipt, body):
            return self.bad_request("cancelCount가 반품 수량과 다릅니다.")
        now = self._now()
        receipt.status, receipt.modified, receipt.completed_at = "RETURNS_COMPLETED", now, now
        for box, item, count in receipt.items:
            item.cancel_count += count
            self._add_revenue_for(box, "REFUND", now.date(), [(item, count)])
        return self.result(result_message="반품 승인 처리되었습니다.")

    def return_stopped(self, request: Request, vendorId: str, receiptId: str) -> Response:
        found = self._receipt_action(request, receiptId)
        if isinstance(found, Response):
            return found
        receipt, body = found
        if receipt.status != "RELEASE_STOP_UNCHECKED":
            return self.bad_request(f"출고중지요청(RELEASE_STOP_UNCHECKED) 상태가 아닙니다. (현재 {receipt.status})")
        if any(box.status in SHIPPED for box, _item, _count in receipt.items):
            return self.bad_request("이미 출고된 주문입니다. 이미출고(completedShipment)로 처리하세요.")
        if not self._cancel_count_ok(receipt, body):
            return self.bad_request("cancelCount가 취소 수량과 다릅니다.")
        now = self._now()
        for _box, item, count in receipt.items:
            item.hold_count = 0
            item.cancel_count += count
        receipt.status, receipt.modified, receipt.completed_at = "RETURNS_COMPLETED", now, now
        receipt.release_stop_status = "처리(출고중지)"
        return self.result(result_message="출고중지 처리되었습니다.")

    def return_already_shipped(self, request: Request, vendorId: str, receiptId: str) -> Response:
        found = self._receipt_action(request, receiptId)
        if isinstance(found, Response):
            return found
        receipt, body = found
        if receipt.status != "RELEASE_STOP_UNCHECKED":
            return self.bad_request(f"출고중지요청(RELEASE_STOP_UNCHECKED) 상태가 아닙니다. (현재 {receipt.status})")
        if not body.get("deliveryCompanyCode") or not body.get("invoiceNumber"):
            return self.bad_request("deliveryCompanyCode와 invoiceNumber는 필수입니다.")
        for _box, item, _count in receipt.items:
            item.hold_count = 0
        receipt.status, receipt.modified = "RETURNS_UNCHECKED", self._now()
        receipt.release_stop_status = "처리(이미출고)"
        return self.result(result_message="이미출고 처리되었습니다.")

    def render_exchange(self, exchange: Exchange) -> dict[str, Any]:
        requester = exchange.requester
        box = exchange.items[0][0]
        return {
            "exchangeId": exchange.exchange_id,
            "orderId": exchange.order_id,
            "vendorId": self.vendor_id,
            "orderDeliveryStatusCode": box.status,
            "exchangeStatus": exchange.status,
            "referType": "WEB_MOBILE",
            "faultType": "CUSTOMER",
            "exchangeAmount": 5000,
            "reason": exchange.reason,
            "reasonCode": "CHANGE_OPTION",
            "reasonCodeText": exchange.reason,
            "reasonEtcDetail": "다른 옵션으로 교환 부탁드립니다",
            "cancelReason": None,
            "createdByType": "CUSTOMER",
            "createdAt": _text(exchange.created),
            "modifiedByType": "VENDOR" if exchange.status != "RECEIPT" else "CUSTOMER",
            "modifiedAt": _text(exchange.modified),
            "exchangeRejectCode": exchange.reject_code or None,
            "exchangeItemDtoV1s": [
                {
                    "exchangeItemId": exchange.exchange_id * 10 + n,
                    "orderItemId": item.vendor_item_id,
                    "orderItemUnitPrice": item.unit_price,
                    "orderItemName": f"{item.product_name}, {item.option_name}",
                    "orderPackageId": 0,
                    "orderPackageName": item.product_name,
                    "targetItemId": item.vendor_item_id,
                    "targetItemUnitPrice": item.unit_price,
                    "targetItemName": f"{item.product_name}, {item.option_name}",
                    "targetPackageId": 0,
                    "targetPackageName": item.product_name,
                    "quantity": count,
                    "orderItemDeliveryComplete": box_.status == "FINAL_DELIVERY",
                    "orderItemReturnComplete": False,
                    "targetItemDeliveryComplete": exchange.status == "SUCCESS",
                    "createdAt": _text(exchange.created),
                    "modifiedAt": _text(exchange.modified),
                    "originalShipmentBoxId": box_.box_id,
                }
                for n, (box_, item, count) in enumerate(exchange.items)
            ],
            "exchangeAddressDtoV1": {
                "exchangeAddressId": exchange.exchange_id + 3_000_000,
                "returnCustomerName": requester.name,
                "returnAddressZipCode": requester.zip_code,
                "returnAddress": requester.address1,
                "returnAddressDetail": requester.address2,
                "returnPhone": requester.safe_number,
                "returnMobile": requester.safe_number,
                "returnMemo": "",
                "deliveryCustomerName": requester.name,
                "deliveryAddressZipCode": requester.zip_code,
                "deliveryAddress": requester.address1,
                "deliveryAddressDetail": requester.address2,
                "deliveryPhone": requester.safe_number,
                "deliveryMobile": requester.safe_number,
                "deliveryMemo": "",
            },
            "deliveryInvoiceGroupDtos": [],
        }

    def list_exchanges(self, request: Request, vendorId: str) -> Response:
        start, end = _moment(request.arg("createdAtFrom")), _moment(request.arg("createdAtTo"))
        if start is None or end is None:
            return self.bad_request("createdAtFrom/createdAtTo는 yyyy-MM-ddTHH:mm:ss 형식이어야 합니다.")
        if end < start:
            return self.bad_request("createdAtTo가 createdAtFrom보다 빠릅니다.")
        if end - start > timedelta(days=31):
            return self.bad_request("조회 기간은 최대 31일입니다.")
        status = request.arg("status") or ""
        if status and status not in EXCHANGE_STATUSES:
            return self.bad_request(f"지원하지 않는 status입니다: {status}")
        per_page = self._per_page(request, "maxPerPage", 10, 50)
        if isinstance(per_page, Response):
            return per_page
        span = (start, end + timedelta(seconds=1))  # createdAtTo is inclusive (second precision)
        rows, next_token, token = self._time_page(
            request,
            self._exchange_times,
            self._exchange_order,
            self.exchanges,
            span,
            per_page,
            lambda exchange: not status or exchange.status == status,
        )
        if rows is None:
            return self.bad_request("nextToken이 올바르지 않습니다.")
        cursor = ("exchanges", status, span[0], span[1])
        page = self._repeat(cursor, token, rows)
        self._remember(cursor, next_token, rows)
        return self.ok([self.render_exchange(e) for e in page], nextToken=next_token)

    def _exchange_action(self, request: Request, exchangeId: str) -> tuple[Exchange, dict] | Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        exchange = self.exchanges.get(int(exchangeId)) if exchangeId.isdigit() else None
        if exchange is None:
            return self.bad_request(f"교환번호 {exchangeId}를 찾을 수 없습니다.", status=404)
        if str(body.get("exchangeId")) != exchangeId:
            return self.bad_request("exchangeId가 경로와 다릅니다.")
        return exchange, body

    def exchange_receive(self, request: Request, vendorId: str, exchangeId: str) -> Response:
        found = self._exchange_action(request, exchangeId)
        if isinstance(found, Response):
            return found
        exchange, _body = found
        if exchange.status != "RECEIPT":
            return self.bad_request(f"교환 접수(RECEIPT) 상태가 아닙니다. (현재 {exchange.status})")
        exchange.status, exchange.modified = "PROGRESS", self._now()
        return self.result(result_message="입고확인 처리되었습니다.")

    def exchange_reject(self, request: Request, vendorId: str, exchangeId: str) -> Response:
        found = self._exchange_action(request, exchangeId)
        if isinstance(found, Response):
            return found
        exchange, body = found
        code = body.get("exchangeRejectCode")
        if code not in ("SOLDOUT", "WITHDRAW"):
            return self.bad_request("exchangeRejectCode는 SOLDOUT 또는 WITHDRAW만 입력할 수 있습니다.")
        if exchange.status not in ("RECEIPT", "PROGRESS"):
            return self.bad_request(f"거부할 수 없는 교환 상태입니다. (현재 {exchange.status})")
        exchange.status, exchange.modified, exchange.reject_code = "REJECT", self._now(), code
        return self.result()

    def exchange_invoice(self, request: Request, vendorId: str, exchangeId: str) -> Response:
        exchange = self.exchanges.get(int(exchangeId)) if exchangeId.isdigit() else None
        if exchange is None:
            return self.bad_request(f"교환번호 {exchangeId}를 찾을 수 없습니다.", status=404)
        try:
            body = request.json()
        except ValueError:
            return self.bad_request("요청 본문(JSON)을 해석할 수 없습니다.")
        entries = body if isinstance(body, list) else [body]
        if not entries or not all(isinstance(e, dict) and e.get("invoiceNumber") for e in entries):
            return self.bad_request("goodsDeliveryCode와 invoiceNumber는 필수입니다.")
        if exchange.status != "PROGRESS":
            return self.bad_request(
                f"교환 진행(PROGRESS) 상태에서만 송장을 등록할 수 있습니다. (현재 {exchange.status})"
            )
        exchange.status, exchange.modified = "SUCCESS", self._now()
        return self.result()

    # ------------------------------------------------------------------------------------------
    # Inquiries
    # ------------------------------------------------------------------------------------------
    def create_inquiry(self) -> str:
        with self.lock:
            now = self._now()
            buyer = person(self.rng)
            email = buyer.email.split("@")[0][:3] + "***@ex"
            recent = [self.boxes[self._order[i]] for i in range(max(0, len(self._order) - 50), len(self._order))]
            if recent and self.rng.random() < 0.3:
                box = self.rng.choice(recent)
                item = box.items[0]
                inquiry = Inquiry(
                    inquiry_id=self._id("callcenter"),
                    kind="callcenter",
                    created=now,
                    content=f"[고객IN]\n◼주문번호: {box.order_id}\n◼문의내용: {self.rng.choice(QUESTIONS)}",
                    item=item,
                    order_id=box.order_id,
                    buyer_email=email,
                    buyer_phone=box.orderer.safe_number,
                    category=self.rng.choice(CALL_CATEGORIES),
                    status="requestAnswer",
                    replies=[
                        {
                            "answerId": self._id("answer"),
                            "content": "고객님 문의 내용 확인 후 답변 부탁드립니다.",
                            "receptionistName": "쿠팡 상담사",
                            "receptionist": "COUPANG",
                            "replyAt": _text(now, " "),
                            "partnerTransferStatus": "requestAnswer",
                            "needAnswer": True,
                        }
                    ],
                )
            else:
                option = self.options[self.rng.choice(list(self.options))]
                item = self._new_item(option, now)
                box = self.rng.choice(recent) if recent and self.rng.random() < 0.4 else None
                inquiry = Inquiry(
                    inquiry_id=self._id("online"),
                    kind="online",
                    created=now,
                    content=self.rng.choice(QUESTIONS),
                    item=item,
                    order_id=box.order_id if box else None,
                    buyer_email=email,
                )
            times = self._inquiry_times[inquiry.kind]
            index = bisect.bisect_right(times, now)
            times.insert(index, now)
            self.inquiries[inquiry.kind].insert(index, inquiry)
            return str(inquiry.inquiry_id)

    def _inquiry_range(self, request: Request):
        first, last = _day(request.arg("inquiryStartAt")), _day(request.arg("inquiryEndAt"))
        if first is None or last is None:
            return self.bad_request("inquiryStartAt/inquiryEndAt는 yyyy-MM-dd 형식이어야 합니다.")
        if (last - first).days < 1:
            return self.bad_request("조회 시작일과 종료일은 같은 날일 수 없습니다.")
        if (last - first).days > 7:
            return self.bad_request("조회 기간은 최대 7일입니다.")
        return _midnight(first), _midnight(last + timedelta(days=1))

    def _inquiry_page(self, request, kind, span, size, matches, render) -> Response:
        page = _int_arg(request.arg("pageNum"), 1)
        if page is None or page < 1:
            return self.bad_request("pageNum은 1 이상이어야 합니다.")
        times = self._inquiry_times[kind]
        lo, hi = bisect.bisect_left(times, span[0]), bisect.bisect_left(times, span[1])
        selected = [inquiry for inquiry in self.inquiries[kind][lo:hi] if matches(inquiry)]
        selected.reverse()  # newest first, like WING
        rows = selected[(page - 1) * size : page * size]
        previous = selected[max(0, (page - 2) * size) : (page - 1) * size] if page > 1 else []
        rows = self.faults.repeat(previous, rows) if self.faults.repeat_rate > 0 else rows
        total_pages = (len(selected) + size - 1) // size
        return self.ok(
            {
                "content": [render(inquiry) for inquiry in rows],
                "pagination": {
                    "currentPage": page,
                    "totalPages": total_pages,
                    "totalElements": len(selected),
                    "countPerPage": size,
                },
            }
        )

    def render_online(self, inquiry: Inquiry) -> dict[str, Any]:
        item = inquiry.item
        return {
            "inquiryId": inquiry.inquiry_id,
            "productId": item.product_id if item else None,
            "sellerProductId": item.seller_product_id if item else None,
            "sellerItemId": item.vendor_item_id if item else None,
            "vendorItemId": item.vendor_item_id if item else None,
            "content": inquiry.content,
            "inquiryAt": _text(inquiry.created, " "),
            "orderIds": [inquiry.order_id] if inquiry.order_id else None,
            "buyerEmail": inquiry.buyer_email,
            "commentDtoList": inquiry.replies,
        }

    def render_call_center(self, inquiry: Inquiry) -> dict[str, Any]:
        item = inquiry.item
        answered = [reply for reply in inquiry.replies if reply.get("replyBy")]
        box_id = self.orders.get(inquiry.order_id or 0, [None])[0]
        box = self.boxes.get(box_id) if box_id else None
        return {
            "inquiryId": inquiry.inquiry_id,
            "inquiryType": "CS",
            "inquiryStatus": "complete" if inquiry.status == "answered" else "progress",
            "csPartnerCounselingStatus": inquiry.status,
            "vendorItemId": [item.vendor_item_id] if item else [],
            "itemName": f"{item.product_name}, {item.option_name}" if item else "",
            "content": inquiry.content,
            "answeredAt": answered[-1]["replyAt"] if answered else None,
            "replies": inquiry.replies,
            "inquiryAt": _text(inquiry.created, " "),
            "buyerEmail": inquiry.buyer_email,
            "buyerPhone": inquiry.buyer_phone,
            "orderId": inquiry.order_id,
            "orderDate": _text(box.created, " ") if box else None,
            "receiptCategory": inquiry.category,
            "saleStartedAt": "2024-01-01",
            "saleEndedAt": "2099-12-31",
        }

    def list_online(self, request: Request, vendorId: str) -> Response:
        span = self._inquiry_range(request)
        if isinstance(span, Response):
            return span
        answered = request.arg("answeredType") or "ALL"
        if answered not in ("ALL", "ANSWERED", "NOANSWER"):
            return self.bad_request("answeredType은 ALL, ANSWERED, NOANSWER 중 하나입니다.")
        size = self._per_page(request, "pageSize", 10, 50)
        if isinstance(size, Response):
            return size

        def matches(inquiry: Inquiry) -> bool:
            return answered == "ALL" or (answered == "ANSWERED") == bool(inquiry.replies)

        return self._inquiry_page(request, "online", span, size, matches, self.render_online)

    def list_call_center(self, request: Request, vendorId: str) -> Response:
        span = self._inquiry_range(request)
        if isinstance(span, Response):
            return span
        status = request.arg("partnerCounselingStatus")
        wanted = {
            "none": None,
            "NONE": None,
            "requestAnswer": "requestAnswer",
            "NO_ANSWER": "requestAnswer",
            "TRANSFER": "requestAnswer",
            "answered": "answered",
            "ANSWER": "answered",
        }
        if status not in wanted:
            return self.bad_request("partnerCounselingStatus는 none, requestAnswer, answered 중 하나입니다.")
        size = self._per_page(request, "pageSize", 10, 30)
        if isinstance(size, Response):
            return size
        target = wanted[status]
        return self._inquiry_page(
            request, "callcenter", span, size, lambda i: target is None or i.status == target, self.render_call_center
        )

    def _find_inquiry(self, kind: str, inquiry_id: str) -> Inquiry | None:
        if not inquiry_id.isdigit():
            return None
        return next((i for i in self.inquiries[kind] if i.inquiry_id == int(inquiry_id)), None)

    def reply_online(self, request: Request, vendorId: str, inquiryId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        inquiry = self._find_inquiry("online", inquiryId)
        if inquiry is None:
            return self.bad_request(f"문의 {inquiryId}를 찾을 수 없습니다.", status=404)
        if not str(body.get("content") or "").strip() or not body.get("replyBy") or not body.get("vendorId"):
            return self.bad_request("content, vendorId, replyBy는 필수입니다.")
        inquiry.replies.append(
            {
                "inquiryCommentId": self._id("comment"),
                "inquiryId": inquiry.inquiry_id,
                "content": body["content"],
                "inquiryCommentAt": _text(self._now(), " "),
            }
        )
        return self.ok(None)

    def reply_call_center(self, request: Request, vendorId: str, inquiryId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        inquiry = self._find_inquiry("callcenter", inquiryId)
        if inquiry is None:
            return self.bad_request(f"문의 {inquiryId}를 찾을 수 없습니다.", status=404)
        if str(body.get("inquiryId")) != inquiryId:
            return self.bad_request("inquiryId가 경로와 다릅니다.")
        if not str(body.get("content") or "").strip() or not body.get("replyBy"):
            return self.bad_request("content, replyBy는 필수입니다.")
        pending = [reply for reply in inquiry.replies if reply.get("needAnswer")]
        if pending and str(body.get("parentAnswerId")) != str(pending[-1]["answerId"]):
            return self.bad_request("parentAnswerId가 올바르지 않습니다.")
        for reply in pending:
            reply["needAnswer"] = False
        inquiry.replies.append(
            {
                "answerId": self._id("answer"),
                "content": body["content"],
                "receptionistName": body["replyBy"],
                "receptionist": "VENDOR",
                "replyBy": body["replyBy"],
                "replyAt": _text(self._now(), " "),
                "partnerTransferStatus": "answered",
                "needAnswer": False,
                "parentAnswerId": body.get("parentAnswerId"),
            }
        )
        inquiry.status = "answered"
        return self.ok(None)

    # ------------------------------------------------------------------------------------------
    # Vendor items (stock, price, sale status)
    # ------------------------------------------------------------------------------------------
    def _option(self, vendor_item_id: str) -> Option | Response:
        option = self.options.get(int(vendor_item_id)) if vendor_item_id.isdigit() else None
        if option is None:
            return json_response(
                400, {"code": "ERROR", "message": f"옵션ID[{vendor_item_id}]가 존재하지 않습니다.", "data": None}
            )
        return option

    def set_quantity(self, request: Request, vendorItemId: str, quantity: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        if not quantity.isdigit() or int(quantity) > 99999:
            return json_response(
                400, {"code": "ERROR", "message": "재고수량은 0~99999 사이의 정수여야 합니다.", "data": None}
            )
        option.stock = int(quantity)
        return self.success("재고 변경을 완료했습니다.")

    def set_price(self, request: Request, vendorItemId: str, price: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        if not price.isdigit() or int(price) < 10 or int(price) % 10:
            return json_response(
                400, {"code": "ERROR", "message": "판매가격은 10원 단위로 입력해야 합니다.", "data": None}
            )
        option.price = int(price)
        return self.success("가격 변경을 완료했습니다.")

    def stop_sale(self, request: Request, vendorItemId: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        option.on_sale = False
        return self.success("판매 중지 처리되었습니다.")

    def resume_sale(self, request: Request, vendorItemId: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        option.on_sale = True
        return self.success("판매 재개 처리되었습니다.")

    def inventory(self, request: Request, vendorItemId: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        return self.success(
            "",
            {
                "sellerItemId": option.vendor_item_id,
                "amountInStock": option.stock,
                "salePrice": option.price,
                "onSale": option.on_sale,
            },
        )

    def set_original_price(self, request: Request, vendorItemId: str, price: str) -> Response:
        option = self._option(vendorItemId)
        if isinstance(option, Response):
            return option
        if not price.isdigit() or int(price) % 10:
            return self.product_error("할인율기준가는 10원 단위로 입력해야 합니다.")
        if int(price) and int(price) < option.price:  # [U] 0 clears it
            return self.product_error("할인율기준가는 판매가격보다 낮을 수 없습니다.")
        option.original_price = int(price)
        return self.success("할인율 기준가격 변경을 완료했습니다.")

    # ------------------------------------------------------------------------------------------
    # Products (seller-products): register, full update, read, list, approval
    # ------------------------------------------------------------------------------------------
    @staticmethod
    def product_error(message: str) -> Response:
        """The product APIs' refusal: HTTP 400 ``{code: "ERROR", message, data: null}`` [U: wording]."""
        return json_response(400, {"code": "ERROR", "message": message, "data": None})

    def _seed_seller_products(self) -> None:
        """The demo catalogue as approved products, so 상품 목록 조회 finds them with their seller codes."""
        outbound = next(iter(self.outbound))
        return_center = next(iter(self.return_centers.values()))
        address = return_center["placeAddresses"][0]
        created = self._now() - timedelta(days=90)
        for index, product in enumerate(self.products):
            types = SEED_ATTRIBUTE_TYPES[index % len(SEED_ATTRIBUTE_TYPES)]
            body = {
                "displayCategoryCode": SEED_CATEGORIES[index % len(SEED_CATEGORIES)],
                "sellerProductName": product.name,
                "vendorId": self.vendor_id,
                "saleStartedAt": _text(created),
                "saleEndedAt": "2099-01-01T23:59:59",
                "displayProductName": product.name,
                "brand": "장터상회",
                "generalProductName": product.name,
                "productGroup": "",
                "deliveryMethod": "SEQUENCIAL",
                "deliveryCompanyCode": "CJGLS",
                "deliveryChargeType": "CONDITIONAL_FREE",
                "deliveryCharge": 3000,
                "freeShipOverAmount": 30000,
                "deliveryChargeOnReturn": 0,
                "remoteAreaDeliverable": "Y",
                "unionDeliveryType": "UNION_DELIVERY",
                "returnCenterCode": return_center["returnCenterCode"],
                "returnChargeName": return_center["shippingPlaceName"],
                "companyContactNumber": address["companyContactNumber"],
                "returnZipCode": address["returnZipCode"],
                "returnAddress": address["returnAddress"],
                "returnAddressDetail": address["returnAddressDetail"],
                "returnCharge": 3000,
                "afterServiceInformation": "A/S 문의 02-1234-5678",
                "afterServiceContactNumber": "02-1234-5678",
                "outboundShippingPlaceCode": outbound,
                "vendorUserId": "jangteo_wing",
                "requested": True,
                "requiredDocuments": [],
                "extraInfoMessage": None,
                "manufacture": "장터상회",
            }
            items = []
            for option in product.options:
                values = option.name.split("/")
                items.append(
                    {
                        "sellerProductItemId": self._id("seller_product_item"),
                        "vendorItemId": int(option.option_id),
                        "itemName": option.name,
                        "originalPrice": option.price,
                        "salePrice": option.price,
                        "maximumBuyCount": option.stock,
                        "maximumBuyForPerson": 0,
                        "maximumBuyForPersonPeriod": 1,
                        "outboundShippingTimeDay": 2,
                        "unitCount": 0,
                        "adultOnly": "EVERYONE",
                        "taxType": "TAX",
                        "parallelImported": "NOT_PARALLEL_IMPORTED",
                        "overseasPurchased": "NOT_OVERSEAS_PURCHASED",
                        "pccNeeded": False,
                        "externalVendorSku": option.seller_code,
                        "barcode": "",
                        "emptyBarcode": True,
                        "emptyBarcodeReason": "자체 제작 상품",
                        "modelNo": "",
                        "certifications": [{"certificationType": "NOT_REQUIRED", "certificationCode": ""}],
                        "searchTags": [],
                        "images": [
                            {
                                "imageOrder": 0,
                                "imageType": "REPRESENTATION",
                                "vendorPath": f"https://img.jangteo.example/{option.seller_code}.jpg",
                            }
                        ],
                        "notices": [
                            {
                                "noticeCategoryName": "기타 재화",
                                "noticeCategoryDetailName": name,
                                "content": "상세페이지 참조",
                            }
                            for name in ETC_NOTICE_DETAILS
                        ],
                        "attributes": [
                            {"attributeTypeName": kind, "attributeValueName": value, "exposed": "EXPOSED"}
                            for kind, value in zip(types, values, strict=False)
                        ],
                        "contents": [
                            {
                                "contentsType": "TEXT",
                                "contentDetails": [{"content": f"<p>{product.name}</p>", "detailType": "TEXT"}],
                            }
                        ],
                        "offerCondition": "NEW",
                    }
                )
            seller_product_id = int(product.product_id)
            self.seller_products[seller_product_id] = SellerProduct(
                seller_product_id=seller_product_id,
                status="승인완료",
                created=created,
                body=body,
                items=items,
                product_id=seller_product_id + 7_000_000,
                category_id=body["displayCategoryCode"] // 10,
            )

    # -- validation ---------------------------------------------------------------------------------
    def _product_problem(self, body: dict[str, Any], current: SellerProduct | None) -> str:
        """Why Coupang would refuse this register/update body, or "" (checks in the docs' order)."""
        for name in PRODUCT_REQUIRED:
            value = body.get(name)
            if value is None or (isinstance(value, str) and not value.strip() and name != "returnAddressDetail"):
                return f"{name}은(는) 필수 입력 항목입니다."
        if _number(body.get("displayCategoryCode")) is None:
            return "노출카테고리코드(displayCategoryCode)가 올바르지 않습니다."
        name = str(body["sellerProductName"])
        if len(name) > 100:
            return "등록상품명(sellerProductName)은 최대 100자까지 입력할 수 있습니다."
        if len(str(body.get("displayProductName") or "")) > 100:
            return "노출상품명(displayProductName)은 최대 100자까지 입력할 수 있습니다."
        started, ended = _product_time(body["saleStartedAt"]), _product_time(body["saleEndedAt"])
        if started is None or ended is None:
            return "판매시작일시/판매종료일시는 yyyy-MM-dd'T'HH:mm:ss 형식이어야 합니다."
        if ended <= started:
            return "판매종료일시는 판매시작일시 이후여야 합니다."
        if ended.year > 2099:
            return "판매종료일시는 2099년까지 입력할 수 있습니다."
        problem = self._delivery_problem(body)
        if problem:
            return problem
        if str(body["vendorUserId"]).strip() == "":
            return "vendorUserId(실사용자아이디)는 필수 입력 항목입니다."
        if str(body["requested"]).lower() not in ("true", "false"):
            return "requested는 true 또는 false여야 합니다."
        items = body["items"]
        if not isinstance(items, list) or not items:
            return "업체상품옵션목록(items)은 1개 이상 입력해야 합니다."
        if len(items) > MAX_PRODUCT_ITEMS:
            return f"업체상품옵션(items)은 최대 {MAX_PRODUCT_ITEMS}개까지 등록할 수 있습니다. (입력 {len(items)}개)"
        names: set[str] = set()
        combinations: dict[tuple, str] = {}
        for item in items:
            if not isinstance(item, dict):
                return "items의 항목이 올바르지 않습니다."
            problem = self._item_problem(item)
            if problem:
                return problem
            item_name = str(item["itemName"])
            if item_name in names:
                return f"업체상품옵션명(itemName)이 중복되었습니다: {item_name}"
            names.add(item_name)
            exposed = tuple(
                sorted(
                    (str(a.get("attributeTypeName")), str(a.get("attributeValueName")))
                    for a in item["attributes"]
                    if a.get("exposed", "EXPOSED") == "EXPOSED" and str(a.get("attributeValueName") or "")
                )
            )
            if exposed and exposed in combinations:
                return f"동일한 옵션값을 가진 옵션이 있습니다: {combinations[exposed]}, {item_name}"
            combinations[exposed] = item_name
        return self._update_problem(body, current) if current is not None else ""

    def _delivery_problem(self, body: dict[str, Any]) -> str:
        if body["deliveryMethod"] not in DELIVERY_METHODS:
            return f"배송방법(deliveryMethod)이 올바르지 않습니다: {body['deliveryMethod']}"
        if body["deliveryCompanyCode"] not in COURIERS:
            return f"택배사 코드(deliveryCompanyCode)가 올바르지 않습니다: {body['deliveryCompanyCode']}"
        charge_type = body["deliveryChargeType"]
        if charge_type not in DELIVERY_CHARGE_TYPES:
            return f"배송비종류(deliveryChargeType)가 올바르지 않습니다: {charge_type}"
        amounts = {}
        for name in ("deliveryCharge", "freeShipOverAmount", "deliveryChargeOnReturn", "returnCharge"):
            amount = _number(body[name])
            if amount is None or amount < 0:
                return f"{name}은(는) 0 이상의 숫자여야 합니다."
            amounts[name] = amount
        charge, threshold, initial = (
            amounts["deliveryCharge"],
            amounts["freeShipOverAmount"],
            amounts["deliveryChargeOnReturn"],
        )
        if charge_type == "FREE" and (charge or threshold):
            return "무료배송인 경우 기본배송비와 무료배송 조건금액은 0원이어야 합니다."
        if charge_type == "NOT_FREE":
            if threshold:
                return "배송비 종류가 유료배송인 경우 조건부 무료배송 금액은 0원이어야 합니다."
            if not charge:
                return "유료배송인 경우 기본배송비(deliveryCharge)를 입력해야 합니다."
        if charge_type == "CONDITIONAL_FREE" and (not charge or not threshold):
            return "조건부 무료배송인 경우 기본배송비와 무료배송 조건금액(freeShipOverAmount)을 입력해야 합니다."
        if charge_type in ("NOT_FREE", "CONDITIONAL_FREE", "CHARGE_RECEIVED") and initial:
            return "초도반품배송비(deliveryChargeOnReturn)는 무료배송인 경우에만 입력할 수 있습니다."
        if body["remoteAreaDeliverable"] not in ("Y", "N"):
            return "도서산간 배송여부(remoteAreaDeliverable)는 Y 또는 N이어야 합니다."
        if body["unionDeliveryType"] not in ("UNION_DELIVERY", "NOT_UNION_DELIVERY"):
            return f"묶음 배송여부(unionDeliveryType)가 올바르지 않습니다: {body['unionDeliveryType']}"
        if charge_type == "CHARGE_RECEIVED" and body["unionDeliveryType"] == "UNION_DELIVERY":
            return "착불배송은 묶음배송을 설정할 수 없습니다."
        if _number(body["returnCenterCode"]) not in self.return_centers:
            return f"반품지센터코드(returnCenterCode)가 존재하지 않습니다: {body['returnCenterCode']}"
        if _number(body["outboundShippingPlaceCode"]) not in self.outbound:
            return f"출고지주소코드(outboundShippingPlaceCode)가 존재하지 않습니다: {body['outboundShippingPlaceCode']}"
        return ""

    def _item_problem(self, item: dict[str, Any]) -> str:
        for name in ITEM_REQUIRED:
            if item.get(name) is None or item.get(name) == "":
                return f"items.{name}은(는) 필수 입력 항목입니다."
        label = f"[{item['itemName']}] "
        if len(str(item["itemName"])) > 150:
            return label + "업체상품옵션명(itemName)은 최대 150자까지 입력할 수 있습니다."
        sale, original = _number(item["salePrice"]), _number(item["originalPrice"])
        if sale is None or sale < 10 or sale % 10:
            return label + "판매가격(salePrice)은 10원 단위로 입력해야 합니다."
        if original is None or original % 10:
            return label + "할인율기준가(originalPrice)는 10원 단위로 입력해야 합니다."
        if original < sale:
            return label + "할인율기준가(originalPrice)는 판매가격(salePrice)보다 낮을 수 없습니다."
        stock = _number(item["maximumBuyCount"])
        if stock is None or not 0 <= stock <= 99999:
            return label + "판매가능수량(maximumBuyCount)은 0~99999 사이여야 합니다."
        per_person, period = _number(item["maximumBuyForPerson"]), _number(item["maximumBuyForPersonPeriod"])
        if per_person is None or per_person < 0 or period is None or period < 1:
            return label + "인당 최대구매수량은 0 이상, 최대구매수량기간은 1일 이상이어야 합니다."
        lead = _number(item["outboundShippingTimeDay"])
        if lead is None or not 0 <= lead <= 20:  # [U] upper bound
            return label + "기준출고일(outboundShippingTimeDay)이 올바르지 않습니다."
        for name, allowed in ITEM_ENUMS.items():
            if item[name] not in allowed:
                return label + f"{name} 값이 올바르지 않습니다: {item[name]}"
        if not str(item.get("barcode") or "") and not item.get("emptyBarcode"):
            return label + "바코드(barcode)를 입력하거나 바코드 없음(emptyBarcode)을 선택하세요."
        if item.get("emptyBarcode") and not str(item.get("emptyBarcodeReason") or "").strip():
            return label + "바코드 없음 사유(emptyBarcodeReason)를 입력하세요."
        if item.get("offerCondition", "NEW") not in OFFER_CONDITIONS:
            return label + f"상품상태(offerCondition)가 올바르지 않습니다: {item.get('offerCondition')}"
        return (
            _images_problem(item["images"], label)
            or _notices_problem(item["notices"], label)
            or _attributes_problem(item["attributes"], label)
            or _contents_problem(item["contents"], label)
            or _certifications_problem(item.get("certifications") or [], label)
            or _tags_problem(item.get("searchTags") or [], label)
        )

    def _update_problem(self, body: dict[str, Any], current: SellerProduct) -> str:
        if current.status == "상품삭제":
            return "삭제된 상품은 수정할 수 없습니다."
        known = {item["sellerProductItemId"]: item for item in current.items}
        kept: set[int] = set()
        for item in body["items"]:
            if item.get("sellerProductItemId") in (None, ""):
                continue
            item_id = _number(item["sellerProductItemId"])
            if item_id not in known:
                return f"이 상품의 옵션이 아닌 sellerProductItemId입니다: {item['sellerProductItemId']}"
            kept.add(item_id)
            registered = known[item_id]
            if _exposed(item) != _exposed(registered):
                return f"[{item['itemName']}] 등록된 옵션의 옵션값(attributes)은 수정할 수 없습니다."
        for item_id, item in known.items():
            if item_id not in kept and item.get("vendorItemId"):
                return f"승인완료된 옵션은 삭제할 수 없습니다. (vendorItemId: {item['vendorItemId']})"
        return ""

    # -- state changes ------------------------------------------------------------------------------
    def _live(self, item: dict[str, Any]) -> Option | None:
        vendor_item_id = item.get("vendorItemId")
        return self.options.get(vendor_item_id) if vendor_item_id else None

    def _review(self, product: SellerProduct, requested: bool) -> None:
        """Status after a save: 임시저장 without approval request, else reviewed (immediately or not)."""
        approved = product.status in ("승인완료", "부분승인완료")
        if not requested:
            if not approved:
                product.status = "임시저장"
            return
        if self.listing_approval == "immediate":
            self.approve_seller_product(product.seller_product_id)
        else:
            product.status = "승인대기중"

    def approve_seller_product(self, seller_product_id: int) -> list[int]:
        """Test/demo helper: Coupang approves the product; unapproved items get vendorItemIds (returned)."""
        with self.lock:
            product = self.seller_products[int(seller_product_id)]
            product.status = "승인완료"
            product.deny_reason = ""
            if product.product_id is None:
                product.product_id = self._id("product")
            assigned = []
            for item in product.items:
                live = self._live(item)
                if live is None:
                    vendor_item_id = self._id("vendor_item")
                    item["vendorItemId"] = vendor_item_id
                    assigned.append(vendor_item_id)
                    live = self.options[vendor_item_id] = Option(
                        vendor_item_id=vendor_item_id,
                        seller_product_id=product.seller_product_id,
                        product_id=product.product_id,
                        product_name="",
                        option_name="",
                        seller_code="",
                        price=item["salePrice"],
                        stock=item["maximumBuyCount"],
                        original_price=item["originalPrice"],
                    )
                live.product_name = str(product.body["sellerProductName"])
                live.option_name = str(item["itemName"])
                live.seller_code = str(item.get("externalVendorSku") or "")
            return assigned

    def deny_seller_product(self, seller_product_id: int, reason: str = "상품 정보 부족") -> None:
        """Test/demo helper: Coupang refuses the product (승인반려)."""
        with self.lock:
            product = self.seller_products[int(seller_product_id)]
            product.status = "승인반려"
            product.deny_reason = reason

    @staticmethod
    def _normalized_item(item: dict[str, Any]) -> dict[str, Any]:
        stored = dict(item)
        for name in NUMERIC_ITEM_FIELDS:
            stored[name] = _number(item[name])
        stored["pccNeeded"] = str(item.get("pccNeeded")).lower() == "true"
        return stored

    def _save_items(self, product: SellerProduct, items: list[dict[str, Any]]) -> None:
        known = {item["sellerProductItemId"]: item for item in product.items}
        saved = []
        for item in items:
            stored = self._normalized_item(item)
            item_id = _number(item.get("sellerProductItemId")) if item.get("sellerProductItemId") else None
            previous = known.get(item_id) if item_id else None
            if previous is None:
                stored["sellerProductItemId"] = self._id("seller_product_item")
                stored["vendorItemId"] = None
            else:
                stored["sellerProductItemId"] = item_id
                stored["vendorItemId"] = previous.get("vendorItemId")
            live = self._live(stored)
            if live is not None:
                # Approved items keep their price, stock and reference price: those change only
                # through the vendor-items APIs (the full update does not apply them).
                stored["salePrice"], stored["maximumBuyCount"] = live.price, live.stock
                stored["originalPrice"] = live.original_price or live.price
                live.option_name = str(stored["itemName"])
                live.seller_code = str(stored.get("externalVendorSku") or "")
                live.product_name = str(product.body.get("sellerProductName") or live.product_name)
            saved.append(stored)
        product.items = saved

    # -- endpoints ----------------------------------------------------------------------------------
    def _product_body(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            return self.product_error("요청 본문(JSON)을 해석할 수 없습니다.")
        if not isinstance(body, dict):
            return self.product_error("요청 본문은 JSON 객체여야 합니다.")
        if not body.get("vendorId"):
            return self.product_error("vendorId은(는) 필수 입력 항목입니다.")
        if body["vendorId"] != request.header("x-coupang-vendor-id"):
            return self.product_error("params's vendorId not equals gateway's vendorId!")
        return body

    def create_seller_product(self, request: Request) -> Response:
        body = self._product_body(request)
        if isinstance(body, Response):
            return body
        problem = self._product_problem(body, None)
        if problem:
            return self.product_error(problem)
        product = SellerProduct(
            seller_product_id=self._id("seller_product"),
            status="임시저장",
            created=self._now(),
            body={key: value for key, value in body.items() if key != "items"},
            items=[],
            category_id=_number(body["displayCategoryCode"]) // 10,
        )
        self._save_items(product, body["items"])
        self.seller_products[product.seller_product_id] = product
        self._review(product, str(body["requested"]).lower() == "true")
        return json_response(200, {"code": "SUCCESS", "message": "", "data": product.seller_product_id})

    def update_seller_product(self, request: Request) -> Response:
        body = self._product_body(request)
        if isinstance(body, Response):
            return body
        product_id = _number(body.get("sellerProductId"))
        if product_id is None:
            return self.product_error("업체상품아이디(sellerProductId)는 필수 입력 항목입니다.")
        current = self.seller_products.get(product_id)
        if current is None:
            return self.product_error(f"업체상품[{product_id}]이(가) 존재하지 않습니다.")
        problem = self._product_problem(body, current)
        if problem:
            return self.product_error(problem)
        category = current.body.get("displayCategoryCode")  # not changeable after registration
        current.body = {key: value for key, value in body.items() if key not in ("items", "sellerProductId")}
        current.body["displayCategoryCode"] = category
        self._save_items(current, body["items"])
        if current.status == "승인반려":
            current.status = "임시저장"
        self._review(current, str(body["requested"]).lower() == "true")
        return json_response(200, {"code": "SUCCESS", "message": "", "data": product_id})

    def request_approval(self, request: Request, sellerProductId: str) -> Response:
        product = self._seller_product(sellerProductId)
        if isinstance(product, Response):
            return product
        if product.status not in ("임시저장", "승인반려"):
            return self.product_error("임시저장 상태의 상품만 승인요청할 수 있습니다.")
        self._review(product, True)
        return json_response(200, {"code": "SUCCESS", "message": "", "data": str(product.seller_product_id)})

    def _seller_product(self, value: str) -> SellerProduct | Response:
        if not value.isdigit():
            return self.product_error("업체상품아이디는 숫자형으로 입력해주세요.")
        product = self.seller_products.get(int(value))
        if product is None:
            return self.product_error(f"업체상품[{value}]이(가) 존재하지 않습니다.")
        return product

    def get_seller_product(self, request: Request, sellerProductId: str) -> Response:
        product = self._seller_product(sellerProductId)
        if isinstance(product, Response):
            return product
        return json_response(200, {"code": "SUCCESS", "message": "", "data": self.render_seller_product(product)})

    def list_seller_products(self, request: Request) -> Response:
        vendor = request.arg("vendorId")
        if not vendor:
            return self.product_error("vendorId은(는) 필수 입력 항목입니다.")
        size = _int_arg(request.arg("maxPerPage"), 10)
        if size is None or not 1 <= size <= 100:
            return self.product_error("maxPerPage는 1~100 사이여야 합니다.")
        token = request.arg("nextToken") or "1"
        if not token.isdigit() or int(token) < 1:
            return self.product_error("nextToken이 올바르지 않습니다.")
        name = request.arg("sellerProductName") or ""
        if len(name) > 20:
            return self.product_error("등록상품명(sellerProductName) 검색어는 20자 이하로 입력해야 합니다.")
        status = request.arg("status") or ""
        if status and status not in LIST_STATUS_FILTER:
            return self.product_error(f"업체상품상태(status)가 올바르지 않습니다: {status}")
        wanted_id = request.arg("sellerProductId") or ""
        products = sorted(self.seller_products.values(), key=lambda p: p.seller_product_id, reverse=True)
        if status:
            products = [p for p in products if p.status in LIST_STATUS_FILTER[status]]
        if name:
            products = [p for p in products if name in str(p.body.get("sellerProductName"))]
        if wanted_id:
            products = [p for p in products if str(p.seller_product_id) == wanted_id]
        page = int(token)
        rows = products[(page - 1) * size : page * size]
        next_token = str(page + 1) if page * size < len(products) else ""
        data = [self.render_seller_product_summary(p) for p in rows]
        return json_response(200, {"code": "SUCCESS", "message": "", "nextToken": next_token, "data": data})

    # -- rendering ----------------------------------------------------------------------------------
    def render_seller_product_summary(self, product: SellerProduct) -> dict[str, Any]:
        body = product.body
        return {
            "sellerProductId": product.seller_product_id,
            "sellerProductName": body.get("sellerProductName"),
            "displayCategoryCode": _number(body.get("displayCategoryCode")),
            "categoryId": product.category_id,
            "productId": product.product_id,
            "vendorId": self.vendor_id,
            "mdId": "jangteo_md@",
            "mdName": None,
            "saleStartedAt": body.get("saleStartedAt"),
            "saleEndedAt": body.get("saleEndedAt"),
            "brand": body.get("brand"),
            "statusName": product.status,
            "createdAt": _text(product.created),
        }

    def render_seller_product(self, product: SellerProduct) -> dict[str, Any]:
        body = product.body
        items = []
        for item in product.items:
            rendered = dict(item)
            live = self._live(item)
            if live is not None:
                rendered["salePrice"] = live.price
                rendered["maximumBuyCount"] = live.stock
                rendered["originalPrice"] = live.original_price or live.price
            rendered["itemId"] = (live.vendor_item_id // 10) if live is not None else None
            rendered["supplyPrice"] = rendered["salePrice"] * 892 // 1000
            rendered["saleAgentCommission"] = 10.8
            rendered["bestPriceGuaranteed3P"] = False
            items.append(rendered)
        return {
            "sellerProductId": product.seller_product_id,
            "sellerProductName": body.get("sellerProductName"),
            "displayCategoryCode": _number(body.get("displayCategoryCode")),
            "categoryId": product.category_id,
            "productId": product.product_id,
            "vendorId": self.vendor_id,
            "mdId": "jangteo_md@",
            "mdName": None,
            "statusName": product.status,
            "contributorType": "API_SELLER",
            **{key: value for key, value in body.items() if key not in SUMMARY_KEYS},
            "outboundShippingPlaceCode": _number(body.get("outboundShippingPlaceCode")),
            "items": items,
            "bundleInfo": {"bundleType": "SINGLE"},
        }

    # ------------------------------------------------------------------------------------------
    # Templates (출고지 / 반품지)
    # ------------------------------------------------------------------------------------------
    def _seed_templates(self) -> None:
        today = self._now().strftime("%Y/%m/%d")
        for name, zip_code, address, detail in (
            ("본사 물류창고", "10516", "경기도 고양시 덕양구 통일로 140", "B동 1층"),
            ("부산 2센터", "48058", "부산광역시 해운대구 센텀중앙로 97", "지하 2층"),
        ):
            code = self._id("outbound")
            self.outbound[code] = {
                "outboundShippingPlaceCode": code,
                "shippingPlaceName": name,
                "global": False,
                "usable": True,
                "createDate": today,
                "placeAddresses": [self._address_entry(zip_code, address, detail, "02-1234-5678")],
                "remoteInfos": [
                    {
                        "remoteInfoId": self._id("remote"),
                        "deliveryCode": "CJGLS",
                        "jeju": 3000,
                        "notJeju": 2500,
                        "usable": True,
                    }
                ],
            }
        code = self._id("return_center")
        self.return_centers[code] = {
            "vendorId": self.vendor_id,
            "returnCenterCode": str(code),
            "shippingPlaceName": "본사 반품센터",
            "deliverCode": "CJGLS",
            "deliverName": "CJ 대한통운",
            "goodsflowStatus": "ACTIVE",
            "errorMessage": None,
            "createdAt": int(self._now().timestamp() * 1000),
            "vendorCreditFee": 2500,
            "vendorCashFee": 2500,
            "customerCreditFee": 5000,
            "customerCashFee": 5000,
            "returnFee": 5000,
            "usable": True,
            "placeAddresses": [
                self._address_entry("10516", "경기도 고양시 덕양구 통일로 140", "B동 반품장", "02-1234-5679")
            ],
        }

    @staticmethod
    def _address_entry(zip_code: str, address: str, detail: str, phone: str) -> dict[str, Any]:
        return {
            "addressType": "ROADNAME",
            "countryCode": "KR",
            "companyContactNumber": phone,
            "phoneNumber2": "",
            "returnZipCode": zip_code,
            "returnAddress": address,
            "returnAddressDetail": detail,
        }

    def _check_place(self, body: dict, *, creating: bool, names: Iterable[str]) -> str:
        name = str(body.get("shippingPlaceName") or "")
        if not body.get("userId"):
            return "userId는 필수입니다."
        if creating and not name:
            return "shippingPlaceName은 필수입니다."
        if len(name) > 50:
            return "The max length of the shipping place name is 50, please input the correct length name"
        if creating and name in names:
            return "동일한 이름의 출고지/반품지가 이미 있습니다."
        addresses = body.get("placeAddresses")
        if not isinstance(addresses, list) or not addresses:
            return "The address detail info can't be null(placeAddress)"
        for entry in addresses:
            if not isinstance(entry, dict):
                return "placeAddresses의 항목이 올바르지 않습니다."
            if not re.fullmatch(r"\d{2,4}-\d{3,4}-\d{4}", str(entry.get("companyContactNumber") or "")):
                return (
                    "The format of phone number is invalid, min length is 11 and max length is 14 "
                    "include the character '-'"
                )
            if not re.fullmatch(r"\d{5,6}", str(entry.get("returnZipCode") or "")):
                return (
                    "The format of postal code is invalid, it can only be number, min length is 5 and max length is 6"
                )
            if not entry.get("returnAddress"):
                return "Must input the default address(address1)"
        return ""

    def _page_list(self, request: Request, records: list[dict], *, required: bool) -> tuple[list, dict] | Response:
        page = _int_arg(request.arg("pageNum"), 0 if required else 1)
        if page is None or page < 1:
            return self.bad_request("pageNum은 1 이상이어야 합니다.")
        size = self._per_page(request, "pageSize", 10, 50)
        if isinstance(size, Response):
            return size
        rows = records[(page - 1) * size : page * size]
        pagination = {
            "currentPage": page,
            "totalPages": (len(records) + size - 1) // size,
            "totalElements": len(records),
            "countPerPage": size,
        }
        return rows, pagination

    def list_outbound(self, request: Request) -> Response:
        records = list(self.outbound.values())
        codes = request.arg("placeCodes")
        names = request.arg("placeNames")
        if codes:
            wanted = {c.strip() for c in codes.split(",")}
            records = [r for r in records if str(r["outboundShippingPlaceCode"]) in wanted]
        if names:
            records = [r for r in records if r["shippingPlaceName"] == names]
        found = self._page_list(request, records, required=not (codes or names))
        if isinstance(found, Response):
            return found
        rows, pagination = found
        # The marketplace_openapi list answers without the {code, message, data} envelope.
        return json_response(200, {"content": rows, "pagination": pagination})

    def create_outbound(self, request: Request, vendorId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        names = [r["shippingPlaceName"] for r in self.outbound.values()]
        problem = self._check_place(body, creating=True, names=names)
        if problem:
            return self.bad_request(problem)
        code = self._id("outbound")
        self.outbound[code] = {
            "outboundShippingPlaceCode": code,
            "shippingPlaceName": body["shippingPlaceName"],
            "global": str(body.get("global")).lower() == "true",
            "usable": str(body.get("usable", True)).lower() != "false",
            "createDate": self._now().strftime("%Y/%m/%d"),
            "placeAddresses": body["placeAddresses"],
            "remoteInfos": [
                {**info, "remoteInfoId": self._id("remote"), "usable": True} for info in body.get("remoteInfos") or []
            ],
        }
        return self.result(result_message=str(code))

    def update_outbound(self, request: Request, vendorId: str, code: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        record = self.outbound.get(int(code)) if code.isdigit() else None
        if record is None:
            return self.bad_request(f"출고지 코드 {code}가 존재하지 않습니다.")
        problem = self._check_place(body, creating=False, names=())
        if problem:
            return self.bad_request(problem)
        for key in ("shippingPlaceName", "placeAddresses", "remoteInfos"):
            if body.get(key):
                record[key] = body[key]
        if "usable" in body:
            record["usable"] = str(body["usable"]).lower() != "false"
        return self.result(result_message="Modify successfully")

    def list_return_centers(self, request: Request, vendorId: str) -> Response:
        found = self._page_list(request, list(self.return_centers.values()), required=False)
        if isinstance(found, Response):
            return found
        rows, pagination = found
        return json_response(
            200, {"code": "200", "message": "SUCCESS", "data": {"content": rows, "pagination": pagination}}
        )

    def create_return_center(self, request: Request, vendorId: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        names = [r["shippingPlaceName"] for r in self.return_centers.values()]
        problem = self._check_place(body, creating=True, names=names)
        goodsflow = body.get("goodsflowInfoOpenApiDto")
        if not problem and (not isinstance(goodsflow, dict) or goodsflow.get("deliverCode") not in COURIERS):
            problem = "goodsflowInfoOpenApiDto.deliverCode(택배사 코드)가 올바르지 않습니다."
        if problem:
            return self.bad_request(problem)
        code = self._id("return_center")
        self.return_centers[code] = {
            "vendorId": vendorId,
            "returnCenterCode": str(code),
            "shippingPlaceName": body["shippingPlaceName"],
            "deliverCode": goodsflow["deliverCode"],
            "deliverName": goodsflow.get("deliverName") or COURIERS[goodsflow["deliverCode"]][0],
            "goodsflowStatus": "ACTIVE" if goodsflow.get("contractNumber") else "NONE",
            "errorMessage": None,
            "createdAt": int(self._now().timestamp() * 1000),
            "usable": str(body.get("usable", True)).lower() != "false",
            "placeAddresses": body["placeAddresses"],
        }
        return self.result(result_message=str(code))

    def update_return_center(self, request: Request, vendorId: str, code: str) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        record = self.return_centers.get(int(code)) if code.isdigit() else None
        if record is None:
            return self.bad_request(f"반품지 코드 {code}가 존재하지 않습니다.")
        if str(body.get("returnCenterCode")) != code:
            return self.bad_request("returnCenterCode가 경로와 다릅니다.")
        problem = self._check_place(body, creating=False, names=())
        if problem:
            return self.bad_request(problem)
        for key in ("shippingPlaceName", "placeAddresses"):
            if body.get(key):
                record[key] = body[key]
        if "usable" in body:
            record["usable"] = str(body["usable"]).lower() != "false"
        return self.result(result_message="Modify successfully")

    # ------------------------------------------------------------------------------------------
    # Revenue history
    # ------------------------------------------------------------------------------------------
    def _seed_revenue(self, days: int) -> None:
        """Past sales recognised over the last ``days`` days (orders older than the ordersheets kept)."""
        today = self._now().date()
        option_ids = list(self.options)
        for offset in range(days, 0, -1):
            for _ in range(2):
                order_id = self._id("order") + 500_000_000_000
                option = self.options[self.rng.choice(option_ids)]
                item = self._new_item(option, self._now())
                self._add_revenue_row(order_id, "SALE", today - timedelta(days=offset), [(item, item.quantity)], 0)

    def _add_revenue(self, box: Box, sale_type: str, recognized: date, items: list[tuple[Item, int]]) -> None:
        self._add_revenue_row(box.order_id, sale_type, recognized, items, box.shipping_price, box.created.date())

    def _add_revenue_for(self, box: Box, sale_type: str, recognized: date, items: list[tuple[Item, int]]) -> None:
        self._add_revenue_row(box.order_id, sale_type, recognized, items, 0, box.created.date())

    def _add_revenue_row(self, order_id, sale_type, recognized, items, shipping, sale_date=None) -> None:
        sign = -1 if sale_type == "REFUND" else 1
        rendered = []
        for item, count in items:
            amount = sign * item.unit_price * count
            fee = amount * 108 // 1000
            vat = fee // 10
            rendered.append(
                {
                    "taxType": "TAX",
                    "productId": item.product_id,
                    "productName": item.product_name,
                    "vendorItemId": item.vendor_item_id,
                    "vendorItemName": f"{item.product_name}, {item.option_name}",
                    "salePrice": item.unit_price,
                    "quantity": count,
                    "coupangDiscountCoupon": 0,
                    "discountCouponPolicyAgreement": True,
                    "saleAmount": amount,
                    "sellerDiscountCoupon": 0,
                    "downloadableCoupon": 0,
                    "serviceFee": fee,
                    "serviceFeeVat": vat,
                    "serviceFeeRatio": 10.8,
                    "settlementAmount": amount - fee - vat,
                    "couranteeFeeRatio": 0,
                    "couranteeFee": 0,
                    "couranteeFeeVat": 0,
                    "storeFeeDiscountVat": 0,
                    "storeFeeDiscount": 0,
                    "externalSellerSkuCode": item.seller_code,
                }
            )
        ship_fee = sign * shipping
        ship_cut = ship_fee * 33 // 1000
        settle = recognized.replace(day=15) + timedelta(days=31)
        row = {
            "orderId": order_id,
            "saleType": sale_type,
            "saleDate": (sale_date or recognized - timedelta(days=8)).isoformat(),
            "recognitionDate": recognized.isoformat(),
            "settlementDate": settle.replace(day=15).isoformat(),
            "finalSettlementDate": settle.replace(day=15).isoformat(),
            "deliveryFee": {
                "amount": ship_fee,
                "fee": ship_cut,
                "feeVat": ship_cut // 10,
                "feeRatio": 3.3,
                "settlementAmount": ship_fee - ship_cut - ship_cut // 10,
            },
            "items": rendered,
        }
        index = bisect.bisect_right(self._revenue_dates, row["recognitionDate"])
        self._revenue_dates.insert(index, row["recognitionDate"])
        self.revenue.insert(index, row)

    def revenue_history(self, request: Request) -> Response:
        self.progress()
        if request.arg("vendorId") != request.header("x-coupang-vendor-id"):
            return self.bad_request("vendorId는 필수입니다.")
        span = self._date_range(request, 31, names=("recognitionDateFrom", "recognitionDateTo"))
        if isinstance(span, Response):
            return span
        per_page = self._per_page(request, "maxPerPage", 50, 50)
        if isinstance(per_page, Response):
            return per_page
        first = span[0].date().isoformat()
        last = min(span[1].date() - timedelta(days=1), self._now().date()).isoformat()
        lo = bisect.bisect_left(self._revenue_dates, first)
        hi = bisect.bisect_right(self._revenue_dates, last)
        token = request.arg("token") or ""
        position = _int_arg(token, lo)
        if position is None:
            return self.bad_request("token이 올바르지 않습니다.")
        position = max(lo, position)
        rows = self.revenue[position : min(hi, position + per_page)]
        position += len(rows)
        next_token = str(position) if position < hi else ""
        cursor = ("revenue", first, last)
        page = self._repeat(cursor, token, rows)
        self._remember(cursor, next_token, rows)
        return json_response(
            200, {"code": 200, "message": "OK", "hasNext": bool(next_token), "nextToken": next_token, "data": page}
        )

    # ------------------------------------------------------------------------------------------
    # Summary
    # ------------------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        with self.lock:
            claims: dict[str, int] = {"cancel": 0, "return": 0, "stop_shipment": 0, "exchange": len(self.exchanges)}
            for receipt in self.receipts.values():
                if receipt.receipt_type == "CANCEL":
                    claims["cancel"] += 1
                elif receipt.release_stop_status != "비대상":
                    claims["stop_shipment"] += 1
                else:
                    claims["return"] += 1
            return {
                "vendor_id": self.vendor_id,
                "orders": len(self.orders),
                "shipment_boxes": len(self.boxes),
                "boxes_by_status": {status: len(ids) for status, ids in self._by_status.items() if ids},
                "claims": claims,
                "open_claims": sum(1 for r in self.receipts.values() if r.status != "RETURNS_COMPLETED")
                + sum(1 for e in self.exchanges.values() if e.status in ("RECEIPT", "PROGRESS")),
                "inquiries": {
                    "online": len(self.inquiries["online"]),
                    "online_unanswered": sum(1 for i in self.inquiries["online"] if not i.replies),
                    "callcenter": len(self.inquiries["callcenter"]),
                    "callcenter_unanswered": sum(1 for i in self.inquiries["callcenter"] if i.status != "answered"),
                },
                "revenue_rows": len(self.revenue),
                "outbound_places": len(self.outbound),
                "seller_products": len(self.seller_products),
                "return_centers": len(self.return_centers),
            }
