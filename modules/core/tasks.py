"""django-q2 task entry points for core: thin wrappers around services."""

from .services import worker_heartbeat_record


def worker_heartbeat() -> str:
    heartbeat = worker_heartbeat_record()
    return f"{heartbeat.host} {heartbeat.last_seen_at.isoformat()}"
