"""Base view of /api/v1/: token auth, scopes, per-client throttle, JSON with a size cap, Idempotency-Key."""

import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .authentication import ApiTokenAuthentication
from .errors import ApiError, Conflict, RequestTooLarge
from .models import IdempotencyKey
from .pagination import IdCursorPagination
from .parsers import LimitedJSONParser
from .permissions import HasScope
from .services import idempotency_retention
from .throttling import ApiClientRateThrottle

IDEMPOTENT_METHODS = {"POST", "PATCH"}
KEY_MAX = 100


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


class ApiView(generics.GenericAPIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ApiClientRateThrottle]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class = IdCursorPagination
    scope_area = ""
    _idempotency_row: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH")
        if length and length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            raise RequestTooLarge(settings.API_MAX_BODY_BYTES)
        super().initial(request, *args, **kwargs)
        if request.method in IDEMPOTENT_METHODS and request.headers.get("Idempotency-Key") is not None:
            self._idempotency_begin(request)

    # -- Idempotency-Key ----------------------------------------------------------------------
    def _idempotency_begin(self, request) -> None:
        key = request.headers["Idempotency-Key"].strip()
        if not key or len(key) > KEY_MAX or not key.isprintable():
            raise ApiError(
                "invalid_idempotency_key",
                _("Idempotency-Key must be 1–%(max)s printable characters.") % {"max": KEY_MAX},
                fields={"Idempotency-Key": [_("1–%(max)s printable characters.") % {"max": KEY_MAX}]},
            )
        canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
        digest = hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()
        client = request.api_client
        cutoff = timezone.now() - idempotency_retention()
        IdempotencyKey.objects.filter(client=client, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                self._idempotency_row = IdempotencyKey.objects.create(
                    client=client, key=key, method=request.method, path=request.path[:500], body_hash=digest
                )
            return
        except IntegrityError:
            pass
        first = IdempotencyKey.objects.filter(client=client, key=key).first()
        if first is None:  # expired and removed between the two statements: treat as new next time
            raise Conflict("idempotency_in_progress", _("A request with this Idempotency-Key is being answered."))
        if first.body_hash != digest:
            raise Conflict(
                "idempotency_key_reused",
                _("This Idempotency-Key was used for another request. Use a new key for a new request."),
                fields={"Idempotency-Key": [_("Already used with a different body or path.")]},
            )
        if first.status is None:
            raise Conflict("idempotency_in_progress", _("A request with this Idempotency-Key is being answered."))
        response = Response(first.response, status=first.status)
        response["Idempotent-Replayed"] = "true"
        raise _Replay(response)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:
            if self._idempotency_row is not None:  # an unhandled error: free the key for a retry
                self._idempotency_row.delete()
                self._idempotency_row = None
            raise

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        row = self._idempotency_row
        if row is not None:
            self._idempotency_row = None
            if response.status_code >= 500:
                row.delete()  # a failure is not an answer: the client may retry with the same key
            else:
                row.status = response.status_code
                row.response = response.data
                row.save(update_fields=["status", "response"])
        return super().finalize_response(request, response, *args, **kwargs)
