"""A small WSGI toolkit for the marketplace simulators (no Django: the sandbox is the outside world).

Each marketplace module (coupang.py, naver.py, elevenst.py) subclasses ``SandboxApp``: it checks
authentication exactly as the marketplace does, keeps state, pages and windows like the real API
and answers in the channel's envelopes and encodings. This module supplies routing, the fault
knobs, the control endpoints under ``/_sandbox/`` and an httpx transport for in-process tests.

Fault knobs (``Faults``), applied to every non-control request before routing:
- ``rate_429`` share answered 429 with Retry-After (the channel's own 429 body),
- ``rate_500`` share answered 500,
- ``latency_ms`` added delay,
- ``timeout_rate`` share that never answers in time (in-process: the transport raises
  httpx.ReadTimeout; as a server: the request sleeps ``timeout_seconds``),
- ``malformed_rate`` share whose 200 body is cut in half,
- ``repeat_rate`` share of list rows repeated on the next page (``Faults.repeat`` helper).
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

import httpx

KST = timezone(timedelta(hours=9))


class SimulatedTimeout(Exception):
    """Raised inside the app; SandboxTransport turns it into httpx.ReadTimeout."""


@dataclass
class Faults:
    rate_429: float = 0.0
    rate_500: float = 0.0
    latency_ms: int = 0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    malformed_rate: float = 0.0
    repeat_rate: float = 0.0
    retry_after: int = 1
    seed: int | None = None
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._rng.seed(self.seed)

    def roll(self, share: float) -> bool:
        return share > 0 and self._rng.random() < share

    def repeat(self, previous_page: list, page: list) -> list:
        """Prepends rows of the previous page to this one (a real channel's paging glitch)."""
        if not previous_page or not self.roll(self.repeat_rate):
            return page
        return previous_page[-max(1, len(previous_page) // 5) :] + page

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_rng", None)
        return data


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    raw_query: str = ""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8") or "null")

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=list(headers))


STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


Handler = Callable[..., Response]


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Handler]] = []

    def add(self, methods: str, pattern: str, handler: Handler) -> None:
        """``pattern`` like ``/v2/vendors/{vendorId}/ordersheets``; ``methods`` like "GET" or "PATCH,PUT"."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        for method in methods.split(","):
            self.routes.append((method.strip().upper(), regex, handler))

    def match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
        path_matched = False
        for route_method, regex, handler in self.routes:
            found = regex.match(path)
            if found:
                path_matched = True
                if route_method == method:
                    return handler, found.groupdict(), True
        return None, {}, path_matched


class SandboxApp:
    """Base WSGI app of one marketplace simulator."""

    name = "sandbox"

    def __init__(self, *, faults: Faults | None = None, clock: Callable[[], datetime] | None = None, seed: int = 7):
        self.faults = faults or Faults()
        self.clock = clock or (lambda: datetime.now(tz=KST))
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.router = Router()
        self.requests_served = 0
        self.routes()

    # -- to implement per marketplace ----------------------------------------------------------
    def routes(self) -> None:
        """Register the marketplace's endpoints on ``self.router``."""

    def authenticate(self, request: Request) -> Response | None:
        """Return the marketplace's error response when authentication fails, else None."""
        return None

    def error(self, status: int, code: str, message: str) -> Response:
        return json_response(status, {"code": code, "message": message})

    def create_orders(self, count: int) -> list[str]:
        raise NotImplementedError

    def create_claim(self, kind: str = "cancel") -> str:
        raise NotImplementedError

    def create_inquiry(self) -> str:
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        return {}

    # -- machinery -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    def control(self, request: Request) -> Response:
        """Scripting endpoints: create data, change faults, read a summary. No auth, no faults."""
        action = request.path.removeprefix("/_sandbox/").strip("/")
        payload = request.json() if request.body else {}
        with self.lock:
            if request.method == "POST" and action == "orders":
                return json_response(200, {"created": self.create_orders(int(payload.get("count", 1)))})
            if request.method == "POST" and action == "claims":
                return json_response(200, {"created": self.create_claim(payload.get("kind", "cancel"))})
            if request.method == "POST" and action == "inquiries":
                return json_response(200, {"created": self.create_inquiry()})
            if request.method in {"POST", "PUT"} and action == "faults":
                for key, value in payload.items():
                    if key in Faults.__dataclass_fields__ and not key.startswith("_"):
                        setattr(self.faults, key, value)
                return json_response(200, self.faults.as_dict())
            if request.method == "GET" and action == "state":
                return json_response(200, {"name": self.name, "requests": self.requests_served, **self.summary()})
        return json_response(404, {"error": f"unknown control action {action}"})

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return self.control(request)
        with self.lock:
            self.requests_served += 1
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if faults.roll(faults.timeout_rate):
            raise SimulatedTimeout
        if faults.roll(faults.rate_429):
            response = self.error(429, "RATE_LIMIT", "Too Many Requests")
            response.headers.append(("Retry-After", str(faults.retry_after)))
            return response
        if faults.roll(faults.rate_500):
            return self.error(500, "INTERNAL_SERVER_ERROR", "internal error (sandbox fault)")
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        handler, params, path_known = self.router.match(request.method, request.path)
        if handler is None:
            return self.error(405 if path_known else 404, "NOT_FOUND", f"{request.method} {request.path}")
        with self.lock:
            response = handler(request, **params)
        if response.status == 200 and faults.roll(faults.malformed_rate):
            response.body = response.body[: len(response.body) // 2]
        return response

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        raw_query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "/")
        # A WSGI server hands over the path as latin-1 decoded bytes: restore the UTF-8 text.
        # httpx's in-process WSGITransport passes it already decoded (non-latin-1 chars stay as is).
        with contextlib.suppress(UnicodeEncodeError):
            path = path.encode("latin-1").decode("utf-8", errors="replace")
        request = Request(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            query=parse_qs(raw_query, keep_blank_values=True),
            headers=headers,
            body=body,
            raw_query=raw_query,
        )
        try:
            response = self.handle(request)
        except SimulatedTimeout:
            if environ.get("jangteo.sandbox.in_process"):
                raise
            time.sleep(self.faults.timeout_seconds)
            response = self.error(504, "TIMEOUT", "gateway timeout (sandbox fault)")
        status = f"{response.status} {STATUS_TEXT.get(response.status, 'Status')}"
        start_response(
            status,
            [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))), *response.headers],
        )
        return [response.body]


class SandboxTransport(httpx.WSGITransport):
    """In-process transport for tests: the app runs in the calling thread; timeouts are raised."""

    def __init__(self, app: SandboxApp):
        self.sandbox = app

        def in_process(environ, start_response):
            environ["jangteo.sandbox.in_process"] = True
            return app(environ, start_response)

        super().__init__(app=in_process)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except SimulatedTimeout:
            raise httpx.ReadTimeout("sandbox timeout fault", request=request) from None


def kst(dt: datetime) -> datetime:
    return dt.astimezone(KST)
