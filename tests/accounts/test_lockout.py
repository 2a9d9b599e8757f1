import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from modules.accounts.models import LoginLog
from tests.conftest import PASSWORD, verified_client


def bad_login(client, username):
    return client.post("/admin/login/", {"username": username, "password": "wrong-password"})


@pytest.mark.django_db
def test_account_locks_at_the_fifth_wrong_password_and_stays_locked(client, make_user):
    make_user("kim", rights={"orders": {"view"}})
    for _ in range(4):
        assert bad_login(client, "kim").status_code == 200
    assert bad_login(client, "kim").status_code == 429
    # The right password no longer helps, from any address.
    response = client.post(
        "/admin/login/", {"username": "kim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert "잠" in response.content.decode() or "locked" in response.content.decode()
    reasons = list(LoginLog.objects.filter(username="kim").values_list("reason", flat=True))
    assert reasons.count(LoginLog.Reason.WRONG_PASSWORD) == 4
    assert LoginLog.Reason.LOCKED in reasons


@pytest.mark.django_db
def test_four_failures_then_success_resets_the_count(client, make_user):
    make_user("kim", rights={"orders": {"view"}})
    for _ in range(4):
        bad_login(client, "kim")
    assert client.post("/admin/login/", {"username": "kim", "password": PASSWORD}).status_code == 302
    client.post(reverse("wagtailadmin_logout"))
    for _ in range(4):
        assert bad_login(client, "kim").status_code == 200


@pytest.mark.django_db
def test_administrator_sees_locked_account_and_unlocks_it(client, make_user):
    locked = make_user("kim", rights={"orders": {"view"}})
    for _ in range(5):
        bad_login(client, "kim")
    admin = make_user("boss", superuser=True, totp=True)
    admin_client = verified_client(admin)

    page = admin_client.get(reverse("accounts_security"))
    assert page.status_code == 200
    row = [u for u in page.context["users"] if u.username == "kim"][0]
    assert row.is_locked

    response = admin_client.post(reverse("accounts_unlock", args=[locked.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="kim").exists()
    assert client.post("/admin/login/", {"username": "kim", "password": PASSWORD}).status_code == 302
    assert LoginLog.objects.filter(username="kim", reason=LoginLog.Reason.UNLOCKED).exists()


@pytest.mark.django_db
def test_staff_without_settings_edit_right_cannot_unlock(make_user):
    target = make_user("kim", rights={"orders": {"view"}})
    staff = make_user("lee", rights={"settings": {"view"}})
    client = verified_client(staff)
    assert client.get(reverse("accounts_security")).status_code in (302, 403)
    assert client.post(reverse("accounts_unlock", args=[target.pk])).status_code in (302, 403)
