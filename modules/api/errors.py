"""One error envelope for the whole API: {"error": {"code", "message", "fields"}}.

Codes are stable (clients branch on them); messages go through gettext, Korean by default.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback


class ApiError(exceptions.APIException):
    """An error with an explicit code, message and optional fields."""

    def __init__(self, code: str, message, *, status_code: int = 400, fields: dict | None = None):
        self.status_code = status_code
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        super().__init__(detail=self.message, code=code)


class RequestTooLarge(ApiError):
    def __init__(self, limit: int):
        super().__init__(
            "request_too_large",
            _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )


class Conflict(ApiError):
    def __init__(self, code: str, message, fields: dict | None = None):
        super().__init__(code, message, status_code=status.HTTP_409_CONFLICT, fields=fields)


_DEFAULT_MESSAGES = {
    "not_authenticated": gettext_lazy("Send a token in the Authorization header: Bearer <token>."),
    "permission_denied": gettext_lazy("This token may not do that."),
    "not_found": gettext_lazy("Not found."),
    "method_not_allowed": gettext_lazy("This method is not allowed here."),
    "not_acceptable": gettext_lazy("Only application/json responses are available."),
    "unsupported_media_type": gettext_lazy("Send the body as application/json."),
    "throttled": gettext_lazy("Too many requests. Try again in %(wait)s seconds."),
    "malformed_json": gettext_lazy("The body is not valid JSON."),
    "invalid": gettext_lazy("Some fields are not valid."),
}


def _flatten(detail):
    """DRF error detail → JSON-friendly dict/list of strings."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(fields) -> str:
    if isinstance(fields, dict):
        for value in fields.values():
            return _first_message(value)
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    return str(fields) if fields else ""


def envelope(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _django_validation_fields(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if key == "__all__" else key): [str(m) for e in errors for m in e.messages]
            for key, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    response = _handle(exc)
    request = context.get("request")
    if response is not None and request is not None:
        request._request.api_error_code = response.data["error"]["code"]
    return response


def _handle(exc):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # Services refuse with Django's ValidationError (e.g. StockRefused, a state that does not allow it).
        fields = _django_validation_fields(exc)
        set_rollback()
        if list(fields) == ["non_field_errors"]:  # refused as a whole: the state does not allow it
            return Response(envelope("rejected", _first_message(fields), fields), status=status.HTTP_409_CONFLICT)
        return Response(envelope("invalid", _first_message(fields), fields), status=status.HTTP_400_BAD_REQUEST)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, ApiError):
        body = envelope(exc.code, exc.message, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields if isinstance(fields, list) else [fields]}
        body = envelope("invalid", _first_message(fields) or str(_DEFAULT_MESSAGES["invalid"]), fields)
    elif isinstance(exc, exceptions.ParseError):
        body = envelope("malformed_json", str(_DEFAULT_MESSAGES["malformed_json"]), {"body": [str(exc.detail)]})
    elif isinstance(exc, exceptions.Throttled):
        body = envelope("throttled", str(_DEFAULT_MESSAGES["throttled"]) % {"wait": int(exc.wait or 1)})
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else ""
        message = detail if code not in _DEFAULT_MESSAGES or detail != str(exc.default_detail) else ""
        body = envelope(code, message or str(_DEFAULT_MESSAGES.get(code, exc.default_detail)))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
