import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from modules.accounts.services import permission_group_save, totp_device_create_confirmed

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def totp_now(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def make_user(db):
    def make(username="staff", *, rights=None, superuser=False, group=True, totp=False, **extra):
        user_model = get_user_model()
        if superuser:
            user = user_model.objects.create_superuser(username=username, password=PASSWORD, **extra)
        else:
            user = user_model.objects.create_user(username=username, password=PASSWORD, **extra)
            if group:
                group_obj = permission_group_save(name=f"group-{username}", rights=rights or {})
                user.groups.add(group_obj)
        if totp:
            user.totp_device = totp_device_create_confirmed(user=user)
        return user

    return make


def verified_client(user, device=None) -> Client:
    """A client signed in as ``user`` whose session passed two-factor (or had nothing to pass)."""
    client = Client()
    client.force_login(user)
    device = device or getattr(user, "totp_device", None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def admin_client_verified(make_user):
    user = make_user("boss", superuser=True, totp=True)
    return verified_client(user)
