"""The status machine table and the channel -> ours mapping used by two-way sync."""

import pytest

from modules.orders.status import (
    TRANSITIONS,
    IllegalTransition,
    OrderState,
    allowed_actions,
    initial_state,
    order_summary_state,
    sync_target,
    transition_for,
)

S = OrderState


def test_every_transition_targets_a_known_state_from_known_states():
    for action, transition in TRANSITIONS.items():
        assert transition.action == action
        assert transition.target in OrderState.values
        assert transition.source and transition.source <= set(OrderState)


@pytest.mark.parametrize(
    ("action", "state"),
    [("acknowledge", S.ACKNOWLEDGED), ("send_invoice", S.NEW), ("seller_cancel", S.SHIPPED), ("complete", S.SHIPPED)],
)
def test_illegal_moves_are_refused_with_a_message(action, state):
    with pytest.raises(IllegalTransition) as caught:
        transition_for(action, state)
    assert str(caught.value)


def test_new_lines_offer_confirm_and_cancel():
    assert {"acknowledge", "seller_cancel", "claim_cancel"} <= set(allowed_actions(S.NEW))
    assert "send_invoice" not in allowed_actions(S.NEW)


@pytest.mark.parametrize(
    ("ours", "channel", "expected"),
    [
        (S.NEW, "acknowledged", (S.ACKNOWLEDGED, False)),  # confirmed at the channel: follow
        (S.ACKNOWLEDGED, "shipped", (S.INVOICE_SENT, False)),
        (S.INVOICE_SENT, "delivered", (S.DELIVERED, False)),
        (S.INVOICE_REGISTERED, "acknowledged", (None, False)),  # our invoice is not sent yet: no conflict
        (S.ACKNOWLEDGED, "paid", (None, True)),  # the channel went back: flag, keep ours
        (S.INVOICE_SENT, "acknowledged", (None, True)),
        (S.ACKNOWLEDGED, "cancelled", (S.CANCELLED, False)),  # cancelled at the channel closes the line
        (S.CANCELLED, "paid", (None, True)),
        (S.RETURNED, "cancelled", (None, False)),  # Coupang's way of saying returned
        (S.CANCELLED, "returned", (None, True)),
        (S.DELIVERED, "delivered", (None, False)),
        (S.NEW, "unknown", (None, True)),
    ],
)
def test_sync_moves_forward_only_and_flags_regressions(ours, channel, expected):
    assert sync_target(ours, channel) == expected


def test_a_line_cancelled_at_the_source_starts_closed():
    assert initial_state("cancelled") == S.CANCELLED
    assert initial_state("paid") == S.NEW
    assert initial_state("mystery") is None


def test_order_state_is_the_least_advanced_live_line():
    assert order_summary_state([S.SHIPPED, S.ACKNOWLEDGED, S.CANCELLED]) == S.ACKNOWLEDGED
    assert order_summary_state([S.CANCELLED, S.RETURNED]) == S.CANCELLED
