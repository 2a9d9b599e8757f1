"""Every capability of the 11번가 adapter against the in-process simulator."""

from datetime import datetime, timedelta
from types import SimpleNamespace

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
    InvoiceUpload,
    LineRef,
    LineState,
    NotSupported,
    PriceChange,
    RateLimit,
    Rejected,
    Retryable,
    SaleStatusChange,
    StockChange,
    TemplateKind,
    Window,
)
from integrations.channels.elevenst import mapper
from integrations.channels.elevenst.adapter import ElevenstAdapter
from integrations.channels.http import rate_limiters
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.elevenst import DEMO_CREDENTIALS, ElevenstSandbox
from integrations.sandbox.registry import sandbox_class

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=KST)


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class RecordingTransport(SandboxTransport):
    """The sandbox transport, keeping every request (headers and body) for assertions."""

    def __init__(self, app):
        super().__init__(app)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request):
        request.read()
        self.requests.append(request)
        return super().handle_request(request)


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make_adapter(sandbox, *, base_url=ElevenstAdapter.default_base_url, transport=None, **config):
    return ElevenstAdapter(
        ChannelConfig(
            store_key="store:11st",
            base_url=base_url,
            credentials=dict(DEMO_CREDENTIALS),
            transport=transport or SandboxTransport(sandbox),
            rate_limit=RateLimit(1000, 1000),
            backoff_base=0.0,
            **config,
        )
    )


@pytest.fixture
def env():
    clock = Clock(T0)
    sandbox = ElevenstSandbox(clock=clock, seed=11)
    return SimpleNamespace(clock=clock, sandbox=sandbox, adapter=make_adapter(sandbox))


def window_around(start: datetime, end: datetime) -> Window:
    return Window(start - timedelta(hours=1), end + timedelta(hours=1))


def lines_of(pages) -> dict:
    return {line.line_id: line for page in pages for order in page.items for line in order.lines}


def refs_of(pages) -> dict:
    return {
        line.line_id: LineRef(order.order_id, line.line_id, line.shipment_id, line.ref)
        for page in pages
        for order in page.items
        for line in order.lines
    }


def paths(sandbox, prefix: str) -> list[str]:
    return [path for _method, path in sandbox.received if path.startswith(prefix)]


def span(start: str, end: str, fmt: str) -> timedelta:
    return datetime.strptime(end, fmt) - datetime.strptime(start, fmt)


def sim_line(sandbox, line_id: str) -> dict:
    ord_no, seq = line_id.rsplit("-", 1)
    return sandbox.lines[(ord_no, seq)]


def bundle_order(sandbox) -> str:
    """An order with two lines sharing one dlvNo (created until one comes up)."""
    for _ in range(100):
        (ord_no,) = sandbox.create_orders(1)
        keys = sandbox.orders[ord_no]["lines"]
        if len(keys) >= 2 and sandbox.lines[keys[0]]["dlvNo"] == sandbox.lines[keys[1]]["dlvNo"]:
            return ord_no
    raise AssertionError("no bundled order generated")


def acknowledge_all(adapter, refs) -> None:
    assert all(result.ok for result in adapter.acknowledge(list(refs)))


# -- adapter class ----------------------------------------------------------------------------


def test_adapter_and_simulator_are_registered():
    assert adapter_class("elevenst") is ElevenstAdapter
    assert sandbox_class("elevenst") is ElevenstSandbox
    assert Capability.INVOICE_UPDATE not in ElevenstAdapter.capabilities
    assert len(ElevenstAdapter.capabilities) == len(Capability) - 1
    assert [field.name for field in ElevenstAdapter.credential_fields] == ["api_key"]
    assert ElevenstAdapter.rate_limit == RateLimit(rate=5, burst=5)


# -- orders -----------------------------------------------------------------------------------


def test_fetch_orders_over_several_sub_windows(env):
    created = env.sandbox.create_orders(4)
    env.clock.advance(days=8)
    created += env.sandbox.create_orders(3)
    env.clock.advance(days=8)
    created += env.sandbox.create_orders(2)
    pages = list(env.adapter.fetch_orders(window_around(T0, env.clock.now)))
    assert len(pages) == 3
    assert [len(page.items) for page in pages] == [4, 3, 2]
    assert [order.order_id for page in pages for order in page.items] == created
    assert {line.state for line in lines_of(pages).values()} == {LineState.PAID}
    assert pages[0].label == "orders 202603010800-202603080759"
    listed = paths(env.sandbox, "/ordservices/")
    assert len(listed) == 3 * 5
    for path in listed:
        _empty, _svc, kind, start, end = path.split("/")
        assert kind in mapper.ORDER_LISTS
        assert span(start, end, "%Y%m%d%H%M") < timedelta(days=7)


def test_states_follow_the_lists(env):
    sandbox, adapter = env.sandbox, env.adapter
    paid, acked, delivered, confirmed = sandbox.create_orders(4)
    refs = refs_of(adapter.fetch_orders(window_around(T0, T0)))
    by_order = {}
    for ref in refs.values():
        by_order.setdefault(ref.order_id, []).append(ref)
    acknowledge_all(adapter, by_order[acked] + by_order[delivered] + by_order[confirmed])
    ship = [InvoiceUpload(ref, CourierCode.HANJIN, "700000000001") for ref in by_order[confirmed]]
    assert all(result.ok for result in adapter.upload_invoices(ship))
    env.clock.advance(days=3)
    ship = [InvoiceUpload(ref, CourierCode.LOTTE, "800000000002") for ref in by_order[delivered]]
    assert all(result.ok for result in adapter.upload_invoices(ship))
    env.clock.advance(days=7)  # confirmed: shipped at T0 → delivered T0+2d → confirmed T0+9d
    (shipped,) = sandbox.create_orders(1)
    new_refs = list(refs_of(adapter.fetch_orders(window_around(env.clock.now, env.clock.now))).values())
    acknowledge_all(adapter, new_refs)
    assert all(r.ok for r in adapter.upload_invoices([InvoiceUpload(r, CourierCode.CJ, "1") for r in new_refs]))

    pages = list(adapter.fetch_orders(window_around(T0, env.clock.now)))
    lines = lines_of(pages)
    state = {order: {lines[r.line_id].state for r in rs} for order, rs in by_order.items()}
    assert state[paid] == {LineState.PAID}
    assert state[acked] == {LineState.ACKNOWLEDGED}
    assert state[delivered] == {LineState.DELIVERED}
    assert state[confirmed] == {LineState.PURCHASE_CONFIRMED}
    assert {lines[r.line_id].state for r in new_refs} == {LineState.SHIPPED}
    line = lines[by_order[delivered][0].line_id]
    assert (line.courier, line.tracking_number, line.channel_status) == (CourierCode.LOTTE, "800000000002", "501")
    assert lines[by_order[acked][0].line_id].raw["plcodrCnfDt"]


def test_repeated_rows_never_lose_an_order(env):
    sandbox = ElevenstSandbox(clock=env.clock, seed=3, faults=Faults(repeat_rate=1.0, seed=1))
    adapter = make_adapter(sandbox)
    created = sandbox.create_orders(5)
    env.clock.advance(days=8)
    created += sandbox.create_orders(5)
    pages = list(adapter.fetch_orders(window_around(T0, env.clock.now)))
    seen = [order.order_id for page in pages for order in page.items]
    assert set(seen) == set(created)
    assert len(seen) > len(created)  # rows of the first window came back in the second one
    for page in pages:
        ids = [line.line_id for order in page.items for line in order.lines]
        assert len(ids) == len(set(ids))


def test_single_order_and_empty_windows(env):
    (only,) = env.sandbox.create_orders(1)
    (page,) = env.adapter.fetch_orders(Window(T0, T0 + timedelta(minutes=1)))
    assert [order.order_id for order in page.items] == [only]
    (empty,) = env.adapter.fetch_orders(Window(T0 - timedelta(days=3), T0 - timedelta(days=2)))
    assert empty.items == []


def test_orders_stamped_exactly_at_the_window_end_are_not_lost(env):
    created = env.sandbox.create_orders(5)  # the simulator's clock stands still at T0
    (page,) = env.adapter.fetch_orders(Window(T0 - timedelta(hours=1), T0))
    assert [order.order_id for order in page.items] == created


def test_acknowledge_is_per_line_with_partial_failure(env):
    env.sandbox.create_orders(2)
    refs = list(refs_of(env.adapter.fetch_orders(window_around(T0, T0))).values())
    first = refs[0]
    bogus = LineRef("202603019999999", "202603019999999-1", "1")
    wrong_bundle = LineRef(first.order_id, first.line_id, "42", {**first.ref, "dlvNo": "42"})
    results = env.adapter.acknowledge([first, first, bogus, wrong_bundle, *refs[1:]])
    assert [(r.key, r.ok, r.code) for r in results[:4]] == [
        (first.line_id, True, "0"),
        (first.line_id, False, "-3202"),
        (bogus.line_id, False, "-3200"),
        (first.line_id, False, "-3201"),
    ]
    assert all(r.ok for r in results[4:])
    assert results[1].message == "이미 발주확인된 주문입니다." and not results[1].retryable
    assert len(paths(env.sandbox, "/ordservices/reqpackaging/")) == len(refs) + 3
    assert {sim_line(env.sandbox, r.line_id)["stat"] for r in refs} == {"301"}


def test_invoice_upload_ships_the_bundle_once(env):
    sandbox, adapter = env.sandbox, env.adapter
    ord_no = bundle_order(sandbox)
    refs = [r for r in refs_of(adapter.fetch_orders(window_around(T0, T0))).values() if r.order_id == ord_no]
    bundle = [r for r in refs if r.shipment_id == refs[0].shipment_id]
    assert len(bundle) >= 2
    early = adapter.upload_invoices([InvoiceUpload(bundle[0], CourierCode.CJ, "123456789012")])
    assert (early[0].ok, early[0].code) == (False, "-3313")  # not acknowledged yet
    acknowledge_all(adapter, refs)
    before = len(paths(sandbox, "/ordservices/reqdelivery/"))
    results = adapter.upload_invoices([InvoiceUpload(r, CourierCode.CJ, "1234-5678-9012") for r in bundle])
    assert [r.ok for r in results] == [True] * len(bundle)
    assert results[0].data == {"dlvNo": bundle[0].shipment_id, "dlvEtprsCd": "00034", "invcNo": "123456789012"}
    sent = paths(sandbox, "/ordservices/reqdelivery/")[before:]
    assert len(sent) == 1 and sent[0].endswith(f"/01/00034/123456789012/{bundle[0].shipment_id}")
    for ref in bundle:
        line = sim_line(sandbox, ref.line_id)
        assert (line["stat"], line["invcNo"]) == ("401", "123456789012")
    again = adapter.upload_invoices([InvoiceUpload(bundle[1], CourierCode.CJ, "123456789012")])
    assert (again[0].ok, again[0].code) == (False, "-3308")
    shipped = lines_of(adapter.fetch_orders(window_around(T0, T0)))
    assert (shipped[bundle[1].line_id].courier, shipped[bundle[1].line_id].tracking_number) == (
        CourierCode.CJ,
        "123456789012",
    )
    env.clock.advance(days=3)
    delivered = adapter.upload_invoices([InvoiceUpload(bundle[0], CourierCode.CJ, "123456789012")])
    assert delivered[0].code == "-3309"


def test_invoice_refusals_and_direct_delivery(env):
    sandbox, adapter = env.sandbox, env.adapter
    ord_no = bundle_order(sandbox)
    other = sandbox.create_orders(1)[0]
    refs = list(refs_of(adapter.fetch_orders(window_around(T0, T0))).values())
    acknowledge_all(adapter, refs)
    bundle = [r for r in refs if r.order_id == ord_no]
    bundle = [r for r in bundle if r.shipment_id == bundle[0].shipment_id]
    before = len(paths(sandbox, "/ordservices/reqdelivery/"))
    unmapped = adapter.upload_invoices([InvoiceUpload(bundle[0], CourierCode.KDEXP, "123")])
    assert (unmapped[0].ok, unmapped[0].code) == (False, "invalid_invoice") and "KDEXP" in unmapped[0].message
    assert len(paths(sandbox, "/ordservices/reqdelivery/")) == before  # refused without a call
    conflict = adapter.upload_invoices(
        [InvoiceUpload(bundle[0], CourierCode.CJ, "111"), InvoiceUpload(bundle[1], CourierCode.CJ, "222")]
    )
    assert [(r.ok, r.code) for r in conflict] == [(True, "0"), (False, "bundle_conflict")]
    direct_refs = [r for r in refs if r.order_id == other]
    direct = adapter.upload_invoices([InvoiceUpload(r, CourierCode.DIRECT, "") for r in direct_refs])
    assert all(r.ok for r in direct)
    assert "/03/null/null/" in paths(sandbox, "/ordservices/reqdelivery/")[-1]
    lines = lines_of(adapter.fetch_orders(window_around(T0, T0)))
    assert lines[direct_refs[0].line_id].courier == CourierCode.DIRECT
    assert lines[direct_refs[0].line_id].tracking_number == ""
    with pytest.raises(NotSupported):
        adapter.update_invoices([InvoiceUpload(bundle[0], CourierCode.CJ, "333")])


def test_seller_cancel(env):
    sandbox, adapter = env.sandbox, env.adapter
    sandbox.create_orders(3)
    refs = list(refs_of(adapter.fetch_orders(window_around(T0, T0))).values())
    target, shipped = refs[0], refs[-1]
    result = adapter.cancel_by_seller(target, reason="SOLD_OUT", detail="재고 부족/입고 지연")
    assert (result.ok, result.data) == (True, {"ordCnRsnCd": "08"})
    assert paths(sandbox, "/claimservice/reqrejectorder/")[-1].endswith("/08/재고 부족 입고 지연")
    assert sim_line(sandbox, target.line_id)["stat"] == "CANCELLED"
    again = adapter.cancel_by_seller(target, reason="08")
    assert (again.ok, again.code) == (False, "-3402")
    partial = adapter.cancel_by_seller(LineRef("1", "1-1", "1", {"ordQty": 3}), reason="08", quantity=1)
    assert (partial.ok, partial.code) == (False, "partial_quantity")
    acknowledge_all(adapter, [shipped])
    adapter.upload_invoices([InvoiceUpload(shipped, CourierCode.CJ, "9")])
    late = adapter.cancel_by_seller(shipped, reason="옵션 품절")
    assert (late.ok, late.code) == (False, "-3402")
    env.clock.advance(minutes=1)
    (page,) = adapter.fetch_claims(window_around(env.clock.now, env.clock.now))
    (claim,) = page.items
    assert (claim.claim_type, claim.state, claim.line_ids) == (ClaimType.CANCEL, ClaimState.COMPLETED, [target.line_id])
    assert (claim.reason, claim.reason_detail) == ("08", "재고 부족 입고 지연")


def test_claims_fetch_approve_and_reject(env):
    sandbox, adapter = env.sandbox, env.adapter
    sandbox.create_orders(6)
    cancel_id = sandbox.create_claim("cancel")
    ship_anyway_id = sandbox.create_claim("cancel")
    return_id = sandbox.create_claim("return")
    withdrawn_id = sandbox.create_claim("return")
    exchange_id = sandbox.create_claim("exchange")
    (page,) = adapter.fetch_claims(window_around(T0, T0))
    claims = {claim.claim_id: claim for claim in page.items}
    assert set(claims) == {cancel_id, ship_anyway_id, return_id, withdrawn_id, exchange_id}
    assert {claim.state for claim in claims.values()} == {ClaimState.REQUESTED}
    assert claims[exchange_id].claim_type == ClaimType.EXCHANGE and claims[return_id].claim_type == ClaimType.RETURN
    assert len(paths(sandbox, "/claimservice/")) == len(mapper.CLAIM_LISTS)

    assert adapter.approve_claim(claims[cancel_id]).ok
    assert sim_line(sandbox, claims[cancel_id].line_ids[0])["stat"] == "CANCELLED"
    assert adapter.reject_claim(claims[return_id], reason="반품 기간 경과/사용 흔적").ok
    assert paths(sandbox, "/claimservice/returnreqreject/")[-1].endswith("/99/반품 기간 경과 사용 흔적")
    no_invoice = adapter.approve_claim(claims[exchange_id])
    assert (no_invoice.ok, no_invoice.code) == (False, "invoice_required")
    odd = adapter.approve_claim(claims[exchange_id], courier="PIGEON", tracking_number="1")
    assert (odd.ok, odd.code) == (False, "invoice_required") and "PIGEON" in odd.message
    assert adapter.approve_claim(claims[exchange_id], courier=CourierCode.HANJIN, tracking_number="5555").ok
    assert adapter.reject_claim(claims[ship_anyway_id], reason="이미 출고").code == "invoice_required"
    shipped = adapter.reject_claim(
        claims[ship_anyway_id], reason="이미 출고", courier=CourierCode.CJ, tracking_number="6000", shipped_at=T0
    )
    assert shipped.ok
    assert "/01/20260301/00034/6000" in paths(sandbox, "/claimservice/cancelreqreject/")[-1]
    assert sim_line(sandbox, claims[ship_anyway_id].line_ids[0])["stat"] == "401"
    sandbox.withdraw_claim(withdrawn_id)

    env.clock.advance(minutes=5)
    (page,) = adapter.fetch_claims(window_around(env.clock.now, env.clock.now))
    after = {claim.claim_id: claim for claim in page.items}
    assert after[cancel_id].state == ClaimState.COMPLETED and after[cancel_id].completed_at
    assert after[exchange_id].state == ClaimState.COMPLETED
    assert after[exchange_id].ref["dlvEtprsCd"] == "00011" and after[exchange_id].ref["invcNo"] == "5555"
    assert after[withdrawn_id].state == ClaimState.WITHDRAWN_BY_BUYER
    assert return_id not in after and ship_anyway_id not in after  # seller-rejected: in no list
    twice = adapter.approve_claim(claims[cancel_id])
    assert (twice.ok, twice.code) == (False, "-3501")


def test_claim_windows_are_split(env):
    pages = list(env.adapter.fetch_claims(Window(T0, T0 + timedelta(days=10))))
    assert len(pages) == 2
    listed = paths(env.sandbox, "/claimservice/")
    assert len(listed) == 2 * len(mapper.CLAIM_LISTS)
    assert all(span(p.split("/")[3], p.split("/")[4], "%Y%m%d%H%M") < timedelta(days=7) for p in listed)


# -- inquiries --------------------------------------------------------------------------------


def test_inquiries_fetch_and_answer(env):
    sandbox, adapter = env.sandbox, env.adapter
    first = sandbox.create_inquiry()
    sandbox.create_inquiry()
    env.clock.advance(days=9)
    sandbox.create_inquiry()
    pages = list(adapter.fetch_inquiries(window_around(T0, env.clock.now)))
    assert [len(page.items) for page in pages] == [2, 1]
    listed = paths(sandbox, "/prodqnaservices/prodqnalist/")
    assert all(p.endswith("/00") and span(p.split("/")[3], p.split("/")[4], "%Y%m%d").days <= 6 for p in listed)
    inquiry = next(i for page in pages for i in page.items if i.inquiry_id == first)
    assert not inquiry.answered and inquiry.content
    result = adapter.answer_inquiry(inquiry, text="내일 출고 예정입니다 & 감사합니다 <3")
    assert result.ok and result.code == "200"
    assert sandbox.qnas[first]["answerCont"] == "내일 출고 예정입니다 & 감사합니다 <3"
    (page,) = adapter.fetch_inquiries(Window(T0, T0 + timedelta(hours=1)))
    answered = next(i for i in page.items if i.inquiry_id == first)
    assert answered.answered and answered.answer.startswith("내일 출고")
    wrong = adapter.answer_inquiry(
        type(inquiry)(**{**inquiry.__dict__, "ref": {"brdInfoNo": first, "prdNo": "1"}}), text="x"
    )
    assert (wrong.ok, wrong.code) == (False, "500")
    (empty,) = adapter.fetch_inquiries(Window(T0 - timedelta(days=5), T0 - timedelta(days=4)))
    assert empty.items == []


# -- listings ---------------------------------------------------------------------------------


def test_stock_price_and_sale_status(env):
    sandbox = env.sandbox
    transport = RecordingTransport(sandbox)
    adapter = make_adapter(sandbox, transport=transport)
    first, second = sandbox.option_ids[:2]
    results = adapter.push_stock(
        [StockChange(first, 7), StockChange("999", 1), StockChange(second, -5, {"prdNo": "3100000000"})]
    )
    assert [(r.ok, r.code) for r in results] == [(True, "200"), (False, "500"), (True, "200")]
    assert (sandbox.options[first]["stckQty"], sandbox.options[second]["stckQty"]) == (7, 0)
    request = transport.requests[0]
    assert request.method == "PUT" and request.headers["content-type"] == "text/xml;charset=EUC-KR"
    assert request.headers["openapikey"] == DEMO_CREDENTIALS["api_key"]
    assert "<stckQty>7</stckQty>" in request.content.decode("euc-kr")

    prices = adapter.push_prices(
        [
            PriceChange("3100000000", 35000),
            PriceChange("3100000100", 12345),
            PriceChange("x", 990, {"prdNo": "3100000200"}),
        ]
    )
    assert [r.ok for r in prices] == [True, False, True]
    assert "10원" in prices[1].message
    assert (sandbox.products["3100000000"]["selPrc"], sandbox.products["3100000200"]["selPrc"]) == (35000, 990)

    status = adapter.push_sale_status(
        [SaleStatusChange("3100000000", False), SaleStatusChange("3100000100", True), SaleStatusChange("0", False)]
    )
    assert [r.ok for r in status] == [True, True, False]
    assert sandbox.products["3100000000"]["display"] is False
    assert paths(sandbox, "/prodstatservice/stat/")[:2] == [
        "/prodstatservice/stat/stopdisplay/3100000000",
        "/prodstatservice/stat/restartdisplay/3100000100",
    ]


# -- templates --------------------------------------------------------------------------------


def test_templates_pull_and_push(env):
    adapter = env.adapter
    (outbound,) = adapter.pull_templates(TemplateKind.OUTBOUND_ADDRESS)
    (returns,) = adapter.pull_templates(TemplateKind.RETURN_ADDRESS)
    assert (outbound.name, returns.name) == ("기본 출고지", "기본 반품지")
    assert outbound.address.zip_code == "08390" and outbound.template_id
    address = Address(
        name="장터 물류", phone1="031-700-1000", zip_code="13494", address1="경기도 성남시", address2="B1"
    )
    created = adapter.push_template(ChannelTemplate(TemplateKind.OUTBOUND_ADDRESS, "물류센터", address=address))
    assert created.ok and created.data["template_id"] not in ("", outbound.template_id)
    renamed = ChannelTemplate(TemplateKind.OUTBOUND_ADDRESS, "본사 출고지", outbound.template_id, outbound.address)
    assert adapter.push_template(renamed).ok
    names = {t.template_id: t.name for t in adapter.pull_templates(TemplateKind.OUTBOUND_ADDRESS)}
    assert names == {outbound.template_id: "본사 출고지", created.data["template_id"]: "물류센터"}
    assert len(adapter.pull_templates(TemplateKind.RETURN_ADDRESS)) == 1
    bad = adapter.push_template(
        ChannelTemplate(TemplateKind.RETURN_ADDRESS, "반품", address=Address(name="a", phone1="010-1111-2222"))
    )
    assert (bad.ok, bad.code) == (False, "-2101")
    missing = adapter.push_template(ChannelTemplate(TemplateKind.RETURN_ADDRESS, "반품", "999", returns.address))
    assert (missing.ok, missing.code) == (False, "-2102")

    (deadline,) = adapter.pull_templates(TemplateKind.DISPATCH_DEADLINE)
    assert deadline.fields == {"cutoff_time": "14:00", "dispatch_days": 1}
    new = adapter.push_template(
        ChannelTemplate(
            TemplateKind.DISPATCH_DEADLINE, "오후 4시 마감", fields={"cutoff_time": "16:00", "dispatch_days": 2}
        )
    )
    assert new.ok and new.data["template_id"]
    changed = ChannelTemplate(
        TemplateKind.DISPATCH_DEADLINE, "오후 3시 마감", deadline.template_id, fields={"cutoff_time": "15:00"}
    )
    assert adapter.push_template(changed).ok
    pulled = {t.template_id: t for t in adapter.pull_templates(TemplateKind.DISPATCH_DEADLINE)}
    assert pulled[deadline.template_id].fields == {"cutoff_time": "15:00", "dispatch_days": 1}
    assert pulled[new.data["template_id"]].name == "오후 4시 마감"
    invalid = adapter.push_template(
        ChannelTemplate(TemplateKind.DISPATCH_DEADLINE, "x", fields={"cutoff_time": "25:00"})
    )
    assert (invalid.ok, invalid.code) == (False, "500")
    with pytest.raises(NotSupported):
        adapter.pull_templates(TemplateKind.DELIVERY)
    with pytest.raises(NotSupported):
        adapter.push_template(ChannelTemplate(TemplateKind.DELIVERY, "x"))


# -- settlement -------------------------------------------------------------------------------


def test_settlements_follow_purchase_confirmations(env):
    sandbox, adapter = env.sandbox, env.adapter
    sandbox.create_orders(3)
    refs = list(refs_of(adapter.fetch_orders(window_around(T0, T0))).values())
    acknowledge_all(adapter, refs)
    assert all(r.ok for r in adapter.upload_invoices([InvoiceUpload(r, CourierCode.EPOST, "42") for r in refs]))
    line_ids = sorted(r.line_id for r in refs)
    assert [p.items for p in adapter.fetch_settlements(Window(T0, T0 + timedelta(days=1)))] == [[]]
    env.clock.advance(days=10)
    pages = list(adapter.fetch_settlements(Window(T0 - timedelta(days=30), env.clock.now)))
    assert len(pages) == 2
    lines = [line for page in pages for line in page.items]
    assert sorted(line.line_id for line in lines) == line_ids
    sample = lines[0]
    assert sample.kind == "SALE" and sample.settlement_id == f"{sample.line_id}-01"
    assert sample.recognized_on == (T0 + timedelta(days=9)).date()
    assert sample.settlement_amount == sample.sale_amount - sample.commission > 0
    listed = paths(sandbox, "/settlement/settlementList/")
    assert all(span(p.split("/")[3], p.split("/")[4], "%Y%m%d").days < 31 for p in listed)


# -- robustness -------------------------------------------------------------------------------


def test_fetch_survives_429_and_500_faults():
    clock = Clock(T0)
    sandbox = ElevenstSandbox(clock=clock, seed=5, faults=Faults(rate_429=0.2, rate_500=0.2, retry_after=0, seed=9))
    adapter = make_adapter(sandbox, max_retries=10)
    created = sandbox.create_orders(30)
    clock.advance(days=8)
    created += sandbox.create_orders(30)
    sandbox.create_claim("cancel")
    sandbox.create_claim("return")
    pages = list(adapter.fetch_orders(window_around(T0, clock.now)))
    # create_claim("return") made (and delivered) one more order: no delivered line existed.
    assert {order.order_id for page in pages for order in page.items} == set(sandbox.orders) > set(created)
    claims = [claim for page in adapter.fetch_claims(window_around(clock.now, clock.now)) for claim in page.items]
    assert len(claims) == 2
    assert sandbox.requests_served > 2 * 5 + len(mapper.CLAIM_LISTS)  # some answers were faults


def test_malformed_body_is_retryable():
    sandbox = ElevenstSandbox(faults=Faults(malformed_rate=1.0))
    adapter = make_adapter(sandbox)
    with pytest.raises(Retryable):
        adapter.client.addresses(outbound=True)


def test_simulator_refuses_too_long_windows(env):
    client = env.adapter.client
    with pytest.raises(Rejected) as exc:
        client.order_list("complete", "202603010000", "202603080001")
    assert exc.value.code == "-1002"
    with pytest.raises(Rejected):
        client.claim_list("returnorders", "202603010000", "202603080001")
    with pytest.raises(Rejected) as exc:
        client.qna_list("20260301", "20260308")
    assert exc.value.code == "-1002"
    with pytest.raises(Rejected) as exc:
        client.order_list("complete", "2026030100", "202603080000")
    assert exc.value.code == "-1001"
    assert client.order_list("complete", "202603010000", "202603072359") == []


def test_base_url_without_rest_and_control_endpoints():
    sandbox = ElevenstSandbox()
    assert make_adapter(sandbox, base_url="http://127.0.0.1:8103").verify().ok
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        created = client.post("/_sandbox/orders", json={"count": 3}).json()["created"]
        assert len(created) == 3
        assert client.post("/_sandbox/claims", json={"kind": "return"}).json()["created"].count("-R") == 1
        assert client.post("/_sandbox/inquiries").json()["created"]
        state = client.get("/_sandbox/state").json()
    assert state["name"] == "elevenst" and state["orders"] >= 3
    assert state["claims"] == {"return:105": 1}
    assert state["inquiries"] == {"answered": 0, "unanswered": 1}
    assert sum(state["lines_by_status"].values()) >= 3


def test_simulator_accepts_utf8_request_bodies():
    sandbox = ElevenstSandbox()
    brd = sandbox.create_inquiry()
    prd = sandbox.qnas[brd]["brdInfoClfNo"]
    body = '<?xml version="1.0" encoding="UTF-8"?><ProductQna><answerCont>똠 확인했습니다</answerCont></ProductQna>'
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        response = client.put(
            f"/rest/prodqnaservices/prodqnaanswer/{brd}/{prd}",
            content=body.encode("utf-8"),
            headers={"openapikey": DEMO_CREDENTIALS["api_key"], "Content-Type": "text/xml;charset=UTF-8"},
        )
    assert "<resultCode>200</resultCode>" in response.content.decode("euc-kr")
    assert sandbox.qnas[brd]["answerCont"] == "똠 확인했습니다"
