from django.conf import settings
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
        return super().parse(_LimitedStream(stream, settings.API_MAX_BODY_BYTES), media_type, parser_context)
