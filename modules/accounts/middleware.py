"""Request guards for the admin and the API: allowed IPs, access rules, two-factor, access log."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .models import LoginLog
from .net import client_ip, ip_in_networks
from .selectors import allowed_ip_networks, user_has_confirmed_device
from .services import access_log_record, login_log_record

ADMIN_PREFIX = SimpleLazyObject(lambda: reverse("wagtailadmin_home"))
API_PREFIX = "/api/"


def _is_admin_path(path: str) -> bool:
    return path.startswith(str(ADMIN_PREFIX))


class AllowedIPMiddleware:
    """An empty allow-list lets everyone in; otherwise only listed addresses reach admin and API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if _is_admin_path(path) or path.startswith(API_PREFIX):
            networks = allowed_ip_networks()
            address = client_ip(request)
            if networks and not ip_in_networks(address, networks):
                if request.method == "POST" and path == reverse("wagtailadmin_login"):
                    login_log_record(
                        request=request,
                        username=request.POST.get("username", ""),
                        reason=LoginLog.Reason.IP_DENIED,
                    )
                return _ip_denied_response(request, address, api=path.startswith(API_PREFIX))
        return self.get_response(request)


def _ip_denied_response(request, address, *, api: bool):
    message = _("Access from %(ip)s is not allowed. Ask an administrator to add it to the allowed IPs.") % {
        "ip": address or "?"
    }
    if api:
        from django.http import JsonResponse

        return JsonResponse({"error": {"code": "ip_not_allowed", "message": message}}, status=403)
    return render(request, "accounts/ip_denied.html", {"message": message}, status=403)


class AdminSecurityMiddleware:
    """Runs after authentication and django-otp's middleware, for admin pages only.

    - A user must reach the admin through a group (a user with no group cannot enter).
    - A user with a confirmed device must have proved it in this session.
    - Without a device, when the company requires two-factor login, enrolment comes first.
    """

    exempt_url_names = (
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "accounts_two_factor",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: set[str] | None = None

    def _is_exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            paths = set()
            for name in self.exempt_url_names:
                try:
                    paths.add(reverse(name))
                except Exception:  # noqa: S112 - not every Wagtail URL exists in every configuration
                    continue
            self._exempt_paths = paths
        reset_prefix = str(ADMIN_PREFIX) + "password_reset/"
        return path in self._exempt_paths or path.startswith(reset_prefix)

    def __call__(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if not (_is_admin_path(path) and user is not None and user.is_authenticated) or self._is_exempt(path):
            return self.get_response(request)

        if not user.is_superuser and "wagtailadmin.access_admin" not in user.get_group_permissions():
            logout(request)
            messages.error(request, _("Your account has no permission group yet. Ask an administrator."))
            return redirect("wagtailadmin_login")

        if not user.is_verified():
            if user_has_confirmed_device(user):
                # A session that never gave a code (made before the device existed, or elsewhere).
                logout(request)
                messages.warning(request, _("Sign in again with your authentication code."))
                return redirect(f"{reverse('wagtailadmin_login')}?next={request.get_full_path()}")
            from modules.core.models import CompanySettings

            if CompanySettings.load(request_or_site=request).require_2fa:
                messages.info(request, _("Two-factor login is required. Set up your authenticator app first."))
                return redirect("accounts_two_factor")
        return self.get_response(request)


class AccessLogMiddleware:
    """Writes one access-log row per admin request of a signed-in user (after the response)."""

    # Asset-like admin URLs tell nothing about what a person looked at.
    skip_prefixes = ("jsi18n/", "sprite")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and _is_admin_path(path)
            and not path[len(str(ADMIN_PREFIX)) :].startswith(self.skip_prefixes)
        ):
            access_log_record(request=request, status=response.status_code)
        return response
