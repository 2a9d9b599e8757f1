"""Every CoupangAdapter capability against the Coupang simulator, in-process."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
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
from integrations.channels.coupang import mapper
from integrations.channels.coupang.adapter import CoupangAdapter
from integrations.channels.http import rate_limiters
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.coupang import DEMO_CREDENTIALS, CoupangSandbox
from integrations.sandbox.registry import sandbox_class

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "payloads" / "coupang"
T0 = datetime(2025, 1, 6, 10, 0, tzinfo=KST)


class Clock:
    def __init__(self, start=T0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sandbox(clock):
    return CoupangSandbox(clock=clock, seed=5)


def make_adapter(sandbox, *, max_retries=4):
    config = ChannelConfig(
        store_key="store:coupang-contract",
        base_url=CoupangAdapter.default_base_url,
        credentials=dict(DEMO_CREDENTIALS),
        transport=SandboxTransport(sandbox),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
        max_retries=max_retries,
    )
    return CoupangAdapter(config)


@pytest.fixture
def adapter(sandbox):
    return make_adapter(sandbox)


def collect(pages):
    pages = list(pages)
    return [item for page in pages for item in page.items], pages


def calls(sandbox, fragment, method="GET"):
    return [r for r in sandbox.received if r["method"] == method and fragment in r["path"]]


def day(value):
    return date.fromisoformat(value[:10])


def lines_by_id(orders):
    return {line.line_id: line for order in orders for line in order.lines}


def first_line(sandbox, adapter, box_id):
    (order,) = mapper.orders_from_envelope(adapter.client.ordersheet(str(box_id)))
    line = order.lines[0]
    return LineRef(order_id=order.order_id, line_id=line.line_id, shipment_id=line.shipment_id, ref=line.ref)


# ---------------------------------------------------------------------------------------------
# Registry and shapes
# ---------------------------------------------------------------------------------------------


def test_registries_find_the_adapter_and_the_simulator():
    assert adapter_class("coupang") is CoupangAdapter
    assert sandbox_class("coupang") is CoupangSandbox
    assert CoupangAdapter.capabilities == frozenset(Capability)
    assert [f.name for f in CoupangAdapter.credential_fields] == [
        "vendor_id",
        "access_key",
        "secret_key",
        "wing_user_id",
    ]
    assert [f.name for f in CoupangAdapter.credential_fields if f.required] == ["vendor_id", "access_key", "secret_key"]
    assert CoupangAdapter.batch_sizes[Capability.ACKNOWLEDGE] == 50


def test_simulator_ordersheet_has_the_recorded_shape(sandbox):
    sandbox.create_orders(1)
    rendered = sandbox.render_box(next(iter(sandbox.boxes.values())))
    recorded = json.loads((FIXTURES / "ordersheets_page.json").read_text(encoding="utf-8"))["data"][0]
    assert set(rendered) == set(recorded)
    assert set(rendered["orderItems"][0]) == set(recorded["orderItems"][0])


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------


def test_fetch_orders_over_several_sub_windows_statuses_and_pages(sandbox, adapter, clock):
    sandbox.create_orders(60)
    clock.advance(days=20)
    sandbox.create_orders(70)
    clock.advance(days=25)
    sandbox.create_orders(40)
    instructed = list(sandbox.boxes)[:30]
    assert all(r.ok for r in adapter.acknowledge([LineRef("", "", str(b)) for b in instructed]))
    clock.advance(hours=1)

    orders, pages = collect(adapter.fetch_orders(Window(T0 - timedelta(hours=1), clock.now)))

    assert sorted(int(o.ref["shipmentBoxId"]) for o in orders) == sorted(sandbox.boxes)
    assert len({line.line_id for o in orders for line in o.lines}) == sum(len(b.items) for b in sandbox.boxes.values())
    states = {line.state for o in orders for line in o.lines}
    assert states == {LineState.PAID, LineState.ACKNOWLEDGED}
    sheet_calls = calls(sandbox, "/ordersheets")
    assert len(pages) == len(sheet_calls)
    assert {c["query"]["status"] for c in sheet_calls} == set(mapper.ORDER_STATUSES)
    assert all(int(c["query"]["maxPerPage"]) <= 50 for c in sheet_calls)
    assert all(c["query"]["createdAtFrom"].endswith("+09:00") for c in sheet_calls)
    spans = {(day(c["query"]["createdAtFrom"]), day(c["query"]["createdAtTo"])) for c in sheet_calls}
    assert len(spans) == 2 and all((last - first).days <= 30 for first, last in spans)
    assert any("nextToken" in c["query"] for c in sheet_calls)  # ACCEPT needed more than one page


def test_window_filter_keeps_boundary_rows(sandbox, adapter, clock):
    early = sandbox.create_orders(3)
    clock.advance(hours=2)
    late = sandbox.create_orders(3)
    orders, _ = collect(adapter.fetch_orders(Window(T0 + timedelta(hours=1), T0 + timedelta(hours=3))))
    assert {o.order_id for o in orders} == set(late)
    # A window starting a fraction of a second after the (second-precision) order time keeps it.
    orders, _ = collect(adapter.fetch_orders(Window(T0 + timedelta(milliseconds=700), T0 + timedelta(minutes=1))))
    assert {o.order_id for o in orders} == set(early)


def test_multi_box_orders_merge_by_order_id(sandbox, adapter, clock):
    sandbox.create_orders(80)
    split = [order for order, boxes in sandbox.orders.items() if len(boxes) > 1]
    assert split
    orders, _ = collect(adapter.fetch_orders(Window(T0, T0 + timedelta(minutes=1))))
    boxes = [o for o in orders if o.order_id == str(split[0])]
    assert len(boxes) == 2 and len({o.lines[0].shipment_id for o in boxes}) == 2


def test_repeated_rows_across_pages_yield_each_box_once(clock):
    sandbox = CoupangSandbox(clock=clock, faults=Faults(repeat_rate=1.0, seed=2))
    sandbox.create_orders(160)
    orders, _ = collect(make_adapter(sandbox).fetch_orders(Window(T0, T0 + timedelta(minutes=1))))
    box_ids = [o.ref["shipmentBoxId"] for o in orders]
    assert len(box_ids) == len(set(box_ids)) == len(sandbox.boxes)


def test_fetch_survives_429_500_timeouts_and_malformed_bodies(clock):
    faults = Faults(rate_429=0.2, rate_500=0.2, timeout_rate=0.05, malformed_rate=0.1, retry_after=0, seed=11)
    sandbox = CoupangSandbox(clock=clock, faults=faults)
    sandbox.create_orders(220)
    adapter = make_adapter(sandbox, max_retries=10)
    orders, _ = collect(adapter.fetch_orders(Window(T0, T0 + timedelta(minutes=1))))
    assert sorted(int(o.ref["shipmentBoxId"]) for o in orders) == sorted(sandbox.boxes)
    statuses = [r for r in sandbox.received if "/ordersheets" in r["path"]]
    assert len(statuses) > 6 + 5  # retried


def test_too_long_window_is_refused_by_the_simulator(adapter):
    with pytest.raises(Rejected) as exc:
        adapter.client.ordersheets(created_from="2025-01-01", created_to="2025-02-15", status="ACCEPT")
    assert exc.value.status == 400 and "31일" in exc.value.message
    with pytest.raises(Rejected):
        adapter.client.ordersheets(created_from="2025-01-01", created_to="2025-01-02", status="")
    with pytest.raises(Rejected):
        adapter.client.ordersheets(created_from="2025-01-01", created_to="2025-01-02", status="ACCEPT", max_per_page=51)


# ---------------------------------------------------------------------------------------------
# Acknowledge, invoices, seller cancel
# ---------------------------------------------------------------------------------------------


def test_acknowledge_in_batches_with_partial_failure(sandbox, adapter):
    sandbox.create_orders(110)
    box_ids = list(sandbox.boxes)
    sandbox.set_status(box_ids[0], "DEPARTURE")
    refs = [LineRef("", f"line-{b}", str(b)) for b in box_ids] + [LineRef("", "x", "619999999")]
    refs.append(LineRef("", "dup", str(box_ids[5])))  # same box twice → asked once

    results = adapter.acknowledge(refs)

    assert len(results) == len(box_ids) + 1
    by_key = {r.key: r for r in results}
    assert by_key[str(box_ids[0])].code == "INVALID_STATUS" and not by_key[str(box_ids[0])].ok
    assert by_key["619999999"].code == "NOT_FOUND_SHIPMENT_BOX" and by_key["619999999"].retryable is False
    assert all(by_key[str(b)].ok for b in box_ids[1:])
    assert all(sandbox.boxes[b].status == "INSTRUCT" for b in box_ids[1:])
    bodies = [c["body"] for c in calls(sandbox, "/ordersheets/acknowledgement", "PUT")]
    assert [len(b["shipmentBoxIds"]) for b in bodies] == [50, 50, len(box_ids) + 1 - 100]
    assert all(isinstance(i, int) for b in bodies for i in b["shipmentBoxIds"]) and bodies[0]["vendorId"] == "A00012345"


def test_invoice_upload_and_correction(sandbox, adapter, clock):
    sandbox.create_orders(12)
    boxes = list(sandbox.boxes)
    adapter.acknowledge([LineRef("", "", str(b)) for b in boxes[:-1]])
    refs = {b: first_line(sandbox, adapter, b) for b in boxes}
    first, accept_box = boxes[0], boxes[-1]
    receiver = sandbox.boxes[first].receiver
    dup_box = next(b for b in boxes[1:-1] if sandbox.boxes[b].receiver.name != receiver.name)
    short, cu_post, direct, lotte = [b for b in boxes[1:-1] if b != dup_box][:4]
    uploads = [
        InvoiceUpload(refs[first], CourierCode.CJ, "1234-5678-9012"),
        InvoiceUpload(refs[dup_box], CourierCode.CJ, "123456789012"),  # same number, another receiver
        InvoiceUpload(refs[short], CourierCode.EPOST, "12345"),  # too short: refused before sending
        InvoiceUpload(refs[cu_post], CourierCode.CU_POST, "123456789012"),  # no Coupang code
        InvoiceUpload(refs[direct], CourierCode.DIRECT, "7"),
        InvoiceUpload(refs[lotte], CourierCode.LOTTE, "1234567890123"),
        InvoiceUpload(refs[accept_box], CourierCode.LOGEN, "12345678901"),  # not acknowledged
    ]

    results = {r.key: r for r in adapter.upload_invoices(uploads)}

    assert len(results) == 7
    assert results[str(first)].ok and sandbox.boxes[first].status == "DEPARTURE"
    assert sandbox.boxes[first].invoice == "123456789012" and sandbox.boxes[first].courier == "CJGLS"
    dup = results[str(dup_box)]
    assert (dup.ok, dup.code, dup.retryable) == (False, "DUPLICATE_INVOICE_NUMBER", True)
    assert sandbox.boxes[dup_box].status == "INSTRUCT"
    assert (results[str(short)].ok, results[str(short)].code) == (False, "INVALID_INVOICE_NUMBER")
    assert results[str(cu_post)].code == "UNSUPPORTED_COURIER"
    assert results[str(direct)].ok and sandbox.boxes[direct].status == "NONE_TRACKING"
    assert results[str(lotte)].ok and sandbox.boxes[lotte].courier == "HYUNDAI"
    assert results[str(accept_box)].code == "INVALID_STATUS" and sandbox.boxes[accept_box].status == "ACCEPT"
    sent = [d for c in calls(sandbox, "/orders/invoices", "POST") for d in c["body"]["orderSheetInvoiceApplyDtos"]]
    assert {d["shipmentBoxId"] for d in sent} == {first, dup_box, direct, lotte, accept_box}
    assert all(d["splitShipping"] is False and d["estimatedShippingDate"] == "" for d in sent)

    corrected = adapter.update_invoices(
        [
            InvoiceUpload(refs[first], CourierCode.HANJIN, "9876543210"),
            InvoiceUpload(refs[dup_box], CourierCode.HANJIN, "9876543211"),  # never shipped
        ]
    )
    assert corrected[0].ok and sandbox.boxes[first].invoice == "9876543210"
    assert sandbox.boxes[first].courier == "HANJIN" and sandbox.boxes[first].status == "DEPARTURE"
    assert corrected[1].code == "INVALID_STATUS"
    assert calls(sandbox, "/orders/updateInvoices", "POST")

    clock.advance(hours=13)
    orders, _ = collect(adapter.fetch_orders(Window(T0, T0 + timedelta(minutes=1))))
    shipped = next(o for o in orders if o.ref["shipmentBoxId"] == str(first))
    assert shipped.lines[0].state is LineState.IN_TRANSIT
    assert shipped.lines[0].courier is CourierCode.HANJIN and shipped.lines[0].tracking_number == "9876543210"


def test_same_tracking_number_is_allowed_for_the_same_receiver(sandbox, adapter):
    sandbox.create_orders(60)
    a, b = next(ids for ids in sandbox.orders.values() if len(ids) > 1)  # one order, two boxes
    adapter.acknowledge([LineRef("", "", str(a)), LineRef("", "", str(b))])
    first = adapter.upload_invoices([InvoiceUpload(first_line(sandbox, adapter, a), CourierCode.HANJIN, "5555555555")])
    second = adapter.upload_invoices([InvoiceUpload(first_line(sandbox, adapter, b), CourierCode.HANJIN, "5555555555")])
    assert first[0].ok and second[0].ok


def test_invoice_batches_are_at_most_fifty(sandbox, adapter):
    sandbox.create_orders(70)
    boxes = list(sandbox.boxes)
    adapter.acknowledge([LineRef("", "", str(b)) for b in boxes])
    uploads = [
        InvoiceUpload(
            LineRef(
                str(sandbox.boxes[b].order_id),
                "",
                str(b),
                {"vendorItemId": str(sandbox.boxes[b].items[0].vendor_item_id)},
            ),
            CourierCode.CJ,
            f"{600000000000 + n}",
        )
        for n, b in enumerate(boxes)
    ]
    results = adapter.upload_invoices(uploads)
    assert all(r.ok for r in results) and len(results) == len(boxes)
    sizes = [len(c["body"]["orderSheetInvoiceApplyDtos"]) for c in calls(sandbox, "/orders/invoices", "POST")]
    assert max(sizes) == 50 and sum(sizes) == len(boxes)


def test_seller_cancel_while_instruct(sandbox, adapter, clock):
    sandbox.create_orders(4)
    boxes = list(sandbox.boxes)
    adapter.acknowledge([LineRef("", "", str(boxes[0]))])
    line = first_line(sandbox, adapter, boxes[0])

    result = adapter.cancel_by_seller(line, reason="OUT_OF_STOCK")
    assert result.ok and result.data["receiptId"]
    body = calls(sandbox, "/cancel", "POST")[0]["body"]
    assert body["bigCancelCode"] == "CANERR" and body["middleCancelCode"] == "CCTTER"
    assert body["receiptCounts"] == [line.ref["shippingCount"]] and body["userId"]

    refused = adapter.cancel_by_seller(first_line(sandbox, adapter, boxes[1]), reason="품절")
    assert not refused.ok and "INSTRUCT" in refused.message and refused.code == "400"

    orders, _ = collect(adapter.fetch_orders(Window(T0, T0 + timedelta(minutes=1))))
    assert lines_by_id(orders)[line.line_id].state is LineState.CANCELLED
    clock.advance(minutes=1)
    claims, _ = collect(adapter.fetch_claims(Window(T0, clock.now)))
    (cancel,) = [c for c in claims if c.order_id == line.order_id]
    assert cancel.claim_type is ClaimType.CANCEL and cancel.state is ClaimState.COMPLETED


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def test_claims_fetch_approve_and_reject(sandbox, adapter, clock):
    sandbox.create_orders(10)
    boxes = list(sandbox.boxes)
    adapter.acknowledge([LineRef("", "", str(boxes[0]))])
    stop = sandbox.create_claim("cancel")  # INSTRUCT box → stop-shipment request (RU)
    clock.advance(days=12)
    pre = sandbox.create_claim("cancel")  # ACCEPT box → pre-shipment cancel (CANCEL)
    clock.advance(days=12)
    ret = sandbox.create_claim("return")
    ex1 = sandbox.create_claim("exchange")
    clock.advance(days=12)
    ex2 = sandbox.create_claim("exchange")
    clock.advance(hours=1)

    claims, _ = collect(adapter.fetch_claims(Window(T0 - timedelta(hours=1), clock.now)))
    by_id = {c.claim_id: c for c in claims}
    assert set(by_id) == {f"return-{stop}", f"return-{pre}", f"return-{ret}", f"exchange-{ex1}", f"exchange-{ex2}"}
    assert (
        by_id[f"return-{stop}"].claim_type is ClaimType.CANCEL and by_id[f"return-{stop}"].state is ClaimState.REQUESTED
    )
    assert (
        by_id[f"return-{pre}"].claim_type is ClaimType.CANCEL and by_id[f"return-{pre}"].state is ClaimState.COMPLETED
    )
    assert by_id[f"return-{ret}"].claim_type is ClaimType.RETURN
    assert by_id[f"exchange-{ex1}"].claim_type is ClaimType.EXCHANGE

    returns = calls(sandbox, "/returnRequests")
    assert all(("status" in c["query"]) != ("cancelType" in c["query"]) for c in returns)
    assert {c["query"].get("status") for c in returns} == {"RU", "UC", "CC", "PR", None}
    assert all((day(c["query"]["createdAtTo"]) - day(c["query"]["createdAtFrom"])).days <= 30 for c in returns)
    assert len({c["query"]["createdAtFrom"] for c in returns}) == 2
    exchanges = calls(sandbox, "/exchangeRequests")
    assert len(exchanges) == 2 and all(int(c["query"]["maxPerPage"]) <= 50 for c in exchanges)

    # Stop shipment (RU): stoppedShipment cancels the held items.
    assert adapter.approve_claim(by_id[f"return-{stop}"]).ok
    receipt = sandbox.receipts[int(stop)]
    assert receipt.status == "RETURNS_COMPLETED" and all(item.shipping_count == 0 for _b, item, _c in receipt.items)
    # Return (UC): receiveConfirmation, then approval.
    assert adapter.approve_claim(by_id[f"return-{ret}"]).ok
    assert sandbox.receipts[int(ret)].status == "RETURNS_COMPLETED"
    assert len(calls(sandbox, f"/returnRequests/{ret}/receiveConfirmation", "PUT")) == 1
    assert calls(sandbox, f"/returnRequests/{ret}/approval", "PUT")[0]["body"]["cancelCount"] == (
        by_id[f"return-{ret}"].quantity
    )
    # Pre-shipment cancel: nothing to do.
    done = adapter.approve_claim(by_id[f"return-{pre}"])
    assert done.ok and done.code == "NO_ACTION"
    # Exchanges: approve = receiveConfirmation, reject = rejection (SOLDOUT / WITHDRAW).
    assert adapter.approve_claim(by_id[f"exchange-{ex1}"]).ok and sandbox.exchanges[int(ex1)].status == "PROGRESS"
    rejected = adapter.reject_claim(by_id[f"exchange-{ex2}"], reason="고객 철회")
    assert rejected.ok and sandbox.exchanges[int(ex2)].status == "REJECT"
    assert sandbox.exchanges[int(ex2)].reject_code == "WITHDRAW"
    # Returns cannot be refused at Coupang.
    sent = len(sandbox.received)
    refused = adapter.reject_claim(by_id[f"return-{ret}"], reason="단순변심 아님")
    assert not refused.ok and refused.code == "NOT_SUPPORTED" and len(sandbox.received) == sent
    # Approving twice reports Coupang's refusal per item instead of raising.
    again = adapter.approve_claim(by_id[f"exchange-{ex1}"])
    assert not again.ok and again.code == "400"

    claims, _ = collect(adapter.fetch_claims(Window(T0 - timedelta(hours=1), clock.now)))
    states = {c.claim_id: c.state for c in claims}
    assert (
        states[f"return-{ret}"] is ClaimState.COMPLETED and states[f"exchange-{ex2}"] is ClaimState.REJECTED_BY_SELLER
    )
    assert states[f"exchange-{ex1}"] is ClaimState.IN_PROGRESS


def test_stop_shipment_after_shipping_is_reported_not_raised(sandbox, adapter):
    sandbox.create_orders(2)
    box = next(iter(sandbox.boxes))
    adapter.acknowledge([LineRef("", "", str(box))])
    receipt_id = sandbox.create_claim("cancel")
    sandbox.ship(box)
    claim = mapper.claim_from_return(sandbox.render_receipt(sandbox.receipts[int(receipt_id)]))
    result = adapter.approve_claim(claim)
    assert not result.ok and "이미 출고" in result.message


# ---------------------------------------------------------------------------------------------
# Inquiries
# ---------------------------------------------------------------------------------------------


def test_inquiries_fetch_and_answer(sandbox, adapter, clock):
    sandbox.create_orders(20)
    for _ in range(6):
        for _ in range(5):
            sandbox.create_inquiry()
        clock.advance(days=2)
    total = {kind: len(items) for kind, items in sandbox.inquiries.items()}
    assert total["online"] and total["callcenter"]

    inquiries, _ = collect(adapter.fetch_inquiries(Window(T0 - timedelta(hours=1), clock.now)))
    kinds = [i.kind for i in inquiries]
    assert kinds.count(InquiryKind.PRODUCT_QNA) == total["online"]
    assert kinds.count(InquiryKind.CUSTOMER) == total["callcenter"]
    assert len({i.inquiry_id for i in inquiries}) == len(inquiries)
    online_calls = calls(sandbox, "/onlineInquiries")
    for call in online_calls + calls(sandbox, "/callCenterInquiries"):
        span = (day(call["query"]["inquiryEndAt"]) - day(call["query"]["inquiryStartAt"])).days
        assert 1 <= span <= 7
    assert all(int(c["query"]["pageSize"]) <= 50 for c in online_calls)
    assert all(int(c["query"]["pageSize"]) <= 30 for c in calls(sandbox, "/callCenterInquiries"))
    assert len({c["query"]["inquiryStartAt"] for c in online_calls}) >= 2

    question = next(i for i in inquiries if i.kind is InquiryKind.PRODUCT_QNA)
    counsel = next(i for i in inquiries if i.kind is InquiryKind.CUSTOMER)
    assert adapter.answer_inquiry(question, text="안녕하세요.\n내일 출고됩니다.").ok
    assert adapter.answer_inquiry(counsel, text="확인했습니다. 오늘 발송합니다.").ok
    reply = calls(sandbox, "/onlineInquiries/", "POST")[0]["body"]
    assert reply == {"content": "안녕하세요.\n내일 출고됩니다.", "vendorId": "A00012345", "replyBy": "A00012345"}
    assert calls(sandbox, "/callCenterInquiries/", "POST")[0]["body"]["parentAnswerId"] == counsel.ref["parentAnswerId"]

    inquiries, _ = collect(adapter.fetch_inquiries(Window(T0 - timedelta(hours=1), clock.now)))
    by_id = {i.inquiry_id: i for i in inquiries}
    assert by_id[question.inquiry_id].answered and by_id[question.inquiry_id].answer.startswith("안녕하세요")
    assert by_id[counsel.inquiry_id].answered and by_id[counsel.inquiry_id].answer == "확인했습니다. 오늘 발송합니다."


def test_inquiry_window_inside_one_day_still_asks_two_dates(sandbox, adapter):
    sandbox.create_orders(3)
    for _ in range(8):
        sandbox.create_inquiry()
    inquiries, _ = collect(adapter.fetch_inquiries(Window(T0 - timedelta(minutes=1), T0 + timedelta(minutes=1))))
    assert len(inquiries) == 8
    call = calls(sandbox, "/onlineInquiries")[0]["query"]
    assert (call["inquiryStartAt"], call["inquiryEndAt"]) == ("2025-01-06", "2025-01-07")


# ---------------------------------------------------------------------------------------------
# Listings
# ---------------------------------------------------------------------------------------------


def test_stock_price_and_sale_status_push(sandbox, adapter):
    option_id = str(next(iter(sandbox.options)))
    stock = adapter.push_stock([StockChange(option_id, 7), StockChange("999", 1)])
    assert stock[0].ok and sandbox.options[int(option_id)].stock == 7
    assert not stock[1].ok and "999" in stock[1].message and not stock[1].retryable

    prices = adapter.push_prices([PriceChange(option_id, 12340), PriceChange(option_id, 12345)])
    assert prices[0].ok and sandbox.options[int(option_id)].price == 12340
    assert not prices[1].ok and "10원" in prices[1].message

    assert adapter.push_sale_status([SaleStatusChange(option_id, False)])[0].ok
    assert sandbox.options[int(option_id)].on_sale is False
    assert adapter.push_sale_status([SaleStatusChange(option_id, True)])[0].ok
    assert sandbox.options[int(option_id)].on_sale is True
    paths = [c["path"] for c in sandbox.received]
    assert paths[:2] == [
        f"/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{option_id}/quantities/7",
        "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/999/quantities/1",
    ]
    assert paths[-2:] == [
        f"/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{option_id}/sales/stop",
        f"/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{option_id}/sales/resume",
    ]


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def test_templates_pull_page_and_push(sandbox, adapter):
    for n in range(60):
        code = 9000 + n
        sandbox.outbound[code] = {
            **next(iter(sandbox.outbound.values())),
            "outboundShippingPlaceCode": code,
            "shippingPlaceName": f"창고 {n}",
        }
    outbound = adapter.pull_templates(TemplateKind.OUTBOUND_ADDRESS)
    assert len(outbound) == 62 and outbound[0].kind is TemplateKind.OUTBOUND_ADDRESS
    assert [c["query"]["pageNum"] for c in calls(sandbox, "/shipping-place/outbound")] == ["1", "2"]
    centres = adapter.pull_templates(TemplateKind.RETURN_ADDRESS)
    assert len(centres) == 1 and centres[0].fields["deliverCode"] == "CJGLS"

    new = ChannelTemplate(
        kind=TemplateKind.OUTBOUND_ADDRESS,
        name="성수 창고",
        address=Address(
            name="성수 창고", phone1="02-555-1234", zip_code="04790", address1="서울특별시 성동구 성수이로 1"
        ),
    )
    created = adapter.push_template(new)
    assert created.ok and created.data["template_id"]
    code = int(created.data["template_id"])
    assert sandbox.outbound[code]["shippingPlaceName"] == "성수 창고"
    new.template_id, new.name = str(code), "성수 창고 2"
    assert adapter.push_template(new).ok and sandbox.outbound[code]["shippingPlaceName"] == "성수 창고 2"
    bad = adapter.push_template(ChannelTemplate(kind=TemplateKind.OUTBOUND_ADDRESS, name="주소 없음"))
    assert not bad.ok and "placeAddress" in bad.message

    centre = ChannelTemplate(
        kind=TemplateKind.RETURN_ADDRESS,
        name="두번째 반품지",
        address=Address(phone1="031-123-4567", zip_code="13494", address1="경기도 성남시 분당구 판교역로 1"),
        fields={"deliverCode": "HANJIN", "deliverName": "한진택배", "contractNumber": "12345"},
    )
    made = adapter.push_template(centre)
    assert made.ok
    centre.template_id, centre.name = made.data["template_id"], "반품지 B"
    assert adapter.push_template(centre).ok
    assert sandbox.return_centers[int(centre.template_id)]["shippingPlaceName"] == "반품지 B"
    with pytest.raises(NotSupported):
        adapter.pull_templates(TemplateKind.DELIVERY)
    with pytest.raises(NotSupported):
        adapter.push_template(ChannelTemplate(kind=TemplateKind.DISPATCH_DEADLINE, name="x"))


# ---------------------------------------------------------------------------------------------
# Settlements
# ---------------------------------------------------------------------------------------------


def test_settlements_paged_in_31_day_chunks(clock):
    sandbox = CoupangSandbox(clock=clock, history_days=60)
    adapter = make_adapter(sandbox)
    lines, _ = collect(adapter.fetch_settlements(Window(T0 - timedelta(days=61), T0)))
    expected = sum(len(row["items"]) + (1 if row["deliveryFee"]["amount"] else 0) for row in sandbox.revenue)
    assert len(lines) == expected == 120
    assert len({line.settlement_id for line in lines}) == len(lines)
    revenue_calls = calls(sandbox, "/revenue-history")
    assert all(int(c["query"]["maxPerPage"]) <= 50 for c in revenue_calls)
    assert all(
        (day(c["query"]["recognitionDateTo"]) - day(c["query"]["recognitionDateFrom"])).days <= 30
        for c in revenue_calls
    )
    assert any(c["query"].get("token") for c in revenue_calls)
    assert "token" not in revenue_calls[0]["query"]


def test_delivered_orders_become_revenue_a_week_later(sandbox, adapter, clock):
    sandbox.create_orders(3)
    box_id = next(iter(sandbox.boxes))
    sandbox.deliver(box_id)
    box = sandbox.boxes[box_id]
    window = Window(T0, T0 + timedelta(days=9))
    lines, _ = collect(adapter.fetch_settlements(window))
    assert not [line for line in lines if line.order_id == str(box.order_id)]  # not recognised yet
    clock.advance(days=8)
    lines, _ = collect(adapter.fetch_settlements(window))
    mine = [line for line in lines if line.order_id == str(box.order_id) and line.kind == "SALE"]
    assert len(mine) == len(box.items) and mine[0].recognized_on == (T0 + timedelta(days=7)).date()


# ---------------------------------------------------------------------------------------------
# Simulator controls
# ---------------------------------------------------------------------------------------------


def test_control_endpoints_and_summary(sandbox):
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        created = client.post("/_sandbox/orders", json={"count": 5}).json()["created"]
        claim = client.post("/_sandbox/claims", json={"kind": "return"}).json()["created"]
        client.post("/_sandbox/inquiries")
        state = client.get("/_sandbox/state").json()
    assert len(created) == 5 and claim.isdigit()
    assert state["name"] == "coupang" and state["orders"] == 6 and state["claims"]["return"] == 1
    assert state["boxes_by_status"]["FINAL_DELIVERY"] == 1
    assert state["inquiries"]["online"] + state["inquiries"]["callcenter"] == 1
