"""The sync engine: one run = one store × one kind × one time window.

Guarantees
- One run per store and kind at a time, across processes and hosts: a lease on the SyncState row
  taken with a conditional UPDATE (the database serialises it; PostgreSQL and SQLite alike). A
  second run finds the lease held and is recorded as skipped.
- Idempotent: every page is upserted by (store, channel id) in its own transaction, so a page seen
  twice (a rerun, an overlapping window, a channel repeating rows) creates nothing twice.
- The cursor moves only after the whole window is committed; an error after page k leaves it where
  it was and the next run covers the same window again (windows also overlap by OVERLAP).
- Authentication failures stop the store's sync until its credentials change; rate limits and
  other retryable errors fail the run and the next scheduled run tries again.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.channels.base import (
    AuthFailed,
    Capability,
    ChannelAdapter,
    ChannelError,
    NotSupported,
    Page,
    TemplateKind,
    Window,
)
from modules.cs.services import inquiries_collect
from modules.orders.notify import order_notice
from modules.orders.services import CollectResult, claims_collect, orders_collect
from modules.settlement.services import settlement_lines_collect

from .adapters import adapter_for_store
from .models import Store, SyncKind, SyncRun, SyncRunError, SyncState

logger = logging.getLogger("jangteo.channels.sync")

OVERLAP = timedelta(minutes=10)
LEASE_TTL = timedelta(minutes=15)
FIRST_RUN_LOOKBACK = {
    SyncKind.ORDERS: timedelta(days=3),
    SyncKind.CLAIMS: timedelta(days=7),
    SyncKind.INQUIRIES: timedelta(days=7),
    SyncKind.SETTLEMENTS: timedelta(days=31),
    SyncKind.TEMPLATES: timedelta(0),
}
MAX_ERRORS_PER_RUN = 200
PROGRESS_EVERY_SECONDS = 0.5
LEASE_EXTEND_EVERY_SECONDS = 60


@dataclass(frozen=True)
class KindSpec:
    capability: Capability
    fetch: Callable[[ChannelAdapter, Window], Iterator[Page]]
    collect: Callable[..., CollectResult]


def _collect_templates(*, store, items) -> CollectResult:
    from snippets.services import templates_collect

    return templates_collect(store=store, templates=items)


def _fetch_templates(adapter: ChannelAdapter, window: Window) -> Iterator[Page]:
    for kind in TemplateKind:
        try:
            items = adapter.pull_templates(kind)
        except NotSupported:
            continue  # e.g. dispatch-deadline templates exist only on 11번가
        yield Page(items=items, label=str(kind))


KINDS: dict[str, KindSpec] = {
    SyncKind.ORDERS: KindSpec(
        Capability.ORDERS,
        lambda adapter, window: adapter.fetch_orders(window),
        lambda *, store, items: orders_collect(store=store, orders=items),
    ),
    SyncKind.CLAIMS: KindSpec(
        Capability.CLAIMS,
        lambda adapter, window: adapter.fetch_claims(window),
        lambda *, store, items: claims_collect(store=store, claims=items),
    ),
    SyncKind.INQUIRIES: KindSpec(
        Capability.INQUIRIES,
        lambda adapter, window: adapter.fetch_inquiries(window),
        lambda *, store, items: inquiries_collect(store=store, inquiries=items),
    ),
    SyncKind.SETTLEMENTS: KindSpec(
        Capability.SETTLEMENTS,
        lambda adapter, window: adapter.fetch_settlements(window),
        lambda *, store, items: settlement_lines_collect(store=store, lines=items),
    ),
    SyncKind.TEMPLATES: KindSpec(Capability.TEMPLATES_PULL, _fetch_templates, _collect_templates),
}


def sync_state_for(*, store: Store, kind: str) -> SyncState:
    state, _created = SyncState.objects.get_or_create(store=store, kind=kind)
    return state


def _lease_acquire(*, state: SyncState, now: datetime) -> str | None:
    token = secrets.token_hex(16)
    with transaction.atomic():
        taken = (
            SyncState.objects.filter(pk=state.pk)
            .filter(Q(lease_token="") | Q(lease_expires_at__lt=now))
            .update(lease_token=token, lease_expires_at=now + LEASE_TTL, last_run_at=now)
        )
    return token if taken else None


def _lease_extend(*, state: SyncState, token: str) -> None:
    SyncState.objects.filter(pk=state.pk, lease_token=token).update(lease_expires_at=timezone.now() + LEASE_TTL)


def _window_for(*, state: SyncState, kind: str, now: datetime) -> Window:
    if state.cursor_at is None:
        start = now - FIRST_RUN_LOOKBACK[kind]
    else:
        start = min(state.cursor_at, now) - OVERLAP
    return Window(start=start, end=now)


def _skip(*, store: Store, kind: str, trigger: str, message: str, user=None) -> SyncRun:
    now = timezone.now()
    return SyncRun.objects.create(
        store=store,
        kind=kind,
        trigger=trigger,
        status=SyncRun.Status.SKIPPED,
        finished_at=now,
        message=message[:500],
        requested_by=user,
    )


def sync_run(
    *,
    store: Store,
    kind: str,
    trigger: str = SyncRun.Trigger.SCHEDULE,
    user=None,
    now: datetime | None = None,
    adapter: ChannelAdapter | None = None,
    run: SyncRun | None = None,
) -> SyncRun:
    """Collect one kind for one store. Returns the finished SyncRun (never raises ChannelError)."""
    store.refresh_from_db()
    spec = KINDS[kind]
    if not store.kind_enabled(kind):
        return _finish_skipped(run, store, kind, trigger, user, _("Sync is switched off for this store."))
    if store.auth_blocked:
        return _finish_skipped(
            run,
            store,
            kind,
            trigger,
            user,
            _("Authentication failed: collection resumes when the API credentials change (%(message)s)")
            % {"message": store.auth_message},
        )
    adapter = adapter or adapter_for_store(store)
    if not adapter.supports(spec.capability):
        return _finish_skipped(run, store, kind, trigger, user, _("This marketplace does not offer it."))

    now = now or timezone.now()
    state = sync_state_for(store=store, kind=kind)
    token = _lease_acquire(state=state, now=now)
    if token is None:
        return _finish_skipped(
            run, store, kind, trigger, user, _("Another run of this kind is in progress for this store.")
        )

    state.refresh_from_db()
    window = _window_for(state=state, kind=kind, now=now)
    if run is None:
        run = SyncRun.objects.create(
            store=store,
            kind=kind,
            trigger=trigger,
            requested_by=user,
            window_start=window.start,
            window_end=window.end,
        )
    else:
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncRun.Status.RUNNING, window_start=window.start, window_end=window.end
        )
        run.refresh_from_db()
    totals = CollectResult()
    last_progress = last_lease = time.monotonic()
    try:
        for page in spec.fetch(adapter, window):
            result = spec.collect(store=store, items=page.items)
            totals.add(result)
            run.pages += 1
            for key in result.flagged_keys[:MAX_ERRORS_PER_RUN]:
                SyncRunError.objects.create(
                    run=run,
                    item_key=key[:200],
                    code="flagged",
                    message=_("Unknown status from the channel: stored as sent and flagged."),
                )
            # Progress for the live view at most twice a second, the lease once a minute: on
            # SQLite every such UPDATE is a write transaction of its own.
            now_mono = time.monotonic()
            if now_mono - last_progress >= PROGRESS_EVERY_SECONDS:
                last_progress = now_mono
                _save_progress(run, totals, page.label)
            if now_mono - last_lease >= LEASE_EXTEND_EVERY_SECONDS:
                last_lease = now_mono
                _lease_extend(state=state, token=token)
    except ChannelError as exc:
        return _fail(run=run, store=store, state=state, token=token, totals=totals, error=exc)
    except Exception as exc:  # a bug or a malformed payload: the run fails, the cursor stays
        logger.exception("sync run %s failed", run.pk)
        return _fail(run=run, store=store, state=state, token=token, totals=totals, error=exc)

    finished = timezone.now()
    with transaction.atomic():
        SyncState.objects.filter(pk=state.pk, lease_token=token).update(
            cursor_at=window.end,
            last_success_at=finished,
            last_error="",
            lease_token="",
            lease_expires_at=None,
        )
        status = SyncRun.Status.PARTIAL if totals.flagged else SyncRun.Status.SUCCEEDED
        _save_run(run, totals, status=status, finished=finished, message="")
        if store.auth_status != Store.AuthStatus.OK:
            Store.objects.filter(pk=store.pk).update(
                auth_status=Store.AuthStatus.OK, auth_message="", auth_checked_at=finished
            )
    return run


def _save_progress(run: SyncRun, totals: CollectResult, label: str) -> None:
    SyncRun.objects.filter(pk=run.pk).update(
        pages=run.pages,
        fetched=totals.fetched,
        created=totals.created,
        updated=totals.updated,
        unchanged=totals.unchanged,
        flagged=totals.flagged,
        progress=(_("page %(page)d") % {"page": run.pages} + f" · {label}")[:200],
    )


def _finish_skipped(run, store, kind, trigger, user, message) -> SyncRun:
    if run is None:
        return _skip(store=store, kind=kind, trigger=trigger, message=message, user=user)
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRun.Status.SKIPPED, finished_at=timezone.now(), message=message[:500]
    )
    run.refresh_from_db()
    return run


def _save_run(run: SyncRun, totals: CollectResult, *, status: str, finished: datetime, message: str) -> None:
    run.status = status
    run.finished_at = finished
    run.fetched, run.created, run.updated = totals.fetched, totals.created, totals.updated
    run.unchanged, run.flagged = totals.unchanged, totals.flagged
    run.message = message[:500]
    run.progress = ""
    run.save(
        update_fields=[
            "status",
            "finished_at",
            "fetched",
            "created",
            "updated",
            "unchanged",
            "flagged",
            "message",
            "progress",
            "pages",
        ]
    )


def _fail(*, run, store, state, token, totals, error: Exception) -> SyncRun:
    finished = timezone.now()
    if isinstance(error, ChannelError):
        code, message, request_id = error.code or type(error).__name__, error.message, error.request_id
    else:
        code, message, request_id = type(error).__name__, _("Internal error: %(error)s") % {"error": error}, ""
    with transaction.atomic():
        SyncRunError.objects.create(
            run=run, code=code[:100], message=message[:1000], request_id=(request_id or "")[:200]
        )
        # The cursor stays: the next run covers this window again.
        SyncState.objects.filter(pk=state.pk, lease_token=token).update(
            lease_token="", lease_expires_at=None, last_error=message[:500], last_error_at=finished
        )
        _save_run(run, totals, status=SyncRun.Status.FAILED, finished=finished, message=message)
        SyncRun.objects.filter(pk=run.pk).update(failed=F("failed") + 1)
        if isinstance(error, AuthFailed):
            Store.objects.filter(pk=store.pk).update(
                auth_status=Store.AuthStatus.FAILED,
                auth_message=message[:500],
                auth_checked_at=finished,
                auth_failed_version=store.credentials_version,
            )
    # Never raises (a notice that cannot be recorded is logged): the run stays failed as saved.
    order_notice(kind="sync.failed", store=store, message=message, payload={"sync_kind": run.kind, "run_id": run.pk})
    run.refresh_from_db()
    return run
