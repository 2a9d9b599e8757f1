import pytest
from django.urls import reverse

from modules.accounts.models import LoginLog
from tests.conftest import PASSWORD, totp_now

LOGIN = "/admin/login/"


def login(client, username, password=PASSWORD, otp=""):
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": otp})


@pytest.mark.django_db
def test_login_page_is_korean_by_default(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert '<html lang="ko"' in response.content.decode()


@pytest.mark.django_db
def test_password_only_login_for_user_without_device(client, make_user):
    make_user("kim", rights={"orders": {"view"}})
    response = login(client, "kim")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    log = LoginLog.objects.get()
    assert (log.username, log.success, log.reason) == ("kim", True, LoginLog.Reason.OK)


@pytest.mark.django_db
def test_login_with_totp_code_verifies_the_session(client, make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    response = login(client, "lee", otp=totp_now(user.totp_device))
    assert response.status_code == 302
    home = client.get("/admin/")
    assert home.status_code == 200
    assert home.wsgi_request.user.is_verified()


@pytest.mark.django_db
def test_missing_code_is_refused_with_a_message(client, make_user):
    make_user("lee", rights={"orders": {"view"}}, totp=True)
    response = login(client, "lee")
    assert response.status_code == 200
    assert "6자리" in response.content.decode() or "6-digit" in response.content.decode()
    assert not client.session.get("_auth_user_id")
    assert LoginLog.objects.get().reason == LoginLog.Reason.OTP_MISSING


@pytest.mark.django_db
def test_wrong_code_is_refused(client, make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    wrong = f"{(int(totp_now(user.totp_device)) + 1) % 1000000:06d}"
    response = login(client, "lee", otp=wrong)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not client.session.get("_auth_user_id")
    assert LoginLog.objects.get().reason == LoginLog.Reason.OTP_WRONG


@pytest.mark.django_db
def test_reused_code_gets_its_own_message(client, make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    code = totp_now(user.totp_device)
    assert login(client, "lee", otp=code).status_code == 302
    client.post(reverse("wagtailadmin_logout"))
    response = login(client, "lee", otp=code)
    assert response.status_code == 200
    assert LoginLog.objects.order_by("-id").first().reason == LoginLog.Reason.OTP_REUSED
    assert len(response.context["form"].non_field_errors()) == 1


@pytest.mark.django_db
def test_expired_code_gets_its_own_message(client, make_user):
    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    response = login(client, "lee", otp=totp_now(user.totp_device, offset_steps=-5))
    assert response.status_code == 200
    assert LoginLog.objects.get().reason == LoginLog.Reason.OTP_EXPIRED


@pytest.mark.django_db
def test_backup_code_signs_in_once(client, make_user):
    from modules.accounts.services import backup_codes_regenerate

    user = make_user("lee", rights={"orders": {"view"}}, totp=True)
    code = backup_codes_regenerate(user=user)[0]
    assert login(client, "lee", otp=code).status_code == 302
    client.post(reverse("wagtailadmin_logout"))
    response = login(client, "lee", otp=code)
    assert response.status_code == 200
    assert LoginLog.objects.order_by("-id").first().reason == LoginLog.Reason.OTP_WRONG


@pytest.mark.django_db
def test_user_without_group_cannot_enter(client, make_user):
    make_user("nogroup", group=False)
    login(client, "nogroup")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
