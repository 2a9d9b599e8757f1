"""List pages run the same number of queries whatever the number of rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.accounts.models import AccessLog, AllowedIP, LoginLog
from modules.accounts.services import permission_group_save
from tests.conftest import verified_client


def add_access_logs(n):
    AccessLog.objects.bulk_create(
        AccessLog(username=f"user{i % 7}", method="GET", path=f"/admin/orders/{i}/", status=200, ip="10.0.0.1")
        for i in range(n)
    )


def add_login_logs(n):
    LoginLog.objects.bulk_create(
        LoginLog(username=f"user{i % 7}", reason=LoginLog.Reason.OK, success=True, ip="10.0.0.2") for i in range(n)
    )


def add_allowed_ips(n, user):
    AllowedIP.objects.get_or_create(network="127.0.0.0/8")  # the test client's own address
    start = AllowedIP.objects.count()
    AllowedIP.objects.bulk_create(
        AllowedIP(network=f"10.{(start + i) // 250}.{(start + i) % 250}.0/24", created_by=user) for i in range(n)
    )


def add_users(n):
    group = permission_group_save(name="bulk", rights={"orders": {"view"}})
    start = get_user_model().objects.count()
    for i in range(n):
        get_user_model().objects.create_user(username=f"bulk{start + i}").groups.add(group)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "grow"),
    [
        ("access-log:index", lambda user, n: add_access_logs(n)),
        ("login-log:index", lambda user, n: add_login_logs(n)),
        ("allowed-ips:index", lambda user, n: add_allowed_ips(n, user)),
        ("accounts_security", lambda user, n: add_users(n)),
    ],
)
def test_list_page_query_count_does_not_grow_with_rows(make_user, url_name, grow):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    url = reverse(url_name)
    grow(admin, 3)
    client.get(url)  # warm per-process caches (content types, settings)
    few = queries_for(client, url)
    grow(admin, 40)
    many = queries_for(client, url)
    assert few == many, (url, few, many)
    assert many <= 15
