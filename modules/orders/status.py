"""The order line status machine: our states, every legal move in one table, and how the channel's
state maps onto ours for two-way sync.

Our state is per order line (the unit channels cancel and ship); the order shows the least advanced
of its live lines. Moves made here are pushed to the channel by the action's service; moves made at
the channel come back through sync (``sync_target``): forward moves are applied, a channel state
behind ours is never applied silently but flagged for a person (``is_regression``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.channels.base import Capability, LineState


class OrderState(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    NEW = "new", _("New order")
    ACKNOWLEDGED = "acknowledged", _("Order confirmed")
    INVOICE_REGISTERED = "invoice_registered", _("Invoice registered")
    INVOICE_SENT = "invoice_sent", _("Invoice sent")
    SHIPPED = "shipped", _("Shipping")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")
    EXCHANGED = "exchanged", _("Exchanged")


S = OrderState

# Forward order of the fulfilment states (claims' end states sit outside it).
FLOW = [
    S.PENDING_PAYMENT,
    S.NEW,
    S.ACKNOWLEDGED,
    S.INVOICE_REGISTERED,
    S.INVOICE_SENT,
    S.SHIPPED,
    S.DELIVERED,
    S.COMPLETED,
]
RANK = {state: index for index, state in enumerate(FLOW)}
CLOSED = frozenset({S.CANCELLED, S.RETURNED, S.EXCHANGED, S.COMPLETED})
# Lines that may still be packed and shipped.
SHIPPABLE = frozenset({S.NEW, S.ACKNOWLEDGED, S.INVOICE_REGISTERED})
# What the channel can see of each of our states: a registered invoice is ours alone until sent.
CHANNEL_VISIBLE = {S.INVOICE_REGISTERED: S.ACKNOWLEDGED}


@dataclass(frozen=True)
class Transition:
    action: str
    source: frozenset[OrderState]
    target: OrderState
    label: str
    pushes: Capability | None = None  # the channel call that makes it real; None: ours only


def _t(action, sources, target, label, pushes=None) -> Transition:
    return Transition(action, frozenset(sources), target, label, pushes)


# Every move a person (or the API) may make. Sync moves are derived from the channel (sync_target).
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("acknowledge", {S.NEW}, S.ACKNOWLEDGED, _("Confirm order (발주확인)"), Capability.ACKNOWLEDGE),
        _t("register_invoice", {S.ACKNOWLEDGED, S.INVOICE_REGISTERED}, S.INVOICE_REGISTERED, _("Register invoice")),
        _t("send_invoice", {S.INVOICE_REGISTERED}, S.INVOICE_SENT, _("Send invoice"), Capability.INVOICE_UPLOAD),
        _t("force_complete", {S.INVOICE_REGISTERED}, S.INVOICE_SENT, _("Mark sent without sending")),
        _t(
            "update_invoice",
            {S.INVOICE_SENT, S.SHIPPED},
            S.INVOICE_SENT,
            _("Correct invoice"),
            Capability.INVOICE_UPDATE,
        ),
        _t(
            "seller_cancel",
            {S.NEW, S.ACKNOWLEDGED, S.INVOICE_REGISTERED},
            S.CANCELLED,
            _("Cancel sale (판매취소)"),
            Capability.SELLER_CANCEL,
        ),
        _t("mark_shipped", {S.INVOICE_SENT}, S.SHIPPED, _("Mark shipped")),
        _t("mark_delivered", {S.INVOICE_SENT, S.SHIPPED}, S.DELIVERED, _("Mark delivered")),
        _t("complete", {S.DELIVERED}, S.COMPLETED, _("Complete")),
        # Claims settled here (approve on the claims desk) close the line the claim covers.
        _t(
            "claim_cancel",
            {S.NEW, S.ACKNOWLEDGED, S.INVOICE_REGISTERED, S.INVOICE_SENT},
            S.CANCELLED,
            _("Cancel (claim)"),
        ),
        _t("claim_return", {S.INVOICE_SENT, S.SHIPPED, S.DELIVERED, S.COMPLETED}, S.RETURNED, _("Return (claim)")),
        _t("claim_exchange", {S.INVOICE_SENT, S.SHIPPED, S.DELIVERED, S.COMPLETED}, S.EXCHANGED, _("Exchange (claim)")),
    ]
}


class IllegalTransition(Exception):
    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        label = TRANSITIONS[action].label if action in TRANSITIONS else action
        super().__init__(
            _("“%(action)s” is not possible in the state “%(state)s”.")
            % {"action": label, "state": OrderState(state).label if state in OrderState.values else state}
        )


def transition_for(action: str, state: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.source:
        raise IllegalTransition(action, state)
    return transition


def allowed_actions(state: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if state in t.source]


# Channel -> ours ------------------------------------------------------------------------------------

FROM_CHANNEL = {
    LineState.PENDING_PAYMENT: S.PENDING_PAYMENT,
    LineState.PAID: S.NEW,
    LineState.ACKNOWLEDGED: S.ACKNOWLEDGED,
    LineState.SHIPPED: S.INVOICE_SENT,
    LineState.IN_TRANSIT: S.SHIPPED,
    LineState.DELIVERED: S.DELIVERED,
    LineState.PURCHASE_CONFIRMED: S.COMPLETED,
    LineState.CANCELLED: S.CANCELLED,
    LineState.RETURNED: S.RETURNED,
    LineState.EXCHANGED: S.EXCHANGED,
}


def initial_state(channel_state: str) -> OrderState | None:
    """The state of a newly collected line; None for a state we cannot place (flagged)."""
    try:
        return FROM_CHANNEL[LineState(channel_state)]
    except (KeyError, ValueError):
        return None


def sync_target(ours: str, channel_state: str) -> tuple[OrderState | None, bool]:
    """Where a line should go after the channel reported ``channel_state``.

    Returns (new state or None to stay, conflict). A channel that is ahead moves us forward; a
    channel end state (cancelled/returned/exchanged) closes the line; a channel behind what it can
    already see of ours is a conflict for a person, and our state stays.
    """
    target = initial_state(channel_state)
    if target is None:
        return None, True
    current = OrderState(ours)
    if target == current:
        return None, False
    if target in (S.CANCELLED, S.RETURNED, S.EXCHANGED):
        if target == S.CANCELLED and current in (S.RETURNED, S.EXCHANGED):
            return None, False  # Coupang reports returned and exchanged items as cancelled: agreed
        if current in (S.CANCELLED, S.RETURNED, S.EXCHANGED):
            return None, True  # two different end states: a person decides
        return target, False
    if current in (S.CANCELLED, S.RETURNED, S.EXCHANGED):
        return None, True  # closed here, still live at the channel
    visible = CHANNEL_VISIBLE.get(current, current)
    if RANK[target] > RANK[visible]:
        return target, False
    if RANK[target] == RANK[visible]:
        return None, False  # the channel has not seen our local step yet (e.g. invoice not sent)
    return None, True


def is_regression(ours: str, channel_state: str) -> bool:
    return sync_target(ours, channel_state)[1]


def order_summary_state(states: list[str]) -> str:
    """The order's state: the least advanced live line, else the first closed one's state."""
    live = [OrderState(s) for s in states if OrderState(s) not in (S.CANCELLED, S.RETURNED, S.EXCHANGED)]
    if live:
        return min(live, key=lambda s: RANK[s]).value
    return states[0] if states else S.NEW.value
