"""Task functions the real django-q2 worker runs in tests/core/test_sqlite_concurrency.py."""

from django.db import transaction

from modules.accounts.models import AccessLog

TASK_PATH = "/task/{}"


def write_row(i: int) -> int:
    """One transaction that reads, then writes twice: the shape that trips SQLite when it is not tuned.

    In a DEFERRED transaction the first SELECT takes a read snapshot and the INSERT must then upgrade
    it to the write lock; if another connection wrote in between, SQLite answers "database is locked"
    at once, whatever the busy timeout. ``transaction_mode=IMMEDIATE`` takes the write lock at BEGIN.
    """
    path = TASK_PATH.format(i)
    with transaction.atomic():
        if AccessLog.objects.filter(path=path).exists():
            raise RuntimeError(f"task {i} ran twice: {path} already written")
        row = AccessLog.objects.create(username="worker", method="TASK", path=path, status=202)
        AccessLog.objects.filter(pk=row.pk).update(status=200)
    return i
