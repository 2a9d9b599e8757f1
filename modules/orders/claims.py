"""Claims (취소·반품·교환): the channel's claims tied to our order lines, the claim gate, and the
claims desk's decisions pushed to the channel.

Three entry points:

- ``claims_after_collect(store=, claim_ids=)`` runs at the end of ``services.claims_collect`` (same
  transaction) for every page of claims the sync engine collects. It links each Claim to its order
  lines (by store + the claim's channel line ids, or its channel order number when the channel gave
  no line ids), keeps the lines' ``claim_type`` / ``claim_state`` / ``channel_claim_id`` in step
  with the most relevant claim (an open one first, else the latest), records an OrderEvent
  ``claim`` on each line whenever a claim's type:state on it changes, and settles the claims the
  channel completed: the lines move through the machine (``claim_cancel`` / ``claim_return`` /
  ``claim_exchange``), once, with an event, and the stock effect is recorded
  (``stock_effects.claim_stock_effect``). A move the machine refuses, or a claim covering only part
  of a line's quantity, is flagged for a person instead.
- ``claims_gate(lines=)`` — see its docstring: re-pull stale claims, then say which lines an open
  cancel or return blocks, and why. The Shipping issue calls it before invoice send and label print.
- ``claim_approve`` / ``claim_reject`` / ``claim_complete`` (and ``claims_decide`` for a selection):
  the claims desk. Each pushes through the store's adapter, stores the channel's code and message on
  the Claim (``push_code``/``push_message``; ``decision``/``decided_by``/``decided_at`` when the
  channel accepted), writes an event on the claim's lines, and settles the claim when the decision
  finishes it.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.channels.base import (
    Capability,
    ChannelClaim,
    ChannelError,
    ClaimState,
    ClaimType,
    CourierCode,
    ItemResult,
    NotSupported,
)

from .actions import _adapter_for, open_claim_reason
from .models import Claim, OrderEvent, OrderLine
from .services import event_build, orders_refresh_summary
from .status import IllegalTransition, OrderState, transition_for
from .stock_effects import claim_stock_effect

OPEN_STATES = frozenset({ClaimState.REQUESTED.value, ClaimState.IN_PROGRESS.value})
CLOSED_BY_SELLER_OR_BUYER = frozenset({ClaimState.REJECTED_BY_SELLER.value, ClaimState.WITHDRAWN_BY_BUYER.value})
# The machine's move that settles a claim of each type (status.TRANSITIONS).
SETTLE_ACTION = {
    ClaimType.CANCEL.value: "claim_cancel",
    ClaimType.RETURN.value: "claim_return",
    ClaimType.EXCHANGE.value: "claim_exchange",
}
SETTLED_STATE = {
    ClaimType.CANCEL.value: OrderState.CANCELLED,
    ClaimType.RETURN.value: OrderState.RETURNED,
    ClaimType.EXCHANGE.value: OrderState.EXCHANGED,
}

# Refusal reasons on the claims desk: the label for our staff, and the text the channel receives
# (always Korean: it is shown to the buyer by a Korean marketplace, whatever our UI language).
CLAIM_REJECT_REASONS: dict[str, tuple] = {
    "buyer_fault": (gettext_lazy("Used or damaged by the buyer"), "고객 사용·훼손으로 반품/교환 불가"),
    "period_over": (gettext_lazy("Return period has passed"), "반품/교환 가능 기간 경과"),
    "already_shipped": (gettext_lazy("Already shipped"), "이미 발송된 주문입니다"),
    "sold_out": (gettext_lazy("Replacement out of stock"), "교환 상품 품절"),
    "buyer_withdrew": (gettext_lazy("The buyer withdrew the request"), "고객 요청 철회"),
    "other": (gettext_lazy("Other"), "판매자 사정"),
}


def reject_reason_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _text) in CLAIM_REJECT_REASONS.items()]


# ---------------------------------------------------------------------------------------------
# Claims -> lines
# ---------------------------------------------------------------------------------------------


def claims_after_collect(*, store, claim_ids: Iterable[int]) -> None:
    """Post-step of ``services.claims_collect`` for one collected page (see the module doc).

    Every claim of the page is looked at, changed or not: collecting orders may have rewritten a
    line's claim fields from the channel's order data, and this puts them back in step."""
    _sync_lines(store=store, claim_ids=set(claim_ids), source=OrderEvent.Source.SYNC, user=None)


def claims_relink_lines(*, store, line_keys: Iterable[str]) -> None:
    """Re-apply the known claims to lines just collected (by channel line id).

    For ``services.lines_after_collect``: channels that carry no claim on their order data (Coupang,
    11번가) send the line's claim fields empty, and a re-collected line would lose its claim until
    the next claims sync; calling this keeps the claim gate right in between."""
    keys = list(line_keys)
    if not keys:
        return
    order_numbers = set(
        OrderLine.objects.filter(store=store, channel_line_id__in=keys)
        .order_by()
        .values_list("order__channel_order_id", flat=True)
    )
    claim_ids = set(
        Claim.objects.filter(store=store, channel_order_id__in=order_numbers).order_by().values_list("pk", flat=True)
    )
    if claim_ids:
        _sync_lines(store=store, claim_ids=claim_ids, source=OrderEvent.Source.SYNC, user=None)


def _label(claim: Claim) -> str:
    return f"{claim.claim_type}:{claim.state}"


def _representative(claims: list[Claim]) -> Claim:
    """The claim a line shows: the latest open one, else the latest."""

    def key(claim: Claim):
        return (claim.requested_at or claim.collected_at or timezone.now(), claim.pk)

    open_claims = [claim for claim in claims if claim.state in OPEN_STATES]
    return max(open_claims or claims, key=key)


def _lines_of(*, store, claims: list[Claim]) -> tuple[list[OrderLine], dict[int, list[Claim]]]:
    """The lines the claims cover (with ``order_number`` annotated), and per line its claims."""
    line_keys = {key for claim in claims for key in (claim.channel_line_ids or [])}
    whole_orders = {claim.channel_order_id for claim in claims if not claim.channel_line_ids}
    if not line_keys and not whole_orders:
        return [], {}
    lines = list(
        OrderLine.objects.filter(store=store)
        .filter(Q(channel_line_id__in=line_keys) | Q(order__channel_order_id__in=whole_orders))
        .annotate(order_number=F("order__channel_order_id"))
        .order_by("id")
    )
    by_key: dict[str, list[Claim]] = defaultdict(list)
    by_order: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.channel_line_ids:
            for key in claim.channel_line_ids:
                by_key[key].append(claim)
        else:
            by_order[claim.channel_order_id].append(claim)
    covering = {line.pk: by_key.get(line.channel_line_id, []) + by_order.get(line.order_number, []) for line in lines}
    return lines, covering


def _last_claim_events(line_ids: list[int]) -> dict[tuple[int, int], str]:
    last: dict[tuple[int, int], str] = {}
    for line_id, new, payload in (
        OrderEvent.objects.filter(line_id__in=line_ids, kind="claim")
        .order_by("id")
        .values_list("line_id", "new", "payload")
    ):
        claim_id = (payload or {}).get("claim_id")
        if claim_id is not None:
            last[(line_id, claim_id)] = new
    return last


def _sync_lines(*, store, claim_ids: set[int], source: str, user) -> None:
    if not claim_ids:
        return
    order_numbers = set(Claim.objects.filter(pk__in=claim_ids).order_by().values_list("channel_order_id", flat=True))
    # Every claim of these orders (not only this page's), so each line shows its most relevant one.
    claims = list(Claim.objects.filter(store=store, channel_order_id__in=order_numbers).order_by("id"))
    by_pk = {claim.pk: claim for claim in claims}
    lines, covering = _lines_of(store=store, claims=claims)
    if not lines:
        return
    last = _last_claim_events([line.pk for line in lines])
    changed: list[OrderLine] = []
    events: list[OrderEvent] = []
    to_settle: set[int] = set()
    for line in lines:
        line_claims = covering[line.pk]
        if not line_claims:
            continue
        shown = _representative(line_claims)
        fields = (shown.claim_type, shown.state, shown.channel_claim_id[:100])
        if (line.claim_type, line.claim_state, line.channel_claim_id) != fields:
            line.claim_type, line.claim_state, line.channel_claim_id = fields
            changed.append(line)
        for claim in line_claims:
            if claim.pk not in claim_ids:
                continue
            label = _label(claim)
            previous = last.get((line.pk, claim.pk))
            if previous == label:
                continue
            events.append(
                event_build(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="claim",
                    old=previous or "",
                    new=label,
                    message=claim.reason or "",
                    source=source,
                    user=user,
                    payload={
                        "claim_id": claim.pk,
                        "channel_claim_id": claim.channel_claim_id,
                        "channel_status": claim.channel_status,
                        "quantity": claim.quantity,
                    },
                )
            )
            if claim.state == ClaimState.COMPLETED:
                to_settle.add(claim.pk)
    OrderLine.objects.bulk_update(changed, ["claim_type", "claim_state", "channel_claim_id"], batch_size=500)
    OrderEvent.objects.bulk_create(events, batch_size=500)
    for claim_pk in sorted(to_settle):
        claim = by_pk[claim_pk]
        claim_lines = [line for line in lines if claim in covering[line.pk]]
        _settle(claim=claim, lines=claim_lines, user=user, source=source)
    orders_refresh_summary(order_ids={line.order_id for line in lines})


def _flag_once(line: OrderLine, flag: str) -> bool:
    flags = list(line.flags or [])
    if flag in flags:
        return False
    line.flags = [*flags, flag]
    line.needs_attention = True
    return True


def _states_before(lines: list[OrderLine], target: str) -> None:
    """For lines already closed before their claim settled (the channel's order data said so
    first): the state they had before, from their last move into ``target``; "" if they were
    collected closed. Set as ``state_before_claim`` for the stock effect."""
    closed = [line for line in lines if line.state == target]
    if not closed:
        return
    before: dict[int, str] = {}
    for line_id, old in (
        OrderEvent.objects.filter(line_id__in=[line.pk for line in closed], new=target)
        .exclude(kind="claim")
        .order_by("id")
        .values_list("line_id", "old")
    ):
        before[line_id] = old
    for line in closed:
        line.state_before_claim = before.get(line.pk, "")


def _settle(*, claim: Claim, lines: list[OrderLine], user, source: str) -> None:
    """Close the claim's lines (the machine's claim move) and record the stock effect, once."""
    action = SETTLE_ACTION.get(claim.claim_type)
    if action is None or not lines:
        return
    target = SETTLED_STATE[claim.claim_type].value
    now = timezone.now()
    total = sum(line.quantity for line in lines)
    # A claim over part of a line (1 of 3): our machine closes whole lines, so a person decides.
    partial = bool(claim.quantity) and total > 0 and claim.quantity < total
    _states_before(lines, target)
    effect_lines = []
    events: list[OrderEvent] = []

    def event(line: OrderLine, kind: str, **fields) -> None:
        events.append(
            event_build(
                order_id=line.order_id,
                line_id=line.pk,
                kind=kind,
                old=line.state,
                new=target,
                source=source,
                user=user,
                **fields,
            )
        )

    for line in lines:
        if not hasattr(line, "state_before_claim"):
            line.state_before_claim = line.state
        if line.state == target:
            effect_lines.append(line)
            continue
        if partial:
            if _flag_once(line, f"partial_claim:{claim.pk}"):
                event(
                    line,
                    "claim_conflict",
                    message=f"클레임 수량({claim.quantity})이 주문 수량({total})보다 적어 상태를 바꾸지 않았습니다.",
                    payload={"claim_id": claim.pk, "reason": "partial"},
                )
            effect_lines.append(line)
            continue
        try:
            transition_for(action, line.state)
        except IllegalTransition as exc:
            if _flag_once(line, f"claim_conflict:{claim.pk}"):
                event(line, "claim_conflict", message=str(exc), payload={"claim_id": claim.pk, "reason": "illegal"})
            continue
        effect_lines.append(line)
        event(line, action, payload={"claim_id": claim.pk, "channel_claim_id": claim.channel_claim_id})
        line.state = target
        line.state_changed_at = now
    OrderEvent.objects.bulk_create(events)
    OrderLine.objects.bulk_update(lines, ["state", "state_changed_at", "flags", "needs_attention"], batch_size=500)
    # Stock follows the lines' new states: a cancel before shipping releases, a return restocks.
    claim_stock_effect(claim=claim, lines=effect_lines, user=user)


# ---------------------------------------------------------------------------------------------
# Claim gate
# ---------------------------------------------------------------------------------------------


@dataclass
class ClaimGate:
    """What ``claims_gate`` found. ``blocked``: line pk -> reason to show. ``refreshed``: stores
    whose claims were re-pulled. ``failed``: store pk -> why its re-pull did not happen or failed
    (its lines were judged on the claims collected before; the caller should say so)."""

    blocked: dict[int, str] = field(default_factory=dict)
    refreshed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def reason(self, line) -> str:
        return self.blocked.get(line.pk, "")

    def allowed(self, lines: Iterable[OrderLine]) -> list[OrderLine]:
        return [line for line in lines if line.pk not in self.blocked]


def claims_gate(
    *,
    lines: Iterable[OrderLine],
    max_age_minutes: int = 5,
    adapter_factory: Callable | None = None,
    user=None,
    record_as: str = "",
    now: datetime | None = None,
) -> ClaimGate:
    """The claim gate: call it before sending invoices and before printing labels.

    1. For each store of ``lines`` whose last successful claims sync is older than
       ``max_age_minutes`` (or never happened), claims are re-pulled now
       (``channels.sync.sync_run(kind="claims")``, which links them to the lines through
       ``claims_after_collect``). A fresh store is not called.
    2. Returns the lines an open cancel or return request blocks, with the reason to show
       (``actions.open_claim_reason``). The passed line objects get their ``claim_type`` /
       ``claim_state`` refreshed in place, so ``actions`` that check the gate agree.

    ``adapter_factory(store)`` builds the adapter (tests pass the sandbox's); ``record_as`` (e.g.
    "send_invoice") writes an OrderEvent ``claim_gate`` on each blocked line, for the history.
    Never raises for channel errors: a store whose re-pull failed is listed in ``failed``.
    """
    from modules.channels.models import Store, SyncKind, SyncRun, SyncState
    from modules.channels.sync import sync_run

    lines = list(lines)
    gate = ClaimGate()
    if not lines:
        return gate
    now = now or timezone.now()
    store_ids = sorted({line.store_id for line in lines})
    fresh_since = now - timedelta(minutes=max_age_minutes)
    last_success = dict(
        SyncState.objects.filter(store_id__in=store_ids, kind=SyncKind.CLAIMS)
        .order_by()
        .values_list("store_id", "last_success_at")
    )
    for store in Store.objects.filter(pk__in=store_ids).order_by("pk"):
        when = last_success.get(store.pk)
        if when is not None and when >= fresh_since:
            continue
        try:
            adapter = (adapter_factory or _adapter_for)(store)
        except Exception as exc:  # no adapter for this marketplace (Excel-only channels)
            gate.failed[store.pk] = str(exc)[:500]
            continue
        try:
            run = sync_run(
                store=store, kind=SyncKind.CLAIMS, trigger=SyncRun.Trigger.MANUAL, user=user, adapter=adapter
            )
        finally:
            adapter.close()
        if run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL):
            gate.refreshed.append(store.pk)
        else:
            gate.failed[store.pk] = run.message or run.get_status_display()

    # Judge on the database as it is now (the re-pull may have changed the lines).
    current = {
        row["pk"]: row
        for row in OrderLine.objects.filter(pk__in=[line.pk for line in lines])
        .order_by()
        .values("pk", "claim_type", "claim_state", "order__channel_order_id")
    }
    order_numbers = {row["order__channel_order_id"] for row in current.values()}
    open_claims = list(
        Claim.objects.filter(
            store_id__in=store_ids,
            channel_order_id__in=order_numbers,
            state__in=OPEN_STATES,
            claim_type__in=(ClaimType.CANCEL, ClaimType.RETURN),
        ).order_by("id")
    )
    for line in lines:
        row = current.get(line.pk)
        if row is None:
            continue
        line.claim_type, line.claim_state = row["claim_type"], row["claim_state"]
        if not open_claim_reason(line):
            # A claim collected but not (yet) on the line's fields still blocks it.
            for claim in open_claims:
                covers = (
                    line.channel_line_id in claim.channel_line_ids
                    if claim.channel_line_ids
                    else claim.channel_order_id == row["order__channel_order_id"]
                )
                if claim.store_id == line.store_id and covers:
                    line.claim_type, line.claim_state = claim.claim_type, claim.state
                    break
        reason = open_claim_reason(line)
        if reason:
            gate.blocked[line.pk] = reason
    if record_as and gate.blocked:
        OrderEvent.objects.bulk_create(
            [
                event_build(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="claim_gate",
                    new=record_as,
                    message=gate.blocked[line.pk],
                    source=OrderEvent.Source.SYSTEM,
                    user=user,
                    payload={"action": record_as, "claim_type": line.claim_type, "claim_state": line.claim_state},
                )
                for line in lines
                if line.pk in gate.blocked
            ]
        )
    return gate


# ---------------------------------------------------------------------------------------------
# Claims desk: approve / reject / complete
# ---------------------------------------------------------------------------------------------


@dataclass
class ClaimResult:
    claim_id: int
    ok: bool
    code: str = ""
    message: str = ""


def channel_claim(claim: Claim) -> ChannelClaim:
    """Our Claim row handed back to its adapter (the ``ref`` it gave us included)."""
    return ChannelClaim(
        claim_id=claim.channel_claim_id,
        claim_type=ClaimType(claim.claim_type),
        state=ClaimState(claim.state) if claim.state in ClaimState._value2member_map_ else ClaimState.UNKNOWN,
        channel_status=claim.channel_status,
        order_id=claim.channel_order_id,
        line_ids=list(claim.channel_line_ids or []),
        quantity=claim.quantity,
        reason=claim.reason,
        reason_detail=claim.reason_detail,
        requested_at=claim.requested_at,
        completed_at=claim.completed_at,
        ref=dict(claim.ref or {}),
        flags=list(claim.flags or []),
        raw=dict(claim.raw or {}),
    )


def _accepted(method, options: dict) -> dict:
    """The keyword options this adapter method takes (11번가 takes courier=/tracking_number=;
    Coupang and Naver take none), with the empty ones left out."""
    parameters = inspect.signature(method).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return {k: v for k, v in options.items() if v}
    names = {p.name for p in parameters}
    return {k: v for k, v in options.items() if v and k in names}


def invoice_needed(*, marketplace: str, claim_type: str, action: str) -> bool:
    """Whether the desk should ask for a courier and tracking number for this decision: an
    exchange approval that re-ships at once (the adapter's approve takes an invoice: 11번가), a
    cancel refusal that ships anyway (11번가's reject takes one), or completing an exchange where the
    channel takes the re-delivery invoice (Naver's ``redeliver_exchange``)."""
    from integrations.channels.registry import adapter_class

    try:
        cls = adapter_class(marketplace)
    except Exception:
        return False
    if action == "approve" and claim_type == ClaimType.EXCHANGE:
        return bool(_accepted(cls.approve_claim, {"tracking_number": "x"}))
    if action == "reject" and claim_type == ClaimType.CANCEL:
        return bool(_accepted(cls.reject_claim, {"tracking_number": "x"}))
    if action == "complete" and claim_type == ClaimType.EXCHANGE:
        return hasattr(cls, "redeliver_exchange")
    return False


def _lines_closed(claim: Claim) -> bool:
    lines, _covering = _lines_of(store=claim.store, claims=[claim])
    target = SETTLED_STATE[claim.claim_type]
    return bool(lines) and all(line.state == target for line in lines)


def _refusal(claim: Claim, action: str, *, adapter, reason: str) -> str:
    """Our own checks before the channel is called; a message when the decision cannot be taken."""
    if claim.state in CLOSED_BY_SELLER_OR_BUYER:
        return _("This claim is closed (%(state)s).") % {"state": claim.get_state_display()}
    if action == "approve":
        if claim.state not in OPEN_STATES:
            return _("Only a requested or in-progress claim can be approved.")
        if claim.decision == "approve":
            return _("Already approved. Complete it when the channel's step is done.")
    elif action == "reject":
        if claim.state not in OPEN_STATES:
            return _("Only a requested or in-progress claim can be rejected.")
        if reason not in CLAIM_REJECT_REASONS:
            return _("Choose a reason for the rejection.")
    elif action == "complete":
        pushes = claim.claim_type == ClaimType.EXCHANGE and hasattr(adapter, "redeliver_exchange")
        if pushes:
            if claim.state not in OPEN_STATES:
                return _("Only an exchange in progress can be completed.")
        elif claim.state == ClaimState.COMPLETED:
            if _lines_closed(claim):
                return _("This claim is already completed.")
        elif not (claim.claim_type == ClaimType.EXCHANGE and claim.decision == "approve"):
            return _(
                "Approve the claim: the channel completes it. Completing by hand is for claims the channel "
                "already completed, and approved exchanges."
            )
    else:
        return _("Unknown action.")
    return ""


def decision_problems(*, claim: Claim) -> dict[str, str]:
    """Per desk action, why it cannot be taken now ("" when it can): for showing only the forms
    that make sense. The reject reason is asked later, so it is not judged here."""
    from integrations.channels.registry import adapter_class

    try:
        cls = adapter_class(claim.store.marketplace)
    except Exception:
        cls = None
    first_reason = next(iter(CLAIM_REJECT_REASONS))
    return {
        action: _refusal(claim, action, adapter=cls, reason=first_reason)
        for action in ("approve", "reject", "complete")
    }


def _push(
    claim: Claim, action: str, *, adapter, reason: str, detail: str, courier: str, tracking_number: str
) -> tuple[ItemResult, bool]:
    """Call the channel. Returns (answer, settles): whether the accepted decision finishes the claim."""
    cc = channel_claim(claim)
    options = {"courier": courier, "tracking_number": tracking_number}
    try:
        if action == "approve":
            if not adapter.supports(Capability.CLAIM_APPROVE):
                raise NotSupported(_("This channel does not take this action through its API."))
            accepted = _accepted(adapter.approve_claim, options)
            answer = adapter.approve_claim(cc, **accepted)
            # Approving a cancel or a return finishes it at every channel; an exchange only when the
            # approval carried the replacement's invoice (11번가), else it is completed later.
            settles = claim.claim_type != ClaimType.EXCHANGE or "tracking_number" in accepted
            return answer, settles
        if action == "reject":
            if not adapter.supports(Capability.CLAIM_REJECT):
                raise NotSupported(_("This channel does not take this action through its API."))
            text = CLAIM_REJECT_REASONS[reason][1] + (f": {detail.strip()}" if detail.strip() else "")
            answer = adapter.reject_claim(cc, reason=text[:300], **_accepted(adapter.reject_claim, options))
            return answer, False
        # complete
        redeliver = getattr(adapter, "redeliver_exchange", None)
        if claim.claim_type == ClaimType.EXCHANGE and redeliver is not None:
            if not courier or (not tracking_number and courier != CourierCode.DIRECT):
                return ItemResult(
                    claim.channel_claim_id,
                    False,
                    "invoice_required",
                    _("Enter the courier and tracking number of the replacement parcel."),
                ), False
            return redeliver(cc, CourierCode(courier), tracking_number), True
        return ItemResult(claim.channel_claim_id, True, "LOCAL", "채널 API 없이 여기서 완료로 기록했습니다."), True
    except NotSupported as exc:
        return ItemResult(claim.channel_claim_id, False, "not_supported", str(exc)), False
    except ChannelError as exc:
        return ItemResult(claim.channel_claim_id, False, exc.code or type(exc).__name__, exc.message), False
    except ValueError as exc:  # an unknown courier code
        return ItemResult(claim.channel_claim_id, False, "invalid", str(exc)), False


def _new_state(claim: Claim, action: str, settles: bool) -> str:
    if action == "reject":
        return ClaimState.REJECTED_BY_SELLER.value
    if settles:
        return ClaimState.COMPLETED.value
    return ClaimState.IN_PROGRESS.value


def _decide(
    *,
    claim: Claim,
    action: str,
    adapter,
    user,
    reason: str = "",
    detail: str = "",
    courier: str = "",
    tracking_number: str = "",
) -> ClaimResult:
    problem = _refusal(claim, action, adapter=adapter, reason=reason)
    if problem:
        return ClaimResult(claim.pk, False, "illegal", problem)
    answer, settles = _push(
        claim, action, adapter=adapter, reason=reason, detail=detail, courier=courier, tracking_number=tracking_number
    )
    acting_user = user if user is not None and getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        claim.push_code = (answer.code or ("OK" if answer.ok else ""))[:60]
        claim.push_message = (answer.message or "")[:500]
        fields = ["push_code", "push_message", "updated_at"]
        if answer.ok:
            claim.decision, claim.decided_by, claim.decided_at = action, acting_user, now
            claim.state = _new_state(claim, action, settles)
            fields += ["decision", "decided_by", "decided_at", "state"]
            if claim.state == ClaimState.COMPLETED and claim.completed_at is None:
                claim.completed_at = now
                fields.append("completed_at")
        claim.save(update_fields=fields)
        lines, _covering = _lines_of(store=claim.store, claims=[claim])
        payload = {
            "claim_id": claim.pk,
            "channel_claim_id": claim.channel_claim_id,
            "action": f"claim_{action}",
            "code": claim.push_code,
            "reason": reason,
            "detail": detail[:200],
        }
        if courier or tracking_number:
            payload.update(courier=courier, tracking_number=tracking_number)
        OrderEvent.objects.bulk_create(
            [
                event_build(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="claim_decision" if answer.ok else "push_failed",
                    new=action,
                    message=claim.push_message,
                    source=OrderEvent.Source.USER,
                    user=acting_user,
                    payload=payload,
                )
                for line in lines
            ]
        )
        if answer.ok:
            _sync_lines(store=claim.store, claim_ids={claim.pk}, source=OrderEvent.Source.USER, user=acting_user)
            if action == "complete" and claim.state == ClaimState.COMPLETED:
                # Completing by hand a claim the channel had completed already: settle it now
                # (its "completed" event may have been recorded while a move was refused).
                lines, _covering = _lines_of(store=claim.store, claims=[claim])
                _settle(claim=claim, lines=lines, user=acting_user, source=OrderEvent.Source.USER)
                orders_refresh_summary(order_ids={line.order_id for line in lines})
    return ClaimResult(claim.pk, answer.ok, claim.push_code, claim.push_message)


def claims_decide(
    *,
    claims: Iterable[Claim],
    action: str,
    user=None,
    reason: str = "",
    detail: str = "",
    courier: str = "",
    tracking_number: str = "",
    adapter_factory=None,
) -> list[ClaimResult]:
    """approve / reject / complete each claim (one adapter per store); one result per claim."""
    by_store: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_store[claim.store_id].append(claim)
    results: list[ClaimResult] = []
    for store_claims in by_store.values():
        store = store_claims[0].store
        try:
            adapter = (adapter_factory or _adapter_for)(store)
        except Exception as exc:  # no adapter for this marketplace
            results.extend(ClaimResult(claim.pk, False, "not_supported", str(exc)) for claim in store_claims)
            continue
        try:
            for claim in store_claims:
                results.append(
                    _decide(
                        claim=claim,
                        action=action,
                        adapter=adapter,
                        user=user,
                        reason=reason,
                        detail=detail,
                        courier=courier,
                        tracking_number=tracking_number,
                    )
                )
        finally:
            adapter.close()
    return results


def claim_approve(
    *, claim: Claim, user=None, courier: str = "", tracking_number: str = "", adapter_factory=None
) -> ClaimResult:
    """승인: the channel cancels/refunds (cancel, return) or accepts the exchange. 11번가 exchanges
    need the replacement's ``courier`` / ``tracking_number`` (it re-ships on approval)."""
    return claims_decide(
        claims=[claim],
        action="approve",
        user=user,
        courier=courier,
        tracking_number=tracking_number,
        adapter_factory=adapter_factory,
    )[0]


def claim_reject(
    *,
    claim: Claim,
    reason: str,
    detail: str = "",
    user=None,
    courier: str = "",
    tracking_number: str = "",
    adapter_factory=None,
) -> ClaimResult:
    """거부 with a reason (``CLAIM_REJECT_REASONS``). Refusing a cancel on 11번가 means shipping
    anyway: pass the ``courier`` / ``tracking_number``. Coupang refuses only exchanges, Naver no
    cancels: the channel's answer (NOT_SUPPORTED) is the result."""
    return claims_decide(
        claims=[claim],
        action="reject",
        user=user,
        reason=reason,
        detail=detail,
        courier=courier,
        tracking_number=tracking_number,
        adapter_factory=adapter_factory,
    )[0]


def claim_complete(
    *, claim: Claim, user=None, courier: str = "", tracking_number: str = "", adapter_factory=None
) -> ClaimResult:
    """완료: an approved exchange's replacement sent (Naver: pushed as 교환 재배송 with the
    ``courier`` / ``tracking_number``; elsewhere recorded here, code LOCAL), or a claim the channel
    completed whose lines are still open here. Closes the lines and records the stock effect."""
    return claims_decide(
        claims=[claim],
        action="complete",
        user=user,
        courier=courier,
        tracking_number=tracking_number,
        adapter_factory=adapter_factory,
    )[0]
