"""Run the benchmarks: ``.venv/bin/python -m bench [NAME ...] [--repeat N] [-v]`` (``make bench``).

Convention
    A benchmark is a module ``bench/<name>.py`` (name not starting with ``_``; ``common`` is the
    shared helper module, not a benchmark) that defines ``run(args) -> list[dict]``. ``args`` is
    the parsed command line (``args.repeat``, ``args.verbose``). Each dict is one measurement::

        {"name": str, "n": int, "ours_s": float, "baseline_s": float, "ratio": float, "notes": str}

    where ``baseline_s`` is measured in the same run and ``ratio = ours_s / baseline_s``
    (``bench.common.result`` builds it). Django is set up, on a fresh throw-away database, before
    any benchmark module is imported, so a module may import models at the top. ``--list`` prints
    the names found without importing anything.

Output
    stdout carries exactly one JSON object per line per measurement and nothing else; progress,
    warnings and anything a benchmark prints go to stderr. Exit status 0 when every benchmark ran,
    1 when one failed (the others still run), 2 for an unknown name.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import pkgutil
import sys
import traceback
from pathlib import Path

NOT_BENCHMARKS = {"common"}


def benchmark_names() -> list[str]:
    package_dir = Path(__file__).resolve().parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(package_dir)])
        if not info.name.startswith("_") and info.name not in NOT_BENCHMARKS and not info.ispkg
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run Jangteo's benchmarks.")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--repeat", type=int, default=10, help="timed repetitions per measurement (default 10)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the captured SQL to stderr")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    available = benchmark_names()
    if args.list:
        for name in available:
            print(name)
        return 0
    unknown = [name for name in args.names if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    selected = args.names or available

    out = sys.stdout
    failed = False
    # Anything printed while benchmarks run (Django, Wagtail, a stray print) lands on stderr.
    with contextlib.redirect_stdout(sys.stderr):
        from bench.common import log, setup_django

        setup_django()
        for name in selected:
            log(f"running {name}")
            try:
                module = importlib.import_module(f"bench.{name}")
                run = getattr(module, "run", None)
                if not callable(run):
                    log(f"skipping {name}: it has no run(args) function")
                    continue
                for measurement in run(args):
                    out.write(json.dumps(measurement, ensure_ascii=False) + "\n")
                    out.flush()
            except Exception:
                failed = True
                log(f"{name} failed:")
                traceback.print_exc(file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
