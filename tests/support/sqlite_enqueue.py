"""Enqueue ``--count`` write_row tasks through the configured broker and print a JSON summary.

Run as ``python -m tests.support.sqlite_enqueue --count 150`` with DJANGO_SETTINGS_MODULE and
DATABASE_URL set (see sqlite_stack.py). Each failed enqueue is recorded, not raised.
"""

import argparse
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--group", default="sqlite-concurrency")
    args = parser.parse_args(argv)

    import django

    django.setup()

    from django.conf import settings
    from django_q.tasks import async_task

    if settings.Q_CLUSTER.get("sync"):
        raise SystemExit("Q_CLUSTER sync mode is on: the tasks would not go through the broker")

    started = time.time()
    task_ids, errors = [], []
    for i in range(args.count):
        try:
            task_ids.append(
                async_task("tests.support.sqlite_tasks.write_row", i, group=args.group, task_name=f"sqlite-write-{i}")
            )
        except Exception as exc:
            errors.append(f"enqueue {i}: {exc!r}")
    summary = {
        "enqueued": len(task_ids),
        "errors": errors,
        "started": started,
        "finished": time.time(),
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    from oms_site.env import exit_on_env_error

    with exit_on_env_error():
        sys.exit(main())
