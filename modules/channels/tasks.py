"""django-q2 entry points for channel sync: load, call the service, report."""

from .models import Store, SyncRun
from .sync import sync_run


def sync_store_kind(store_id: int, kind: str, trigger: str = "schedule", run_id: int | None = None) -> str:
    store = Store.objects.filter(pk=store_id).first()
    if store is None:
        return f"store {store_id} no longer exists"
    run = SyncRun.objects.filter(pk=run_id).first() if run_id else None
    finished = sync_run(store=store, kind=kind, trigger=trigger, run=run, user=run.requested_by if run else None)
    return f"{finished.get_status_display()}: fetched {finished.fetched}, created {finished.created}"
