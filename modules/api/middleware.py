"""Request id and the Open API log: one INSERT per /api/v1/ call, after the response."""

import logging
import re
import time
import uuid

from django.db import DatabaseError

from modules.accounts.net import client_ip

from .services import log_record

logger = logging.getLogger("jangteo")
LOGGED_PREFIX = "/api/v1/"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class ApiLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(LOGGED_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        latency_ms = int((time.perf_counter() - started) * 1000)
        client = getattr(request, "api_client", None)
        token = getattr(request, "api_token", None)
        try:
            log_record(
                client=client,
                token_prefix=token.prefix if token else "",
                method=request.method[:8],
                # A %00 in the URL is a NUL in the path, which PostgreSQL text refuses: logged escaped.
                path=request.path.replace("\x00", "\\x00")[:500],
                status=response.status_code,
                error_code=getattr(request, "api_error_code", "")[:50],
                latency_ms=latency_ms,
                request_id=request_id,
                ip=client_ip(request),
            )
        except DatabaseError:  # the log must never turn an answer into an error
            logger.exception("api log write failed")
        return response
