"""Pure mapping of recorded-style Coupang payloads (fixtures/payloads/coupang)."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from integrations.channels.base import (
    ChannelTemplate,
    ClaimState,
    ClaimType,
    CourierCode,
    InquiryKind,
    LineState,
    TemplateKind,
)
from integrations.channels.coupang import mapper

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "payloads" / "coupang"


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_order_page_maps_one_order_per_shipment_box_with_kst_times():
    orders = mapper.orders_from_envelope(load("ordersheets_page.json"))
    assert [o.ref["shipmentBoxId"] for o in orders] == ["610000001", "610000002", "610000004"]
    first = orders[0]
    assert first.order_id == "21000000000007"
    assert first.ordered_at == datetime(2025, 3, 1, 10, 20, 16, tzinfo=mapper.KST)
    assert first.ordered_at.utcoffset().total_seconds() == 9 * 3600
    assert first.buyer.name == "홍예준" and first.buyer.phone == "0504-9656-2034"
    assert first.receiver.address1 == "대구광역시 북구 대학로 19" and first.receiver.zip_code == "41585"
    line = first.lines[0]
    assert line.line_id == "21000000000007-3100000300"
    assert line.shipment_id == "610000001"
    assert line.option_id == "3100000300" and line.product_id == "310000300"
    assert (line.quantity, line.unit_price, line.line_amount) == (3, 15900, 47700)
    assert line.state is LineState.PAID and line.channel_status == "ACCEPT"
    assert line.expected_ship_date == date(2025, 3, 3)
    assert line.ref == {
        "orderId": "21000000000007",
        "shipmentBoxId": "610000001",
        "vendorItemId": "3100000300",
        "sellerProductId": "310000300",
        "productId": "317000300",
        "shippingCount": 3,
        "status": "ACCEPT",
    }


def test_bundle_box_amounts_discount_and_shipping_fee():
    orders = mapper.orders_from_envelope(load("ordersheets_page.json"))
    bundle = orders[2]
    assert [line.line_id for line in bundle.lines] == ["21000000000010-3100000200", "21000000000010-3100000300"]
    assert {line.shipment_id for line in bundle.lines} == {"610000004"}
    assert bundle.lines[1].discount == 1000 and bundle.lines[1].line_amount == 14900
    assert bundle.total_amount == 38700 + 14900
    paid_shipping = orders[1]
    assert paid_shipping.shipping_fee == 3000 and paid_shipping.total_amount == 16900 - 1000 + 3000


def test_last_page_states_courier_cancel_hold_and_unknown_status():
    delivered, cancelled, held, unknown = mapper.orders_from_envelope(load("ordersheets_last_page.json"))
    line = delivered.lines[0]
    assert line.state is LineState.PURCHASE_CONFIRMED  # FINAL_DELIVERY with confirmDate
    assert line.courier is CourierCode.LOTTE and line.tracking_number == "123456789012"

    canceled_line, kept_line = cancelled.lines
    assert canceled_line.state is LineState.CANCELLED and canceled_line.quantity == 2
    assert kept_line.state is LineState.ACKNOWLEDGED

    assert all(line.claim_type is ClaimType.CANCEL and line.claim_state is ClaimState.REQUESTED for line in held.lines)
    assert all("cancel_hold" in line.flags for line in held.lines)

    assert unknown.flags == ["unknown_status:PRE_DEPARTURE_CHECK"]
    assert unknown.lines[0].state is LineState.UNKNOWN
    assert unknown.lines[0].flags == ["unknown_status:PRE_DEPARTURE_CHECK"]
    assert unknown.raw["status"] == "PRE_DEPARTURE_CHECK"


def test_single_ordersheet_answers_an_object_not_an_array():
    payload = load("ordersheet_single.json")
    assert isinstance(payload["data"], dict)
    (order,) = mapper.orders_from_envelope(payload)
    assert order.ref["shipmentBoxId"] == "610000004" and len(order.lines) == 2
    assert mapper.rows(None) == [] and mapper.rows([{"a": 1}]) == [{"a": 1}]


def test_bulk_results_keep_codes_and_retry_flags():
    results = mapper.bulk_results(load("acknowledgement_partial.json"))
    assert [(r["key"], r["ok"], r["code"], r["retryable"]) for r in results] == [
        ("610000001", True, "OK", False),
        ("610000002", False, "INVALID_STATUS", False),
        ("619999999", False, "NOT_FOUND_SHIPMENT_BOX", False),
        ("610000004", False, "PERMISSION_DENIED", True),
    ]
    invoices = mapper.bulk_results(load("invoices_partial.json"))
    assert invoices[1]["code"] == "DUPLICATE_INVOICE_NUMBER" and invoices[1]["retryable"] is True


def test_return_requests_map_stop_shipment_to_cancel_and_unknown_status():
    ru, uc, odd = (mapper.claim_from_return(row) for row in load("return_requests.json")["data"])
    assert ru.claim_id == "return-400000001" and ru.claim_type is ClaimType.CANCEL
    assert ru.state is ClaimState.REQUESTED and ru.channel_status == "RELEASE_STOP_UNCHECKED"
    assert ru.quantity == 3 and ru.line_ids == ["21000000000007-3100000300"]
    assert ru.ref["receiptId"] == "400000001" and ru.ref["shipmentBoxIds"] == ["610000001"]
    assert ru.reason.startswith("단순변심 > ") or ru.reason.startswith("배송지연 > ")

    assert uc.claim_type is ClaimType.RETURN and uc.state is ClaimState.REQUESTED
    assert uc.requested_at == datetime(2025, 3, 3, 10, 27, 16, tzinfo=mapper.KST)

    assert odd.state is ClaimState.UNKNOWN and odd.flags == ["unknown_status:RETURNS_PENDING_REVIEW"]


def test_pre_shipment_cancel_receipt_is_a_completed_cancel():
    (claim,) = (mapper.claim_from_return(row) for row in load("return_requests_cancel.json")["data"])
    assert claim.claim_type is ClaimType.CANCEL and claim.state is ClaimState.COMPLETED
    assert claim.completed_at == datetime(2025, 3, 3, 10, 27, 16, tzinfo=mapper.KST)
    assert claim.ref["receiptType"] == "CANCEL"


def test_exchange_request_maps_original_item_to_line_id():
    (claim,) = (mapper.claim_from_exchange(row) for row in load("exchange_requests.json")["data"])
    assert claim.claim_id == "exchange-100000001" and claim.claim_type is ClaimType.EXCHANGE
    assert claim.state is ClaimState.REQUESTED and claim.quantity == 1
    assert claim.line_ids == ["21000000000008-3100000302"]
    assert claim.ref["exchangeId"] == "100000001"
    odd = mapper.claim_from_exchange({**load("exchange_requests.json")["data"][0], "exchangeStatus": "HOLD"})
    assert odd.state is ClaimState.UNKNOWN and odd.flags == ["unknown_status:HOLD"]


def test_inquiries_online_and_call_center():
    online = [mapper.inquiry_from_online(row) for row in load("online_inquiries.json")["data"]["content"]]
    assert [i.inquiry_id for i in online] == ["qna-300001", "qna-300002", "qna-300003"]
    assert online[0].kind is InquiryKind.PRODUCT_QNA and online[0].answered is True
    assert online[0].answer.startswith("안녕하세요 고객님")
    assert online[1].order_id == "21000000000008" and online[1].answered is False

    waiting, answered = (
        mapper.inquiry_from_call_center(r) for r in load("callcenter_inquiries.json")["data"]["content"]
    )
    assert waiting.kind is InquiryKind.CUSTOMER and waiting.answered is False
    assert waiting.ref["parentAnswerId"] == "5000001"
    assert waiting.order_id == "21000000000015" and waiting.title.startswith("배송문의")
    assert answered.answered is True and answered.answer == "고객님, 내일 출고 예정입니다."


def test_templates_outbound_without_envelope_and_return_centres():
    payload = load("outbound_places.json")
    assert "data" not in payload  # the marketplace_openapi list has no envelope
    places = [mapper.template_from_outbound(row) for row in mapper.page_content(payload)]
    assert [p.name for p in places] == ["본사 물류창고", "부산 2센터"]
    assert places[0].kind is TemplateKind.OUTBOUND_ADDRESS and places[0].template_id == "5101"
    assert places[0].address.zip_code == "10516" and places[0].address.phone1 == "02-1234-5678"
    assert mapper.pagination(payload)["totalPages"] == 1

    centres = [mapper.template_from_return_center(r) for r in mapper.page_content(load("return_centers.json"))]
    assert centres[0].template_id == "1100044601" and centres[0].fields["deliverCode"] == "CJGLS"


def test_template_payloads_for_create_and_update():
    template = ChannelTemplate(
        kind=TemplateKind.OUTBOUND_ADDRESS,
        name="성수 창고",
        address=mapper.Address(phone1="02-555-1234", zip_code="04790", address1="서울특별시 성동구 성수이로 1"),
    )
    body = mapper.outbound_payload(template, vendor_id="A00012345", user_id="wing-user")
    assert body["shippingPlaceName"] == "성수 창고" and "outboundShippingPlaceCode" not in body
    assert body["placeAddresses"][0]["returnZipCode"] == "04790"
    template.template_id = "5101"
    assert mapper.outbound_payload(template, vendor_id="A00012345", user_id="u")["outboundShippingPlaceCode"] == 5101
    centre = ChannelTemplate(kind=TemplateKind.RETURN_ADDRESS, name="반품", fields={"deliverCode": "CJGLS"})
    assert mapper.return_center_payload(centre, vendor_id="A", user_id="u")["goodsflowInfoOpenApiDto"][
        "deliverCode"
    ] == ("CJGLS")


def test_revenue_history_items_and_delivery_fee():
    rows = load("revenue_history.json")["data"]
    lines = mapper.settlements_from_revenue(rows[0])
    item, fee = lines
    assert item.settlement_id == "21000000000015-3100000300-SALE-2025-03-09"
    assert item.line_id == "21000000000015-3100000300" and item.kind == "SALE"
    assert (item.sale_amount, item.commission, item.settlement_amount) == (15900, 1717 + 171, 14012)
    assert item.recognized_on == date(2025, 3, 9) and item.settle_on == date(2025, 4, 15)
    assert fee.kind == "SALE_DELIVERY_FEE" and fee.sale_amount == 3000
    assert len(mapper.settlements_from_revenue(rows[1])) == 1  # no delivery fee line for 0


@pytest.mark.parametrize(
    ("courier", "code"),
    [
        (CourierCode.CJ, "CJGLS"),
        (CourierCode.LOTTE, "HYUNDAI"),
        (CourierCode.LOGEN, "KGB"),
        (CourierCode.HAPDONG, "HDEXP"),
        (CourierCode.GS_POSTBOX, "CVS"),
        (CourierCode.DIRECT, "DIRECT"),
        (CourierCode.CU_POST, None),
        (CourierCode.OTHER, None),
    ],
)
def test_courier_table(courier, code):
    assert mapper.coupang_courier(courier) == code
    if code:
        assert mapper.COUPANG_TO_COURIER[code] is courier


def test_courier_names_and_tracking_digits():
    assert mapper.courier_from_name("CJ 대한통운") is CourierCode.CJ
    assert mapper.courier_from_name("롯데택배") is CourierCode.LOTTE
    assert mapper.courier_from_name("로젠택배") is CourierCode.LOGEN
    assert mapper.courier_from_name("어딘가택배") is None
    assert mapper.COUPANG_TO_COURIER["KOREX"] is CourierCode.CJ
    assert mapper.tracking_problem("CJGLS", "123456789012") == ""
    assert mapper.tracking_problem("CJGLS", "12345678901") != ""
    assert mapper.tracking_problem("EPOST", "1234567890123") == ""
    assert mapper.tracking_problem("KGB", "12345678901") == ""
    assert mapper.tracking_problem("KDEXP", "1234567") != "" and mapper.tracking_problem("KDEXP", "12345678") == ""
    assert mapper.tracking_problem("DIRECT", "1") == "" and mapper.tracking_problem("DIRECT", "A1") != ""
    assert mapper.normalize_tracking("1234-5678 9012") == "123456789012"


def test_reason_codes():
    assert mapper.cancel_middle_code("OUT_OF_STOCK") == "CCTTER"
    assert mapper.cancel_middle_code("가격 오류") == "CCPRER"
    assert mapper.cancel_middle_code("ccpner") == "CCPNER"
    assert mapper.cancel_middle_code("") == "CCTTER"
    assert mapper.exchange_reject_code("고객 철회") == "WITHDRAW"
    assert mapper.exchange_reject_code("품절") == "SOLDOUT"


def test_time_parsing_variants():
    assert mapper.parse_time("2025-03-01 10:20:16") == datetime(2025, 3, 1, 10, 20, 16, tzinfo=mapper.KST)
    assert mapper.parse_time("2025-03-01T10:20:16+09:00").utcoffset().total_seconds() == 9 * 3600
    assert mapper.parse_time("") is None and mapper.parse_time("garbage") is None and mapper.parse_time(None) is None
    assert mapper.kst_date_offset(date(2025, 7, 15)) == "2025-07-15+09:00"


def test_error_messages_become_korean_hints():
    assert "서명 시각이 만료" in mapper.auth_message(load("error_401_expired.json")["message"])
    assert "Secret Key" in mapper.auth_message(load("error_401_invalid_signature.json")["message"])
    assert "Access Key" in mapper.auth_message(
        "Unknown error occurred, please contact api-gateway channel for the details."
    )
    assert mapper.error_message(load("error_400_window.json")) == "조회 기간은 최대 31일입니다."
