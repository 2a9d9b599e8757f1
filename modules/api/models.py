"""Open API clients and their tokens.

One company per installation (CompanySettings is a generic setting), so a client has no company.
A token is shown once: only its prefix (for lookup) and a SHA-256 hash of the whole key are stored.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Areas a scope can name; each has a read and a write level (write implies read).
SCOPE_AREAS: list[tuple[str, str]] = [
    ("catalog", _("Products")),
    ("stock", _("Stock")),
    ("orders", _("Orders")),
    ("shipments", _("Shipments")),
    ("claims", _("Claims")),
    ("stores", _("Stores")),
]
SCOPE_LEVELS = ("read", "write")
ALL_SCOPES = [f"{area}:{level}" for area, _label in SCOPE_AREAS for level in SCOPE_LEVELS]


def validate_scopes(value) -> None:
    if not isinstance(value, list) or any(scope not in ALL_SCOPES for scope in value):
        raise ValidationError(_("Unknown scope. Allowed: %(scopes)s") % {"scopes": ", ".join(ALL_SCOPES)})


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """One address or CIDR range per line (commas and spaces also separate); raises ValueError."""
    parts = [part for part in text.replace(",", " ").split() if part]
    return [ipaddress.ip_network(part, strict=False) for part in parts]


class ApiClient(models.Model):
    """A program that calls the Open API (POS, mobile app, ERP): its scopes and where it may call from."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        blank=True,
        validators=[validate_scopes],
        help_text=_("e.g. stock:read, stock:write, orders:read. Write includes read."),
    )
    allowed_ips = models.TextField(
        _("allowed IPs"),
        blank=True,
        help_text=_("One address or CIDR range per line. Empty = any address."),
    )
    throttle_rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("e.g. 600/min. Empty = the default (API_DEFAULT_CLIENT_RATE)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        try:
            networks = parse_networks(self.allowed_ips or "")
        except ValueError as exc:
            errors["allowed_ips"] = _("Not an IP address or CIDR range: %(error)s") % {"error": exc}
        else:
            self.allowed_ips = "\n".join(str(net) for net in networks)
        if self.throttle_rate:
            from .throttling import parse_rate_or_none

            if parse_rate_or_none(self.throttle_rate) is None:
                errors["throttle_rate"] = _("Use a number and a period, e.g. 600/min or 10/s.")
        if errors:
            raise ValidationError(errors)

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        try:
            return parse_networks(self.allowed_ips or "")
        except ValueError:
            return []

    def has_scope(self, area: str, level: str) -> bool:
        scopes = set(self.scopes or [])
        if level == "read":
            return f"{area}:read" in scopes or f"{area}:write" in scopes
        return f"{area}:{level}" in scopes


class ApiToken(models.Model):
    """A bearer token of a client. The key is ``jt_<prefix>_<secret>``; only prefix and hash are kept."""

    client = models.ForeignKey(ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. the device: POS 1, store tablet"))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} · {self.name} (jt_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ApiLogEntry(models.Model):
    """One Open API call (PRODUCT.md §3). Written with a single INSERT after the response."""

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_prefix = models.CharField(_("token"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    error_code = models.CharField(_("error code"), max_length=50, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))
    request_id = models.CharField(_("request ID"), max_length=64)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Open API log")
        verbose_name_plural = _("Open API log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="api_log_client_time")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotencyKey(models.Model):
    """The first answer to a POST/PATCH sent with an Idempotency-Key, replayed for 24 hours."""

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    # Null while the first request is still being answered.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_client_key")]

    def __str__(self) -> str:
        return self.key
