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

Shapes the reference does not spell out (token error codes, list envelopes of Q&A / inquiries /
address book / settlements, option-stock partial-update semantics) are marked [U]; the adapter and
the fixtures use the same shapes.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hmac
import itertools
import re
import threading
import time
from collections import Counter, OrderedDict, deque
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
        super().__init__(faults=faults, clock=clock, seed=seed)
        self._seed_catalog()
        self._seed_addressbooks()

    # -- setup -----------------------------------------------------------------------------------
    def _seed_catalog(self) -> None:
        for product in fake.catalog("NV-", 5_000_000):
            base = min(option.price for option in product.options)
            self.products[product.product_id] = {
                "originProductNo": product.product_id,
                "channelProductNo": str(8_100_000_000 + int(product.product_id)),
                "name": product.name,
                "sellerManagementCode": product.seller_code,
                "statusType": "SALE",
                "salePrice": base,
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
        self._all_options = [
            (origin, option_id) for origin, product in self.products.items() for option_id in product["options"]
        ]

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
            if "json" in request.header("content-type"):
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
                option_name=f"옵션: {option['optionName1']}",
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
        total = len(rows)
        pages = max(1, -(-total // size))
        chunk = rows[(page - 1) * size : page * size]
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

    def origin_product(self, request: Request, originProductNo: str) -> Response:  # noqa: N803
        product = self.products.get(originProductNo)
        if product is None:
            return self._product_error(404, "NOT_FOUND", "상품이 존재하지 않습니다.")
        return json_response(
            200,
            {
                "originProduct": {
                    "statusType": product["statusType"],
                    "saleType": "NEW",
                    "name": product["name"],
                    "salePrice": product["salePrice"],
                    "stockQuantity": sum(
                        option["stockQuantity"] for option in product["options"].values() if option["usable"]
                    ),
                    "detailAttribute": {
                        "sellerCodeInfo": {"sellerManagementCode": product["sellerManagementCode"]},
                        "optionInfo": {
                            "optionCombinationGroupNames": {"optionGroupName1": "옵션"},
                            "optionCombinations": [dict(option) for option in product["options"].values()],
                            "useStockManagement": True,
                        },
                    },
                },
                "smartstoreChannelProduct": {"channelProductNo": int(product["channelProductNo"])},
            },
        )

    @staticmethod
    def _surcharge_ok(sale_price: int, surcharge: int) -> bool:
        """Option surcharge limits [S]: <2,000원 0~+100%, <10,000원 -50~+100%, else -50~+50%."""
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
