"""Writes for stores: save with credentials, verify against the channel, schedules, collect now."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from integrations.channels.base import AuthFailed, ChannelError, VerifyResult
from integrations.channels.registry import adapter_class

from .adapters import adapter_for_store
from .models import Store, SyncKind, SyncRun

SYNC_TASK = "modules.channels.tasks.sync_store_kind"


def schedule_name(store: Store, kind: str) -> str:
    return f"channels.sync.store{store.pk}.{kind}"


def store_schedules_sync(*, store: Store) -> None:
    """One django-q2 schedule per store and enabled kind, at the store's interval."""
    now = timezone.now()
    for kind in SyncKind.values:
        name = schedule_name(store, kind)
        if store.kind_enabled(kind):
            minutes = store.sync_interval_minutes(kind)
            schedule, created = Schedule.objects.get_or_create(
                name=name,
                defaults={
                    "func": SYNC_TASK,
                    "args": repr((store.pk, str(kind))),
                    "schedule_type": Schedule.MINUTES,
                    "minutes": minutes,
                    "repeats": -1,
                    "next_run": now,
                },
            )
            if not created and schedule.minutes != minutes:
                Schedule.objects.filter(pk=schedule.pk).update(minutes=minutes)
        else:
            Schedule.objects.filter(name=name).delete()


def store_credentials_update(*, store: Store, values: dict[str, str]) -> bool:
    """Merge the non-empty credential values given; returns True when something changed."""
    fields = {field.name for field in adapter_class(store.marketplace).credential_fields}
    credentials = dict(store.credentials or {})
    changed = False
    for name, value in values.items():
        if name in fields and value and credentials.get(name) != value:
            credentials[name] = value
            changed = True
    if changed:
        store.credentials = credentials
        store.credentials_version += 1
    return changed


def store_save(*, store: Store, credentials: dict[str, str] | None = None, verify: bool = True) -> VerifyResult | None:
    """Save a store (new or edited), refresh its schedules, and ask the channel about the credentials.

    Saving never depends on the channel's answer: a failed check is stored on the store and shown
    as a warning, and sync stays stopped for these credentials until they change.
    """
    if credentials:
        store_credentials_update(store=store, values=credentials)
    store.full_clean()
    with transaction.atomic():
        store.save()
        store_schedules_sync(store=store)
    return store_verify(store=store) if verify else None


def store_verify(*, store: Store) -> VerifyResult:
    """Ask the channel whether the credentials work; the answer is kept on the store."""
    adapter = adapter_for_store(store)
    try:
        result = adapter.verify()
        status = Store.AuthStatus.OK if result.ok else Store.AuthStatus.FAILED
    except AuthFailed as exc:
        result = VerifyResult(ok=False, message=exc.message, code=exc.code or "auth_failed")
        status = Store.AuthStatus.FAILED
    except ChannelError as exc:  # unreachable, rate limited, 5xx: says nothing about the keys
        result = VerifyResult(ok=False, message=exc.message, code=exc.code or "error")
        status = Store.AuthStatus.ERROR
    finally:
        adapter.close()
    updates = {
        "auth_status": status,
        "auth_message": result.message[:500],
        "auth_checked_at": timezone.now(),
        "auth_failed_version": store.credentials_version if status == Store.AuthStatus.FAILED else None,
    }
    Store.objects.filter(pk=store.pk).update(**updates)
    for name, value in updates.items():
        setattr(store, name, value)
    return result


def sync_request(*, store: Store, kinds: list[str], user=None) -> list[SyncRun]:
    """ "Collect now": one queued run per kind, started by the worker after this commits."""
    runs = []
    with transaction.atomic():
        for kind in kinds:
            run = SyncRun.objects.create(
                store=store, kind=kind, trigger=SyncRun.Trigger.MANUAL, status=SyncRun.Status.QUEUED, requested_by=user
            )
            runs.append(run)
            transaction.on_commit(
                lambda run=run: async_task(
                    SYNC_TASK, run.store_id, run.kind, "manual", run.pk, task_name=f"collect-now-{run.pk}"
                )
            )
    return runs
