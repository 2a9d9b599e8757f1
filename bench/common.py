"""Shared plumbing for the benchmarks: a throw-away database, Django start-up, timing, results.

The database
    By default every run starts from an empty SQLite file, ``var/bench/bench.sqlite3``, deleted
    first and migrated with ``migrate`` (verbosity 0). ``var/jangteo.sqlite3`` is never opened.
    ``BENCH_DATABASE_URL`` (for example ``postgres://user@localhost/jangteo_bench``) replaces the
    SQLite file; it must name a throw-away database, because benchmarks delete and create rows in
    it. It is refused when it equals ``DATABASE_URL``.

Everything else a run writes (generated dev secrets, the file cache, static root) goes to
``var/bench/`` too (``JANGTEO_VAR_DIR``), and ``REDIS_URL`` is ignored, so a benchmark never
shares a cache with a running ``make run`` (e.g. its cached allow-list of IP addresses).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_VAR_DIR = REPO_ROOT / "var" / "bench"
BENCH_SQLITE = BENCH_VAR_DIR / "bench.sqlite3"
SETTINGS_MODULE = "oms_site.settings.dev"


def log(message: str) -> None:
    """Progress goes to stderr; stdout carries only the JSON result lines."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _prepare_environment() -> str:
    """Point Django at the bench database and var dir. Returns a description of the database."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    BENCH_VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Our own file cache: start it empty so nothing from an earlier run is reused.
    shutil.rmtree(BENCH_VAR_DIR / "cache", ignore_errors=True)
    os.environ["JANGTEO_VAR_DIR"] = str(BENCH_VAR_DIR)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE

    custom = (os.environ.get("BENCH_DATABASE_URL") or "").strip()
    if custom:
        if custom == (os.environ.get("DATABASE_URL") or "").strip():
            raise SystemExit("BENCH_DATABASE_URL equals DATABASE_URL; benchmarks need a throw-away database")
        if "jangteo.sqlite3" in custom:
            raise SystemExit("BENCH_DATABASE_URL points at the application database; use a throw-away one")
        os.environ["DATABASE_URL"] = custom
        return custom.split("@")[-1]  # no password in the log

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_SQLITE}"  # absolute path: sqlite:////abs/path
    return str(BENCH_SQLITE.relative_to(REPO_ROOT))


def setup_django() -> str:
    """Configure the environment, start Django and migrate the bench database (once per process)."""
    described = _prepare_environment()

    import django

    from oms_site.env import exit_on_env_error

    with exit_on_env_error():
        django.setup()

    from django.conf import settings
    from django.core.management import call_command

    # django.test.Client sends Host: testserver (what setup_test_environment() allows; we skip
    # that call because its instrumented template rendering would slow down what we measure).
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    log(f"database: {described}; migrating…")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f}s")
    return described


def time_calls(fn: Callable[[], object], repeat: int, *, warmup: int = 1) -> list[float]:
    """Seconds taken by each of ``repeat`` calls of ``fn``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return timings


def median(values: list[float]) -> float:
    return statistics.median(values)


def result(*, name: str, n: int, ours_s: float, baseline_s: float, notes: str) -> dict:
    """One measurement in the shape ``python -m bench`` prints (ratio = ours / baseline)."""
    return {
        "name": name,
        "n": n,
        "ours_s": round(ours_s, 6),
        "baseline_s": round(baseline_s, 6),
        "ratio": round(ours_s / baseline_s, 3) if baseline_s > 0 else None,
        "notes": notes,
    }
