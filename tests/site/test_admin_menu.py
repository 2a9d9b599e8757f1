"""Every admin menu page opens for a user with the right, and is refused to one without it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import MenuItem, SubmenuMenuItem, admin_menu

from tests.conftest import verified_client


def menu_urls(user) -> dict[str, str]:
    reverse("wagtailadmin_home")  # loads the URLconf, which registers the viewsets' menu items
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = {}

    def walk(items):
        for item in items:
            if isinstance(item, SubmenuMenuItem):
                walk(item.menu.menu_items_for_request(request))
            elif isinstance(item, MenuItem):
                urls[item.name] = item.url

    walk(admin_menu.menu_items_for_request(request))
    return urls


# Our pages, the area right each needs, and a right that must not be enough.
AREA_PAGES = [
    ("/admin/access-log/", {"logs": {"view"}}, {"settings": {"edit"}}),
    ("/admin/login-log/", {"logs": {"view"}}, {"orders": {"edit", "pii"}}),
    ("/admin/allowed-ips/", {"settings": {"view"}}, {"logs": {"view"}}),
    ("/admin/allowed-ips/new/", {"settings": {"edit"}}, {"settings": {"view"}}),
    ("/admin/security/accounts/", {"settings": {"edit"}}, {"settings": {"view"}}),
]


@pytest.mark.django_db
def test_every_menu_page_opens_for_the_administrator(make_user):
    admin = make_user("boss", superuser=True, totp=True)
    client = verified_client(admin)
    urls = menu_urls(admin)
    assert {"access-log", "login-log", "allowed-ips", "account-security", "company-settings"} <= set(urls)
    assert "explorer" not in urls  # no page tree in an order admin
    for name, url in urls.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "granted", "not_enough"), AREA_PAGES)
def test_area_pages_follow_the_groups_rights(make_user, url, granted, not_enough):
    allowed = verified_client(make_user("allowed", rights=granted))
    refused = verified_client(make_user("refused", rights=not_enough))
    assert allowed.get(url).status_code == 200
    response = refused.get(url)
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] != url


@pytest.mark.django_db
def test_menu_shows_only_what_the_user_may_open(make_user):
    logs_reader = make_user("reader", rights={"logs": {"view"}})
    urls = menu_urls(logs_reader)
    assert {"access-log", "login-log"} <= set(urls)
    assert "allowed-ips" not in urls and "account-security" not in urls
    nothing = make_user("nothing", rights={})
    assert not {"access-log", "login-log", "allowed-ips", "account-security"} & set(menu_urls(nothing))


@pytest.mark.django_db
def test_logs_are_read_only_even_for_the_administrator(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    for name in ("access-log", "login-log"):
        assert client.get(reverse(f"{name}:add")).status_code in (302, 403)
        assert client.get(reverse(f"{name}:index")).status_code == 200
