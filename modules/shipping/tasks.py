"""Worker tasks of shipping: big print runs render on the worker, not in the web request
(1,000 labels take about a minute and most of a gigabyte in WeasyPrint)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.cache import cache

PDF_KEEP_SECONDS = 15 * 60


def pdf_cache_key(user_id: int | None, token: str) -> str:
    return f"shipping-pdf:{user_id}:{token}"


def labels_print_task(
    user_id: int | None, shipment_ids: list[int], layout_id: int | None, new_numbers: bool, token: str
):
    """Print labels for the user and leave the PDF where the page polling for it finds it."""
    from . import labels

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    key = pdf_cache_key(user_id, token)
    try:
        batch = labels.labels_print(shipment_ids=shipment_ids, layout=layout_id, user=user, new_numbers=new_numbers)
    except Exception as exc:
        cache.set(key, {"failed": str(exc)[:500]}, PDF_KEEP_SECONDS)
        raise
    cache.set(
        key,
        {
            "pdf": batch.pdf if batch.printed else b"",
            "name": "labels.pdf",
            "printed": len(batch.printed),
            "skipped": [list(item) for item in batch.skipped],
        },
        PDF_KEEP_SECONDS,
    )
    return {"printed": len(batch.printed), "skipped": len(batch.skipped)}
