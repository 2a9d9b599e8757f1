"""Admin views for accounts: two-factor enrolment, the account security page, lockout page."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .areas import user_has_area_right
from .forms import EnrolmentConfirmForm
from .selectors import backup_code_device, confirmed_totp_device, user_security_list
from .services import (
    OTPError,
    account_unlock,
    backup_codes_regenerate,
    totp_enrolment_confirm,
    totp_enrolment_expired,
    totp_enrolment_start,
    two_factor_reset,
)

SESSION_NEW_BACKUP_CODES = "accounts:new-backup-codes"


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a locked account tries to sign in."""
    return render(
        request,
        "accounts/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#1b1b1b", omitsize=True)


def two_factor(request):
    """The user's own two-factor page: status, enrolment with a QR code, backup codes."""
    user = request.user
    device = confirmed_totp_device(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    form = None

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            pending = totp_enrolment_start(user=user)
        elif action == "confirm":
            form = EnrolmentConfirmForm(request.POST)
            if form.is_valid():
                try:
                    result = totp_enrolment_confirm(
                        user=user, device_id=form.cleaned_data["device_id"], token=form.cleaned_data["token"]
                    )
                except OTPError as exc:
                    form.add_error("token", str(exc))
                    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
                else:
                    # The code just given proves the device: this session counts as verified.
                    otp_login(request, result.device)
                    request.session[SESSION_NEW_BACKUP_CODES] = result.backup_codes
                    messages.success(request, _("Two-factor login is on. Keep the backup codes somewhere safe."))
                    return redirect("accounts_two_factor")
        elif action == "regenerate_codes" and device is not None and user.is_verified():
            request.session[SESSION_NEW_BACKUP_CODES] = backup_codes_regenerate(user=user)
            messages.success(request, _("New backup codes were made; the old ones no longer work."))
            return redirect("accounts_two_factor")
        else:
            return redirect("accounts_two_factor")

    if pending is not None and totp_enrolment_expired(pending):
        pending.delete()
        pending = None
        if form is None:
            messages.warning(request, _("The earlier enrolment expired. Start again to get a new QR code."))
    if pending is not None and form is None:
        form = EnrolmentConfirmForm(initial={"device_id": pending.pk})

    static = backup_code_device(user)
    context = {
        "device": device,
        "pending": pending,
        "form": form,
        "qr_svg": _qr_svg(pending.config_url) if pending else "",
        "secret": _spaced_secret(pending) if pending else "",
        "new_backup_codes": request.session.pop(SESSION_NEW_BACKUP_CODES, None),
        "backup_codes_left": static.token_set.count() if static else 0,
        "ttl_minutes": int(settings.JANGTEO_OTP_ENROLMENT_TTL.total_seconds() // 60),
    }
    return render(request, "accounts/two_factor.html", context)


def _spaced_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _require_settings_edit(request):
    if not user_has_area_right(request.user, "settings", "edit"):
        raise PermissionDenied


def account_security(request):
    """Every user with their groups, two-factor state and lock state; unlock and reset here."""
    _require_settings_edit(request)
    paginator = Paginator(user_security_list(), 50)
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "accounts/security.html",
        {"page_obj": page, "users": page.object_list, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


@require_POST
def account_unlock_view(request, user_id: int):
    _require_settings_edit(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    account_unlock(username=user.get_username(), by_user=request.user, request=request)
    messages.success(request, _("%(user)s can sign in again.") % {"user": user.get_username()})
    return redirect("accounts_security")


@require_POST
def two_factor_reset_view(request, user_id: int):
    _require_settings_edit(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    two_factor_reset(user=user, by_user=request.user, request=request)
    messages.success(
        request,
        _("Two-factor login of %(user)s was reset; they enrol again at the next sign-in.")
        % {"user": user.get_username()},
    )
    return redirect("accounts_security")

