"""Claims on the Coupang, Naver and 11번가 sandboxes: collected claims linked to their order lines,
lines moved when a claim settles, approve / reject / complete pushed with the channel's answer
stored, the stock following the settled lines once, and the claim gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.channels.base import ChannelClaim, ClaimState, ClaimType
from modules.channels.models import SyncKind, SyncRun, SyncState
from modules.channels.sync import sync_run
from modules.orders.actions import order_acknowledge
from modules.orders.claims import claim_approve, claim_complete, claim_reject, claims_gate
from modules.orders.models import Claim, OrderEvent, OrderLine
from modules.orders.services import claims_collect
from modules.orders.status import OrderState
from tests.channels.conftest import MARKETPLACES, fast_adapter
from tests.inventory.helpers import line_stock_states, movement_kinds, stock_demo_catalog
from tests.orders.test_collect_and_actions import collect_all

KINDS = ["cancel", "return", "exchange"]


def factory(store):
    return lambda _store: fast_adapter(store)


def sync_claims(store):
    run = sync_run(store=store, kind=SyncKind.CLAIMS, adapter=fast_adapter(store))
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    return run


def claimed(sandbox_store, marketplace, kind):
    """A store with 3 collected orders and one claim of ``kind``, collected by the claims sync."""
    store, sandbox = sandbox_store(marketplace)
    stock_demo_catalog()
    sandbox.create_orders(3)
    collect_all(store)
    if marketplace == "coupang" and kind == "cancel":
        # A Coupang cancel request (출고중지요청) exists only for a confirmed box; before that the
        # buyer's cancel completes at once.
        lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
        assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=factory(store)))
    sandbox.create_claim(kind)
    collect_all(store)
    sync_claims(store)
    return store, sandbox, Claim.objects.get(store=store)


def lines_of(claim):
    return list(OrderLine.objects.filter(store=claim.store, channel_line_id__in=claim.channel_line_ids).order_by("id"))


def events(kind, lines):
    return OrderEvent.objects.filter(kind=kind, line__in=lines)


@pytest.mark.parametrize("marketplace", MARKETPLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_collected_claims_are_linked_to_their_lines(sandbox_store, marketplace, kind):
    store, _sandbox, claim = claimed(sandbox_store, marketplace, kind)
    assert claim.claim_type == kind and claim.state == ClaimState.REQUESTED
    lines = lines_of(claim)
    assert lines and len(lines) == len(claim.channel_line_ids)
    for line in lines:
        assert (line.claim_type, line.claim_state, line.channel_claim_id) == (kind, "requested", claim.channel_claim_id)
    claim_events = events("claim", lines)
    assert claim_events.count() == len(lines)
    assert {e.new for e in claim_events} == {f"{kind}:requested"}
    assert all(e.source == OrderEvent.Source.SYNC and e.payload["claim_id"] == claim.pk for e in claim_events)
    # Lines of other orders carry no claim.
    assert (
        not OrderLine.objects.filter(store=store)
        .exclude(pk__in=[line.pk for line in lines])
        .exclude(claim_type="")
        .exists()
    )
    # Collecting again records nothing twice.
    sync_claims(store)
    assert events("claim", lines).count() == len(lines)


def test_a_cancel_completed_at_the_channel_closes_the_lines_once(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    stock_demo_catalog()
    sandbox.create_orders(2)
    collect_all(store)
    sandbox.create_claim("cancel")  # box not confirmed yet: Coupang completes the cancel at once
    collect_all(store)
    sync_claims(store)
    claim = Claim.objects.get(store=store)
    assert claim.state == ClaimState.COMPLETED and claim.claim_type == ClaimType.CANCEL
    lines = lines_of(claim)
    assert {line.state for line in lines} == {OrderState.CANCELLED}
    assert {line.claim_state for line in lines} == {"completed"}
    # The lines were reserved when collected; the cancel released them (nothing had left): no restock.
    assert line_stock_states(lines) == {"released"}
    moved = movement_kinds(lines)
    assert moved.count("release") == moved.count("reserve") == len(lines) and "return" not in moved
    sync_claims(store)
    assert movement_kinds(lines) == moved


SETTLED = {"cancel": OrderState.CANCELLED, "return": OrderState.RETURNED, "exchange": OrderState.EXCHANGED}


@pytest.mark.parametrize("marketplace", MARKETPLACES)
@pytest.mark.parametrize("kind", ["cancel", "return"])
def test_approving_a_cancel_or_return_settles_it(sandbox_store, make_user, marketplace, kind):
    store, _sandbox, claim = claimed(sandbox_store, marketplace, kind)
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    before = {line.pk: line.state for line in lines_of(claim)}
    result = claim_approve(claim=claim, user=user, adapter_factory=factory(store))
    assert result.ok, (result.code, result.message)
    claim.refresh_from_db()
    assert (claim.decision, claim.decided_by, claim.state) == ("approve", user, ClaimState.COMPLETED)
    assert claim.decided_at and claim.push_code == result.code
    lines = lines_of(claim)
    assert {line.state for line in lines} == {SETTLED[kind]}
    moves = events(f"claim_{kind}", lines)
    assert {(before[e.line_id], e.new, e.user_id) for e in moves} == {
        (before[line.pk], SETTLED[kind], user.pk) for line in lines
    }
    assert events("claim_decision", lines).count() == len(lines)
    # A cancel before shipping frees what the lines reserved; a return brings the goods back.
    moved = movement_kinds(lines)
    if kind == "cancel":
        assert line_stock_states(lines) == {"released"} and "return" not in moved
        assert moved.count("release") == len(lines)
    else:
        assert line_stock_states(lines) == {"returned"} and moved.count("return") == len(lines)
        assert moved.count("outbound") == len(lines)
    # The channel agrees on the next sync, and nothing is recorded twice.
    sync_claims(store)
    claim.refresh_from_db()
    assert claim.state == ClaimState.COMPLETED and claim.decision == "approve"
    assert movement_kinds(lines) == moved
    assert events(f"claim_{kind}", lines).count() == len(lines)


@pytest.mark.parametrize("marketplace", ["coupang", "naver"])
def test_an_exchange_is_approved_then_completed(sandbox_store, make_user, marketplace):
    store, _sandbox, claim = claimed(sandbox_store, marketplace, "exchange")
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    # The sandbox exchanges one unit; make it the whole line (a part is flagged, tested below).
    OrderLine.objects.filter(store=store, channel_line_id__in=claim.channel_line_ids).update(quantity=claim.quantity)
    assert claim_approve(claim=claim, user=user, adapter_factory=factory(store)).ok
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_PROGRESS and claim.decision == "approve"
    lines = lines_of(claim)
    assert {line.state for line in lines} == {OrderState.DELIVERED}  # the replacement is not out yet
    assert line_stock_states(lines) == {"out"}
    # Approving twice is refused by us, before the channel.
    again = claim_approve(claim=claim, user=user, adapter_factory=factory(store))
    assert not again.ok and again.code == "illegal"
    if marketplace == "naver":
        # Naver takes the replacement's invoice (교환 재배송): without one we do not call it.
        missing = claim_complete(claim=claim, user=user, adapter_factory=factory(store))
        assert not missing.ok and missing.code == "invoice_required"
        result = claim_complete(
            claim=claim, user=user, courier="CJ", tracking_number="612345678901", adapter_factory=factory(store)
        )
    else:
        result = claim_complete(claim=claim, user=user, adapter_factory=factory(store))
        assert result.code == "LOCAL"  # Coupang has no re-delivery call: recorded here
    assert result.ok, result.message
    claim.refresh_from_db()
    assert (claim.state, claim.decision) == (ClaimState.COMPLETED, "complete")
    assert {line.state for line in lines_of(claim)} == {OrderState.EXCHANGED}
    # The item came back and the replacement went out: two movements per line, stock unchanged.
    assert line_stock_states(lines) == {"exchanged"}
    moved = movement_kinds(lines)
    assert moved.count("return") == len(lines) and moved.count("outbound") == 2 * len(lines)


def test_elevenst_exchange_approval_needs_the_replacement_invoice(sandbox_store, make_user):
    store, _sandbox, claim = claimed(sandbox_store, "elevenst", "exchange")
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    refused = claim_approve(claim=claim, user=user, adapter_factory=factory(store))
    assert not refused.ok and refused.code == "invoice_required"
    claim.refresh_from_db()
    assert (claim.decision, claim.state, claim.push_code) == ("", ClaimState.REQUESTED, "invoice_required")
    assert claim.push_message
    lines = lines_of(claim)
    failed = events("push_failed", lines)
    assert failed.count() == len(lines) and failed.first().payload["action"] == "claim_approve"
    result = claim_approve(
        claim=claim, user=user, courier="HANJIN", tracking_number="512345678901", adapter_factory=factory(store)
    )
    assert result.ok, result.message
    claim.refresh_from_db()
    assert (claim.decision, claim.state) == ("approve", ClaimState.COMPLETED)
    assert {line.state for line in lines_of(claim)} == {OrderState.EXCHANGED}
    decision = events("claim_decision", lines).get()
    assert decision.payload["tracking_number"] == "512345678901"


@pytest.mark.parametrize(
    ("marketplace", "kind"),
    [("coupang", "return"), ("coupang", "cancel"), ("naver", "cancel")],
)
def test_a_channel_without_a_refusal_api_answers_with_its_code(sandbox_store, make_user, marketplace, kind):
    store, _sandbox, claim = claimed(sandbox_store, marketplace, kind)
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    result = claim_reject(claim=claim, reason="buyer_fault", user=user, adapter_factory=factory(store))
    assert not result.ok and result.code.upper() == "NOT_SUPPORTED" and result.message
    claim.refresh_from_db()
    assert (claim.state, claim.decision, claim.push_code.upper()) == (ClaimState.REQUESTED, "", "NOT_SUPPORTED")
    lines = lines_of(claim)
    assert {line.claim_state for line in lines} == {"requested"}
    assert events("push_failed", lines).count() == len(lines)


@pytest.mark.parametrize(
    ("marketplace", "kind"), [("naver", "return"), ("coupang", "exchange"), ("elevenst", "return")]
)
def test_rejecting_keeps_the_lines_and_unblocks_them(sandbox_store, make_user, marketplace, kind):
    store, _sandbox, claim = claimed(sandbox_store, marketplace, kind)
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    no_reason = claim_reject(claim=claim, reason="", user=user, adapter_factory=factory(store))
    assert not no_reason.ok and no_reason.code == "illegal"
    result = claim_reject(
        claim=claim, reason="sold_out", detail="같은 색상 품절", user=user, adapter_factory=factory(store)
    )
    assert result.ok, result.message
    claim.refresh_from_db()
    assert (claim.state, claim.decision) == (ClaimState.REJECTED_BY_SELLER, "reject")
    lines = lines_of(claim)
    assert {line.claim_state for line in lines} == {"rejected_by_seller"}
    assert {line.state for line in lines} == {OrderState.DELIVERED}
    assert "return" not in movement_kinds(lines)  # refused: the goods stay with the buyer
    assert events("claim_decision", lines).first().payload["reason"] == "sold_out"


def test_elevenst_refusing_a_cancel_ships_with_an_invoice(sandbox_store, make_user):
    store, _sandbox, claim = claimed(sandbox_store, "elevenst", "cancel")
    user = make_user("claims", rights={"orders": {"view", "edit"}})
    missing = claim_reject(claim=claim, reason="already_shipped", user=user, adapter_factory=factory(store))
    assert not missing.ok and missing.code == "invoice_required"
    result = claim_reject(
        claim=claim,
        reason="already_shipped",
        courier="CJ",
        tracking_number="612345678901",
        user=user,
        adapter_factory=factory(store),
    )
    assert result.ok, result.message
    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED_BY_SELLER
    gate = claims_gate(lines=lines_of(claim), adapter_factory=factory(store))
    assert gate.blocked == {}


def test_a_settled_claim_cannot_be_approved(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    collect_all(store)
    sandbox.create_claim("cancel")
    sync_claims(store)
    claim = Claim.objects.get(store=store)
    result = claim_approve(claim=claim, adapter_factory=factory(store))
    assert not result.ok and result.code == "illegal"
    claim.refresh_from_db()
    assert claim.push_code == ""  # the channel was not called


def _line_claim(store, line, *, quantity, state=ClaimState.COMPLETED, claim_type=ClaimType.RETURN):
    return ChannelClaim(
        claim_id=f"T-{line.pk}-{claim_type}",
        claim_type=claim_type,
        state=state,
        channel_status="TEST",
        order_id=line.order.channel_order_id,
        line_ids=[line.channel_line_id],
        quantity=quantity,
        requested_at=timezone.now(),
    )


def test_a_claim_over_part_of_a_line_is_flagged_not_moved(sandbox_store):
    store, sandbox = sandbox_store("naver")
    stock_demo_catalog()
    sandbox.create_orders(2)
    collect_all(store)
    line = OrderLine.objects.select_related("order").filter(store=store).first()
    OrderLine.objects.filter(pk=line.pk).update(quantity=3, state=OrderState.DELIVERED)
    line.refresh_from_db()
    claims_collect(store=store, claims=[_line_claim(store, line, quantity=1)])
    line.refresh_from_db()
    assert line.state == OrderState.DELIVERED
    assert line.needs_attention and any(flag.startswith("partial_claim:") for flag in line.flags)
    assert OrderEvent.objects.filter(line=line, kind="claim_conflict").count() == 1
    # The line did not move, so neither does its stock: nothing comes back until a person decides.
    assert "return" not in movement_kinds([line])


def test_a_completed_claim_the_machine_refuses_is_flagged(sandbox_store):
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(1)
    collect_all(store)
    line = OrderLine.objects.select_related("order").filter(store=store).first()
    assert line.state == OrderState.NEW
    claims_collect(store=store, claims=[_line_claim(store, line, quantity=line.quantity)])  # a return of a new line
    line.refresh_from_db()
    assert line.state == OrderState.NEW and any(flag.startswith("claim_conflict:") for flag in line.flags)
    conflict = OrderEvent.objects.get(line=line, kind="claim_conflict")
    assert conflict.message and conflict.payload["reason"] == "illegal"
    claims_collect(store=store, claims=[_line_claim(store, line, quantity=line.quantity)])
    assert OrderEvent.objects.filter(line=line, kind="claim_conflict").count() == 1


# Claim gate --------------------------------------------------------------------------------------


class CountingFactory:
    def __init__(self, store):
        self.store, self.calls = store, 0

    def __call__(self, _store):
        self.calls += 1
        return fast_adapter(self.store)


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_gate_repulls_stale_claims_and_blocks_open_cancels(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(4)
    collect_all(store)
    if marketplace == "coupang":
        lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
        assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=factory(store)))
    sync_claims(store)
    SyncState.objects.filter(store=store, kind=SyncKind.CLAIMS).update(
        last_success_at=timezone.now() - timedelta(minutes=30)
    )
    sandbox.create_claim("cancel")  # the buyer cancels after our last claims sync
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store").order_by("id"))
    assert not any(line.claim_type for line in lines)
    counting = CountingFactory(store)
    runs = SyncRun.objects.filter(store=store, kind=SyncKind.CLAIMS).count()
    gate = claims_gate(lines=lines, adapter_factory=counting, record_as="send_invoice")
    assert counting.calls == 1 and gate.refreshed == [store.pk] and gate.failed == {}
    assert SyncRun.objects.filter(store=store, kind=SyncKind.CLAIMS).count() == runs + 1
    claim = Claim.objects.get(store=store)
    blocked_ids = {line.pk for line in lines_of(claim)}
    assert set(gate.blocked) == blocked_ids
    assert all("cancel" in reason.lower() or "취소" in reason for reason in gate.blocked.values())
    # The passed objects now carry the claim, so the actions' own gate agrees.
    assert {line.claim_type for line in lines if line.pk in blocked_ids} == {"cancel"}
    assert [line.pk for line in gate.allowed(lines)] == [line.pk for line in lines if line.pk not in blocked_ids]
    recorded = OrderEvent.objects.filter(kind="claim_gate")
    assert set(recorded.values_list("line_id", flat=True)) == blocked_ids
    assert set(recorded.values_list("new", flat=True)) == {"send_invoice"}


def test_gate_does_not_call_a_fresh_store(sandbox_store):
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(3)
    collect_all(store)
    sync_claims(store)
    sandbox.create_claim("cancel")  # not collected yet, and the last sync is seconds old
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    counting = CountingFactory(store)
    runs = SyncRun.objects.count()
    gate = claims_gate(lines=lines, adapter_factory=counting)
    assert counting.calls == 0 and SyncRun.objects.count() == runs
    assert gate.refreshed == [] and gate.blocked == {}
    # With a zero tolerance the same call re-pulls and sees the request.
    gate = claims_gate(lines=lines, max_age_minutes=0, adapter_factory=counting)
    assert counting.calls == 1 and len(gate.blocked) == 1


def test_gate_blocks_returns_not_exchanges_and_trusts_claims_over_stale_line_fields(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(2)
    collect_all(store)
    sandbox.create_claim("return")
    sandbox.create_claim("exchange")
    collect_all(store)
    sync_claims(store)
    returned = Claim.objects.get(store=store, claim_type="return")
    exchanged = Claim.objects.get(store=store, claim_type="exchange")
    return_lines = {line.pk for line in lines_of(returned)}
    # Re-collected order data of a channel without claims on its lines may blank the fields.
    OrderLine.objects.filter(store=store).update(claim_type="", claim_state="")
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    gate = claims_gate(lines=lines, adapter_factory=factory(store))
    exchange_lines = {line.pk for line in lines_of(exchanged)}
    assert return_lines and exchange_lines and not return_lines & exchange_lines
    assert set(gate.blocked) == return_lines


def test_gate_reports_a_store_it_could_not_refresh(sandbox_store):
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(1)
    collect_all(store)
    store.order_api = False  # claims sync switched off for this store
    store.save(update_fields=["order_api"])
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    gate = claims_gate(lines=lines, adapter_factory=factory(store))
    assert set(gate.failed) == {store.pk} and gate.failed[store.pk]
    assert gate.blocked == {}


def test_relinking_restores_claims_after_orders_are_collected_again(sandbox_store):
    """Coupang's order data carries no claim, so a re-collected line comes back with empty claim
    fields; collection (services.lines_after_collect -> claims.claims_relink_lines) puts the claim
    back, and settles a claim that arrived before its lines."""
    store, _sandbox, claim = claimed(sandbox_store, "coupang", "return")
    keys = list(claim.channel_line_ids)
    OrderLine.objects.filter(store=store, channel_line_id__in=keys).update(
        claim_type="", claim_state="", content_hash=""
    )
    collect_all(store)
    assert {(line.claim_type, line.claim_state) for line in lines_of(claim)} == {("return", "requested")}
    assert events("claim", lines_of(claim)).count() == len(keys)  # nothing new to record
    # A completed claim collected before its order: settled when the lines arrive.
    early = ChannelClaim(
        claim_id="EARLY-1",
        claim_type=ClaimType.CANCEL,
        state=ClaimState.COMPLETED,
        channel_status="DONE",
        order_id="NOT-YET",
        line_ids=["NOT-YET-1"],
        quantity=1,
        requested_at=timezone.now(),
    )
    claims_collect(store=store, claims=[early])
    from integrations.channels.base import ChannelOrder, ChannelOrderLine, LineState
    from modules.orders.services import orders_collect

    orders_collect(
        store=store,
        orders=[
            ChannelOrder(
                order_id="NOT-YET",
                ordered_at=timezone.now(),
                lines=[ChannelOrderLine(line_id="NOT-YET-1", shipment_id="B9", state=LineState.PAID, quantity=1)],
            )
        ],
    )
    line = OrderLine.objects.get(store=store, channel_line_id="NOT-YET-1")
    assert (line.state, line.claim_type, line.claim_state) == (OrderState.CANCELLED, "cancel", "completed")
    assert line.sku_id is None and line_stock_states([line]) == set()  # no SKU: no stock to move
