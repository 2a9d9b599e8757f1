"""Runs the three marketplace simulators as local servers (the `sandbox` process of `make run`).

    python -m integrations.sandbox [--host 127.0.0.1] [--arrival-seconds 5]

Coupang on :8101, Naver on :8102, 11번가 on :8103 (SANDBOX_PORTS overrides). New orders arrive
every few seconds, and now and then a claim or an inquiry, so the demo stores have work to sync.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .registry import build_apps

DEFAULT_PORTS = {"coupang": 8101, "naver": 8102, "elevenst": 8103}


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if os.environ.get("SANDBOX_LOG_REQUESTS"):
            super().log_message(format, *args)


def ports_from_env() -> dict[str, int]:
    ports = dict(DEFAULT_PORTS)
    for item in filter(None, os.environ.get("SANDBOX_PORTS", "").split(",")):
        name, _sep, port = item.partition("=")
        ports[name.strip()] = int(port)
    return ports


def arrivals(apps, interval: float, stop: threading.Event) -> None:
    tick = 0
    while not stop.wait(interval):
        tick += 1
        for app in apps.values():
            try:
                with app.lock:
                    app.create_orders(app.rng.randint(1, 3))
                    if tick % 6 == 0:
                        app.create_claim(app.rng.choice(["cancel", "return", "exchange"]))
                    if tick % 4 == 0:
                        app.create_inquiry()
            except NotImplementedError:
                continue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integrations.sandbox", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--arrival-seconds", type=float, default=float(os.environ.get("SANDBOX_ARRIVAL_SECONDS", 5)))
    parser.add_argument("--initial-orders", type=int, default=20)
    args = parser.parse_args(argv)

    apps = build_apps()
    for app in apps.values():
        with contextlib.suppress(NotImplementedError):
            app.create_orders(args.initial_orders)
    servers = []
    for name, port in ports_from_env().items():
        if name not in apps:
            continue
        server = make_server(args.host, port, apps[name], server_class=ThreadingWSGIServer, handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, name=f"sandbox-{name}", daemon=True).start()
        servers.append(server)
        print(f"sandbox {name}: http://{args.host}:{port}", flush=True)  # noqa: T201

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    arrival_thread = threading.Thread(target=arrivals, args=(apps, args.arrival_seconds, stop), daemon=True)
    arrival_thread.start()
    stop.wait()
    for server in servers:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
