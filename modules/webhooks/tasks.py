"""django-q2 entry points for webhooks: call the service, report."""


def webhooks_scan_and_send() -> str:
    """File new events from the order, claim and stock tables, then post what is due (every minute)."""
    from .delivery import deliveries_send_due
    from .scanner import webhooks_scan

    scanned = webhooks_scan()
    sent = deliveries_send_due()
    return (
        f"{scanned.events} events, {scanned.deliveries} deliveries filed; "
        f"{sent.attempted} attempted, {sent.succeeded} succeeded, {sent.failed} failed, "
        f"{sent.skipped_unreachable + sent.left_for_later} left for later"
    )


def webhook_deliver(delivery_id: int) -> str:
    """One delivery now (a redelivery from the admin)."""
    from .delivery import delivery_attempt

    attempt = delivery_attempt(delivery_id=delivery_id)
    if attempt is None:
        return "not open or held by another worker"
    return f"attempt {attempt.number}: {attempt.status_code or attempt.error}"


def webhooks_purge() -> str:
    """Events past the retention period, with their deliveries and attempts (nightly)."""
    from .services import webhook_events_purge

    return f"{webhook_events_purge()} events removed"
