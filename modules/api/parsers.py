from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .errors import RequestTooLarge


class _LimitedStream:
    def __init__(self, stream, limit: int):
        self.stream, self.limit = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(self.limit + 1)
        if len(data) > self.limit:
            raise RequestTooLarge(self.limit)
        return data


class LimitedJSONParser(JSONParser):
    """JSON only, with the body capped at API_MAX_BODY_BYTES (also when no Content-Length is sent)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(_LimitedStream(stream, settings.API_MAX_BODY_BYTES), media_type, parser_context)
        bad = _unstorable_text(data, "")
        if bad is not None:
            raise ParseError(
                _("Text at '%(path)s' holds a NUL character or a broken surrogate.") % {"path": bad or "/"}
            )
        return data


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800-style escape
        return False
    return True


def _unstorable_text(value, path: str) -> str | None:
    """The path of the first string (or key) no database can store, or None.

    JSON allows \\u0000 and unpaired surrogates; PostgreSQL text and jsonb refuse NUL, and neither can be
    encoded as UTF-8. Refused here once, so no field, echo of an unknown key, idempotency record or log
    row ever meets them (they were a 500 on PostgreSQL)."""
    if isinstance(value, str):
        return None if _storable(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            if not _storable(key):  # named with its escapes, so the error itself can be stored
                return f"{path}/{key.encode('unicode_escape').decode('ascii')}"
            found = _unstorable_text(item, f"{path}/{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unstorable_text(item, f"{path}/{index}")
            if found is not None:
                return found
    return None
