from django.db import transaction

from integrations.channels.base import ChannelInquiry
from modules.core.upsert import upsert_by_key
from modules.orders.services import CollectResult

from .models import Inquiry


def inquiries_collect(*, store, inquiries: list[ChannelInquiry]) -> CollectResult:
    """Upsert collected inquiries by (store, channel inquiry id)."""
    result = CollectResult(fetched=len(inquiries))
    if not inquiries:
        return result
    rows = [
        {
            "channel_inquiry_id": item.inquiry_id[:120],
            "kind": item.kind.value,
            "title": item.title[:300],
            "content": item.content,
            "author": item.author[:100],
            "channel_product_id": item.product_id[:100],
            "product_name": item.product_name[:300],
            "channel_order_id": item.order_id[:100],
            "asked_at": item.created_at,
            "answered": item.answered,
            "answer": item.answer,
            "answered_at": item.answered_at,
            "ref": item.ref,
            "raw": item.raw,
        }
        for item in inquiries
    ]
    with transaction.atomic():
        upserted = upsert_by_key(Inquiry, scope={"store_id": store.pk}, key_field="channel_inquiry_id", rows=rows)
    result.created, result.updated, result.unchanged = upserted.created, upserted.updated, upserted.unchanged
    return result
