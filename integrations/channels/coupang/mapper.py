"""Coupang payloads ↔ the neutral dataclasses. Pure functions and tables, no I/O.

Facts from shared/reference/channels.md §1 (and §9 for the neutral side):
- Order sheets are per shipment box (``shipmentBoxId``: the unit of acknowledgement and invoice);
  one ``orderId`` can have several boxes. We yield one ChannelOrder per box with
  ``order_id = orderId``; lines carry ``shipment_id = shipmentBoxId`` and
  ``line_id = f"{orderId}-{vendorItemId}"`` (§9.1), so the engine merges the boxes of an order.
- Times are KST without offset (``yyyy-MM-dd'T'HH:mm:ss``, some fields ``yyyy-MM-dd HH:mm:ss``).
- The ordersheet shows the courier by *name* (``deliveryCompanyName``); uploads take the *code*.
- A single-record GET (``ordersheets/{shipmentBoxId}``) answers ``data`` as one object, lists as an
  array: ``rows()`` accepts both.
- Unknown enum values never raise: state UNKNOWN + flag ``unknown_status:<value>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

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
    ListingOptionDraft,
    ListingResult,
    ListingState,
    Person,
    SettlementLine,
    ShippingFeeType,
    TaxType,
    TemplateKind,
)
from ..common import SEE_DETAIL, notice_values

KST = timezone(timedelta(hours=9), "KST")

# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

ORDER_STATUSES: tuple[str, ...] = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")

ORDER_STATUS_STATE: dict[str, LineState] = {
    "ACCEPT": LineState.PAID,
    "INSTRUCT": LineState.ACKNOWLEDGED,
    "DEPARTURE": LineState.SHIPPED,
    "DELIVERING": LineState.IN_TRANSIT,
    "FINAL_DELIVERY": LineState.DELIVERED,
    "NONE_TRACKING": LineState.SHIPPED,  # seller's own delivery, untracked (§9.2)
}

# Invoice correction is only accepted in these order-sheet states (§1.3).
INVOICE_UPDATE_STATUSES = frozenset({"DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING"})

# returnRequests query `status` → receiptStatus values it lists. UC also lists receipts the seller has
# checked in (VENDOR_WAREHOUSE_CONFIRM) until they complete.
RETURN_QUERY_STATUSES: tuple[str, ...] = ("RU", "UC", "CC", "PR")

RETURN_STATUS_STATE: dict[str, ClaimState] = {
    "RELEASE_STOP_UNCHECKED": ClaimState.REQUESTED,  # 출고중지요청
    "RETURNS_UNCHECKED": ClaimState.REQUESTED,  # 반품접수
    "VENDOR_WAREHOUSE_CONFIRM": ClaimState.IN_PROGRESS,  # 입고완료
    "REQUEST_COUPANG_CHECK": ClaimState.IN_PROGRESS,  # 쿠팡확인요청
    "RETURNS_COMPLETED": ClaimState.COMPLETED,  # 반품완료
}

# releaseStopStatus values of a stop-shipment receipt that never shipped: a cancel, not a return.
STOP_SHIPMENT_CANCEL = frozenset({"미처리", "처리(출고중지)"})

EXCHANGE_STATUS_STATE: dict[str, ClaimState] = {
    "RECEIPT": ClaimState.REQUESTED,
    "PROGRESS": ClaimState.IN_PROGRESS,
    "SUCCESS": ClaimState.COMPLETED,
    "REJECT": ClaimState.REJECTED_BY_SELLER,
    "CANCEL": ClaimState.WITHDRAWN_BY_BUYER,
}

EXCHANGE_REJECT_CODES = frozenset({"SOLDOUT", "WITHDRAW"})

# Seller cancel (v5 orders/{orderId}/cancel): bigCancelCode is always CANERR; middleCancelCode says why.
CANCEL_BIG_CODE = "CANERR"
CANCEL_MIDDLE_CODES = {"CCTTER", "CCPNER", "CCPRER", "CCSSER"}
_CANCEL_REASON_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CCPRER", ("price", "가격")),
    ("CCPNER", ("address", "주소", "배송지")),
    ("CCSSER", ("system", "시스템")),
    ("CCTTER", ("stock", "sold", "재고", "품절")),
)

# Neutral courier → Coupang deliveryCompanyCode (§1.7, §9.4). There is no LOTTE/LOGEN code at Coupang.
COURIER_TO_COUPANG: dict[CourierCode, str] = {
    CourierCode.CJ: "CJGLS",
    CourierCode.HANJIN: "HANJIN",
    CourierCode.LOTTE: "HYUNDAI",
    CourierCode.EPOST: "EPOST",
    CourierCode.LOGEN: "KGB",
    CourierCode.KDEXP: "KDEXP",
    CourierCode.DAESIN: "DAESIN",
    CourierCode.ILYANG: "ILYANG",
    CourierCode.CHUNIL: "CHUNIL",
    CourierCode.HAPDONG: "HDEXP",
    CourierCode.GS_POSTBOX: "CVS",
    CourierCode.NONGHYUP: "NHLOGIS",
    CourierCode.WOORI: "HONAM",
    CourierCode.DIRECT: "DIRECT",
}

COUPANG_TO_COURIER: dict[str, CourierCode] = {
    **{code: courier for courier, code in COURIER_TO_COUPANG.items()},
    "KOREX": CourierCode.CJ,  # 대한통운, merged into CJ
}

# Tracking-number digit counts Coupang publishes (§1.7). DIRECT takes any digits; others unchecked.
TRACKING_DIGITS: dict[str, frozenset[int]] = {
    "CJGLS": frozenset({10, 12}),
    "KOREX": frozenset({10, 12}),
    "HANJIN": frozenset({10, 12}),
    "HYUNDAI": frozenset({10, 12, 13}),
    "EPOST": frozenset({13}),
    "KGB": frozenset({10, 11}),
    "KDEXP": frozenset(range(8, 17)),
    "ILYANG": frozenset(range(8, 17)),
    "CHUNIL": frozenset({11}),
    "DAESIN": frozenset({13}),
    "CVS": frozenset({10, 12}),
    "HDEXP": frozenset(range(8, 17)),
}

# deliveryCompanyName as the ordersheet shows it → code (names compared without spaces).
COURIER_NAMES: dict[str, str] = {
    "CJ대한통운": "CJGLS",
    "대한통운": "KOREX",
    "한진택배": "HANJIN",
    "롯데택배": "HYUNDAI",
    "현대택배": "HYUNDAI",
    "우체국": "EPOST",
    "우체국택배": "EPOST",
    "로젠택배": "KGB",
    "경동택배": "KDEXP",
    "일양택배": "ILYANG",
    "일양로지스": "ILYANG",
    "천일택배": "CHUNIL",
    "천일특송": "CHUNIL",
    "대신택배": "DAESIN",
    "CVS택배": "CVS",
    "합동택배": "HDEXP",
    "업체직송": "DIRECT",
    "호남택배": "HONAM",
    "농협택배": "NHLOGIS",
}


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def rows(data: Any) -> list[dict[str, Any]]:
    """``data`` as a list of records: arrays stay, a single object becomes [object], null → []."""
    if data is None:
        return []
    if isinstance(data, dict):
        if isinstance(data.get("content"), list):
            return data["content"]
        return [data]
    return list(data)


def parse_time(value: Any) -> datetime | None:
    """Coupang KST strings (``2025-03-01T10:20:16``, ``2025-03-01 10:20:16``, with or without offset)."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KST)


def parse_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def kst_date(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d")


def kst_date_offset(day: date) -> str:
    """v5 daily-mode parameter: the date with the KST offset (``2025-07-15+09:00``)."""
    return f"{day.isoformat()}+09:00"


def kst_seconds(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%dT%H:%M:%S")


def _int(value: Any) -> int:
    if value in (None, ""):
        return 0
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def id_number(value: Any) -> Any:
    """Coupang takes numeric ids as JSON numbers; keep anything non-numeric as it is."""
    text = _str(value)
    return int(text) if text.isdigit() else value


def line_id(order_id: Any, vendor_item_id: Any) -> str:
    return f"{order_id}-{vendor_item_id}"


def courier_from_name(name: Any) -> CourierCode | None:
    code = COURIER_NAMES.get(re.sub(r"\s+", "", _str(name)))
    return COUPANG_TO_COURIER.get(code) if code else None


def coupang_courier(courier: CourierCode) -> str | None:
    return COURIER_TO_COUPANG.get(courier)


def normalize_tracking(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def tracking_problem(code: str, number: str) -> str:
    """Why ``number`` cannot be a tracking number of ``code`` (§1.7), or "" when it can."""
    if not number:
        return "송장번호가 비어 있습니다."
    if not number.isdigit():
        return "송장번호는 숫자로만 입력해야 합니다."
    allowed = TRACKING_DIGITS.get(code)
    if allowed and len(number) not in allowed:
        counts = sorted(allowed)
        shown = f"{counts[0]}~{counts[-1]}" if len(counts) > 3 else ", ".join(map(str, counts))
        return f"{code} 송장번호는 {shown}자리여야 합니다 (입력 {len(number)}자리)."
    return ""


def cancel_middle_code(reason: str) -> str:
    """A neutral/free-text cancel reason → Coupang middleCancelCode (default: stock problem)."""
    text = (reason or "").strip()
    if text.upper() in CANCEL_MIDDLE_CODES:
        return text.upper()
    lowered = text.lower()
    for code, words in _CANCEL_REASON_WORDS:
        if any(word in lowered for word in words):
            return code
    return "CCTTER"


def exchange_reject_code(reason: str) -> str:
    text = (reason or "").strip().upper()
    if text in EXCHANGE_REJECT_CODES:
        return text
    return "WITHDRAW" if ("WITHDRAW" in text or "철회" in text) else "SOLDOUT"


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------


def order_from_box(box: dict[str, Any]) -> ChannelOrder:
    """One order sheet (shipment box) → a ChannelOrder holding that box's lines."""
    order_id = _str(box.get("orderId"))
    box_id = _str(box.get("shipmentBoxId"))
    status = _str(box.get("status"))
    state = ORDER_STATUS_STATE.get(status, LineState.UNKNOWN)
    order_flags = [] if status in ORDER_STATUS_STATE else [f"unknown_status:{status}"]
    courier = courier_from_name(box.get("deliveryCompanyName"))
    tracking = _str(box.get("invoiceNumber"))
    orderer = box.get("orderer") or {}
    receiver = box.get("receiver") or {}
    shipping_fee = _int(box.get("shippingPrice")) + _int(box.get("remotePrice"))

    lines = []
    for item in box.get("orderItems") or []:
        vendor_item_id = _str(item.get("vendorItemId"))
        shipping_count = _int(item.get("shippingCount"))
        cancel_count = _int(item.get("cancelCount"))
        hold_count = _int(item.get("holdCountForCancel"))
        discount = _int(item.get("discountPrice"))
        order_price = _int(item.get("orderPrice"))
        flags = list(order_flags)
        line_state = state
        claim_type = claim_state = None
        if item.get("canceled") or (shipping_count == 0 and cancel_count > 0):
            line_state = LineState.CANCELLED
        elif state is LineState.DELIVERED and item.get("confirmDate"):
            line_state = LineState.PURCHASE_CONFIRMED
        if hold_count > 0 and line_state is not LineState.CANCELLED:
            claim_type, claim_state = ClaimType.CANCEL, ClaimState.REQUESTED
            flags.append("cancel_hold")
        if not courier and box.get("deliveryCompanyName"):
            flags.append(f"unknown_courier:{box.get('deliveryCompanyName')}")
        lines.append(
            ChannelOrderLine(
                line_id=line_id(order_id, vendor_item_id),
                shipment_id=box_id,
                product_id=_str(item.get("sellerProductId")),
                option_id=vendor_item_id,
                seller_code=_str(item.get("externalVendorSkuCode")),
                product_name=_str(item.get("sellerProductName") or item.get("vendorItemName")),
                option_name=_str(item.get("sellerProductItemName")),
                quantity=shipping_count + cancel_count,
                unit_price=_int(item.get("salesPrice")),
                discount=discount,
                line_amount=order_price - discount,
                state=line_state,
                channel_status=status,
                claim_type=claim_type,
                claim_state=claim_state,
                expected_ship_date=parse_date(item.get("estimatedShippingDate")),
                courier=courier,
                tracking_number=tracking,
                ref={
                    "orderId": order_id,
                    "shipmentBoxId": box_id,
                    "vendorItemId": vendor_item_id,
                    "sellerProductId": _str(item.get("sellerProductId")),
                    "productId": _str(item.get("productId")),
                    "shippingCount": shipping_count,
                    "status": status,
                },
                flags=flags,
                raw=item,
            )
        )

    return ChannelOrder(
        order_id=order_id,
        ordered_at=parse_time(box.get("orderedAt")),
        paid_at=parse_time(box.get("paidAt")),
        buyer=Person(
            name=_str(orderer.get("name")),
            phone=_str(orderer.get("safeNumber") or orderer.get("ordererNumber")),
            email=_str(orderer.get("email")),
        ),
        receiver=Address(
            name=_str(receiver.get("name")),
            phone1=_str(receiver.get("safeNumber")),
            phone2=_str(receiver.get("receiverNumber")),
            zip_code=_str(receiver.get("postCode")),
            address1=_str(receiver.get("addr1")),
            address2=_str(receiver.get("addr2")),
        ),
        delivery_message=_str(box.get("parcelPrintMessage")),
        shipping_fee=shipping_fee,
        total_amount=sum(line.line_amount for line in lines) + shipping_fee,
        lines=lines,
        ref={"shipmentBoxId": box_id, "status": status},
        flags=order_flags,
        raw=box,
    )


def orders_from_envelope(envelope: dict[str, Any]) -> list[ChannelOrder]:
    return [order_from_box(box) for box in rows(envelope.get("data"))]


# ---------------------------------------------------------------------------------------------
# Bulk results (acknowledgement, invoices)
# ---------------------------------------------------------------------------------------------


def bulk_results(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    """``data.responseList`` of a bulk call as plain dicts (key, ok, code, message, retryable)."""
    data = envelope.get("data") or {}
    results = []
    for row in data.get("responseList") or []:
        results.append(
            {
                "key": _str(row.get("shipmentBoxId")),
                "ok": bool(row.get("succeed")),
                "code": _str(row.get("resultCode")),
                "message": _str(row.get("resultMessage")),
                "retryable": bool(row.get("retryRequired")),
            }
        )
    return results


def invoice_dto(*, shipment_box_id: Any, order_id: Any, vendor_item_id: Any, courier_code: str, number: str) -> dict:
    return {
        "shipmentBoxId": id_number(shipment_box_id),
        "orderId": id_number(order_id),
        "vendorItemId": id_number(vendor_item_id),
        "deliveryCompanyCode": courier_code,
        "invoiceNumber": number,
        "splitShipping": False,
        "preSplitShipped": False,
        "estimatedShippingDate": "",
    }


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def claim_from_return(row: dict[str, Any]) -> ChannelClaim:
    """A returnRequests row (receiptType RETURN or CANCEL) → ChannelClaim."""
    receipt_id = _str(row.get("receiptId"))
    order_id = _str(row.get("orderId"))
    status = _str(row.get("receiptStatus"))
    receipt_type = _str(row.get("receiptType"))
    flags = []
    state = RETURN_STATUS_STATE.get(status)
    if state is None:
        state = ClaimState.UNKNOWN
        flags.append(f"unknown_status:{status}")
    if (
        receipt_type == "CANCEL"
        or status == "RELEASE_STOP_UNCHECKED"
        or row.get("releaseStopStatus") in (STOP_SHIPMENT_CANCEL)
    ):
        claim_type = ClaimType.CANCEL
    else:
        claim_type = ClaimType.RETURN
    if receipt_type not in ("RETURN", "CANCEL"):
        flags.append(f"unknown_receipt_type:{receipt_type}")
    items = row.get("returnItems") or []
    categories = (row.get("cancelReasonCategory1"), row.get("cancelReasonCategory2"))
    reason = " > ".join(_str(category) for category in categories if category)
    completed_at = parse_time(row.get("completeConfirmDate")) if state is ClaimState.COMPLETED else None
    if state is ClaimState.COMPLETED and completed_at is None:
        completed_at = parse_time(row.get("modifiedAt"))
    return ChannelClaim(
        claim_id=f"return-{receipt_id}",
        claim_type=claim_type,
        state=state,
        channel_status=status,
        order_id=order_id,
        line_ids=[line_id(order_id, item.get("vendorItemId")) for item in items],
        quantity=_int(row.get("cancelCountSum")) or sum(_int(item.get("cancelCount")) for item in items),
        reason=reason,
        reason_detail=_str(row.get("cancelReason")),
        requested_at=parse_time(row.get("createdAt")),
        completed_at=completed_at,
        ref={
            "kind": "return",
            "receiptId": receipt_id,
            "receiptType": receipt_type,
            "receiptStatus": status,
            "orderId": order_id,
            "cancelCountSum": _int(row.get("cancelCountSum")),
            "shipmentBoxIds": sorted({_str(item.get("shipmentBoxId")) for item in items if item.get("shipmentBoxId")}),
            "vendorItemIds": [_str(item.get("vendorItemId")) for item in items],
        },
        flags=flags,
        raw=row,
    )


def claim_from_exchange(row: dict[str, Any]) -> ChannelClaim:
    """An exchangeRequests row → ChannelClaim. ``orderItemId`` is the original option (vendorItemId)."""
    exchange_id = _str(row.get("exchangeId"))
    order_id = _str(row.get("orderId"))
    status = _str(row.get("exchangeStatus"))
    flags = []
    state = EXCHANGE_STATUS_STATE.get(status)
    if state is None:
        state = ClaimState.UNKNOWN
        flags.append(f"unknown_status:{status}")
    items = row.get("exchangeItemDtoV1s") or []
    return ChannelClaim(
        claim_id=f"exchange-{exchange_id}",
        claim_type=ClaimType.EXCHANGE,
        state=state,
        channel_status=status,
        order_id=order_id,
        line_ids=[line_id(order_id, item.get("orderItemId")) for item in items],
        quantity=sum(_int(item.get("quantity")) for item in items),
        reason=_str(row.get("reasonCodeText") or row.get("reason")),
        reason_detail=_str(row.get("reasonEtcDetail")),
        requested_at=parse_time(row.get("createdAt")),
        completed_at=parse_time(row.get("modifiedAt")) if state is ClaimState.COMPLETED else None,
        ref={
            "kind": "exchange",
            "exchangeId": exchange_id,
            "exchangeStatus": status,
            "orderId": order_id,
            "shipmentBoxIds": sorted(
                {_str(item.get("originalShipmentBoxId")) for item in items if item.get("originalShipmentBoxId")}
            ),
            "targetItemIds": [_str(item.get("targetItemId")) for item in items],
        },
        flags=flags,
        raw=row,
    )


# ---------------------------------------------------------------------------------------------
# Inquiries
# ---------------------------------------------------------------------------------------------


def inquiry_from_online(row: dict[str, Any]) -> ChannelInquiry:
    inquiry_id = _str(row.get("inquiryId"))
    comments = row.get("commentDtoList") or []
    last = comments[-1] if comments else {}
    order_ids = row.get("orderIds") or []
    return ChannelInquiry(
        inquiry_id=f"qna-{inquiry_id}",
        kind=InquiryKind.PRODUCT_QNA,
        content=_str(row.get("content")),
        created_at=parse_time(row.get("inquiryAt")),
        author=_str(row.get("buyerEmail")),
        product_id=_str(row.get("sellerProductId") or row.get("productId")),
        product_name=_str(row.get("sellerProductName") or row.get("productName")),
        order_id=_str(order_ids[0]) if order_ids else "",
        answered=bool(comments),
        answer=_str(last.get("content")),
        answered_at=parse_time(last.get("inquiryCommentAt")),
        ref={"kind": "online", "inquiryId": inquiry_id, "vendorItemId": _str(row.get("vendorItemId"))},
        raw=row,
    )


def inquiry_from_call_center(row: dict[str, Any]) -> ChannelInquiry:
    inquiry_id = _str(row.get("inquiryId"))
    replies = row.get("replies") or []
    status = _str(row.get("csPartnerCounselingStatus"))
    # The seller answers the latest reply Coupang's counsellor passed on (its answerId is the parent).
    pending = [reply for reply in replies if reply.get("needAnswer")]
    parent = pending[-1] if pending else {}
    seller_replies = [reply for reply in replies if reply.get("replyBy")]
    answer = seller_replies[-1] if seller_replies else {}
    vendor_items = row.get("vendorItemId") or []
    if not isinstance(vendor_items, list):
        vendor_items = [vendor_items]
    return ChannelInquiry(
        inquiry_id=f"cc-{inquiry_id}",
        kind=InquiryKind.CUSTOMER,
        content=_str(row.get("content")),
        created_at=parse_time(row.get("inquiryAt")),
        title=_str(row.get("receiptCategory")),
        author=_str(row.get("buyerEmail")),
        product_name=_str(row.get("itemName")),
        order_id=_str(row.get("orderId")) if row.get("orderId") else "",
        answered=status.lower() == "answered" or bool(answer),
        answer=_str(answer.get("content")),
        answered_at=parse_time(answer.get("replyAt") or row.get("answeredAt")),
        ref={
            "kind": "callcenter",
            "inquiryId": inquiry_id,
            "status": status,
            "parentAnswerId": _str(parent.get("answerId")),
            "vendorItemIds": [_str(v) for v in vendor_items],
        },
        raw=row,
    )


# ---------------------------------------------------------------------------------------------
# Templates (출고지 / 반품지)
# ---------------------------------------------------------------------------------------------


def _address(addresses: Iterable[dict[str, Any]], name: str) -> Address | None:
    addresses = list(addresses or [])
    if not addresses:
        return None
    chosen = next((a for a in addresses if a.get("addressType") == "ROADNAME"), addresses[0])
    return Address(
        name=name,
        phone1=_str(chosen.get("companyContactNumber")),
        phone2=_str(chosen.get("phoneNumber2")),
        zip_code=_str(chosen.get("returnZipCode")),
        address1=_str(chosen.get("returnAddress")),
        address2=_str(chosen.get("returnAddressDetail")),
    )


def template_from_outbound(row: dict[str, Any]) -> ChannelTemplate:
    name = _str(row.get("shippingPlaceName"))
    return ChannelTemplate(
        kind=TemplateKind.OUTBOUND_ADDRESS,
        name=name,
        template_id=_str(row.get("outboundShippingPlaceCode")),
        address=_address(row.get("placeAddresses"), name),
        overseas=bool(row.get("global")),
        fields={
            "usable": row.get("usable", True),
            "remoteInfos": row.get("remoteInfos") or [],
            "createDate": _str(row.get("createDate")),
        },
        raw=row,
    )


def template_from_return_center(row: dict[str, Any]) -> ChannelTemplate:
    name = _str(row.get("shippingPlaceName"))
    return ChannelTemplate(
        kind=TemplateKind.RETURN_ADDRESS,
        name=name,
        template_id=_str(row.get("returnCenterCode")),
        address=_address(row.get("placeAddresses"), name),
        fields={
            "usable": row.get("usable", True),
            "deliverCode": _str(row.get("deliverCode")),
            "deliverName": _str(row.get("deliverName")),
            "goodsflowStatus": _str(row.get("goodsflowStatus")),
        },
        raw=row,
    )


def place_addresses(address: Address | None) -> list[dict[str, Any]]:
    if address is None:
        return []
    entry = {
        "addressType": "ROADNAME",
        "countryCode": "KR",
        "companyContactNumber": address.phone1,
        "returnZipCode": address.zip_code,
        "returnAddress": address.address1,
        "returnAddressDetail": address.address2,
    }
    if address.phone2:
        entry["phoneNumber2"] = address.phone2
    return [entry]


def outbound_payload(template: ChannelTemplate, *, vendor_id: str, user_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vendorId": vendor_id,
        "userId": user_id,
        "shippingPlaceName": template.name,
        "global": template.overseas,
        "usable": bool(template.fields.get("usable", True)),
        "placeAddresses": place_addresses(template.address),
        "remoteInfos": [
            {key: info[key] for key in ("remoteInfoId", "deliveryCode", "jeju", "notJeju", "usable") if key in info}
            for info in template.fields.get("remoteInfos") or []
        ],
    }
    if template.template_id:
        body["outboundShippingPlaceCode"] = id_number(template.template_id)
    return body


def return_center_payload(template: ChannelTemplate, *, vendor_id: str, user_id: str) -> dict[str, Any]:
    fields = template.fields
    goodsflow = {
        "deliverCode": _str(fields.get("deliverCode")),
        "deliverName": _str(fields.get("deliverName")),
        "contractNumber": _str(fields.get("contractNumber")),
        "contractCustomerNumber": _str(fields.get("contractCustomerNumber")),
    }
    body: dict[str, Any] = {
        "vendorId": vendor_id,
        "userId": user_id,
        "shippingPlaceName": template.name,
        "usable": bool(fields.get("usable", True)),
        "placeAddresses": place_addresses(template.address),
    }
    if template.template_id:
        body["returnCenterCode"] = id_number(template.template_id)
        body["goodsflowInfoDto"] = goodsflow
    else:
        body["goodsflowInfoOpenApiDto"] = goodsflow
    return body


def pagination(payload: dict[str, Any]) -> dict[str, Any]:
    """``pagination`` of a pageNum/pageSize list, enveloped (``data.pagination``) or not."""
    data = payload.get("data") if isinstance(payload.get("data"), dict) else payload
    return (data or {}).get("pagination") or {}


def page_content(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """``content`` of a paged list. The MO (marketplace_openapi) outbound list has no envelope."""
    data = payload.get("data") if isinstance(payload.get("data"), dict) else payload
    return list((data or {}).get("content") or [])


# ---------------------------------------------------------------------------------------------
# Settlements (revenue-history)
# ---------------------------------------------------------------------------------------------


def settlements_from_revenue(row: dict[str, Any]) -> list[SettlementLine]:
    """One revenue-history record (an order's SALE or REFUND on a recognition date) → item lines."""
    order_id = _str(row.get("orderId"))
    sale_type = _str(row.get("saleType")) or "UNKNOWN"
    recognized = parse_date(row.get("recognitionDate"))
    settle_on = parse_date(row.get("settlementDate"))
    key_date = recognized.isoformat() if recognized else ""
    lines = []
    for item in row.get("items") or []:
        vendor_item_id = _str(item.get("vendorItemId"))
        lines.append(
            SettlementLine(
                settlement_id=f"{order_id}-{vendor_item_id}-{sale_type}-{key_date}",
                kind=sale_type,
                order_id=order_id,
                line_id=line_id(order_id, vendor_item_id),
                recognized_on=recognized,
                settle_on=settle_on,
                sale_amount=_int(item.get("saleAmount")),
                commission=_int(item.get("serviceFee")) + _int(item.get("serviceFeeVat")),
                settlement_amount=_int(item.get("settlementAmount")),
                raw={**{k: v for k, v in row.items() if k != "items"}, "item": item},
            )
        )
    fee = row.get("deliveryFee") or {}
    if _int(fee.get("amount")):
        lines.append(
            SettlementLine(
                settlement_id=f"{order_id}-DELIVERY-{sale_type}-{key_date}",
                kind=f"{sale_type}_DELIVERY_FEE",
                order_id=order_id,
                recognized_on=recognized,
                settle_on=settle_on,
                sale_amount=_int(fee.get("amount")),
                commission=_int(fee.get("fee")) + _int(fee.get("feeVat")),
                settlement_amount=_int(fee.get("settlementAmount")),
                raw={**{k: v for k, v in row.items() if k != "items"}},
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------
# Listings (seller-products: 상품 생성 / 수정 / 조회 / 목록)
# ---------------------------------------------------------------------------------------------
#
# Wire facts (developers.coupangcorp.com 상품 APIs; mirrored in optionalg/coupang-developers.github.io
# season-2 product-api docs):
# - POST / PUT SA/seller-products take one body: product-level sale, delivery and return fields plus
#   ``items`` (one per option, ≤200). Every item carries its own price, stock, images, notices,
#   attributes (the option values), contents and certifications: Coupang has no product-level price.
# - The register answer is ``{code: "SUCCESS", message, data: sellerProductId}``. ``vendorItemId`` (the
#   option id that orders, stock/price pushes use) stays null until Coupang approves the product.
# - A full update sends ``sellerProductId`` and, on every kept item, its ``sellerProductItemId`` (and
#   ``vendorItemId`` once approved); an item without one is a new option; a missing item is a deletion
#   (refused for approved items). Option values of a registered item cannot change. Once an item is
#   approved, its salePrice / maximumBuyCount / originalPrice in the body are not applied: they change
#   through the per-item APIs (vendor-items/{id}/prices|quantities|original-prices).
# - Jeju / remote-area surcharges are not product fields at Coupang: they live on the 출고지
#   (outbound place ``remoteInfos``: jeju / notJeju per courier). The product only says whether it
#   ships to remote areas (``remoteAreaDeliverable`` Y/N). Exchange fees are not a product field either
#   (Coupang charges the one-way ``returnCharge`` each way).

SALE_END_DEFAULT = "2099-01-01T23:59:59"  # the docs' "sell until further notice"
MAX_ITEMS = 200
MAX_DETAIL_IMAGES = 9

# statusName (detail and list) and the list's English status filter → ListingState.
SELLER_PRODUCT_STATES: dict[str, ListingState] = {
    "임시저장중": ListingState.DRAFT,
    "임시저장": ListingState.DRAFT,  # saved at Coupang, approval not requested
    "심사중": ListingState.PENDING_APPROVAL,
    "승인대기중": ListingState.PENDING_APPROVAL,
    "승인완료": ListingState.ON_SALE,
    "부분승인완료": ListingState.ON_SALE,  # some items approved: those sell
    "승인반려": ListingState.REJECTED,
    "상품삭제": ListingState.ENDED,
    "SAVING": ListingState.DRAFT,
    "SAVED": ListingState.DRAFT,
    "IN_REVIEW": ListingState.PENDING_APPROVAL,
    "APPROVING": ListingState.PENDING_APPROVAL,
    "APPROVED": ListingState.ON_SALE,
    "PARTIAL_APPROVED": ListingState.ON_SALE,
    "DENIED": ListingState.REJECTED,
    "DELETED": ListingState.ENDED,
}

TAX_TYPES: dict[TaxType, str] = {TaxType.TAXABLE: "TAX", TaxType.TAX_FREE: "FREE"}  # no 영세 at Coupang

DELIVERY_CHARGE_TYPES: dict[ShippingFeeType, str] = {
    ShippingFeeType.FREE: "FREE",
    ShippingFeeType.FIXED: "NOT_FREE",
    ShippingFeeType.CONDITIONAL: "CONDITIONAL_FREE",
}

# Our certification kinds (modules.catalog CertificationKind) → Coupang certificationType, as the
# category meta API lists them. Radio-equipment regimes are one type at Coupang. Chemical-product
# numbers and "other" have no type of their own: PRESENTED_IN_DETAIL_PAGE [U].
CERTIFICATION_TYPES: dict[str, str] = {
    "kids_safety": "KC_KID_CERTIFICATION",
    "kids_confirm": "KC_KID_CONFIRM",
    "kids_supplier": "KC_KID_PROVIDER",
    "electric_safety": "KC_ELECTRONICS_CERTIFICATION",
    "electric_confirm": "KC_ELECTRONICS_CONFIRM",
    "electric_supplier": "KC_ELECTRONICS_PROVIDER",
    "living_safety": "KC_HOUSEHOLD_CERTIFICATION",
    "living_confirm": "KC_HOUSEHOLD_CONFIRM",
    "living_supplier": "KC_HOUSEHOLD_QUALITY",  # [U] 공급자적합성 → 안전품질표시 (Coupang lists no supplier type)
    "living_standard": "KC_HOUSEHOLD_QUALITY",
    "radio_conformity": "COMMUNICATION_EQUIPMENT",
    "radio_registration": "COMMUNICATION_EQUIPMENT",
    "radio_provisional": "COMMUNICATION_EQUIPMENT",
    "chemical_report": "PRESENTED_IN_DETAIL_PAGE",
    "chemical_approval": "PRESENTED_IN_DETAIL_PAGE",
    "other": "PRESENTED_IN_DETAIL_PAGE",
}
COUPANG_CERTIFICATION_TYPES = frozenset({"NOT_REQUIRED", *CERTIFICATION_TYPES.values()}) | {
    "KC_HOUSEHOLD_PACKAGING",
}

# Our notice category → (Coupang noticeCategoryName, ((noticeCategoryDetailName, our item key), …)).
# Coupang's wording is per category and comes from the category meta API (…/meta/category-related-metas/
# display-category-codes/{code}). Known from Coupang's own samples: 패션잡화 (create-product sample),
# 화장품 and 자동차용품 (product/meta samples), 기타 재화 (meta sample; its second item is "인증사항" in the
# current sample and "법적 허가 사항" in the 2019 one). 의류, 구두/신발, 가방 follow the 고시 short forms
# Coupang uses elsewhere [U]. Every other category is sent as 기타 재화, filled from what the draft
# knows and "상세페이지 참조" for the rest [U: Coupang may refuse 기타 재화 for some display categories].
ETC_NOTICE = (
    "기타 재화",
    (
        ("품명 및 모델명", "item_name_model"),
        ("인증사항", "kc_cert"),
        ("제조국(원산지)", "country"),
        ("제조자(수입자)", "manufacturer"),
        ("소비자상담 관련 전화번호", "as_contact"),
    ),
)
NOTICE_CATEGORIES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "fashion_items": (
        "패션잡화(모자/벨트/액세서리)",
        (
            ("종류", "kind"),
            ("소재", "material"),
            ("치수", "size"),
            ("제조자(수입자)", "manufacturer"),
            ("제조국", "country"),
            ("취급시 주의사항", "caution"),
            ("품질보증기준", "warranty"),
            ("A/S 책임자와 전화번호", "as_contact"),
        ),
    ),
    "cosmetic": (
        "화장품",
        (
            ("용량(중량)", "capacity"),
            ("제품 주요 사양", "cosmetic_spec"),
            ("사용기한 또는 개봉 후 사용기간", "use_by"),
            ("사용방법", "usage"),
            ("제조업자 및 제조판매업자", "cosmetic_maker"),
            ("제조국", "country"),
            ("화장품법에 따라 기재, 표시하여야 하는 모든 성분", "all_ingredients"),
            ("식품의약품안전처 심사 필 유무", "functional_review"),
            ("사용할 때 주의사항", "use_caution"),
            ("품질보증기준", "warranty"),
            ("소비자상담관련 전화번호", "consumer_phone"),
        ),
    ),
    "car_articles": (
        "자동차용품(자동차부품/기타 자동차용품)",
        (
            ("품명 및 모델명", "item_name_model"),
            ("출시년월", "released_on"),
            ("KC 인증 필 유무", "car_cert"),
            ("제조자(수입자)", "manufacturer"),
            ("제조국", "country"),
            ("크기", "dimensions"),
            ("적용차종", "car_models"),
            ("품질보증기준", "warranty"),
            ("A/S 책임자와 전화번호", "as_contact"),
        ),
    ),
    "wear": (  # [U] detail wording
        "의류",
        (
            ("제품 소재", "material"),
            ("색상", "color"),
            ("치수", "size"),
            ("제조자(수입자)", "manufacturer"),
            ("제조국", "country"),
            ("세탁방법 및 취급시 주의사항", "care"),
            ("제조연월", "made_on"),
            ("품질보증기준", "warranty"),
            ("A/S 책임자와 전화번호", "as_contact"),
        ),
    ),
    "shoes": (  # [U] detail wording
        "구두/신발",
        (
            ("제품 소재", "shoe_material"),
            ("색상", "color"),
            ("치수", "shoe_size"),
            ("제조자(수입자)", "manufacturer"),
            ("제조국", "country"),
            ("취급시 주의사항", "caution"),
            ("품질보증기준", "warranty"),
            ("A/S 책임자와 전화번호", "as_contact"),
        ),
    ),
    "bag": (  # [U] detail wording
        "가방",
        (
            ("종류", "kind"),
            ("소재", "material"),
            ("색상", "color"),
            ("크기", "dimensions"),
            ("제조자(수입자)", "manufacturer"),
            ("제조국", "country"),
            ("취급시 주의사항", "caution"),
            ("품질보증기준", "warranty"),
            ("A/S 책임자와 전화번호", "as_contact"),
        ),
    ),
    "etc": ETC_NOTICE,
}


class ListingDraftError(ValueError):
    """A draft that cannot be expressed in Coupang's body at all (refused before sending)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def listing_state(status_name: Any) -> tuple[ListingState, list[str]]:
    """statusName → (state, flags); unknown values are UNKNOWN with an ``unknown_status:`` flag."""
    text = _str(status_name).strip()
    state = SELLER_PRODUCT_STATES.get(text)
    if state is None:
        return ListingState.UNKNOWN, [f"unknown_status:{text}"]
    return state, []


def _notice_value(values: dict[str, str], draft: ListingDraft, key: str) -> str:
    value = values.get(key) or {
        "manufacturer": draft.maker or draft.brand,
        "country": draft.origin,
        "as_contact": draft.as_phone,
        "consumer_phone": draft.as_phone,
        "item_name_model": " ".join(part for part in (draft.name, draft.model) if part),
    }.get(key, "")
    return _str(value).strip() or SEE_DETAIL


def notices(draft: ListingDraft) -> list[dict[str, str]]:
    """상품정보제공고시 as Coupang notices (one category for the whole item, see NOTICE_CATEGORIES)."""
    category, details = NOTICE_CATEGORIES.get(draft.notice_category, ETC_NOTICE)
    values = notice_values(draft.notice_fields)
    return [
        {
            "noticeCategoryName": category,
            "noticeCategoryDetailName": detail,
            "content": _notice_value(values, draft, key),
        }
        for detail, key in details
    ]


def certifications(draft: ListingDraft) -> list[dict[str, str]]:
    result = []
    for cert in draft.certifications:
        kind = _str(cert.get("kind"))
        cert_type = kind if kind in COUPANG_CERTIFICATION_TYPES else CERTIFICATION_TYPES.get(kind)
        if cert_type is None:
            cert_type = "PRESENTED_IN_DETAIL_PAGE"
        result.append({"certificationType": cert_type, "certificationCode": _str(cert.get("number"))})
    return result or [{"certificationType": "NOT_REQUIRED", "certificationCode": ""}]


def listing_images(draft: ListingDraft) -> list[dict[str, Any]]:
    images: list[dict[str, Any]] = []
    if draft.main_image is not None:
        images.append({"imageOrder": 0, "imageType": "REPRESENTATION", "vendorPath": draft.main_image.url})
    for image in draft.extra_images:
        images.append({"imageOrder": len(images), "imageType": "DETAIL", "vendorPath": image.url})
    return images


def _contents(draft: ListingDraft) -> list[dict[str, Any]]:
    # Coupang's own samples send HTML as contentsType TEXT with one TEXT detail.
    html = draft.detail_html or f"<p>{draft.name}</p>"
    return [{"contentsType": "TEXT", "contentDetails": [{"content": html, "detailType": "TEXT"}]}]


def _return_fields(address: Address | None) -> dict[str, str]:
    address = address or Address()
    return {
        "returnChargeName": address.name,
        "companyContactNumber": address.phone1,
        "returnZipCode": address.zip_code,
        "returnAddress": address.address1,
        "returnAddressDetail": address.address2,
    }


def return_address_from_center(row: dict[str, Any]) -> Address | None:
    """A return centre record (returnShippingCenters) → the Address the product body repeats."""
    return _address(row.get("placeAddresses"), _str(row.get("shippingPlaceName")))


def _delivery_fields(draft: ListingDraft) -> dict[str, Any]:
    shipping = draft.shipping
    extra = draft.extra
    courier = COURIER_TO_COUPANG.get(shipping.courier)
    if courier is None:
        raise ListingDraftError("UNSUPPORTED_COURIER", f"쿠팡에서 쓸 수 없는 택배사입니다: {shipping.courier}")
    if extra.get("charge_received"):  # 착불: the buyer pays the courier on delivery
        charge_type = "CHARGE_RECEIVED"
    else:
        charge_type = DELIVERY_CHARGE_TYPES.get(shipping.fee_type)
    if charge_type is None:
        raise ListingDraftError(
            "UNSUPPORTED_SHIPPING_FEE", "쿠팡은 수량별 배송비를 지원하지 않습니다 (무료·유료·조건부 무료·착불만 가능)."
        )
    fee = shipping.fee if charge_type in ("NOT_FREE", "CONDITIONAL_FREE", "CHARGE_RECEIVED") else 0
    threshold = shipping.free_threshold if charge_type == "CONDITIONAL_FREE" else 0
    # 초도반품배송비: what a buyer of a free-shipping product pays back for the first delivery on return.
    initial_return = int(extra.get("initial_return_fee", shipping.return_fee)) if charge_type == "FREE" else 0
    union = extra.get("union_delivery", charge_type != "CHARGE_RECEIVED")
    if courier == "DIRECT":
        method = "VENDOR_DIRECT"  # [U] seller's own delivery / installation
    else:
        method = "SEQUENCIAL"  # (sic) Coupang's spelling of 일반배송
    return {
        "deliveryMethod": _str(extra.get("delivery_method") or method),
        "deliveryCompanyCode": courier,
        "deliveryChargeType": charge_type,
        "deliveryCharge": fee,
        "freeShipOverAmount": threshold,
        "deliveryChargeOnReturn": initial_return,
        "remoteAreaDeliverable": "N" if extra.get("remote_area_deliverable") is False else "Y",
        "unionDeliveryType": "UNION_DELIVERY" if union else "NOT_UNION_DELIVERY",
        "returnCenterCode": shipping.return_template_id,
        "returnCharge": shipping.return_fee,
        "outboundShippingPlaceCode": id_number(shipping.outbound_template_id),
    }


def _seller_code(draft: ListingDraft, option: ListingOptionDraft | None) -> str:
    return option.seller_code if option else draft.seller_code


def _item_name(draft: ListingDraft, option: ListingOptionDraft | None) -> str:
    if option is None or not option.values:
        return draft.name
    return " ".join(value for value in option.values if value)


def item_numbers(draft: ListingDraft) -> dict[str, dict[str, Any]]:
    """seller code → what each item should sell at: salePrice, originalPrice, maximumBuyCount, on_sale.

    An option's price is the product's sale price plus its extra price; its 할인율기준가 the market
    price plus the same extra (or the sale price when there is no market price: shown as 쿠팡가).
    """
    numbers = {}
    for option in list(draft.options) or [None]:
        extra_price = option.extra_price if option else 0
        sale_price = draft.sale_price + extra_price
        numbers[_seller_code(draft, option)] = {
            "salePrice": sale_price,
            "originalPrice": draft.market_price + extra_price if draft.market_price else sale_price,
            "maximumBuyCount": max(0, option.stock if option else draft.stock),
            "on_sale": option.on_sale if option else True,
        }
    return numbers


def _item(
    draft: ListingDraft,
    option: ListingOptionDraft | None,
    *,
    common: dict[str, Any],
    existing: dict[str, Any],
    numbers: dict[str, Any],
) -> dict[str, Any]:
    seller_code = _seller_code(draft, option)
    barcode = (option.barcode if option else "") or _str(draft.extra.get("barcode"))
    parallel = bool(draft.extra.get("parallel_imported"))
    overseas = bool(draft.extra.get("overseas_purchased"))
    item: dict[str, Any] = {}
    if existing.get("sellerProductItemId"):
        item["sellerProductItemId"] = id_number(existing["sellerProductItemId"])
        if existing.get("vendorItemId"):
            item["vendorItemId"] = id_number(existing["vendorItemId"])
    attributes = []
    if option is not None:
        for name, value in zip(draft.option_names, option.values, strict=False):
            attributes.append({"attributeTypeName": name, "attributeValueName": value, "exposed": "EXPOSED"})
    attributes.extend(draft.extra.get("attributes") or [])  # category attributes, e.g. search-only (NONE)
    if not attributes:
        # Coupang wants at least one attribute per item; a product without options is "1개" [U: the
        # attribute types are per category — draft.extra["attributes"] overrides this guess].
        attributes.append({"attributeTypeName": "수량", "attributeValueName": "1개", "exposed": "EXPOSED"})
    item.update(
        {
            "itemName": _item_name(draft, option),
            "originalPrice": numbers["originalPrice"],
            "salePrice": numbers["salePrice"],
            "maximumBuyCount": numbers["maximumBuyCount"],
            "maximumBuyForPerson": max(0, draft.max_per_person),
            "maximumBuyForPersonPeriod": int(draft.extra.get("max_per_person_days", 1)),
            "outboundShippingTimeDay": draft.shipping.lead_days,
            "unitCount": int(draft.extra.get("unit_count", 0)),
            "adultOnly": "ADULT_ONLY" if draft.adult_only else "EVERYONE",
            "taxType": common["taxType"],
            "parallelImported": "PARALLEL_IMPORTED" if parallel else "NOT_PARALLEL_IMPORTED",
            "overseasPurchased": "OVERSEAS_PURCHASED" if overseas else "NOT_OVERSEAS_PURCHASED",
            "pccNeeded": overseas,  # 개인통관고유부호 for 구매대행
            "externalVendorSku": seller_code,
            "barcode": barcode,
            "emptyBarcode": not barcode,
            "emptyBarcodeReason": "" if barcode else _str(draft.extra.get("empty_barcode_reason") or "자체 제작 상품"),
            "modelNo": draft.model,
            "certifications": common["certifications"],
            "searchTags": common["searchTags"],
            "images": common["images"],
            "notices": common["notices"],
            "attributes": attributes,
            "contents": common["contents"],
            "offerCondition": "NEW",
        }
    )
    return item


def listing_draft_to_seller_product(
    draft: ListingDraft,
    *,
    vendor_id: str,
    vendor_user_id: str,
    now: datetime,
    return_address: Address | None = None,
    existing_items: dict[str, dict[str, Any]] | None = None,
    seller_product_id: str = "",
) -> dict[str, Any]:
    """The body of 상품 생성 (POST) or, with ``seller_product_id``, 상품 수정 (PUT).

    ``existing_items`` maps our seller code → the registered item's ``sellerProductItemId`` and
    ``vendorItemId`` (from a read of the product); options not in it are sent as new items.
    ``return_address`` fills the 반품지 fields Coupang wants repeated in the body (name, phone, address)
    when ``draft.shipping.return_address`` is empty. Raises ListingDraftError for what Coupang cannot
    take at all (a courier or fee type it lacks, 영세 tax type).

    Not expressible and therefore not sent: ``max_per_order`` (Coupang limits per person and period
    only), ``shipping.jeju_fee`` / ``remote_fee`` (set on the 출고지's remoteInfos), ``exchange_fee``
    (Coupang charges returnCharge each way), ``origin`` except inside the notice, ``keywords`` beyond
    20 tags. Options with ``on_sale=False`` are stopped by the adapter once they have a vendorItemId.
    """
    tax_type = TAX_TYPES.get(draft.tax_type)
    if tax_type is None:
        raise ListingDraftError("UNSUPPORTED_TAX_TYPE", "쿠팡은 과세(TAX)와 면세(FREE)만 받습니다 (영세율 없음).")
    existing_items = existing_items or {}
    start = draft.sale_start or now
    as_info = draft.as_info or (f"A/S 문의 {draft.as_phone}" if draft.as_phone else SEE_DETAIL)
    body: dict[str, Any] = {}
    if seller_product_id:
        body["sellerProductId"] = id_number(seller_product_id)
    body.update(
        {
            "displayCategoryCode": id_number(draft.category_id),
            "sellerProductName": draft.name,
            "vendorId": vendor_id,
            "saleStartedAt": kst_seconds(start),
            "saleEndedAt": kst_seconds(draft.sale_end) if draft.sale_end else SALE_END_DEFAULT,
            "displayProductName": _str(draft.extra.get("display_name") or draft.name),
            "brand": draft.brand,
            "generalProductName": _str(draft.extra.get("general_name") or draft.name),
            "productGroup": _str(draft.extra.get("product_group")),
            **_delivery_fields(draft),
            **_return_fields(draft.shipping.return_address or return_address),
            "afterServiceInformation": as_info,
            "afterServiceContactNumber": draft.as_phone,
            "vendorUserId": vendor_user_id,
            "requested": bool(draft.extra.get("request_approval", True)),
        }
    )
    common = {
        "taxType": tax_type,
        "certifications": certifications(draft),
        "searchTags": [tag[:20] for tag in draft.keywords if tag][:20],
        "images": listing_images(draft),
        "notices": notices(draft),
        "contents": _contents(draft),
    }
    numbers = item_numbers(draft)
    options: list[ListingOptionDraft | None] = list(draft.options) or [None]
    body["items"] = []
    for option in options:
        code = _seller_code(draft, option)
        existing = existing_items.get(code, {})
        body["items"].append(_item(draft, option, common=common, existing=existing, numbers=numbers[code]))
    body["requiredDocuments"] = list(draft.extra.get("required_documents") or [])
    body["manufacture"] = draft.maker or draft.brand
    return body


def seller_product_id(payload: dict[str, Any]) -> str:
    """The register answer's ``data`` (the new sellerProductId)."""
    data = payload.get("data")
    if isinstance(data, dict):  # some write-ups show {code, data: id} nested; the docs show the bare id
        data = data.get("sellerProductId") or data.get("data")
    return _str(data)


def registered_items(product: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """seller code (externalVendorSku) → the ids and live numbers of a read product's items."""
    found: dict[str, dict[str, Any]] = {}
    for item in product.get("items") or []:
        code = _str(item.get("externalVendorSku"))
        if not code:
            continue
        found[code] = {
            "sellerProductItemId": _str(item.get("sellerProductItemId")),
            "vendorItemId": _str(item.get("vendorItemId")) if item.get("vendorItemId") else "",
            "salePrice": _int(item.get("salePrice")),
            "originalPrice": _int(item.get("originalPrice")),
            "maximumBuyCount": _int(item.get("maximumBuyCount")),
        }
    return found


def _option_names(items: list[dict[str, Any]]) -> tuple[str, ...]:
    names: list[str] = []
    for item in items:
        for attribute in item.get("attributes") or []:
            name = _str(attribute.get("attributeTypeName"))
            if attribute.get("exposed", "EXPOSED") == "EXPOSED" and name and name not in names:
                names.append(name)
    return tuple(names)


def channel_listing_from_product(product: dict[str, Any], *, now: datetime | None = None) -> ChannelListing:
    """A product detail (``GET seller-products/{id}`` data) → ChannelListing with one option per item.

    Items not yet approved have no vendorItemId: their option_id is "". The product detail says
    nothing about an item's 판매중지 state (that is the inventories API), so ``on_sale`` stays True.
    """
    status = _str(product.get("statusName"))
    state, flags = listing_state(status)
    items = list(product.get("items") or [])
    option_names = _option_names(items)
    prices = [_int(item.get("salePrice")) for item in items]
    base = min(prices) if prices else 0
    cheapest = items[prices.index(base)] if items else {}
    options = []
    for item in items:
        values = {
            _str(a.get("attributeTypeName")): _str(a.get("attributeValueName")) for a in item.get("attributes") or []
        }
        price = _int(item.get("salePrice"))
        options.append(
            ChannelListingOption(
                option_id=_str(item.get("vendorItemId")) if item.get("vendorItemId") else "",
                seller_code=_str(item.get("externalVendorSku")),
                values=tuple(values.get(name, "") for name in option_names),
                price=price,
                extra_price=price - base,
                stock=_int(item.get("maximumBuyCount")),
            )
        )
    if state is ListingState.ON_SALE and items and all(option.stock == 0 for option in options):
        state = ListingState.SOLD_OUT
    ended = parse_time(product.get("saleEndedAt"))
    if state is ListingState.ON_SALE and now is not None and ended is not None and ended < now:
        state = ListingState.ENDED
    return ChannelListing(
        product_id=_str(product.get("sellerProductId")),
        name=_str(product.get("sellerProductName")),
        seller_code=options[0].seller_code if len(options) == 1 else "",
        state=state,
        channel_status=status,
        sale_price=base,
        market_price=_int(cheapest.get("originalPrice")),
        category_id=_str(product.get("displayCategoryCode")),
        option_names=option_names,
        options=options,
        ref={
            "sellerProductId": _str(product.get("sellerProductId")),
            "productId": _str(product.get("productId")) if product.get("productId") else "",
            "sellerProductItemIds": {
                _str(item.get("externalVendorSku")): _str(item.get("sellerProductItemId")) for item in items
            },
            "flags": flags,
        },
        raw=product,
    )


def channel_listing_from_summary(row: dict[str, Any]) -> ChannelListing:
    """A 상품 목록 페이징 조회 row (no items: no options, prices or seller codes)."""
    status = _str(row.get("statusName"))
    state, flags = listing_state(status)
    return ChannelListing(
        product_id=_str(row.get("sellerProductId")),
        name=_str(row.get("sellerProductName")),
        state=state,
        channel_status=status,
        category_id=_str(row.get("displayCategoryCode")),
        ref={
            "sellerProductId": _str(row.get("sellerProductId")),
            "productId": _str(row.get("productId")) if row.get("productId") else "",
            "flags": [*flags, "summary_only"],
        },
        raw=row,
    )


def listing_result_from_product(product: dict[str, Any], *, message: str = "") -> ListingResult:
    """A read-back after register/update → ListingResult with option ids for the approved items."""
    state, _flags = listing_state(product.get("statusName"))
    option_ids = {code: ids["vendorItemId"] for code, ids in registered_items(product).items() if ids["vendorItemId"]}
    return ListingResult(
        ok=True,
        channel_product_id=_str(product.get("sellerProductId")),
        option_ids=option_ids,
        state=state,
        message=message,
        raw=product,
    )


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

AUTH_HINTS = {
    "Invalid signature.": "서명이 맞지 않습니다. Secret Key를 확인하세요.",
    "Specified signature is expired.": "서명 시각이 만료되었습니다. 서버 시계(UTC)를 확인하세요.",
    "Request is not authorized.": "인증 헤더가 없거나 잘못되었습니다.",
    "HMAC format is invalid.": "인증 헤더 형식이 올바르지 않습니다.",
}


def error_message(payload: Any, default: str = "") -> str:
    if isinstance(payload, dict):
        return _str(payload.get("message") or payload.get("errorMessage") or default)
    return default


def auth_message(message: str) -> str:
    hint = AUTH_HINTS.get(message)
    if hint is None and message.startswith("Unknown error occurred"):
        hint = "Access Key가 올바르지 않습니다."
    return f"쿠팡 인증 실패: {hint} ({message})" if hint else f"쿠팡 인증 실패: {message}"
