"""The one place where a settled claim touches stock (the Inventory issue fills it in).

Every claim that closes order lines — a cancel, return or exchange approved or completed on the
claims desk, or completed at the channel and collected by sync — calls ``claim_stock_effect`` once
(``claims._settle``). Each line carries ``state_before_claim``: its state before the claim closed it
("" when it was collected already closed), which tells whether the goods had left the warehouse —
a cancel before shipping only releases what was set aside; a return brings goods back; an exchange
brings one back and sends a replacement out.

Until inventory exists this records an OrderEvent ``stock_effect_pending`` per line saying which
SKU and how many would move, so nothing is lost: the Inventory issue can replay those events
(payload ``effect``, ``sku_id``, ``quantity``, ``claim_id``) and then replace the body of this
function with real ledger movements. It is idempotent per (claim, line): a second call for the same
claim and line records nothing.
"""

from __future__ import annotations

from .models import OrderEvent
from .services import event_build
from .status import OrderState

PENDING_KIND = "stock_effect_pending"

# Lines in these states had not left the warehouse when the claim closed them.
_NOT_SHIPPED = frozenset(
    {OrderState.PENDING_PAYMENT, OrderState.NEW, OrderState.ACKNOWLEDGED, OrderState.INVOICE_REGISTERED}
)

_MESSAGES = {
    "release": "재고 반영 대기: 출고 전 취소 — 할당 해제 {qty}개 ({sku})",
    "restock": "재고 반영 대기: 반품 입고 {qty}개 ({sku})",
    "exchange": "재고 반영 대기: 교환 — 회수 입고 {qty}개, 교환품 출고 {qty}개 ({sku})",
}


def _effect(claim_type: str, line_state: str) -> str:
    if claim_type == "cancel":
        # A line collected already cancelled ("") never left the warehouse either.
        return "release" if not line_state or line_state in _NOT_SHIPPED else "restock"
    if claim_type == "return":
        return "restock"
    return "exchange"


def _quantities(claim, lines) -> dict[int, int]:
    """Per line: the claim's quantity when it covers one line, else each line's own quantity
    (channels give one total for a claim over several lines)."""
    if len(lines) == 1 and claim.quantity:
        return {lines[0].pk: min(claim.quantity, lines[0].quantity or claim.quantity)}
    return {line.pk: line.quantity for line in lines}


def claim_stock_effect(*, claim, lines, user) -> list[OrderEvent]:
    """Record what the settled ``claim`` would move in stock for ``lines`` (see the module doc)."""
    lines = [line for line in lines if line.pk is not None]
    if not lines:
        return []
    done = {
        line_id
        for line_id, payload in OrderEvent.objects.filter(line_id__in=[line.pk for line in lines], kind=PENDING_KIND)
        .order_by()
        .values_list("line_id", "payload")
        if (payload or {}).get("claim_id") == claim.pk
    }
    quantities = _quantities(claim, lines)
    acting_user = user if user is not None and user.is_authenticated else None
    source = OrderEvent.Source.USER if acting_user else OrderEvent.Source.SYSTEM
    events = []
    for line in lines:
        if line.pk in done:
            continue
        before = getattr(line, "state_before_claim", line.state)
        effect = _effect(claim.claim_type, before)
        sku_label = line.seller_code or line.channel_option_id or "SKU 미매칭"
        events.append(
            event_build(
                order_id=line.order_id,
                line_id=line.pk,
                kind=PENDING_KIND,
                new=effect,
                message=_MESSAGES[effect].format(qty=quantities[line.pk], sku=sku_label),
                source=source,
                user=acting_user,
                payload={
                    "claim_id": claim.pk,
                    "channel_claim_id": claim.channel_claim_id,
                    "claim_type": claim.claim_type,
                    "effect": effect,
                    "sku_id": line.sku_id,
                    "seller_code": line.seller_code,
                    "quantity": quantities[line.pk],
                    "claim_quantity": claim.quantity,
                    "line_state": before,
                },
            )
        )
    OrderEvent.objects.bulk_create(events)
    return events
