"""Jangteo benchmarks: `make bench` (or `.venv/bin/python -m bench [NAME ...]`).

Each benchmark is a module in this package (``bench/<name>.py``, not starting with ``_``, not
``common``) that defines ``run(args) -> list[dict]``. See ``bench/__main__.py`` for the convention
and ``bench/common.py`` for the throw-away database every run uses.
"""
