"""The channel-neutral interface every marketplace adapter implements.

Modules (orders, catalog, cs, settlement …) only ever see the dataclasses and errors defined here;
a marketplace's field names, enums and envelopes stay inside its own package
(``integrations/channels/<marketplace>/``: auth.py, client.py, mapper.py, adapter.py).

Conventions
- Times are timezone-aware datetimes (adapters convert the channel's KST strings); money is int KRW.
- Lists that a channel pages are fetched for a ``Window`` and yielded page by page (``Page``), so
  the sync engine can show progress and commit page by page; an adapter splits a window into the
  channel's legal sub-windows itself (Coupang 31 days/one status per call, 11번가 7 days …).
- ``raw`` keeps the channel's own record (JSON-able) for audit and for fields we do not model.
- ``ref`` dicts are opaque keys an adapter needs later for actions on the same object (e.g. 11번가
  ordNo/ordPrdSeq/dlvNo); modules store them and hand them back untouched.
- Unknown enum values never raise: the record is returned with state UNKNOWN and a flag in
  ``flags`` ("unknown_status:XYZ"), so a sync run can store it raw and carry on.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

# ---------------------------------------------------------------------------------------------
# Marketplaces, capabilities, neutral enums
# ---------------------------------------------------------------------------------------------


class Marketplace(StrEnum):
    COUPANG = "coupang"
    NAVER = "naver"
    ELEVENST = "elevenst"
    WEMAKEPRICE = "wemakeprice"  # Excel only (no API adapter yet)


class Capability(StrEnum):
    VERIFY = "verify"
    ORDERS = "orders"
    ACKNOWLEDGE = "acknowledge"
    INVOICE_UPLOAD = "invoice_upload"
    INVOICE_UPDATE = "invoice_update"
    SELLER_CANCEL = "seller_cancel"
    CLAIMS = "claims"
    CLAIM_APPROVE = "claim_approve"
    CLAIM_REJECT = "claim_reject"
    INQUIRIES = "inquiries"
    INQUIRY_ANSWER = "inquiry_answer"
    STOCK_PUSH = "stock_push"
    PRICE_PUSH = "price_push"
    SALE_STATUS_PUSH = "sale_status_push"
    TEMPLATES_PULL = "templates_pull"
    TEMPLATES_PUSH = "templates_push"
    SETTLEMENTS = "settlements"
    LISTING_CREATE = "listing_create"  # register a product (상품 등록)
    LISTING_UPDATE = "listing_update"  # full update of a registered product (상품 수정)
    LISTINGS_PULL = "listings_pull"  # read the store's existing products (상품 가져오기)


class LineState(StrEnum):
    """Fulfilment state of one order line (shared/reference/channels.md §9.2)."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"  # new, to acknowledge (발주확인 대기)
    ACKNOWLEDGED = "acknowledged"  # 발주확인 / 상품준비중
    SHIPPED = "shipped"  # invoice registered at the channel
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    PURCHASE_CONFIRMED = "purchase_confirmed"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    EXCHANGED = "exchanged"
    UNKNOWN = "unknown"


class ClaimType(StrEnum):
    CANCEL = "cancel"
    RETURN = "return"
    EXCHANGE = "exchange"


class ClaimState(StrEnum):
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"  # collecting, received, held
    COMPLETED = "completed"
    REJECTED_BY_SELLER = "rejected_by_seller"
    WITHDRAWN_BY_BUYER = "withdrawn_by_buyer"
    UNKNOWN = "unknown"


class CourierCode(StrEnum):
    """Neutral courier codes; each adapter maps them to the channel's own (data, not code)."""

    CJ = "CJ"
    HANJIN = "HANJIN"
    LOTTE = "LOTTE"
    EPOST = "EPOST"
    LOGEN = "LOGEN"
    KDEXP = "KDEXP"
    DAESIN = "DAESIN"
    ILYANG = "ILYANG"
    CHUNIL = "CHUNIL"
    HAPDONG = "HAPDONG"
    GS_POSTBOX = "GS_POSTBOX"
    CU_POST = "CU_POST"
    NONGHYUP = "NONGHYUP"
    WOORI = "WOORI"
    DIRECT = "DIRECT"  # seller's own delivery, untracked
    OTHER = "OTHER"


COURIER_NAMES_KO: dict[CourierCode, str] = {
    CourierCode.CJ: "CJ대한통운",
    CourierCode.HANJIN: "한진택배",
    CourierCode.LOTTE: "롯데택배",
    CourierCode.EPOST: "우체국택배",
    CourierCode.LOGEN: "로젠택배",
    CourierCode.KDEXP: "경동택배",
    CourierCode.DAESIN: "대신택배",
    CourierCode.ILYANG: "일양로지스",
    CourierCode.CHUNIL: "천일택배",
    CourierCode.HAPDONG: "합동택배",
    CourierCode.GS_POSTBOX: "GS Postbox(CVSnet)",
    CourierCode.CU_POST: "CU 편의점택배",
    CourierCode.NONGHYUP: "농협택배",
    CourierCode.WOORI: "우리택배(구 호남)",
    CourierCode.DIRECT: "업체직송",
    CourierCode.OTHER: "기타",
}


class TemplateKind(StrEnum):
    DELIVERY = "delivery"
    OUTBOUND_ADDRESS = "outbound_address"  # 출고지
    RETURN_ADDRESS = "return_address"  # 반품지/교환지
    DISPATCH_DEADLINE = "dispatch_deadline"  # 발송마감 (11번가)


class TaxType(StrEnum):
    TAXABLE = "taxable"  # 과세
    TAX_FREE = "tax_free"  # 면세
    ZERO_RATED = "zero_rated"  # 영세


class ShippingFeeType(StrEnum):
    FREE = "free"  # 무료
    FIXED = "fixed"  # 유료 (고정)
    CONDITIONAL = "conditional"  # 조건부 무료: free from ``free_threshold`` won
    PER_QUANTITY = "per_quantity"  # 수량별: the fee repeats every ``per_quantity`` items


class ListingState(StrEnum):
    """Where a listing stands at the channel, whatever the channel calls it."""

    DRAFT = "draft"  # not sent yet
    PENDING_APPROVAL = "pending_approval"  # sent, the channel reviews it (Coupang 승인대기)
    ON_SALE = "on_sale"
    SUSPENDED = "suspended"  # 판매중지 by the seller
    SOLD_OUT = "sold_out"
    REJECTED = "rejected"  # the channel refused it (Coupang 승인반려)
    ENDED = "ended"  # sale period over or deleted at the channel
    UNKNOWN = "unknown"


class InquiryKind(StrEnum):
    PRODUCT_QNA = "product_qna"
    CUSTOMER = "customer"  # 1:1 / call-center inquiries


# ---------------------------------------------------------------------------------------------
# Errors (translated at the adapter boundary; tasks retry only what is retryable)
# ---------------------------------------------------------------------------------------------


class ChannelError(Exception):
    """Base of every error an adapter raises. ``str()`` is a message fit for the admin."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        status: int | None = None,
        request_id: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id


class AuthFailed(ChannelError):
    """Credentials refused (bad key, signature, clock, token, caller IP). Stop until they change."""


class RateLimited(ChannelError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Retryable(ChannelError):
    """Timeouts, 5xx, malformed bodies: worth another try later."""

    retryable = True


class Rejected(ChannelError):
    """The channel understood and refused (bad parameter, wrong state); ``code`` is the channel's."""


class NotSupported(ChannelError):
    """The channel has no API for this capability."""


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Half-open time range [start, end) of a fetch; both timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window needs timezone-aware datetimes")
        if self.end < self.start:
            raise ValueError("Window ends before it starts")


T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a paged fetch; ``label`` says where it came from (for progress and errors)."""

    items: list[T]
    label: str = ""
    request_id: str = ""


@dataclass(frozen=True)
class Person:
    name: str = ""
    phone: str = ""
    email: str = ""
    channel_member_id: str = ""


@dataclass(frozen=True)
class Address:
    name: str = ""
    phone1: str = ""
    phone2: str = ""
    zip_code: str = ""
    address1: str = ""
    address2: str = ""


@dataclass
class ChannelOrderLine:
    line_id: str  # unit of claims: Coupang orderId+vendorItemId, Naver productOrderId, 11번가 ordNo+ordPrdSeq
    shipment_id: str  # unit of invoice: Coupang shipmentBoxId, Naver packageNumber, 11번가 dlvNo
    product_id: str = ""
    option_id: str = ""  # Coupang vendorItemId, Naver optionCode, 11번가 prdStckNo
    seller_code: str = ""  # the seller's own code on the listing/option
    product_name: str = ""
    option_name: str = ""
    quantity: int = 0
    unit_price: int = 0
    discount: int = 0
    line_amount: int = 0  # what the buyer paid for the line
    shipping_fee: int = 0
    state: LineState = LineState.UNKNOWN
    channel_status: str = ""
    claim_type: ClaimType | None = None
    claim_state: ClaimState | None = None
    claim_id: str = ""
    expected_ship_date: date | None = None
    courier: CourierCode | None = None
    tracking_number: str = ""
    ref: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChannelOrder:
    order_id: str
    ordered_at: datetime | None
    paid_at: datetime | None = None
    buyer: Person = field(default_factory=Person)
    receiver: Address = field(default_factory=Address)
    delivery_message: str = ""
    shipping_fee: int = 0
    total_amount: int = 0
    lines: list[ChannelOrderLine] = field(default_factory=list)
    ref: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChannelClaim:
    claim_id: str
    claim_type: ClaimType
    state: ClaimState
    channel_status: str
    order_id: str
    line_ids: list[str] = field(default_factory=list)
    quantity: int = 0
    reason: str = ""
    reason_detail: str = ""
    requested_at: datetime | None = None
    completed_at: datetime | None = None
    ref: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChannelInquiry:
    inquiry_id: str
    kind: InquiryKind
    content: str
    created_at: datetime | None
    title: str = ""
    author: str = ""
    product_id: str = ""
    product_name: str = ""
    order_id: str = ""
    answered: bool = False
    answer: str = ""
    answered_at: datetime | None = None
    ref: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SettlementLine:
    settlement_id: str  # unique per store: the channel's id or a composed key
    kind: str  # SALE / REFUND / FEE / ADJUSTMENT … (channel wording kept in raw)
    order_id: str = ""
    line_id: str = ""
    recognized_on: date | None = None
    settle_on: date | None = None
    sale_amount: int = 0
    commission: int = 0
    settlement_amount: int = 0
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChannelTemplate:
    """Delivery, address-book (출고지/반품지) and dispatch-deadline (발송마감) templates."""

    kind: TemplateKind
    name: str
    template_id: str = ""  # empty = not yet at the channel
    address: Address | None = None
    overseas: bool = False
    fields: dict[str, Any] = field(default_factory=dict)  # kind-specific settings
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LineRef:
    """Points an action at order lines; ``ref`` is the opaque dict the adapter gave with the line."""

    order_id: str
    line_id: str
    shipment_id: str = ""
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InvoiceUpload:
    line: LineRef  # for shipment-based channels any line of the shipment
    courier: CourierCode
    tracking_number: str
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class StockChange:
    option_id: str
    quantity: int
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PriceChange:
    option_id: str  # or product id where the channel prices per product (11번가)
    price: int
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SaleStatusChange:
    option_id: str
    on_sale: bool
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass
class ListingImage:
    """An image of a listing: channels that fetch by URL take ``url``; channels that want an
    upload first (Naver) take ``content`` and give back their own URL."""

    url: str
    content: bytes | None = None
    filename: str = ""


@dataclass
class ListingShipping:
    fee_type: ShippingFeeType = ShippingFeeType.FREE
    fee: int = 0
    free_threshold: int = 0  # CONDITIONAL: free from this order amount
    per_quantity: int = 0  # PER_QUANTITY: one fee per this many items
    jeju_fee: int = 0  # extra for 제주
    remote_fee: int = 0  # extra for 도서산간 outside Jeju
    return_fee: int = 0  # one-way return fee (반품배송비 편도)
    exchange_fee: int = 0  # round-trip exchange fee (교환배송비 왕복)
    courier: CourierCode = CourierCode.CJ
    lead_days: int = 2  # 출고 소요일
    outbound_template_id: str = ""  # the channel's 출고지 id
    return_template_id: str = ""  # the channel's 반품지 id
    delivery_template_id: str = ""  # the channel's delivery/shipping template id, where it has one
    return_address: Address | None = None


@dataclass
class ListingOptionDraft:
    seller_code: str  # our SKU code: the key that ties the channel's option back to the SKU
    values: tuple[str, ...] = ()  # one value per option name, in ``ListingDraft.option_names`` order
    extra_price: int = 0
    stock: int = 0
    on_sale: bool = True
    barcode: str = ""
    option_id: str = ""  # the channel's option id when already registered


@dataclass
class ListingDraft:
    """Everything a channel needs to register or fully update one product (채널상품)."""

    seller_code: str  # our product code (판매자 상품코드)
    name: str  # the name for this channel
    category_id: str  # the channel's own category id
    sale_price: int
    market_price: int = 0  # 정가 (0: none)
    option_names: tuple[str, ...] = ()
    options: list[ListingOptionDraft] = field(default_factory=list)  # empty: a product without options
    stock: int = 0  # stock of a product without options
    brand: str = ""
    maker: str = ""
    model: str = ""
    origin: str = ""  # free text, e.g. "국산" / "중국"
    tax_type: TaxType = TaxType.TAXABLE
    adult_only: bool = False
    keywords: tuple[str, ...] = ()
    detail_html: str = ""
    main_image: ListingImage | None = None
    extra_images: list[ListingImage] = field(default_factory=list)
    max_per_order: int = 0  # 0: no limit
    max_per_person: int = 0
    sale_start: datetime | None = None
    sale_end: datetime | None = None
    shipping: ListingShipping = field(default_factory=ListingShipping)
    as_phone: str = ""
    as_info: str = ""
    notice_category: str = ""  # our 상품정보제공고시 category key (modules.catalog.notice)
    notice_fields: dict[str, str] = field(default_factory=dict)  # our notice item key (or label) -> value
    certifications: list[dict[str, str]] = field(default_factory=list)  # {"kind","number"}
    channel_product_id: str = ""  # set for an update
    extra: dict[str, Any] = field(default_factory=dict)  # channel-specific settings


@dataclass
class ListingResult:
    """The channel's answer to a register/update: its product id and an option id per seller code."""

    ok: bool
    channel_product_id: str = ""
    option_ids: dict[str, str] = field(default_factory=dict)  # our seller code -> channel option id
    state: ListingState = ListingState.UNKNOWN
    code: str = ""
    message: str = ""
    retryable: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChannelListingOption:
    option_id: str
    seller_code: str = ""
    values: tuple[str, ...] = ()
    price: int = 0  # the option's full sale price (sale price + extra)
    extra_price: int = 0
    stock: int = 0
    on_sale: bool = True


@dataclass
class ChannelListing:
    """A product as it exists at the channel (pulled, for matching and migration)."""

    product_id: str
    name: str
    seller_code: str = ""
    state: ListingState = ListingState.UNKNOWN
    channel_status: str = ""
    sale_price: int = 0
    market_price: int = 0
    category_id: str = ""
    option_names: tuple[str, ...] = ()
    options: list[ChannelListingOption] = field(default_factory=list)
    ref: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemResult:
    """Outcome of one item of a bulk action, with the channel's own code and message."""

    key: str
    ok: bool
    code: str = ""
    message: str = ""
    retryable: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class VerifyResult:
    ok: bool
    message: str
    code: str = ""


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str  # Korean label for the store form
    secret: bool = True
    help_text: str = ""
    required: bool = True


@dataclass(frozen=True)
class RateLimit:
    """Token bucket: ``rate`` requests per second, bursts up to ``burst``."""

    rate: float
    burst: int


@dataclass
class ChannelConfig:
    """Everything an adapter needs for one store."""

    store_key: str  # stable key for rate limiting and token caches (e.g. "store:12")
    base_url: str
    credentials: dict[str, str]
    timeout: float = 15.0
    max_retries: int = 4
    transport: Any = None  # an httpx transport; the sandbox's in tests
    rate_limit: RateLimit | None = None  # overrides the adapter's published limit (in-process tests, bench)
    backoff_base: float = 0.5  # seconds; tests against a faulty sandbox set it near 0


# ---------------------------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------------------------


class ChannelAdapter(abc.ABC):
    """One marketplace. Unsupported capabilities raise NotSupported (and are absent from ``capabilities``)."""

    marketplace: ClassVar[Marketplace]
    display_name: ClassVar[str]
    default_base_url: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    credential_fields: ClassVar[tuple[CredentialField, ...]]
    rate_limit: ClassVar[RateLimit]
    # Longest window one fetch may cover in a single request/cursor run, per kind.
    max_window_days: ClassVar[dict[str, int]] = {}
    # Largest batch the channel takes for bulk actions.
    batch_sizes: ClassVar[dict[Capability, int]] = {}

    def __init__(self, config: ChannelConfig):
        self.config = config

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Releases HTTP connections; adapters holding a client override it."""

    # -- connection
    @abc.abstractmethod
    def verify(self) -> VerifyResult: ...

    # -- orders
    def fetch_orders(self, window: Window) -> Iterator[Page[ChannelOrder]]:
        raise NotSupported("orders")

    def acknowledge(self, lines: Sequence[LineRef]) -> list[ItemResult]:
        raise NotSupported("acknowledge")

    def upload_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        raise NotSupported("invoice upload")

    def update_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        raise NotSupported("invoice update")

    def cancel_by_seller(self, line: LineRef, *, reason: str, detail: str = "", quantity: int = 0) -> ItemResult:
        raise NotSupported("seller cancel")

    # -- claims
    def fetch_claims(self, window: Window) -> Iterator[Page[ChannelClaim]]:
        raise NotSupported("claims")

    # Some channels need more to settle a claim (11번가: the invoice of an exchange re-shipment or
    # of a cancel refused by shipping anyway): adapters take those as keyword ``options``
    # (courier=, tracking_number=, shipped_at=, reason_code=) and say so in their docstrings.
    def approve_claim(self, claim: ChannelClaim, **options: Any) -> ItemResult:
        raise NotSupported("claim approve")

    def reject_claim(self, claim: ChannelClaim, *, reason: str, **options: Any) -> ItemResult:
        raise NotSupported("claim reject")

    # -- inquiries
    def fetch_inquiries(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        raise NotSupported("inquiries")

    def answer_inquiry(self, inquiry: ChannelInquiry, *, text: str) -> ItemResult:
        raise NotSupported("inquiry answer")

    # -- listings
    def create_listing(self, draft: ListingDraft) -> ListingResult:
        raise NotSupported("listing create")

    def update_listing(self, draft: ListingDraft) -> ListingResult:
        """Full update of ``draft.channel_product_id``; options matched by seller code."""
        raise NotSupported("listing update")

    def fetch_listings(self) -> Iterator[Page[ChannelListing]]:
        """Every product of the store, page by page (for 상품 가져오기 and matching)."""
        raise NotSupported("listings pull")

    def push_stock(self, changes: Sequence[StockChange]) -> list[ItemResult]:
        raise NotSupported("stock push")

    def push_prices(self, changes: Sequence[PriceChange]) -> list[ItemResult]:
        raise NotSupported("price push")

    def push_sale_status(self, changes: Sequence[SaleStatusChange]) -> list[ItemResult]:
        raise NotSupported("sale status push")

    # -- templates
    def pull_templates(self, kind: TemplateKind) -> list[ChannelTemplate]:
        raise NotSupported("templates pull")

    def push_template(self, template: ChannelTemplate) -> ItemResult:
        raise NotSupported("templates push")

    # -- settlement
    def fetch_settlements(self, window: Window) -> Iterator[Page[SettlementLine]]:
        raise NotSupported("settlements")
