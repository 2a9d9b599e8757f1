import os
import socket

from django.db import transaction
from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, host: str | None = None, pid: int | None = None) -> WorkerHeartbeat:
    """Called from a scheduled task: proves a worker is alive and running tasks."""
    with transaction.atomic():
        heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
            host=(host or socket.gethostname())[:100],
            defaults={"last_seen_at": timezone.now(), "pid": pid if pid is not None else os.getpid()},
        )
    return heartbeat
