"""8 threads × 100 reservations of one unit on a SKU with 500: exactly 500 succeed, nothing is
oversold, and the ledger agrees with the level — on PostgreSQL in the test database (row locks),
on SQLite in a subprocess on a fresh file (its single IMMEDIATE writer)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.support.sqlite_stack import SqliteStack

IS_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def check(outcome: dict) -> None:
    assert outcome["errors"] == []
    assert outcome["attempts"] == 800
    assert outcome["succeeded"] == 500
    assert outcome["held_rows"] == 500 and outcome["short_rows"] == 300
    assert (outcome["on_hand"], outcome["reserved"]) == (500, 500)
    assert (outcome["ledger_on_hand"], outcome["ledger_reserved"]) == (500, 500)
    assert outcome["reserve_movements"] == 500


@pytest.mark.skipif(IS_SQLITE, reason="threads share one connection per thread only on a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell_on_postgresql():
    from tests.support.stock_race import race

    outcome = race(threads=8, per_thread=100, stock=500)
    assert outcome["vendor"] == "postgresql"
    check(outcome)


@pytest.mark.slow
@pytest.mark.skipif(not IS_SQLITE, reason="the SQLite single-writer case")
def test_concurrent_reservations_never_oversell_on_sqlite(tmp_path):
    stack = SqliteStack(tmp_path)
    stack.run("manage.py", "migrate", "--noinput", "-v0", timeout=300)
    outcome = stack.run_json("-m", "tests.support.stock_race", timeout=600)
    assert outcome["vendor"] == "sqlite"
    check(outcome)
