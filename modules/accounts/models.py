import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .areas import area_permission_codenames


class AreaAccess(models.Model):
    """Holds only the per-area permissions (view / edit / personal data); it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = area_permission_codenames()
        verbose_name = _("menu area access")
        verbose_name_plural = _("menu area access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class AllowedIP(models.Model):
    """An address or CIDR range allowed to reach the admin and the API. No rows = everyone allowed."""

    network = models.CharField(
        _("IP address or range"),
        max_length=49,
        unique=True,
        help_text=_("e.g. 203.0.113.7 or 203.0.113.0/24 (IPv6 too)"),
    )
    memo = models.CharField(_("memo"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allowed IP")
        verbose_name_plural = _("allowed IPs")
        ordering = ["network"]

    def __str__(self) -> str:
        return self.network

    def clean(self) -> None:
        try:
            self.network = str(ipaddress.ip_network((self.network or "").strip(), strict=False))
        except ValueError:
            raise ValidationError(
                {"network": _("“%(value)s” is not an IP address or CIDR range.") % {"value": self.network}}
            ) from None

    def as_network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.network, strict=False)


class SecurityLogEntry(models.Model):
    """Who and from where, for the login and access logs."""

    # Logs are never "used by" anything: keep them out of Wagtail's reference index, which would
    # otherwise add a write transaction and an index row for every log row.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # Logs outlive users and must not slow down user deletion.
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class LoginLog(SecurityLogEntry):
    class Reason(models.TextChoices):
        OK = "ok", _("Signed in")
        WRONG_PASSWORD = "wrong_password", _("Wrong password")
        LOCKED = "locked", _("Account locked")
        INACTIVE = "inactive", _("Inactive account")
        OTP_MISSING = "otp_missing", _("Missing authentication code")
        OTP_WRONG = "otp_wrong", _("Wrong authentication code")
        OTP_REUSED = "otp_reused", _("Reused authentication code")
        OTP_EXPIRED = "otp_expired", _("Expired authentication code")
        OTP_THROTTLED = "otp_throttled", _("Too many wrong codes")
        NO_ACCESS = "no_access", _("No admin access")
        IP_DENIED = "ip_denied", _("Address not allowed")
        UNLOCKED = "unlocked", _("Unlocked by an administrator")

    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    success = models.BooleanField(_("success"), default=False)
    reason = models.CharField(_("result"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(SecurityLogEntry.Meta):
        verbose_name = _("login log")
        verbose_name_plural = _("login logs")
        indexes = [models.Index(fields=["username", "-created_at"], name="loginlog_user_time")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_reason_display()}"


class AccessLog(SecurityLogEntry):
    """One row per admin request by a signed-in user (개인정보 접속기록)."""

    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status code"))

    class Meta(SecurityLogEntry.Meta):
        verbose_name = _("admin access log")
        verbose_name_plural = _("admin access logs")
        indexes = [models.Index(fields=["username", "-created_at"], name="accesslog_user_time")]

    def __str__(self) -> str:
        return f"{self.username} {self.method} {self.path}"
