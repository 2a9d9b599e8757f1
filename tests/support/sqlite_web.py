"""The web process, simulated: threads writing through the real Django stack at the same time.

Run as ``python -m tests.support.sqlite_web --threads 4 --per-thread 50``. Thread ``t`` does
``per_thread`` operations; operation ``j`` is

- even ``j``: a POST of a wrong password to /admin/login/ for user ``web-{t}-{j}`` (the login form
  writes a LoginLog row, django-axes an AccessAttempt row inside its own transaction);
- odd ``j``: a read-then-write transaction creating the AccessLog row ``/web/{t}/{j}``.

After each operation the thread closes its connection, as a request does with CONN_MAX_AGE=0. Every
exception is recorded, and one JSON summary is printed to stdout.
"""

import argparse
import json
import sys
import threading
import time
import traceback

LOGIN_URL = "/admin/login/"
WRONG_PASSWORD = "not-the-password-0"


def login_username(thread: int, op: int) -> str:
    return f"web-{thread}-{op}"


def web_path(thread: int, op: int) -> str:
    return f"/web/{thread}/{op}"


def expected_rows(threads: int, per_thread: int) -> tuple[list[str], list[str]]:
    """(usernames of the login attempts, AccessLog paths of the ORM writes) the script makes."""
    usernames, paths = [], []
    for t in range(threads):
        for j in range(per_thread):
            if j % 2 == 0:
                usernames.append(login_username(t, j))
            else:
                paths.append(web_path(t, j))
    return usernames, paths


def _post_wrong_password(client, username: str) -> None:
    response = client.post(LOGIN_URL, {"username": username, "password": WRONG_PASSWORD, "otp_token": ""})
    if response.status_code != 200:
        raise AssertionError(f"login page answered {response.status_code}, expected the form again (200)")


def _orm_write(path: str) -> None:
    from django.db import transaction

    from modules.accounts.models import AccessLog

    with transaction.atomic():
        if AccessLog.objects.filter(path=path).exists():
            raise AssertionError(f"{path} already written")
        row = AccessLog.objects.create(username="web", method="POST", path=path, status=201)
        AccessLog.objects.filter(pk=row.pk).update(status=200)


def _task_rows() -> int:
    from modules.accounts.models import AccessLog

    return AccessLog.objects.filter(path__startswith="/task/").count()


def _wait_for_worker(seconds: float) -> bool:
    """Start writing only once the worker has written a row, so both really write at once."""
    from django.db import close_old_connections

    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if _task_rows():
                return True
            time.sleep(0.05)
        return False
    finally:
        close_old_connections()


def run(threads: int, per_thread: int, wait_for_worker: float) -> dict:
    from django.db import close_old_connections, connections
    from django.test import Client

    counts = {"logins": 0, "orm_writes": 0}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(t: int) -> None:
        # SERVER_NAME: the dev settings allow localhost, not the test client's default "testserver".
        client = Client(SERVER_NAME="localhost", raise_request_exception=True)
        try:
            barrier.wait()
            for j in range(per_thread):
                kind = "login" if j % 2 == 0 else "orm"
                try:
                    if kind == "login":
                        _post_wrong_password(client, login_username(t, j))
                    else:
                        _orm_write(web_path(t, j))
                except Exception as exc:
                    detail = "".join(traceback.format_exception_only(exc)).strip()
                    with lock:
                        errors.append(f"{kind} {t}/{j}: {detail}")
                else:
                    with lock:
                        counts["logins" if kind == "login" else "orm_writes"] += 1
                finally:
                    close_old_connections()
        except Exception as exc:  # the barrier or the client itself
            with lock:
                errors.append(f"thread {t}: {exc!r}")
        finally:
            connections.close_all()

    worker_seen = _wait_for_worker(wait_for_worker) if wait_for_worker > 0 else None
    tasks_before = _task_rows()
    close_old_connections()
    started = time.time()
    pool = [threading.Thread(target=work, args=(t,), name=f"web-{t}") for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    finished = time.time()
    tasks_after = _task_rows()
    close_old_connections()
    return {
        **counts,
        "errors": errors,
        "worker_seen": worker_seen,
        "task_rows_before": tasks_before,
        "task_rows_after": tasks_after,
        "started": started,
        "finished": finished,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--per-thread", type=int, default=50)
    parser.add_argument(
        "--wait-for-worker", type=float, default=0, help="seconds to wait for the first task row before writing"
    )
    args = parser.parse_args(argv)

    import django

    django.setup()

    from django.test.utils import override_settings

    # The dev settings hash with PBKDF2 (about a second of CPU per wrong password on a small machine);
    # the hash is not what is under test, so hash fast and spend the time on concurrent writes.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        summary = run(args.threads, args.per_thread, args.wait_for_worker)
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    from oms_site.env import exit_on_env_error

    with exit_on_env_error():
        sys.exit(main())
