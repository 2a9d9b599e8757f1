"""Every capability of NaverAdapter against the in-process NaverSandbox."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from integrations.channels.base import (
    Address,
    Capability,
    ChannelConfig,
    ChannelTemplate,
    ClaimState,
    ClaimType,
    CourierCode,
    InquiryKind,
    InvoiceUpload,
    LineRef,
    LineState,
    NotSupported,
    PriceChange,
    RateLimit,
    Rejected,
    SaleStatusChange,
    StockChange,
    TemplateKind,
    Window,
)
from integrations.channels.http import rate_limiters
from integrations.channels.naver import mapper
from integrations.channels.naver.adapter import NaverAdapter
from integrations.channels.naver.auth import token_cache
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.naver import DEMO_CREDENTIALS, NaverSandbox
from integrations.sandbox.registry import sandbox_class

PO = "/v1/pay-order/seller/product-orders"


@pytest.fixture(autouse=True)
def _fresh():
    token_cache.clear()
    rate_limiters.clear()
    yield
    token_cache.clear()


class Clock:
    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self):
        return datetime.now(KST) + self.offset


def make_adapter(sandbox, **overrides):
    config = ChannelConfig(
        store_key="store:contract",
        base_url=NaverAdapter.default_base_url,
        credentials=DEMO_CREDENTIALS,
        transport=SandboxTransport(sandbox),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
        **overrides,
    )
    return NaverAdapter(config)


def recent():
    now = datetime.now(KST)
    return Window(now - timedelta(hours=2), now + timedelta(seconds=2))


def all_orders(adapter, window):
    return [order for page in adapter.fetch_orders(window) for order in page.items]


def line_refs(sandbox, order_ids):
    return [LineRef(order_id, pid) for order_id in order_ids for pid in sandbox.orders[order_id]]


@pytest.fixture
def history():
    """Orders spread over three days: needs several 24-hour pieces and several 300-row pages."""
    clock = Clock()
    sandbox = NaverSandbox(clock=clock, seed=11)
    created = []
    for days_ago in (3, 2, 1, 0):
        clock.offset = -timedelta(days=days_ago, hours=1)
        created += sandbox.create_orders(250)
    clock.offset = timedelta(0)
    now = datetime.now(KST)
    return sandbox, created, Window(now - timedelta(days=3, hours=6), now + timedelta(seconds=2))


# -- class facts ---------------------------------------------------------------------------------


def test_registry_and_class_facts():
    assert adapter_class("naver") is NaverAdapter
    assert sandbox_class("naver") is NaverSandbox
    assert NaverAdapter.default_base_url == "https://api.commerce.naver.com/external"
    assert NaverAdapter.rate_limit == RateLimit(rate=5, burst=10)
    assert [field.name for field in NaverAdapter.credential_fields] == ["client_id", "client_secret", "account_id"]
    assert NaverAdapter.batch_sizes[Capability.ACKNOWLEDGE] == 30
    assert Capability.INVOICE_UPDATE not in NaverAdapter.capabilities
    assert len(NaverAdapter.capabilities) == 19  # every capability but invoice update


# -- orders --------------------------------------------------------------------------------------


def test_fetch_orders_over_pieces_and_pages(history):
    sandbox, created, window = history
    adapter = make_adapter(sandbox)
    pages = list(adapter.fetch_orders(window))
    orders = [order for page in pages for order in page.items]
    ids = [order.order_id for order in orders]
    assert sorted(ids) == sorted(created)  # every order, each exactly once
    for order in orders:  # every line of the order, together
        assert [line.line_id for line in order.lines] == sandbox.orders[order.order_id]
        assert all(line.state == LineState.PAID for line in order.lines)
    assert all(page.request_id.startswith("sandbox-naver^") for page in pages)

    calls = sandbox.requests_to(f"{PO}/last-changed-statuses")
    first_calls = [call for call in calls if "moreSequence" not in call["query"]]
    assert len(first_calls) == 4  # 3 days 6 hours → four ≤24 h pieces, each opened once
    assert len({call["query"]["lastChangedTo"] for call in calls}) == 4
    for call in calls:
        start = datetime.fromisoformat(call["query"]["lastChangedFrom"])
        end = datetime.fromisoformat(call["query"]["lastChangedTo"])
        assert timedelta(0) < end - start <= timedelta(hours=24)
        assert int(call["query"]["limitCount"]) <= 300
    assert sum("moreSequence" in call["query"] for call in calls) >= 4  # the cursor was followed
    for call in sandbox.requests_to(f"{PO}/query"):
        assert len(call["json"]["productOrderIds"]) <= 300


def test_repeated_rows_never_lose_or_double_orders(history):
    sandbox, created, window = history
    sandbox.faults = Faults(repeat_rate=1.0, seed=5)
    ids = [order.order_id for order in all_orders(make_adapter(sandbox), window)]
    assert sorted(ids) == sorted(created)


def test_faults_still_return_everything(history):
    sandbox, created, window = history
    sandbox.faults = Faults(rate_429=0.2, rate_500=0.2, malformed_rate=0.1, retry_after=0, seed=21)
    adapter = make_adapter(sandbox, max_retries=8)
    ids = [order.order_id for order in all_orders(adapter, window)]
    assert sorted(ids) == sorted(created)
    statuses = [item["status"] for item in sandbox.received]
    assert statuses.count(429) >= 3 and statuses.count(500) >= 3


def test_orders_reflect_later_changes():
    sandbox = NaverSandbox()
    (order_id,) = sandbox.create_orders(1)
    adapter = make_adapter(sandbox)
    first = sandbox.orders[order_id][0]
    sandbox.deliver(first)
    (order,) = all_orders(adapter, recent())
    assert order.lines[0].state == LineState.DELIVERED and order.lines[0].courier == CourierCode.CJ


# -- acknowledge, dispatch, cancel, delay --------------------------------------------------------


def test_acknowledge_in_batches_of_30_with_partial_failures():
    sandbox = NaverSandbox(seed=3)
    order_ids = sandbox.create_orders(30)
    adapter = make_adapter(sandbox)
    lines = line_refs(sandbox, order_ids)
    assert len(lines) > 30
    already = lines[0]
    assert adapter.acknowledge([already])[0].ok
    cancelled = lines[1]
    assert adapter.cancel_by_seller(cancelled, reason="SOLD_OUT").ok
    results = adapter.acknowledge([*lines, LineRef("0", "2099010100000000")])
    by_key = {result.key: result for result in results}
    assert len(results) == len(lines) + 1
    assert by_key[already.line_id].ok and by_key[already.line_id].data == {"already": True}
    assert not by_key[cancelled.line_id].ok and by_key[cancelled.line_id].code == "104442"
    assert by_key["2099010100000000"].code == "100001"
    assert sum(result.ok for result in results) == len(lines) - 1
    assert all(result.data.get("isReceiverAddressChanged") is False for result in results[2:-1])
    batches = [len(call["json"]["productOrderIds"]) for call in sandbox.requests_to(f"{PO}/confirm")]
    assert max(batches) <= 30 and sum(batches[1:]) == len(lines) + 1
    assert sandbox.product_orders[lines[5].line_id].place_order_status == "OK"
    states = {line.line_id: line.state for order in all_orders(adapter, recent()) for line in order.lines}
    assert states[lines[5].line_id] == LineState.ACKNOWLEDGED
    assert states[cancelled.line_id] == LineState.CANCELLED


def test_invoice_upload_per_line_and_no_correction():
    sandbox = NaverSandbox(seed=4)
    order_ids = sandbox.create_orders(40)
    adapter = make_adapter(sandbox)
    lines = line_refs(sandbox, order_ids)
    other_order = next(line for line in lines if line.order_id != lines[0].order_id)
    invoices = [
        InvoiceUpload(lines[0], CourierCode.CJ, "6845-1239-0012"),
        InvoiceUpload(other_order, CourierCode.CJ, "684512390012"),  # reused by another order
        InvoiceUpload(lines[-1], CourierCode.HANJIN, "abc"),
        InvoiceUpload(lines[-2], CourierCode.DIRECT, ""),
    ]
    invoices += [InvoiceUpload(line, CourierCode.LOTTE, f"2500{index:08d}") for index, line in enumerate(lines[2:36])]
    results = adapter.upload_invoices(invoices)
    by_key = {result.key: result for result in results}
    assert by_key[lines[0].line_id].ok
    assert by_key[other_order.line_id].code == "104121"
    assert by_key[lines[-1].line_id].code == "104122"
    assert by_key[lines[-2].line_id].ok
    assert all(by_key[line.line_id].ok for line in lines[2:36])
    batches = [call["json"]["dispatchProductOrders"] for call in sandbox.requests_to(f"{PO}/dispatch")]
    assert [len(batch) for batch in batches] == [30, 8]
    assert batches[0][0]["deliveryCompanyCode"] == "CJGLS" and batches[0][0]["trackingNumber"] == "684512390012"
    assert batches[0][0]["dispatchDate"].endswith("+09:00")
    shipped = {line.line_id: line for order in all_orders(adapter, recent()) for line in order.lines}
    assert shipped[lines[0].line_id].state == LineState.SHIPPED
    assert shipped[lines[0].line_id].tracking_number == "684512390012"
    assert shipped[lines[2].line_id].courier == CourierCode.LOTTE
    assert shipped[lines[-2].line_id].courier == CourierCode.DIRECT
    sandbox.set_in_transit(lines[0].line_id)
    sandbox.deliver(lines[2].line_id)
    moved = {line.line_id: line.state for order in all_orders(adapter, recent()) for line in order.lines}
    assert moved[lines[0].line_id] == LineState.IN_TRANSIT and moved[lines[2].line_id] == LineState.DELIVERED
    # Naver has no correction API, and refuses a second dispatch of a DELIVERING product order.
    with pytest.raises(NotSupported):
        adapter.update_invoices([InvoiceUpload(lines[0], CourierCode.CJ, "684512390099")])
    again = adapter.upload_invoices([InvoiceUpload(lines[0], CourierCode.CJ, "684512390099")])
    assert again[0].code == "104442"


def test_seller_cancel_and_delay():
    sandbox = NaverSandbox(seed=5)
    order_ids = sandbox.create_orders(3)
    adapter = make_adapter(sandbox)
    first, second, *_ = line_refs(sandbox, order_ids)
    result = adapter.cancel_by_seller(first, reason="품절", detail="입고 지연으로 재고 없음")
    assert result.ok
    request = sandbox.requests_to(f"{PO}/{first.line_id}/claim/cancel/request")[0]["json"]
    assert request == {"cancelReason": "SOLD_OUT", "cancelDetailedReason": "입고 지연으로 재고 없음"}
    po = sandbox.product_orders[first.line_id]
    assert po.status == "CANCELED" and po.claim_status == "CANCEL_DONE"
    twice = adapter.cancel_by_seller(first, reason="SOLD_OUT")
    assert not twice.ok and twice.code == "104442"
    (claim_page,) = list(adapter.fetch_claims(recent()))
    assert claim_page.items[0].state == ClaimState.COMPLETED and claim_page.items[0].ref["requestChannel"] == "판매자"

    due = date.today() + timedelta(days=5)
    delayed = adapter.delay_dispatch(second, due, "PRODUCT_PREPARE", "원단 입고 대기")
    assert delayed.ok
    body = sandbox.requests_to(f"{PO}/{second.line_id}/delay")[0]["json"]
    assert body["delayedDispatchReason"] == "PRODUCT_PREPARE" and body["dispatchDueDate"].startswith(due.isoformat())
    line = next(
        line for order in all_orders(adapter, recent()) for line in order.lines if line.line_id == second.line_id
    )
    assert line.expected_ship_date == due and "dispatch_delayed" in line.flags
    refused = adapter.delay_dispatch(first, due, "ETC", "")
    assert not refused.ok and refused.code == "104442"


# -- claims --------------------------------------------------------------------------------------


def test_claims_fetch_approve_reject_and_redeliver():
    sandbox = NaverSandbox(seed=6)
    sandbox.create_orders(10)
    cancel_id = sandbox.create_claim("cancel")
    return_id = sandbox.create_claim("return")
    exchange_id = sandbox.create_claim("exchange")
    rejected_return_id = sandbox.create_claim("return")
    rejected_exchange_id = sandbox.create_claim("exchange")
    withdrawn_id = sandbox.create_claim("cancel")
    withdrawn_po = next(po for po in sandbox.product_orders.values() if po.claim_id == withdrawn_id)
    sandbox.withdraw_claim(withdrawn_po.product_order_id)
    adapter = make_adapter(sandbox)

    claims = {claim.claim_id: claim for page in adapter.fetch_claims(recent()) for claim in page.items}
    assert set(claims) == {cancel_id, return_id, exchange_id, rejected_return_id, rejected_exchange_id, withdrawn_id}
    assert claims[cancel_id].claim_type == ClaimType.CANCEL and claims[cancel_id].state == ClaimState.REQUESTED
    assert claims[return_id].claim_type == ClaimType.RETURN and claims[return_id].reason == "PRODUCT_UNSATISFIED"
    assert claims[exchange_id].claim_type == ClaimType.EXCHANGE
    assert claims[withdrawn_id].state == ClaimState.WITHDRAWN_BY_BUYER
    change_types = {call["query"].get("lastChangedType") for call in sandbox.requests_to(f"{PO}/last-changed-statuses")}
    assert {"CLAIM_REQUESTED", "CLAIM_COMPLETED", "CLAIM_REJECTED", "COLLECT_DONE"} <= change_types

    assert adapter.approve_claim(claims[cancel_id]).ok
    assert adapter.approve_claim(claims[return_id]).ok
    assert adapter.approve_claim(claims[exchange_id]).ok
    assert adapter.redeliver_exchange(claims[exchange_id], CourierCode.HANJIN, "4001-2233-4455").ok
    rejected = adapter.reject_claim(claims[rejected_return_id], reason="사용 흔적이 있어 반품 불가")
    assert rejected.ok
    assert adapter.reject_claim(claims[rejected_exchange_id], reason="교환 사유 확인 불가").ok
    no_api = adapter.reject_claim(claims[cancel_id], reason="이미 포장 완료")
    assert not no_api.ok and no_api.code == "NOT_SUPPORTED"
    wrong_state = adapter.approve_claim(claims[cancel_id])
    assert not wrong_state.ok and wrong_state.code == "105306"
    assert wrong_state.data["lines"] == {claims[cancel_id].line_ids[0]: {"ok": False, "code": "105306"}}

    after = {claim.claim_id: claim for page in adapter.fetch_claims(recent()) for claim in page.items}
    assert after[cancel_id].state == ClaimState.COMPLETED
    assert after[return_id].state == ClaimState.COMPLETED
    assert after[exchange_id].channel_status == "EXCHANGE_REDELIVERING"
    assert after[exchange_id].state == ClaimState.IN_PROGRESS
    assert after[rejected_return_id].state == ClaimState.REJECTED_BY_SELLER
    assert after[rejected_exchange_id].state == ClaimState.REJECTED_BY_SELLER
    lines = {line.line_id: line for order in all_orders(adapter, recent()) for line in order.lines}
    assert lines[claims[return_id].line_ids[0]].state == LineState.RETURNED
    assert lines[claims[cancel_id].line_ids[0]].state == LineState.CANCELLED
    redelivery = sandbox.requests_to("/claim/exchange/dispatch")[0]["json"]
    assert redelivery == {
        "reDeliveryMethod": "DELIVERY",
        "reDeliveryCompany": "HANJIN",
        "reDeliveryTrackingNumber": "400122334455",
    }


# -- inquiries -----------------------------------------------------------------------------------


def test_inquiries_fetch_and_answer():
    sandbox = NaverSandbox(seed=8)
    sandbox.create_orders(2)
    created = [sandbox.create_inquiry() for _ in range(5)]
    adapter = make_adapter(sandbox)
    inquiries = [item for page in adapter.fetch_inquiries(recent()) for item in page.items]
    assert len(inquiries) == 5
    qna = [item for item in inquiries if item.kind == InquiryKind.PRODUCT_QNA]
    customer = [item for item in inquiries if item.kind == InquiryKind.CUSTOMER]
    assert len(qna) == 3 and len(customer) == 2
    assert {item.ref.get("questionId") or item.ref.get("inquiryNo") for item in inquiries} == set(created)
    assert not any(item.answered for item in inquiries)

    assert adapter.answer_inquiry(qna[0], text="오늘 발송됩니다.").ok
    answered = adapter.answer_inquiry(customer[0], text="내일 도착 예정입니다.")
    assert answered.ok and answered.data["answerContentId"]
    assert sandbox.requests_to(f"/v1/contents/qnas/{qna[0].ref['questionId']}", "PUT")[0]["json"] == {
        "commentContent": "오늘 발송됩니다."
    }
    refreshed = {item.inquiry_id: item for page in adapter.fetch_inquiries(recent()) for item in page.items}
    assert refreshed[qna[0].inquiry_id].answered and refreshed[qna[0].inquiry_id].answer == "오늘 발송됩니다."
    again = refreshed[customer[0].inquiry_id]
    assert again.answered and again.ref["answerContentId"] == answered.data["answerContentId"]
    edited = adapter.answer_inquiry(again, text="모레 도착 예정입니다.")
    assert edited.ok
    assert sandbox.requests_to(f"/answer/{answered.data['answerContentId']}", "PUT")
    stored = next(item for item in sandbox.inquiries if str(item["inquiryNo"]) == again.ref["inquiryNo"])
    assert stored["answerContent"] == "모레 도착 예정입니다."
    missing = adapter.answer_inquiry(replace(qna[1], ref={"questionId": "1"}), text="?")
    assert not missing.ok and missing.code == "NOT_FOUND"
    # Customer inquiries are listed by whole days; the adapter keeps the window's own rows.
    later = datetime.now(KST) + timedelta(minutes=1)
    assert [page.items for page in adapter.fetch_inquiries(Window(later, later + timedelta(hours=1)))] == []


def test_inquiry_pages_with_repeated_rows():
    sandbox = NaverSandbox(seed=9, faults=Faults(repeat_rate=1.0, seed=2))
    for _ in range(240):
        sandbox.create_inquiry()
    inquiries = [item for page in make_adapter(sandbox).fetch_inquiries(recent()) for item in page.items]
    assert len(inquiries) == 240 and len({item.inquiry_id for item in inquiries}) == 240
    pages = [int(call["query"]["page"]) for call in sandbox.requests_to("/v1/contents/qnas")]
    assert pages == [1, 2]


# -- listings ------------------------------------------------------------------------------------


def test_stock_price_and_sale_status_push():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    tee = sandbox.products["5000200"]
    tee_options = list(tee["options"])
    earphones = sandbox.products["5000000"]
    ref_tee = {"origin_product_no": "5000200"}
    results = adapter.push_stock(
        [
            StockChange(tee_options[0], 7, ref_tee),
            StockChange(tee_options[1], 0, ref_tee),
            StockChange(list(earphones["options"])[0], 55, {"origin_product_no": "5000000"}),
            StockChange("59999999", 3, {"origin_product_no": "5000400"}),  # not an option of that product
            StockChange("50000100", 3),  # no origin product number
            StockChange("5000300", 3, {"origin_product_no": "5000300"}),  # product level
        ]
    )
    assert [result.ok for result in results] == [True, True, True, False, False, False]
    assert results[3].code == "BAD_REQUEST" and "59999999" in results[3].message
    assert results[4].code == "MISSING_REF" and results[5].code == "NOT_SUPPORTED"
    assert tee["options"][tee_options[0]]["stockQuantity"] == 7 and tee["options"][tee_options[1]]["stockQuantity"] == 0
    assert list(earphones["options"].values())[0]["stockQuantity"] == 55
    assert len(sandbox.requests_to("/option-stock", "PUT")) == 3  # one call per origin product
    body = sandbox.requests_to("/v1/products/origin-products/5000200/option-stock")[0]["json"]
    assert body["optionInfo"]["optionCombinations"] == [
        {"id": int(tee_options[0]), "stockQuantity": 7},
        {"id": int(tee_options[1]), "stockQuantity": 0},
    ]

    sale = tee["salePrice"]
    prices = adapter.push_prices(
        [
            PriceChange(tee_options[2], sale + 2000, ref_tee),
            PriceChange("5000000", 35900, {"origin_product_no": "5000000"}),
            PriceChange(tee_options[0], sale * 3, ref_tee | {"origin_product_no": "5000200"}),
        ]
    )
    # One option's surcharge is out of range, so that product's call (both of its options) is refused.
    assert [result.ok for result in prices] == [False, True, False]
    assert prices[0].code == prices[2].code == "BAD_REQUEST" and "optionCombinations[1].price" in prices[2].message
    assert tee["options"][tee_options[2]]["price"] == 1000  # unchanged
    assert earphones["salePrice"] == 35900
    ok = adapter.push_prices([PriceChange(tee_options[2], sale + 2000, ref_tee)])
    assert ok[0].ok and tee["options"][tee_options[2]]["price"] == 2000
    assert tee["salePrice"] == sale

    statuses = adapter.push_sale_status(
        [
            SaleStatusChange("5000000", False, {"origin_product_no": "5000000"}),
            SaleStatusChange(tee_options[1], False, ref_tee),
        ]
    )
    assert all(result.ok for result in statuses)
    assert earphones["statusType"] == "SUSPENSION" and tee["options"][tee_options[1]]["usable"] is False
    assert sandbox.requests_to("/5000000/change-status")[0]["json"] == {"statusType": "SUSPENSION"}
    assert adapter.push_sale_status([SaleStatusChange("5000000", True, {"origin_product_no": "5000000"})])[0].ok
    assert earphones["statusType"] == "SALE"
    unknown = adapter.push_sale_status([SaleStatusChange("1", True, {"origin_product_no": "1"})])
    assert not unknown[0].ok and unknown[0].code == "NOT_FOUND"


# -- templates -----------------------------------------------------------------------------------


def test_templates_pull_and_push():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    (outbound,) = adapter.pull_templates(TemplateKind.OUTBOUND_ADDRESS)
    (returns,) = adapter.pull_templates(TemplateKind.RETURN_ADDRESS)
    assert outbound.name == "본사 물류센터" and outbound.address.zip_code == "13494"
    assert returns.template_id == "100002"
    with pytest.raises(NotSupported):
        adapter.pull_templates(TemplateKind.DELIVERY)

    new = ChannelTemplate(
        kind=TemplateKind.RETURN_ADDRESS,
        name="부산 반품지",
        address=Address(
            phone1="051-222-3333", zip_code="48058", address1="부산광역시 해운대구 센텀중앙로 79", address2="3층"
        ),
    )
    created = adapter.push_template(new)
    assert created.ok and created.data["template_id"] == "100003"
    assert created.data["addressBook"]["baseAddress"].startswith("부산광역시")
    assert sandbox.requests_to("/v1/seller/addressbooks/100003", "GET")
    names = {template.name for template in adapter.pull_templates(TemplateKind.RETURN_ADDRESS)}
    assert names == {"반품 센터", "부산 반품지"}

    outbound.address = Address(phone1="031-999-0000", zip_code="13494", address1="경기도 성남시 분당구 판교역로 200")
    updated = adapter.push_template(outbound)
    assert updated.ok and sandbox.addressbooks["100001"]["baseAddress"].endswith("200")
    broken = adapter.push_template(ChannelTemplate(kind=TemplateKind.OUTBOUND_ADDRESS, name="빈 주소"))
    assert not broken.ok and broken.code == "BAD_REQUEST" and "baseAddress" in broken.message
    other = adapter.push_template(ChannelTemplate(kind=TemplateKind.DISPATCH_DEADLINE, name="발송마감"))
    assert other.code == "NOT_SUPPORTED"


# -- settlements ---------------------------------------------------------------------------------


def test_settlements_case_and_daily():
    sandbox = NaverSandbox(seed=12)
    order_ids = sandbox.create_orders(6)
    decided = [pid for order_id in order_ids[:4] for pid in sandbox.orders[order_id]]
    for pid in decided:
        sandbox.decide_purchase(pid)
    adapter = make_adapter(sandbox)
    today = datetime.now(KST).replace(hour=0, minute=0, second=0, microsecond=0)
    window = Window(today - timedelta(days=2), today + timedelta(days=1))
    lines = [line for page in adapter.fetch_settlements(window) for line in page.items]
    sales = [line for line in lines if line.kind == "SALE"]
    assert sorted(line.line_id for line in sales) == sorted(decided)
    assert all(line.settlement_amount == line.sale_amount - line.commission for line in lines)
    assert {line.kind for line in lines} <= {"SALE", "SHIPPING_FEE"}
    searched = [call["query"]["searchDate"] for call in sandbox.requests_to("/v1/pay-settle/settle/case")]
    assert len(searched) == 3 and len(set(searched)) == 3  # one call per day
    daily = [line for page in adapter.fetch_daily_settlements(window) for line in page.items]
    assert len(daily) == 1 and daily[0].settlement_amount == sum(line.settlement_amount for line in lines)
    long_window = Window(today - timedelta(days=60), today + timedelta(days=1))
    assert len([line for page in adapter.fetch_daily_settlements(long_window) for line in page.items]) == 1
    for call in sandbox.requests_to("/v1/pay-settle/settle/daily"):
        start = date.fromisoformat(call["query"]["startDate"])
        end = date.fromisoformat(call["query"]["endDate"])
        assert 0 <= (end - start).days <= 27
    assert len(sandbox.requests_to("/v1/pay-settle/settle/daily")) == 1 + 3  # 61 days → 28 + 28 + 5


# -- the simulator's own limits ------------------------------------------------------------------


def test_simulator_refuses_what_the_channel_refuses():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    client = adapter.client
    now = datetime.now(KST)
    with pytest.raises(Rejected) as too_long:
        client.last_changed_statuses(
            mapper.format_datetime(now - timedelta(hours=25)), mapper.format_datetime(now), limit_count=300
        )
    assert "24시간" in too_long.value.message and too_long.value.status == 400
    with pytest.raises(Rejected):
        client.last_changed_statuses(
            mapper.format_datetime(now - timedelta(hours=1)), mapper.format_datetime(now), limit_count=301
        )
    with pytest.raises(Rejected):
        client.confirm([str(n) for n in range(31)])
    with pytest.raises(Rejected):
        client.query_product_orders([str(n) for n in range(301)])
    with pytest.raises(Rejected):
        client.settle_daily("2024-01-01", "2024-02-15", page=1, size=1000)
    summary = sandbox.summary()
    assert summary["orders"] == 0 and summary["tokens"] == 1
