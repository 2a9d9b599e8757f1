"""Print, as JSON, how a database connection from the current settings is set up.

Run as ``python -m tests.support.sqlite_probe`` with DATABASE_URL pointing at an SQLite file.
"""

import json
import sqlite3
import sys


def main() -> int:
    import django

    django.setup()

    from django.db import connection, transaction

    with connection.cursor() as cursor:
        pragmas = {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")
        }

    # With IMMEDIATE transactions an atomic block holds the write lock from BEGIN, before any write:
    # a second connection that does not wait must then be refused the write lock.
    with transaction.atomic():
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            write_lock_at_begin = "locked" in str(exc)
        else:
            other.execute("ROLLBACK")
            write_lock_at_begin = False
        finally:
            other.close()

    summary = {
        **pragmas,
        "transaction_mode": connection.transaction_mode,
        "write_lock_at_begin": write_lock_at_begin,
        "database": str(connection.settings_dict["NAME"]),
    }
    connection.close()
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    from oms_site.env import exit_on_env_error

    with exit_on_env_error():
        sys.exit(main())
