"""11번가 Open API simulator (channels.md §3 and §9.5): XML in EUC-KR, ``openapikey`` only, state changes
as GETs with every parameter in the path, per-line acknowledgement, shipping by bundle (dlvNo).

What it reproduces
- Paths under ``/rest`` (also accepted without the prefix, for a base URL of just host:port).
- Auth: the ``openapikey`` header must be one of the accounts' keys; otherwise an HTTP 200 XML error
  ``result_code -997`` "인증키가 올바르지 않습니다." — code, text and HTTP status are [U].
- Responses: ``<?xml version="1.0" encoding="euc-kr" standalone="yes"?>``, ``Content-Type:
  text/xml;charset=EUC-KR``, bodies encoded EUC-KR (characters outside it as numeric references).
  Request bodies are read as EUC-KR or UTF-8, whichever the Content-Type declares (the reference
  records a conflict about which one 11번가 requires, so we accept both).
- Lists (orders, claims) take 'yyyyMMddHHmm' windows of at most 7 days (longer → -1002 [U]); the
  end minute is included; no paging. One row ⇒ one element, many ⇒ repeated elements, none ⇒ only
  ``result_code 0``. Each state list holds the lines currently in that state, filtered by the time
  the line entered it (paid / acknowledged / shipped / delivered / confirmed) [U].
- Faults: the core's knobs; a 429 answers ``004 overedTraffic``; "repeated rows" prepend rows of
  the previous response of the same list (11번가 does not page, so the glitch spans calls).
- Products: registration (POST /prodservices/product), full update (PUT /prodservices/product/{prdNo}),
  read (GET /prodmarketservice/prodmarket/{prdNo}), stock read with one prdStckNo per option
  (GET /prodmarketservice/prodmarket/stck/{prdNo}) and the product list (POST /prodmarketservice/prodmarket
  with <SearchProduct> start/limit [U]). Bodies are validated as 11번가 states its rules (see "products"
  below) and refused with ClientMessage resultCode 500 + a Korean message. A registered product joins
  the catalogue: its options take stock/price/sale-status pushes, show in the list and get ordered.
- Time moves orders on: shipped lines are delivered 2 days after sendDt and purchase-confirmed 7 days
  later (lazily, by ``now()``), unless a claim froze them. Settlements derive from confirmations.

Error codes: -3308, -3309, -3313 and 004 are from the reference [S]; every other code and all the
texts are ours [U] (see ERRORS).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, deque
from datetime import date, datetime, timedelta
from typing import Any

from defusedxml.ElementTree import fromstring

from . import fake
from .core import KST, Faults, Request, Response, SandboxApp

NS = "http://skt.tmall.business.openapi.spring.service.client.domain/"
XML_DECL = '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>'
DEMO_CREDENTIALS = {"api_key": "11st0demo0openapikey000000000000"}

DELIVERY_AFTER = timedelta(days=2)
CONFIRM_AFTER = timedelta(days=7)
MAX_LIST_WINDOW = timedelta(days=7)
MAX_SETTLEMENT_DAYS = 31  # [U]
LIST_STATS = ("202", "301", "401", "501", "901")
ORDER_LIST_PATHS = {
    "complete": "202",
    "packaging": "301",
    "shipping": "401",
    "dlvcompleted": "501",
    "completed": "901",
}
CLAIM_LIST_PATHS = {
    "cancelorders": ("cancel", {"01"}),
    "canceledorders": ("cancel", {"02"}),
    "withdrawcanceledorders": ("cancel", {"04"}),
    "returnorders": ("return", {"105", "104", "109"}),
    "returnedorders": ("return", {"106"}),
    "retractretorders": ("return", {"108"}),
    "exchangeorders": ("exchange", {"201", "212", "214"}),
    "exchangedorders": ("exchange", {"221"}),
    "retractexcorders": ("exchange", {"233"}),
}
CLAIM_PREFIX = {"cancel": "C", "return": "R", "exchange": "E"}
WITHDRAWN = {"cancel": "04", "return": "108", "exchange": "233"}
COURIERS = {"00034", "00011", "00012", "00007", "00002", "00037", "00099"}
SELLER_CANCEL_CODES = {"06", "07", "08", "09", "10", "99"}
BUYER_REASONS = {  # [U]
    "cancel": [("00", "구매 의사 취소"), ("01", "색상/사이즈 변경"), ("02", "다른 상품 잘못 주문")],
    "return": [("101", "단순 변심"), ("102", "상품 불량"), ("103", "오배송")],
    "exchange": [("201", "사이즈 교환"), ("202", "색상 교환"), ("203", "상품 불량")],
}
QNA_SAMPLES = [
    ("01", "상품", "사이즈 문의", "평소 M 입는데 어떤 사이즈가 맞을까요?"),
    ("02", "배송", "배송 문의", "오늘 주문하면 언제 출고되나요?"),
    ("02", "배송", "출고 일정", "제주도도 배송되나요? 추가 배송비가 있나요?"),
    ("03", "반품/교환", "교환 가능 여부", "색상 교환 가능한가요?"),
    ("01", "상품", "재입고 문의", "품절된 색상 재입고 예정이 있나요?"),
]

# code → text. [S] where the reference names the code, [U] otherwise.
ERRORS = {
    "auth": ("-997", "인증키가 올바르지 않습니다."),  # [U]
    "auth_missing": ("-997", "인증키(openapikey)가 없습니다."),  # [U]
    "quota": ("004", "overedTraffic"),  # [S]
    "server": ("-9999", "시스템 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."),  # [U]
    "no_api": ("-9998", "존재하지 않는 API입니다."),  # [U]
    "bad_date": ("-1001", "조회 일시 형식이 올바르지 않습니다."),  # [U]
    "long_window": ("-1002", "조회 기간은 최대 7일까지 가능합니다."),  # [U]
    "reversed": ("-1003", "조회 시작일시가 종료일시보다 늦습니다."),  # [U]
    "bad_param": ("-1004", "요청 파라미터가 올바르지 않습니다."),  # [U]
    "bad_body": ("-2001", "요청 XML을 해석할 수 없습니다."),  # [U]
    "addr_invalid": ("-2101", "주소 정보가 올바르지 않습니다."),  # [U]
    "addr_missing": ("-2102", "주소 정보가 존재하지 않습니다."),  # [U]
    "no_order": ("-3200", "주문 정보가 존재하지 않습니다."),  # [U]
    "mismatch": ("-3201", "요청 값이 주문 정보와 일치하지 않습니다."),  # [U]
    "already_ack": ("-3202", "이미 발주확인된 주문입니다."),  # [U]
    "ack_state": ("-3203", "발주확인할 수 없는 주문 상태입니다."),  # [U]
    "cancel_requested": ("-3204", "취소 요청된 주문입니다. 취소 요청을 먼저 처리하세요."),  # [U]
    "no_dlv": ("-3300", "배송번호가 존재하지 않습니다."),  # [U]
    "bad_method": ("-3304", "배송방법 코드가 올바르지 않습니다."),  # [U]
    "bad_courier": ("-3305", "택배사 코드가 올바르지 않습니다."),  # [U]
    "bad_invoice": ("-3306", "송장번호가 올바르지 않습니다."),  # [U]
    "bad_send_dt": ("-3307", "발송일시 형식이 올바르지 않습니다."),  # [U]
    "bundle_shipped": ("-3308", "같은 묶음배송(배송번호)으로 이미 발송처리되었습니다."),  # [S] code
    "delivered": ("-3309", "이미 배송완료된 주문입니다."),  # [S] code
    "nothing_to_ship": ("-3313", "발송처리할 내역이 없습니다."),  # [S] code
    "bad_reason": ("-3401", "취소 사유 코드가 올바르지 않습니다."),  # [U]
    "cannot_cancel": ("-3402", "판매불가 처리할 수 없는 주문 상태입니다."),  # [U]
    "no_claim": ("-3500", "클레임 정보가 존재하지 않습니다."),  # [U]
    "claim_state": ("-3501", "처리할 수 없는 클레임 상태입니다."),  # [U]
}

# -- products (상품 등록/수정/조회) ---------------------------------------------------------------
# Rules as 11번가's guide states them [S] (name 100 bytes, sale price in 10-won steps under 1 billion,
# option price between -50% and +100% of the sale price with at least one 0-won option, option value
# 50 bytes without ' " % & < > # † ,, option name 40 bytes, stock 0 only on a 품절 option, at most three
# option names, 조건부 무료 not bundled, price changes at most +50%/-80% per update, notice values at
# most 50 characters). Fewer than 100 option combinations, the list's paging (start/limit) and every
# message text not quoted from a refusal are ours [U]. Refusals answer ClientMessage resultCode 500.
SEED_CATEGORY = "1011608"  # a leaf category for the seeded catalogue (demo value)
PRODUCT_NAME_BYTES = 100
PRICE_LIMIT = 1_000_000_000
MAX_OPTIONS = 100  # combinations must stay below this
OPTION_VALUE_BYTES = 50
OPTION_TITLE_BYTES = 40
OPTION_FORBIDDEN = set("'\"%&<>#†,")
MAX_OPTION_NAMES = 3
MAX_LIST_LIMIT = 500
FEE_TYPES = {"01", "02", "03", "04", "05"}
SALE_STATUS_NAMES = {"103": "판매중", "104": "품절", "105": "판매중지", "106": "판매종료"}
CERT_GROUP_OBJECTS = {"01": {"01", "02", "03"}, "02": {"01", "03"}, "03": {"01", "03"}, "04": {"04", "05"}}
CERT_TYPES = {
    "01": {"101", "102", "103", "104", "123", "124", "127", "132"},
    "02": {"128", "129", "130", "134"},
    "03": {"105", "135"},
    "04": {"133", "136"},
}
CERT_KEY_NOT_NEEDED = {"124", "127", "130", "132", "134", "135", "136"}  # 공급자적합성확인 / 상세설명 참조
# 상품정보제공고시 type → the item codes it requires [S] (only the types our adapter sends).
NOTICE_ITEMS = {
    "891045": {"11800", "11905", "23760413", "23759100", "23756033"},
    "891011": {"11835", "23756520", "23759095", "23760437", "23759468", "23760034", "23760386", "11905", "23759308"},
    "891012": {"11835", "11905", "23759095", "40748371", "23760034", "23760386", "23760437", "23759972"},
    "891013": {"11835", "11848", "11905", "11908", "23760437", "23759095", "23759972", "23760386", "11932"},
    "891014": {"11848", "11905", "11908", "23760437", "23759972", "23760034", "23760386", "23759095"},
    "891015": {"11835", "11905", "17461", "23756520", "23760437", "23759468", "23760034", "23760386", "23759095"},
    "891016": {
        "11835",
        "11905",
        "11932",
        "23756017",
        "23759095",
        "469865457",
        "23760386",
        "23760437",
        "23760470",
        "3125646",
        "37089196",
        "23759652",
    },
    "891027": {
        "11800",
        "11900",
        "11905",
        "11932",
        "37088317",
        "23759938",
        "23760386",
        "23760437",
        "3125646",
        "23759095",
    },
    "891033": {
        "11800",
        "11835",
        "11900",
        "11905",
        "2361085",
        "23759095",
        "469867873",
        "23760223",
        "23760386",
        "23760437",
        "23760454",
        "40747702",
        "23759938",
    },
    "891035": {
        "11800",
        "11835",
        "11900",
        "11905",
        "17461",
        "23760454",
        "23759095",
        "23759938",
        "23760223",
        "23760386",
        "23760437",
        "23756377",
    },
    "1149547": {
        "176316020",
        "176316074",
        "176316124",
        "176316199",
        "176316337",
        "23756754",
        "176316410",
        "176316456",
        "176316505",
        "176316535",
        "176316383",
    },
}
NOTICE_VALUE_MAX = 50


class ProductRefused(Exception):
    """A registration/update refusal: 11번가's ClientMessage resultCode 500 with this message."""


def eleven_bytes(text: str) -> int:
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def children(root, name: str) -> list:
    return [el for el in root if el.tag.rsplit("}", 1)[-1] == name]


def child(root, name: str):
    found = children(root, name)
    return found[0] if found else None


def won(text: str, what: str, *, minimum: int = 0, step: int = 10, required: bool = True) -> int:
    """A money amount in 10-won steps (what the element holds, for the message)."""
    if not text:
        if required:
            raise ProductRefused(f"{what}을(를) 입력하세요.")
        return 0
    if not re.fullmatch(r"-?\d{1,10}", text):
        raise ProductRefused(f"{what}이(가) 올바르지 않습니다.")
    value = int(text)
    if value < minimum:
        raise ProductRefused(f"{what}이(가) 올바르지 않습니다.")
    if value % step:
        raise ProductRefused(f"{what}은(는) 10원 단위로 입력하세요.")
    return value


def count(text: str, what: str, *, minimum: int = 0, maximum: int = 99_999_999) -> int:
    if not re.fullmatch(r"\d{1,9}", text or "") or not minimum <= int(text) <= maximum:
        raise ProductRefused(f"{what}이(가) 올바르지 않습니다.")
    return int(text)


def slash_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y/%m/%d").replace(tzinfo=KST).date()
    except ValueError:
        return None


_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return value.translate(_ESC) if isinstance(value, str) else str(value).translate(_ESC)


def fields_xml(pairs) -> str:
    return "".join(f"<{name}>{esc(value)}</{name}>" for name, value in pairs if value is not None)


def xml_response(body: str, status: int = 200) -> Response:
    # EUC-KR as 11번가 declares; what EUC-KR cannot hold becomes a numeric character reference.
    data = (XML_DECL + body).encode("euc-kr", errors="xmlcharrefreplace")
    return Response(status, data, content_type="text/xml;charset=EUC-KR")


def result_response(code: str, text: str, *, root: str = "ResultOrder", extra=(), status: int = 200) -> Response:
    """Action answer: ``<ResultOrder><result_code>…</result_code><result_text>…</result_text></ResultOrder>``."""
    open_tag = f'<{root} xmlns:ns2="{NS}">' if root.startswith("ns2:") else f"<{root}>"
    return xml_response(
        f"{open_tag}{fields_xml([('result_code', code), ('result_text', text), *extra])}</{root}>", status
    )


def list_error(root: str, key: str) -> Response:
    code, text = ERRORS[key]
    return xml_response(
        f'<{root} xmlns:ns2="{NS}"><ns2:result_code>{code}</ns2:result_code>'
        f"<ns2:result_text>{esc(text)}</ns2:result_text></{root}>"
    )


def client_message(code: int, message: str, extra=()) -> Response:
    """Product APIs answer ``ClientMessage`` with resultCode 200 on success ([S], a Node client)."""
    return xml_response(
        f"<ClientMessage>{fields_xml([*extra, ('message', message), ('resultCode', code)])}</ClientMessage>"
    )


def fmt(dt: datetime) -> str:
    return dt.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def parse_minute(text: str) -> datetime | None:
    if not re.fullmatch(r"\d{12}", text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=KST)
    except ValueError:
        return None


def parse_day(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").replace(tzinfo=KST).date()
    except ValueError:
        return None


def read_body(request: Request):
    """The request's XML document, or None. EUC-KR (what we ask clients to send) and UTF-8 (what one
    older report says 11번가 requires) are both accepted, by the Content-Type's charset."""
    content_type = request.header("content-type").lower()
    if "xml" not in content_type or not request.body:
        return None
    found = re.search(r"charset\s*=\s*([\w-]+)", content_type)
    charset = found.group(1) if found else ""
    codecs = ("euc-kr", "cp949") if charset in ("euc-kr", "euckr", "cp949", "ms949", "ks_c_5601-1987") else ("utf-8",)
    if not charset:
        codecs = ("utf-8", "euc-kr", "cp949")
    for codec in codecs:
        try:
            text = request.body.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        return fromstring(text)
    except Exception:
        return None


def child_text(root, name: str) -> str:
    for el in root:
        if el.tag.rsplit("}", 1)[-1] == name:
            return (el.text or "").strip()
    return ""


class ElevenstSandbox(SandboxApp):
    name = "elevenst"

    def __init__(
        self, *, accounts: list[dict[str, str]] | None = None, faults: Faults | None = None, clock=None, seed=7
    ):
        self.accounts = list(accounts) if accounts is not None else [dict(DEMO_CREDENTIALS)]
        self.valid_keys = {account["api_key"] for account in self.accounts}
        self.received: deque[tuple[str, str]] = deque(maxlen=20_000)  # (method, path) for tests
        self.products: dict[str, dict[str, Any]] = {}
        self.options: dict[str, dict[str, Any]] = {}
        for product in fake.catalog("11ST-", 3100000000):
            self.products[product.product_id] = {
                "prdNo": product.product_id,
                "prdNm": product.name,
                "sellerPrdCd": product.seller_code,
                "selPrc": product.options[0].price,
                "display": True,
                "dispCtgrNo": SEED_CATEGORY,
                "optNames": ["선택"],
            }
            for option in product.options:
                self.options[option.option_id] = {
                    "prdStckNo": option.option_id,
                    "prdNo": product.product_id,
                    "optNm": option.name,
                    "sellerCd": option.seller_code,
                    "sellerStockCd": option.seller_code,
                    "price": option.price,
                    "addPrc": option.price - product.options[0].price,
                    "stckQty": option.stock,
                }
        self.option_ids = sorted(self.options)
        self.orders: dict[str, dict[str, Any]] = {}
        self.lines: dict[tuple[str, str], dict[str, Any]] = {}
        self.line_keys: list[tuple[str, str]] = []
        self.bundles: dict[str, list[tuple[str, str]]] = {}
        self.index: dict[str, list[tuple[datetime, int, tuple[str, str]]]] = {stat: [] for stat in LIST_STATS}
        self.tick = itertools.count()
        self.order_seq = 0
        self.dlv_seq = 500000000
        self.claims: dict[str, dict[str, Any]] = {}
        self.open_claims: dict[tuple[str, str], str] = {}
        self.claim_seq = 0
        self.qnas: dict[str, dict[str, Any]] = {}
        self.qna_seq = 81000000
        self.addresses: dict[str, dict[str, dict[str, str]]] = {"out": {}, "in": {}}
        self.addr_seq = 0
        self.send_close: dict[str, dict[str, str]] = {}
        self.template_seq = 700000
        self.last_rows: dict[str, list[str]] = {}
        self.product_seq = 4100000000  # prdNo of registered products (after the seeded 31…)
        self.stock_seq = 41000000000  # prdStckNo of their options (sorts after the seeded ones)
        super().__init__(faults=faults, clock=clock, seed=seed)
        self._seed_templates()

    # -- machinery -----------------------------------------------------------------------------

    def routes(self) -> None:
        add = self.router.add
        for kind, stat in ORDER_LIST_PATHS.items():
            add("GET", f"/ordservices/{kind}/{{start}}/{{end}}", self._order_list_handler(kind, stat))
        add("GET", "/ordservices/reqpackaging/{ordNo}/{ordPrdSeq}/{addPrdYn}/{addPrdNo}/{dlvNo}", self.reqpackaging)
        add("GET", "/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}", self.reqdelivery)
        add("GET", "/claimservice/reqrejectorder/{ordNo}/{ordPrdSeq}/{rsnCd}/{detail}", self.reqrejectorder)
        for kind, (claim_kind, stats) in CLAIM_LIST_PATHS.items():
            add("GET", f"/claimservice/{kind}/{{start}}/{{end}}", self._claim_list_handler(kind, claim_kind, stats))
        add("GET", "/claimservice/cancelreqconf/{seq}/{ordNo}/{ordPrdSeq}", self.cancelreqconf)
        add(
            "GET",
            "/claimservice/cancelreqreject/{ordNo}/{ordPrdSeq}/{seq}/{dlvMthdCd}/{sendDt}/{dlvEtprsCd}/{invcNo}",
            self.cancelreqreject,
        )
        add("GET", "/claimservice/returnreqconf/{seq}/{ordNo}/{ordPrdSeq}", self.returnreqconf)
        add("GET", "/claimservice/returnreqreject/{ordNo}/{ordPrdSeq}/{seq}/{rsnCd}/{rsn}", self.returnreqreject)
        add(
            "GET", "/claimservice/exchangereqconf/{seq}/{ordNo}/{ordPrdSeq}/{dlvEtprsCd}/{invcNo}", self.exchangereqconf
        )
        add("GET", "/claimservice/exchangereqreject/{ordNo}/{ordPrdSeq}/{seq}/{rsnCd}/{rsn}", self.exchangereqreject)
        add("GET", "/prodqnaservices/prodqnalist/{start}/{end}/{status}", self.qna_list)
        add("PUT", "/prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo}", self.qna_answer)
        add("PUT", "/prodservices/stockqty/{prdStckNo}", self.stockqty)
        add("GET", "/prodservices/product/price/{prdNo}/{selPrc}", self.price)
        add("POST", "/prodservices/product", self.product_register)
        add("PUT", "/prodservices/product/{prdNo}", self.product_update)
        add("GET", "/prodmarketservice/prodmarket/stck/{prdNo}", self.product_stocks)
        add("GET", "/prodmarketservice/prodmarket/{prdNo}", self.product_detail)
        add("POST", "/prodmarketservice/prodmarket", self.product_search)
        add("PUT", "/prodstatservice/stat/stopdisplay/{prdNo}", self.stopdisplay)
        add("PUT", "/prodstatservice/stat/restartdisplay/{prdNo}", self.restartdisplay)
        add("GET", "/areaservice/outboundarea", self.outboundarea)
        add("GET", "/areaservice/inboundarea", self.inboundarea)
        add("POST", "/areaservice/v2/{action}", self.save_address)
        add("GET", "/prodservices/sendCloseList", self.send_close_list)
        add("POST", "/prodservices/sendCloseTemplate", self.send_close_create)
        add("PUT", "/prodservices/sendCloseTemplate/{no}", self.send_close_update)
        add("GET", "/settlement/settlementList/{start}/{end}", self.settlement_list)

    def __call__(self, environ, start_response):
        # In-process (httpx's WSGI transport) PATH_INFO arrives as real text, while the core expects
        # WSGI's latin-1-decoded bytes; re-encode so Korean text in a path (ordCnDtlsRsn, refsRsn)
        # survives the core's UTF-8 restore.
        path = environ.get("PATH_INFO", "")
        try:
            path.encode("latin-1")
        except UnicodeEncodeError:
            environ["PATH_INFO"] = path.encode("utf-8").decode("latin-1")
        return super().__call__(environ, start_response)

    def handle(self, request: Request) -> Response:
        if request.path == "/rest" or request.path.startswith("/rest/"):
            request.path = request.path[len("/rest") :] or "/"
        if not request.path.startswith("/_sandbox/"):
            with self.lock:
                self.received.append((request.method, request.path))
        return super().handle(request)

    def authenticate(self, request: Request) -> Response | None:
        key = request.header("openapikey")
        if key in self.valid_keys:
            return None
        code, text = ERRORS["auth" if key else "auth_missing"]
        return result_response(code, text, root="ns2:result")

    def error(self, status: int, code: str, message: str) -> Response:
        if status == 429:
            code, message = ERRORS["quota"]
        elif status >= 500:
            code, message = ERRORS["server"]
        elif status in (404, 405):
            code, message = ERRORS["no_api"][0], f"{ERRORS['no_api'][1]} ({message})"
        return result_response(code, message, root="ns2:result", status=status)

    def fail(self, key: str) -> Response:
        code, text = ERRORS[key]
        return result_response(code, text)

    # -- lazy time -----------------------------------------------------------------------------

    @staticmethod
    def effective(line: dict[str, Any], now: datetime) -> tuple[str, datetime]:
        """(status, since) at ``now``, applying scheduled deliveries/confirmations that are due."""
        stat, at = line["stat"], line["stat_at"]
        for when, next_stat in line["auto"]:
            if when > now:
                break
            stat, at = next_stat, when
        return stat, at

    def settle(self, line: dict[str, Any], *, freeze: bool = False) -> str:
        now = self.now()
        line["stat"], line["stat_at"] = self.effective(line, now)
        line["auto"] = [] if freeze else [entry for entry in line["auto"] if entry[0] > now]
        return line["stat"]

    def move(self, line: dict[str, Any], stat: str, at: datetime, auto: list[tuple[datetime, str]] = ()) -> None:
        self.settle(line, freeze=True)
        line["stat"], line["stat_at"], line["auto"] = stat, at, list(auto)
        line["times"][stat] = at
        for when, next_stat in [(at, stat), *auto]:
            line["times"].setdefault(next_stat, when)
            if next_stat in self.index:
                bisect.insort(self.index[next_stat], (when, next(self.tick), line["key"]))

    def ship(self, line: dict[str, Any], at: datetime, method: str, courier: str, invoice: str) -> None:
        line["times"].pop("501", None)
        line["times"].pop("901", None)
        line.update(sendDt=at, dlvMthdCd=method, dlvEtprsCd=courier, invcNo=invoice)
        self.move(line, "401", at, [(at + DELIVERY_AFTER, "501"), (at + DELIVERY_AFTER + CONFIRM_AFTER, "901")])

    # -- data generation -----------------------------------------------------------------------

    def _seed_templates(self) -> None:
        for kind, name in (("out", "기본 출고지"), ("in", "기본 반품지")):
            self.addr_seq += 1
            self.addresses[kind][str(self.addr_seq)] = {
                "addrSeq": str(self.addr_seq),
                "addrNm": name,
                "rcvrNm": "장터상회",
                "gnrlTlphnNo": "02-1234-5678",
                "prtblTlphnNo": "010-1234-5678",
                "mailNO": "08390",
                "baseAddr": "서울특별시 구로구 디지털로 300",
                "dtlsAddr": "지밸리비즈플라자 12층",
            }
        self.template_seq += 1
        self.send_close[str(self.template_seq)] = {
            "prdInfoTmpltNo": str(self.template_seq),
            "prdInfoTmpltNm": "오후 2시 마감 당일발송",
            "sendCloseTm": "1400",
            "dlvSndDueDd": "1",
        }

    def _next_dlv(self) -> str:
        self.dlv_seq += 1
        return str(self.dlv_seq)

    def create_orders(self, count: int) -> list[str]:
        rng = self.rng
        now = self.now()
        paid, due = fmt(now), (now + timedelta(days=2)).strftime("%Y-%m-%d")
        created = []
        with self.lock:
            # Registered options marked 품절 (useYn N) are not ordered; the seeded ones always are.
            orderable = [i for i in self.option_ids if self.options[i].get("useYn", "Y") == "Y"]
            for _ in range(count):
                self.order_seq += 1
                ord_no = f"{now:%Y%m%d}{self.order_seq:07d}"
                buyer = fake.person(rng)
                receiver = buyer if rng.random() < 0.7 else fake.person(rng)
                count_lines = rng.choice((1, 1, 1, 2, 2, 3))
                main_dlv = self._next_dlv()
                split_dlv = self._next_dlv() if count_lines == 3 and rng.random() < 0.4 else main_dlv
                ordered = now - timedelta(minutes=rng.randint(0, 20), seconds=rng.randint(0, 59))
                drafts = []
                for seq in range(1, count_lines + 1):
                    option = self.options[rng.choice(orderable)]
                    product = self.products[option["prdNo"]]
                    qty = rng.choice((1, 1, 1, 2, 3))
                    price = option["price"]
                    amount = price * qty
                    discount = 1000 * qty if price > 10000 and rng.random() < 0.2 else 0
                    add_on = seq > 1 and rng.random() < 0.1
                    drafts.append(
                        {
                            "ordPrdSeq": str(seq),
                            "dlvNo": split_dlv if seq == 3 else main_dlv,
                            "prdNo": product["prdNo"],
                            "prdNm": product["prdNm"],
                            "slctPrdOptNm": f"선택:{option['optNm']}",
                            "ordQty": qty,
                            "selPrc": price,
                            "ordAmt": amount,
                            "ordPayAmt": amount - discount,
                            "sellerPrdCd": option["sellerCd"],
                            "prdStckNo": option["prdStckNo"],
                            "addPrdYn": "Y" if add_on else "N",
                            "addPrdNo": str(rng.randint(1000000, 9999999)) if add_on else "0",
                        }
                    )
                fees = {}
                for dlv in {d["dlvNo"] for d in drafts}:
                    total = sum(d["ordPayAmt"] for d in drafts if d["dlvNo"] == dlv)
                    fees[dlv] = 0 if total >= 30000 else 3000
                # Order-level elements are the same on every row of the order: escape them once.
                order_xml = fields_xml(
                    (
                        ("ordNo", ord_no),
                        ("ordStlEndDt", paid),
                        ("rcvrNm", receiver.name),
                        ("rcvrPrtblNo", receiver.phone),
                        ("rcvrTlphn", receiver.safe_number),
                        ("rcvrMailNo", receiver.zip_code),
                        ("rcvrBaseAddr", receiver.address1),
                        ("rcvrDtlsAddr", receiver.address2),
                        ("ordDlvReqCont", receiver.message),
                        ("ordNm", buyer.name),
                        ("ordPrtblTel", buyer.phone),  # [U]
                        ("memID", f"{buyer.email.split('@')[0][:4]}****"),
                        ("dlvSndDueDt", due),  # [U]
                    )
                )
                keys = []
                for draft in drafts:
                    fee = fees[draft["dlvNo"]]
                    static = {
                        **draft,
                        "bndlDlvSeq": draft["dlvNo"][-6:],
                        "dlvCstType": "03" if fee == 0 else "01",
                        "dlvCst": fee,
                    }
                    key = (ord_no, draft["ordPrdSeq"])
                    line = {
                        "key": key,
                        "ordNo": ord_no,
                        "ordPrdSeq": draft["ordPrdSeq"],
                        "dlvNo": draft["dlvNo"],
                        "addPrdYn": draft["addPrdYn"],
                        "addPrdNo": draft["addPrdNo"],
                        "prdNo": draft["prdNo"],
                        "prdNm": draft["prdNm"],
                        "prdStckNo": draft["prdStckNo"],
                        "ordQty": draft["ordQty"],
                        "ordPayAmt": draft["ordPayAmt"],
                        "xml": order_xml + fields_xml(static.items()),
                        "ordDt": fmt(ordered),
                        "stat": "202",
                        "stat_at": now,
                        "auto": [],
                        "times": {"202": now},
                    }
                    self.lines[key] = line
                    self.line_keys.append(key)
                    self.bundles.setdefault(draft["dlvNo"], []).append(key)
                    bisect.insort(self.index["202"], (now, next(self.tick), key))
                    keys.append(key)
                self.orders[ord_no] = {"ordNo": ord_no, "lines": keys, "ordNm": buyer.name}
                created.append(ord_no)
        return created

    def _find_line(self, stats: set[str], limit: int = 3000) -> dict[str, Any] | None:
        now = self.now()
        candidates = []
        for key in reversed(self.line_keys[-limit:]):
            line = self.lines[key]
            if key in self.open_claims:
                continue
            if self.effective(line, now)[0] in stats:
                candidates.append(line)
                if len(candidates) >= 20:
                    break
        return self.rng.choice(candidates) if candidates else None

    def create_claim(self, kind: str = "cancel") -> str:
        if kind not in CLAIM_PREFIX:
            raise ValueError(f"unknown claim kind {kind!r}")
        with self.lock:
            stats = {"202", "301"} if kind == "cancel" else {"401", "501"}
            line = self._find_line(stats)
            if line is None:
                ord_no = self.create_orders(1)[0]
                line = self.lines[self.orders[ord_no]["lines"][0]]
                if kind != "cancel":
                    now = self.now()
                    self.ship(line, now, "01", "00034", f"{self.rng.randint(10**11, 10**12 - 1)}")
                    self.move(line, "501", now)
            code, text = self.rng.choice(BUYER_REASONS[kind])
            return self._open_claim(
                line, kind, "01" if kind == "cancel" else ("105" if kind == "return" else "201"), code, text
            )

    def _open_claim(self, line: dict[str, Any], kind: str, stat: str, reason: str, detail: str) -> str:
        self.settle(line, freeze=True)
        now = self.now()
        self.claim_seq += 1
        seq = str(self.claim_seq)
        claim_id = f"{line['ordNo']}-{line['ordPrdSeq']}-{CLAIM_PREFIX[kind]}{seq}"
        self.claims[claim_id] = {
            "id": claim_id,
            "kind": kind,
            "key": line["key"],
            "seq": seq,
            "stat": stat,
            "stat_at": now,
            "req_at": now,
            "done_at": None,
            "reason": reason,
            "detail": detail,
            "qty": line["ordQty"],
        }
        if stat in ("01", "105", "201"):
            self.open_claims[line["key"]] = claim_id
        return claim_id

    def withdraw_claim(self, claim_id: str) -> None:
        """The buyer withdraws a request (for tests and the demo)."""
        with self.lock:
            claim = self.claims[claim_id]
            claim["stat"], claim["stat_at"] = WITHDRAWN[claim["kind"]], self.now()
            self.open_claims.pop(claim["key"], None)

    def create_inquiry(self) -> str:
        with self.lock:
            rng = self.rng
            product = self.products[rng.choice(sorted(self.products))]
            code, code_name, title, content = rng.choice(QNA_SAMPLES)
            person = fake.person(rng)
            self.qna_seq += 1
            brd_no = str(self.qna_seq)
            recent = self.line_keys[-50:]
            self.qnas[brd_no] = {
                "brdInfoNo": brd_no,
                "brdInfoClfNo": product["prdNo"],
                "prdNm": product["prdNm"],
                "brdInfoSbjct": title,
                "brdInfoCont": content,
                "qnaDtlsCd": code,
                "qnaDtlsCdNm": code_name,
                "memNM": person.name[0] + "**",
                "memID": f"{person.email[:3]}****",
                "buyYn": "Y" if recent and rng.random() < 0.5 else "N",
                "ordNoDe": rng.choice(recent)[0] if recent and rng.random() < 0.3 else "",
                "dispYn": "Y",
                "createDt": self.now(),
                "answerYn": "N",
                "answerCont": "",
                "answerDt": None,
            }
            return brd_no

    # -- serialisation -------------------------------------------------------------------------

    def line_xml(self, line: dict[str, Any], stat: str, *, with_ord_dt: bool = True) -> str:
        times = line["times"]
        dynamic = [("ordPrdStat", stat)]
        if with_ord_dt:  # the 배송중 list carries no ordDt ([S]: a client derives it from ordNo)
            dynamic.append(("ordDt", line["ordDt"]))
        if "301" in times:
            dynamic.append(("plcodrCnfDt", fmt(times["301"])))
        if stat in ("401", "501", "901") and line.get("sendDt"):
            dynamic += [
                ("sendDt", fmt(line["sendDt"])),
                ("dlvMthdCd", line["dlvMthdCd"]),
                ("dlvEtprsCd", line["dlvEtprsCd"]),
                ("invcNo", line["invcNo"]),
            ]
        if stat in ("501", "901") and "501" in times:
            dynamic.append(("dlvCmplDt", fmt(times["501"])))  # [U]
        if stat == "901" and "901" in times:
            dynamic.append(("pocnfrmDt", fmt(times["901"])))  # [U]
        return f"<ns2:order>{line['xml']}{fields_xml(dynamic)}</ns2:order>"

    def claim_xml(self, claim: dict[str, Any]) -> str:
        line = self.lines[claim["key"]]
        base = [
            ("ordNo", line["ordNo"]),
            ("ordPrdSeq", line["ordPrdSeq"]),
            ("dlvNo", line["dlvNo"]),
            ("prdNo", line["prdNo"]),
            ("prdNm", line["prdNm"]),
            ("prdStckNo", line["prdStckNo"]),
            ("ordQty", line["ordQty"]),
        ]
        done = fmt(claim["done_at"]) if claim["done_at"] else None
        if claim["kind"] == "cancel":
            extra = [
                ("ordPrdCnSeq", claim["seq"]),
                ("ordCnStatCd", claim["stat"]),
                ("ordCnRsnCd", claim["reason"]),
                ("ordCnDtlsRsn", claim["detail"]),
                ("ordCnQty", claim["qty"]),
                ("createDt", fmt(claim["req_at"])),
                ("cnCmplDt", done),
            ]
        else:
            extra = [
                ("clmReqSeq", claim["seq"]),
                ("clmStat", claim["stat"]),
                ("clmReqRsn", claim["reason"]),
                ("clmReqCont", claim["detail"]),
                ("clmReqQty", claim["qty"]),
                ("reqDt", fmt(claim["req_at"])),
                ("clmCmplDt", done),
                ("dlvEtprsCd", claim.get("dlvEtprsCd")),
                ("invcNo", claim.get("invcNo")),
            ]
        return f"<ns2:order>{fields_xml(base + extra)}</ns2:order>"

    def list_body(self, root: str, item_rows: list[str], *, empty_code: str = "0", empty_text: str = "") -> Response:
        ns = f' xmlns:ns2="{NS}"' if root.startswith("ns2:") else ""
        if item_rows:
            return xml_response(f"<{root}{ns}>{''.join(item_rows)}</{root}>")
        prefix = "ns2:" if ns else ""
        text = empty_text or "조회된 데이터가 없습니다."
        return xml_response(
            f"<{root}{ns}><{prefix}result_code>{empty_code}</{prefix}result_code>"
            f"<{prefix}result_text>{esc(text)}</{prefix}result_text></{root}>"
        )

    def minute_window(self, start: str, end: str) -> tuple[datetime, datetime] | str:
        s, e = parse_minute(start), parse_minute(end)
        if s is None or e is None:
            return "bad_date"
        if e < s:
            return "reversed"
        if e - s > MAX_LIST_WINDOW:
            return "long_window"
        return s, e + timedelta(minutes=1)

    # -- orders --------------------------------------------------------------------------------

    def _order_list_handler(self, kind: str, stat: str):
        def handler(request: Request, start: str, end: str) -> Response:
            window = self.minute_window(start, end)
            if isinstance(window, str):
                return list_error("ns2:orders", window)
            s, e = window
            now = self.now()
            entries = self.index[stat]
            lo, hi = bisect.bisect_left(entries, (s,)), bisect.bisect_left(entries, (e,))
            found, seen = [], set()
            for when, _tick, key in entries[lo:hi]:
                if when > now:
                    break
                line = self.lines[key]
                if key in seen or self.effective(line, now) != (stat, when):
                    continue
                seen.add(key)
                found.append(self.line_xml(line, stat, with_ord_dt=kind != "shipping"))
            found = self.faults.repeat(self.last_rows.get(kind, []), found)
            self.last_rows[kind] = found
            return self.list_body("ns2:orders", found)

        return handler

    def reqpackaging(self, request: Request, ordNo, ordPrdSeq, addPrdYn, addPrdNo, dlvNo) -> Response:
        line = self.lines.get((ordNo, ordPrdSeq))
        if line is None:
            return self.fail("no_order")
        if (line["dlvNo"], line["addPrdYn"], line["addPrdNo"]) != (dlvNo, addPrdYn, addPrdNo):
            return self.fail("mismatch")
        stat = self.settle(line)
        if stat == "301":
            return self.fail("already_ack")
        if stat != "202":
            return self.fail("ack_state")
        if line["key"] in self.open_claims:
            return self.fail("cancel_requested")
        self.move(line, "301", self.now())
        return result_response("0", "발주확인 처리되었습니다.", extra=[("ordNo", ordNo), ("ordPrdSeq", ordPrdSeq)])

    def _courier_error(self, method: str, courier: str, invoice: str) -> str | None:
        if method not in ("01", "03", "04", "05"):
            return "bad_method"
        if method == "01":
            if courier not in COURIERS:
                return "bad_courier"
            if not re.fullmatch(r"[A-Za-z0-9]{1,40}", invoice):
                return "bad_invoice"
        return None

    def reqdelivery(self, request: Request, sendDt, dlvMthdCd, dlvEtprsCd, invcNo, dlvNo) -> Response:
        sent = parse_minute(sendDt)
        if sent is None:
            return self.fail("bad_send_dt")
        problem = self._courier_error(dlvMthdCd, dlvEtprsCd, invcNo)
        if problem:
            return self.fail(problem)
        keys = self.bundles.get(dlvNo)
        if not keys:
            return self.fail("no_dlv")
        lines = [self.lines[key] for key in keys]
        stats = [self.settle(line) for line in lines]
        ready = [
            line
            for line, stat in zip(lines, stats, strict=True)
            if stat == "301" and line["key"] not in self.open_claims
        ]
        if not ready:
            if "401" in stats:
                return self.fail("bundle_shipped")
            if "501" in stats or "901" in stats:
                return self.fail("delivered")
            return self.fail("nothing_to_ship")
        now = self.now()
        for line in ready:
            self.ship(line, now, dlvMthdCd, dlvEtprsCd, invcNo)
        return result_response(
            "0", "발송처리 되었습니다.", extra=[("dlvNo", dlvNo), *(("ordPrdSeq", line["ordPrdSeq"]) for line in ready)]
        )

    def reqrejectorder(self, request: Request, ordNo, ordPrdSeq, rsnCd, detail) -> Response:
        line = self.lines.get((ordNo, ordPrdSeq))
        if line is None:
            return self.fail("no_order")
        if rsnCd not in SELLER_CANCEL_CODES or not detail.strip():
            return self.fail("bad_reason")
        if line["key"] in self.open_claims:
            return self.fail("cancel_requested")
        if self.settle(line) not in ("202", "301"):
            return self.fail("cannot_cancel")
        self.move(line, "CANCELLED", self.now())
        claim_id = self._open_claim(line, "cancel", "02", rsnCd, detail)
        self.claims[claim_id]["done_at"] = self.now()
        return result_response("0", "판매불가 처리되었습니다.", extra=[("ordNo", ordNo), ("ordPrdSeq", ordPrdSeq)])

    # -- claims --------------------------------------------------------------------------------

    def _claim_list_handler(self, kind: str, claim_kind: str, stats: set[str]):
        def handler(request: Request, start: str, end: str) -> Response:
            window = self.minute_window(start, end)
            if isinstance(window, str):
                return list_error("ns2:orders", window)
            s, e = window
            found = [
                self.claim_xml(claim)
                for claim in self.claims.values()
                if claim["kind"] == claim_kind and claim["stat"] in stats and s <= claim["stat_at"] < e
            ]
            found = self.faults.repeat(self.last_rows.get(kind, []), found)
            self.last_rows[kind] = found
            return self.list_body("ns2:orders", found)

        return handler

    def _claim(self, kind: str, ord_no: str, ord_prd_seq: str, seq: str, stats: set[str]) -> dict[str, Any] | str:
        claim = self.claims.get(f"{ord_no}-{ord_prd_seq}-{CLAIM_PREFIX[kind]}{seq}")
        if claim is None:
            return "no_claim"
        if claim["stat"] not in stats:
            return "claim_state"
        return claim

    def _close(self, claim: dict[str, Any], stat: str) -> None:
        now = self.now()
        claim["stat"], claim["stat_at"] = stat, now
        if stat in ("02", "106", "221"):
            claim["done_at"] = now
        self.open_claims.pop(claim["key"], None)

    def cancelreqconf(self, request: Request, seq, ordNo, ordPrdSeq) -> Response:
        claim = self._claim("cancel", ordNo, ordPrdSeq, seq, {"01"})
        if isinstance(claim, str):
            return self.fail(claim)
        self._close(claim, "02")
        self.move(self.lines[claim["key"]], "CANCELLED", self.now())
        return result_response("0", "취소승인 처리되었습니다.")

    def cancelreqreject(self, request: Request, ordNo, ordPrdSeq, seq, dlvMthdCd, sendDt, dlvEtprsCd, invcNo):
        claim = self._claim("cancel", ordNo, ordPrdSeq, seq, {"01"})
        if isinstance(claim, str):
            return self.fail(claim)
        if parse_day(sendDt) is None:
            return self.fail("bad_send_dt")
        problem = self._courier_error(dlvMthdCd, dlvEtprsCd, invcNo)
        if problem:
            return self.fail(problem)
        self._close(claim, "03")
        self.ship(self.lines[claim["key"]], self.now(), dlvMthdCd, dlvEtprsCd, invcNo)
        return result_response("0", "취소거부(발송처리) 되었습니다.")

    def returnreqconf(self, request: Request, seq, ordNo, ordPrdSeq) -> Response:
        claim = self._claim("return", ordNo, ordPrdSeq, seq, {"105", "104", "109"})
        if isinstance(claim, str):
            return self.fail(claim)
        self._close(claim, "106")
        self.move(self.lines[claim["key"]], "RETURNED", self.now())
        return result_response("0", "반품승인 처리되었습니다.")

    def returnreqreject(self, request: Request, ordNo, ordPrdSeq, seq, rsnCd, rsn) -> Response:
        claim = self._claim("return", ordNo, ordPrdSeq, seq, {"105", "104", "109"})
        if isinstance(claim, str):
            return self.fail(claim)
        if not re.fullmatch(r"\d{2,3}", rsnCd) or not rsn.strip():
            return self.fail("bad_reason")
        self._close(claim, "107")
        claim["refsRsn"] = rsn
        return result_response("0", "반품거부 처리되었습니다.")

    def exchangereqconf(self, request: Request, seq, ordNo, ordPrdSeq, dlvEtprsCd, invcNo) -> Response:
        claim = self._claim("exchange", ordNo, ordPrdSeq, seq, {"201", "214"})
        if isinstance(claim, str):
            return self.fail(claim)
        problem = self._courier_error("01", dlvEtprsCd, invcNo)
        if problem:
            return self.fail(problem)
        self._close(claim, "221")
        claim.update(dlvEtprsCd=dlvEtprsCd, invcNo=invcNo)
        return result_response("0", "교환승인(재발송) 처리되었습니다.")

    def exchangereqreject(self, request: Request, ordNo, ordPrdSeq, seq, rsnCd, rsn) -> Response:
        claim = self._claim("exchange", ordNo, ordPrdSeq, seq, {"201", "214"})
        if isinstance(claim, str):
            return self.fail(claim)
        if not re.fullmatch(r"\d{2,3}", rsnCd) or not rsn.strip():
            return self.fail("bad_reason")
        self._close(claim, "232")
        claim["refsRsn"] = rsn
        return result_response("0", "교환거부 처리되었습니다.")

    # -- product Q&A ---------------------------------------------------------------------------

    def qna_list(self, request: Request, start: str, end: str, status: str) -> Response:
        s, e = parse_day(start), parse_day(end)
        if s is None or e is None:
            return list_error("ProductQnas", "bad_date")
        if e < s:
            return list_error("ProductQnas", "reversed")
        if (e - s).days > 6:  # 7 calendar days, both ends included
            return list_error("ProductQnas", "long_window")
        if status not in ("00", "01", "02"):
            return list_error("ProductQnas", "bad_param")
        found = []
        for qna in self.qnas.values():
            if not s <= qna["createDt"].astimezone(KST).date() <= e:
                continue
            if (status == "01" and qna["answerYn"] != "Y") or (status == "02" and qna["answerYn"] == "Y"):
                continue
            row = {**qna, "createDt": fmt(qna["createDt"]), "answerDt": fmt(qna["answerDt"]) if qna["answerDt"] else ""}
            found.append(f"<productQna>{fields_xml(row.items())}</productQna>")
        # [S] root without prefix (a client's fixture); nothing found answers result_code 500.
        return self.list_body("ProductQnas", found, empty_code="500", empty_text="검색된 대상이 없습니다.")

    def qna_answer(self, request: Request, brdInfoNo: str, prdNo: str) -> Response:
        body = read_body(request)
        if body is None:
            return client_message(500, ERRORS["bad_body"][1])
        qna = self.qnas.get(brdInfoNo)
        if qna is None or qna["brdInfoClfNo"] != prdNo:
            return client_message(500, "문의 정보가 존재하지 않습니다.", [("brdInfoNo", brdInfoNo)])
        text = child_text(body, "answerCont")
        if not text:
            return client_message(500, "답변 내용을 입력하세요.", [("brdInfoNo", brdInfoNo)])
        qna.update(answerYn="Y", answerCont=text, answerDt=self.now())
        return client_message(200, "답변이 등록되었습니다.", [("brdInfoNo", brdInfoNo), ("productNo", prdNo)])

    # -- products ------------------------------------------------------------------------------

    # -- product registration, update, read, list ------------------------------------------------

    def product_register(self, request: Request) -> Response:
        """상품등록: validates the <Product> as 11번가 would; the product joins the catalogue (orders,
        stock/price/status pushes, the product list) with one prdStckNo per option."""
        body = read_body(request)
        if body is None or body.tag.rsplit("}", 1)[-1] != "Product":
            return client_message(500, ERRORS["bad_body"][1])
        try:
            data = self._parse_product(body)
        except ProductRefused as exc:
            return client_message(500, str(exc))
        self.product_seq += 1
        prd_no = str(self.product_seq)
        self._store_product(prd_no, data)
        return client_message(200, "상품이 정상적으로 등록되었습니다.", [("productNo", prd_no)])

    def product_update(self, request: Request, prdNo: str) -> Response:
        """상품수정 (full): same rules plus the price-change limit; options matched by seller stock code
        (else by values) keep their prdStckNo, new ones get a new one, missing ones are deleted [U]."""
        product = self.products.get(prdNo)
        if product is None:
            return client_message(500, "존재하지 않는 상품번호입니다.")
        body = read_body(request)
        if body is None or body.tag.rsplit("}", 1)[-1] != "Product":
            return client_message(500, ERRORS["bad_body"][1])
        try:
            data = self._parse_product(body, current=product)
        except ProductRefused as exc:
            return client_message(500, str(exc), [("productNo", prdNo)])
        self._store_product(prdNo, data)
        return client_message(200, "상품이 정상적으로 수정되었습니다.", [("productNo", prdNo)])

    def product_detail(self, request: Request, prdNo: str) -> Response:
        product = self.products.get(prdNo)
        if product is None:
            return client_message(500, "존재하지 않는 상품번호입니다.")
        return xml_response(f"<Product>{fields_xml(self._product_fields(product))}</Product>")

    def product_stocks(self, request: Request, prdNo: str) -> Response:
        """재고조회: one ns2:ProductStock per option (a product without options has one, unnamed)."""
        product = self.products.get(prdNo)
        if product is None:
            return client_message(500, "존재하지 않는 상품번호입니다.")
        rows = []
        for option in self._options_of(prdNo):
            values = option.get("values")
            detail = ",".join(values) if values is not None else option["optNm"]
            row = [
                ("addPrc", option["addPrc"]),
                ("mixDtlOptNm", detail),
                ("mixOptNm", ",".join(product.get("optNames") or []) if detail else ""),
                ("optWght", 0),
                ("prdNo", prdNo),
                ("prdStckNo", option["prdStckNo"]),
                ("prdStckStatCd", "01" if option.get("useYn", "Y") == "Y" and option["stckQty"] > 0 else "02"),
                ("selQty", 0),
                ("sellerStockCd", option.get("sellerStockCd", "")),
                ("stckQty", option["stckQty"]),
            ]
            rows.append(f"<ns2:ProductStock>{fields_xml(row)}</ns2:ProductStock>")
        head = fields_xml([("ns2:prdNo", prdNo), ("ns2:sellerPrdCd", product["sellerPrdCd"])])
        return xml_response(f'<ns2:ProductStocks xmlns:ns2="{NS}">{head}{"".join(rows)}</ns2:ProductStocks>')

    def product_search(self, request: Request) -> Response:
        """상품목록: <SearchProduct> with start (1-based row) and limit (≤500), optional selStatCd and
        sellerPrdCd filters [U]; products in prdNo order, seeded and registered alike."""
        body = read_body(request)
        if body is None or body.tag.rsplit("}", 1)[-1] != "SearchProduct":
            return client_message(500, ERRORS["bad_body"][1])
        start, limit = child_text(body, "start") or "1", child_text(body, "limit") or "100"
        if not (start.isdigit() and int(start) >= 1):
            return client_message(500, "조회 시작 위치(start)가 올바르지 않습니다.")
        if not (limit.isdigit() and 1 <= int(limit) <= MAX_LIST_LIMIT):
            return client_message(500, f"조회 건수(limit)는 1~{MAX_LIST_LIMIT} 사이로 입력하세요.")
        status, seller = child_text(body, "selStatCd"), child_text(body, "sellerPrdCd")
        found = []
        for prd_no in sorted(self.products):
            product = self.products[prd_no]
            if seller and product["sellerPrdCd"] != seller:
                continue
            fields = self._product_fields(product)
            if status and dict(fields)["selStatCd"] != status:
                continue
            found.append(f"<ns2:product>{fields_xml(fields)}</ns2:product>")
        first = int(start) - 1
        return self.list_body("ns2:products", found[first : first + int(limit)])

    def _options_of(self, prd_no: str) -> list[dict[str, Any]]:
        return [option for option in self.options.values() if option["prdNo"] == prd_no]

    def _sale_status(self, product: dict[str, Any]) -> str:
        if not product.get("display", True):
            return "105"
        end = product.get("aplEndDy")
        if end is not None and end < self.now().astimezone(KST).date():
            return "106"
        options = self._options_of(product["prdNo"])
        if not any(o.get("useYn", "Y") == "Y" and o["stckQty"] > 0 for o in options):
            return "104"
        return "103"

    def _product_fields(self, product: dict[str, Any]) -> list[tuple[str, Any]]:
        status = self._sale_status(product)
        begin, end = product.get("aplBgnDy"), product.get("aplEndDy")
        return [
            ("prdNo", product["prdNo"]),
            ("prdNm", product["prdNm"]),
            ("sellerPrdCd", product["sellerPrdCd"]),
            ("dispCtgrNo", product.get("dispCtgrNo", SEED_CATEGORY)),
            ("brand", product.get("brand")),
            ("selPrc", product["selPrc"]),
            ("maktPrc", product.get("maktPrc") or None),
            ("selStatCd", status),
            ("selStatNm", SALE_STATUS_NAMES[status]),
            ("prdSelQty", sum(option["stckQty"] for option in self._options_of(product["prdNo"]))),
            ("aplBgnDy", begin.strftime("%Y/%m/%d") if begin else None),
            ("aplEndDy", end.strftime("%Y/%m/%d") if end else None),
        ]

    def _store_product(self, prd_no: str, data: dict[str, Any]) -> None:
        product = self.products.setdefault(prd_no, {"prdNo": prd_no, "display": True})
        product.update(
            prdNm=data["prdNm"],
            sellerPrdCd=data["sellerPrdCd"],
            selPrc=data["selPrc"],
            maktPrc=data["maktPrc"],
            dispCtgrNo=data["dispCtgrNo"],
            brand=data["brand"],
            optNames=data["option_names"],
            aplBgnDy=data["aplBgnDy"],
            aplEndDy=data["aplEndDy"],
            registered=data,
        )
        old = self._options_of(prd_no)
        by_code = {o["sellerStockCd"]: o for o in old if o.get("sellerStockCd")}
        by_values = {tuple(o["values"]) if "values" in o else (o["optNm"],): o for o in old}
        rows = data["options"] or [
            {"values": (), "addPrc": 0, "qty": data["prdSelQty"], "sellerStockCd": "", "useYn": "Y"}
        ]
        kept: set[str] = set()
        for row in rows:
            match = (by_code.get(row["sellerStockCd"]) if row["sellerStockCd"] else None) or by_values.get(
                row["values"]
            )
            if match is not None and match["prdStckNo"] not in kept:
                stck_no = match["prdStckNo"]
            else:
                self.stock_seq += 1
                stck_no = str(self.stock_seq)
                self.option_ids.append(stck_no)
            kept.add(stck_no)
            self.options[stck_no] = {
                "prdStckNo": stck_no,
                "prdNo": prd_no,
                "optNm": ",".join(row["values"]),
                "values": row["values"],
                "sellerCd": row["sellerStockCd"] or data["sellerPrdCd"],
                "sellerStockCd": row["sellerStockCd"],
                "price": data["selPrc"] + row["addPrc"],
                "addPrc": row["addPrc"],
                "stckQty": row["qty"],
                "useYn": row["useYn"],
            }
        for option in old:
            if option["prdStckNo"] not in kept:
                del self.options[option["prdStckNo"]]
                self.option_ids.remove(option["prdStckNo"])

    # -- validation (ProductRefused → ClientMessage resultCode 500) --------------------------------

    def _parse_product(self, body, current: dict[str, Any] | None = None) -> dict[str, Any]:
        def text(name: str) -> str:
            return child_text(body, name)

        if text("selMthdCd") != "01":
            raise ProductRefused("판매방식(selMthdCd)은 01(고정가 판매)만 등록할 수 있습니다.")
        category = text("dispCtgrNo")
        if not re.fullmatch(r"[1-9]\d{0,9}", category):
            raise ProductRefused(
                "카테고리 번호(dispCtgrNo)가 올바르지 않습니다. 세카테고리(없으면 소카테고리)를 입력하세요."
            )
        if text("prdTypCd") != "01":
            raise ProductRefused("서비스 상품코드(prdTypCd)가 올바르지 않습니다.")
        name = text("prdNm")
        if not name:
            raise ProductRefused("상품명(prdNm)을 입력하세요.")
        if eleven_bytes(name) > PRODUCT_NAME_BYTES:
            raise ProductRefused("상품명은 100Byte(한글 50자, 영문/숫자 100자)까지 입력할 수 있습니다.")
        if not text("brand"):
            raise ProductRefused("브랜드(brand)를 입력하세요. 브랜드가 없으면 '알수없음'을 입력하세요.")
        if text("rmaterialTypCd") not in {"01", "02", "03", "04", "05"}:
            raise ProductRefused("원재료 유형 코드(rmaterialTypCd)가 올바르지 않습니다.")
        origin = text("orgnTypCd")
        if origin in ("01", "02"):
            if not re.fullmatch(r"\d{4}", text("orgnTypDtlsCd")):
                raise ProductRefused("원산지 지역 코드(orgnTypDtlsCd)가 올바르지 않습니다.")
        elif origin == "03":
            if not text("orgnNmVal"):
                raise ProductRefused("원산지 코드가 03(기타)인 경우 원산지명(orgnNmVal)을 입력하세요.")
        else:
            raise ProductRefused("원산지 코드(orgnTypCd)가 올바르지 않습니다.")
        if text("suplDtyfrPrdClfCd") not in {"01", "02", "03"}:
            raise ProductRefused("부가세/면세상품코드(suplDtyfrPrdClfCd)가 올바르지 않습니다.")
        if not text("prdStatCd"):
            raise ProductRefused("상품상태(prdStatCd)를 입력하세요.")
        if text("minorSelCnYn") not in ("Y", "N"):
            raise ProductRefused("미성년자 구매가능(minorSelCnYn)은 Y 또는 N으로 입력하세요.")
        images = [text(f"prdImage0{n}") for n in (1, 2, 3, 4)]
        if not images[0]:
            raise ProductRefused("대표 이미지(prdImage01)를 입력하세요.")
        for url in images:
            if url and not re.match(r"https?://\S+$", url):
                raise ProductRefused(f"이미지 URL이 올바르지 않습니다: {url}")
        if not text("htmlDetail"):
            raise ProductRefused("상세설명(htmlDetail)을 입력하세요.")
        price = won(text("selPrc"), "판매가(selPrc)", minimum=10)
        if price >= PRICE_LIMIT:
            raise ProductRefused("판매가는 10원 단위로, 최대 10억 원 미만으로 입력 가능합니다.")
        market = won(text("maktPrc"), "정가(maktPrc)", required=False)
        if market and market < price:
            raise ProductRefused("정가(maktPrc)는 판매가(selPrc)보다 낮을 수 없습니다.")
        if current is not None and (price * 2 > current["selPrc"] * 3 or price * 5 < current["selPrc"]):
            raise ProductRefused("판매가 정보 수정 시, 최대 50% 인상/80% 인하까지 수정 가능합니다.")
        begin = end = None
        if text("selTermUseYn") == "Y" or text("selPrdClfCd"):
            if not text("aplBgnDy"):
                raise ProductRefused("판매시작일(aplBgnDy)이 누락되었습니다.")
            begin = slash_day(text("aplBgnDy"))
            end = slash_day(text("aplEndDy") or "2999/12/31")
            if begin is None or end is None or end < begin:
                raise ProductRefused("판매기간(aplBgnDy, aplEndDy)이 올바르지 않습니다. (yyyy/MM/dd)")
        names, options = self._parse_options(body, price)
        stock = 0
        if not options:
            stock_text = text("prdSelQty")
            if not stock_text.isdigit() or not 1 <= int(stock_text) <= 99_999_999:
                raise ProductRefused("재고수량(prdSelQty)은 1개 이상 입력하세요.")
            stock = int(stock_text)
        limit_type = text("selLimitTypCd") or "00"
        if limit_type not in ("00", "01", "02"):
            raise ProductRefused("최대구매수량 설정(selLimitTypCd)이 올바르지 않습니다.")
        if limit_type != "00":
            count(text("selLimitQty"), "최대구매수량(selLimitQty)", minimum=1)
        if limit_type == "02":
            count(text("townSelLmtDy"), "최대구매수량 제한 기간(townSelLmtDy, 1~30일)", minimum=1, maximum=30)
        self._check_shipping(body)
        notice = self._parse_notice(body)
        certs = self._parse_certs(body)
        return {
            "prdNm": name,
            "dispCtgrNo": category,
            "brand": text("brand"),
            "sellerPrdCd": text("sellerPrdCd"),
            "selPrc": price,
            "maktPrc": market,
            "aplBgnDy": begin,
            "aplEndDy": end,
            "option_names": names,
            "options": options,
            "prdSelQty": stock,
            "notice": notice,
            "certs": certs,
            "dlvCstInstBasiCd": text("dlvCstInstBasiCd"),
        }

    def _check_option_text(self, value: str, what: str, max_bytes: int) -> None:
        if not value:
            raise ProductRefused(f"{what}을(를) 입력하세요.")
        if eleven_bytes(value) > max_bytes:
            raise ProductRefused(f"{what}은(는) {max_bytes}Byte 까지만 입력가능합니다: {value}")
        if set(value) & OPTION_FORBIDDEN:
            raise ProductRefused(f"{what}에는 특수 문자[',\",%,&,<,>,#,†,콤마]를 입력할 수 없습니다: {value}")

    def _option_row(self, item, values: tuple[str, ...], quantity: str, price: int) -> dict[str, Any]:
        use = child_text(item, "useYn") or "Y"
        if use not in ("Y", "N"):
            raise ProductRefused("옵션상태(useYn)는 Y 또는 N으로 입력하세요.")
        extra_text = child_text(item, "colOptPrice")
        if not re.fullmatch(r"-?\d{1,10}", extra_text):
            raise ProductRefused("옵션가(colOptPrice)를 입력하세요.")
        extra = int(extra_text)
        if extra % 10:
            raise ProductRefused("옵션가(colOptPrice)는 10원 단위로 입력하세요.")
        if extra > price or extra * 2 < -price:
            raise ProductRefused("옵션가는 기본 판매가의 +100%/-50%까지 설정하실 수 있습니다.")
        if not re.fullmatch(r"\d{1,9}", quantity):
            raise ProductRefused("옵션재고수량(colCount)을 입력하세요.")
        if int(quantity) == 0 and use == "Y":
            raise ProductRefused("옵션재고수량은 옵션상태(useYn)가 N일 때만 0 입력 가능합니다.")
        return {
            "values": values,
            "addPrc": extra,
            "qty": int(quantity),
            "sellerStockCd": child_text(item, "colSellerStockCd"),
            "useYn": use,
        }

    def _parse_options(self, body, price: int) -> tuple[list[str], list[dict[str, Any]]]:
        if child_text(body, "optSelectYn") != "Y":
            if children(body, "ProductOption") or children(body, "ProductRootOption"):
                raise ProductRefused("옵션을 등록하시려면 선택형 옵션 여부(optSelectYn)를 Y로 입력하세요.")
            return [], []
        if child_text(body, "txtColCnt") != "1":
            raise ProductRefused("옵션을 등록하실 경우 txtColCnt는 1(고정값)을 입력하세요.")
        roots = children(body, "ProductRootOption")
        rows = []
        if roots:  # multi option: names and values in ProductRootOption, combinations in ProductOptionExt
            if len(roots) > MAX_OPTION_NAMES:
                raise ProductRefused("조합형 옵션은 최대 3개의 옵션명까지 등록할 수 있습니다.")
            ext = child(body, "ProductOptionExt")
            items = children(ext, "ProductOption") if ext is not None else []
            if len(items) >= MAX_OPTIONS:
                raise ProductRefused(f"옵션은 {MAX_OPTIONS}개 미만으로 등록할 수 있습니다. (요청 {len(items)}개)")
            names, allowed = [], []
            for root in roots:
                title = child_text(root, "colTitle")
                self._check_option_text(title, "옵션명(colTitle)", OPTION_TITLE_BYTES)
                values = [child_text(option, "colValue0") for option in children(root, "ProductOption")]
                if not values:
                    raise ProductRefused(f"옵션값을 입력하세요: {title}")
                for value in values:
                    self._check_option_text(value, "옵션값(colValue0)", OPTION_VALUE_BYTES)
                if len(set(values)) != len(values):
                    raise ProductRefused("한 상품안에서 옵션값은 중복이 될수 없습니다.")
                names.append(title)
                allowed.append(set(values))
            if len(set(names)) != len(names):
                raise ProductRefused("옵션명은 중복될 수 없습니다.")
            if not items:
                raise ProductRefused("조합형 옵션(ProductOptionExt)을 입력하세요.")
            for item in items:
                key = child_text(item, "optionMappingKey")
                pairs = [part.split(":", 1) for part in key.split("†")] if key else []
                if (
                    len(pairs) != len(names)
                    or any(len(pair) != 2 for pair in pairs)
                    or [pair[0] for pair in pairs] != names
                    or any(pair[1] not in allowed[n] for n, pair in enumerate(pairs))
                ):
                    raise ProductRefused(f"옵션매핑Key(optionMappingKey)가 등록한 옵션명/옵션값과 맞지 않습니다: {key}")
                quantity = child_text(item, "colOptCount") or child_text(item, "colCount")
                rows.append(self._option_row(item, tuple(pair[1] for pair in pairs), quantity, price))
        else:  # single option: colTitle + ProductOption list
            items = children(body, "ProductOption")
            if len(items) >= MAX_OPTIONS:
                raise ProductRefused(f"옵션은 {MAX_OPTIONS}개 미만으로 등록할 수 있습니다. (요청 {len(items)}개)")
            title = child_text(body, "colTitle")
            self._check_option_text(title, "옵션명(colTitle)", OPTION_TITLE_BYTES)
            if not items:
                raise ProductRefused("옵션(ProductOption)을 입력하세요.")
            names = [title]
            for item in items:
                value = child_text(item, "colValue0")
                self._check_option_text(value, "옵션값(colValue0)", OPTION_VALUE_BYTES)
                rows.append(self._option_row(item, (value,), child_text(item, "colCount"), price))
        if len({row["values"] for row in rows}) != len(rows):
            raise ProductRefused("한 상품안에서 옵션값은 중복이 될수 없습니다.")
        codes = [row["sellerStockCd"] for row in rows if row["sellerStockCd"]]
        if len(set(codes)) != len(codes):
            raise ProductRefused("셀러재고번호(colSellerStockCd)가 중복되었습니다.")
        if not any(row["addPrc"] == 0 for row in rows):
            raise ProductRefused("옵션가격이 0원인 상품이 반드시 1개 이상 있어야 합니다.")
        return names, rows

    def _check_shipping(self, body) -> None:
        def text(name: str) -> str:
            return child_text(body, name)

        if text("dlvCnAreaCd") not in {"01", "02", "03"}:
            raise ProductRefused("배송가능지역(dlvCnAreaCd)이 올바르지 않습니다.")
        if text("dlvWyCd") not in {"01", "02", "03", "04", "05"}:
            raise ProductRefused("배송방법(dlvWyCd)이 올바르지 않습니다.")
        if text("dlvEtprsCd") and text("dlvEtprsCd") not in COURIERS:
            raise ProductRefused(ERRORS["bad_courier"][1])
        template = text("dlvSendCloseTmpltNo")
        if template and template not in self.send_close:
            raise ProductRefused("발송마감 템플릿(dlvSendCloseTmpltNo)이 존재하지 않습니다.")
        kind = text("dlvCstInstBasiCd")
        if kind not in FEE_TYPES:
            raise ProductRefused("배송비 종류(dlvCstInstBasiCd)가 올바르지 않습니다.")
        if kind in ("02", "03"):
            won(text("dlvCst1"), "배송비(dlvCst1)", minimum=10)
        if kind == "03":
            won(text("PrdFrDlvBasiAmt"), "조건부 무료 기준금액(PrdFrDlvBasiAmt)", minimum=10)
            if text("bndlDlvCnYn") != "N":  # the text of a real refusal [S]
                raise ProductRefused(
                    "상품 조건부 무료일 경우 묶음배송이 불가능합니다. <bndlDlvCnYn/> 를 N으로 설정해주세요."
                )
        if kind == "04":
            self._check_tiers(text("dlvCnt1"), text("dlvCnt2"), text("dlvCst3"))
        if kind == "05":
            won(text("dlvCst4"), "1개당 배송비(dlvCst4)", minimum=10)
        if text("bndlDlvCnYn") not in ("Y", "N"):
            raise ProductRefused("묶음배송 여부(bndlDlvCnYn)는 Y 또는 N으로 입력하세요.")
        if text("dlvCstPayTypCd") not in ("01", "02", "03"):
            raise ProductRefused("배송비 결제방식(dlvCstPayTypCd)이 올바르지 않습니다.")
        won(text("jejuDlvCst"), "제주 추가 배송비(jejuDlvCst)")
        won(text("islandDlvCst"), "도서산간 추가 배송비(islandDlvCst)")
        if text("addrSeqOut") not in self.addresses["out"]:
            raise ProductRefused(
                "출고지 주소(addrSeqOut)가 존재하지 않습니다. 출고지 조회 API로 주소번호를 확인하세요."
            )
        if text("addrSeqIn") not in self.addresses["in"]:
            raise ProductRefused(
                "반품/교환지 주소(addrSeqIn)가 존재하지 않습니다. 반품지 조회 API로 주소번호를 확인하세요."
            )
        won(text("rtngdDlvCst"), "반품배송비(rtngdDlvCst)")
        won(text("exchDlvCst"), "교환배송비(exchDlvCst)")
        if not text("asDetail"):
            raise ProductRefused("A/S 안내(asDetail)를 입력하세요.")
        if not text("rtngExchDetail"):
            raise ProductRefused("반품/교환 안내(rtngExchDetail)를 입력하세요.")

    @staticmethod
    def _check_tiers(starts_text: str, ends_text: str, fees_text: str) -> None:
        refused = ProductRefused("수량별 차등 배송비(dlvCnt1, dlvCnt2, dlvCst3)가 올바르지 않습니다.")
        try:
            starts = [int(v) for v in starts_text.split("^")]
            ends = [int(v) for v in ends_text.split("^")] if ends_text else []
            fees = [int(v) for v in fees_text.split("^")]
        except ValueError:
            raise refused from None
        if not 1 <= len(starts) <= 10 or len(fees) != len(starts) or len(ends) != len(starts) - 1 or starts[0] != 1:
            raise refused
        for n, end in enumerate(ends):
            if end < starts[n] or starts[n + 1] != end + 1:
                raise refused
        if any(fee < 0 or fee % 10 for fee in fees):
            raise ProductRefused("수량별 차등 배송비(dlvCst3)는 10원 단위로 입력하세요.")

    def _parse_notice(self, body) -> dict[str, Any]:
        node = child(body, "ProductNotification")
        if node is None:
            raise ProductRefused("상품정보제공고시(ProductNotification)를 입력하세요.")
        kind = child_text(node, "type")
        if kind not in NOTICE_ITEMS:
            raise ProductRefused(f"상품정보제공고시 유형(type)이 올바르지 않습니다: {kind}")
        items: dict[str, str] = {}
        for item in children(node, "item"):
            code, value = child_text(item, "code"), child_text(item, "name")
            if code not in NOTICE_ITEMS[kind]:
                raise ProductRefused(f"상품정보제공고시 항목 코드({code})가 유형({kind})에 없습니다.")
            if not value:
                raise ProductRefused(f"상품정보제공고시 항목({code}) 값을 입력하세요.")
            if len(value) > NOTICE_VALUE_MAX:
                raise ProductRefused(f"상품정보제공고시 항목({code}) 값은 띄어쓰기 포함 50자 이내로 입력하세요.")
            items[code] = value
        missing = NOTICE_ITEMS[kind] - items.keys()
        if missing:
            raise ProductRefused(f"상품정보제공고시 필수 항목이 누락되었습니다: {', '.join(sorted(missing))}")
        return {"type": kind, "items": items}

    def _parse_certs(self, body) -> list[dict[str, str]]:
        certs = []
        for group in children(body, "ProductCertGroup"):
            kind, target = child_text(group, "crtfGrpTypCd"), child_text(group, "crtfGrpObjClfCd")
            if kind not in CERT_GROUP_OBJECTS or target not in CERT_GROUP_OBJECTS[kind]:
                raise ProductRefused("인증정보그룹(crtfGrpTypCd, crtfGrpObjClfCd)이 올바르지 않습니다.")
            found = children(group, "ProductCert")
            if target in ("01", "04") and not found:
                raise ProductRefused("인증대상인 경우 인증정보(ProductCert)를 입력하세요.")
            for cert in found:
                code, key = child_text(cert, "certTypeCd"), child_text(cert, "certKey")
                if code not in CERT_TYPES[kind]:
                    raise ProductRefused(f"인증유형(certTypeCd)이 올바르지 않습니다: {code}")
                if not key and code not in CERT_KEY_NOT_NEEDED:
                    raise ProductRefused("인증번호(certKey)를 입력하세요.")
                certs.append({"group": kind, "certTypeCd": code, "certKey": key})
        return certs

    def stockqty(self, request: Request, prdStckNo: str) -> Response:
        option = self.options.get(prdStckNo)
        if option is None:
            return client_message(500, "존재하지 않는 재고번호입니다.")
        body = read_body(request)
        if body is None:
            return client_message(500, ERRORS["bad_body"][1])
        qty = child_text(body, "stckQty")
        if child_text(body, "prdStckNo") not in ("", prdStckNo) or not qty.isdigit() or int(qty) > 999999:
            return client_message(500, "재고수량이 올바르지 않습니다.", [("productNo", option["prdNo"])])
        option["stckQty"] = int(qty)
        return client_message(200, "재고수량이 수정되었습니다.", [("productNo", option["prdNo"])])

    def price(self, request: Request, prdNo: str, selPrc: str) -> Response:
        product = self.products.get(prdNo)
        if product is None:
            return client_message(500, "존재하지 않는 상품번호입니다.")
        if not selPrc.isdigit() or int(selPrc) < 10 or int(selPrc) % 10:
            return client_message(500, "판매가는 10원 단위로 입력하세요.", [("productNo", prdNo)])  # [U]
        product["selPrc"] = int(selPrc)
        for option in self.options.values():  # an option is priced sale price + addPrc
            if option["prdNo"] == prdNo:
                option["price"] = int(selPrc) + option["addPrc"]
        return client_message(200, "판매가가 수정되었습니다.", [("productNo", prdNo)])

    def _display(self, prd_no: str, on: bool) -> Response:
        product = self.products.get(prd_no)
        if product is None:
            return client_message(500, "존재하지 않는 상품번호입니다.")
        product["display"] = on
        return client_message(
            200, "판매재개 처리되었습니다." if on else "판매중지 처리되었습니다.", [("productNo", prd_no)]
        )

    def stopdisplay(self, request: Request, prdNo: str) -> Response:
        return self._display(prdNo, False)

    def restartdisplay(self, request: Request, prdNo: str) -> Response:
        return self._display(prdNo, True)

    # -- templates -----------------------------------------------------------------------------

    def _address_list(self, kind: str) -> Response:
        found = []
        for addr in self.addresses[kind].values():
            full = f"({addr['mailNO']}) {addr['baseAddr']} {addr['dtlsAddr']}".strip()
            found.append(f"<ns2:inOutAddress>{fields_xml([*addr.items(), ('addr', full)])}</ns2:inOutAddress>")
        return self.list_body("ns2:inOutAddresss", found)  # sic: "Addresss" ([S] a Node client)

    def outboundarea(self, request: Request) -> Response:
        return self._address_list("out")

    def inboundarea(self, request: Request) -> Response:
        return self._address_list("in")

    def save_address(self, request: Request, action: str) -> Response:
        actions = {
            "registerOutAddress": ("out", False),
            "registerRtnAddress": ("in", False),
            "updateOutAddress": ("out", True),
            "updateRtnAddress": ("in", True),
        }
        if action not in actions:
            return self.error(404, "NOT_FOUND", f"POST /areaservice/v2/{action}")
        kind, update = actions[action]
        body = read_body(request)
        if body is None:
            return self.fail("bad_body")
        names = ("addrNm", "rcvrNm", "gnrlTlphnNo", "prtblTlphnNo", "mailNO", "baseAddr", "dtlsAddr")
        data = {name: child_text(body, name) for name in names}
        phone_ok = any(re.fullmatch(r"[\d-]{9,14}", data[n]) for n in ("gnrlTlphnNo", "prtblTlphnNo"))
        if not (
            data["addrNm"]
            and data["rcvrNm"]
            and data["baseAddr"]
            and re.fullmatch(r"\d{5}", data["mailNO"])
            and phone_ok
        ):
            return self.fail("addr_invalid")
        if update:
            seq = child_text(body, "addrSeq")
            if seq not in self.addresses[kind]:
                return self.fail("addr_missing")
        else:
            self.addr_seq += 1
            seq = str(self.addr_seq)
        self.addresses[kind][seq] = {"addrSeq": seq, **data}
        return result_response("0", "정상 처리되었습니다.", root="ns2:result", extra=[("addrSeq", seq)])

    def send_close_list(self, request: Request) -> Response:
        found = [f"<templateBOList>{fields_xml(t.items())}</templateBOList>" for t in self.send_close.values()]
        return self.list_body("productInformationTemplateList", found)

    def _save_send_close(self, request: Request, number: str | None) -> Response:
        body = read_body(request)
        if body is None:
            return client_message(500, ERRORS["bad_body"][1])
        name = child_text(body, "prdInfoTmpltNm")
        cutoff = child_text(body, "sendCloseTm")
        days = child_text(body, "dlvSndDueDd")
        if not name:
            return client_message(500, "템플릿명을 입력하세요.")
        if cutoff and not (re.fullmatch(r"\d{4}", cutoff) and int(cutoff[:2]) < 24 and int(cutoff[2:]) < 60):
            return client_message(500, "발송마감 시간이 올바르지 않습니다.")
        if days and not (days.isdigit() and int(days) <= 15):
            return client_message(500, "발송예정일이 올바르지 않습니다.")
        if number is None:
            self.template_seq += 1
            number = str(self.template_seq)
        elif number not in self.send_close:
            return client_message(500, "존재하지 않는 템플릿입니다.")
        current = self.send_close.get(number, {})
        self.send_close[number] = {
            "prdInfoTmpltNo": number,
            "prdInfoTmpltNm": name,
            "sendCloseTm": cutoff or current.get("sendCloseTm", "1400"),
            "dlvSndDueDd": days or current.get("dlvSndDueDd", "1"),
        }
        return client_message(200, "정상 처리되었습니다.", [("prdInfoTmpltNo", number)])

    def send_close_create(self, request: Request) -> Response:
        return self._save_send_close(request, None)

    def send_close_update(self, request: Request, no: str) -> Response:
        return self._save_send_close(request, no)

    # -- settlement ----------------------------------------------------------------------------

    def settlement_list(self, request: Request, start: str, end: str) -> Response:
        s, e = parse_day(start), parse_day(end)
        if s is None or e is None:
            return list_error("ns2:settlementList", "bad_date")
        if e < s:
            return list_error("ns2:settlementList", "reversed")
        if (e - s).days >= MAX_SETTLEMENT_DAYS:
            return list_error("ns2:settlementList", "long_window")
        now = self.now()
        lo_dt = datetime.combine(s, datetime.min.time(), tzinfo=KST)
        hi_dt = datetime.combine(e + timedelta(days=1), datetime.min.time(), tzinfo=KST)
        entries = self.index["901"]
        found = []
        for when, _tick, key in entries[bisect.bisect_left(entries, (lo_dt,)) : bisect.bisect_left(entries, (hi_dt,))]:
            line = self.lines[key]
            if when > now or self.effective(line, now) != ("901", when):
                continue
            amount = line["ordPayAmt"]
            fee = amount * 12 // 100 // 10 * 10
            row = [
                ("ordNo", line["ordNo"]),
                ("ordPrdSeq", line["ordPrdSeq"]),
                ("prdNo", line["prdNo"]),
                ("prdNm", line["prdNm"]),
                ("ordQty", line["ordQty"]),
                ("stlClfCd", "01"),
                ("selAmt", amount),
                ("selFee", fee),
                ("stlAmt", amount - fee),
                ("pocnfrmDt", when.strftime("%Y-%m-%d")),
                ("stlPlnDt", (when + timedelta(days=2)).strftime("%Y-%m-%d")),
            ]
            found.append(f"<ns2:settlement>{fields_xml(row)}</ns2:settlement>")
        return self.list_body("ns2:settlementList", found)

    # -- summary -------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        now = self.now()
        lines = Counter(self.effective(line, now)[0] for line in self.lines.values())
        claims = Counter(f"{claim['kind']}:{claim['stat']}" for claim in self.claims.values())
        answered = sum(1 for qna in self.qnas.values() if qna["answerYn"] == "Y")
        return {
            "orders": len(self.orders),
            "lines_by_status": dict(sorted(lines.items())),
            "claims": dict(sorted(claims.items())),
            "inquiries": {"answered": answered, "unanswered": len(self.qnas) - answered},
            "products": {
                prd_no: {"selPrc": p["selPrc"], "display": p["display"]} for prd_no, p in self.products.items()
            },
        }
