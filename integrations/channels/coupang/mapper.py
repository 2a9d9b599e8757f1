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
)

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
