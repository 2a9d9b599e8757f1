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
    ChannelListing,
    ChannelListingOption,
    ChannelOrder,
    ChannelOrderLine,
    ChannelTemplate,
    ClaimState,
    ClaimType,
    CourierCode,
    InquiryKind,
    LineState,
    ListingDraft,
    ListingShipping,
    ListingState,
    Person,
    SettlementLine,
    ShippingFeeType,
    TaxType,
    TemplateKind,
    Window,
)
from ..common import SEE_DETAIL, notice_values

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
    """result_code 0 (orders/claims) or resultCode 200 (ClientMessage of the product APIs); a product
    registration/update may also answer 210, which clients treat as success too [S]."""
    if code is None or code == "":
        return True
    try:
        number = int(code)
    except ValueError:
        return False
    return number in (0, 200, 210)


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


# ---------------------------------------------------------------------------------------------
# Listings: product registration / full update (<Product>), product read, stock read, product list
# ---------------------------------------------------------------------------------------------
#
# Sources: channels.md §3.2 names the endpoints only. Element names, codes and limits below come
# from public client code that mirrors the logged-in developer guide (apiSeq 1003 상품등록) and
# from field reports of refused registrations; they are tagged [S]. What none of them shows is
# ours and tagged [U]; the simulator (integrations/sandbox/elevenst.py) uses the very same names.

# suplDtyfrPrdClfCd (부가세/면세상품코드) [S]
TAX_CODES: dict[TaxType, str] = {TaxType.TAXABLE: "01", TaxType.TAX_FREE: "02", TaxType.ZERO_RATED: "03"}

# dlvCstInstBasiCd (배송비 종류) [S]: 01 무료, 02 고정 배송비 (dlvCst1), 03 상품 조건부 무료 (dlvCst1 +
# PrdFrDlvBasiAmt), 04 수량별 차등 (dlvCnt1/dlvCnt2/dlvCst3, '^'-separated tiers, at most 10, the last
# one open-ended). 05 1개당 배송비 (dlvCst4) is [U]: recalled from the guide, not seen in client code.
FEE_FREE, FEE_FIXED, FEE_CONDITIONAL, FEE_TIERED, FEE_PER_ITEM = "01", "02", "03", "04", "05"
MAX_FEE_TIERS = 10
TIER_SEPARATOR = "^"

# dlvWyCd (배송방법) [S]: 01 택배, 03 직접전달 (seller's own delivery).
DLV_WAY_PARCEL, DLV_WAY_DIRECT = "01", "03"

# selStatCd (판매상태) → neutral state. 103/104/105/106/108 are [S]; 102 (전시전) and 107 (판매강제종료)
# are [U]. Anything else → UNKNOWN with a flag, never an exception.
LISTING_STATUS: dict[str, ListingState] = {
    "102": ListingState.PENDING_APPROVAL,  # 전시전 [U]
    "103": ListingState.ON_SALE,  # 판매중
    "104": ListingState.SOLD_OUT,  # 품절
    "105": ListingState.SUSPENDED,  # 판매중지
    "106": ListingState.ENDED,  # 판매종료
    "107": ListingState.ENDED,  # 판매강제종료 [U]
    "108": ListingState.REJECTED,  # 판매금지
}

# Options [S]: one option name → "single option" (colTitle + ProductOption list); two or three names →
# "multi option" (ProductRootOption per name + ProductOptionExt with one ProductOption per combination,
# keyed by optionMappingKey "name1:value1†name2:value2", optMixYn N = only the listed combinations).
MAX_OPTION_NAMES = 3
MAPPING_KEY_SEPARATOR = "†"
# The option read (prodmarket/stck) gives mixOptNm/mixDtlOptNm; for several names we read them as
# comma-joined (11번가 refuses commas in option values, so the split is safe) [U].
MIX_SEPARATOR = ","

# Brand when the seller has none: the guide says to send "알수없음" [S].
UNKNOWN_BRAND = "알수없음"
# Sale period [S]: selPrdClfCd 0:100 = dates entered directly; aplBgnDy/aplEndDy as yyyy/MM/dd;
# 2999/12/31 is taken as "the longest the channel allows". One client reports that selTermUseYn Y
# marks the period for deletion; others send Y with dates — we send Y only with dates [U].
SALE_PERIOD_DIRECT = "0:100"
OPEN_SALE_END = "2999/12/31"
# selLimitTypCd [S]: 00 no limit, 01 per order (selLimitQty), 02 per buyer over townSelLmtDy days (≤30).
LIMIT_NONE, LIMIT_PER_ORDER, LIMIT_PER_PERIOD = "00", "01", "02"
MAX_LIMIT_DAYS = 30
# rmaterialTypCd [S]: 04 원산지 의무 표시대상 아님 (industrial goods), 05 상품별 원산지는 상세설명 참조.
RMATERIAL_NOT_REQUIRED, RMATERIAL_SEE_DETAIL = "04", "05"
FOOD_NOTICE_CATEGORIES = frozenset({"food", "general_food", "diet_food"})

# Origin [S]: orgnTypCd 01 국내 + region code, 02 해외 + country code (11번가's area.xlsx), 03 기타 +
# orgnNmVal (free text). Only the codes a client listed are known; other countries go as 03 + the text.
ORIGIN_DOMESTIC, ORIGIN_ABROAD, ORIGIN_OTHER = "01", "02", "03"
ORIGIN_SEE_DETAIL = "상세설명 참조"
ORIGIN_COUNTRIES: dict[str, str] = {
    "중국": "1287",
    "베트남": "1265",
    "인도네시아": "1284",
    "태국": "1293",
    "인도": "1283",
    "일본": "1285",
    "미국": "1405",
    "방글라데시": "1264",
    "캄보디아": "1290",
    "미얀마": "1262",
    "필리핀": "1298",
    "말레이시아": "1259",
    "터키": "1393",
    "이탈리아": "1389",
    "독일": "1357",
}
ORIGIN_REGIONS: dict[str, str] = {
    "서울": "1009",
    "경기": "1002",
    "인천": "1011",
    "강원": "1001",
    "충남": "1015",
    "충북": "1016",
    "대전": "1007",
    "경북": "1004",
    "경남": "1003",
    "대구": "1006",
    "부산": "1008",
    "울산": "1010",
    "전남": "1012",
    "전북": "1013",
    "광주": "1005",
    "제주": "1014",
}
DOMESTIC_WORDS = ("국산", "국내", "대한민국", "한국")

# KC certifications [S]: one ProductCertGroup per regime (01 전기용품/생활용품, 02 어린이제품,
# 03 방송통신기자재, 04 생활화학 및 살생물제품); crtfGrpObjClfCd 01 대상 / 03 대상 아님 (group 04:
# 04 대상 / 05 대상 아님); ProductCert{certTypeCd, certKey} per certificate of a target group.
# The guide asks for all four groups in categories that require certification, so we always send four.
CERT_GROUPS = ("01", "02", "03", "04")
CERT_TARGET = {"01": "01", "02": "01", "03": "01", "04": "04"}
CERT_NOT_TARGET = {"01": "03", "02": "03", "03": "03", "04": "05"}
# Our certification kind (modules.catalog CertificationKind) → (group, certTypeCd) [S codes].
# living_standard (안전기준준수) has no 11번가 type: sent as 132 "상품상세설명 참조" [U]; chemical
# approvals go as 133 like the self-inspection number [U]; "other" has no group and is not sent.
CERT_KINDS: dict[str, tuple[str, str]] = {
    "living_safety": ("01", "101"),
    "electric_safety": ("01", "102"),
    "living_confirm": ("01", "103"),
    "electric_confirm": ("01", "104"),
    "living_supplier": ("01", "124"),
    "electric_supplier": ("01", "127"),
    "living_standard": ("01", "132"),
    "kids_safety": ("02", "128"),
    "kids_confirm": ("02", "129"),
    "kids_supplier": ("02", "130"),
    "radio_conformity": ("03", "105"),
    "radio_registration": ("03", "105"),
    "radio_provisional": ("03", "105"),
    "chemical_report": ("04", "133"),
    "chemical_approval": ("04", "133"),
}

# 상품정보제공고시 [S]: ProductNotification{type, item[{code, name}]}; type and item codes as 11번가's
# seller office lists them (values at most 50 characters). For each 11번가 item, the keys of our own
# items (modules.catalog.notice) that fill it, first non-empty wins. Our categories 11번가 codes are not
# known for fall back to 기타 재화 (891045) — a deliberate, visible approximation: every item of it is
# filled from our common items (model, maker, origin, A/S phone, KC) or "상세페이지 참조".
NOTICE_ETC = "891045"
NOTICE_VALUE_MAX = 50
NOTICE_TYPES: dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "etc": (
        NOTICE_ETC,
        (
            ("11800", ("item_name_model",)),  # 품명 및 모델명
            ("11905", ("manufacturer", "chem_maker", "producer")),  # 제조자/수입자
            ("23760413", ("as_contact", "consumer_phone")),  # A/S 책임자와 전화번호 또는 소비자상담 전화번호
            ("23759100", ("country", "origin")),  # 제조국 또는 원산지
            ("23756033", ("kc_cert",)),  # 법에 의한 인증·허가 등
        ),
    ),
    "wear": (
        "891011",
        (
            ("11835", ("color",)),
            ("23756520", ("care",)),
            ("23759095", ("country",)),
            ("23760437", ("as_contact",)),
            ("23759468", ("material",)),
            ("23760034", ("size",)),
            ("23760386", ("warranty",)),
            ("11905", ("manufacturer",)),
            ("23759308", ("made_on",)),
        ),
    ),
    "shoes": (
        "891012",
        (
            ("11835", ("color",)),
            ("11905", ("manufacturer",)),
            ("23759095", ("country",)),
            ("40748371", ("shoe_material", "material")),
            ("23760034", ("shoe_size", "size")),
            ("23760386", ("warranty",)),
            ("23760437", ("as_contact",)),
            ("23759972", ("caution",)),
        ),
    ),
    "bag": (
        "891013",
        (
            ("11835", ("color",)),
            ("11848", ("material",)),
            ("11905", ("manufacturer",)),
            ("11908", ("kind",)),
            ("23760437", ("as_contact",)),
            ("23759095", ("country",)),
            ("23759972", ("caution",)),
            ("23760386", ("warranty",)),
            ("11932", ("dimensions",)),
        ),
    ),
    "fashion_items": (
        "891014",
        (
            ("11848", ("material",)),
            ("11905", ("manufacturer",)),
            ("11908", ("kind",)),
            ("23760437", ("as_contact",)),
            ("23759972", ("caution",)),
            ("23760034", ("size",)),
            ("23760386", ("warranty",)),
            ("23759095", ("country",)),
        ),
    ),
    "sleeping_gear": (
        "891015",
        (
            ("11835", ("color",)),
            ("11905", ("manufacturer",)),
            ("17461", ("components",)),
            ("23756520", ("care",)),
            ("23760437", ("as_contact",)),
            ("23759468", ("material",)),
            ("23760034", ("size",)),
            ("23760386", ("warranty",)),
            ("23759095", ("country",)),
        ),
    ),
    "furniture": (
        "891016",
        (
            ("11835", ("color",)),
            ("11905", ("manufacturer",)),
            ("11932", ("dimensions",)),
            ("23756017", ("delivery_install_cost",)),
            ("23759095", ("country",)),
            ("469865457", ()),  # 재공급(리퍼브) 가구의 재공급 사유: no item of ours
            ("23760386", ("warranty",)),
            ("23760437", ("as_contact",)),
            ("23760470", ("kc_cert",)),
            ("3125646", ("components",)),
            ("37089196", ("item_name_model",)),
            ("23759652", ("main_material", "material")),
        ),
    ),
    "kitchen_utensils": (
        "891027",
        (
            ("11800", ("item_name_model",)),
            ("11900", ("material",)),
            ("11905", ("manufacturer",)),
            ("11932", ("dimensions",)),
            ("37088317", ("kitchen_import",)),
            ("23759938", ("released_on",)),
            ("23760386", ("warranty",)),
            ("23760437", ("as_contact",)),
            ("3125646", ("components",)),
            ("23759095", ("country",)),
        ),
    ),
    "kids": (
        "891033",
        (
            ("11800", ("item_name_model",)),
            ("11835", ("color",)),
            ("11900", ("material",)),
            ("11905", ("manufacturer",)),
            ("2361085", ("age_range",)),
            ("23759095", ("country",)),
            ("469867873", ("size_weight",)),  # 크기·체중의 한계
            ("23760223", ("size_weight",)),
            ("23760386", ("warranty",)),
            ("23760437", ("as_contact",)),
            ("23760454", ("kc_cert",)),
            ("40747702", ("kids_caution",)),
            ("23759938", ("released_on",)),
        ),
    ),
    "sports_equipment": (
        "891035",
        (
            ("11800", ("item_name_model",)),
            ("11835", ("color",)),
            ("11900", ("material",)),
            ("11905", ("manufacturer",)),
            ("17461", ("components",)),
            ("23760454", ("kc_cert",)),
            ("23759095", ("country",)),
            ("23759938", ("released_on",)),
            ("23760223", ("size_weight",)),
            ("23760386", ("warranty",)),
            ("23760437", ("as_contact",)),
            ("23756377", ("specs",)),
        ),
    ),
    "biochemistry": (
        "1149547",
        (
            ("176316020", ("chem_name",)),
            ("176316074", ("chem_use_form",)),
            ("176316124", ("chem_made_expiry",)),
            ("176316199", ("chem_quantity",)),
            ("176316337", ("chem_effect",)),
            ("23756754", ("consumer_phone", "as_contact")),
            ("176316410", ("child_packaging",)),
            ("176316456", ("chem_substances",)),
            ("176316505", ("chem_usage",)),
            ("176316535", ("chem_report_no",)),
            ("176316383", ("chem_importer", "chem_maker", "country")),
        ),
    ),
}

# Fallbacks from the draft itself for items the seller left empty.
_NOTICE_FROM_DRAFT = {
    "item_name_model": lambda d: d.model or d.name,
    "manufacturer": lambda d: d.maker,
    "chem_maker": lambda d: d.maker,
    "country": lambda d: d.origin,
    "origin": lambda d: d.origin,
    "as_contact": lambda d: d.as_phone,
    "consumer_phone": lambda d: d.as_phone,
}


def eleven_bytes(text: str) -> int:
    """Length as 11번가 counts it: EUC-KR, so ASCII is one byte and everything else two [S]."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def _cdata(value: str) -> str:
    text = _XML_INVALID_RE.sub("", value)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _el(name: str, value: Any, *, keep_empty: bool = False, cdata: bool = False) -> str:
    """``<name>value</name>``; None (and "" unless ``keep_empty``) leaves the element out."""
    if value is None or (value == "" and not keep_empty):
        return ""
    text = str(value)
    return f"<{name}>{_cdata(text) if cdata and text else xml_escape(text)}</{name}>"


def _day(value: datetime | date) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(KST).date()
    return value.strftime("%Y/%m/%d")


def origin_elements(origin: str) -> list[str]:
    """orgnTypCd (+ orgnTypDtlsCd | orgnNmVal) for our free-text origin ("국산", "중국", "국산(경기)")."""
    text = (origin or "").strip()
    if not text:
        return [_el("orgnTypCd", ORIGIN_OTHER), _el("orgnNmVal", ORIGIN_SEE_DETAIL)]
    for country, code in ORIGIN_COUNTRIES.items():
        if country in text and not any(word in text for word in DOMESTIC_WORDS):
            return [_el("orgnTypCd", ORIGIN_ABROAD), _el("orgnTypDtlsCd", code)]
    if any(word in text for word in DOMESTIC_WORDS) or text in ORIGIN_REGIONS:
        for region, code in ORIGIN_REGIONS.items():
            if region in text:
                return [_el("orgnTypCd", ORIGIN_DOMESTIC), _el("orgnTypDtlsCd", code)]
    # Domestic without a region, or a country 11번가's list we do not hold: 기타 + the text itself.
    return [_el("orgnTypCd", ORIGIN_OTHER), _el("orgnNmVal", text)]


def _notice_value(given: dict[str, str], draft: ListingDraft, keys: tuple[str, ...]) -> str:
    for key in keys:
        if key in given:
            return given[key]
    for key in keys:
        fallback = _NOTICE_FROM_DRAFT.get(key)
        value = fallback(draft).strip() if fallback else ""
        if value:
            return value
    return SEE_DETAIL


def notice_element(draft: ListingDraft) -> str:
    """<ProductNotification> for the draft's category; unknown categories use 기타 재화 (see NOTICE_TYPES)."""
    type_code, items = NOTICE_TYPES.get(draft.notice_category, NOTICE_TYPES["etc"])
    given = notice_values(draft.notice_fields)
    rows = "".join(
        f"<item>{_el('code', code)}{_el('name', _notice_value(given, draft, keys), cdata=True)}</item>"
        for code, keys in items
    )
    return f"<ProductNotification>{_el('type', type_code)}{rows}</ProductNotification>"


def cert_elements(certifications: Sequence[dict[str, str]]) -> list[str]:
    by_group: dict[str, list[tuple[str, str]]] = {group: [] for group in CERT_GROUPS}
    for cert in certifications:
        known = CERT_KINDS.get(str(cert.get("kind", "")))
        if known:
            by_group[known[0]].append((known[1], str(cert.get("number", "")).strip()))
    out = []
    for group in CERT_GROUPS:
        certs = by_group[group]
        inner = _el("crtfGrpTypCd", group) + _el("crtfGrpObjClfCd", (CERT_TARGET if certs else CERT_NOT_TARGET)[group])
        inner += "".join(
            f"<ProductCert>{_el('certTypeCd', type_code)}{_el('certKey', number)}</ProductCert>"
            for type_code, number in certs
        )
        out.append(f"<ProductCertGroup>{inner}</ProductCertGroup>")
    return out


def _fee_tiers(per_quantity: int, fee: int) -> tuple[str, str, str]:
    """dlvCnt1 (from), dlvCnt2 (to, one fewer: the last tier is open-ended), dlvCst3 (fee of each tier)
    for "one fee every ``per_quantity`` items", capped at 10 tiers [S]: beyond 10 boxes the 10th fee holds."""
    starts = [k * per_quantity + 1 for k in range(MAX_FEE_TIERS)]
    ends = [(k + 1) * per_quantity for k in range(MAX_FEE_TIERS - 1)]
    fees = [(k + 1) * fee for k in range(MAX_FEE_TIERS)]
    join = TIER_SEPARATOR.join
    return join(map(str, starts)), join(map(str, ends)), join(map(str, fees))


def shipping_elements(shipping: ListingShipping) -> list[str]:
    fee_type = shipping.fee_type
    out = [_el("dlvCnAreaCd", "01")]  # 전국 [S]
    if shipping.courier == CourierCode.DIRECT:
        out.append(_el("dlvWyCd", DLV_WAY_DIRECT))
    else:
        out.append(_el("dlvWyCd", DLV_WAY_PARCEL))
        out.append(_el("dlvEtprsCd", COURIER_TO_ELEVENST.get(shipping.courier)))  # optional [S]; unknown: left out
    # 11번가's shipping template is the dispatch-deadline one (발송마감 템플릿) [S].
    out.append(_el("dlvSendCloseTmpltNo", shipping.delivery_template_id or None))
    if fee_type == ShippingFeeType.FIXED:
        out += [_el("dlvCstInstBasiCd", FEE_FIXED), _el("dlvCst1", shipping.fee)]
    elif fee_type == ShippingFeeType.CONDITIONAL:
        out += [
            _el("dlvCstInstBasiCd", FEE_CONDITIONAL),
            _el("dlvCst1", shipping.fee),
            _el("PrdFrDlvBasiAmt", shipping.free_threshold),
        ]
    elif fee_type == ShippingFeeType.PER_QUANTITY and shipping.per_quantity > 1:
        starts, ends, fees = _fee_tiers(shipping.per_quantity, shipping.fee)
        out += [_el("dlvCstInstBasiCd", FEE_TIERED), _el("dlvCnt1", starts), _el("dlvCnt2", ends), _el("dlvCst3", fees)]
    elif fee_type == ShippingFeeType.PER_QUANTITY:
        out += [_el("dlvCstInstBasiCd", FEE_PER_ITEM), _el("dlvCst4", shipping.fee)]  # [U]
    else:
        out.append(_el("dlvCstInstBasiCd", FEE_FREE))
    # 상품 조건부 무료 cannot be bundled: 11번가 refuses bndlDlvCnYn Y with it [S].
    out.append(_el("bndlDlvCnYn", "N" if fee_type == ShippingFeeType.CONDITIONAL else "Y"))
    out.append(_el("dlvCstPayTypCd", "03"))  # 선결제 필수 [S]
    out += [
        _el("jejuDlvCst", shipping.jeju_fee),
        _el("islandDlvCst", shipping.remote_fee),
        _el("addrSeqOut", shipping.outbound_template_id or None),
        _el("addrSeqIn", shipping.return_template_id or None),
        _el("rtngdDlvCst", shipping.return_fee),
        _el("exchDlvCst", shipping.exchange_fee),
    ]
    return out


def _option_rows(draft: ListingDraft) -> tuple[tuple[str, ...], list]:
    names = tuple(name.strip() for name in draft.option_names if name.strip()) or ("옵션",)
    for option in draft.options:
        if len(option.values) != len(names):
            raise ValueError(
                f"옵션 {option.seller_code}의 옵션값 수({len(option.values)})가 옵션명 수({len(names)})와 다릅니다."
            )
    return names, list(draft.options)


def _use_yn(option) -> str:
    # 11번가 takes a zero stock only on an option marked 품절 (useYn N) [S].
    return "Y" if option.on_sale and option.stock > 0 else "N"


def option_elements(draft: ListingDraft, *, update: bool = False) -> list[str]:
    """The option block (empty for a product without options)."""
    if not draft.options:
        return []
    names, options = _option_rows(draft)
    out = [_el("optSelectYn", "Y"), _el("txtColCnt", "1")]  # txtColCnt is the fixed value 1 [S]
    if update:
        out.append(_el("optUpdateYn", "Y"))  # replace the options on a full update [S]
    out.append(_el("prdExposeClfCd", "00"))  # 등록순 [S]
    if len(names) == 1:
        out.append(_el("colTitle", names[0]))
        for option in options:
            out.append(
                "<ProductOption>"
                + _el("useYn", _use_yn(option))
                + _el("colOptPrice", option.extra_price, keep_empty=True)
                + _el("colValue0", option.values[0])
                + _el("colCount", max(0, option.stock), keep_empty=True)
                + _el("colSellerStockCd", option.seller_code)
                + "</ProductOption>"
            )
        return out
    out.append(_el("optMixYn", "N"))
    for position, name in enumerate(names):
        seen: list[str] = []
        for option in options:
            if option.values[position] not in seen:
                seen.append(option.values[position])
        values = "".join(
            f"<ProductOption>{_el('colOptPrice', 0, keep_empty=True)}{_el('colValue0', value)}</ProductOption>"
            for value in seen
        )
        out.append(f"<ProductRootOption>{_el('colTitle', name)}{values}</ProductRootOption>")
    combos = []
    for option in options:
        key = MAPPING_KEY_SEPARATOR.join(f"{name}:{value}" for name, value in zip(names, option.values, strict=True))
        combos.append(
            "<ProductOption>"
            + _el("useYn", _use_yn(option))
            + _el("colOptPrice", option.extra_price, keep_empty=True)
            + _el("colOptCount", max(0, option.stock), keep_empty=True)
            + _el("colSellerStockCd", option.seller_code)
            + _el("optionMappingKey", key)
            + "</ProductOption>"
        )
    out.append(f"<ProductOptionExt>{''.join(combos)}</ProductOptionExt>")
    return out


def _limit_elements(draft: ListingDraft) -> list[str]:
    """11번가 keeps one purchase limit: a per-buyer limit (over ``extra["purchase_limit_days"]`` days,
    30 by default, at most 30) wins over a per-order one when a draft has both."""
    if draft.max_per_person > 0:
        days = int(draft.extra.get("purchase_limit_days") or MAX_LIMIT_DAYS)
        return [
            _el("selLimitTypCd", LIMIT_PER_PERIOD),
            _el("selLimitQty", draft.max_per_person),
            _el("townSelLmtDy", min(max(days, 1), MAX_LIMIT_DAYS)),
        ]
    if draft.max_per_order > 0:
        return [_el("selLimitTypCd", LIMIT_PER_ORDER), _el("selLimitQty", draft.max_per_order)]
    return [_el("selLimitTypCd", LIMIT_NONE)]


def _period_elements(draft: ListingDraft, today: date) -> list[str]:
    if draft.sale_start is None and draft.sale_end is None:
        return [_el("selTermUseYn", "N")]
    return [
        _el("selTermUseYn", "Y"),
        _el("selPrdClfCd", SALE_PERIOD_DIRECT),
        _el("aplBgnDy", _day(draft.sale_start or today)),
        _el("aplEndDy", _day(draft.sale_end) if draft.sale_end else OPEN_SALE_END),
    ]


def _as_detail(draft: ListingDraft) -> str:
    info, phone = draft.as_info.strip(), draft.as_phone.strip()
    if info and phone and phone not in info:
        return f"{info} ({phone})"
    return info or phone


def _return_detail(draft: ListingDraft) -> str:
    """rtngExchDetail (반품/교환 안내) is required [S]: ``extra["return_exchange_info"]`` or a line
    written from the fees."""
    text = str(draft.extra.get("return_exchange_info") or "").strip()
    if text:
        return text
    ship = draft.shipping
    return f"반품배송비 편도 {ship.return_fee:,}원, 교환배송비 왕복 {ship.exchange_fee:,}원"


def listing_draft_to_product_xml(draft: ListingDraft, *, update: bool = False, today: date | None = None) -> str:
    """The <Product> document of 상품등록 (POST /prodservices/product) or of its full update
    (PUT /prodservices/product/{prdNo}, ``update=True``: options replaced, emptied images cleared).

    Raises ValueError for a draft no channel could take (option values not matching option names).
    Channel rules (name bytes, 10-won prices, option limits …) are left to 11번가 to refuse, so the
    seller sees the channel's own message.
    """
    today = today or datetime.now(tz=KST).date()
    option_block = option_elements(draft, update=update)
    stock = sum(max(0, option.stock) for option in draft.options) if draft.options else max(0, draft.stock)
    images = [draft.main_image.url if draft.main_image else None, *(image.url for image in draft.extra_images)]
    images = (images + [None, None, None])[:4]
    rmaterial = draft.extra.get("rmaterialTypCd") or (
        RMATERIAL_SEE_DETAIL if draft.notice_category in FOOD_NOTICE_CATEGORIES else RMATERIAL_NOT_REQUIRED
    )
    parts = [
        _el("selMthdCd", "01"),  # 고정가 판매 [S]
        _el("dispCtgrNo", draft.category_id),
        _el("prdTypCd", "01"),  # 일반상품 [S]
        _el("prdNm", draft.name.strip(), cdata=True),
        _el("brand", draft.brand.strip() or UNKNOWN_BRAND, cdata=True),
        _el("rmaterialTypCd", rmaterial),
        *origin_elements(draft.origin),
        _el("sellerPrdCd", draft.seller_code),
        _el("suplDtyfrPrdClfCd", TAX_CODES[draft.tax_type]),
        _el("prdStatCd", "01"),  # 새상품 [S]
        _el("minorSelCnYn", "N" if draft.adult_only else "Y"),
        _el("prdImage01", images[0]),
        *(_el(f"prdImage0{n}", images[n - 1] or "", keep_empty=update) for n in (2, 3, 4)),
        _el("htmlDetail", draft.detail_html, cdata=True),
        *cert_elements(draft.certifications),
        *_period_elements(draft, today),
        _el("maktPrc", draft.market_price or None),
        _el("selPrc", draft.sale_price),
        *option_block,
        _el("prdSelQty", stock, keep_empty=True),
        *_limit_elements(draft),
        *shipping_elements(draft.shipping),
        _el("asDetail", _as_detail(draft), cdata=True),
        _el("rtngExchDetail", _return_detail(draft), cdata=True),
        _el("dlvClf", "02"),  # 업체배송 [S]
        notice_element(draft),
        # Search tags [U]: ProductTag/tagName, at most 10.
        *(f"<ProductTag>{_el('tagName', tag.strip())}</ProductTag>" for tag in draft.keywords[:10] if tag.strip()),
    ]
    return f'<?xml version="1.0" encoding="{DECLARED_CHARSET}"?><Product>{"".join(parts)}</Product>'


def search_product_xml(start: int, limit: int, status: str = "") -> str:
    """<SearchProduct> of the product list (POST /prodmarketservice/prodmarket) [U]: ``start`` is the
    1-based row to start from, ``limit`` the page size; ``selStatCd`` filters by sale status."""
    return xml_document("SearchProduct", [("selStatCd", status or None), ("start", start), ("limit", limit)])


# -- responses --------------------------------------------------------------------------------


def listing_state(code: str) -> tuple[ListingState, list[str]]:
    """selStatCd → (state, flags); unknown or missing codes give UNKNOWN and a flag, never an error."""
    state = LISTING_STATUS.get((code or "").strip())
    if state is None:
        return ListingState.UNKNOWN, [f"unknown_status:{code}"]
    return state, []


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(MIX_SEPARATOR)) if text.strip() else ()


def map_listing_options(sale_price: int, stock_rows: Iterable[dict[str, Any]]) -> list[ChannelListingOption]:
    """``ProductStock`` rows of prodmarket/stck → options. prdStckStatCd 01 사용 / 02 품절 [S]."""
    options = []
    for row in stock_rows:
        extra = _int(row.get("addPrc"))
        options.append(
            ChannelListingOption(
                option_id=_s(row, "prdStckNo"),
                seller_code=_s(row, "sellerStockCd"),
                values=_split(_s(row, "mixDtlOptNm")),
                price=sale_price + extra,
                extra_price=extra,
                stock=_int(row.get("stckQty")),
                on_sale=_s(row, "prdStckStatCd") != "02",
            )
        )
    return options


def map_channel_listing(product: dict[str, Any], stock_rows: Sequence[dict[str, Any]] | None = None) -> ChannelListing:
    """A product (a row of the product list or the product read) plus its stock rows → ChannelListing.

    A product without options still has one stock row (its prdStckNo, needed for stock pushes): it is
    not an option, so ``options`` stays empty and ref carries ``prdStckNo``/``stckQty``.
    """
    prd_no = _s(product, "prdNo")
    status = _s(product, "selStatCd")
    state, flags = listing_state(status)
    sale_price = _int(product.get("selPrc"))
    rows = list(stock_rows or [])
    ref: dict[str, Any] = {"prdNo": prd_no}
    if flags:
        ref["flags"] = flags
    names: tuple[str, ...] = ()
    options: list[ChannelListingOption] = []
    if len(rows) == 1 and not _s(rows[0], "mixOptNm") and not _s(rows[0], "mixDtlOptNm"):
        ref["prdStckNo"] = _s(rows[0], "prdStckNo")
        ref["stckQty"] = _int(rows[0].get("stckQty"))
    elif rows:
        names = _split(_s(rows[0], "mixOptNm"))
        options = map_listing_options(sale_price, rows)
    return ChannelListing(
        product_id=prd_no,
        name=_s(product, "prdNm"),
        seller_code=_s(product, "sellerPrdCd"),
        state=state,
        channel_status=status,
        sale_price=sale_price,
        market_price=_int(product.get("maktPrc")),
        category_id=_s(product, "dispCtgrNo"),
        option_names=names,
        options=options,
        ref=ref,
        raw={"product": dict(product), "stocks": rows},
    )


def option_ids_for(draft: ListingDraft, stock_rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Our seller code → prdStckNo, matched by the seller stock code we sent (colSellerStockCd) and,
    failing that, by the option values. A product without options maps its own seller code to its
    single stock row."""
    rows = list(stock_rows)
    if not draft.options:
        return {draft.seller_code: _s(rows[0], "prdStckNo")} if len(rows) == 1 else {}
    by_code = {_s(row, "sellerStockCd"): _s(row, "prdStckNo") for row in rows if _s(row, "sellerStockCd")}
    by_values = {_split(_s(row, "mixDtlOptNm")): _s(row, "prdStckNo") for row in rows}
    found = {}
    for option in draft.options:
        option_id = by_code.get(option.seller_code) or by_values.get(tuple(v.strip() for v in option.values))
        if option_id:
            found[option.seller_code] = option_id
    return found
