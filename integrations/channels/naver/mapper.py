"""Naver Commerce API payloads ↔ the neutral dataclasses. Pure functions and tables, no I/O.

Facts come from shared/reference/channels.md §2 and §9. Field names that the reference does not
spell out are marked [U] where they are read; the simulator (integrations/sandbox/naver.py) answers
with exactly these shapes, and the recorded fixtures under fixtures/payloads/naver/ pin them down.

Quirks handled here:
- A product order's claim detail lives in ``currentClaim{cancel|return|exchange}``; the older
  top-level ``cancel`` / ``return`` / ``exchange`` objects are being phased out, so both are read.
- ``*_REJECT`` claim statuses mean "withdrawn" (철회) unless the seller refused the claim, which we
  recognise by the seller's reject reason on the claim detail (``rejectReturnReason`` /
  ``rejectExchangeReason``) [U].
- Unknown statuses never raise: state UNKNOWN + ``unknown_status:<value>`` flag, raw kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
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
    ItemResult,
    LineState,
    ListingDraft,
    ListingResult,
    ListingShipping,
    ListingState,
    Person,
    SettlementLine,
    ShippingFeeType,
    TaxType,
    TemplateKind,
)
from . import notice

KST = timezone(timedelta(hours=9))

# ---------------------------------------------------------------------------------------------
# Times: ISO 8601 with ms and +09:00 offset; date-only inputs are read as KST (§2.2)
# ---------------------------------------------------------------------------------------------


def parse_datetime(value: Any) -> datetime | None:
    """``2023-01-16T17:14:51.794+09:00`` → aware datetime; naive strings are KST; junk → None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=KST)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KST)


def parse_date(value: Any) -> date | None:
    """``yyyy-MM-dd`` or a date-time (taken in KST) → date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(KST).date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    parsed = parse_datetime(text)
    return parsed.astimezone(KST).date() if parsed else None


def format_datetime(value: datetime) -> str:
    """Aware datetime → ``2023-01-16T17:14:51.794+09:00`` (what the API takes and sends)."""
    return value.astimezone(KST).isoformat(timespec="milliseconds")


def format_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(KST).date()
    return value.isoformat()


def floor_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def ceil_ms(value: datetime) -> datetime:
    floored = floor_ms(value)
    return floored if floored == value else floored + timedelta(milliseconds=1)


def due_datetime(value: date | datetime) -> str:
    """A dispatch due date: a date means the start of that KST day [U: time part ignored by Naver]."""
    if isinstance(value, datetime):
        return format_datetime(value)
    return format_datetime(datetime.combine(value, time(0, 0), tzinfo=KST))


# ---------------------------------------------------------------------------------------------
# Tables (data, not code)
# ---------------------------------------------------------------------------------------------

# productOrderStatus → neutral fulfilment state; PAYED and DELIVERING are refined below.
PRODUCT_ORDER_STATES: dict[str, LineState] = {
    "PAYMENT_WAITING": LineState.PENDING_PAYMENT,
    "PAYED": LineState.PAID,
    "DELIVERING": LineState.SHIPPED,
    "DELIVERED": LineState.DELIVERED,
    "PURCHASE_DECIDED": LineState.PURCHASE_CONFIRMED,
    "EXCHANGED": LineState.EXCHANGED,
    "CANCELED": LineState.CANCELLED,
    "CANCELED_BY_NOPAYMENT": LineState.CANCELLED,
    "RETURNED": LineState.RETURNED,
}

# placeOrderStatus refines PAYED: NOT_YET = to acknowledge, OK = acknowledged (발주확인),
# CANCEL = the acknowledgement was withdrawn, so the line is waiting for one again.
PLACE_ORDER_STATES: dict[str, LineState] = {
    "NOT_YET": LineState.PAID,
    "OK": LineState.ACKNOWLEDGED,
    "CANCEL": LineState.PAID,
}

# delivery.deliveryStatus refines DELIVERING [S]: picked up / moving = IN_TRANSIT, else SHIPPED.
IN_TRANSIT_DELIVERY_STATUSES = frozenset({"COLLECT_CARGO", "DELIVERING", "DELIVERY_COMPLETION", "DELIVERY_FAIL"})
DELIVERY_STATUS_FLAGS = {"DELIVERY_FAIL": "delivery_failed", "WRONG_INVOICE": "wrong_tracking_number"}

CLAIM_TYPES: dict[str, ClaimType] = {
    "CANCEL": ClaimType.CANCEL,
    "ADMIN_CANCEL": ClaimType.CANCEL,
    "RETURN": ClaimType.RETURN,
    "EXCHANGE": ClaimType.EXCHANGE,
}
# Purchase-decision holdback is a hold, not a claim of its own (§9.3 "HOLD (flag)").
HOLD_CLAIM_TYPES = frozenset({"PURCHASE_DECISION_HOLDBACK"})

CLAIM_STATES: dict[str, ClaimState] = {
    "CANCEL_REQUEST": ClaimState.REQUESTED,
    "RETURN_REQUEST": ClaimState.REQUESTED,
    "EXCHANGE_REQUEST": ClaimState.REQUESTED,
    "CANCELING": ClaimState.IN_PROGRESS,
    "COLLECTING": ClaimState.IN_PROGRESS,
    "COLLECT_DONE": ClaimState.IN_PROGRESS,
    "EXCHANGE_REDELIVERING": ClaimState.IN_PROGRESS,
    "ADMIN_CANCELING": ClaimState.IN_PROGRESS,
    "PURCHASE_DECISION_HOLDBACK": ClaimState.IN_PROGRESS,
    "PURCHASE_DECISION_REQUEST": ClaimState.IN_PROGRESS,
    "PURCHASE_DECISION_HOLDBACK_RELEASE": ClaimState.IN_PROGRESS,
    "CANCEL_DONE": ClaimState.COMPLETED,
    "RETURN_DONE": ClaimState.COMPLETED,
    "EXCHANGE_DONE": ClaimState.COMPLETED,
    "ADMIN_CANCEL_DONE": ClaimState.COMPLETED,
    "CANCEL_REJECT": ClaimState.WITHDRAWN_BY_BUYER,
    "RETURN_REJECT": ClaimState.WITHDRAWN_BY_BUYER,
    "EXCHANGE_REJECT": ClaimState.WITHDRAWN_BY_BUYER,
    "ADMIN_CANCEL_REJECT": ClaimState.WITHDRAWN_BY_BUYER,
}
# The seller's reject reason on the claim detail turns "*_REJECT" into REJECTED_BY_SELLER [U].
SELLER_REJECT_FIELDS: dict[str, str] = {
    "RETURN_REJECT": "rejectReturnReason",
    "EXCHANGE_REJECT": "rejectExchangeReason",
}

CLAIM_DETAIL_KEYS: dict[str, str] = {
    "CANCEL": "cancel",
    "ADMIN_CANCEL": "cancel",
    "RETURN": "return",
    "EXCHANGE": "exchange",
}
CLAIM_REASON_FIELDS: dict[str, tuple[str, str, str]] = {
    # detail key → (reason, detailed reason, completed date) [U for the completed-date names]
    "cancel": ("cancelReason", "cancelDetailedReason", "cancelCompletedDate"),
    "return": ("returnReason", "returnDetailedReason", "returnCompletedDate"),
    "exchange": ("exchangeReason", "exchangeDetailedReason", "exchangeCompletedDate"),
}

# lastChangedType values that concern claims (fetch_claims polls these).
CLAIM_CHANGE_TYPES = (
    "CLAIM_REQUESTED",
    "COLLECT_DONE",
    "CLAIM_REDELIVERING",
    "CLAIM_HOLDBACK_RELEASED",
    "CLAIM_COMPLETED",
    "CLAIM_REJECTED",
)

# Neutral courier → Naver deliveryCompanyCode (§2.6, §9.4). DIRECT is a delivery method, not a company.
COURIER_TO_NAVER: dict[CourierCode, str] = {
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
    CourierCode.GS_POSTBOX: "CVSNET",
    CourierCode.CU_POST: "CUPARCEL",
    CourierCode.NONGHYUP: "NONGHYUP",
    CourierCode.WOORI: "HONAM",
    CourierCode.OTHER: "CH1",
}
COURIER_FROM_NAVER: dict[str, CourierCode] = {code: neutral for neutral, code in COURIER_TO_NAVER.items()}
# Naver codes with no neutral twin of their own.
COURIER_FROM_NAVER.update({"REGISTPOST": CourierCode.EPOST, "EMS": CourierCode.OTHER, "DHL": CourierCode.OTHER})

DIRECT_DELIVERY_METHODS = frozenset({"DIRECT_DELIVERY", "VISIT_RECEIPT", "QUICK_SVC", "NOTHING"})

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
# Loose words a module may pass for a seller cancel → Naver cancelReason.
CANCEL_REASON_ALIASES: dict[str, str] = {
    "sold_out": "SOLD_OUT",
    "품절": "SOLD_OUT",
    "out_of_stock": "SOLD_OUT",
    "delayed": "DELAYED_DELIVERY",
    "delayed_delivery": "DELAYED_DELIVERY",
    "배송지연": "DELAYED_DELIVERY",
    "wrong_info": "INCORRECT_INFO",
    "incorrect_info": "INCORRECT_INFO",
    "상품정보상이": "INCORRECT_INFO",
}
DELAY_REASONS = frozenset(
    {"PRODUCT_PREPARE", "CUSTOMER_REQUEST", "CUSTOM_BUILD", "RESERVED_DISPATCH", "OVERSEA_DELIVERY", "ETC"}
)

# Address book types [U]: 출고지 / 반품·교환지.
ADDRESS_TYPES: dict[TemplateKind, str] = {
    TemplateKind.OUTBOUND_ADDRESS: "RELEASE",
    TemplateKind.RETURN_ADDRESS: "REFUND_OR_EXCHANGE",
}
ADDRESS_KINDS: dict[str, TemplateKind] = {value: key for key, value in ADDRESS_TYPES.items()}


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _int(value: Any) -> int:
    if value in (None, "", False):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return 0


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def normalize_tracking_number(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch not in " -\t")


def courier_from_naver(code: str | None, delivery_method: str | None = None) -> tuple[CourierCode | None, list[str]]:
    if delivery_method in DIRECT_DELIVERY_METHODS:
        return CourierCode.DIRECT, []
    if not code:
        return None, []
    known = COURIER_FROM_NAVER.get(code)
    if known is None:
        return CourierCode.OTHER, [f"unknown_courier:{code}"]
    return known, []


def cancel_reason(reason: str) -> tuple[str, str]:
    """(Naver cancelReason, leftover text for cancelDetailedReason) for a seller cancel."""
    text = (reason or "").strip()
    if text.upper() in CANCEL_REASONS:
        return text.upper(), ""
    alias = CANCEL_REASON_ALIASES.get(text.lower()) or CANCEL_REASON_ALIASES.get(text)
    if alias:
        return alias, ""
    return "SOLD_OUT", text  # a seller cancels for stock reasons unless told otherwise


def delay_reason(reason: str) -> tuple[str, str]:
    text = (reason or "").strip()
    if text.upper() in DELAY_REASONS:
        return text.upper(), ""
    return "ETC", text


# ---------------------------------------------------------------------------------------------
# Status mapping
# ---------------------------------------------------------------------------------------------


def line_state(
    product_order_status: str | None, place_order_status: str | None = None, delivery_status: str | None = None
) -> tuple[LineState, list[str]]:
    status = product_order_status or ""
    state = PRODUCT_ORDER_STATES.get(status)
    if state is None:
        return LineState.UNKNOWN, [f"unknown_status:{status}"]
    flags: list[str] = []
    if status == "PAYED":
        place = place_order_status or "NOT_YET"
        refined = PLACE_ORDER_STATES.get(place)
        if refined is None:
            flags.append(f"unknown_status:placeOrderStatus={place}")
        else:
            state = refined
            if place == "CANCEL":
                flags.append("place_order_cancelled")
    elif status == "DELIVERING" and delivery_status in IN_TRANSIT_DELIVERY_STATUSES:
        state = LineState.IN_TRANSIT
    if delivery_status in DELIVERY_STATUS_FLAGS:
        flags.append(DELIVERY_STATUS_FLAGS[delivery_status])
    return state, flags


def claim_detail(element: Mapping[str, Any], naver_claim_type: str | None) -> dict[str, Any]:
    """The claim's detail object: ``currentClaim.<kind>`` first, then the legacy top-level ``<kind>``."""
    key = CLAIM_DETAIL_KEYS.get(naver_claim_type or "")
    if key is None:
        return {}
    current = _dict(element.get("currentClaim"))
    return _dict(current.get(key)) or _dict(element.get(key))


def claim_type(naver_claim_type: str | None) -> ClaimType | None:
    return CLAIM_TYPES.get(naver_claim_type or "")


def claim_state(claim_status: str | None, detail: Mapping[str, Any] | None = None) -> tuple[ClaimState, list[str]]:
    status = claim_status or ""
    state = CLAIM_STATES.get(status)
    if state is None:
        return ClaimState.UNKNOWN, [f"unknown_status:{status}"]
    reject_field = SELLER_REJECT_FIELDS.get(status)
    if reject_field and detail and detail.get(reject_field):
        state = ClaimState.REJECTED_BY_SELLER
    return state, []


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------


def line_from_detail(element: Mapping[str, Any]) -> ChannelOrderLine:
    """One ``POST PO/query`` element (order + productOrder + delivery + claims) → order line."""
    po = _dict(element.get("productOrder"))
    delivery = _dict(element.get("delivery"))
    order = _dict(element.get("order"))
    product_order_id = _str(po.get("productOrderId"))
    state, flags = line_state(po.get("productOrderStatus"), po.get("placeOrderStatus"), delivery.get("deliveryStatus"))

    naver_claim_type = po.get("claimType")
    neutral_claim_type = claim_type(naver_claim_type)
    neutral_claim_state: ClaimState | None = None
    if naver_claim_type in HOLD_CLAIM_TYPES:
        flags.append(f"purchase_decision_holdback:{po.get('claimStatus') or ''}")
    elif naver_claim_type and neutral_claim_type is None:
        flags.append(f"unknown_claim_type:{naver_claim_type}")
    elif neutral_claim_type is not None:
        detail = claim_detail(element, naver_claim_type)
        neutral_claim_state, claim_flags = claim_state(po.get("claimStatus"), detail)
        flags.extend(claim_flags)
        if detail.get("holdbackStatus") == "HOLDBACK":
            flags.append("claim_held")

    courier, courier_flags = courier_from_naver(delivery.get("deliveryCompany"), delivery.get("deliveryMethod"))
    flags.extend(courier_flags)
    if delivery.get("isWrongTrackingNumber") and "wrong_tracking_number" not in flags:
        flags.append("wrong_tracking_number")
    if po.get("delayedDispatchReason"):
        flags.append("dispatch_delayed")

    package_number = _str(po.get("packageNumber"))
    unit_price = _int(po.get("unitPrice")) + _int(po.get("optionPrice"))
    ref = {
        "productOrderId": product_order_id,
        "orderId": _str(order.get("orderId")),
        "origin_product_no": _str(po.get("originalProductId")),
        "channel_product_no": _str(po.get("productId")),
        "packageNumber": package_number,
        "claimId": _str(po.get("claimId")),
        "claimType": _str(naver_claim_type),
        "deliveryMethod": _str(delivery.get("deliveryMethod")),
    }
    return ChannelOrderLine(
        line_id=product_order_id,
        shipment_id=package_number or product_order_id,
        product_id=_str(po.get("productId")),
        option_id=_str(po.get("optionCode")),
        seller_code=_str(po.get("optionManageCode") or po.get("sellerProductCode")),
        product_name=_str(po.get("productName")),
        option_name=_str(po.get("productOption")),
        quantity=_int(po.get("quantity")),
        unit_price=unit_price,
        discount=_int(po.get("productDiscountAmount")),
        line_amount=_int(po.get("totalPaymentAmount")),
        shipping_fee=_int(po.get("deliveryFeeAmount")),
        state=state,
        channel_status="/".join(
            filter(
                None,
                [_str(po.get("productOrderStatus")), _str(po.get("placeOrderStatus")), _str(po.get("claimStatus"))],
            )
        ),
        claim_type=neutral_claim_type,
        claim_state=neutral_claim_state,
        claim_id=_str(po.get("claimId")) if neutral_claim_type else "",
        expected_ship_date=parse_date(po.get("shippingDueDate")),
        courier=courier,
        tracking_number=_str(delivery.get("trackingNumber")),
        ref=ref,
        flags=flags,
        raw=dict(element),
    )


def orders_from_details(elements: Iterable[Mapping[str, Any]]) -> list[ChannelOrder]:
    """Groups product orders by ``order.orderId`` (first-seen order kept)."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for element in elements:
        order_id = _str(_dict(element.get("order")).get("orderId"))
        grouped.setdefault(order_id, []).append(element)
    return [order_from_details(order_elements) for order_elements in grouped.values()]


def order_from_details(elements: Sequence[Mapping[str, Any]]) -> ChannelOrder:
    first = elements[0]
    order = _dict(first.get("order"))
    first_po = _dict(first.get("productOrder"))
    address = _dict(first_po.get("shippingAddress"))
    lines = [line_from_detail(element) for element in elements]
    shipping_fee = sum(line.shipping_fee for line in lines)
    flags = sorted({flag for line in lines for flag in line.flags if flag.startswith("unknown_")})
    return ChannelOrder(
        order_id=_str(order.get("orderId")),
        ordered_at=parse_datetime(order.get("orderDate")),
        paid_at=parse_datetime(order.get("paymentDate")),
        buyer=Person(
            name=_str(order.get("ordererName")),
            phone=_str(order.get("ordererTel")),
            channel_member_id=_str(order.get("ordererId")),
        ),
        receiver=Address(
            name=_str(address.get("name")),
            phone1=_str(address.get("tel1")),
            phone2=_str(address.get("tel2")),
            zip_code=_str(address.get("zipCode")),
            address1=_str(address.get("baseAddress")),
            address2=_str(address.get("detailedAddress")),
        ),
        delivery_message=_str(first_po.get("shippingMemo")),
        shipping_fee=shipping_fee,
        # totalPaymentAmount is per product order, without the delivery fee [U].
        total_amount=sum(line.line_amount for line in lines) + shipping_fee,
        lines=lines,
        ref={"orderId": _str(order.get("orderId")), "paymentMeans": _str(order.get("paymentMeans"))},
        flags=flags,
        raw={"order": dict(order)},
    )


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def claims_from_details(elements: Iterable[Mapping[str, Any]]) -> list[ChannelClaim]:
    """One ChannelClaim per claimId (a claim may cover several product orders of one order)."""
    claims: dict[str, ChannelClaim] = {}
    for element in elements:
        po = _dict(element.get("productOrder"))
        naver_type = po.get("claimType")
        neutral_type = claim_type(naver_type)
        if neutral_type is None:
            continue  # no claim, or a purchase-decision holdback (a flag on the order line)
        detail = claim_detail(element, naver_type)
        claim_id = _str(po.get("claimId") or detail.get("claimId"))
        product_order_id = _str(po.get("productOrderId"))
        quantity = _int(detail.get("requestQuantity")) or _int(po.get("quantity"))
        existing = claims.get(claim_id)
        if existing is not None:
            if product_order_id not in existing.line_ids:
                existing.line_ids.append(product_order_id)
                existing.quantity += quantity
                existing.ref["productOrderIds"].append(product_order_id)
                existing.raw.setdefault("elements", []).append(dict(element))
            continue
        status = _str(po.get("claimStatus") or detail.get("claimStatus"))
        state, flags = claim_state(status, detail)
        if detail.get("holdbackStatus") == "HOLDBACK":
            flags.append("claim_held")
        reason_field, detail_field, completed_field = CLAIM_REASON_FIELDS[CLAIM_DETAIL_KEYS[naver_type]]
        claims[claim_id] = ChannelClaim(
            claim_id=claim_id,
            claim_type=neutral_type,
            state=state,
            channel_status=status,
            order_id=_str(_dict(element.get("order")).get("orderId")),
            line_ids=[product_order_id],
            quantity=quantity,
            reason=_str(detail.get(reason_field)),
            reason_detail=_str(detail.get(detail_field)),
            requested_at=parse_datetime(detail.get("claimRequestDate")),
            completed_at=parse_datetime(detail.get(completed_field)),
            ref={
                "claimId": claim_id,
                "claimType": _str(naver_type),
                "productOrderIds": [product_order_id],
                "requestChannel": _str(detail.get("requestChannel")),
            },
            flags=flags,
            raw={"elements": [dict(element)]},
        )
    return list(claims.values())


# ---------------------------------------------------------------------------------------------
# Action results
# ---------------------------------------------------------------------------------------------


def _fail_infos(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {_str(info.get("productOrderId")): info for info in data.get("failProductOrderInfos") or [] if info}


def action_results(data: Mapping[str, Any], product_order_ids: Sequence[str]) -> list[ItemResult]:
    """``{successProductOrderIds[], failProductOrderInfos[{productOrderId, code, message}]}`` → results."""
    succeeded = {_str(item) for item in data.get("successProductOrderIds") or []}
    failed = _fail_infos(data)
    results = []
    for product_order_id in product_order_ids:
        if product_order_id in succeeded:
            results.append(ItemResult(key=product_order_id, ok=True))
        elif product_order_id in failed:
            info = failed[product_order_id]
            results.append(
                ItemResult(
                    key=product_order_id, ok=False, code=_str(info.get("code")), message=_str(info.get("message"))
                )
            )
        else:
            results.append(
                ItemResult(
                    key=product_order_id,
                    ok=False,
                    code="NO_RESULT",
                    message="네이버 응답에 이 상품주문의 처리 결과가 없습니다.",
                    retryable=True,
                )
            )
    return results


ALREADY_DONE_CODE = "105306"  # "already in that state": for an acknowledgement that is success


def confirm_results(data: Mapping[str, Any], product_order_ids: Sequence[str]) -> list[ItemResult]:
    """``PO/confirm``: ``successProductOrderInfos[{productOrderId, isReceiverAddressChanged}]`` + fails."""
    succeeded = {_str(info.get("productOrderId")): info for info in data.get("successProductOrderInfos") or [] if info}
    failed = _fail_infos(data)
    results = []
    for product_order_id in product_order_ids:
        if product_order_id in succeeded:
            changed = bool(succeeded[product_order_id].get("isReceiverAddressChanged"))
            results.append(ItemResult(key=product_order_id, ok=True, data={"isReceiverAddressChanged": changed}))
        elif product_order_id in failed:
            info = failed[product_order_id]
            code = _str(info.get("code"))
            if code == ALREADY_DONE_CODE:
                results.append(
                    ItemResult(
                        key=product_order_id,
                        ok=True,
                        code=code,
                        message=_str(info.get("message")),
                        data={"already": True},
                    )
                )
            else:
                results.append(ItemResult(key=product_order_id, ok=False, code=code, message=_str(info.get("message"))))
        else:
            results.append(
                ItemResult(
                    key=product_order_id,
                    ok=False,
                    code="NO_RESULT",
                    message="네이버 응답에 이 상품주문의 처리 결과가 없습니다.",
                    retryable=True,
                )
            )
    return results


def dispatch_item(product_order_id: str, courier: CourierCode, tracking_number: str, dispatched_at: datetime) -> dict:
    """One ``dispatchProductOrders[]`` element."""
    if courier == CourierCode.DIRECT:
        return {
            "productOrderId": product_order_id,
            "deliveryMethod": "DIRECT_DELIVERY",
            "dispatchDate": format_datetime(dispatched_at),
        }
    return {
        "productOrderId": product_order_id,
        "deliveryMethod": "DELIVERY",
        "deliveryCompanyCode": COURIER_TO_NAVER.get(courier, "CH1"),
        "trackingNumber": normalize_tracking_number(tracking_number),
        "dispatchDate": format_datetime(dispatched_at),
    }


def error_message(body: Any, default: str = "") -> str:
    """Naver's error body ``{code, message, timestamp, traceId[, invalidInputs]}`` → one line."""
    if not isinstance(body, dict):
        return default
    message = _str(body.get("message")) or default
    inputs = [
        f"{_str(item.get('name'))}: {_str(item.get('message'))}".strip(": ")
        for item in body.get("invalidInputs") or []
        if isinstance(item, dict) and _str(item.get("message")) not in message
    ]
    if inputs:
        message = f"{message} ({'; '.join(inputs)})"
    return message


# ---------------------------------------------------------------------------------------------
# Products: option-stock body [U: partial update by option id, as the docs' "옵션 ID 입력 시 기존 옵션 수정"]
# ---------------------------------------------------------------------------------------------


def option_stock_body(combinations: Sequence[Mapping[str, Any]], *, sale_price: int | None = None) -> dict[str, Any]:
    """``PUT /v1/products/origin-products/{no}/option-stock``:
    ``{productSalePrice?: {salePrice}, optionInfo: {useStockManagement, optionCombinations[{id, stockQuantity?,
    price?, usable?}]}}`` — only the options listed change; ``price`` is the option's surcharge over salePrice."""
    body: dict[str, Any] = {
        "optionInfo": {"useStockManagement": True, "optionCombinations": [dict(item) for item in combinations]}
    }
    if sale_price is not None:
        body["productSalePrice"] = {"salePrice": int(sale_price)}
    return body


def origin_product_prices(product: Mapping[str, Any]) -> tuple[int, dict[str, int]]:
    """``GET /v2/products/origin-products/{no}`` → (salePrice, {option id: surcharge})."""
    origin = _dict(product.get("originProduct"))
    option_info = _dict(_dict(origin.get("detailAttribute")).get("optionInfo"))
    surcharges = {_str(item.get("id")): _int(item.get("price")) for item in option_info.get("optionCombinations") or []}
    return _int(origin.get("salePrice")), surcharges


# ---------------------------------------------------------------------------------------------
# Inquiries
# ---------------------------------------------------------------------------------------------


def page_items(body: Mapping[str, Any], *keys: str) -> list[dict[str, Any]]:
    for key in keys:
        value = body.get(key)
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
    data = body.get("data")
    if isinstance(data, dict):
        return page_items(data, *keys)
    return []


def inquiry_from_qna(item: Mapping[str, Any]) -> ChannelInquiry:
    """Product Q&A (``GET /v1/contents/qnas`` contents[]) [U: field names]."""
    question_id = _str(item.get("questionId"))
    answer = _str(item.get("answer"))
    return ChannelInquiry(
        inquiry_id=f"qna-{question_id}",
        kind=InquiryKind.PRODUCT_QNA,
        content=_str(item.get("question")),
        created_at=parse_datetime(item.get("createDate")),
        title="",
        author=_str(item.get("maskedWriterId")),
        product_id=_str(item.get("productId")),
        product_name=_str(item.get("productName")),
        answered=bool(item.get("answered")) or bool(answer),
        answer=answer,
        answered_at=parse_datetime(item.get("answerDate")),
        ref={"questionId": question_id},
        raw=dict(item),
    )


def inquiry_from_customer(item: Mapping[str, Any]) -> ChannelInquiry:
    """Customer inquiry (``GET /v1/pay-user/inquiries`` content[]) [U: field names]."""
    inquiry_no = _str(item.get("inquiryNo"))
    answer = _str(item.get("answerContent"))
    return ChannelInquiry(
        inquiry_id=f"cs-{inquiry_no}",
        kind=InquiryKind.CUSTOMER,
        content=_str(item.get("inquiryContent")),
        created_at=parse_datetime(item.get("inquiryRegistrationDateTime")),
        title=_str(item.get("title")),
        author=_str(item.get("customerName") or item.get("customerId")),
        product_id=_str(item.get("productNo")),
        product_name=_str(item.get("productName")),
        order_id=_str(item.get("orderId")),
        answered=bool(item.get("answered")) or bool(answer),
        answer=answer,
        answered_at=parse_datetime(item.get("answerRegistrationDateTime")),
        ref={
            "inquiryNo": inquiry_no,
            "answerContentId": _str(item.get("answerContentId")),
            "category": _str(item.get("category")),
            "productOrderIds": [_str(x) for x in item.get("productOrderIdList") or []],
        },
        raw=dict(item),
    )


# ---------------------------------------------------------------------------------------------
# Templates: address book (출고지/반품지) [U: field names of the address book]
# ---------------------------------------------------------------------------------------------


def template_from_addressbook(item: Mapping[str, Any]) -> ChannelTemplate | None:
    kind = ADDRESS_KINDS.get(_str(item.get("addressType")))
    if kind is None:
        return None
    return ChannelTemplate(
        kind=kind,
        name=_str(item.get("name")),
        template_id=_str(item.get("addressBookNo")),
        address=Address(
            name=_str(item.get("name")),
            phone1=_str(item.get("phoneNumber1")),
            phone2=_str(item.get("phoneNumber2")),
            zip_code=_str(item.get("postalCode")),
            address1=_str(item.get("baseAddress")),
            address2=_str(item.get("detailAddress")),
        ),
        overseas=bool(item.get("overseas")),
        fields={"addressType": _str(item.get("addressType")), "default": bool(item.get("isDefault"))},
        raw=dict(item),
    )


def addressbook_from_template(template: ChannelTemplate) -> dict[str, Any]:
    address = template.address or Address()
    return {
        "name": template.name,
        "addressType": ADDRESS_TYPES[template.kind],
        "postalCode": address.zip_code,
        "baseAddress": address.address1,
        "detailAddress": address.address2,
        "phoneNumber1": address.phone1,
        "phoneNumber2": address.phone2,
        "overseas": template.overseas,
    }


# ---------------------------------------------------------------------------------------------
# Settlements [U: element field names of settle/case and settle/daily]
# ---------------------------------------------------------------------------------------------


def settlement_kind(item: Mapping[str, Any]) -> str:
    settle_type = _str(item.get("settleType"))
    if "CANCEL" in settle_type or "REFUND" in settle_type:
        return "REFUND"
    if _str(item.get("productOrderType")) == "DELIVERY":
        return "SHIPPING_FEE"
    if settle_type.endswith("ORIGINAL") or not settle_type:
        return "SALE"
    return "ADJUSTMENT"


def settlement_from_case(item: Mapping[str, Any]) -> SettlementLine:
    product_order_id = _str(item.get("productOrderId"))
    commission = sum(
        abs(_int(item.get(name)))
        for name in ("totalPayCommissionAmount", "sellingInterlockCommissionAmount", "freeInstallmentCommissionAmount")
    )
    return SettlementLine(
        settlement_id=":".join(
            [
                product_order_id or _str(item.get("orderId")),
                _str(item.get("productOrderType")),
                _str(item.get("settleType")),
                _str(item.get("settleBasisDate")),
            ]
        ),
        kind=settlement_kind(item),
        order_id=_str(item.get("orderId")),
        line_id=product_order_id,
        recognized_on=parse_date(item.get("settleBasisDate")),
        settle_on=parse_date(item.get("settleCompleteDate")) or parse_date(item.get("settleExpectDate")),
        sale_amount=_int(item.get("paySettleAmount")),
        commission=commission,
        settlement_amount=_int(item.get("settleExpectAmount")),
        raw=dict(item),
    )


def settlement_from_daily(item: Mapping[str, Any]) -> SettlementLine:
    return SettlementLine(
        settlement_id=f"daily:{_str(item.get('settleBasisStartDate'))}:{_str(item.get('settleBasisEndDate'))}",
        kind="DAILY",
        recognized_on=parse_date(item.get("settleBasisStartDate")),
        settle_on=parse_date(item.get("settleCompleteDate")) or parse_date(item.get("settleExpectDate")),
        sale_amount=_int(item.get("paySettleAmount")),
        commission=abs(_int(item.get("commissionSettleAmount"))),
        settlement_amount=_int(item.get("settleAmount")),
        raw=dict(item),
    )


def total_pages(pagination: Mapping[str, Any], size: int) -> int:
    """Pages from ``pagination{totalPages | totalElements}``; 1 when neither is given."""
    if pagination.get("totalPages") not in (None, ""):
        return _int(pagination.get("totalPages"))
    if pagination.get("totalElements") not in (None, ""):
        return max(1, math.ceil(_int(pagination.get("totalElements")) / max(1, size)))
    return 1


# ---------------------------------------------------------------------------------------------
# Listings: product register / full update / read / list
#
# Shapes are the official OpenAPI spec's (commerce-api-naver/commerce-api docs/2.0.0-RC.js:
# ExternalApiCreateProductRequestVo, ExternalApiOriginProductVo, ExternalApiDeliveryInfoVo,
# ExternalApiOptionInfoVo, ExternalApiGetProductListRequestVo, PagedResultExternalApiProductListVo …)
# [D] unless a line says [U]. Settings a ListingDraft has no field for come from ``draft.extra``:
#   naver_origin_area_code  originAreaInfo.originAreaCode (Naver's code table; see origin_area_info)
#   naver_importer          originAreaInfo.importer (required by Naver for imported goods)
#   naver_certification_info_ids  {our certification kind: Naver certificationInfoId}
#   naver_shopping_registration    smartstoreChannelProduct.naverShoppingRegistration (default true)
#   naver_seller_barcode    detailAttribute.sellerCodeInfo.sellerBarcode
# ---------------------------------------------------------------------------------------------

SEE_DETAIL = notice.SEE_DETAIL
MAX_OPTION_GROUPS = 3  # 조합형 옵션명 ≤ 3 [D]
MAX_OPTIONAL_IMAGES = 9  # 추가 이미지 ≤ 9 [D]
MAX_SELLER_TAGS = 10  # seoInfo.sellerTags [U: the seller centre allows 10 tags]

TAX_TYPES: dict[TaxType, str] = {TaxType.TAXABLE: "TAX", TaxType.TAX_FREE: "DUTYFREE", TaxType.ZERO_RATED: "SMALL"}

# ShippingFeeType → deliveryFee.deliveryFeeType. RANGE_QUANTITY_PAID (구간별) has no neutral twin.
DELIVERY_FEE_TYPES: dict[ShippingFeeType, str] = {
    ShippingFeeType.FREE: "FREE",
    ShippingFeeType.FIXED: "PAID",
    ShippingFeeType.CONDITIONAL: "CONDITIONAL_FREE",
    ShippingFeeType.PER_QUANTITY: "UNIT_QUANTITY_PAID",
}

# statusType (상품 판매 상태) → ListingState. WAIT (판매 대기) is an accepted product whose sale period
# has not started; the neutral set has no "scheduled" state, so it reads as not-yet-selling
# PENDING_APPROVAL. PROHIBITION (판매 금지) is Naver refusing the product after review.
PRODUCT_STATES: dict[str, ListingState] = {
    "SALE": ListingState.ON_SALE,
    "SUSPENSION": ListingState.SUSPENDED,
    "OUTOFSTOCK": ListingState.SOLD_OUT,
    "WAIT": ListingState.PENDING_APPROVAL,
    "UNADMISSION": ListingState.PENDING_APPROVAL,
    "REJECTION": ListingState.REJECTED,
    "PROHIBITION": ListingState.REJECTED,
    "CLOSE": ListingState.ENDED,
    "DELETE": ListingState.ENDED,
}

# Our certification kinds (modules.catalog CertificationKind) → certificationKindType [U: the kind
# table is ours; KC covers 전기/생활용품/전파 regimes, 어린이제품 has its own kind, the rest is ETC].
CERTIFICATION_KINDS: dict[str, str] = {
    "electric_safety": "KC_CERTIFICATION",
    "electric_confirm": "KC_CERTIFICATION",
    "electric_supplier": "KC_CERTIFICATION",
    "living_safety": "KC_CERTIFICATION",
    "living_confirm": "KC_CERTIFICATION",
    "living_supplier": "KC_CERTIFICATION",
    "living_standard": "KC_CERTIFICATION",
    "radio_conformity": "KC_CERTIFICATION",
    "radio_registration": "KC_CERTIFICATION",
    "radio_provisional": "KC_CERTIFICATION",
    "kids_safety": "CHILD_CERTIFICATION",
    "kids_confirm": "CHILD_CERTIFICATION",
    "kids_supplier": "CHILD_CERTIFICATION",
    "chemical_report": "ETC",
    "chemical_approval": "ETC",
    "green": "GREEN_PRODUCTS",
    "other": "ETC",
}
NAVER_CERTIFICATION_KINDS = frozenset(
    {"KC_CERTIFICATION", "CHILD_CERTIFICATION", "GREEN_PRODUCTS", "PARALLEL_IMPORT", "OVERSEAS", "ETC"}
)

# Origin (원산지) free text → originAreaCode [U: Naver's code table comes from its origin-area API;
# "00" is 국산, "04" + content is the 직접 입력 form the spec's content field refers to].
DOMESTIC_ORIGINS = frozenset({"국산", "국내산", "국내", "대한민국", "한국", "korea", "made in korea"})
ORIGIN_DOMESTIC_CODE = "00"
ORIGIN_DIRECT_CODE = "04"
ORIGIN_SEE_DETAIL_TEXT = "상세설명에 표시"


def id_number(value: Any) -> int | str:
    """Naver numbers are int64 on the wire; keep anything that is not digits as it is."""
    text = _str(value).strip()
    return int(text) if text.isdigit() else text


def listing_state(status: str | None) -> ListingState:
    """statusType → ListingState; an unknown status is UNKNOWN (never raises)."""
    return PRODUCT_STATES.get(status or "", ListingState.UNKNOWN)


def sale_start_date(value: datetime) -> str:
    """saleStartDate: Naver takes only HH:00 [D] — the start is moved back to the top of its hour."""
    kst = value.astimezone(KST).replace(minute=0, second=0, microsecond=0)
    return format_datetime(kst)


def sale_end_date(value: datetime) -> str:
    """saleEndDate: Naver takes only HH:59 [D] — the end is moved back to the last HH:59 not after it."""
    kst = value.astimezone(KST).replace(second=0, microsecond=0)
    if kst.minute != 59:
        kst = kst.replace(minute=59) - timedelta(hours=1)
    return format_datetime(kst)


def delivery_fee_by_area(jeju_fee: int, remote_fee: int) -> dict[str, Any] | None:
    """제주/도서산간 surcharges: AREA_2 when both zones cost the same (one fee for 제주 및 도서산간),
    AREA_3 otherwise (area2extraFee = 제주, area3extraFee = 제주 외 도서산간) [D: field meanings]."""
    jeju, remote = max(0, int(jeju_fee or 0)), max(0, int(remote_fee or 0))
    if not jeju and not remote:
        return None
    if jeju == remote:
        return {"deliveryAreaType": "AREA_2", "area2extraFee": jeju}
    return {"deliveryAreaType": "AREA_3", "area2extraFee": jeju, "area3extraFee": remote}


def delivery_info(shipping: ListingShipping) -> dict[str, Any]:
    """``originProduct.deliveryInfo``: 택배 (DELIVERY + deliveryCompany) or 직접배송 (DIRECT), fee, area
    surcharges and the return/exchange fees with the 출고지/반품지 address-book numbers.

    ``lead_days`` (출고 소요일) has no field for ordinary goods at Naver (only 주문제작 상품's
    expectedDeliveryPeriodType), so it is not sent. ``delivery_template_id`` is read as Naver's
    묶음배송 그룹 (deliveryBundleGroupId) [U: the closest thing Naver has to a shipping template]."""
    direct = shipping.courier == CourierCode.DIRECT
    fee_type = DELIVERY_FEE_TYPES.get(shipping.fee_type, "FREE")
    fee: dict[str, Any] = {"deliveryFeeType": fee_type, "baseFee": 0 if fee_type == "FREE" else int(shipping.fee)}
    if fee_type == "CONDITIONAL_FREE":
        fee["freeConditionalAmount"] = int(shipping.free_threshold)
    if fee_type == "UNIT_QUANTITY_PAID":
        fee["repeatQuantity"] = int(shipping.per_quantity)
    if fee_type != "FREE":
        fee["deliveryFeePayType"] = "PREPAID"  # [U] the fee is paid with the order, never 착불
    area = delivery_fee_by_area(shipping.jeju_fee, shipping.remote_fee)
    if area:
        fee["deliveryFeeByArea"] = area
    info: dict[str, Any] = {"deliveryType": "DIRECT" if direct else "DELIVERY", "deliveryAttributeType": "NORMAL"}
    if not direct:
        info["deliveryCompany"] = COURIER_TO_NAVER.get(shipping.courier, "CH1")
    if shipping.delivery_template_id:
        info["deliveryBundleGroupUsable"] = True
        info["deliveryBundleGroupId"] = id_number(shipping.delivery_template_id)
    info["deliveryFee"] = fee
    claim: dict[str, Any] = {
        "returnDeliveryFee": int(shipping.return_fee),
        "exchangeDeliveryFee": int(shipping.exchange_fee),
    }
    if shipping.outbound_template_id:
        claim["shippingAddressId"] = id_number(shipping.outbound_template_id)
    if shipping.return_template_id:
        claim["returnAddressId"] = id_number(shipping.return_template_id)
    info["claimDeliveryInfo"] = claim
    return info


def origin_area_info(draft: ListingDraft) -> dict[str, Any]:
    """``originAreaInfo`` from the draft's free-text origin (see ORIGIN_* above) [U: code table]."""
    text = (draft.origin or "").strip()
    code = _str(draft.extra.get("naver_origin_area_code")).strip()
    if code:
        info: dict[str, Any] = {"originAreaCode": code}
        if text:
            info["content"] = text
    elif text.lower() in DOMESTIC_ORIGINS:
        info = {"originAreaCode": ORIGIN_DOMESTIC_CODE}
    else:
        info = {"originAreaCode": ORIGIN_DIRECT_CODE, "content": text or ORIGIN_SEE_DETAIL_TEXT}
    importer = _str(draft.extra.get("naver_importer")).strip()
    if importer:
        info["importer"] = importer
    info["plural"] = False
    return info


def option_info(draft: ListingDraft, option_ids: Mapping[str, str] | None = None) -> dict[str, Any]:
    """조합형 옵션: one optionCombinations[] per ListingOptionDraft, ``price`` = the surcharge over salePrice.

    An option already at Naver keeps its ``id`` (its own option_id, else the id ``option_ids`` knows for
    its seller code): "옵션 ID 입력 시 기존 옵션 수정" [D]; a combination without id is a new option.
    A barcode per option has no field at Naver and is not sent."""
    names = draft.option_names or ("옵션",)  # options without a declared name: Naver still needs one
    combinations = []
    for option in draft.options:
        combination: dict[str, Any] = {}
        option_id = option.option_id or (option_ids or {}).get(option.seller_code, "")
        if option_id:
            combination["id"] = id_number(option_id)
        for index, value in enumerate(option.values, 1):
            combination[f"optionName{index}"] = value
        combination.update(
            {
                "stockQuantity": max(0, int(option.stock)),
                "price": int(option.extra_price),
                "sellerManagerCode": option.seller_code,
                "usable": bool(option.on_sale),
            }
        )
        combinations.append(combination)
    return {
        "optionCombinationSortType": "CREATE",
        "optionCombinationGroupNames": {f"optionGroupName{index}": name for index, name in enumerate(names, 1)},
        "optionCombinations": combinations,
        "useStockManagement": True,
    }


def certification_infos(draft: ListingDraft) -> list[dict[str, Any]]:
    """``productCertificationInfos`` from ``draft.certifications`` ({kind, number[, agency, certified_on,
    company, certification_info_id]}). ``certificationInfoId`` is Naver's id of the certification type
    in the product's category (from its category API): taken from the row or from
    ``extra["naver_certification_info_ids"][kind]``; without one it is left out and Naver refuses the
    product, naming the field."""
    ids = draft.extra.get("naver_certification_info_ids") or {}
    infos = []
    for row in draft.certifications:
        kind = _str(row.get("kind")).strip()
        info: dict[str, Any] = {}
        info_id = row.get("certification_info_id") or ids.get(kind)
        if info_id not in (None, ""):
            info["certificationInfoId"] = id_number(info_id)
        info["certificationKindType"] = (
            kind if kind in NAVER_CERTIFICATION_KINDS else CERTIFICATION_KINDS.get(kind, "ETC")
        )
        info["name"] = _str(row.get("agency")).strip()
        info["certificationNumber"] = _str(row.get("number")).strip()
        if row.get("company"):
            info["companyName"] = _str(row.get("company"))
        if row.get("certified_on"):
            certified_on = parse_date(row["certified_on"])
            info["certificationDate"] = format_date(certified_on) if certified_on else _str(row["certified_on"])
        infos.append(info)
    return infos


def product_images(draft: ListingDraft, image_urls: Sequence[str | None] | None = None) -> dict[str, Any]:
    """``images``: representativeImage + optionalImages (≤ 9). ``image_urls`` runs parallel to
    ``[draft.main_image, *draft.extra_images]`` with the URLs Naver's upload API gave back; an image
    without an uploaded URL is sent with its own ``url`` (one already at Naver)."""
    slots = [draft.main_image, *draft.extra_images]
    urls = list(image_urls or [])
    resolved = [
        (urls[index] if index < len(urls) and urls[index] else image.url) if image is not None else None
        for index, image in enumerate(slots)
    ]
    images: dict[str, Any] = {}
    if resolved[0]:
        images["representativeImage"] = {"url": resolved[0]}
    optional = [{"url": url} for url in resolved[1:] if url]
    if optional:
        images["optionalImages"] = optional
    return images


def listing_draft_to_product(
    draft: ListingDraft,
    *,
    image_urls: Sequence[str | None] | None = None,
    option_ids: Mapping[str, str] | None = None,
    status_type: str = "SALE",
) -> dict[str, Any]:
    """The body of ``POST /v2/products`` (register) and ``PUT /v2/products/origin-products/{no}``
    (full update): ``{originProduct, smartstoreChannelProduct}``.

    - ``statusType``: SALE on register (the only value Naver takes there); SALE or SUSPENSION on update.
    - The product's ``stockQuantity`` is the sum of the option stocks when it has options
      (useStockManagement) [U: Naver recomputes it from the combinations], else ``draft.stock``.
    - ``market_price`` (정가) has no field at Naver — a strike-through price is a discount
      (customerBenefit.immediateDiscountPolicy), which we do not derive — so it is not sent.
    - Our seller code goes to ``sellerCodeInfo.sellerManagementCode``; each option's to
      ``optionCombinations[].sellerManagerCode`` (Naver's spelling).
    """
    stock = sum(max(0, int(option.stock)) for option in draft.options) if draft.options else max(0, int(draft.stock))
    origin: dict[str, Any] = {
        "statusType": status_type,
        "saleType": "NEW",
        "leafCategoryId": _str(draft.category_id),
        "name": draft.name,
        "detailContent": draft.detail_html,
        "images": product_images(draft, image_urls),
        "salePrice": int(draft.sale_price),
        "stockQuantity": stock,
    }
    if draft.sale_start:
        origin["saleStartDate"] = sale_start_date(draft.sale_start)
    if draft.sale_end:
        origin["saleEndDate"] = sale_end_date(draft.sale_end)
    origin["deliveryInfo"] = delivery_info(draft.shipping)

    attribute: dict[str, Any] = {}
    search_info = {
        key: value
        for key, value in (("brandName", draft.brand), ("manufacturerName", draft.maker), ("modelName", draft.model))
        if value
    }
    if search_info:
        attribute["naverShoppingSearchInfo"] = search_info
    attribute["afterServiceInfo"] = {
        "afterServiceTelephoneNumber": draft.as_phone,
        "afterServiceGuideContent": draft.as_info or SEE_DETAIL,
    }
    purchase: dict[str, int] = {}
    if draft.max_per_order:
        purchase["maxPurchaseQuantityPerOrder"] = int(draft.max_per_order)
    if draft.max_per_person:
        purchase["maxPurchaseQuantityPerId"] = int(draft.max_per_person)
    if purchase:
        attribute["purchaseQuantityInfo"] = purchase
    attribute["originAreaInfo"] = origin_area_info(draft)
    seller_codes: dict[str, str] = {"sellerManagementCode": draft.seller_code}
    if draft.extra.get("naver_seller_barcode"):
        seller_codes["sellerBarcode"] = _str(draft.extra["naver_seller_barcode"])
    attribute["sellerCodeInfo"] = seller_codes
    if draft.options:
        attribute["optionInfo"] = option_info(draft, option_ids)
    attribute["taxType"] = TAX_TYPES.get(draft.tax_type, "TAX")
    attribute["minorPurchasable"] = not draft.adult_only
    attribute["productInfoProvidedNotice"] = notice.build_notice(
        draft.notice_category,
        draft.notice_fields,
        name=draft.name,
        model=draft.model,
        maker=draft.maker,
        as_phone=draft.as_phone,
    )
    certifications = certification_infos(draft)
    if certifications:
        attribute["productCertificationInfos"] = certifications
    if draft.keywords:
        attribute["seoInfo"] = {"sellerTags": [{"text": word} for word in draft.keywords[:MAX_SELLER_TAGS]]}
    origin["detailAttribute"] = attribute
    origin["customerBenefit"] = {}
    return {
        "originProduct": origin,
        "smartstoreChannelProduct": {
            "naverShoppingRegistration": bool(draft.extra.get("naver_shopping_registration", True)),
            "channelProductDisplayStatusType": "ON",
        },
    }


def update_status_type(current: Mapping[str, Any]) -> str:
    """statusType for a full update: a product the seller suspended stays suspended, else SALE."""
    status = _str(_dict(current.get("originProduct")).get("statusType"))
    return "SUSPENSION" if status == "SUSPENSION" else "SALE"


def product_numbers(body: Mapping[str, Any]) -> tuple[str, str]:
    """Register/update answer ``{originProductNo, smartstoreChannelProductNo[, windowChannelProductNo]}``."""
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    return _str(data.get("originProductNo")), _str(data.get("smartstoreChannelProductNo"))


def uploaded_image_urls(body: Mapping[str, Any]) -> list[str]:
    """``POST /v1/product-images/upload`` answer ``{images: [{url}]}``, in upload order."""
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    return [_str(item.get("url")) for item in data.get("images") or [] if isinstance(item, dict)]


def _channel_product_no(product: Mapping[str, Any]) -> str:
    channel = _dict(product.get("smartstoreChannelProduct"))
    return _str(channel.get("channelProductNo"))  # [U] not in the spec's response schema; read when sent


def listing_from_origin_product(
    product: Mapping[str, Any], origin_product_no: str, channel_product_no: str = ""
) -> ChannelListing:
    """``GET /v2/products/origin-products/{no}`` → ChannelListing (the answer does not repeat the number).

    Option ids come back as ``optionCombinations[].id``. A product without options is returned with one
    option whose id is the origin product number — the id push_stock/push_prices/push_sale_status treat
    as the product itself — so a SKU can be matched to it by the product's seller code."""
    origin = _dict(product.get("originProduct"))
    attribute = _dict(origin.get("detailAttribute"))
    option_data = _dict(attribute.get("optionInfo"))
    seller_code = _str(_dict(attribute.get("sellerCodeInfo")).get("sellerManagementCode"))
    status = _str(origin.get("statusType"))
    sale_price = _int(origin.get("salePrice"))
    group_names = _dict(option_data.get("optionCombinationGroupNames"))
    names = tuple(
        _str(group_names[f"optionGroupName{index}"])
        for index in range(1, 5)
        if group_names.get(f"optionGroupName{index}")
    )
    options = []
    for combination in option_data.get("optionCombinations") or []:
        if not isinstance(combination, dict):
            continue
        extra_price = _int(combination.get("price"))
        values = tuple(
            _str(combination.get(f"optionName{index}"))
            for index in range(1, 5)
            if combination.get(f"optionName{index}") not in (None, "")
        )
        options.append(
            ChannelListingOption(
                option_id=_str(combination.get("id")),
                seller_code=_str(combination.get("sellerManagerCode")),
                values=values,
                price=sale_price + extra_price,
                extra_price=extra_price,
                stock=_int(combination.get("stockQuantity")),
                on_sale=combination.get("usable") is not False,
            )
        )
    if not options and origin_product_no:
        options.append(
            ChannelListingOption(
                option_id=_str(origin_product_no),
                seller_code=seller_code,
                price=sale_price,
                stock=_int(origin.get("stockQuantity")),
                on_sale=status == "SALE",
            )
        )
    channel_no = channel_product_no or _channel_product_no(product)
    return ChannelListing(
        product_id=_str(origin_product_no),
        name=_str(origin.get("name")),
        seller_code=seller_code,
        state=listing_state(status),
        channel_status=status,
        sale_price=sale_price,
        category_id=_str(origin.get("leafCategoryId")),
        option_names=names,
        options=options,
        ref={"origin_product_no": _str(origin_product_no), "channel_product_no": channel_no},
        raw={"detail": dict(product)},
    )


def _storefarm_channel_product(item: Mapping[str, Any]) -> dict[str, Any]:
    channel_products = [entry for entry in item.get("channelProducts") or [] if isinstance(entry, dict)]
    for entry in channel_products:
        if entry.get("channelServiceType") in (None, "", "STOREFARM"):
            return entry
    return channel_products[0] if channel_products else {}


def search_item_registered_at(item: Mapping[str, Any]) -> datetime | None:
    """``regDate`` of a search row's smartstore channel product."""
    return parse_datetime(_storefarm_channel_product(item).get("regDate"))


def listing_from_search_item(item: Mapping[str, Any], detail: Mapping[str, Any] | None = None) -> ChannelListing:
    """One ``POST /v1/products/search`` ``contents[]`` element (+ its origin product, when read) →
    ChannelListing. The list row has no options; the detail adds them."""
    origin_no = _str(item.get("originProductNo"))
    channel = _storefarm_channel_product(item)
    channel_no = _str(channel.get("channelProductNo"))
    if detail:
        listing = listing_from_origin_product(detail, origin_no, channel_no)
        listing.seller_code = listing.seller_code or _str(channel.get("sellerManagementCode"))
        listing.category_id = listing.category_id or _str(channel.get("categoryId"))
        listing.raw = {"search": dict(item), "detail": dict(detail)}
        return listing
    status = _str(channel.get("statusType"))
    return ChannelListing(
        product_id=origin_no,
        name=_str(channel.get("name")),
        seller_code=_str(channel.get("sellerManagementCode")),
        state=listing_state(status),
        channel_status=status,
        sale_price=_int(channel.get("salePrice")),
        category_id=_str(channel.get("categoryId")),
        ref={"origin_product_no": origin_no, "channel_product_no": channel_no},
        raw={"search": dict(item)},
    )


def listing_option_ids(listing: ChannelListing) -> dict[str, str]:
    """Our seller code → Naver option id, for the options that carry a seller code."""
    return {option.seller_code: option.option_id for option in listing.options if option.seller_code}


def listing_result(
    origin_product_no: str, channel_product_no: str, detail: Mapping[str, Any], draft: ListingDraft
) -> ListingResult:
    """A register/update that Naver took, read back: option ids by our seller codes and the state.

    Naver assigns option ids at registration (no review queue for ordinary categories), so the read-back
    carries every id; a draft option whose seller code is missing from it is flagged in ``message``."""
    listing = listing_from_origin_product(detail, origin_product_no, channel_product_no)
    option_ids = listing_option_ids(listing)
    wanted = [option.seller_code for option in draft.options] or [draft.seller_code]
    missing = [code for code in wanted if code and code not in option_ids]
    return ListingResult(
        ok=True,
        channel_product_id=_str(origin_product_no),
        option_ids={code: option_ids[code] for code in wanted if code in option_ids},
        state=listing.state,
        code="" if not missing else "OPTION_IDS_MISSING",
        message="" if not missing else f"네이버 응답에 옵션 ID가 없습니다: {', '.join(missing)}",
        raw={
            "originProductNo": _str(origin_product_no),
            "smartstoreChannelProductNo": listing.ref.get("channel_product_no", ""),
            "statusType": listing.channel_status,
        },
    )


def product_search_body(
    *, page: int, size: int, seller_code: str = "", status_types: Sequence[str] = ()
) -> dict[str, Any]:
    """``POST /v1/products/search`` body: page ≥ 1, size ≤ 1000 [D]; by seller code when given."""
    body: dict[str, Any] = {"page": page, "size": size, "orderType": "NO"}
    if seller_code:
        body["searchKeywordType"] = "SELLER_CODE"
        body["sellerManagementCode"] = seller_code
    if status_types:
        body["productStatusTypes"] = list(status_types)
    return body
