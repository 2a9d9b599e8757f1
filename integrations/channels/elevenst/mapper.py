"""Pure translation between 11번가 XML and the neutral dataclasses (no I/O, no Django).

Facts come from shared/reference/channels.md §3 (tagged there) and §9. Where the reference is silent
we chose element names and codes and mark them ``[U]``; the simulator (integrations/sandbox/
elevenst.py) uses the very same names, so adapter and simulator stay consistent.

XML handling
- Bodies are declared ``euc-kr`` (``<?xml version="1.0" encoding="euc-kr"?>`` and/or
  ``Content-Type: text/xml;charset=EUC-KR``). Python's expat cannot parse multi-byte encodings, so
  we decode to ``str`` ourselves (by the declared charset; ``cp949`` — the superset Korean servers
  really send — as fallback) and then parse with ``defusedxml`` (no entity expansion / XXE).
- List responses use the namespace prefix ``ns2`` (``ns2:orders/ns2:order``) while the children of
  a row are unqualified; we compare *local* names only, so both forms parse.
- The single-object-vs-array quirk (one row ⇒ one element, many ⇒ repeated elements, none ⇒ only a
  ``result_code``/``result_text``) is handled by always collecting rows into a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from defusedxml.ElementTree import fromstring

from ..base import (
    Address,
    ChannelClaim,
    ChannelInquiry,
    ChannelOrder,
    ChannelOrderLine,
    ChannelTemplate,
    ClaimState,
    ClaimType,
    CourierCode,
    InquiryKind,
    LineState,
    Person,
    SettlementLine,
    TemplateKind,
    Window,
)

KST = timezone(timedelta(hours=9))
NS = "http://skt.tmall.business.openapi.spring.service.client.domain/"
DECLARED_CHARSET = "euc-kr"

# ---------------------------------------------------------------------------------------------
# Tables (data, not code)
# ---------------------------------------------------------------------------------------------

# The order lists fetch_orders calls, in state order (a later list wins when a line shows up twice).
ORDER_LISTS: tuple[str, ...] = ("complete", "packaging", "shipping", "dlvcompleted", "completed")

# The state a list stands for (§3.3 / §9.2).
ORDER_LIST_STATES: dict[str, LineState] = {
    "complete": LineState.PAID,  # 결제완료 (202): new, to acknowledge
    "packaging": LineState.ACKNOWLEDGED,  # 배송준비중 (301)
    "shipping": LineState.SHIPPED,  # 배송중 (401); 11번가 does not tell SHIPPED from IN_TRANSIT
    "dlvcompleted": LineState.DELIVERED,  # 배송완료 (501)
    "completed": LineState.PURCHASE_CONFIRMED,  # 구매확정 / 판매완료
}

# ``ordPrdStat`` codes when a row carries one (seller-office codes §3.3; 901 for 구매확정 is [U]).
ORDER_STATUS: dict[str, LineState] = {
    "202": LineState.PAID,
    "301": LineState.ACKNOWLEDGED,
    "401": LineState.SHIPPED,
    "501": LineState.DELIVERED,
    "901": LineState.PURCHASE_CONFIRMED,  # [U]
}
LIST_STATUS_CODE: dict[str, str] = {
    "complete": "202",
    "packaging": "301",
    "shipping": "401",
    "dlvcompleted": "501",
    "completed": "901",
}

# Claim lists: path → (claim type, state when the row carries no status code).
# The request lists are named in §3.2; done/withdrawn lists too. Rejected claims (03/107/232) are
# in none of them: the seller rejected them, so our side already knows.
CLAIM_LISTS: dict[str, tuple[ClaimType, ClaimState]] = {
    "cancelorders": (ClaimType.CANCEL, ClaimState.REQUESTED),
    "canceledorders": (ClaimType.CANCEL, ClaimState.COMPLETED),
    "withdrawcanceledorders": (ClaimType.CANCEL, ClaimState.WITHDRAWN_BY_BUYER),
    "returnorders": (ClaimType.RETURN, ClaimState.REQUESTED),
    "returnedorders": (ClaimType.RETURN, ClaimState.COMPLETED),
    "retractretorders": (ClaimType.RETURN, ClaimState.WITHDRAWN_BY_BUYER),
    "exchangeorders": (ClaimType.EXCHANGE, ClaimState.REQUESTED),
    "exchangedorders": (ClaimType.EXCHANGE, ClaimState.COMPLETED),
    "retractexcorders": (ClaimType.EXCHANGE, ClaimState.WITHDRAWN_BY_BUYER),
}

# Claim status codes (§3.3; 04 and 107 are [U]: the reference lists no code for a withdrawn cancel
# request or a seller-rejected return).
CLAIM_STATUS: dict[str, tuple[ClaimType, ClaimState]] = {
    "01": (ClaimType.CANCEL, ClaimState.REQUESTED),  # 취소신청
    "02": (ClaimType.CANCEL, ClaimState.COMPLETED),  # 취소완료
    "03": (ClaimType.CANCEL, ClaimState.REJECTED_BY_SELLER),  # 취소거부
    "04": (ClaimType.CANCEL, ClaimState.WITHDRAWN_BY_BUYER),  # 취소신청철회 [U]
    "105": (ClaimType.RETURN, ClaimState.REQUESTED),  # 반품신청
    "104": (ClaimType.RETURN, ClaimState.IN_PROGRESS),  # 반품보류
    "106": (ClaimType.RETURN, ClaimState.COMPLETED),  # 반품완료
    "107": (ClaimType.RETURN, ClaimState.REJECTED_BY_SELLER),  # 반품거부 [U]
    "108": (ClaimType.RETURN, ClaimState.WITHDRAWN_BY_BUYER),  # 반품신청취소
    "109": (ClaimType.RETURN, ClaimState.IN_PROGRESS),  # 반품완료보류
    "201": (ClaimType.EXCHANGE, ClaimState.REQUESTED),  # 교환신청
    "212": (ClaimType.EXCHANGE, ClaimState.IN_PROGRESS),  # 교환승인
    "214": (ClaimType.EXCHANGE, ClaimState.IN_PROGRESS),  # 교환보류
    "221": (ClaimType.EXCHANGE, ClaimState.COMPLETED),  # 교환발송완료
    "232": (ClaimType.EXCHANGE, ClaimState.REJECTED_BY_SELLER),  # 교환거부
    "233": (ClaimType.EXCHANGE, ClaimState.WITHDRAWN_BY_BUYER),  # 교환신청취소
}

# Status element and claim sequence element per claim type ([U] names, shared with the simulator).
CLAIM_FIELDS: dict[ClaimType, dict[str, str]] = {
    ClaimType.CANCEL: {
        "status": "ordCnStatCd",
        "seq": "ordPrdCnSeq",
        "reason": "ordCnRsnCd",
        "detail": "ordCnDtlsRsn",
        "qty": "ordCnQty",
        "requested": "createDt",
        "completed": "cnCmplDt",
        "prefix": "C",
    },
    ClaimType.RETURN: {
        "status": "clmStat",
        "seq": "clmReqSeq",
        "reason": "clmReqRsn",
        "detail": "clmReqCont",
        "qty": "clmReqQty",
        "requested": "reqDt",
        "completed": "clmCmplDt",
        "prefix": "R",
    },
    ClaimType.EXCHANGE: {
        "status": "clmStat",
        "seq": "clmReqSeq",
        "reason": "clmReqRsn",
        "detail": "clmReqCont",
        "qty": "clmReqQty",
        "requested": "reqDt",
        "completed": "clmCmplDt",
        "prefix": "E",
    },
}

# Neutral courier → 11번가 ``dlvEtprsCd`` (§3.3 / §9.4). Only codes the reference names; LOGEN is [U].
COURIER_TO_ELEVENST: dict[CourierCode, str] = {
    CourierCode.CJ: "00034",
    CourierCode.HANJIN: "00011",
    CourierCode.LOTTE: "00012",
    CourierCode.EPOST: "00007",
    CourierCode.LOGEN: "00002",
    CourierCode.OTHER: "00099",
}
COURIER_FROM_ELEVENST: dict[str, CourierCode] = {code: courier for courier, code in COURIER_TO_ELEVENST.items()}
COURIER_FROM_ELEVENST["00037"] = CourierCode.OTHER  # 건영택배: no neutral code

# dlvMthdCd (§3.3): 01 택배, 03 직접(화물), 04 퀵, 05 배송없음.
DLV_METHOD_PARCEL = "01"
DLV_METHOD_DIRECT = "03"
# For direct delivery the path still needs courier and invoice segments; a Ruby client sends the
# literal "null" there [S]. We do the same.
DIRECT_PLACEHOLDER = "null"

# Seller-cancel reasons ``ordCnRsnCd`` (§3.3) and the default detail text for the path.
SELLER_CANCEL_REASONS: dict[str, str] = {
    "06": "배송 지연 예상",
    "07": "상품/가격 정보 오류",
    "08": "전체 옵션 품절",
    "09": "일부 옵션 품절",
    "10": "구매자 변심",
    "99": "기타",
}
# Our reason words → code. Anything else (and empty) → 99 (기타).
SELLER_CANCEL_ALIASES: dict[str, str] = {
    "delay": "06",
    "delayed": "06",
    "shipping_delay": "06",
    "delivery_delay": "06",
    "wrong_info": "07",
    "product_info_error": "07",
    "price_error": "07",
    "wrong_price": "07",
    "sold_out": "08",
    "out_of_stock": "08",
    "option_sold_out": "09",
    "buyer_request": "10",
    "customer_request": "10",
    "changed_mind": "10",
    "other": "99",
    "etc": "99",
}
SELLER_CANCEL_KEYWORDS_KO: tuple[tuple[str, str], ...] = (
    ("옵션", "09"),  # checked before 품절: "옵션 품절" is the partial one
    ("품절", "08"),
    ("재고", "08"),
    ("지연", "06"),
    ("오류", "07"),
    ("변심", "10"),
)

# Claim refusal reason code for returnreqreject/exchangereqreject: the reference gives the parameter
# (refsRsnCd) but no code table; we send 99 (기타) unless told otherwise. [U]
DEFAULT_REFUSAL_CODE = "99"

# Product Q&A ``answerStatus`` path segment ([S]: a PHP client documents 00 all, 01 answered,
# 02 unanswered).
QNA_ALL = "00"

SETTLEMENT_KINDS = {"01": "SALE", "02": "REFUND"}  # stlClfCd [U]

# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------

_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S")
_D_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d")


_FAST_DT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_FAST_D_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


@lru_cache(maxsize=4096)
def parse_dt(value: str | None) -> datetime | None:
    """KST strings ('2026-01-05 13:22:11', '202601051322' …) → aware datetime; junk → None.

    Cached and with a fast path for the usual form: a 20,000-order window repeats few timestamps."""
    text = (value or "").strip()
    if not text:
        return None
    found = _FAST_DT_RE.match(text)
    if found:
        try:
            return datetime(*map(int, found.groups()), tzinfo=KST)
        except ValueError:
            return None
    text = text.split(".")[0]  # '2026-01-05 13:22:11.0' (Oracle-style) [U]
    if text.isdigit():  # by length: strptime would read '202603100941' as 09:04:01
        digit_formats = {14: "%Y%m%d%H%M%S", 12: "%Y%m%d%H%M"}
        if len(text) in digit_formats:
            try:
                return datetime.strptime(text, digit_formats[len(text)]).replace(tzinfo=KST)
            except ValueError:
                return None
    for fmt in _DT_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=KST)
        except ValueError:
            continue
    day = parse_date(text)
    return datetime.combine(day, time(0), tzinfo=KST) if day else None


@lru_cache(maxsize=4096)
def parse_date(value: str | None) -> date | None:
    """'2026-01-05', '20260105', '2026-01-05 13:22:11' → date; junk → None."""
    text = (value or "").strip()
    text = text[:10] if text[4:5] in ("-", "/") else text[:8]
    found = _FAST_D_RE.match(text)
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            return None
    for fmt in _D_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=KST).date()
        except ValueError:
            continue
    return None


def fmt_minute(dt: datetime) -> str:
    """Aware datetime → 'yyyyMMddHHmm' in KST (order/claim list paths, sendDt)."""
    return dt.astimezone(KST).strftime("%Y%m%d%H%M")


def fmt_day(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = day.astimezone(KST).date()
    return day.strftime("%Y%m%d")


def minute_windows(window: Window, max_days: int) -> list[tuple[str, str]]:
    """Splits [start, end) into 'yyyyMMddHHmm' pairs the channel accepts.

    11번가 filters whole minutes and (we assume) includes the end minute, so each sub-window ends one
    minute before the next begins. The last one ends on ``end``'s own minute: a row stamped exactly
    at ``end`` (or later within that minute) is fetched now *and* by the next window, which the
    engine dedups — never lost when the simulator's or the channel's clock equals our ``end``.
    Every pair spans less than ``max_days`` days, the channel's limit.
    """
    start = window.start.astimezone(KST).replace(second=0, microsecond=0)
    last_minute = window.end.astimezone(KST).replace(second=0, microsecond=0)
    pairs = []
    step = timedelta(days=max_days)
    cursor = start
    while cursor <= last_minute:
        chunk_end = min(cursor + step - timedelta(minutes=1), last_minute)
        pairs.append((fmt_minute(cursor), fmt_minute(chunk_end)))
        cursor = chunk_end + timedelta(minutes=1)
    return pairs


def day_windows(window: Window, max_days: int) -> list[tuple[str, str]]:
    """Splits [start, end) into inclusive 'yyyyMMdd' pairs of at most ``max_days`` calendar days."""
    first = window.start.astimezone(KST).date()
    last = (window.end.astimezone(KST) - timedelta(microseconds=1)).date()
    last = max(last, first)
    pairs = []
    cursor = first
    while cursor <= last:
        chunk_end = min(cursor + timedelta(days=max_days - 1), last)
        pairs.append((fmt_day(cursor), fmt_day(chunk_end)))
        cursor = chunk_end + timedelta(days=1)
    return pairs


# ---------------------------------------------------------------------------------------------
# XML in
# ---------------------------------------------------------------------------------------------

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_KOREAN_CHARSETS = {"euc-kr", "euc_kr", "euckr", "ks_c_5601-1987", "ksc5601", "cp949", "ms949", "x-windows-949"}


def declared_charset(body: bytes, content_type: str = "") -> str:
    """The charset the response declares: Content-Type first, then the XML declaration, else UTF-8."""
    found = _CHARSET_RE.search(content_type or "")
    if found:
        return found.group(1).lower()
    decl = _DECL_RE.match(body[:200])
    if decl:
        return decl.group(1).decode("ascii").lower()
    return "utf-8"


def decode_body(body: bytes, content_type: str = "") -> str:
    """Bytes → text by the declared encoding.

    For the Korean charsets we decode as ``euc-kr`` first (Python's codec also understands the
    KS X 1001 8-byte hangul compositions) and fall back to ``cp949`` (MS949, the superset Korean
    servers actually emit for the 8,822 syllables EUC-KR lacks); undecodable bytes become U+FFFD
    rather than failing a whole sync.
    """
    charset = declared_charset(body, content_type)
    if charset in _KOREAN_CHARSETS:
        for codec in ("euc-kr", "cp949"):
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
        return body.decode("cp949", errors="replace")
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


_DECL_STRIP_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)


def parse_xml(body: bytes | str, content_type: str = ""):
    """Parses a response body with defusedxml; raises ValueError on anything that is not XML."""
    text = decode_body(body, content_type) if isinstance(body, bytes) else body
    text = _DECL_STRIP_RE.sub("", text, count=1).lstrip("\ufeff")
    try:
        return fromstring(text)
    except Exception as exc:  # ParseError and defusedxml's DTD/entity refusals alike
        raise ValueError(f"11번가 응답을 XML로 해석할 수 없습니다: {exc}") from exc


_LOCAL_NAMES: dict[str, str] = {}


def local(tag: str) -> str:
    """'{namespace}order' → 'order'; 'ns2:order' (unbound prefix) → 'order'."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        if len(_LOCAL_NAMES) < 10_000:  # tags are a small fixed vocabulary; the cap is a safety net
            _LOCAL_NAMES[tag] = name
    return name


def element_dict(element) -> dict[str, Any]:
    """One row → {local name: text | nested dict | list of those} (JSON-able, for ``raw``)."""
    data: dict[str, Any] = {}
    for child in element:
        name = local(child.tag)
        value: Any = element_dict(child) if len(child) else (child.text or "").strip()
        if name in data:
            if not isinstance(data[name], list):
                data[name] = [data[name]]
            data[name].append(value)
        else:
            data[name] = value
    return data


def rows(root, item: str) -> list[dict[str, Any]]:
    """All ``item`` rows under ``root`` (zero, one or many — the single-object-vs-array quirk)."""
    if local(root.tag) == item:
        return [element_dict(root)]
    direct = [el for el in root if local(el.tag) == item]
    if direct:
        return [element_dict(el) for el in direct]
    # Rows wrapped one level deeper (e.g. <ns2:orders><ns2:order>… inside another root).
    return [element_dict(el) for el in root.iter() if el is not root and local(el.tag) == item]


def result_of(root) -> tuple[str | None, str]:
    """(code, text) of an envelope: ``result_code``/``result_text`` (orders, claims, areas) or the
    product APIs' ``ClientMessage`` ``resultCode``/``message``; (None, "") when the body has neither."""
    code = text = None
    candidates = [root, *list(root)]
    for el in candidates:
        name = local(el.tag)
        if name in ("result_code", "resultCode") and code is None:
            code = (el.text or "").strip()
        elif name in ("result_text", "message", "resultMessage") and text is None:
            text = (el.text or "").strip()
    return code, text or ""


def is_success_code(code: str | None) -> bool:
    """result_code 0 (orders/claims) or resultCode 200 (ClientMessage of the product APIs)."""
    if code is None or code == "":
        return True
    try:
        number = int(code)
    except ValueError:
        return False
    return number in (0, 200)


# ---------------------------------------------------------------------------------------------
# XML out (request bodies)
# ---------------------------------------------------------------------------------------------


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_escape(value: Any) -> str:
    """Text content for a request document (control characters XML forbids are dropped)."""
    return _XML_INVALID_RE.sub("", str(value)).translate(_ESCAPES)


def xml_document(root: str, fields: Sequence[tuple[str, Any]]) -> str:
    """A flat request document; ``None`` values are left out."""
    inner = "".join(f"<{name}>{xml_escape(value)}</{name}>" for name, value in fields if value is not None)
    return f'<?xml version="1.0" encoding="{DECLARED_CHARSET}"?><{root}>{inner}</{root}>'


def encode_body(document: str) -> bytes:
    """Request bodies go out as EUC-KR (see client.py for the UTF-8 conflict in the reference);
    characters outside EUC-KR become numeric character references, which XML decodes back."""
    return document.encode("euc-kr", errors="xmlcharrefreplace")


def qna_answer_xml(text: str) -> str:
    return xml_document("ProductQna", [("answerCont", text)])


def stock_xml(prd_stck_no: str, quantity: int, prd_no: str = "") -> str:
    # <ProductStock> element names are [U]: the reference names only the path.
    return xml_document("ProductStock", [("prdNo", prd_no or None), ("prdStckNo", prd_stck_no), ("stckQty", quantity)])


def address_xml(template: ChannelTemplate) -> str:
    """Body of registerOutAddress/registerRtnAddress/updateOutAddress/updateRtnAddress ([U] names
    beyond the inOutAddress fields the reference lists)."""
    address = template.address or Address()
    return xml_document(
        "InOutAddress",
        [
            ("addrSeq", template.template_id or None),
            ("addrNm", template.name),
            ("rcvrNm", address.name),
            ("gnrlTlphnNo", address.phone1),
            ("prtblTlphnNo", address.phone2 or address.phone1),
            ("mailNO", address.zip_code),
            ("baseAddr", address.address1),
            ("dtlsAddr", address.address2),
        ],
    )


def send_close_xml(template: ChannelTemplate) -> str:
    """Body of the 발송마감 template create/update. Neutral fields: ``cutoff_time`` ("14:00") and
    ``dispatch_days`` (ship within D+n). Element names ``sendCloseTm``/``dlvSndDueDd`` are [U]."""
    cutoff = str(template.fields.get("cutoff_time", "")).replace(":", "")
    days = template.fields.get("dispatch_days")
    return xml_document(
        "ProductInformationTemplate",
        [
            ("prdInfoTmpltNo", template.template_id or None),
            ("prdInfoTmpltNm", template.name),
            ("sendCloseTm", cutoff or None),
            ("dlvSndDueDd", days),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Actions: our requests → path segments
# ---------------------------------------------------------------------------------------------


def path_text(text: str, fallback: str, limit: int = 100) -> str:
    """Free text for a path segment (ordCnDtlsRsn, refsRsn): no slashes or control characters, never
    empty, never '.'/'..'. The client percent-encodes it (UTF-8 [U])."""
    cleaned = re.sub(r"[\x00-\x1f\x7f/\\]+", " ", text or "")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()[:limit].strip()
    if not cleaned.strip("."):
        cleaned = fallback
    return cleaned


def seller_cancel_reason(reason: str) -> str:
    """Our reason (a code, an English word or Korean text) → ``ordCnRsnCd``; unknown → 99."""
    text = (reason or "").strip()
    if text in SELLER_CANCEL_REASONS:
        return text
    alias = SELLER_CANCEL_ALIASES.get(text.lower().replace("-", "_").replace(" ", "_"))
    if alias:
        return alias
    for keyword, code in SELLER_CANCEL_KEYWORDS_KO:
        if keyword in text:
            return code
    return "99"


_TRACKING_RE = re.compile(r"^[A-Za-z0-9]{1,40}$")


def normalise_tracking(number: str) -> str:
    return re.sub(r"[\s-]+", "", number or "")


def courier_path(courier: CourierCode, tracking_number: str) -> tuple[str, str, str] | str:
    """(dlvMthdCd, dlvEtprsCd, invcNo) for a neutral courier, or an error message.

    Couriers without a known 11번가 code are refused (not silently sent as 기타 00099: the
    reqdelivery path has no courier-name field, so the buyer could not track the parcel); the seller
    picks OTHER explicitly to send 기타.
    """
    invoice = normalise_tracking(tracking_number)
    if courier == CourierCode.DIRECT:
        return DLV_METHOD_DIRECT, DIRECT_PLACEHOLDER, invoice if _TRACKING_RE.match(invoice) else DIRECT_PLACEHOLDER
    code = COURIER_TO_ELEVENST.get(courier)
    if code is None:
        return f"11번가 택배사 코드가 없는 택배사입니다: {courier.value} (기타(OTHER)로 보내려면 OTHER를 선택하세요)"
    if not _TRACKING_RE.match(invoice):
        return f"송장번호 형식이 올바르지 않습니다: {tracking_number!r}"
    return DLV_METHOD_PARCEL, code, invoice


def line_keys(line_id: str, order_id: str, shipment_id: str, ref: dict[str, Any]) -> dict[str, str]:
    """ordNo/ordPrdSeq/dlvNo/addPrdYn/addPrdNo of a line, from ``ref`` or the composed ids."""
    ord_no = str(ref.get("ordNo") or order_id or line_id.rsplit("-", 1)[0])
    seq = str(ref.get("ordPrdSeq") or (line_id.rsplit("-", 1)[1] if "-" in line_id else ""))
    return {
        "ordNo": ord_no,
        "ordPrdSeq": seq,
        "dlvNo": str(ref.get("dlvNo") or shipment_id or ""),
        "addPrdYn": str(ref.get("addPrdYn") or "N"),
        "addPrdNo": str(ref.get("addPrdNo") or "0"),
    }


# ---------------------------------------------------------------------------------------------
# Payload → dataclasses
# ---------------------------------------------------------------------------------------------


def _int(value: Any) -> int:
    try:
        return int(float(str(value).replace(",", "").strip() or 0))
    except (TypeError, ValueError):
        return 0


def _s(row: dict[str, Any], name: str) -> str:
    value = row.get(name, "")
    return value if isinstance(value, str) else ""


def line_state(list_kind: str, row: dict[str, Any]) -> tuple[LineState, str, list[str]]:
    """(state, channel status, flags) of an order row: ``ordPrdStat`` when present, else the list."""
    code = _s(row, "ordPrdStat")
    if code:
        state = ORDER_STATUS.get(code)
        if state is None:
            return LineState.UNKNOWN, code, [f"unknown_status:{code}"]
        return state, code, []
    state = ORDER_LIST_STATES.get(list_kind)
    if state is None:
        return LineState.UNKNOWN, list_kind, [f"unknown_status:{list_kind}"]
    return state, LIST_STATUS_CODE[list_kind], []


def map_order_line(list_kind: str, row: dict[str, Any]) -> ChannelOrderLine:
    ord_no, seq, dlv_no = _s(row, "ordNo"), _s(row, "ordPrdSeq"), _s(row, "dlvNo")
    state, channel_status, flags = line_state(list_kind, row)
    quantity = _int(row.get("ordQty"))
    ord_amt = _int(row.get("ordAmt"))
    pay_amt = _int(row.get("ordPayAmt")) if _s(row, "ordPayAmt") else ord_amt
    courier_code = _s(row, "dlvEtprsCd")
    courier = None
    if courier_code and courier_code != DIRECT_PLACEHOLDER:
        courier = COURIER_FROM_ELEVENST.get(courier_code)
        if courier is None:
            courier = CourierCode.OTHER
            flags.append(f"unknown_courier:{courier_code}")
    if _s(row, "dlvMthdCd") == DLV_METHOD_DIRECT:
        courier = CourierCode.DIRECT
    tracking = _s(row, "invcNo")
    return ChannelOrderLine(
        line_id=f"{ord_no}-{seq}",
        shipment_id=dlv_no,
        product_id=_s(row, "prdNo"),
        option_id=_s(row, "prdStckNo"),
        seller_code=_s(row, "sellerPrdCd"),
        product_name=_s(row, "prdNm"),
        option_name=_s(row, "slctPrdOptNm"),
        quantity=quantity,
        unit_price=_int(row.get("selPrc")),
        discount=max(0, ord_amt - pay_amt),
        line_amount=pay_amt,
        state=state,
        channel_status=channel_status,
        expected_ship_date=parse_date(_s(row, "dlvSndDueDt")),  # [U]
        courier=courier,
        tracking_number="" if tracking == DIRECT_PLACEHOLDER else tracking,
        ref={
            "ordNo": ord_no,
            "ordPrdSeq": seq,
            "dlvNo": dlv_no,
            "addPrdYn": _s(row, "addPrdYn") or "N",
            "addPrdNo": _s(row, "addPrdNo") or "0",
            "prdStckNo": _s(row, "prdStckNo"),
            "bndlDlvSeq": _s(row, "bndlDlvSeq"),
            "prdNo": _s(row, "prdNo"),
            "ordQty": quantity,
        },
        flags=flags,
        raw=dict(row),
    )


def map_orders(items: Iterable[tuple[str, dict[str, Any]]]) -> list[ChannelOrder]:
    """(list kind, row) pairs → orders. One 11번가 row is one order line (ordNo repeated), so rows are
    grouped by ordNo in first-seen order; a row seen twice (same ordNo-ordPrdSeq) keeps the later.

    An order carries only the lines present in this response; the sync engine upserts lines by
    ``line_id``. ``shipping_fee`` (``dlvCst``) is counted once per bundle (``dlvNo``) and put on the
    first line of the bundle seen here.
    """
    grouped: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for kind, row in items:
        ord_no = _s(row, "ordNo")
        grouped.setdefault(ord_no, {})[_s(row, "ordPrdSeq")] = (kind, row)
    orders = []
    for ord_no, by_seq in grouped.items():
        order_rows = [by_seq[seq] for seq in sorted(by_seq, key=lambda seq: (len(seq), seq))]
        first = order_rows[0][1]
        lines = []
        bundles: dict[str, int] = {}
        for kind, row in order_rows:
            line = map_order_line(kind, row)
            dlv_no = line.shipment_id
            if dlv_no not in bundles:
                bundles[dlv_no] = _int(row.get("dlvCst"))
                line.shipping_fee = bundles[dlv_no]
            lines.append(line)
        flags: list[str] = []
        ordered_at = parse_dt(_s(first, "ordDt"))
        if ordered_at is None and len(ord_no) >= 8:
            # Some lists (배송중) carry no ordDt; ordNo starts with the order date (yyyyMMdd).
            day = parse_date(ord_no[:8])
            if day:
                ordered_at = datetime.combine(day, time(0), tzinfo=KST)
                flags.append("ordered_at_from_ordNo")
        shipping_fee = sum(bundles.values())
        orders.append(
            ChannelOrder(
                order_id=ord_no,
                ordered_at=ordered_at,
                paid_at=parse_dt(_s(first, "ordStlEndDt")),
                buyer=Person(
                    name=_s(first, "ordNm"),
                    phone=_s(first, "ordPrtblTel"),  # [U]
                    email=_s(first, "ordEmail"),  # [U]
                    channel_member_id=_s(first, "memID"),
                ),
                receiver=Address(
                    name=_s(first, "rcvrNm"),
                    phone1=_s(first, "rcvrPrtblNo"),
                    phone2=_s(first, "rcvrTlphn"),
                    zip_code=_s(first, "rcvrMailNo"),
                    address1=_s(first, "rcvrBaseAddr"),
                    address2=_s(first, "rcvrDtlsAddr"),
                ),
                delivery_message=_s(first, "ordDlvReqCont"),
                shipping_fee=shipping_fee,
                total_amount=sum(line.line_amount for line in lines) + shipping_fee,
                lines=lines,
                ref={"ordNo": ord_no, "dlvNos": sorted(bundles)},
                flags=flags,
                raw={"rows": [row for _kind, row in order_rows]},
            )
        )
    return orders


def claim_id(claim_type: ClaimType, ord_no: str, ord_prd_seq: str, seq: str) -> str:
    return f"{ord_no}-{ord_prd_seq}-{CLAIM_FIELDS[claim_type]['prefix']}{seq}"


def map_claim(list_kind: str, row: dict[str, Any]) -> ChannelClaim:
    claim_type, default_state = CLAIM_LISTS.get(list_kind, (None, ClaimState.UNKNOWN))
    flags: list[str] = []
    if claim_type is None:
        # An unknown list: guess the type from the row, mark the state unknown.
        claim_type = ClaimType.CANCEL if _s(row, "ordPrdCnSeq") else ClaimType.RETURN
        flags.append(f"unknown_status:{list_kind}")
    names = CLAIM_FIELDS[claim_type]
    code = _s(row, names["status"])
    state = default_state
    if code:
        known = CLAIM_STATUS.get(code)
        if known is None or known[0] != claim_type:
            state = ClaimState.UNKNOWN
            flags.append(f"unknown_status:{code}")
        else:
            state = known[1]
    ord_no, ord_prd_seq, seq = _s(row, "ordNo"), _s(row, "ordPrdSeq"), _s(row, names["seq"])
    ref = {
        "kind": claim_type.value,
        "ordNo": ord_no,
        "ordPrdSeq": ord_prd_seq,
        names["seq"]: seq,
        "dlvNo": _s(row, "dlvNo"),
    }
    # Exchange re-shipment invoice, when the row carries one (approve needs it) [U names].
    for name in ("dlvEtprsCd", "invcNo"):
        if _s(row, name):
            ref[name] = _s(row, name)
    return ChannelClaim(
        claim_id=claim_id(claim_type, ord_no, ord_prd_seq, seq),
        claim_type=claim_type,
        state=state,
        channel_status=code or list_kind,
        order_id=ord_no,
        line_ids=[f"{ord_no}-{ord_prd_seq}"],
        quantity=_int(row.get(names["qty"])) or _int(row.get("ordQty")),
        reason=_s(row, names["reason"]),
        reason_detail=_s(row, names["detail"]),
        requested_at=parse_dt(_s(row, names["requested"])),
        completed_at=parse_dt(_s(row, names["completed"])),
        ref=ref,
        flags=flags,
        raw=dict(row),
    )


def map_inquiry(row: dict[str, Any]) -> ChannelInquiry:
    brd_no = _s(row, "brdInfoNo")
    prd_no = _s(row, "brdInfoClfNo") or _s(row, "prdNo")
    return ChannelInquiry(
        inquiry_id=brd_no,
        kind=InquiryKind.PRODUCT_QNA,
        content=_s(row, "brdInfoCont"),
        created_at=parse_dt(_s(row, "createDt")),
        title=_s(row, "brdInfoSbjct"),
        author=_s(row, "memNM"),
        product_id=prd_no,
        product_name=_s(row, "prdNm"),
        order_id=_s(row, "ordNoDe"),
        answered=_s(row, "answerYn") == "Y",
        answer=_s(row, "answerCont"),
        answered_at=parse_dt(_s(row, "answerDt")),
        ref={"brdInfoNo": brd_no, "prdNo": prd_no},
        raw=dict(row),
    )


_ZIP_RE = re.compile(r"^\(?(\d{5})\)?\s*")


def map_address(kind: TemplateKind, row: dict[str, Any]) -> ChannelTemplate:
    """``ns2:inOutAddress`` → template. ``addr`` is the whole address as 11번가 shows it; when the
    split fields (mailNO/baseAddr/dtlsAddr [U]) are present they win."""
    addr = _s(row, "addr")
    zip_code = _s(row, "mailNO")
    base = _s(row, "baseAddr")
    if not base:
        found = _ZIP_RE.match(addr)
        if found and not zip_code:
            zip_code = found.group(1)
        base = _ZIP_RE.sub("", addr, count=1)
    return ChannelTemplate(
        kind=kind,
        name=_s(row, "addrNm"),
        template_id=_s(row, "addrSeq"),
        address=Address(
            name=_s(row, "rcvrNm"),
            phone1=_s(row, "gnrlTlphnNo"),
            phone2=_s(row, "prtblTlphnNo"),
            zip_code=zip_code,
            address1=base,
            address2=_s(row, "dtlsAddr"),
        ),
        overseas=_s(row, "gblDlvYn") == "Y",  # [U]
        raw=dict(row),
    )


def map_send_close_template(row: dict[str, Any]) -> ChannelTemplate:
    cutoff = _s(row, "sendCloseTm")
    fields: dict[str, Any] = {}
    if len(cutoff) == 4 and cutoff.isdigit():
        fields["cutoff_time"] = f"{cutoff[:2]}:{cutoff[2:]}"
    if _s(row, "dlvSndDueDd"):
        fields["dispatch_days"] = _int(row.get("dlvSndDueDd"))
    return ChannelTemplate(
        kind=TemplateKind.DISPATCH_DEADLINE,
        name=_s(row, "prdInfoTmpltNm"),
        template_id=_s(row, "prdInfoTmpltNo"),
        fields=fields,
        raw=dict(row),
    )


def map_settlement(row: dict[str, Any]) -> SettlementLine:
    """One ``ns2:settlement`` row (element names [U]: the reference names only the endpoint)."""
    ord_no, seq = _s(row, "ordNo"), _s(row, "ordPrdSeq")
    clf = _s(row, "stlClfCd") or "01"
    kind = SETTLEMENT_KINDS.get(clf, "ADJUSTMENT")
    return SettlementLine(
        settlement_id=_s(row, "stlNo") or f"{ord_no}-{seq}-{clf}",
        kind=kind,
        order_id=ord_no,
        line_id=f"{ord_no}-{seq}" if ord_no and seq else "",
        recognized_on=parse_date(_s(row, "pocnfrmDt")),
        settle_on=parse_date(_s(row, "stlPlnDt")),
        sale_amount=_int(row.get("selAmt")),
        commission=_int(row.get("selFee")),
        settlement_amount=_int(row.get("stlAmt")),
        raw=dict(row),
    )
