"""SQLite holds up when the web process and the django-q2 worker write at the same time.

Everything runs in subprocesses on a fresh SQLite file with the dev settings (WAL, busy_timeout,
IMMEDIATE transactions from oms_site.env.sqlite_options): ``migrate``, a real ``qcluster`` on the
ORM broker, a script that enqueues the tasks, and a script whose threads post wrong passwords to the
admin login and write through the ORM while the worker drains the queue. The pytest database is not
used. On PostgreSQL the question does not arise, so the module is skipped there.
"""

from collections import Counter

import pytest
from django.conf import settings

from tests.support.sqlite_stack import LOCKED, SqliteStack, Tables, run_scenario
from tests.support.sqlite_tasks import TASK_PATH
from tests.support.sqlite_web import expected_rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="SQLite locking only; PostgreSQL does not lock the whole database for a write",
    ),
]

TASKS = 150
THREADS = 4
PER_THREAD = 50


def test_dev_settings_connection_uses_wal_busy_timeout_and_immediate_transactions(tmp_path):
    stack = SqliteStack(tmp_path)
    probe = stack.run_json("-m", "tests.support.sqlite_probe", timeout=60)

    assert probe["database"] == str(stack.db_path)
    assert probe["journal_mode"] == "wal"
    assert probe["busy_timeout"] == 30000
    assert probe["synchronous"] == 1  # NORMAL: safe with WAL, no fsync per commit
    assert probe["foreign_keys"] == 1
    assert probe["transaction_mode"] == "IMMEDIATE"
    assert probe["write_lock_at_begin"], "an atomic block should hold the write lock from BEGIN"


def test_worker_and_web_write_at_the_same_time_without_locking_errors(tmp_path):
    stack = SqliteStack(tmp_path, worker_processes=2)
    result = run_scenario(stack, Tables.from_models(), tasks=TASKS, threads=THREADS, per_thread=PER_THREAD)
    state, web, enqueue = result.state, result.web, result.enqueue
    logs = "\n".join(f"--- {name} ---\n{text[-4000:]}" for name, text in result.logs.items())

    # Nothing failed anywhere, and nobody saw a lock error (the worker logs and swallows some).
    assert enqueue["errors"] == [], enqueue["errors"][:5]
    assert web["errors"] == [], web["errors"][:5]
    for name, text in result.logs.items():
        assert LOCKED not in text, f"{name} reported {LOCKED!r}\n{logs}"
        assert "OperationalError" not in text, f"{name} reported an OperationalError\n{logs}"
    assert state["failed"] == [], f"django-q recorded failed tasks: {state['failed'][:5]}"

    # Every task ran once and wrote its row once, with both writes of its transaction.
    assert enqueue["enqueued"] == TASKS
    assert state["succeeded"] == TASKS
    assert state["queued"] == 0
    assert state["task_rows"] == Counter({TASK_PATH.format(i): 1 for i in range(TASKS)})
    assert state["task_statuses"] == Counter({200: TASKS})

    # Every web write is there once: the ORM rows, and for each wrong password one LoginLog row
    # and one axes AccessAttempt row.
    usernames, paths = expected_rows(THREADS, PER_THREAD)
    assert (web["logins"], web["orm_writes"]) == (len(usernames), len(paths))
    assert state["web_rows"] == Counter(dict.fromkeys(paths, 1))
    assert state["web_statuses"] == Counter({200: len(paths)})
    assert state["login_logs"] == Counter(dict.fromkeys(usernames, 1))
    assert state["axes_attempts"] == Counter(dict.fromkeys(usernames, 1))

    # The writes really overlapped: the web threads started once the worker had written a row, and
    # the worker kept writing while they ran.
    assert web["worker_seen"], "the worker wrote nothing within 45 s of starting"
    assert web["task_rows_after"] > web["task_rows_before"], (web, result.timings)

    # SIGTERM stopped the worker cleanly.
    assert result.worker_returncode == 0, logs
