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
            }
            for option in product.options:
                self.options[option.option_id] = {
                    "prdStckNo": option.option_id,
                    "prdNo": product.product_id,
                    "optNm": option.name,
                    "sellerCd": option.seller_code,
                    "price": option.price,
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
                    option = self.options[rng.choice(self.option_ids)]
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
