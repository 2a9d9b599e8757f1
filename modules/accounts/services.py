"""Writes for accounts and security: allow-list, login/access logs, lockout, two-factor devices."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccessLog, AllowedIP, LoginLog
from .net import client_ip, ip_in_networks
from .selectors import ALLOWED_IPS_CACHE_KEY, backup_code_device, confirmed_totp_device

logger = logging.getLogger("jangteo.accounts")

BACKUP_CODE_COUNT = 10
# How far back a code still counts as "expired" rather than plain wrong (30-second steps).
EXPIRED_CODE_LOOKBACK_STEPS = 20


class OTPError(Exception):
    """A code was refused; ``reason`` is a LoginLog.Reason and ``str()`` the message for the user."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


# Allowed IPs -------------------------------------------------------------------------------


def allowed_ips_changed() -> None:
    cache.delete(ALLOWED_IPS_CACHE_KEY)


def allowed_ip_would_lock_out(*, address: str | None, networks_after: list) -> bool:
    """True if the list after the change is non-empty and does not contain ``address``."""
    return bool(networks_after) and not ip_in_networks(address, networks_after)


def allowed_ip_save(*, allowed_ip: AllowedIP, user) -> AllowedIP:
    allowed_ip.full_clean()
    if allowed_ip.pk is None and user is not None and user.is_authenticated:
        allowed_ip.created_by = user
    with transaction.atomic():
        allowed_ip.save()
        transaction.on_commit(allowed_ips_changed)
    return allowed_ip


def allowed_ip_delete(*, allowed_ip: AllowedIP) -> None:
    with transaction.atomic():
        allowed_ip.delete()
        transaction.on_commit(allowed_ips_changed)


# Logs --------------------------------------------------------------------------------------


def login_log_record(*, request, username: str, reason: str, user=None, note: str = "") -> LoginLog:
    return LoginLog.objects.create(
        user=user,
        username=(username or "")[:150],
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        success=reason == LoginLog.Reason.OK,
        reason=reason,
        note=note[:200],
    )


def access_log_record(*, request, status: int) -> None:
    """One insert per admin request; a failure to log must never break the page."""
    user = request.user
    try:
        AccessLog.objects.create(
            user_id=user.pk,
            username=user.get_username()[:150],
            method=request.method[:8],
            path=request.get_full_path()[:500],
            status=status,
            ip=client_ip(request),
        )
    except Exception:
        logger.exception("could not write the admin access log")


def logs_purge(*, access_log_days: int, login_log_days: int, batch_size: int = 5000) -> dict[str, int]:
    """Delete log rows past their retention, in batches so SQLite's writer is never held long."""
    now = timezone.now()
    counts = {}
    for name, model, days in (
        ("access_logs", AccessLog, access_log_days),
        ("login_logs", LoginLog, login_log_days),
    ):
        cutoff = now - timedelta(days=days)
        deleted = 0
        while True:
            ids = list(model.objects.filter(created_at__lt=cutoff).values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                deleted += model.objects.filter(id__in=ids).delete()[0]
        counts[name] = deleted
    return counts


# Lockout -----------------------------------------------------------------------------------


def account_unlock(*, username: str, by_user, request=None) -> int:
    """Clear the failed-password record that locks ``username``; logged in the login log."""
    with transaction.atomic():
        removed = axes_reset(username=username)
        login_log_record(
            request=request,
            username=username,
            reason=LoginLog.Reason.UNLOCKED,
            note=_("by %(admin)s") % {"admin": by_user.get_username()},
        )
    return removed


# Two-factor --------------------------------------------------------------------------------


def totp_enrolment_start(*, user) -> TOTPDevice:
    """A new unconfirmed authenticator; any earlier unfinished enrolment is discarded."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_enrolment_expired(device: TOTPDevice, *, now=None) -> bool:
    now = now or timezone.now()
    return device.created_at is None or now - device.created_at > settings.JANGTEO_OTP_ENROLMENT_TTL


@dataclass
class EnrolmentResult:
    device: TOTPDevice
    backup_codes: list[str]


def totp_enrolment_confirm(*, user, device_id: int, token: str) -> EnrolmentResult:
    """Confirm the authenticator with one code from it; replaces any earlier device."""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
    if device is None:
        raise OTPError(LoginLog.Reason.OTP_EXPIRED, _("This enrolment is no longer valid. Start again."))
    if totp_enrolment_expired(device):
        device.delete()
        raise OTPError(
            LoginLog.Reason.OTP_EXPIRED,
            _("The enrolment expired after %(minutes)d minutes. Scan the new QR code and try again.")
            % {"minutes": int(settings.JANGTEO_OTP_ENROLMENT_TTL.total_seconds() // 60)},
        )
    _verify_totp_or_raise(device, token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_backup_codes(user)
    return EnrolmentResult(device=device, backup_codes=codes)


def backup_codes_regenerate(*, user) -> list[str]:
    with transaction.atomic():
        return _replace_backup_codes(user)


def _replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_reset(*, user, by_user, request=None) -> None:
    """An administrator removes a user's devices (lost phone); the user enrols again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        login_log_record(
            request=request,
            username=user.get_username(),
            user=user,
            reason=LoginLog.Reason.UNLOCKED,
            note=_("two-factor reset by %(admin)s") % {"admin": by_user.get_username()},
        )


def otp_verify_for_login(*, user, token: str):
    """The device that accepts ``token`` (6 digits: the authenticator; otherwise a backup code).

    Raises OTPError with a reason that tells a wrong code from a reused or an expired one.
    """
    token = (token or "").strip().replace(" ", "")
    if not token:
        raise OTPError(LoginLog.Reason.OTP_MISSING, _("Enter the 6-digit code from your authenticator app."))
    if token.isdigit() and len(token) == 6:
        device = confirmed_totp_device(user)
        if device is not None:
            _verify_totp_or_raise(device, token)
            return device
    static = backup_code_device(user)
    if static is not None and not token.isdigit():
        allowed, _details = static.verify_is_allowed()
        if not allowed:
            raise _throttled_error(static)
        if static.verify_token(token.lower()):
            return static
        raise OTPError(LoginLog.Reason.OTP_WRONG, _("This backup code is wrong or was already used."))
    raise OTPError(LoginLog.Reason.OTP_WRONG, _("The authentication code is wrong. Check the code and try again."))


def _throttled_error(device) -> OTPError:
    _allowed, details = device.verify_is_allowed()
    if details and details.get("locked_until"):
        seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        message = _("Too many wrong codes. Try again in %(seconds)d seconds.") % {"seconds": seconds}
    else:
        message = _("Too many wrong codes. Try again in a moment.")
    return OTPError(LoginLog.Reason.OTP_THROTTLED, message)


def _verify_totp_or_raise(device: TOTPDevice, token: str) -> None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise _throttled_error(device)
    if device.verify_token(token):
        return
    step = _matching_step(device, token)
    if step is not None and step <= device.last_t:
        raise OTPError(
            LoginLog.Reason.OTP_REUSED,
            _("This code was already used. Wait for the next code in your authenticator app."),
        )
    if step is not None:
        raise OTPError(
            LoginLog.Reason.OTP_EXPIRED,
            _("This code has expired. Enter the code your app shows now (check the phone's clock)."),
        )
    raise OTPError(LoginLog.Reason.OTP_WRONG, _("The authentication code is wrong. Check the code and try again."))


def _matching_step(device: TOTPDevice, token: str) -> int | None:
    """The time step whose code equals ``token``, looking back past the accepted window."""
    try:
        number = int(token)
    except ValueError:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now_t = totp.t()
    for offset in range(-EXPIRED_CODE_LOOKBACK_STEPS, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.token() == number:
            return now_t + offset
    return None


# Groups and users --------------------------------------------------------------------------


def permission_group_save(*, name: str, rights: dict[str, set[str]], extra_permissions: list[str] = ()):
    """A Wagtail group that can enter the admin with the given area rights ({"orders": {"view"}})."""
    from django.contrib.auth.models import Group, Permission

    from .areas import area_perm

    codenames = ["wagtailadmin.access_admin", *extra_permissions]
    codenames += [area_perm(area, right) for area, area_rights in rights.items() for right in area_rights]
    wanted = {tuple(code.split(".", 1)) for code in codenames}
    perms = [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _app, codename in wanted}
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    missing = wanted - {(perm.content_type.app_label, perm.codename) for perm in perms}
    if missing:
        raise ValueError(f"unknown permissions: {sorted(missing)}")
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(perms)
        group_media_rights_sync(group=group)
    return group


# Product images live in Wagtail's image library, whose rights are per collection. A group with the
# right to edit products gets what the product page needs there: upload and choose images.
MEDIA_RIGHTS_FOR_PRODUCTS = ("add_image", "choose_image")


def group_media_rights_sync(*, group) -> None:
    """Grant or remove image upload/choose on the root collection to follow the products edit right."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    from .areas import area_perm

    app_label, codename = area_perm("products", "edit").split(".", 1)
    wanted = group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()
    root = Collection.get_first_root_node()
    if root is None:
        return
    perms = list(
        Permission.objects.filter(content_type__app_label="wagtailimages", codename__in=MEDIA_RIGHTS_FOR_PRODUCTS)
    )
    existing = GroupCollectionPermission.objects.filter(group=group, collection=root, permission__in=perms)
    if not wanted:
        existing.delete()
        return
    have = set(existing.values_list("permission_id", flat=True))
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=root, permission=p) for p in perms if p.pk not in have]
    )


def totp_device_create_confirmed(*, user, name: str = "") -> TOTPDevice:
    """For the first administrator made by `make run`: an authenticator set up in the terminal."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=name or _("Authenticator app"), confirmed=True)
