"""Per-client rate limit: DRF's SimpleRateThrottle keyed by the API client, rate from the client row."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate_or_none(rate: str) -> tuple[int, int] | None:
    """'600/min' → (600, 60); None when it does not parse."""
    try:
        num, period = rate.strip().split("/")
        count = int(num)
        seconds = _PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError):
        return None
    return (count, seconds) if count > 0 else None


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self):
        # The rate depends on the client, so it is resolved per request in allow_request.
        pass

    def allow_request(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None:
            return True
        rate = client.throttle_rate or settings.API_DEFAULT_CLIENT_RATE
        self.rate = rate
        self.num_requests, self.duration = parse_rate_or_none(rate) or parse_rate_or_none(
            settings.API_DEFAULT_CLIENT_RATE
        )
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
