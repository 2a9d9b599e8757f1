"""django-q2 entry points for inventory: load, call the service, report."""


def allocation_refresh_dirty() -> str:
    """Push the allocated quantities of the SKUs whose stock changed (the debounced one-off schedule)."""
    from .allocation import allocation_refresh_dirty as refresh

    result = refresh()
    return f"{result.options} options, {result.queued} queued, {result.stopped} stopped, {result.resumed} resumed"


def stock_reconcile() -> str:
    """Recompute stock from the ledger and compare with the channels (the nightly schedule)."""
    from .models import ReconcileRun
    from .reconcile import stock_reconcile as reconcile

    run = reconcile(trigger=ReconcileRun.Trigger.SCHEDULE)
    return f"{run.levels_checked} levels, {run.drift_count} drifted, {run.channel_mismatches} differ at the channel"
