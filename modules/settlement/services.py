from django.db import transaction

from integrations.channels.base import SettlementLine
from modules.core.upsert import upsert_by_key
from modules.orders.services import CollectResult

from .models import ChannelSettlementLine


def settlement_lines_collect(*, store, lines: list[SettlementLine]) -> CollectResult:
    """Upsert the channel's settlement lines by (store, channel settlement id)."""
    result = CollectResult(fetched=len(lines))
    if not lines:
        return result
    rows = [
        {
            "channel_settlement_id": line.settlement_id[:160],
            "kind": line.kind[:30],
            "channel_order_id": line.order_id[:100],
            "channel_line_id": line.line_id[:120],
            "recognized_on": line.recognized_on,
            "settle_on": line.settle_on,
            "sale_amount": line.sale_amount,
            "commission": line.commission,
            "settlement_amount": line.settlement_amount,
            "raw": line.raw,
        }
        for line in lines
    ]
    with transaction.atomic():
        upserted = upsert_by_key(
            ChannelSettlementLine, scope={"store_id": store.pk}, key_field="channel_settlement_id", rows=rows
        )
    result.created, result.updated, result.unchanged = upserted.created, upserted.updated, upserted.unchanged
    return result
