from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from modules.core.models import CompanySettings
from tests.conftest import PASSWORD, totp_now, verified_client

TWO_FACTOR = "/admin/account/two-factor/"


def require_2fa(value: bool) -> None:
    company = CompanySettings.load()
    company.require_2fa = value
    company.save()


@pytest.mark.django_db
def test_required_2fa_sends_user_without_device_to_enrolment_first(client, make_user):
    require_2fa(True)
    make_user("kim", rights={"orders": {"view"}})
    client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    for path in ("/admin/", "/admin/access-log/", "/admin/settings/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TWO_FACTOR
    assert client.get(TWO_FACTOR).status_code == 200


@pytest.mark.django_db
def test_2fa_not_required_lets_user_without_device_in(client, make_user):
    require_2fa(False)
    make_user("kim", rights={"orders": {"view"}})
    client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_session_without_code_is_sent_back_to_login_when_user_has_device(make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    client = verified_client(user, device=None)
    client.session.flush()
    client.force_login(user)  # password-only session
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_enrolment_shows_qr_and_confirms_with_a_code(client, make_user):
    require_2fa(True)
    user = make_user("kim", rights={"orders": {"view"}})
    client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    page = client.post(TWO_FACTOR, {"action": "start"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data-otp-secret" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post(TWO_FACTOR, {"action": "confirm", "device_id": device.pk, "token": totp_now(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(TWO_FACTOR)
    codes = shown.context["new_backup_codes"]
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    # The enrolment itself verified this session: the dashboard opens now.
    assert client.get("/admin/").status_code == 200
    # Backup codes are shown once only.
    assert client.get(TWO_FACTOR).context["new_backup_codes"] is None


@pytest.mark.django_db
def test_enrolment_wrong_code_keeps_device_unconfirmed(client, make_user):
    user = make_user("kim", rights={"orders": {"view"}})
    client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    client.post(TWO_FACTOR, {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_now(device)) + 1) % 1000000:06d}"
    response = client.post(TWO_FACTOR, {"action": "confirm", "device_id": device.pk, "token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_expired_enrolment_is_refused_with_a_clear_message(client, make_user, settings):
    user = make_user("kim", rights={"orders": {"view"}})
    client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    client.post(TWO_FACTOR, {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    response = client.post(TWO_FACTOR, {"action": "confirm", "device_id": device.pk, "token": totp_now(device)})
    assert response.status_code == 200
    error = response.context["form"].errors["token"][0]
    assert "10" in error  # names the time limit
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.django_db
def test_admin_can_reset_another_users_two_factor(admin_client_verified, make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    response = admin_client_verified.post(reverse("accounts_two_factor_reset", args=[user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
