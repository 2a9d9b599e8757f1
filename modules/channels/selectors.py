from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from django_q.models import Schedule

from .models import Store, SyncKind, SyncRun, SyncState


def sync_runs() -> QuerySet:
    return SyncRun.objects.select_related("store").annotate(error_count=Count("errors"))


@dataclass
class KindFreshness:
    kind: str
    label: str
    enabled: bool
    last_success_at: datetime | None = None
    cursor_at: datetime | None = None
    next_run_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    running: bool = False

    @property
    def lag_minutes(self) -> int | None:
        if self.cursor_at is None:
            return None
        return max(0, int((timezone.now() - self.cursor_at).total_seconds() // 60))

    @property
    def failing(self) -> bool:
        return bool(self.last_error) and (
            self.last_success_at is None or (self.last_error_at and self.last_error_at > self.last_success_at)
        )


@dataclass
class StoreFreshness:
    store: Store
    kinds: list[KindFreshness] = field(default_factory=list)


def store_freshness() -> list[StoreFreshness]:
    """Every store with last success, lag, next run and last error per kind (three queries)."""
    stores = list(Store.objects.all())
    states = {(s.store_id, s.kind): s for s in SyncState.objects.filter(store__in=stores)}
    schedules = dict(Schedule.objects.filter(name__startswith="channels.sync.store").values_list("name", "next_run"))
    now = timezone.now()
    rows = []
    for store in stores:
        row = StoreFreshness(store=store)
        for kind, label in SyncKind.choices:
            state = states.get((store.pk, kind))
            item = KindFreshness(kind=kind, label=label, enabled=store.kind_enabled(kind))
            item.next_run_at = schedules.get(f"channels.sync.store{store.pk}.{kind}")
            if state is not None:
                item.last_success_at = state.last_success_at
                item.cursor_at = state.cursor_at
                item.last_error = state.last_error
                item.last_error_at = state.last_error_at
                item.running = bool(state.lease_token) and bool(state.lease_expires_at and state.lease_expires_at > now)
            row.kinds.append(item)
        rows.append(row)
    return rows


def runs_by_ids(ids: list[int]) -> QuerySet:
    return SyncRun.objects.filter(pk__in=ids).select_related("store").annotate(error_count=Count("errors"))
