import ipaddress

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccessLog, AllowedIP, LoginLog
from .net import IPNetwork

ALLOWED_IPS_CACHE_KEY = "accounts:allowed-ip-networks"
# Changes made through the services clear the key at once; the timeout only bounds how long a
# change made behind their back (a shell, another tool) can go unnoticed.
ALLOWED_IPS_CACHE_SECONDS = 60


def allowed_ip_networks() -> list[IPNetwork]:
    """The allow-list as parsed networks; empty means every address is allowed."""
    cached = cache.get(ALLOWED_IPS_CACHE_KEY)
    if cached is None:
        cached = list(AllowedIP.objects.values_list("network", flat=True))
        cache.set(ALLOWED_IPS_CACHE_KEY, cached, ALLOWED_IPS_CACHE_SECONDS)
    return [ipaddress.ip_network(value, strict=False) for value in cached]


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def backup_code_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def user_has_confirmed_device(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def locked_usernames() -> QuerySet:
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).values("username")


def user_security_list() -> QuerySet:
    """Users with their 2FA and lock state, in one query."""
    user_model = get_user_model()
    return (
        user_model.objects.annotate(
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            is_locked=Exists(
                AccessAttempt.objects.filter(
                    username=OuterRef(user_model.USERNAME_FIELD),
                    failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                )
            ),
        )
        .prefetch_related("groups")
        .order_by("-is_locked", user_model.USERNAME_FIELD)
    )


def access_logs() -> QuerySet:
    return AccessLog.objects.all()


def login_logs() -> QuerySet:
    return LoginLog.objects.all()
