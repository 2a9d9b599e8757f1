import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from modules.accounts.areas import user_has_area_right
from tests.conftest import verified_client


@pytest.mark.django_db
def test_group_page_sets_menu_rights_and_edit_implies_view(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    page = client.get(reverse("wagtailusers_groups:add"))
    assert page.status_code == 200
    assert "data-area-rights" in page.content.decode()

    # The other panels' formset management forms, as the browser would send them.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
                             r'[^>]*value="(\d+)"', page.content.decode()))
    assert hidden
    response = client.post(
        reverse("wagtailusers_groups:add"),
        {
            **hidden,
            "name": "주문 담당",
            "area_rights-orders_edit": "on",
            "area_rights-orders_pii": "on",
            "area_rights-logs_view": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = Group.objects.get(name="주문 담당")
    codenames = set(group.permissions.filter(content_type__app_label="accounts").values_list("codename", flat=True))
    assert codenames == {"orders_view", "orders_edit", "orders_pii", "logs_view"}

    member = make_user("kim", group=False)
    member.groups.add(group)
    assert user_has_area_right(member, "orders", "pii")
    assert user_has_area_right(member, "logs", "view")
    assert not user_has_area_right(member, "logs", "edit")
    assert not user_has_area_right(member, "settings", "view")


@pytest.mark.django_db
def test_group_page_no_longer_lists_log_model_permissions(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    html = client.get(reverse("wagtailusers_groups:add")).content.decode()
    assert "accesslog" not in html.lower()
