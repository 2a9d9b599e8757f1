"""Run the real stack (migrate, qcluster, web writers) against a throw-away SQLite file.

Used by tests/core/test_sqlite_concurrency.py. Every Django process here is a subprocess with its
own settings (by default the dev settings, as ``make run`` uses them); the calling process only
reads the database file afterwards, with the standard ``sqlite3`` module.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEV_SETTINGS = "oms_site.settings.dev"
TASK_GROUP = "sqlite-concurrency"
LOCKED = "database is locked"


@dataclass
class Background:
    """A subprocess in its own process group, its output going to files (no pipe to fill up)."""

    name: str
    popen: subprocess.Popen
    stdout_path: Path
    stderr_path: Path
    stopped: bool = False

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def describe(self) -> str:
        return f"--- {self.name} (exit {self.popen.poll()}) ---\n{self.output()[-6000:]}"

    def json_result(self, timeout: float) -> dict:
        """Wait for the script to end and return the JSON summary it printed last."""
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"{self.name} did not finish within {timeout:.0f} s\n{self.describe()}") from None
        lines = [line for line in self.stdout_path.read_text().splitlines() if line.startswith("{")]
        if self.popen.returncode != 0 or not lines:
            raise AssertionError(f"{self.name} failed\n{self.describe()}")
        return json.loads(lines[-1])

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM, then SIGKILL for the whole group if it has not exited within ``grace`` seconds."""
        if self.stopped:
            return self.popen.returncode
        self.stopped = True
        if self.running:
            try:
                self.popen.send_signal(signal.SIGTERM)
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._kill_group()
                self.popen.wait(timeout=grace)
        # Children that outlived their parent (qcluster's sentinel and workers) share its group.
        self._kill_group()
        return self.popen.returncode

    def _kill_group(self) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)


@dataclass
class SqliteStack:
    """Paths and environment for one temporary SQLite file and the processes that share it."""

    workdir: Path
    settings_module: str = DEV_SETTINGS
    worker_processes: int = 2
    extra_pythonpath: tuple[str, ...] = ()
    started: list[Background] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.workdir / "db.sqlite3"

    @property
    def var_dir(self) -> Path:
        return self.workdir / "var"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # REDIS_URL would switch django-q2 to the Redis broker; this is about the ORM broker.
        env.pop("REDIS_URL", None)
        pythonpath = [*self.extra_pythonpath, str(REPO)]
        if env.get("PYTHONPATH"):
            pythonpath.append(env["PYTHONPATH"])
        env.update(
            DATABASE_URL=f"sqlite:///{self.db_path}",  # an absolute path: sqlite:////tmp/…
            DJANGO_SETTINGS_MODULE=self.settings_module,
            JANGTEO_VAR_DIR=str(self.var_dir),
            WORKER_PROCESSES=str(self.worker_processes),
            PYTHONPATH=os.pathsep.join(pythonpath),
            PYTHONUNBUFFERED="1",
        )
        return env

    def run(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode})\n{result.stdout}\n{result.stderr}")
        return result

    def run_json(self, *args: str, timeout: float) -> dict:
        lines = [line for line in self.run(*args, timeout=timeout).stdout.splitlines() if line.startswith("{")]
        assert lines, f"{' '.join(args)} printed no JSON summary"
        return json.loads(lines[-1])

    def start(self, name: str, *args: str) -> Background:
        logs = self.workdir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stdout_path, stderr_path = logs / f"{name}.out", logs / f"{name}.err"
        with stdout_path.open("w") as stdout, stderr_path.open("w") as stderr:
            popen = subprocess.Popen(
                [sys.executable, *args],
                cwd=REPO,
                env=self.env(),
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = Background(name, popen, stdout_path, stderr_path)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()

    def connect(self) -> closing[sqlite3.Connection]:
        """A plain reader on the file (WAL lets it read while the others write), closed after use."""
        return closing(sqlite3.connect(self.db_path, timeout=30, isolation_level=None))


@dataclass(frozen=True)
class Tables:
    access_log: str
    login_log: str
    axes_attempt: str
    q_task: str
    q_queue: str

    @classmethod
    def from_models(cls) -> Tables:
        """Table names from the models (needs Django set up, as it is under pytest)."""
        from axes.models import AccessAttempt
        from django_q.models import OrmQ, Task

        from modules.accounts.models import AccessLog, LoginLog

        return cls(
            access_log=AccessLog._meta.db_table,
            login_log=LoginLog._meta.db_table,
            axes_attempt=AccessAttempt._meta.db_table,
            q_task=Task._meta.db_table,
            q_queue=OrmQ._meta.db_table,
        )


def task_progress(stack: SqliteStack, tables: Tables) -> tuple[int, int, int]:
    """(successful tasks of the group, failed tasks, messages still in the ORM queue)."""
    with stack.connect() as conn:
        succeeded = conn.execute(
            f'SELECT COUNT(*) FROM {tables.q_task} WHERE success AND "group" = ?',
            (TASK_GROUP,),
        ).fetchone()[0]
        failed = conn.execute(f"SELECT COUNT(*) FROM {tables.q_task} WHERE NOT success").fetchone()[0]
        queued = conn.execute(f"SELECT COUNT(*) FROM {tables.q_queue}").fetchone()[0]
    return succeeded, failed, queued


def wait_for_tasks(stack: SqliteStack, tables: Tables, worker: Background, count: int, timeout: float) -> float:
    """Seconds until ``count`` tasks succeeded and the queue is empty; fails early if the worker dies."""
    started = time.monotonic()
    progress = (0, 0, 0)
    while time.monotonic() - started < timeout:
        if not worker.running:
            raise AssertionError(f"the worker exited while tasks were pending {progress}\n{worker.describe()}")
        progress = task_progress(stack, tables)
        succeeded, failed, queued = progress
        if succeeded + failed >= count and queued == 0:
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(
        f"after {timeout:.0f} s: {progress[0]} of {count} tasks succeeded, {progress[1]} failed, "
        f"{progress[2]} still queued\n{worker.describe()}"
    )


def read_state(stack: SqliteStack, tables: Tables) -> dict:
    """What the processes left in the database, as plain counters."""
    with stack.connect() as conn:

        def counter(sql: str) -> Counter:
            return Counter(dict(conn.execute(sql).fetchall()))

        access = tables.access_log
        return {
            "task_rows": counter(f"SELECT path, COUNT(*) FROM {access} WHERE path LIKE '/task/%' GROUP BY path"),
            "task_statuses": counter(
                f"SELECT status, COUNT(*) FROM {access} WHERE path LIKE '/task/%' GROUP BY status"
            ),
            "web_rows": counter(f"SELECT path, COUNT(*) FROM {access} WHERE path LIKE '/web/%' GROUP BY path"),
            "web_statuses": counter(f"SELECT status, COUNT(*) FROM {access} WHERE path LIKE '/web/%' GROUP BY status"),
            "login_logs": counter(
                f"SELECT username, COUNT(*) FROM {tables.login_log} "
                "WHERE username LIKE 'web-%' AND reason = 'wrong_password' GROUP BY username"
            ),
            "axes_attempts": counter(
                f"SELECT username, COUNT(*) FROM {tables.axes_attempt} "
                "WHERE username LIKE 'web-%' AND failures_since_start = 1 GROUP BY username"
            ),
            "succeeded": conn.execute(
                f'SELECT COUNT(*) FROM {tables.q_task} WHERE success AND "group" = ?',
                (TASK_GROUP,),
            ).fetchone()[0],
            "failed": conn.execute(f"SELECT name, func FROM {tables.q_task} WHERE NOT success").fetchall(),
            "queued": conn.execute(f"SELECT COUNT(*) FROM {tables.q_queue}").fetchone()[0],
        }


@dataclass
class ScenarioResult:
    enqueue: dict
    web: dict
    state: dict
    logs: dict[str, str]
    timings: dict[str, float]
    worker_returncode: int | None


def run_scenario(
    stack: SqliteStack,
    tables: Tables,
    *,
    tasks: int,
    threads: int,
    per_thread: int,
    wait_timeout: float = 90,
) -> ScenarioResult:
    """migrate; start qcluster; enqueue ``tasks`` while web threads write; wait; stop the worker."""
    timings = {}
    began = time.monotonic()
    stack.run("manage.py", "migrate", "--noinput", "-v0", timeout=240)
    timings["migrate"] = time.monotonic() - began
    try:
        worker = stack.start("qcluster", "manage.py", "qcluster")
        enqueue = stack.start("enqueue", "-m", "tests.support.sqlite_enqueue", "--count", str(tasks))
        web = stack.start(
            "web",
            "-m",
            "tests.support.sqlite_web",
            "--threads",
            str(threads),
            "--per-thread",
            str(per_thread),
            "--wait-for-worker",
            "45",
        )
        enqueue_summary = enqueue.json_result(timeout=90)
        web_summary = web.json_result(timeout=90)
        timings["tasks_done_after_web"] = wait_for_tasks(stack, tables, worker, tasks, timeout=wait_timeout)
        worker_returncode = worker.stop(grace=10.0)
    finally:
        stack.stop_all()
    timings["total"] = time.monotonic() - began
    return ScenarioResult(
        enqueue=enqueue_summary,
        web=web_summary,
        state=read_state(stack, tables),
        logs={process.name: process.output() for process in stack.started},
        timings=timings,
        worker_returncode=worker_returncode,
    )
