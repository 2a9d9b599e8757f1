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


def listing_task_run(task_id: int) -> str:
    """Run a queued listing push/pull; its live log is in ListingTaskLog."""
    from .listing_services import listing_task_run as run
    from .models import ListingTask

    task = ListingTask.objects.select_related("store").filter(pk=task_id).first()
    if task is None:
        return f"listing task {task_id} no longer exists"
    if task.is_finished:
        return f"listing task {task_id} already finished"
    finished = run(task=task)
    return f"{finished.get_status_display()}: {finished.succeeded} ok, {finished.failed} failed"


def listing_changes_push_store(store_id: int) -> str:
    """Send a store's queued price/stock/status changes (the debounced one-off schedule calls this)."""
    from .listing_services import listing_changes_push

    store = Store.objects.filter(pk=store_id).first()
    if store is None:
        return f"store {store_id} no longer exists"
    task = listing_changes_push(store=store)
    if task is None:
        return "nothing to send"
    return f"{task.get_status_display()}: {task.succeeded} sent, {task.failed} failed"
