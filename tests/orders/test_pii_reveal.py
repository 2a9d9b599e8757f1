"""Personal data in full: only with the orders "personal data" right, each time logged; the reveal
page with its reason prompt; the two logs in the Logs menu (rights, filters, constant queries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from modules.channels.models import Store
from modules.orders.models import Order, PersonalDataReveal, RetentionRun
from modules.orders.pii import PERSONAL_FIELDS, pii_masked_values, pii_reveal
from modules.orders.pii_hooks import LOGS_SUBMENU_HOOK, PersonalDataRevealViewSet, RetentionRunViewSet
from tests.conftest import verified_client

PERSON = {
    "buyer_name": "홍길동",
    "buyer_phone": "010-1234-5678",
    "buyer_email": "honggd@example.com",
    "receiver_name": "김영희",
    "receiver_phone1": "0504-1111-2222",
    "receiver_phone2": "",
    "zip_code": "06236",
    "address1": "서울특별시 강남구 테헤란로 123",
    "address2": "장터빌딩 501호",
    "delivery_message": "문 앞에 놓아 주세요",
}


@pytest.fixture
def order(db):
    store = Store.objects.create(marketplace="coupang", name="쿠팡 스토어", seller_id="s1")
    return Order.objects.create(store=store, channel_order_id="2026000111", ordered_at=timezone.now(), **PERSON)


@pytest.fixture
def cs_user(make_user):
    return make_user("cs", rights={"orders": {"view", "pii"}})


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", rights={"orders": {"view", "edit"}})


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", rights={"logs": {"view"}})


# -- the service --------------------------------------------------------------------------------------


def test_reveal_with_the_right_returns_everything_and_logs_it(order, cs_user):
    values = pii_reveal(order=order, user=cs_user, reason=" 배송 문의 응대 ", ip="203.0.113.7")
    assert values == PERSON
    log = PersonalDataReveal.objects.get()
    assert (log.user, log.username, log.order_id, log.order_number, log.store_name) == (
        cs_user, "cs", order.pk, "2026000111", str(order.store),
    )
    assert (log.fields, log.reason, log.ip) == (list(PERSONAL_FIELDS), "배송 문의 응대", "203.0.113.7")
    assert log.created_at is not None


def test_reveal_of_some_fields_logs_those(order, cs_user):
    assert pii_reveal(order=order, user=cs_user, fields=["receiver_phone1"]) == {"receiver_phone1": "0504-1111-2222"}
    assert PersonalDataReveal.objects.get().fields == ["receiver_phone1"]
    with pytest.raises(ValueError):
        pii_reveal(order=order, user=cs_user, fields=["total_amount"])
    assert PersonalDataReveal.objects.count() == 1


def test_reveal_without_the_right_is_refused_and_not_logged(order, clerk, make_user):
    with pytest.raises(PermissionDenied):
        pii_reveal(order=order, user=clerk, reason="궁금해서")
    # The right of another area does not count.
    with pytest.raises(PermissionDenied):
        pii_reveal(order=order, user=make_user("cs-only", rights={"cs": {"view", "pii"}}), reason="x")
    assert not PersonalDataReveal.objects.exists()


def test_superuser_may_reveal(order, make_user):
    boss = make_user("boss", superuser=True)
    assert pii_reveal(order=order, user=boss, reason="점검")["receiver_name"] == "김영희"
    assert PersonalDataReveal.objects.get().username == "boss"


def test_masked_values_for_lists(order):
    assert pii_masked_values(order) == {
        "buyer_name": "홍*동",
        "buyer_phone": "010-1234-****",
        "buyer_email": "ho****@example.com",
        "receiver_name": "김*희",
        "receiver_phone1": "0504-1111-****",
        "receiver_phone2": "",
        "zip_code": "06236",
        "address1": "서울특별시 강남구 테헤란로 123 ***",
        "address2": "***",
        "delivery_message": "***",
    }


# -- the page --------------------------------------------------------------------------------------------


def test_page_asks_a_reason_then_shows_the_values(order, cs_user):
    client = verified_client(cs_user)
    url = reverse("orders_personal_data", args=[order.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "김*희" in html and "김영희" not in html and "장터빌딩" not in html
    assert 'name="reason"' in html
    assert not PersonalDataReveal.objects.exists()

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "김영희" not in response.content.decode()
    assert not PersonalDataReveal.objects.exists()

    response = client.post(url, {"reason": "반품 회수 주소 확인"}, REMOTE_ADDR="198.51.100.4")
    html = response.content.decode()
    assert response.status_code == 200
    assert "김영희" in html and "장터빌딩 501호" in html and "010-1234-5678" in html
    assert "no-store" in response["Cache-Control"]
    log = PersonalDataReveal.objects.get()
    assert (log.reason, log.ip, log.username) == ("반품 회수 주소 확인", "198.51.100.4", "cs")


def test_page_answers_json_for_the_order_desk(order, cs_user):
    client = verified_client(cs_user)
    url = reverse("orders_personal_data", args=[order.pk])
    response = client.post(url, {"reason": "x"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(url, {"reason": "배송 문의"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["values"] == PERSON and body["masked_by_retention"] is False
    assert body["labels"]["receiver_name"]
    assert "no-store" in response["Cache-Control"]
    assert PersonalDataReveal.objects.count() == 1


def test_page_is_refused_without_the_right(order, clerk):
    client = verified_client(clerk)
    url = reverse("orders_personal_data", args=[order.pk])
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"reason": "궁금해서"}).status_code in (302, 403)
    assert "김영희" not in client.post(url, {"reason": "궁금해서"}, follow=True).content.decode()
    assert not PersonalDataReveal.objects.exists()


def test_page_of_a_masked_order_says_so(order, cs_user):
    Order.objects.filter(pk=order.pk).update(receiver_name="김*희", pii_masked_at=timezone.now())
    client = verified_client(cs_user)
    response = client.post(reverse("orders_personal_data", args=[order.pk]), {"reason": "분쟁 확인"})
    assert "김*희" in response.content.decode()
    assert 'data-pii-masked' in response.content.decode()
    assert PersonalDataReveal.objects.count() == 1


def test_back_link_only_to_this_site(order, cs_user):
    client = verified_client(cs_user)
    url = reverse("orders_personal_data", args=[order.pk])
    assert 'href="/admin/orders/"' in client.get(url + "?next=/admin/orders/").content.decode()
    assert "evil.example" not in client.get(url + "?next=https://evil.example/").content.decode()


# -- the logs --------------------------------------------------------------------------------------------


def _reveals(order, user, count, *, username=None):
    for _index in range(count):
        pii_reveal(order=order, user=user, reason="배송 문의", ip="127.0.0.1")
    if username:
        PersonalDataReveal.objects.filter(username=user.username).update(username=username)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_reveal_log_list_has_constant_queries_and_filters(order, cs_user, auditor, make_user):
    client = verified_client(auditor)
    url = reverse("personal-data-views:index")
    filtered = url + f"?username=cs&created_at_from={timezone.localdate().isoformat()}"
    _reveals(order, cs_user, 3)
    client.get(url)  # warm-up (settings, content types)
    few, few_filtered = _queries(client, url), _queries(client, filtered)
    _reveals(order, cs_user, 6)
    _reveals(order, make_user("cs2", rights={"orders": {"pii"}}), 3)
    assert (_queries(client, url), _queries(client, filtered)) == (few, few_filtered)

    html = client.get(url + "?username=cs2").content.decode()
    assert html.count("2026000111") == 3
    html = client.get(url).content.decode()
    assert html.count("배송 문의") == 12
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    PersonalDataReveal.objects.filter(username="cs2").update(created_at=timezone.now() - timedelta(days=3))
    html = client.get(url + f"?created_at_from={yesterday}").content.decode()
    assert html.count("2026000111") == 9


def test_retention_log_list_has_constant_queries(auditor):
    client = verified_client(auditor)
    url = reverse("personal-data-retention:index")

    def runs(count):
        for _index in range(count):
            RetentionRun.objects.create(
                started_at=timezone.now(), months=3, cutoff=timezone.now(), orders_masked=5, status="done"
            )

    runs(2)
    client.get(url)
    few = _queries(client, url)
    runs(6)
    assert _queries(client, url) == few
    assert client.get(url + "?dry_run=true").status_code == 200


def test_logs_need_the_logs_right_and_are_read_only(order, cs_user, auditor):
    _reveals(order, cs_user, 1)
    assert verified_client(cs_user).get(reverse("personal-data-views:index")).status_code in (302, 403)
    client = verified_client(auditor)
    log = PersonalDataReveal.objects.get()
    assert client.get(reverse("personal-data-views:inspect", args=[log.pk])).status_code == 200
    assert client.get(reverse("personal-data-views:edit", args=[log.pk])).status_code in (302, 403)
    assert client.get(reverse("personal-data-views:delete", args=[log.pk])).status_code in (302, 403)
    assert client.get(reverse("personal-data-views:add")).status_code in (302, 403)


def test_logs_join_the_logs_menu_group_through_its_submenu_hook(rf, auditor, clerk):
    from wagtail.admin.menu import Menu

    labels = {}
    for user in (auditor, clerk):
        request = rf.get("/admin/")
        request.user = user
        menu = Menu(register_hook_name=LOGS_SUBMENU_HOOK)
        labels[user.username] = [str(item.label) for item in menu.menu_items_for_request(request)]
    expected = {str(PersonalDataRevealViewSet.menu_label), str(RetentionRunViewSet.menu_label)}
    assert expected <= set(labels["auditor"])
    assert labels["clerk"] == []
    assert hooks.get_hooks(LOGS_SUBMENU_HOOK)
