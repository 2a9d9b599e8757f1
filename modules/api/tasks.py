from .services import api_cleanup


def api_cleanup_task() -> dict[str, int]:
    """Nightly: Open API log retention and expired idempotency keys."""
    return api_cleanup()
