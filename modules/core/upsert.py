"""Bulk upsert by natural key, with a content digest so unchanged rows cost no write.

Every channel object is keyed by (store, channel id). A collection page is upserted with a fixed
number of queries: one SELECT of the existing keys, one bulk INSERT, one bulk UPDATE.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import models


def content_digest(values: dict[str, Any]) -> str:
    # Key order comes from our row builders and the channel's payload; a channel reordering keys
    # costs one needless update, never a missed one.
    payload = json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # key value -> primary key
    created_keys: list[str] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)


def upsert_by_key(
    model: type[models.Model],
    *,
    scope: dict[str, Any],
    key_field: str,
    rows: list[dict[str, Any]],
    hash_field: str = "content_hash",
    batch_size: int = 500,
) -> UpsertResult:
    """Insert or update ``rows`` (dicts of field values incl. ``key_field``) within ``scope``.

    ``scope`` fixes the other part of the natural key (e.g. {"store_id": 3}); rows repeated in the
    input are collapsed (the last one wins), so a page that repeats rows is harmless.
    """
    result = UpsertResult()
    if not rows:
        return result
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_key[str(row[key_field])] = row
    existing = {
        str(key): (pk, digest)
        for pk, key, digest in model._default_manager.filter(**scope, **{f"{key_field}__in": list(by_key)})
        .order_by()
        .values_list("pk", key_field, hash_field)
    }
    to_create, to_update = [], []
    update_fields: set[str] = set()
    for key, row in by_key.items():
        digest = content_digest(row)
        if key in existing:
            pk, old_digest = existing[key]
            result.ids[key] = pk
            if old_digest == digest:
                result.unchanged += 1
                continue
            obj = model(pk=pk, **scope, **row, **{hash_field: digest})
            update_fields.update(row)
            to_update.append(obj)
            result.updated_keys.append(key)
        else:
            to_create.append(model(**scope, **row, **{hash_field: digest}))
            result.created_keys.append(key)
    if to_create:
        created = model._default_manager.bulk_create(to_create, batch_size=batch_size)
        result.created = len(created)
        if created and created[0].pk is None:  # backends that do not return ids
            fresh = model._default_manager.filter(**scope, **{f"{key_field}__in": result.created_keys})
            result.ids.update({str(k): pk for pk, k in fresh.values_list("pk", key_field)})
        else:
            result.ids.update({str(getattr(obj, key_field)): obj.pk for obj in created})
    if to_update:
        update_fields.discard(key_field)
        fields = sorted(update_fields | {hash_field} | _auto_now_fields(model))
        for obj in to_update:
            for name in _auto_now_fields(model):
                setattr(obj, name, _now())
        model._default_manager.bulk_update(to_update, fields, batch_size=batch_size)
        result.updated = len(to_update)
    return result


def _auto_now_fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}


def _now():
    from django.utils import timezone

    return timezone.now()
