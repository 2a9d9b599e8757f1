"""Naver Commerce API simulator (shared/reference/channels.md §2, §9.5).

What it reproduces:
- Base path ``/external`` (also served without it). Every response has ``GNCP-GW-Trace-ID``; errors
  use Naver's body ``{code, message, timestamp, traceId[, invalidInputs]}``; faults answer 429
  ``GW.RATE_LIMIT`` with the ``GNCP-GW-RateLimit-*`` headers and 500 ``GW.INTERNAL_SERVER_ERROR``.
- ``POST /v1/oauth2/token`` (form or query): bcrypt ``client_secret_sign`` check (standard or URL-safe
  Base64), timestamp within ±5 minutes, ``type`` SELF / SELLER + ``account_id``; 3-hour tokens, the same
  token again while ≥30 minutes remain (the old one stays valid until it expires). API calls with an
  unknown or expired token answer 401 ``GW.AUTHN``. Optional per-application token bucket
  (``rate_limit=(rate, burst)``) answering 429 like the gateway.
- Orders: ``last-changed-statuses`` (lastChangedFrom required, lastChangedTo ≤ +24 h, limitCount ≤ 300,
  ``lastChangedType`` filter, ``more{moreFrom, moreSequence}`` cursor, each product order listed once at
  its *last* change), ``PO/query`` (≤300 ids), ``PO/confirm`` and ``PO/dispatch`` (≤30, success/fail
  lists with Naver's failure codes), delay, seller cancel, claim approve/reject/collect/re-dispatch.
- Product Q&A and customer inquiries (list + answer), origin products (GET, option-stock,
  change-status with the option-surcharge limits), address book, case/daily settlements derived from
  purchase-decided product orders.
- Products (shapes from the official OpenAPI spec, docs/2.0.0-RC.js): ``POST /v1/product-images/upload``
  (multipart ``imageFiles``, ≤ 10, JPG/GIF/PNG/BMP → ``{images:[{url}]}``), ``POST /v2/products``
  (register → ``{originProductNo, smartstoreChannelProductNo}``), ``PUT /v2/products/origin-products/{no}``
  (full update: combinations with ``id`` keep it, new ones get one, missing ones are deleted) and
  ``POST /v1/products/search`` (page ≥ 1, size ≤ 1000, by seller code / numbers / statuses). Register and
  update are validated like Naver does — required fields, enums, 10-won prices, sale period on HH:00 /
  HH:59, fee rules, address-book ids, option names ≤ 3, option surcharge range, duplicate options,
  required 상품정보제공고시 fields per type, certification type ids, uploaded image URLs — and refused
  with 400 ``BAD_REQUEST`` + ``invalidInputs``. A registered product joins the catalogue: it is listed,
  takes stock/price/status pushes, and the order generator sells its options. Seeded products list too.

Shapes the reference does not spell out (token error codes, list envelopes of Q&A / inquiries /
address book / settlements, option-stock partial-update semantics) are marked [U]; the adapter and
the fixtures use the same shapes. Product limits not in the spec are [U] where they are defined
(name ≤ 100 chars, ≤ 500 combinations, option value ≤ 25 chars, 10-won units, one 0-won option,
origin-area codes, the ±50% surcharge rule).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import hmac
import itertools
import re
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import bcrypt

from . import fake
from .core import KST, Faults, Request, Response, SandboxApp, json_response

DEMO_CREDENTIALS = {"client_id": "jangteoDemoNaverApp01", "client_secret": "$2a$04$JangteoDemoNaverSalt0u"}

PO = "/v1/pay-order/seller/product-orders"
TRACE_HEADER = "GNCP-GW-Trace-ID"
TOKEN_LIFETIME = timedelta(hours=3)
TOKEN_REUSE = timedelta(minutes=30)
TIMESTAMP_WINDOW_MS = 5 * 60 * 1000
CHANGE_WINDOW = timedelta(hours=24)
MAX_CHANGED_ROWS = 300
MAX_QUERY_IDS = 300
MAX_ACTION_IDS = 30
BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

LAST_CHANGED_TYPES = frozenset(
    {
        "PAY_WAITING",
        "PAYED",
        "EXCHANGE_OPTION",
        "DELIVERY_ADDRESS_CHANGED",
        "GIFT_RECEIVED",
        "CLAIM_REJECTED",
        "DISPATCHED",
        "CLAIM_REQUESTED",
        "COLLECT_DONE",
        "CLAIM_HOLDBACK_RELEASED",
        "CLAIM_COMPLETED",
        "PURCHASE_DECIDED",
        "HOPE_DELIVERY_INFO_CHANGED",
        "CLAIM_REDELIVERING",
    }
)
DELIVERY_METHODS = frozenset(
    {
        "DELIVERY",
        "GDFW_ISSUE_SVC",
        "VISIT_RECEIPT",
        "DIRECT_DELIVERY",
        "QUICK_SVC",
        "NOTHING",
        "RETURN_DESIGNATED",
        "RETURN_DELIVERY",
        "RETURN_INDIVIDUAL",
        "RETURN_MERCHANT",
    }
)
DELIVERY_COMPANIES = frozenset(
    {
        "CJGLS",
        "HYUNDAI",
        "HANJIN",
        "KGB",
        "EPOST",
        "KDEXP",
        "DAESIN",
        "ILYANG",
        "CHUNIL",
        "HDEXP",
        "CUPARCEL",
        "CVSNET",
        "NONGHYUP",
        "HONAM",
        "REGISTPOST",
        "EMS",
        "DHL",
        "CH1",
    }
)
FREE_FORM_TRACKING_COMPANIES = frozenset({"CH1", "EMS", "DHL"})
TRACKING_RE = re.compile(r"^[0-9]{8,15}$")
CANCEL_REASONS = frozenset(
    {
        "INTENT_CHANGED",
        "COLOR_AND_SIZE",
        "WRONG_ORDER",
        "PRODUCT_UNSATISFIED",
        "DELAYED_DELIVERY",
        "SOLD_OUT",
        "INCORRECT_INFO",
    }
)
DELAY_REASONS = frozenset(
    {"PRODUCT_PREPARE", "CUSTOMER_REQUEST", "CUSTOM_BUILD", "RESERVED_DISPATCH", "OVERSEA_DELIVERY", "ETC"}
)
PRODUCT_STATUSES = frozenset({"SALE", "SUSPENSION", "OUTOFSTOCK"})

# Product register / update / search [D: commerce-api-naver/commerce-api docs/2.0.0-RC.js] unless [U].
ALL_PRODUCT_STATUSES = frozenset(
    {"WAIT", "SALE", "OUTOFSTOCK", "UNADMISSION", "REJECTION", "SUSPENSION", "CLOSE", "PROHIBITION", "DELETE"}
)
DELIVERY_ATTRIBUTE_TYPES = frozenset({"NORMAL", "TODAY", "OPTION_TODAY", "HOPE", "TODAY_ARRIVAL", "DAWN_ARRIVAL"})
DELIVERY_FEE_TYPES = frozenset({"FREE", "CONDITIONAL_FREE", "PAID", "UNIT_QUANTITY_PAID", "RANGE_QUANTITY_PAID"})
DELIVERY_FEE_PAY_TYPES = frozenset({"COLLECT", "PREPAID", "COLLECT_OR_PREPAID"})
TAX_TYPES = frozenset({"TAX", "DUTYFREE", "SMALL"})
CERTIFICATION_KIND_TYPES = frozenset(
    {"KC_CERTIFICATION", "CHILD_CERTIFICATION", "GREEN_PRODUCTS", "PARALLEL_IMPORT", "OVERSEAS", "ETC"}
)
SEARCH_KEYWORD_TYPES = frozenset(
    {
        "CHANNEL_PRODUCT_NO",
        "PRODUCT_NO",
        "SELLER_CODE",
        "PRODUCT_NAME",
        "MANUFACTURER_NAME",
        "BRAND_NAME",
        "MODEL_NAME",
        "DELIVERY_METHOD_TEMPLATE_ID",
        "CATEGORY_ID",
        "ACCOUNT_ID",
    }
)
MAX_SALE_PRICE = 999_999_990
MAX_STOCK = 99_999_999
MAX_DELIVERY_FEE = 100_000
MAX_CLAIM_FEE = 1_000_000
MAX_PURCHASE_QUANTITY = 10_000
MAX_OPTIONAL_IMAGES = 9
MAX_UPLOAD_FILES = 10
MAX_SEARCH_SIZE = 1000
MAX_OPTION_GROUPS = 3
MAX_PRODUCT_NAME = 100  # [U] 상품명 100자
MAX_OPTION_COMBINATIONS = 500  # [U]
MAX_OPTION_VALUE = 25  # [U] 옵션값 25자
MAX_SELLER_TAGS = 10  # [U]
IMAGE_HOST = "https://shop-phinf.pstatic.net/"
IMAGE_MAGIC = ((b"\xff\xd8", "jpg"), (b"\x89PNG", "png"), (b"GIF8", "gif"), (b"BM", "bmp"))
ORIGIN_DIRECT_CODE = "04"  # [U] 기타-직접 입력: content required
ORIGIN_IMPORTED_PREFIX = "02"  # [U] 수입산: importer required
SEE_DETAIL = "상세페이지 참조"
# Notice type → (object key, required fields without the five claim/refund texts, which default to
# 상품상세 참조) [D]. Boolean fields must be booleans.
NOTICE_TYPES: dict[str, tuple[str, str]] = {
    "WEAR": ("wear", "material color size manufacturer caution warrantyPolicy afterServiceDirector"),
    "SHOES": ("shoes", "material color size manufacturer caution warrantyPolicy afterServiceDirector"),
    "BAG": ("bag", "type material color size manufacturer caution warrantyPolicy afterServiceDirector"),
    "FASHION_ITEMS": ("fashionItems", "type material size manufacturer caution warrantyPolicy afterServiceDirector"),
    "SLEEPING_GEAR": (
        "sleepingGear",
        "material color size components manufacturer caution warrantyPolicy afterServiceDirector",
    ),
    "FURNITURE": (
        "furniture",
        "itemName certificationType color components material manufacturer producer size installedCharge "
        "warrantyPolicy afterServiceDirector",
    ),
    "IMAGE_APPLIANCES": (
        "imageAppliances",
        "itemName modelName certificationType manufacturer size additionalCost displaySpecification "
        "warrantyPolicy afterServiceDirector",
    ),
    "HOME_APPLIANCES": (
        "homeAppliances",
        "itemName modelName certificationType manufacturer size additionalCost warrantyPolicy afterServiceDirector",
    ),
    "SEASON_APPLIANCES": (
        "seasonAppliances",
        "itemName modelName certificationType manufacturer size area installedCharge warrantyPolicy "
        "afterServiceDirector",
    ),
    "OFFICE_APPLIANCES": (
        "officeAppliances",
        "itemName modelName certificationType manufacturer size specification warrantyPolicy afterServiceDirector",
    ),
    "OPTICS_APPLIANCES": (
        "opticsAppliances",
        "itemName modelName certificationType manufacturer size weight specification warrantyPolicy "
        "afterServiceDirector",
    ),
    "MICROELECTRONICS": (
        "microElectronics",
        "itemName modelName certificationType ratedVoltage powerConsumption manufacturer size weight "
        "specification warrantyPolicy afterServiceDirector",
    ),
    "CELLPHONE": (
        "cellPhone",
        "itemName modelName certificationType manufacturer producer size weight telecomType joinProcess "
        "extraBurden specification warrantyPolicy afterServiceDirector",
    ),
    "NAVIGATION": (
        "navigation",
        "itemName modelName certificationType ratedVoltage powerConsumption manufacturer size weight "
        "specification updateCost freeCostPeriod warrantyPolicy afterServiceDirector",
    ),
    "CAR_ARTICLES": (
        "carArticles",
        "itemName modelName certificationType caution manufacturer size applyModel warrantyPolicy "
        "roadWorthyCertification afterServiceDirector",
    ),
    "MEDICAL_APPLIANCES": (
        "medicalAppliances",
        "itemName modelName advertisingCertificationType manufacturer purpose usage caution warrantyPolicy "
        "afterServiceDirector",
    ),
    "KITCHEN_UTENSILS": (
        "kitchenUtensils",
        "itemName modelName material component size manufacturer producer warrantyPolicy afterServiceDirector",
    ),
    "COSMETIC": (
        "cosmetic",
        "capacity specification usage manufacturer producer distributor mainIngredient certificationType caution "
        "warrantyPolicy customerServicePhoneNumber",
    ),
    "JEWELLERY": (
        "jewellery",
        "material purity weight manufacturer size caution specification provideWarranty warrantyPolicy "
        "afterServiceDirector",
    ),
    "FOOD": (
        "food",
        "foodItem weight amount size producer productComposition keep adCaution customerServicePhoneNumber",
    ),
    "GENERAL_FOOD": (
        "generalFood",
        "productName foodType producer location weight amount ingredients geneticallyModified "
        "consumerSafetyCaution importDeclarationCheck customerServicePhoneNumber",
    ),
    "DIET_FOOD": (
        "dietFood",
        "productName foodType producer location weight amount ingredients nutritionFacts specification "
        "cautionAndSideEffect nonMedicinalUsesMessage geneticallyModified importDeclarationCheck "
        "consumerSafetyCaution storageMethod customerServicePhoneNumber",
    ),
    "KIDS": (
        "kids",
        "itemName modelName certificationType size weight color material recommendedAge manufacturer caution "
        "warrantyPolicy afterServiceDirector",
    ),
    "MUSICAL_INSTRUMENT": (
        "musicalInstrument",
        "itemName modelName size color material components manufacturer detailContent warrantyPolicy "
        "afterServiceDirector",
    ),
    "SPORTS_EQUIPMENT": (
        "sportsEquipment",
        "itemName modelName certificationType size weight color material components manufacturer detailContent "
        "warrantyPolicy afterServiceDirector",
    ),
    "BOOKS": ("books", "title author publisher size pages description"),
    "RENTAL_ETC": (
        "rentalEtc",
        "itemName modelName payingForLossOrDamage refundPolicyForCancel customerServicePhoneNumber",
    ),
    "DIGITAL_CONTENTS": (
        "digitalContents",
        "producer termsOfUse usePeriod medium requirement cancelationPolicy customerServicePhoneNumber",
    ),
    "GIFT_CARD": ("giftCard", "issuer termsOfUse refundPolicy customerServicePhoneNumber"),
    "MOBILE_COUPON": (
        "mobileCoupon",
        "issuer usableCondition usableStore cancelationPolicy customerServicePhoneNumber",
    ),
    "MOVIE_SHOW": (
        "movieShow",
        "sponsor actor rating showTime showPlace cancelationCondition cancelationPolicy customerServicePhoneNumber",
    ),
    "ETC_SERVICE": (
        "etcService",
        "serviceProvider certificateDetails usableCondition cancelationStandard cancelationPolicy "
        "customerServicePhoneNumber",
    ),
    "BIOCHEMISTRY": (
        "biochemistry",
        "productName dosageForm weight effect producer manufacturer childProtection chemicals caution "
        "safeCriterionNo customerServicePhoneNumber",
    ),
    "BIOCIDAL": (
        "biocidal",
        "productName weight effect rangeOfUse producer manufacturer childProtection harmfulChemicalSubstance "
        "maleficence caution approvalNumber customerServicePhoneNumber",
    ),
    "ETC": ("etc", "itemName modelName manufacturer"),
}
NOTICE_BOOLEAN_FIELDS = frozenset({"geneticallyModified", "importDeclarationCheck", "importDeclaration"})
SEED_CATEGORIES = ("50002334", "50000152", "50000830", "50001412", "50006606")  # [U] plausible leaf ids
ADDRESS_TYPES = frozenset({"RELEASE", "REFUND_OR_EXCHANGE"})
SETTLE_PERIOD_FIELDS = {
    "SETTLE_CASEBYCASE_SETTLE_SCHEDULE_DATE": "settleExpectDate",
    "SETTLE_CASEBYCASE_SETTLE_BASIS_DATE": "settleBasisDate",
    "SETTLE_CASEBYCASE_SETTLE_COMPLETE_DATE": "settleCompleteDate",
    "SETTLE_CASEBYCASE_PAY_DATE": "payDate",
}
GATEWAY_ERRORS = {
    "RATE_LIMIT": ("GW.RATE_LIMIT", "요청이 많아 서비스를 일시적으로 사용할 수 없습니다."),
    "INTERNAL_SERVER_ERROR": ("GW.INTERNAL_SERVER_ERROR", "작업 중 오류가 발생하였습니다."),
    "NOT_FOUND": ("GW.NOT_FOUND", "요청하신 리소스를 찾을 수 없습니다."),
    "TIMEOUT": ("GW.TIMEOUT.01", "요청 대기 시간이 초과되었습니다."),
}
CLAIM_KEYS = {"CANCEL": "cancel", "ADMIN_CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}
PAYMENT_MEANS = ["신용카드", "네이버페이 포인트", "계좌이체", "휴대폰"]
QUESTIONS = ["사이즈가 어떻게 되나요?", "언제 발송되나요?", "재입고 예정이 있나요?", "색상이 사진과 같은가요?"]
INQUIRY_TOPICS = [
    ("배송", "배송 문의", "주문한 상품 언제 받을 수 있을까요?"),
    ("교환/반품", "교환 문의", "사이즈 교환 가능할까요?"),
    ("상품", "상품 문의", "구성품이 어떻게 되나요?"),
]


def iso(value: datetime | None) -> str | None:
    return value.astimezone(KST).isoformat(timespec="milliseconds") if value else None


def ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace(" ", "+")  # an unencoded '+' arrives as a space
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KST)


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def canonical_salt(secret: str) -> bytes:
    parts = secret.split("$")
    salt = parts[3][:22]
    salt = salt[:-1] + BCRYPT_ALPHABET[BCRYPT_ALPHABET.index(salt[-1]) & 0b110000]
    return f"${parts[1]}${parts[2]}${salt}".encode("ascii")


@dataclass
class ProductOrder:
    product_order_id: str
    order: dict[str, Any]  # shared by the product orders of one order
    origin_no: str
    channel_no: str
    option_id: str
    product_name: str
    option_name: str
    option_code: str
    product_code: str
    quantity: int
    unit_price: int
    option_price: int
    discount: int
    delivery_fee: int
    package_number: str
    address: dict[str, Any]
    memo: str
    due: datetime
    status: str = "PAYED"
    place_order_status: str = "NOT_YET"
    place_order_date: datetime | None = None
    claim_type: str | None = None
    claim_status: str | None = None
    claim_id: str | None = None
    claim: dict[str, Any] | None = None
    completed_claims: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] | None = None
    delayed_reason: str | None = None
    delayed_detail: str | None = None
    address_changed: bool = False
    decided_at: datetime | None = None
    key: tuple[datetime, int] | None = None
    last_type: str = "PAYED"

    @property
    def order_id(self) -> str:
        return self.order["orderId"]

    @property
    def payment_amount(self) -> int:
        return (self.unit_price + self.option_price) * self.quantity - self.discount


class NaverSandbox(SandboxApp):
    name = "naver"

    def __init__(
        self,
        *,
        accounts: list[dict[str, str]] | None = None,
        rate_limit: tuple[float, int] | None = None,
        faults: Faults | None = None,
        clock=None,
        seed: int = 7,
    ):
        self.accounts = [dict(account) for account in (accounts or [DEMO_CREDENTIALS])]
        self.rate_limit = rate_limit
        self._local = threading.local()
        self._trace_counter = itertools.count(1)
        self.tokens: dict[str, dict[str, Any]] = {}
        self.current_tokens: dict[tuple[str, str, str], str] = {}
        self.buckets: dict[str, list[float]] = {}
        self.received: deque[dict[str, Any]] = deque(maxlen=20000)
        self.product_orders: dict[str, ProductOrder] = {}
        self.orders: dict[str, list[str]] = {}
        self.order_ids: list[str] = []
        self._keys: list[tuple[datetime, int]] = []
        self._key_ids: list[str] = []
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._tracking: dict[tuple[str, str], str] = {}
        self._previous_changed_rows: list[dict[str, Any]] = []
        self._previous_page_rows: dict[str, list[dict[str, Any]]] = {}
        self.qnas: list[dict[str, Any]] = []
        self.inquiries: list[dict[str, Any]] = []
        self._inquiry_toggle = 0
        self.addressbooks: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.settlements: list[dict[str, Any]] = []
        self.products: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.uploaded_images: list[str] = []
        self._origin_numbers = itertools.count(7_100_000_001)
        self._option_numbers = itertools.count(71_000_000_001)
        super().__init__(faults=faults, clock=clock, seed=seed)
        self._seed_catalog()
        self._seed_addressbooks()

    # -- setup -----------------------------------------------------------------------------------
    def _seed_catalog(self) -> None:
        seeded_at = iso(self._now())
        for index, product in enumerate(fake.catalog("NV-", 5_000_000)):
            base = min(option.price for option in product.options)
            record = {
                "originProductNo": product.product_id,
                "channelProductNo": str(8_100_000_000 + int(product.product_id)),
                "name": product.name,
                "sellerManagementCode": product.seller_code,
                "statusType": "SALE",
                "salePrice": base,
                "stockQuantity": 0,
                "categoryId": SEED_CATEGORIES[index % len(SEED_CATEGORIES)],
                "groupNames": {"optionGroupName1": "옵션"},
                "regDate": seeded_at,
                "modifiedDate": seeded_at,
                "options": OrderedDict(
                    (
                        option.option_id,
                        {
                            "id": int(option.option_id),
                            "optionName1": option.name,
                            "stockQuantity": option.stock,
                            "price": option.price - base,
                            "sellerManagerCode": option.seller_code,
                            "usable": True,
                        },
                    )
                    for option in product.options
                ),
            }
            record["body"] = self._seed_body(record)
            record["channel"] = {"naverShoppingRegistration": True, "channelProductDisplayStatusType": "ON"}
            self.products[product.product_id] = record
        self._refresh_orderable()

    def _refresh_orderable(self) -> None:
        """(origin product, option id) pairs the order generator picks from: every option of every product."""
        self._all_options = [
            (origin, option_id) for origin, product in self.products.items() for option_id in product["options"]
        ]

    @staticmethod
    def _seed_body(record: dict[str, Any]) -> dict[str, Any]:
        """A registered-looking originProduct for a seeded catalogue product (what GET answers with)."""
        return {
            "statusType": record["statusType"],
            "saleType": "NEW",
            "leafCategoryId": record["categoryId"],
            "name": record["name"],
            "images": {"representativeImage": {"url": f"{IMAGE_HOST}sandbox/{record['originProductNo']}/main.jpg"}},
            "detailContent": f"<p>{record['name']}</p>",
            "salePrice": record["salePrice"],
            "stockQuantity": 0,
            "deliveryInfo": {
                "deliveryType": "DELIVERY",
                "deliveryAttributeType": "NORMAL",
                "deliveryCompany": "CJGLS",
                "deliveryFee": {
                    "deliveryFeeType": "CONDITIONAL_FREE",
                    "baseFee": 3000,
                    "freeConditionalAmount": 30000,
                    "deliveryFeePayType": "PREPAID",
                },
                "claimDeliveryInfo": {
                    "returnDeliveryFee": 3000,
                    "exchangeDeliveryFee": 6000,
                    "shippingAddressId": 100001,
                    "returnAddressId": 100002,
                },
            },
            "detailAttribute": {
                "afterServiceInfo": {
                    "afterServiceTelephoneNumber": "031-123-4567",
                    "afterServiceGuideContent": SEE_DETAIL,
                },
                "originAreaInfo": {"originAreaCode": "00", "plural": False},
                "sellerCodeInfo": {"sellerManagementCode": record["sellerManagementCode"]},
                "taxType": "TAX",
                "minorPurchasable": True,
                "productInfoProvidedNotice": {
                    "productInfoProvidedNoticeType": "ETC",
                    "etc": {
                        "itemName": record["name"],
                        "modelName": SEE_DETAIL,
                        "manufacturer": SEE_DETAIL,
                        "afterServiceDirector": "031-123-4567",
                    },
                },
            },
            "customerBenefit": {},
        }

    def _seed_addressbooks(self) -> None:
        for number, name, kind in ((100001, "본사 물류센터", "RELEASE"), (100002, "반품 센터", "REFUND_OR_EXCHANGE")):
            self.addressbooks[str(number)] = {
                "addressBookNo": number,
                "name": name,
                "addressType": kind,
                "postalCode": "13494",
                "baseAddress": "경기도 성남시 분당구 판교역로 166",
                "detailAddress": "B1 물류센터" if kind == "RELEASE" else "B1 반품 접수대",
                "phoneNumber1": "031-123-4567",
                "phoneNumber2": "",
                "overseas": False,
                "isDefault": True,
            }
        self._next_addressbook = 100003

    def routes(self) -> None:
        add = self.router.add
        add("POST", "/v1/oauth2/token", self.token)
        add("GET", f"{PO}/last-changed-statuses", self.last_changed_statuses)
        add("POST", f"{PO}/query", self.query)
        add("POST", f"{PO}/confirm", self.confirm)
        add("POST", f"{PO}/dispatch", self.dispatch)
        add("POST", f"{PO}/{{productOrderId}}/delay", self.delay)
        add("POST", f"{PO}/{{productOrderId}}/claim/exchange/collect/approve", self.exchange_collect_approve)
        add("POST", f"{PO}/{{productOrderId}}/claim/{{kind}}/{{action}}", self.claim_action)
        add("GET", "/v1/pay-order/seller/orders/{orderId}/product-order-ids", self.order_product_order_ids)
        add("GET", "/v1/contents/qnas", self.list_qnas)
        add("PUT", "/v1/contents/qnas/{questionId}", self.answer_qna)
        add("GET", "/v1/pay-user/inquiries", self.list_inquiries)
        add("POST", "/v1/pay-merchant/inquiries/{inquiryNo}/answer", self.answer_inquiry)
        add("PUT", "/v1/pay-merchant/inquiries/{inquiryNo}/answer/{answerContentId}", self.edit_inquiry_answer)
        add("GET", "/v2/products/origin-products/{originProductNo}", self.origin_product)
        add("PUT", "/v2/products/origin-products/{originProductNo}", self.update_product)
        add("POST", "/v2/products", self.register_product)
        add("POST", "/v1/products/search", self.search_products)
        add("POST", "/v1/product-images/upload", self.upload_images)
        add("PUT", "/v1/products/origin-products/{originProductNo}/option-stock", self.option_stock)
        add("PUT", "/v1/products/origin-products/{originProductNo}/change-status", self.change_status)
        add("GET", "/v1/seller/addressbooks-for-page", self.list_addressbooks)
        add("GET", "/v1/seller/addressbooks/{addressBookNo}", self.get_addressbook)
        add("PUT", "/v1/seller/addressbooks/{addressBookNo}", self.update_addressbook)
        add("POST", "/v1/seller/addressbooks", self.create_addressbook)
        add("GET", "/v1/pay-settle/settle/case", self.settle_case)
        add("GET", "/v1/pay-settle/settle/daily", self.settle_daily)

    # -- envelopes -------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return ms(self.now().astimezone(KST))

    @property
    def trace_id(self) -> str:
        return getattr(self._local, "trace", "") or "sandbox-naver^0^0"

    def _error_body(self, code: str, message: str, invalid_inputs: list[dict[str, str]] | None = None) -> dict:
        body: dict[str, Any] = {
            "code": code,
            "message": message,
            "timestamp": iso(self._now()),
            "traceId": self.trace_id,
        }
        if invalid_inputs:
            body["invalidInputs"] = invalid_inputs
        return body

    def error(self, status: int, code: str, message: str) -> Response:
        code, message = GATEWAY_ERRORS.get(code, (code, message))
        headers = []
        if status == 429:
            rate, burst = self.rate_limit or (2, 4)
            headers = [
                ("GNCP-GW-RateLimit-Replenish-Rate", str(rate)),
                ("GNCP-GW-RateLimit-Burst-Capacity", str(burst)),
                ("GNCP-GW-RateLimit-Remaining", "0"),
            ]
        return json_response(status, self._error_body(code, message), headers)

    def _bad_request(self, message: str, name: str = "", code: str = "BadRequest", status: int = 400) -> Response:
        inputs = [{"name": name, "type": "InvalidValue", "message": message}] if name else None
        return json_response(status, self._error_body(code, message, inputs))

    def _envelope(self, data: Any) -> Response:
        return json_response(200, {"timestamp": iso(self._now()), "traceId": self.trace_id, "data": data})

    def handle(self, request: Request) -> Response:
        if request.path == "/external" or request.path.startswith("/external/"):
            request.path = request.path[len("/external") :] or "/"
        self._local.trace = f"sandbox-naver^{int(time.time() * 1000)}^{next(self._trace_counter)}"
        record = self._record(request) if not request.path.startswith("/_sandbox/") else {}
        response = super().handle(request)
        record["status"] = response.status
        response.headers.append((TRACE_HEADER, self._local.trace))
        return response

    def _record(self, request: Request) -> dict[str, Any]:
        payload: Any = None
        if request.body:
            if "multipart/" in request.header("content-type"):
                payload = {"multipart_bytes": len(request.body)}
            elif "json" in request.header("content-type"):
                try:
                    payload = request.json()
                except ValueError:
                    payload = None
            else:
                payload = request.form()
        record = {
            "method": request.method,
            "path": request.path,
            "query": {key: values[0] for key, values in request.query.items()},
            "json": payload,
            "status": None,
        }
        self.received.append(record)
        return record

    def requests_to(self, path_suffix: str, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded requests whose path ends with ``path_suffix`` (for tests)."""
        return [
            item
            for item in self.received
            if item["path"].endswith(path_suffix) and (method is None or item["method"] == method)
        ]

    @staticmethod
    def _json(request: Request) -> Any:
        try:
            return request.json()
        except ValueError:
            return None

    # -- authentication --------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if request.path == "/v1/oauth2/token":
            return None
        header = request.header("authorization")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        record = self.tokens.get(token)
        if record is None or record["expires_at"] <= self._now():
            return self.error(401, "GW.AUTHN", "요청을 보낼 권한이 없습니다.")
        if self.rate_limit and not self._take(record["client_id"]):
            return self.error(429, "RATE_LIMIT", "")
        return None

    def _take(self, key: str) -> bool:
        rate, burst = self.rate_limit or (0, 0)
        with self.lock:
            now = time.monotonic()
            tokens, updated = self.buckets.get(key, [float(burst), now])
            tokens = min(float(burst), tokens + (now - updated) * rate)
            if tokens < 1:
                self.buckets[key] = [tokens, now]
                return False
            self.buckets[key] = [tokens - 1, now]
            return True

    def expire_tokens(self) -> None:
        """Makes every issued token expired (as if 3 hours had passed for them)."""
        past = self._now() - timedelta(seconds=1)
        for record in self.tokens.values():
            record["expires_at"] = past

    def token(self, request: Request) -> Response:
        params = {key: values[0] for key, values in request.query.items()}
        if request.body:
            params.update(request.form())
        for name in ("client_id", "timestamp", "grant_type", "client_secret_sign", "type"):
            if not params.get(name):
                return self._bad_request(f"{name} 항목은 필수입니다.", name)
        if params["grant_type"] != "client_credentials":
            return self._bad_request("grant_type은 client_credentials만 사용할 수 있습니다.", "grant_type")
        if params["type"] not in ("SELF", "SELLER"):
            return self._bad_request("type은 SELF 또는 SELLER입니다.", "type")
        if not params["timestamp"].isdigit():
            return self._bad_request("timestamp는 밀리초 단위 Unix 시간입니다.", "timestamp")
        timestamp_ms = int(params["timestamp"])
        now_ms = int(self._now().timestamp() * 1000)
        if abs(now_ms - timestamp_ms) > TIMESTAMP_WINDOW_MS:
            return self._bad_request("timestamp가 유효 시간(5분)을 벗어났습니다. 서버 시간을 확인하세요.", "timestamp")
        account = next((item for item in self.accounts if item.get("client_id") == params["client_id"]), None)
        if account is None:
            return json_response(
                401, self._error_body("GW.AUTHN", "요청을 보낼 권한이 없습니다. (등록되지 않은 client_id)")
            )
        if not self._signature_ok(account, params["client_id"], params["timestamp"], params["client_secret_sign"]):
            return json_response(
                401, self._error_body("GW.AUTHN", "요청을 보낼 권한이 없습니다. (client_secret_sign 검증 실패)")
            )
        account_id = params.get("account_id", "") if params["type"] == "SELLER" else ""
        if (account.get("account_id") or "") != account_id or (params["type"] == "SELLER" and not account_id):
            return json_response(404, self._error_body("INTERLOCK_NOT_FOUND", "연동 정보가 없습니다."))
        return json_response(200, self._issue(params["client_id"], params["type"], account_id))

    @staticmethod
    def _signature_ok(account: dict[str, str], client_id: str, timestamp: str, sign: str) -> bool:
        try:
            provided = base64.b64decode(sign.replace("-", "+").replace("_", "/") + "=" * (-len(sign) % 4))
            expected = bcrypt.hashpw(f"{client_id}_{timestamp}".encode(), canonical_salt(account["client_secret"]))
        except (ValueError, binascii.Error, IndexError):
            return False
        return hmac.compare_digest(provided, expected)

    def _issue(self, client_id: str, token_type: str, account_id: str) -> dict[str, Any]:
        key = (client_id, token_type, account_id)
        now = self._now()
        current = self.current_tokens.get(key)
        record = self.tokens.get(current or "")
        if record is None or record["expires_at"] - now < TOKEN_REUSE:
            token = f"nv{self.rng.getrandbits(128):032x}"
            record = {
                "client_id": client_id,
                "type": token_type,
                "account_id": account_id,
                "expires_at": now + TOKEN_LIFETIME,
            }
            self.tokens[token] = record
            self.current_tokens[key] = current = token
        expires_in = int((record["expires_at"] - now).total_seconds())
        return {"access_token": current, "expires_in": expires_in, "token_type": "Bearer"}

    # -- state changes ---------------------------------------------------------------------------
    def _touch(self, po: ProductOrder, change_type: str, when: datetime | None = None) -> None:
        """Records a product order's last change (it is listed once, at its latest change)."""
        if po.key is not None:
            index = bisect.bisect_left(self._keys, po.key)
            if index < len(self._keys) and self._keys[index] == po.key:
                del self._keys[index]
                del self._key_ids[index]
        po.key = (ms(when or self._now()), next(self._seq))
        index = bisect.bisect_right(self._keys, po.key)
        self._keys.insert(index, po.key)
        self._key_ids.insert(index, po.product_order_id)
        po.last_type = change_type

    def _new_id(self, when: datetime) -> str:
        return f"{when.astimezone(KST):%Y%m%d}{next(self._ids):08d}"

    def create_orders(self, count: int) -> list[str]:
        created = []
        with self.lock:
            now = self._now()
            for _ in range(count):
                created.append(self._create_order(now))
        return created

    def _create_order(self, now: datetime) -> str:
        rng = self.rng
        buyer = fake.person(rng)
        receiver = buyer if rng.random() < 0.8 else fake.person(rng)
        order_id = self._new_id(now)
        n_lines = rng.choices((1, 2, 3), weights=(60, 28, 12))[0]
        picks = rng.sample(self._all_options, n_lines)
        bundled = n_lines == 1 or rng.random() < 0.75
        phone = buyer.safe_number if rng.random() < 0.3 else buyer.phone
        order = {
            "orderId": order_id,
            "orderDate": iso(now - timedelta(seconds=rng.randint(5, 600))),
            "paymentDate": iso(now),
            "ordererId": f"{buyer.email.split('@')[0][:4]}****",
            "ordererNo": str(rng.randint(10_000_000, 99_999_999)),
            "ordererName": buyer.name,
            "ordererTel": phone,
            "paymentMeans": rng.choice(PAYMENT_MEANS),
            "payLocationType": rng.choice(("MOBILE", "PC")),
            "orderDiscountAmount": 0,
            "isDeliveryMemoParticularInput": "false",
        }
        address = {
            "addressType": "DOMESTIC",
            "name": receiver.name,
            "tel1": receiver.safe_number if rng.random() < 0.3 else receiver.phone,
            "tel2": "",
            "zipCode": receiver.zip_code,
            "baseAddress": receiver.address1,
            "detailedAddress": receiver.address2,
            "isRoadNameAddress": True,
            "country": "한국",
        }
        ids = []
        package_totals: dict[str, int] = {}
        package_first: dict[str, ProductOrder] = {}
        shared_package = self._new_id(now)
        for origin, option_id in picks:
            product = self.products[origin]
            option = product["options"][option_id]
            quantity = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
            unit = product["salePrice"]
            discount = rng.choice((0, 0, 0, 500, 1000)) * quantity
            package = shared_package if bundled else self._new_id(now)
            po = ProductOrder(
                product_order_id=self._new_id(now),
                order=order,
                origin_no=origin,
                channel_no=product["channelProductNo"],
                option_id=option_id,
                product_name=product["name"],
                option_name=self._option_label(product, option),
                option_code=option["sellerManagerCode"],
                product_code=product["sellerManagementCode"],
                quantity=quantity,
                unit_price=unit,
                option_price=option["price"],
                discount=min(discount, (unit + option["price"]) * quantity // 2),
                delivery_fee=0,
                package_number=package,
                address=address,
                memo=receiver.message,
                due=now + timedelta(days=2),
            )
            option["stockQuantity"] = max(0, option["stockQuantity"] - quantity)
            self.product_orders[po.product_order_id] = po
            self._touch(po, "PAYED", now)
            ids.append(po.product_order_id)
            package_totals[package] = package_totals.get(package, 0) + po.payment_amount
            package_first.setdefault(package, po)
        for package, first in package_first.items():
            first.delivery_fee = 0 if package_totals[package] >= 30000 else 3000
        self.orders[order_id] = ids
        self.order_ids.append(order_id)
        return order_id

    def _pick(self, predicate) -> ProductOrder | None:
        for order_id in reversed(self.order_ids):
            for product_order_id in self.orders[order_id]:
                po = self.product_orders[product_order_id]
                if predicate(po):
                    return po
        return None

    def _dispatch(
        self, po: ProductOrder, company: str | None, tracking: str | None, method: str, when: datetime
    ) -> None:
        po.status = "DELIVERING"
        if po.place_order_status != "OK":
            po.place_order_status = "OK"
            po.place_order_date = po.place_order_date or when
        po.delivery = {
            "deliveryCompany": company,
            "deliveryMethod": method,
            "deliveryStatus": "COLLECT_REQUEST" if method == "DELIVERY" else "NOT_TRACKING",
            "trackingNumber": tracking,
            "sendDate": iso(when),
            "pickupDate": None,
            "deliveredDate": None,
            "isWrongTrackingNumber": False,
        }
        if company and tracking:
            self._tracking[(company, tracking)] = po.order_id
        self._touch(po, "DISPATCHED")

    def deliver(self, product_order_id: str) -> None:
        """Moves a product order to DELIVERED (dispatching it first with a demo invoice if needed)."""
        with self.lock:
            po = self.product_orders[product_order_id]
            now = self._now()
            if po.status == "PAYED":
                self._dispatch(po, "CJGLS", f"6{next(self._ids):011d}", "DELIVERY", now)
            if po.status == "DELIVERING":
                po.status = "DELIVERED"
                if po.delivery:
                    po.delivery.update({"deliveryStatus": "DELIVERY_COMPLETION", "deliveredDate": iso(now)})
                # The documented lastChangedType list has no delivery-completed type; listed as DISPATCHED [U].
                self._touch(po, "DISPATCHED")

    def set_in_transit(self, product_order_id: str) -> None:
        with self.lock:
            po = self.product_orders[product_order_id]
            if po.delivery:
                po.delivery.update({"deliveryStatus": "DELIVERING", "pickupDate": iso(self._now())})

    def decide_purchase(self, product_order_id: str) -> None:
        """구매확정: DELIVERED → PURCHASE_DECIDED, and a settlement case appears for it."""
        with self.lock:
            po = self.product_orders[product_order_id]
            if po.status in ("PAYED", "DELIVERING"):
                self.deliver(product_order_id)
            if po.status != "DELIVERED":
                return
            now = self._now()
            po.status = "PURCHASE_DECIDED"
            po.decided_at = now
            self._touch(po, "PURCHASE_DECIDED")
            self._add_settlement(po, now)

    def _add_settlement(self, po: ProductOrder, now: datetime) -> None:
        basis = now.astimezone(KST).date()
        common = {
            "orderId": po.order_id,
            "productOrderId": po.product_order_id,
            "settleBasisDate": basis.isoformat(),
            "settleExpectDate": (basis + timedelta(days=1)).isoformat(),
            "settleCompleteDate": None,
            "payDate": (basis + timedelta(days=1)).isoformat(),
            "productId": po.channel_no,
            "productName": po.product_name,
            "purchaserName": po.order["ordererName"],
            "settleType": "NORMAL_SETTLE_ORIGINAL",
            "merchantId": "ncp_sandbox",
        }
        rows = [("PROD_ORDER", po.payment_amount)]
        if po.delivery_fee:
            rows.append(("DELIVERY", po.delivery_fee))
        for product_order_type, amount in rows:
            pay_commission = -round(amount * 0.0363)
            selling_commission = -round(amount * 0.02) if product_order_type == "PROD_ORDER" else 0
            self.settlements.append(
                {
                    **common,
                    "productOrderType": product_order_type,
                    "paySettleAmount": amount,
                    "totalPayCommissionAmount": pay_commission,
                    "sellingInterlockCommissionAmount": selling_commission,
                    "freeInstallmentCommissionAmount": 0,
                    "benefitSettleAmount": 0,
                    "settleExpectAmount": amount + pay_commission + selling_commission,
                }
            )

    def create_claim(self, kind: str = "cancel") -> str:
        with self.lock:
            now = self._now()
            if kind == "cancel":
                po = self._pick(lambda item: item.status == "PAYED" and item.claim_type is None)
                if po is None:
                    self._create_order(now)
                    return self.create_claim(kind)
                detail = {
                    "cancelReason": "INTENT_CHANGED",
                    "cancelDetailedReason": "단순 변심",
                    "refundStandbyStatus": None,
                }
                claim_type, status = "CANCEL", "CANCEL_REQUEST"
            elif kind in ("return", "exchange"):
                po = self._pick(lambda item: item.status == "DELIVERED" and item.claim_type is None)
                if po is None:
                    po = self._pick(lambda item: item.status in ("PAYED", "DELIVERING") and item.claim_type is None)
                    if po is None:
                        self._create_order(now)
                        return self.create_claim(kind)
                    self.deliver(po.product_order_id)
                if kind == "return":
                    detail = {
                        "returnReason": "PRODUCT_UNSATISFIED",
                        "returnDetailedReason": "생각했던 것과 달라요",
                        "collectDeliveryMethod": "RETURN_DESIGNATED",
                        "collectStatus": "NOT_REQUESTED",
                    }
                    claim_type, status = "RETURN", "RETURN_REQUEST"
                else:
                    detail = {
                        "exchangeReason": "COLOR_AND_SIZE",
                        "exchangeDetailedReason": "한 치수 큰 사이즈로 교환 원해요",
                        "collectDeliveryMethod": "RETURN_DESIGNATED",
                        "collectStatus": "NOT_REQUESTED",
                    }
                    claim_type, status = "EXCHANGE", "EXCHANGE_REQUEST"
            else:
                raise ValueError(f"unknown claim kind {kind}")
            claim_id = self._new_id(now)
            po.claim_type, po.claim_status, po.claim_id = claim_type, status, claim_id
            po.claim = {
                "claimId": claim_id,
                "claimStatus": status,
                "claimRequestDate": iso(now),
                "requestChannel": "구매자",
                "requestQuantity": po.quantity,
                "holdbackStatus": "NOT_YET",
                **detail,
            }
            self._touch(po, "CLAIM_REQUESTED")
            return claim_id

    def withdraw_claim(self, product_order_id: str) -> None:
        """The buyer withdraws the claim (철회): *_REJECT without a seller reason."""
        with self.lock:
            po = self.product_orders[product_order_id]
            if po.claim_type and po.claim:
                status = {"CANCEL": "CANCEL_REJECT", "RETURN": "RETURN_REJECT", "EXCHANGE": "EXCHANGE_REJECT"}[
                    po.claim_type
                ]
                self._set_claim_status(po, status, "CLAIM_REJECTED")
                if po.claim_type != "CANCEL":
                    po.status = "DELIVERED"

    def _set_claim_status(self, po: ProductOrder, status: str, change_type: str, **fields: Any) -> None:
        po.claim_status = status
        if po.claim is not None:
            po.claim["claimStatus"] = status
            po.claim.update(fields)
        self._touch(po, change_type)

    def create_inquiry(self) -> str:
        with self.lock:
            now = self._now()
            self._inquiry_toggle += 1
            origin = self.rng.choice(list(self.products))
            product = self.products[origin]
            if self._inquiry_toggle % 2:
                question_id = str(700_000_000 + next(self._ids))
                self.qnas.append(
                    {
                        "questionId": int(question_id),
                        "productId": product["channelProductNo"],
                        "productName": product["name"],
                        "question": self.rng.choice(QUESTIONS),
                        "answer": None,
                        "answered": False,
                        "createDate": iso(now),
                        "answerDate": None,
                        "maskedWriterId": f"{fake.person(self.rng).email[:4]}****",
                    }
                )
                return question_id
            inquiry_no = str(300_000_000 + next(self._ids))
            category, title, content = self.rng.choice(INQUIRY_TOPICS)
            order_id = self.rng.choice(self.order_ids) if self.order_ids else None
            buyer = fake.person(self.rng)
            self.inquiries.append(
                {
                    "inquiryNo": int(inquiry_no),
                    "category": category,
                    "title": title,
                    "inquiryContent": content,
                    "inquiryRegistrationDateTime": iso(now),
                    "answered": False,
                    "orderId": order_id,
                    "productNo": product["channelProductNo"],
                    "productName": product["name"],
                    "productOrderIdList": list(self.orders.get(order_id or "", []))[:1],
                    "customerId": f"{buyer.email[:4]}****",
                    "customerName": buyer.name,
                    "answerContentId": None,
                    "answerContent": None,
                    "answerRegistrationDateTime": None,
                }
            )
            return inquiry_no

    def summary(self) -> dict[str, Any]:
        statuses = Counter(
            f"{po.status}/{po.place_order_status}" if po.status == "PAYED" else po.status
            for po in self.product_orders.values()
        )
        claims = Counter(f"{po.claim_type}:{po.claim_status}" for po in self.product_orders.values() if po.claim_type)
        return {
            "orders": len(self.orders),
            "product_orders": len(self.product_orders),
            "product_orders_by_status": dict(statuses),
            "claims": dict(claims),
            "inquiries": {
                "qna": len(self.qnas),
                "customer": len(self.inquiries),
                "unanswered": sum(not item["answered"] for item in self.qnas + self.inquiries),
            },
            "settlement_cases": len(self.settlements),
            "products": len(self.products),
            "tokens": len(self.tokens),
        }

    # -- orders ----------------------------------------------------------------------------------
    def _row(self, po: ProductOrder) -> dict[str, Any]:
        return {
            "productOrderId": po.product_order_id,
            "orderId": po.order_id,
            "lastChangedType": po.last_type,
            "lastChangedDate": iso(po.key[0]) if po.key else None,
            "productOrderStatus": po.status,
            "claimType": po.claim_type,
            "claimStatus": po.claim_status,
            "receiverAddressChanged": po.address_changed,
            "paymentDate": po.order["paymentDate"],
        }

    def last_changed_statuses(self, request: Request) -> Response:
        start = parse_iso(request.arg("lastChangedFrom"))
        if start is None:
            return self._bad_request(
                "lastChangedFrom 항목은 필수입니다. (yyyy-MM-dd'T'HH:mm:ss.SSSXXX)", "lastChangedFrom"
            )
        end = parse_iso(request.arg("lastChangedTo")) if request.arg("lastChangedTo") else start + CHANGE_WINDOW
        if end is None or end < start:
            return self._bad_request("lastChangedTo가 올바르지 않습니다.", "lastChangedTo")
        if end - start > CHANGE_WINDOW:
            return self._bad_request("조회 기간은 최대 24시간입니다.", "lastChangedTo")
        try:
            limit = int(request.arg("limitCount") or MAX_CHANGED_ROWS)
            sequence = int(request.arg("moreSequence") or 0)
        except ValueError:
            return self._bad_request("limitCount/moreSequence는 숫자입니다.", "limitCount")
        if not 1 <= limit <= MAX_CHANGED_ROWS:
            return self._bad_request("limitCount는 1~300입니다.", "limitCount")
        change_type = request.arg("lastChangedType") or ""
        if change_type and change_type not in LAST_CHANGED_TYPES:
            return self._bad_request(f"알 수 없는 lastChangedType: {change_type}", "lastChangedType")
        index = bisect.bisect_left(self._keys, (start, sequence))
        rows: list[dict[str, Any]] = []
        next_key = None
        keys, key_ids = self._keys, self._key_ids
        while index < len(keys) and keys[index][0] < end:
            po = self.product_orders[key_ids[index]]
            if not change_type or po.last_type == change_type:
                if len(rows) == limit:
                    next_key = keys[index]
                    break
                rows.append(self._row(po))
            index += 1
        served = rows
        if request.arg("moreSequence"):
            served = self.faults.repeat(self._previous_changed_rows, rows)
        self._previous_changed_rows = rows
        data: dict[str, Any] = {"lastChangeStatuses": served, "count": len(served)}
        if next_key is not None:
            data["more"] = {"moreFrom": iso(next_key[0]), "moreSequence": str(next_key[1])}
        return self._envelope(data)

    def _element(self, po: ProductOrder) -> dict[str, Any]:
        amount = (po.unit_price + po.option_price) * po.quantity
        product_order = {
            "productOrderId": po.product_order_id,
            "productOrderStatus": po.status,
            "placeOrderStatus": po.place_order_status,
            "placeOrderDate": iso(po.place_order_date),
            "claimType": po.claim_type,
            "claimStatus": po.claim_status,
            "claimId": po.claim_id,
            "productId": po.channel_no,
            "originalProductId": po.origin_no,
            "merchantChannelId": "500012345",
            "productName": po.product_name,
            "productOption": po.option_name,
            "optionCode": po.option_id,
            "optionManageCode": po.option_code,
            "sellerProductCode": po.product_code,
            "quantity": po.quantity,
            "initialQuantity": po.quantity,
            "remainQuantity": po.quantity,
            "unitPrice": po.unit_price,
            "optionPrice": po.option_price,
            "productDiscountAmount": po.discount,
            "totalProductAmount": amount,
            "totalPaymentAmount": po.payment_amount,
            "deliveryFeeAmount": po.delivery_fee,
            "deliveryPolicyType": "유료" if po.delivery_fee else "무료",
            "shippingDueDate": iso(po.due),
            "shippingMemo": po.memo,
            "packageNumber": po.package_number,
            "expectedDeliveryCompany": "CJGLS",
            "expectedSettlementAmount": po.payment_amount - round(po.payment_amount * 0.0563),
            "paymentCommission": -round(po.payment_amount * 0.0363),
            "saleCommission": -round(po.payment_amount * 0.02),
            "shippingAddress": po.address,
            "delayedDispatchReason": po.delayed_reason,
            "delayedDispatchDetailedReason": po.delayed_detail,
            "decisionDate": iso(po.decided_at),
            "inflowPath": "네이버쇼핑",
        }
        element: dict[str, Any] = {"order": po.order, "productOrder": product_order}
        if po.delivery:
            element["delivery"] = po.delivery
        if po.claim_type and po.claim is not None:
            key = CLAIM_KEYS[po.claim_type]
            element["currentClaim"] = {key: po.claim}
            element[key] = po.claim  # the legacy top-level copy, still sent during the phase-out
        if po.completed_claims:
            element["completedClaims"] = po.completed_claims
        return element

    def query(self, request: Request) -> Response:
        body = self._json(request)
        ids = body.get("productOrderIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids:
            return self._bad_request("productOrderIds 항목은 필수입니다.", "productOrderIds")
        if len(ids) > MAX_QUERY_IDS:
            return self._bad_request("productOrderIds는 최대 300개까지 요청할 수 있습니다.", "productOrderIds")
        elements = [self._element(self.product_orders[str(item)]) for item in ids if str(item) in self.product_orders]
        return self._envelope(elements)

    def order_product_order_ids(self, request: Request, orderId: str) -> Response:  # noqa: N803 - path name
        if orderId not in self.orders:
            return json_response(404, self._error_body("100001", "주문을 찾을 수 없습니다."))
        return self._envelope(list(self.orders[orderId]))

    def _id_list(self, request: Request, key: str) -> tuple[list[Any] | None, Response | None]:
        body = self._json(request)
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return None, self._bad_request(f"{key} 항목은 필수입니다.", key)
        if len(items) > MAX_ACTION_IDS:
            return None, self._bad_request(f"{key}는 최대 {MAX_ACTION_IDS}개까지 요청할 수 있습니다.", key)
        return items, None

    @staticmethod
    def _fail(product_order_id: str, code: str, message: str) -> dict[str, str]:
        return {"productOrderId": product_order_id, "code": code, "message": message}

    def confirm(self, request: Request) -> Response:
        ids, error = self._id_list(request, "productOrderIds")
        if error:
            return error
        success, fail = [], []
        now = self._now()
        for raw_id in ids:
            product_order_id = str(raw_id)
            po = self.product_orders.get(product_order_id)
            if po is None:
                fail.append(self._fail(product_order_id, "100001", "상품주문을 찾을 수 없습니다."))
            elif po.status != "PAYED" or po.claim_status in ("CANCEL_REQUEST", "CANCELING"):
                fail.append(self._fail(product_order_id, "104442", "발주 확인할 수 없는 상품주문 상태입니다."))
            elif po.place_order_status == "OK":
                fail.append(self._fail(product_order_id, "105306", "이미 발주 확인된 상품주문입니다."))
            else:
                po.place_order_status = "OK"
                po.place_order_date = now
                success.append({"productOrderId": product_order_id, "isReceiverAddressChanged": po.address_changed})
        return self._envelope({"successProductOrderInfos": success, "failProductOrderInfos": fail})

    def dispatch(self, request: Request) -> Response:
        items, error = self._id_list(request, "dispatchProductOrders")
        if error:
            return error
        success, fail = [], []
        for item in items:
            item = item if isinstance(item, dict) else {}
            product_order_id = str(item.get("productOrderId") or "")
            po = self.product_orders.get(product_order_id)
            method = item.get("deliveryMethod")
            company = item.get("deliveryCompanyCode")
            tracking = str(item.get("trackingNumber") or "")
            dispatched = parse_iso(item.get("dispatchDate"))
            if po is None:
                fail.append(self._fail(product_order_id, "100001", "상품주문을 찾을 수 없습니다."))
            elif method not in DELIVERY_METHODS or dispatched is None:
                fail.append(
                    self._fail(product_order_id, "4000", "deliveryMethod 또는 dispatchDate가 올바르지 않습니다.")
                )
            elif po.status != "PAYED" or po.claim_status in ("CANCEL_REQUEST", "CANCELING", "CANCEL_DONE"):
                fail.append(self._fail(product_order_id, "104442", "발송 처리할 수 없는 상품주문 상태입니다."))
            elif method == "DELIVERY" and not company:
                fail.append(self._fail(product_order_id, "104118", "택배사를 입력하세요."))
            elif method == "DELIVERY" and company not in DELIVERY_COMPANIES:
                fail.append(self._fail(product_order_id, "104119", "유효하지 않은 택배사 코드입니다."))
            elif method == "DELIVERY" and not tracking:
                fail.append(self._fail(product_order_id, "104120", "송장번호를 입력하세요."))
            elif method == "DELIVERY" and self._tracking.get((company, tracking), po.order_id) != po.order_id:
                fail.append(self._fail(product_order_id, "104121", "이미 사용된 송장번호입니다."))
            elif (
                method == "DELIVERY" and company not in FREE_FORM_TRACKING_COMPANIES and not TRACKING_RE.match(tracking)
            ):
                fail.append(self._fail(product_order_id, "104122", "유효하지 않은 송장번호입니다."))
            else:
                self._dispatch(po, company if method == "DELIVERY" else None, tracking or None, method, dispatched)
                success.append(product_order_id)
        return self._envelope({"successProductOrderIds": success, "failProductOrderInfos": fail})

    def delay(self, request: Request, productOrderId: str) -> Response:  # noqa: N803
        body = self._json(request) or {}
        po = self.product_orders.get(productOrderId)
        due = parse_iso(body.get("dispatchDueDate")) if isinstance(body, dict) else None
        if due is None or body.get("delayedDispatchReason") not in DELAY_REASONS:
            return self._bad_request("dispatchDueDate, delayedDispatchReason을 확인하세요.", "delayedDispatchReason")
        if po is None:
            return self._action([], [self._fail(productOrderId, "100001", "상품주문을 찾을 수 없습니다.")])
        if po.status != "PAYED" or po.delayed_reason:
            return self._action([], [self._fail(productOrderId, "104442", "발송 지연 처리할 수 없는 상태입니다.")])
        if due <= self._now():
            return self._action([], [self._fail(productOrderId, "4000", "발송 기한은 현재 이후여야 합니다.")])
        po.due = due
        po.delayed_reason = body["delayedDispatchReason"]
        po.delayed_detail = body.get("dispatchDelayedDetailedReason")
        return self._action([productOrderId], [])

    def _action(self, success: list[str], fail: list[dict[str, str]]) -> Response:
        return self._envelope({"successProductOrderIds": success, "failProductOrderInfos": fail})

    def exchange_collect_approve(self, request: Request, productOrderId: str) -> Response:  # noqa: N803
        return self.claim_action(request, productOrderId, "exchange", "collect-approve")

    def claim_action(self, request: Request, productOrderId: str, kind: str, action: str) -> Response:  # noqa: N803
        body = self._json(request) or {}
        body = body if isinstance(body, dict) else {}
        po = self.product_orders.get(productOrderId)
        if (kind, action) not in {
            ("cancel", "request"),
            ("cancel", "approve"),
            ("return", "approve"),
            ("return", "reject"),
            ("exchange", "collect-approve"),
            ("exchange", "dispatch"),
            ("exchange", "reject"),
        }:
            return self.error(404, "NOT_FOUND", "")
        if po is None:
            return self._action([], [self._fail(productOrderId, "100001", "상품주문을 찾을 수 없습니다.")])
        now = self._now()
        wrong_state = self._action([], [self._fail(productOrderId, "104442", "처리할 수 없는 클레임 상태입니다.")])
        if kind == "cancel" and action == "request":
            reason = body.get("cancelReason")
            if reason not in CANCEL_REASONS:
                return self._bad_request("cancelReason이 올바르지 않습니다.", "cancelReason")
            quantity = int(body.get("cancelQuantity") or po.quantity)
            if po.status != "PAYED" or po.claim_type is not None:
                return wrong_state
            if not 1 <= quantity <= po.quantity:
                return self._action([], [self._fail(productOrderId, "4000", "취소 수량이 올바르지 않습니다.")])
            claim_id = self._new_id(now)
            po.claim_type, po.claim_status, po.claim_id = "CANCEL", "CANCEL_DONE", claim_id
            po.claim = {
                "claimId": claim_id,
                "claimStatus": "CANCEL_DONE",
                "claimRequestDate": iso(now),
                "requestChannel": "판매자",
                "cancelReason": reason,
                "cancelDetailedReason": body.get("cancelDetailedReason"),
                "requestQuantity": quantity,
                "cancelApprovalDate": iso(now),
                "cancelCompletedDate": iso(now),
            }
            po.status = "CANCELED"
            self._touch(po, "CLAIM_COMPLETED")
            return self._action([productOrderId], [])
        expected = {"cancel": "CANCEL", "return": "RETURN", "exchange": "EXCHANGE"}[kind]
        if po.claim_type != expected:
            return wrong_state
        if kind == "cancel":
            if po.claim_status == "CANCEL_DONE":
                return self._action([], [self._fail(productOrderId, "105306", "이미 취소 완료된 상품주문입니다.")])
            if po.claim_status not in ("CANCEL_REQUEST", "CANCELING"):
                return wrong_state
            po.status = "CANCELED"
            self._set_claim_status(
                po, "CANCEL_DONE", "CLAIM_COMPLETED", cancelApprovalDate=iso(now), cancelCompletedDate=iso(now)
            )
        elif kind == "return":
            if po.claim_status not in ("RETURN_REQUEST", "COLLECTING", "COLLECT_DONE"):
                return wrong_state
            if action == "approve":
                po.status = "RETURNED"
                self._set_claim_status(
                    po, "RETURN_DONE", "CLAIM_COMPLETED", returnCompletedDate=iso(now), collectStatus="COLLECT_DONE"
                )
            else:
                reason = str(body.get("rejectReturnReason") or "").strip()
                if not reason:
                    return self._bad_request("rejectReturnReason 항목은 필수입니다.", "rejectReturnReason")
                po.status = "DELIVERED"
                self._set_claim_status(po, "RETURN_REJECT", "CLAIM_REJECTED", rejectReturnReason=reason)
        else:
            if action == "collect-approve":
                if po.claim_status not in ("EXCHANGE_REQUEST", "COLLECTING"):
                    return wrong_state
                self._set_claim_status(
                    po, "COLLECT_DONE", "COLLECT_DONE", collectStatus="COLLECT_DONE", collectCompletedDate=iso(now)
                )
            elif action == "dispatch":
                if po.claim_status != "COLLECT_DONE":
                    return wrong_state
                method = body.get("reDeliveryMethod")
                if method not in DELIVERY_METHODS:
                    return self._bad_request("reDeliveryMethod가 올바르지 않습니다.", "reDeliveryMethod")
                if method == "DELIVERY" and body.get("reDeliveryCompany") not in DELIVERY_COMPANIES:
                    return self._action([], [self._fail(productOrderId, "104119", "유효하지 않은 택배사 코드입니다.")])
                if method == "DELIVERY" and not TRACKING_RE.match(str(body.get("reDeliveryTrackingNumber") or "")):
                    return self._action([], [self._fail(productOrderId, "104122", "유효하지 않은 송장번호입니다.")])
                self._set_claim_status(
                    po,
                    "EXCHANGE_REDELIVERING",
                    "CLAIM_REDELIVERING",
                    reDeliveryMethod=method,
                    reDeliveryCompany=body.get("reDeliveryCompany"),
                    reDeliveryTrackingNumber=body.get("reDeliveryTrackingNumber"),
                    reDeliveryStatus="DELIVERING",
                )
            else:
                if po.claim_status not in ("EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"):
                    return wrong_state
                reason = str(body.get("rejectExchangeReason") or "").strip()
                if not reason:
                    return self._bad_request("rejectExchangeReason 항목은 필수입니다.", "rejectExchangeReason")
                po.status = "DELIVERED"
                self._set_claim_status(po, "EXCHANGE_REJECT", "CLAIM_REJECTED", rejectExchangeReason=reason)
        return self._action([productOrderId], [])

    # -- inquiries -------------------------------------------------------------------------------
    def _page(self, request: Request, rows: list[dict[str, Any]], max_size: int, list_key: str, cache_key: str):
        try:
            page = int(request.arg("page") or 1)
            size = int(request.arg("size") or max_size)
        except ValueError:
            return self._bad_request("page/size는 숫자입니다.", "page")
        if page < 1 or not 1 <= size <= max_size:
            return self._bad_request(f"page ≥ 1, size 1~{max_size}입니다.", "size")
        return self._page_of(rows, page, size, list_key, cache_key)

    def _page_of(
        self,
        rows: list[Any],
        page: int,
        size: int,
        list_key: str,
        cache_key: str,
        render: Callable[[Any], dict[str, Any]] | None = None,
    ) -> Response:
        """One page of ``rows`` in Naver's paged envelope (``render`` turns the page's rows into JSON)."""
        total = len(rows)
        pages = max(1, -(-total // size))
        chunk = rows[(page - 1) * size : page * size]
        if render is not None:
            chunk = [render(row) for row in chunk]
        served = self.faults.repeat(self._previous_page_rows.get(cache_key, []), chunk) if page > 1 else chunk
        self._previous_page_rows[cache_key] = chunk
        return json_response(
            200,
            {
                list_key: served,
                "page": page,
                "size": size,
                "totalElements": total,
                "totalPages": pages,
                "first": page == 1,
                "last": page >= pages,
            },
        )

    def list_qnas(self, request: Request) -> Response:
        start, end = parse_iso(request.arg("fromDate")), parse_iso(request.arg("toDate"))
        if start is None or end is None or end < start:
            return self._bad_request("fromDate, toDate(ISO 8601)를 확인하세요.", "fromDate")
        answered = request.arg("answered")
        rows = [
            item
            for item in self.qnas
            if start <= parse_iso(item["createDate"]) < end
            and (answered is None or str(item["answered"]).lower() == answered.lower())
        ]
        return self._page(request, rows, 100, "contents", "qnas")

    def answer_qna(self, request: Request, questionId: str) -> Response:  # noqa: N803
        body = self._json(request) or {}
        text = str(body.get("commentContent") or "").strip() if isinstance(body, dict) else ""
        item = next((row for row in self.qnas if str(row["questionId"]) == questionId), None)
        if item is None:
            return json_response(404, self._error_body("NOT_FOUND", "문의를 찾을 수 없습니다."))
        if not text:
            return self._bad_request("commentContent 항목은 필수입니다.", "commentContent", code="BAD_REQUEST")
        item.update({"answer": text, "answered": True, "answerDate": iso(self._now())})
        return json_response(200, {})

    def list_inquiries(self, request: Request) -> Response:
        start, end = parse_day(request.arg("startSearchDate")), parse_day(request.arg("endSearchDate"))
        if start is None or end is None or end < start:
            return self._bad_request("startSearchDate, endSearchDate(yyyy-MM-dd)를 확인하세요.", "startSearchDate")
        answered = request.arg("answered")
        rows = [
            item
            for item in self.inquiries
            if start <= parse_iso(item["inquiryRegistrationDateTime"]).astimezone(KST).date() <= end
            and (answered is None or str(item["answered"]).lower() == answered.lower())
        ]
        return self._page(request, rows, 200, "content", "inquiries")

    def _inquiry(self, inquiry_no: str) -> dict[str, Any] | None:
        return next((row for row in self.inquiries if str(row["inquiryNo"]) == inquiry_no), None)

    def answer_inquiry(self, request: Request, inquiryNo: str) -> Response:  # noqa: N803
        body = self._json(request) or {}
        text = str(body.get("answerComment") or "").strip() if isinstance(body, dict) else ""
        item = self._inquiry(inquiryNo)
        if item is None:
            return json_response(404, self._error_body("NOT_FOUND", "문의를 찾을 수 없습니다."))
        if not text:
            return self._bad_request("answerComment 항목은 필수입니다.", "answerComment")
        if item["answered"]:
            return self._bad_request("이미 답변한 문의입니다. 답변 수정 API를 사용하세요.", "inquiryNo")
        answer_id = 900_000_000 + next(self._ids)
        item.update(
            {
                "answered": True,
                "answerContentId": answer_id,
                "answerContent": text,
                "answerRegistrationDateTime": iso(self._now()),
            }
        )
        return self._envelope({"answerContentId": answer_id})

    def edit_inquiry_answer(self, request: Request, inquiryNo: str, answerContentId: str) -> Response:  # noqa: N803
        body = self._json(request) or {}
        text = str(body.get("answerComment") or "").strip() if isinstance(body, dict) else ""
        item = self._inquiry(inquiryNo)
        if item is None or str(item["answerContentId"]) != answerContentId:
            return json_response(404, self._error_body("NOT_FOUND", "답변을 찾을 수 없습니다."))
        if not text:
            return self._bad_request("answerComment 항목은 필수입니다.", "answerComment")
        item.update({"answerContent": text, "answerRegistrationDateTime": iso(self._now())})
        return self._envelope({"answerContentId": item["answerContentId"]})

    # -- products --------------------------------------------------------------------------------
    def _product_error(self, status: int, code: str, message: str, inputs: list[dict[str, str]] | None = None):
        return json_response(status, self._error_body(code, message, inputs))

    # Stored product record (seeded or registered): originProductNo, channelProductNo, name,
    # sellerManagementCode, statusType, salePrice, stockQuantity (without options), categoryId,
    # groupNames, options {id: optionCombination}, body (the originProduct as last sent), channel
    # (smartstoreChannelProduct as last sent), regDate, modifiedDate. Pushes change the live fields;
    # GET renders the body with them laid over it.

    @staticmethod
    def _option_label(product: dict[str, Any], option: dict[str, Any]) -> str:
        """productOption of an order line, e.g. "색상: 화이트 / 사이즈: M" [U: Naver's exact format]."""
        names = product.get("groupNames") or {}
        parts = []
        for index in range(1, MAX_OPTION_GROUPS + 1):
            value = option.get(f"optionName{index}")
            if value:
                parts.append(f"{names.get(f'optionGroupName{index}') or '옵션'}: {value}")
        return " / ".join(parts)

    @staticmethod
    def _product_stock(product: dict[str, Any]) -> int:
        if product["options"]:
            return sum(option["stockQuantity"] for option in product["options"].values() if option["usable"])
        return int(product.get("stockQuantity") or 0)

    def _render_product(self, product: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(product.get("body") or {})
        body.update(
            {
                "statusType": product["statusType"],
                "name": product["name"],
                "salePrice": product["salePrice"],
                "stockQuantity": self._product_stock(product),
                "leafCategoryId": product["categoryId"],
            }
        )
        attribute = body.setdefault("detailAttribute", {})
        codes = attribute.setdefault("sellerCodeInfo", {})
        codes["sellerManagementCode"] = product["sellerManagementCode"]
        if product["options"]:
            info = attribute.setdefault("optionInfo", {})
            info["optionCombinationGroupNames"] = dict(product["groupNames"])
            info["optionCombinations"] = [dict(option) for option in product["options"].values()]
            info["useStockManagement"] = True
        else:
            attribute.pop("optionInfo", None)
        channel = {**(product.get("channel") or {}), "channelProductNo": int(product["channelProductNo"])}
        return {"originProduct": body, "smartstoreChannelProduct": channel}

    def origin_product(self, request: Request, originProductNo: str) -> Response:  # noqa: N803
        product = self.products.get(originProductNo)
        if product is None:
            return self._product_error(404, "NOT_FOUND", "상품이 존재하지 않습니다.")
        return json_response(200, self._render_product(product))

    # -- product register / update -----------------------------------------------------------------
    @staticmethod
    def _is_int(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    @staticmethod
    def _text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    def _product_errors(
        self, body: Any, *, creating: bool, product: dict[str, Any] | None = None
    ) -> list[dict[str, str]]:
        """Naver's checks on a register / full-update body, as invalidInputs rows."""
        errors: list[dict[str, str]] = []

        def bad(name: str, kind: str, message: str) -> None:
            errors.append({"name": name, "type": kind, "message": message})

        if not isinstance(body, dict):
            bad("body", "NotNull", "요청 본문이 없습니다.")
            return errors
        origin = body.get("originProduct")
        if not isinstance(origin, dict):
            bad("originProduct", "NotNull", "원상품 정보(originProduct)는 필수입니다.")
            return errors
        channel = body.get("smartstoreChannelProduct")
        if not isinstance(channel, dict):
            bad("smartstoreChannelProduct", "NotNull", "스마트스토어 채널 상품 정보는 필수입니다.")
        else:
            if channel.get("channelProductDisplayStatusType") not in ("ON", "SUSPENSION"):
                bad(
                    "smartstoreChannelProduct.channelProductDisplayStatusType",
                    "Enum",
                    "전시 상태는 ON, SUSPENSION만 입력할 수 있습니다.",
                )
            if not isinstance(channel.get("naverShoppingRegistration"), bool):
                bad(
                    "smartstoreChannelProduct.naverShoppingRegistration",
                    "NotNull",
                    "네이버쇼핑 등록 여부는 필수입니다.",
                )

        o = "originProduct"
        status = origin.get("statusType")
        if creating and status != "SALE":
            bad(f"{o}.statusType", "Enum", "상품 등록 시 판매 상태는 SALE만 입력할 수 있습니다.")
        elif not creating and status not in ("SALE", "SUSPENSION"):
            bad(f"{o}.statusType", "Enum", "상품 수정 시 판매 상태는 SALE, SUSPENSION만 입력할 수 있습니다.")
        if origin.get("saleType", "NEW") not in ("NEW", "OLD"):
            bad(f"{o}.saleType", "Enum", "판매 유형은 NEW, OLD입니다.")
        category = origin.get("leafCategoryId")
        if category in (None, ""):
            if creating:
                bad(f"{o}.leafCategoryId", "NotBlank", "리프 카테고리 ID는 필수입니다.")
        elif not str(category).isdigit():
            bad(f"{o}.leafCategoryId", "NotExist", "존재하지 않는 카테고리입니다.")
        name = self._text(origin.get("name"))
        if not name:
            bad(f"{o}.name", "NotBlank", "상품명을 입력하세요.")
        elif len(name) > MAX_PRODUCT_NAME:
            bad(f"{o}.name", "Size", f"상품명은 {MAX_PRODUCT_NAME}자까지 입력할 수 있습니다.")
        if creating and not self._text(origin.get("detailContent")):
            bad(f"{o}.detailContent", "NotBlank", "상품 상세 정보를 입력하세요.")
        self._image_errors(origin.get("images"), bad)
        price = origin.get("salePrice")
        price_ok = self._is_int(price) and 10 <= price <= MAX_SALE_PRICE
        if not price_ok:
            bad(f"{o}.salePrice", "Range", "판매가는 10원 이상 999,999,990원 이하입니다.")
        elif price % 10:
            bad(f"{o}.salePrice", "Unit", "판매가는 10원 단위로 입력하세요.")  # [U]
        stock = origin.get("stockQuantity")
        if stock is None:
            if creating:
                bad(f"{o}.stockQuantity", "NotNull", "재고 수량은 필수입니다.")
        elif not self._is_int(stock) or not 0 <= stock <= MAX_STOCK:
            bad(f"{o}.stockQuantity", "Range", "재고 수량은 0~99,999,999입니다.")
        start, end = origin.get("saleStartDate"), origin.get("saleEndDate")
        starts, ends = parse_iso(start) if start else None, parse_iso(end) if end else None
        if start and (starts is None or starts.astimezone(KST).minute != 0 or starts.second):
            bad(f"{o}.saleStartDate", "Pattern", "판매 시작 일시는 매 시각 00분으로만 설정할 수 있습니다.")
        if end and (ends is None or ends.astimezone(KST).minute != 59):
            bad(f"{o}.saleEndDate", "Pattern", "판매 종료 일시는 매 시각 59분으로만 설정할 수 있습니다.")
        if starts and ends and ends <= starts:
            bad(f"{o}.saleEndDate", "Range", "판매 종료 일시는 판매 시작 일시 이후여야 합니다.")
        elif ends and ends <= self._now():
            bad(f"{o}.saleEndDate", "Range", "판매 종료 일시가 지났습니다.")
        if origin.get("deliveryInfo") is not None:
            self._delivery_errors(origin["deliveryInfo"], bad)
        attribute = origin.get("detailAttribute")
        if not isinstance(attribute, dict):
            bad(f"{o}.detailAttribute", "NotNull", "원상품 상세 속성은 필수입니다.")
        else:
            self._attribute_errors(attribute, creating, price if price_ok else None, product, bad)
        if origin.get("customerBenefit") is not None and not isinstance(origin["customerBenefit"], dict):
            bad(f"{o}.customerBenefit", "Type", "고객 혜택 정보 형식이 올바르지 않습니다.")
        return errors

    def _image_errors(self, images: Any, bad) -> None:
        name = "originProduct.images"
        if not isinstance(images, dict) or not isinstance(images.get("representativeImage"), dict):
            bad(f"{name}.representativeImage", "NotNull", "대표 이미지는 필수입니다.")
            return
        urls = [(f"{name}.representativeImage.url", images["representativeImage"].get("url"))]
        optional = images.get("optionalImages") or []
        if not isinstance(optional, list) or len(optional) > MAX_OPTIONAL_IMAGES:
            bad(f"{name}.optionalImages", "Size", f"추가 이미지는 최대 {MAX_OPTIONAL_IMAGES}개입니다.")
            optional = []
        urls += [
            (f"{name}.optionalImages[{index}].url", (item or {}).get("url")) for index, item in enumerate(optional)
        ]
        for field_name, url in urls:
            # [U] Naver wants URLs its upload API gave back; the sandbox checks the image host.
            if not isinstance(url, str) or not url.startswith(IMAGE_HOST):
                bad(field_name, "Pattern", "이미지 URL은 상품 이미지 등록 API로 업로드한 URL이어야 합니다.")

    def _delivery_errors(self, info: Any, bad) -> None:
        d = "originProduct.deliveryInfo"
        if not isinstance(info, dict):
            bad(d, "Type", "배송 정보 형식이 올바르지 않습니다.")
            return
        delivery_type = info.get("deliveryType")
        if delivery_type not in ("DELIVERY", "DIRECT"):
            bad(f"{d}.deliveryType", "Enum", "배송 방법은 DELIVERY, DIRECT입니다.")
        if info.get("deliveryAttributeType") not in DELIVERY_ATTRIBUTE_TYPES:
            bad(f"{d}.deliveryAttributeType", "Enum", "배송 속성 타입이 올바르지 않습니다.")
        if delivery_type == "DELIVERY":
            company = info.get("deliveryCompany")
            if not company:
                bad(f"{d}.deliveryCompany", "NotBlank", "택배 배송인 경우 택배사는 필수입니다.")
            elif company not in DELIVERY_COMPANIES:
                bad(f"{d}.deliveryCompany", "NotExist", "유효하지 않은 택배사입니다.")
        fee = info.get("deliveryFee")
        if not isinstance(fee, dict):
            bad(f"{d}.deliveryFee", "NotNull", "배송비 정보는 필수입니다.")
        else:
            fee_type = fee.get("deliveryFeeType", "FREE")
            if fee_type not in DELIVERY_FEE_TYPES:
                bad(f"{d}.deliveryFee.deliveryFeeType", "Enum", "배송비 타입이 올바르지 않습니다.")
            base = fee.get("baseFee", 0)
            if not self._is_int(base) or not 0 <= base <= MAX_DELIVERY_FEE:
                bad(f"{d}.deliveryFee.baseFee", "Range", "기본 배송비는 0~100,000원입니다.")
            elif fee_type in ("PAID", "CONDITIONAL_FREE", "UNIT_QUANTITY_PAID", "RANGE_QUANTITY_PAID") and base <= 0:
                bad(f"{d}.deliveryFee.baseFee", "Range", "유료 배송인 경우 기본 배송비를 입력하세요.")
            if fee_type == "CONDITIONAL_FREE":
                amount = fee.get("freeConditionalAmount")
                if not self._is_int(amount) or not 1 <= amount <= MAX_SALE_PRICE:
                    bad(
                        f"{d}.deliveryFee.freeConditionalAmount",
                        "Range",
                        "조건부 무료인 경우 무료 조건 금액을 입력하세요.",
                    )
            if fee_type == "UNIT_QUANTITY_PAID":
                repeat = fee.get("repeatQuantity")
                if not self._is_int(repeat) or repeat < 1:
                    bad(f"{d}.deliveryFee.repeatQuantity", "Range", "수량별 부과인 경우 반복 부과 수량을 입력하세요.")
            if fee_type == "RANGE_QUANTITY_PAID":
                for key in ("secondBaseQuantity", "secondExtraFee"):
                    if not self._is_int(fee.get(key)):
                        bad(
                            f"{d}.deliveryFee.{key}",
                            "NotNull",
                            "구간별 부과인 경우 2구간 수량과 추가 배송비는 필수입니다.",
                        )
            pay_type = fee.get("deliveryFeePayType")
            if pay_type is not None and pay_type not in DELIVERY_FEE_PAY_TYPES:
                bad(f"{d}.deliveryFee.deliveryFeePayType", "Enum", "배송비 결제 방식이 올바르지 않습니다.")
            area = fee.get("deliveryFeeByArea")
            if area is not None:
                a = f"{d}.deliveryFee.deliveryFeeByArea"
                area = area if isinstance(area, dict) else {}
                area_type = area.get("deliveryAreaType")
                if area_type not in ("AREA_2", "AREA_3"):
                    bad(f"{a}.deliveryAreaType", "Enum", "지역별 추가 배송비 권역은 AREA_2, AREA_3입니다.")
                extra2 = area.get("area2extraFee", 0)
                if not self._is_int(extra2) or not 0 <= extra2 <= MAX_DELIVERY_FEE:
                    bad(f"{a}.area2extraFee", "Range", "2권역 추가 배송비는 0~100,000원입니다.")
                extra3 = area.get("area3extraFee")
                if area_type == "AREA_3" and (not self._is_int(extra3) or not 0 <= extra3 <= MAX_DELIVERY_FEE):
                    bad(f"{a}.area3extraFee", "Range", "3권역인 경우 3권역 추가 배송비(0~100,000원)는 필수입니다.")
        claim = info.get("claimDeliveryInfo")
        if not isinstance(claim, dict):
            bad(f"{d}.claimDeliveryInfo", "NotNull", "반품/교환 정보는 필수입니다.")
            return
        for key, label in (("returnDeliveryFee", "반품 배송비"), ("exchangeDeliveryFee", "교환 배송비")):
            value = claim.get(key)
            if not self._is_int(value) or not 0 <= value <= MAX_CLAIM_FEE:
                bad(f"{d}.claimDeliveryInfo.{key}", "Range", f"{label}는 0~1,000,000원입니다.")
        for key, kind in (("shippingAddressId", "RELEASE"), ("returnAddressId", "REFUND_OR_EXCHANGE")):
            if claim.get(key) is None:
                continue
            book = self.addressbooks.get(str(claim[key]))
            if book is None or book["addressType"] != kind:
                bad(f"{d}.claimDeliveryInfo.{key}", "NotExist", "판매자 주소록에 없는 주소입니다.")

    def _attribute_errors(self, attribute: dict[str, Any], creating: bool, price: int | None, product, bad) -> None:
        a = "originProduct.detailAttribute"
        service = attribute.get("afterServiceInfo")
        if not isinstance(service, dict):
            bad(f"{a}.afterServiceInfo", "NotNull", "A/S 정보는 필수입니다.")
        else:
            if not self._text(service.get("afterServiceTelephoneNumber")):
                bad(f"{a}.afterServiceInfo.afterServiceTelephoneNumber", "NotBlank", "A/S 전화번호를 입력하세요.")
            if not self._text(service.get("afterServiceGuideContent")):
                bad(f"{a}.afterServiceInfo.afterServiceGuideContent", "NotBlank", "A/S 안내를 입력하세요.")
        if not isinstance(attribute.get("minorPurchasable"), bool):
            bad(f"{a}.minorPurchasable", "NotNull", "미성년자 구매 가능 여부는 필수입니다.")
        area = attribute.get("originAreaInfo")
        code = str((area or {}).get("originAreaCode") or "") if isinstance(area, dict) else ""
        if not code:
            bad(f"{a}.originAreaInfo.originAreaCode", "NotBlank", "원산지 정보는 필수입니다.")
        elif code == ORIGIN_DIRECT_CODE and not self._text(area.get("content")):
            bad(f"{a}.originAreaInfo.content", "NotBlank", "원산지를 직접 입력하는 경우 원산지 표시 내용은 필수입니다.")
        elif code.startswith(ORIGIN_IMPORTED_PREFIX) and not self._text(area.get("importer")):
            bad(f"{a}.originAreaInfo.importer", "NotBlank", "수입산인 경우 수입사명은 필수입니다.")
        if attribute.get("taxType") is not None and attribute["taxType"] not in TAX_TYPES:
            bad(f"{a}.taxType", "Enum", "부가가치세 타입은 TAX, DUTYFREE, SMALL입니다.")
        quantity = attribute.get("purchaseQuantityInfo")
        if isinstance(quantity, dict):
            for key in ("minPurchaseQuantity", "maxPurchaseQuantityPerId", "maxPurchaseQuantityPerOrder"):
                value = quantity.get(key)
                if value is not None and (not self._is_int(value) or not 1 <= value <= MAX_PURCHASE_QUANTITY):
                    bad(f"{a}.purchaseQuantityInfo.{key}", "Range", "구매 수량은 1~10,000개입니다.")
        self._option_errors(attribute.get("optionInfo"), price, product, bad)
        notice = attribute.get("productInfoProvidedNotice")
        if notice is None:
            if creating or not (product or {}).get("body", {}).get("detailAttribute", {}).get(
                "productInfoProvidedNotice"
            ):
                bad(f"{a}.productInfoProvidedNotice", "NotNull", "상품정보제공고시는 필수입니다.")
        else:
            self._notice_errors(notice, bad)
        certifications = attribute.get("productCertificationInfos")
        if certifications is not None:
            if not isinstance(certifications, list):
                certifications = [None]
            for index, row in enumerate(certifications):
                c = f"{a}.productCertificationInfos[{index}]"
                row = row if isinstance(row, dict) else {}
                if not self._is_int(row.get("certificationInfoId")):
                    bad(f"{c}.certificationInfoId", "NotNull", "인증 유형 ID는 필수입니다.")
                kind = row.get("certificationKindType")
                if kind is not None and kind not in CERTIFICATION_KIND_TYPES:
                    bad(f"{c}.certificationKindType", "Enum", "인증 정보 종류 코드가 올바르지 않습니다.")
        tags = ((attribute.get("seoInfo") or {}) if isinstance(attribute.get("seoInfo"), dict) else {}).get(
            "sellerTags"
        )
        if isinstance(tags, list) and len(tags) > MAX_SELLER_TAGS:
            bad(f"{a}.seoInfo.sellerTags", "Size", f"판매자 입력 태그는 {MAX_SELLER_TAGS}개까지입니다.")

    def _option_errors(self, info: Any, price: int | None, product: dict[str, Any] | None, bad) -> None:
        if info is None:
            return
        i = "originProduct.detailAttribute.optionInfo"
        if not isinstance(info, dict):
            bad(i, "Type", "옵션 정보 형식이 올바르지 않습니다.")
            return
        combinations = info.get("optionCombinations")
        if combinations is None:
            return
        if not isinstance(combinations, list) or not combinations:
            bad(f"{i}.optionCombinations", "Size", "조합형 옵션을 1개 이상 입력하세요.")
            return
        names = info.get("optionCombinationGroupNames")
        names = names if isinstance(names, dict) else {}
        if not self._text(names.get("optionGroupName1")):
            bad(f"{i}.optionCombinationGroupNames.optionGroupName1", "NotBlank", "조합형 옵션명 1은 필수입니다.")
        extra_groups = [
            key
            for key, value in names.items()
            if value and key not in {f"optionGroupName{n}" for n in range(1, MAX_OPTION_GROUPS + 1)}
        ]
        if extra_groups:
            # [U] the spec says optionGroupName4 is ignored for 조합형; refused here so nothing is dropped silently.
            bad(f"{i}.optionCombinationGroupNames", "Size", "조합형 옵션명은 최대 3개까지 입력할 수 있습니다.")
        groups = 0
        while groups < MAX_OPTION_GROUPS and self._text(names.get(f"optionGroupName{groups + 1}")):
            groups += 1
        if len(combinations) > MAX_OPTION_COMBINATIONS:
            bad(f"{i}.optionCombinations", "Size", f"조합형 옵션은 최대 {MAX_OPTION_COMBINATIONS}개입니다.")
        known_ids = {str(option_id) for option_id in ((product or {}).get("options") or {})}
        seen: set[tuple[str, ...]] = set()
        zero_price = price_refused = False
        for index, combination in enumerate(combinations):
            c = f"{i}.optionCombinations[{index}]"
            if not isinstance(combination, dict):
                bad(c, "Type", "조합형 옵션 형식이 올바르지 않습니다.")
                continue
            values = tuple(self._text(combination.get(f"optionName{n}")) for n in range(1, max(groups, 1) + 1))
            for n, value in enumerate(values, 1):
                if not value:
                    bad(f"{c}.optionName{n}", "NotBlank", "옵션값을 입력하세요.")
                elif len(value) > MAX_OPTION_VALUE:
                    bad(f"{c}.optionName{n}", "Size", f"옵션값은 {MAX_OPTION_VALUE}자까지 입력할 수 있습니다.")
            if any(combination.get(f"optionName{n}") for n in range(max(groups, 1) + 1, 5)):
                bad(c, "Size", "옵션명 수보다 많은 옵션값을 입력했습니다.")
            if all(values):
                if values in seen:
                    bad(c, "Duplicate", f"중복된 옵션입니다: {' / '.join(values)}")
                seen.add(values)
            stock = combination.get("stockQuantity", 0)
            if not self._is_int(stock) or not 0 <= stock <= MAX_STOCK:
                bad(f"{c}.stockQuantity", "Range", "재고 수량은 0~99,999,999입니다.")
            extra = combination.get("price", 0)
            price_refused = price_refused or not self._is_int(extra) or bool(extra % 10)
            if not self._is_int(extra):
                bad(f"{c}.price", "Type", "옵션가는 숫자입니다.")
            elif extra % 10:
                bad(f"{c}.price", "Unit", "옵션가는 10원 단위로 입력하세요.")  # [U]
            elif price is not None and not self._surcharge_ok(price, extra):
                price_refused = True
                bad(f"{c}.price", "Range", "옵션가가 허용 범위를 벗어났습니다.")
            elif extra == 0:
                zero_price = True
            if combination.get("usable") is not None and not isinstance(combination["usable"], bool):
                bad(f"{c}.usable", "Type", "true/false")
            option_id = combination.get("id")
            if option_id is not None and str(option_id) not in known_ids:
                bad(f"{c}.id", "NotExist", f"옵션 {option_id}이(가) 이 상품에 없습니다.")
        if not zero_price and not price_refused:
            # [U] Naver's seller centre asks for at least one option priced at the sale price itself.
            bad(f"{i}.optionCombinations", "Range", "옵션가가 0원인 옵션이 1개 이상 있어야 합니다.")

    def _notice_errors(self, notice: Any, bad) -> None:
        n = "originProduct.detailAttribute.productInfoProvidedNotice"
        notice = notice if isinstance(notice, dict) else {}
        notice_type = notice.get("productInfoProvidedNoticeType")
        if notice_type not in NOTICE_TYPES:
            bad(f"{n}.productInfoProvidedNoticeType", "Enum", "상품정보제공고시 타입이 올바르지 않습니다.")
            return
        key, required = NOTICE_TYPES[notice_type]
        fields = notice.get(key)
        if not isinstance(fields, dict):
            bad(f"{n}.{key}", "NotNull", f"{notice_type} 상품정보제공고시({key})를 입력하세요.")
            return
        for field_name in required.split():
            value = fields.get(field_name)
            if field_name in NOTICE_BOOLEAN_FIELDS:
                if not isinstance(value, bool):
                    bad(f"{n}.{key}.{field_name}", "NotNull", "true/false로 입력하세요.")
            elif not self._text(value):
                bad(f"{n}.{key}.{field_name}", "NotBlank", "상품정보제공고시 필수 항목입니다.")

    def _product_refusal(self, errors: list[dict[str, str]]) -> Response:
        return self._product_error(400, "BAD_REQUEST", "잘못된 요청입니다.", errors)

    def _store_options(self, product: dict[str, Any], info: dict[str, Any] | None) -> None:
        """Options as sent: a combination with id keeps it, one without gets a new id; the rest go."""
        options: OrderedDict[str, dict[str, Any]] = OrderedDict()
        names = {}
        for combination in (info or {}).get("optionCombinations") or []:
            option_id = str(combination.get("id") or next(self._option_numbers))
            option = {"id": int(option_id)}
            for n in range(1, MAX_OPTION_GROUPS + 1):
                if combination.get(f"optionName{n}"):
                    option[f"optionName{n}"] = str(combination[f"optionName{n}"]).strip()
            option.update(
                {
                    "stockQuantity": int(combination.get("stockQuantity") or 0),
                    "price": int(combination.get("price") or 0),
                    "sellerManagerCode": str(combination.get("sellerManagerCode") or ""),
                    "usable": combination.get("usable") is not False,
                }
            )
            options[option_id] = option
        if options:
            names = {
                key: str(value).strip()
                for key, value in ((info or {}).get("optionCombinationGroupNames") or {}).items()
                if value
            }
        product["options"] = options
        product["groupNames"] = names

    def _apply_product(self, product: dict[str, Any], body: dict[str, Any], *, creating: bool) -> None:
        origin = copy.deepcopy(body["originProduct"])
        attribute = origin.get("detailAttribute") or {}
        now = self._now()
        if not creating:
            kept = (product.get("body") or {}).get("detailAttribute") or {}
            if "productInfoProvidedNotice" not in attribute and kept.get("productInfoProvidedNotice"):
                attribute["productInfoProvidedNotice"] = kept["productInfoProvidedNotice"]
            for key in ("detailContent",):
                if not origin.get(key):
                    origin[key] = (product.get("body") or {}).get(key)
        self._store_options(product, attribute.get("optionInfo"))
        product["name"] = origin["name"].strip()
        product["salePrice"] = origin["salePrice"]
        if origin.get("leafCategoryId"):
            product["categoryId"] = str(origin["leafCategoryId"])
        product["sellerManagementCode"] = str((attribute.get("sellerCodeInfo") or {}).get("sellerManagementCode") or "")
        if origin.get("stockQuantity") is not None and not product["options"]:
            product["stockQuantity"] = origin["stockQuantity"]
        starts = parse_iso(origin.get("saleStartDate")) if origin.get("saleStartDate") else None
        if self._product_stock(product) == 0:
            product["statusType"] = "OUTOFSTOCK"  # "재고 수량이 0이면 OUTOFSTOCK(품절)으로 저장" [D]
        elif starts is not None and starts > now:
            product["statusType"] = "WAIT"
        else:
            product["statusType"] = origin["statusType"]
        origin["detailAttribute"] = attribute
        product["body"] = origin
        product["channel"] = dict(body.get("smartstoreChannelProduct") or {})
        product["modifiedDate"] = iso(now)
        self._refresh_orderable()

    def register_product(self, request: Request) -> Response:
        body = self._json(request)
        errors = self._product_errors(body, creating=True)
        if errors:
            return self._product_refusal(errors)
        origin_no = str(next(self._origin_numbers))
        product: dict[str, Any] = {
            "originProductNo": origin_no,
            "channelProductNo": str(8_100_000_000 + int(origin_no)),
            "regDate": iso(self._now()),
            "stockQuantity": 0,
        }
        self._apply_product(product, body, creating=True)
        self.products[origin_no] = product
        self._refresh_orderable()
        return json_response(
            200, {"originProductNo": int(origin_no), "smartstoreChannelProductNo": int(product["channelProductNo"])}
        )

    def update_product(self, request: Request, originProductNo: str) -> Response:  # noqa: N803
        product = self.products.get(originProductNo)
        if product is None:
            return self._product_error(404, "NOT_FOUND", "상품이 존재하지 않습니다.")
        body = self._json(request)
        errors = self._product_errors(body, creating=False, product=product)
        if errors:
            return self._product_refusal(errors)
        self._apply_product(product, body, creating=False)
        return json_response(
            200,
            {"originProductNo": int(originProductNo), "smartstoreChannelProductNo": int(product["channelProductNo"])},
        )

    # -- product list ------------------------------------------------------------------------------
    def _search_row(self, product: dict[str, Any]) -> dict[str, Any]:
        body = product.get("body") or {}
        delivery = body.get("deliveryInfo") or {}
        fee = delivery.get("deliveryFee") or {}
        claim = delivery.get("claimDeliveryInfo") or {}
        channel = product.get("channel") or {}
        return {
            "originProductNo": int(product["originProductNo"]),
            "channelProducts": [
                {
                    "originProductNo": int(product["originProductNo"]),
                    "channelProductNo": int(product["channelProductNo"]),
                    "channelServiceType": "STOREFARM",
                    "categoryId": product["categoryId"],
                    "name": product["name"],
                    "sellerManagementCode": product["sellerManagementCode"],
                    "statusType": product["statusType"],
                    "channelProductDisplayStatusType": channel.get("channelProductDisplayStatusType", "ON"),
                    "salePrice": product["salePrice"],
                    "discountedPrice": product["salePrice"],
                    "stockQuantity": self._product_stock(product),
                    "knowledgeShoppingProductRegistration": bool(channel.get("naverShoppingRegistration")),
                    "deliveryAttributeType": delivery.get("deliveryAttributeType", "NORMAL"),
                    "deliveryFee": fee.get("baseFee", 0),
                    "returnFee": claim.get("returnDeliveryFee", 0),
                    "exchangeFee": claim.get("exchangeDeliveryFee", 0),
                    "saleStartDate": body.get("saleStartDate"),
                    "saleEndDate": body.get("saleEndDate"),
                    "regDate": product.get("regDate"),
                    "modifiedDate": product.get("modifiedDate"),
                }
            ],
        }

    def search_products(self, request: Request) -> Response:
        body = self._json(request)
        body = body if isinstance(body, dict) else {}
        page, size = body.get("page", 1), body.get("size", 50)
        errors = []
        if not self._is_int(page) or page < 1:
            errors.append({"name": "page", "type": "Range", "message": "페이지 번호는 1 이상입니다."})
        if not self._is_int(size) or not 1 <= size <= MAX_SEARCH_SIZE:
            errors.append({"name": "size", "type": "Range", "message": "페이지 크기는 1~1000입니다."})
        keyword_type = body.get("searchKeywordType")
        if keyword_type is not None and keyword_type not in SEARCH_KEYWORD_TYPES:
            errors.append(
                {"name": "searchKeywordType", "type": "Enum", "message": "검색 키워드 타입이 올바르지 않습니다."}
            )
        statuses = body.get("productStatusTypes") or []
        if not isinstance(statuses, list) or any(status not in ALL_PRODUCT_STATUSES for status in statuses):
            errors.append(
                {"name": "productStatusTypes", "type": "Enum", "message": "상품 판매 상태가 올바르지 않습니다."}
            )
        if errors:
            return self._product_refusal(errors)
        products = list(self.products.values())
        if keyword_type == "SELLER_CODE":
            code = str(body.get("sellerManagementCode") or "")
            products = [item for item in products if item["sellerManagementCode"] == code]
        if keyword_type == "PRODUCT_NO" or body.get("originProductNos"):
            wanted = {str(number) for number in body.get("originProductNos") or []}
            products = [item for item in products if item["originProductNo"] in wanted]
        if keyword_type == "CHANNEL_PRODUCT_NO" or body.get("channelProductNos"):
            wanted = {str(number) for number in body.get("channelProductNos") or []}
            products = [item for item in products if item["channelProductNo"] in wanted]
        if statuses:
            products = [item for item in products if item["statusType"] in statuses]
        if body.get("orderType", "NO") == "NO":
            products.sort(key=lambda item: int(item["originProductNo"]))
        return self._page_of(products, page, size, "contents", "products", render=self._search_row)

    # -- product images ----------------------------------------------------------------------------
    @staticmethod
    def _multipart_files(request: Request) -> list[tuple[str, str, bytes]] | None:
        """(field name, filename, bytes) of each part; None when the body is not multipart/form-data."""
        content_type = request.header("content-type")
        found = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
        if "multipart/form-data" not in content_type or not found:
            return None
        delimiter = b"--" + found.group(1).encode()
        parts = []
        for chunk in request.body.split(delimiter)[1:]:
            if chunk.startswith(b"--"):
                break
            chunk = chunk.removeprefix(b"\r\n")
            head, _, data = chunk.partition(b"\r\n\r\n")
            data = data.removesuffix(b"\r\n")
            headers = head.decode("utf-8", errors="replace")
            name = re.search(r'name="([^"]*)"', headers)
            filename = re.search(r'filename="([^"]*)"', headers)
            parts.append((name.group(1) if name else "", filename.group(1) if filename else "", data))
        return parts

    def upload_images(self, request: Request) -> Response:
        files = self._multipart_files(request)
        if files is None:
            return self._product_error(415, "UNSUPPORTED_MEDIA_TYPE", "multipart/form-data 형식으로 요청하세요.")
        images = [(filename, data) for name, filename, data in files if name == "imageFiles"]
        if not images:
            return self._product_refusal(
                [{"name": "imageFiles", "type": "NotNull", "message": "업로드할 이미지 파일은 필수입니다."}]
            )
        if len(images) > MAX_UPLOAD_FILES:
            return self._product_refusal(
                [{"name": "imageFiles", "type": "Size", "message": "이미지는 한 번에 10개까지 업로드할 수 있습니다."}]
            )
        urls, errors = [], []
        stamp = f"{self._now().astimezone(KST):%Y%m%d}"
        for index, (filename, data) in enumerate(images):
            extension = next((ext for magic, ext in IMAGE_MAGIC if data.startswith(magic)), None)
            if extension is None:
                errors.append(
                    {
                        "name": f"imageFiles[{index}]",
                        "type": "Format",
                        "message": f"{filename}: JPG, GIF, PNG, BMP만 가능합니다.",
                    }
                )
                continue
            urls.append(f"{IMAGE_HOST}{stamp}_{next(self._ids)}/{self.rng.getrandbits(64):016x}.{extension}")
        if errors:
            return self._product_refusal(errors)
        self.uploaded_images.extend(urls)
        return json_response(200, {"images": [{"url": url} for url in urls]})

    @staticmethod
    def _surcharge_ok(sale_price: int, surcharge: int) -> bool:
        """Option surcharge limits: −50%…+50% of the sale price [U: modelled from Naver's seller-centre rule];
        below 10,000원 the upper bound is +100% and below 2,000원 only 0…+100% [S]."""
        if sale_price < 2000:
            return 0 <= surcharge <= sale_price
        if sale_price < 10000:
            return -sale_price // 2 <= surcharge <= sale_price
        return -sale_price // 2 <= surcharge <= sale_price // 2

    def option_stock(self, request: Request, originProductNo: str) -> Response:  # noqa: N803
        product = self.products.get(originProductNo)
        if product is None:
            return self._product_error(404, "NOT_FOUND", "상품이 존재하지 않습니다.")
        body = self._json(request)
        body = body if isinstance(body, dict) else {}
        option_info = body.get("optionInfo")
        if not isinstance(option_info, dict):
            return self._product_error(
                400,
                "BAD_REQUEST",
                "optionInfo 항목은 필수입니다.",
                [{"name": "optionInfo", "type": "NotNull", "message": "필수 항목입니다."}],
            )
        sale_price = product["salePrice"]
        if "productSalePrice" in body:
            sale_price = (body.get("productSalePrice") or {}).get("salePrice")
            if not isinstance(sale_price, int) or not 10 <= sale_price <= 999_999_990:
                return self._product_error(
                    400,
                    "BAD_REQUEST",
                    "판매가가 올바르지 않습니다.",
                    [
                        {
                            "name": "productSalePrice.salePrice",
                            "type": "Range",
                            "message": "10원 이상 999,999,990원 이하",
                        }
                    ],
                )
        changes = []
        errors = []
        for index, item in enumerate(option_info.get("optionCombinations") or []):
            name = f"optionInfo.optionCombinations[{index}]"
            option = product["options"].get(str((item or {}).get("id")))
            if option is None:
                errors.append(
                    {"name": f"{name}.id", "type": "NotExist", "message": f"옵션 {item.get('id')}이(가) 없습니다."}
                )
                continue
            stock = item.get("stockQuantity")
            if stock is not None and (not isinstance(stock, int) or not 0 <= stock <= 99_999_999):
                errors.append({"name": f"{name}.stockQuantity", "type": "Range", "message": "0~99,999,999"})
            price = item.get("price")
            if price is not None and (not isinstance(price, int) or not self._surcharge_ok(sale_price, price)):
                errors.append(
                    {"name": f"{name}.price", "type": "Range", "message": "옵션가가 허용 범위를 벗어났습니다."}
                )
            usable = item.get("usable")
            if usable is not None and not isinstance(usable, bool):
                errors.append({"name": f"{name}.usable", "type": "Type", "message": "true/false"})
            changes.append((option, item))
        if errors:
            return self._product_error(400, "BAD_REQUEST", "잘못된 요청입니다.", errors)
        product["salePrice"] = sale_price
        for option, item in changes:
            for key in ("stockQuantity", "price", "usable"):
                if item.get(key) is not None:
                    option[key] = item[key]
        return json_response(200, {})

    def change_status(self, request: Request, originProductNo: str) -> Response:  # noqa: N803
        product = self.products.get(originProductNo)
        if product is None:
            return self._product_error(404, "NOT_FOUND", "상품이 존재하지 않습니다.")
        body = self._json(request)
        status = body.get("statusType") if isinstance(body, dict) else None
        if status not in PRODUCT_STATUSES:
            return self._product_error(
                400,
                "BAD_REQUEST",
                "statusType이 올바르지 않습니다.",
                [{"name": "statusType", "type": "Enum", "message": "SALE, SUSPENSION, OUTOFSTOCK"}],
            )
        product["statusType"] = status
        return json_response(200, {})

    # -- address book ----------------------------------------------------------------------------
    def list_addressbooks(self, request: Request) -> Response:
        try:
            page = int(request.arg("page") or 1)
            size = int(request.arg("size") or 100)
        except ValueError:
            return self._bad_request("page/size는 숫자입니다.", "page")
        if page < 1 or not 1 <= size <= 100:
            return self._bad_request("page ≥ 1, size 1~100입니다.", "page")
        rows = list(self.addressbooks.values())
        pages = max(1, -(-len(rows) // size))
        return json_response(
            200,
            {
                "addressBooks": rows[(page - 1) * size : page * size],
                "page": page,
                "size": size,
                "totalElements": len(rows),
                "totalPages": pages,
            },
        )

    def get_addressbook(self, request: Request, addressBookNo: str) -> Response:  # noqa: N803
        item = self.addressbooks.get(addressBookNo)
        if item is None:
            return json_response(404, self._error_body("NOT_FOUND", "주소록을 찾을 수 없습니다."))
        return json_response(200, item)

    def _addressbook_errors(self, body: Any) -> list[dict[str, str]]:
        if not isinstance(body, dict):
            return [{"name": "body", "type": "NotNull", "message": "본문이 없습니다."}]
        errors = [
            {"name": name, "type": "NotBlank", "message": "필수 항목입니다."}
            for name in ("name", "postalCode", "baseAddress", "phoneNumber1")
            if not str(body.get(name) or "").strip()
        ]
        if body.get("addressType") not in ADDRESS_TYPES:
            errors.append({"name": "addressType", "type": "Enum", "message": "RELEASE, REFUND_OR_EXCHANGE"})
        return errors

    def _addressbook_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        keys = ("name", "addressType", "postalCode", "baseAddress", "detailAddress", "phoneNumber1", "phoneNumber2")
        return {**{key: body.get(key) or "" for key in keys}, "overseas": bool(body.get("overseas"))}

    def create_addressbook(self, request: Request) -> Response:
        body = self._json(request)
        errors = self._addressbook_errors(body)
        if errors:
            return json_response(400, self._error_body("BAD_REQUEST", "잘못된 요청입니다.", errors))
        number = self._next_addressbook
        self._next_addressbook += 1
        self.addressbooks[str(number)] = {"addressBookNo": number, **self._addressbook_fields(body), "isDefault": False}
        return json_response(200, {"addressBookNo": number})

    def update_addressbook(self, request: Request, addressBookNo: str) -> Response:  # noqa: N803
        item = self.addressbooks.get(addressBookNo)
        if item is None:
            return json_response(404, self._error_body("NOT_FOUND", "주소록을 찾을 수 없습니다."))
        body = self._json(request)
        errors = self._addressbook_errors(body)
        if errors:
            return json_response(400, self._error_body("BAD_REQUEST", "잘못된 요청입니다.", errors))
        item.update(self._addressbook_fields(body))
        return json_response(200, {"addressBookNo": item["addressBookNo"]})

    # -- settlements -----------------------------------------------------------------------------
    def _settle_page(self, request: Request, rows: list[dict[str, Any]], cache_key: str) -> Response:
        try:
            page = int(request.arg("pageNumber") or 1)
            size = int(request.arg("pageSize") or 1000)
        except ValueError:
            return self._bad_request("pageNumber/pageSize는 숫자입니다.", "pageNumber")
        if page < 1 or not 1 <= size <= 1000:
            return self._bad_request("pageNumber ≥ 1, pageSize 1~1000입니다.", "pageSize")
        pages = max(1, -(-len(rows) // size))
        chunk = rows[(page - 1) * size : page * size]
        served = self.faults.repeat(self._previous_page_rows.get(cache_key, []), chunk) if page > 1 else chunk
        self._previous_page_rows[cache_key] = chunk
        pagination = {"page": page, "size": size, "totalElements": len(rows), "totalPages": pages}
        return json_response(200, {"elements": served, "pagination": pagination})

    def settle_case(self, request: Request) -> Response:
        day = parse_day(request.arg("searchDate"))
        period = request.arg("periodType") or ""
        if day is None:
            return self._bad_request("searchDate(yyyy-MM-dd) 항목은 필수입니다.", "searchDate")
        if period not in SETTLE_PERIOD_FIELDS:
            return self._bad_request("periodType이 올바르지 않습니다.", "periodType")
        field_name = SETTLE_PERIOD_FIELDS[period]
        rows = [item for item in self.settlements if item.get(field_name) == day.isoformat()]
        return self._settle_page(request, rows, "settle_case")

    def settle_daily(self, request: Request) -> Response:
        start, end = parse_day(request.arg("startDate")), parse_day(request.arg("endDate"))
        if start is None or end is None or end < start:
            return self._bad_request("startDate, endDate(yyyy-MM-dd)를 확인하세요.", "startDate")
        if (end - start).days > 30:
            return self._bad_request("조회 기간은 최대 1개월입니다.", "endDate")
        totals: dict[str, dict[str, Any]] = {}
        for item in self.settlements:
            basis = item["settleBasisDate"]
            if not start.isoformat() <= basis <= end.isoformat():
                continue
            row = totals.setdefault(
                basis,
                {
                    "settleBasisStartDate": basis,
                    "settleBasisEndDate": basis,
                    "settleExpectDate": item["settleExpectDate"],
                    "settleCompleteDate": None,
                    "paySettleAmount": 0,
                    "commissionSettleAmount": 0,
                    "benefitSettleAmount": 0,
                    "settleAmount": 0,
                },
            )
            row["paySettleAmount"] += item["paySettleAmount"]
            row["commissionSettleAmount"] += item["totalPayCommissionAmount"] + item["sellingInterlockCommissionAmount"]
            row["settleAmount"] += item["settleExpectAmount"]
        return self._settle_page(request, [totals[key] for key in sorted(totals)], "settle_daily")
