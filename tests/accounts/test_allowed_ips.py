import pytest
from django.urls import reverse

from modules.accounts.models import AllowedIP, LoginLog
from modules.accounts.services import allowed_ip_save
from tests.conftest import PASSWORD, verified_client

OFFICE = "203.0.113.0/24"


def allow(network):
    return allowed_ip_save(allowed_ip=AllowedIP(network=network), user=None)


@pytest.mark.django_db
def test_empty_list_allows_everyone(client):
    assert client.get("/admin/login/", REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.get("/api/", REMOTE_ADDR="198.51.100.1").status_code == 200


@pytest.mark.django_db
def test_admin_allowed_from_listed_range_and_denied_elsewhere(client):
    allow(OFFICE)
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.44").status_code == 200
    denied = client.get("/admin/login/", REMOTE_ADDR="198.51.100.1")
    assert denied.status_code == 403
    assert "198.51.100.1" in denied.content.decode()


@pytest.mark.django_db
def test_api_denied_with_json_error(client):
    allow("203.0.113.7")
    assert client.get("/api/", REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.get("/api/", REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ip_not_allowed"


@pytest.mark.django_db
def test_denied_login_attempt_is_logged(client):
    allow(OFFICE)
    client.post("/admin/login/", {"username": "kim", "password": "x"}, REMOTE_ADDR="198.51.100.1")
    log = LoginLog.objects.get()
    assert (log.username, log.reason, log.ip) == ("kim", LoginLog.Reason.IP_DENIED, "198.51.100.1")


@pytest.mark.django_db
def test_ipv6_range(client):
    allow("2001:db8::/32")
    assert client.get("/admin/login/", REMOTE_ADDR="2001:db8::1").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="2001:db9::1").status_code == 403
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.1").status_code == 403


@pytest.mark.django_db
def test_proxy_header_ignored_unless_trusted(client, settings):
    allow(OFFICE)
    forged = {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert client.get("/admin/login/", **forged).status_code == 403
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    # Behind one trusted proxy the client is the right-most address the proxy appended.
    via_proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.5"}
    assert client.get("/admin/login/", **via_proxy).status_code == 200
    spoofed = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5, 198.51.100.1"}
    assert client.get("/admin/login/", **spoofed).status_code == 403


@pytest.mark.django_db
def test_list_change_takes_effect_at_once(client, django_capture_on_commit_callbacks):
    allow(OFFICE)
    assert client.get("/admin/login/", REMOTE_ADDR="198.51.100.1").status_code == 403
    # The cached list is dropped when the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        allow("198.51.100.0/24")
    assert client.get("/admin/login/", REMOTE_ADDR="198.51.100.1").status_code == 200


@pytest.mark.django_db
def test_saving_a_list_that_excludes_me_asks_for_confirmation(make_user, django_capture_on_commit_callbacks):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    add_url = reverse("allowed-ips:add")
    me = {"REMOTE_ADDR": "198.51.100.1"}

    response = client.post(add_url, {"network": OFFICE, "memo": "본사"}, **me)
    assert response.status_code == 200
    assert "198.51.100.1" in str(response.context["form"].errors["confirm_lockout"])
    assert not AllowedIP.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url, {"network": OFFICE, "memo": "본사", "confirm_lockout": "on"}, **me)
    assert response.status_code == 302
    assert AllowedIP.objects.get().network == OFFICE
    # Now this browser is outside the list.
    assert client.get("/admin/", **me).status_code == 403


@pytest.mark.django_db
def test_saving_a_list_that_includes_me_needs_no_confirmation(make_user):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    response = client.post(
        reverse("allowed-ips:add"), {"network": "203.0.113.9", "memo": ""}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    assert AllowedIP.objects.get().network == "203.0.113.9/32"


@pytest.mark.django_db
def test_invalid_network_gets_a_field_error(make_user):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    response = client.post(reverse("allowed-ips:add"), {"network": "300.1.1.1", "memo": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["network"]
    assert not AllowedIP.objects.exists()


@pytest.mark.django_db
def test_deleting_the_entry_that_lets_me_in_asks_for_confirmation(make_user):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    mine = allow("198.51.100.1")
    allow(OFFICE)
    me = {"REMOTE_ADDR": "198.51.100.1"}
    delete_url = reverse("allowed-ips:delete", args=[mine.pk])
    assert client.get(delete_url, **me).context["lockout_warning"] is True
    client.post(delete_url, **me)
    assert AllowedIP.objects.filter(pk=mine.pk).exists()
    client.post(delete_url, {"confirm_lockout": "1"}, **me)
    assert not AllowedIP.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_password_login_allowed_from_listed_address(client, make_user):
    allow(OFFICE)
    make_user("kim", rights={"orders": {"view"}})
    response = client.post(
        "/admin/login/", {"username": "kim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.10"
    )
    assert response.status_code == 302
