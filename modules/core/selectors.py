import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import WorkerHeartbeat

# The heartbeat task runs every minute; three missed beats means no worker is running tasks.
WORKER_STALE_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class HealthCheck:
    key: str
    name: str
    ok: bool
    summary: str
    detail: str = ""


def _database_check() -> HealthCheck:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            detail = connection.vendor
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode")
                detail = f"SQLite ({cursor.fetchone()[0].upper()})"
            elif connection.vendor == "postgresql":
                detail = f"PostgreSQL {connection.pg_version // 10000}"
    except Exception as exc:  # the panel must render even when the database is down
        return HealthCheck("database", _("Database"), False, _("Not reachable"), str(exc))
    elapsed_ms = (time.perf_counter() - started) * 1000
    return HealthCheck("database", _("Database"), True, _("OK (%(ms).1f ms)") % {"ms": elapsed_ms}, detail)


def worker_last_seen() -> datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("last_seen_at"))["last"]


def _worker_check(now: datetime) -> HealthCheck:
    try:
        last = worker_last_seen()
    except Exception as exc:
        return HealthCheck("worker", _("Worker"), False, _("Unknown"), str(exc))
    if last is None:
        return HealthCheck(
            "worker", _("Worker"), False, _("No task has run yet"), _("Is the worker process running?")
        )
    local = timezone.localtime(last)
    summary = _("Last task at %(time)s") % {"time": local.strftime("%Y-%m-%d %H:%M:%S")}
    if now - last > WORKER_STALE_AFTER:
        return HealthCheck(
            "worker",
            _("Worker"),
            False,
            summary,
            _("No heartbeat for more than %(minutes)d minutes")
            % {"minutes": int(WORKER_STALE_AFTER.total_seconds() // 60)},
        )
    return HealthCheck("worker", _("Worker"), True, summary)


def _queue_check() -> HealthCheck:
    uses_redis = "redis" in settings.Q_CLUSTER
    name = _("Task queue")
    broker = "Redis" if uses_redis else _("Database (ORM)")
    try:
        from django_q.brokers import get_broker

        queued = get_broker().queue_size()
    except Exception as exc:
        return HealthCheck("queue", name, False, broker, str(exc))
    return HealthCheck("queue", name, True, broker, _("%(count)s waiting") % {"count": queued})


def _cache_check() -> HealthCheck:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("health:ping", "pong", 10)
        ok = cache.get("health:ping") == "pong"
    except Exception as exc:
        return HealthCheck("cache", _("Cache"), False, backend, str(exc))
    return HealthCheck("cache", _("Cache"), ok, backend if ok else _("Read-back failed"))


def system_health(*, now: datetime | None = None, keys: set[str] | None = None) -> list[HealthCheck]:
    now = now or timezone.now()
    checks = {
        "database": _database_check,
        "worker": lambda: _worker_check(now),
        "queue": _queue_check,
        "cache": _cache_check,
    }
    return [check() for key, check in checks.items() if keys is None or key in keys]
