"""Naver mapper on recorded-style payloads (fixtures/payloads/naver/), plus one playback of the adapter
over those payloads through httpx.MockTransport (no simulator involved)."""

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from integrations.channels.base import (
    ChannelConfig,
    ClaimState,
    ClaimType,
    CourierCode,
    InquiryKind,
    LineState,
    RateLimit,
    TemplateKind,
    Window,
)
from integrations.channels.http import rate_limiters
from integrations.channels.naver import mapper
from integrations.channels.naver.adapter import NaverAdapter
from integrations.channels.naver.auth import token_cache

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "payloads" / "naver"
KST = timezone(timedelta(hours=9))


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def elements():
    return load("product_orders_query.json")["data"]


@pytest.fixture
def orders(elements):
    return {order.order_id: order for order in mapper.orders_from_details(elements)}


def test_product_orders_group_into_orders_with_bundle_lines(orders):
    assert len(orders) == 7
    bundle = orders["2024030512345601"]
    assert [line.line_id for line in bundle.lines] == ["2024030512345611", "2024030512345612"]
    assert {line.shipment_id for line in bundle.lines} == {"2024030512345690"}
    first, second = bundle.lines
    assert (first.state, second.state) == (LineState.PAID, LineState.ACKNOWLEDGED)
    assert first.quantity == 2 and first.unit_price == 12900 and first.discount == 1000 and first.line_amount == 24800
    assert second.unit_price == 15900 + 1000  # unitPrice + optionPrice
    assert first.option_id == "50000201" and first.seller_code == "TEE-DAILY-02"
    assert first.ref["origin_product_no"] == "5000200" and first.ref["productOrderId"] == first.line_id
    assert bundle.shipping_fee == 3000
    assert bundle.total_amount == 24800 + 16900 + 3000
    assert bundle.paid_at == datetime(2024, 3, 5, 9, 0, 1, 120000, tzinfo=KST)
    assert bundle.buyer.name == "김민준" and bundle.buyer.channel_member_id == "minj****"
    assert bundle.receiver.phone1 == "0504-1234-5678" and bundle.receiver.zip_code == "06236"
    assert bundle.receiver.address2 == "101동 1203호"
    assert bundle.delivery_message == "문 앞에 놓아주세요"
    assert first.expected_ship_date == date(2024, 3, 7)
    assert first.raw["productOrder"]["productOrderId"] == first.line_id


def test_single_line_without_package_uses_product_order_id_as_shipment(orders):
    line = orders["2024030512345603"].lines[0]
    assert line.shipment_id == line.line_id == "2024030512345631"


def test_delivering_with_moving_parcel_is_in_transit(orders):
    line = orders["2024030512345602"].lines[0]
    assert line.state == LineState.IN_TRANSIT
    assert line.courier == CourierCode.CJ and line.tracking_number == "684512390012"


def test_cancel_request_is_a_claim_on_a_paid_line(orders):
    line = orders["2024030512345603"].lines[0]
    assert line.state == LineState.PAID
    assert (line.claim_type, line.claim_state, line.claim_id) == (
        ClaimType.CANCEL,
        ClaimState.REQUESTED,
        "2024030598765401",
    )


def test_legacy_top_level_claim_detail_is_read(orders):
    line = orders["2024030512345604"].lines[0]
    assert line.state == LineState.DELIVERED
    assert line.courier == CourierCode.LOTTE
    # Only the phased-out top-level "return" object carries the seller's reject reason.
    assert (line.claim_type, line.claim_state) == (ClaimType.RETURN, ClaimState.REJECTED_BY_SELLER)


def test_unknown_status_and_courier_never_raise(orders):
    order = orders["2024030512345605"]
    line = order.lines[0]
    assert line.state == LineState.UNKNOWN
    assert "unknown_status:SHIPPING_ON_HOLD" in line.flags
    assert line.courier == CourierCode.OTHER and "unknown_courier:ZZEXPRESS" in line.flags
    assert "unknown_status:SHIPPING_ON_HOLD" in order.flags
    assert line.raw["productOrder"]["productOrderStatus"] == "SHIPPING_ON_HOLD"


def test_held_exchange_and_purchase_decision_holdback(orders):
    exchange = orders["2024030512345606"].lines[0]
    assert (exchange.claim_type, exchange.claim_state) == (ClaimType.EXCHANGE, ClaimState.IN_PROGRESS)
    assert "claim_held" in exchange.flags
    held = orders["2024030512345607"].lines[0]
    assert held.claim_type is None and held.claim_state is None
    assert "purchase_decision_holdback:PURCHASE_DECISION_HOLDBACK" in held.flags
    assert held.courier == CourierCode.DIRECT


def test_claims_one_per_claim_id(elements):
    claims = {claim.claim_id: claim for claim in mapper.claims_from_details(elements)}
    assert set(claims) == {"2024030598765401", "2024030598765402", "2024030598765403"}
    cancel = claims["2024030598765401"]
    assert cancel.claim_type == ClaimType.CANCEL and cancel.state == ClaimState.REQUESTED
    assert cancel.order_id == "2024030512345603" and cancel.line_ids == ["2024030512345631"]
    assert cancel.reason == "INTENT_CHANGED" and cancel.reason_detail == "단순 변심" and cancel.quantity == 1
    assert cancel.requested_at == datetime(2024, 3, 5, 9, 12, tzinfo=KST)
    assert cancel.ref["claimType"] == "CANCEL"
    refused = claims["2024030598765402"]
    assert refused.state == ClaimState.REJECTED_BY_SELLER and refused.channel_status == "RETURN_REJECT"
    exchange = claims["2024030598765403"]
    assert exchange.state == ClaimState.IN_PROGRESS and "claim_held" in exchange.flags


def test_reject_without_seller_reason_is_a_withdrawal(elements):
    element = copy.deepcopy(elements[4])
    del element["return"]["rejectReturnReason"]
    (claim,) = mapper.claims_from_details([element])
    assert claim.state == ClaimState.WITHDRAWN_BY_BUYER


def test_claim_spanning_two_product_orders_is_one_claim(elements):
    first = copy.deepcopy(elements[3])
    second = copy.deepcopy(elements[3])
    second["productOrder"]["productOrderId"] = "2024030512345632"
    (claim,) = mapper.claims_from_details([first, second])
    assert claim.line_ids == ["2024030512345631", "2024030512345632"] and claim.quantity == 2


def test_unknown_claim_status_is_flagged(elements):
    element = copy.deepcopy(elements[3])
    element["productOrder"]["claimStatus"] = "CANCEL_PENDING_REVIEW"
    (claim,) = mapper.claims_from_details([element])
    assert claim.state == ClaimState.UNKNOWN and "unknown_status:CANCEL_PENDING_REVIEW" in claim.flags
    line = mapper.line_from_detail(element)
    assert line.claim_state == ClaimState.UNKNOWN


@pytest.mark.parametrize(
    ("status", "place", "delivery", "expected"),
    [
        ("PAYMENT_WAITING", None, None, LineState.PENDING_PAYMENT),
        ("PAYED", "NOT_YET", None, LineState.PAID),
        ("PAYED", None, None, LineState.PAID),
        ("PAYED", "OK", None, LineState.ACKNOWLEDGED),
        ("PAYED", "CANCEL", None, LineState.PAID),
        ("DELIVERING", "OK", "COLLECT_REQUEST", LineState.SHIPPED),
        ("DELIVERING", "OK", None, LineState.SHIPPED),
        ("DELIVERING", "OK", "DELIVERING", LineState.IN_TRANSIT),
        ("DELIVERED", "OK", "DELIVERY_COMPLETION", LineState.DELIVERED),
        ("PURCHASE_DECIDED", "OK", None, LineState.PURCHASE_CONFIRMED),
        ("EXCHANGED", "OK", None, LineState.EXCHANGED),
        ("CANCELED", "OK", None, LineState.CANCELLED),
        ("CANCELED_BY_NOPAYMENT", None, None, LineState.CANCELLED),
        ("RETURNED", "OK", None, LineState.RETURNED),
        ("TELEPORTED", "OK", None, LineState.UNKNOWN),
    ],
)
def test_line_state_table(status, place, delivery, expected):
    assert mapper.line_state(status, place, delivery)[0] == expected


def test_courier_table_round_trips_and_direct_is_a_method():
    for courier in CourierCode:
        if courier == CourierCode.DIRECT:
            continue
        code = mapper.COURIER_TO_NAVER[courier]
        assert mapper.COURIER_FROM_NAVER[code] == courier
    assert mapper.COURIER_TO_NAVER[CourierCode.LOTTE] == "HYUNDAI"
    assert mapper.COURIER_TO_NAVER[CourierCode.LOGEN] == "KGB"
    assert mapper.COURIER_TO_NAVER[CourierCode.GS_POSTBOX] == "CVSNET"
    shipped = datetime(2024, 3, 5, 14, 0, tzinfo=KST)
    assert mapper.dispatch_item("1", CourierCode.CJ, "6845-1239-0012", shipped) == {
        "productOrderId": "1",
        "deliveryMethod": "DELIVERY",
        "deliveryCompanyCode": "CJGLS",
        "trackingNumber": "684512390012",
        "dispatchDate": "2024-03-05T14:00:00.000+09:00",
    }
    direct = mapper.dispatch_item("2", CourierCode.DIRECT, "", shipped)
    assert direct["deliveryMethod"] == "DIRECT_DELIVERY" and "deliveryCompanyCode" not in direct


def test_confirm_partial_success():
    data = load("confirm_partial.json")["data"]
    ids = ["2024030512345611", "2024030512345612", "2024030512345641", "2024030512345699"]
    ok, already, refused, missing = mapper.confirm_results(data, ids)
    assert ok.ok and ok.data == {"isReceiverAddressChanged": True}
    assert already.ok and already.code == "105306" and already.data == {"already": True}
    assert not refused.ok and refused.code == "104442" and "발주 확인" in refused.message
    assert not missing.ok and missing.code == "NO_RESULT" and missing.retryable


def test_dispatch_partial_success():
    data = load("dispatch_partial.json")["data"]
    results = mapper.action_results(data, ["2024030512345611", "2024030512345612", "2024030512345631"])
    assert [(result.ok, result.code) for result in results] == [(True, ""), (False, "104121"), (False, "104122")]


def test_times():
    parsed = mapper.parse_datetime("2023-01-16T17:14:51.794+09:00")
    assert parsed == datetime(2023, 1, 16, 17, 14, 51, 794000, tzinfo=KST)
    assert mapper.format_datetime(parsed.astimezone(UTC)) == "2023-01-16T17:14:51.794+09:00"
    assert mapper.parse_datetime("2023-01-16T17:14:51").tzinfo is not None  # naive = KST
    assert mapper.parse_datetime("not a date") is None and mapper.parse_datetime(None) is None
    assert mapper.parse_date("2023-01-16") == date(2023, 1, 16)
    assert mapper.parse_date("2023-01-16T23:30:00.000+00:00") == date(2023, 1, 17)  # KST day
    assert mapper.due_datetime(date(2024, 3, 9)) == "2024-03-09T00:00:00.000+09:00"
    moment = datetime(2024, 3, 5, 10, 0, 0, 123456, tzinfo=KST)
    assert mapper.floor_ms(moment).microsecond == 123000 and mapper.ceil_ms(moment).microsecond == 124000


def test_error_messages():
    assert mapper.error_message(load("error_gw_authn.json")) == "요청을 보낼 권한이 없습니다."
    message = mapper.error_message(load("error_product_validation.json"))
    assert message == "잘못된 요청입니다. (optionInfo.optionCombinations[0].price: 옵션가가 허용 범위를 벗어났습니다.)"
    # An input message already in the headline is not repeated.
    assert mapper.error_message(load("error_token_timestamp.json")).count("timestamp가") == 1
    assert mapper.error_message("oops", "HTTP 500") == "HTTP 500"


def test_inquiries():
    qna_answered = [mapper.inquiry_from_qna(item) for item in mapper.page_items(load("qnas_page.json"), "contents")]
    assert [item.inquiry_id for item in qna_answered] == ["qna-700000123", "qna-700000124"]
    first, second = qna_answered
    assert first.kind == InquiryKind.PRODUCT_QNA and not first.answered and first.product_id == "8105000000"
    assert second.answered and second.answer == "네, 같습니다." and second.answered_at is not None
    (customer,) = [
        mapper.inquiry_from_customer(item) for item in mapper.page_items(load("inquiries_page.json"), "content")
    ]
    assert customer.inquiry_id == "cs-300000555" and customer.kind == InquiryKind.CUSTOMER
    assert customer.title == "배송 문의" and customer.order_id == "2024030512345601"
    assert customer.ref["productOrderIds"] == ["2024030512345611"]
    assert customer.created_at == datetime(2024, 3, 5, 10, 1, tzinfo=KST)


def test_addressbook_templates():
    items = mapper.page_items(load("addressbooks_page.json"), "addressBooks")
    templates = [mapper.template_from_addressbook(item) for item in items]
    release, refund, overseas = templates
    assert overseas is None  # an address type we do not model is skipped
    assert release.kind == TemplateKind.OUTBOUND_ADDRESS and release.template_id == "100001"
    assert release.address.zip_code == "13494" and release.address.phone1 == "031-123-4567"
    assert refund.kind == TemplateKind.RETURN_ADDRESS
    body = mapper.addressbook_from_template(release)
    assert body["addressType"] == "RELEASE" and body["baseAddress"].startswith("경기도")


def test_settlements():
    lines = [mapper.settlement_from_case(item) for item in load("settle_case_page.json")["elements"]]
    sale, fee, refund = lines
    assert (sale.kind, fee.kind, refund.kind) == ("SALE", "SHIPPING_FEE", "REFUND")
    assert len({line.settlement_id for line in lines}) == 3
    assert sale.sale_amount == 24800 and sale.commission == 900 + 496 and sale.settlement_amount == 23404
    assert sale.recognized_on == date(2024, 3, 10) and sale.settle_on == date(2024, 3, 11)
    assert sale.order_id == "2024030512345601" and sale.line_id == "2024030512345611"
    (daily,) = [mapper.settlement_from_daily(item) for item in load("settle_daily_page.json")["elements"]]
    assert daily.kind == "DAILY" and daily.commission == 1505 and daily.settlement_amount == 26295
    assert mapper.total_pages(load("settle_case_page.json")["pagination"], 1000) == 1
    assert mapper.total_pages({"totalElements": 2500}, 1000) == 3


def test_origin_product_prices_and_option_stock_body():
    sale_price, surcharges = mapper.origin_product_prices(load("origin_product.json"))
    assert sale_price == 12900 and surcharges == {"50000200": 0, "50000201": 0, "50000202": 1000}
    body = mapper.option_stock_body([{"id": 50000202, "price": 2000}], sale_price=12900)
    assert body == {
        "optionInfo": {"useStockManagement": True, "optionCombinations": [{"id": 50000202, "price": 2000}]},
        "productSalePrice": {"salePrice": 12900},
    }


def test_cancel_and_delay_reasons():
    assert mapper.cancel_reason("SOLD_OUT") == ("SOLD_OUT", "")
    assert mapper.cancel_reason("품절") == ("SOLD_OUT", "")
    assert mapper.cancel_reason("delayed") == ("DELAYED_DELIVERY", "")
    assert mapper.cancel_reason("창고 화재") == ("SOLD_OUT", "창고 화재")
    assert mapper.delay_reason("PRODUCT_PREPARE") == ("PRODUCT_PREPARE", "")
    assert mapper.delay_reason("주문 제작") == ("ETC", "주문 제작")


# ---------------------------------------------------------------------------------------------
# Playback: the adapter over the recorded payloads
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def _fresh():
    token_cache.clear()
    rate_limiters.clear()
    yield
    token_cache.clear()


@pytest.mark.usefixtures("_fresh")
def test_adapter_plays_back_recorded_pages():
    pages = [load("last_changed_statuses_more.json"), load("last_changed_statuses_last.json")]
    details = {
        element["productOrder"]["productOrderId"]: element for element in load("product_orders_query.json")["data"]
    }
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path, dict(request.url.params)))
        if request.url.path.endswith("/v1/oauth2/token"):
            return httpx.Response(200, json=load("token_response.json"))
        assert request.headers["Authorization"] == "Bearer 4HzHqGGkOcFXhJ1rYbxzW0"
        if request.url.path.endswith("/last-changed-statuses"):
            return httpx.Response(200, json=pages.pop(0), headers={"GNCP-GW-Trace-ID": "trace-1"})
        if request.url.path.endswith("/product-orders/query"):
            ids = json.loads(request.content)["productOrderIds"]
            data = [details[pid] for pid in ids if pid in details]
            return httpx.Response(200, json={"timestamp": "x", "traceId": "y", "data": data})
        return httpx.Response(404, json=load("error_gw_authn.json"))

    config = ChannelConfig(
        store_key="store:playback",
        base_url=NaverAdapter.default_base_url,
        credentials={"client_id": "aaaabbbbcccc", "client_secret": "$2a$04$abcdefghijklmnopqrstuu"},
        transport=httpx.MockTransport(handler),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
    )
    adapter = NaverAdapter(config)
    start = datetime(2024, 3, 5, 9, 0, tzinfo=KST)
    result = list(adapter.fetch_orders(Window(start, start + timedelta(hours=1))))
    # Page 1 holds back order ...602 (the last order of a page that has more), so it arrives with page 2.
    assert [[order.order_id for order in page.items] for page in result] == [
        ["2024030512345601"],
        ["2024030512345602", "2024030512345603"],
    ]
    assert result[0].request_id == "trace-1"
    second_cursor = [params for method, path, params in calls if path.endswith("last-changed-statuses")][1]
    assert second_cursor["lastChangedFrom"] == "2024-03-05T09:12:00.000+09:00"
    assert second_cursor["moreSequence"] == "00000118"
    assert second_cursor["lastChangedTo"] == "2024-03-05T10:00:00.000+09:00"
