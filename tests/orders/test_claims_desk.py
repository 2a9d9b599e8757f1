"""Claims desk: the cancel / return / exchange lists (constant queries, filters, masked receivers),
one claim's page, decisions from the page and on a selection with a result per claim, rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modules.channels.models import Store, SyncRun
from modules.orders.models import Claim, Order, OrderLine
from tests.conftest import verified_client
from tests.orders.test_claims import claimed

pytestmark = pytest.mark.django_db

LISTS = ["claims_cancel:index", "claims_return:index", "claims_exchange:index"]


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A00012345")


@pytest.fixture
def editor(make_user):
    return verified_client(make_user("클레임담당", rights={"orders": {"view", "edit"}}))


@pytest.fixture
def viewer(make_user):
    return verified_client(make_user("조회만", rights={"orders": {"view"}}))


def add_claims(store, count: int, start: int = 0) -> None:
    now = timezone.now()
    for number in range(start, start + count):
        order = Order.objects.create(
            store=store,
            channel_order_id=f"O{number}",
            ordered_at=now,
            receiver_name="홍길동",
            buyer_name="김철수",
            receiver_phone1="010-1234-5678",
            address1="서울특별시 강남구 테헤란로 123",
            address2="4층",
        )
        for seq in range(2):
            OrderLine.objects.create(
                order=order,
                store=store,
                channel_line_id=f"O{number}-{seq}",
                product_name=f"상품 {number}",
                option_name="빨강",
                quantity=1,
                status="delivered",
                state="delivered",
            )
        for kind in ("cancel", "return", "exchange"):
            Claim.objects.create(
                store=store,
                channel_claim_id=f"{kind}-{number}",
                claim_type=kind,
                state="requested",
                channel_status="REQ",
                channel_order_id=order.channel_order_id,
                channel_line_ids=[f"O{number}-0"],
                quantity=1,
                reason="단순변심",
                requested_at=now - timedelta(minutes=number),
            )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_lists_keep_a_constant_number_of_queries(editor, store):
    add_claims(store, 4)
    urls = [reverse(name) for name in LISTS]
    for url in urls:  # warm-up: first views fill caches (site settings, content types)
        editor.get(url)
    first = [_count(editor, url) for url in urls]
    add_claims(store, 8, start=4)  # three times as many rows
    second = [_count(editor, url) for url in urls]
    assert second == first
    filtered = [f"{url}?store={store.pk}&state=requested&decision=none&requested_at_after=2000-01-01" for url in urls]
    for url in filtered:
        editor.get(url)
    assert [_count(editor, url) for url in filtered]


def test_list_shows_its_kind_masked_and_filtered(editor, store):
    add_claims(store, 2)
    html = editor.get(reverse("claims_return:index")).content.decode()
    assert "return-0" in html and "return-1" in html and "cancel-0" not in html
    assert "홍길동" not in html and "홍*동" in html
    assert "상품 0" in html
    Claim.objects.filter(channel_claim_id="return-1").update(decision="approve", state="completed")
    html = editor.get(reverse("claims_return:index") + "?decision=none").content.decode()
    assert "return-0" in html and "return-1" not in html
    html = editor.get(reverse("claims_return:index") + "?state=completed").content.decode()
    assert "return-1" in html and "return-0" not in html
    html = editor.get(reverse("claims_return:index") + "?q=O1").content.decode()
    assert "return-1" in html and "return-0" not in html
    # Editors get the decision form above the list.
    assert 'id="claims-decide"' in html


def test_detail_page_masks_and_shows_history(editor, store):
    add_claims(store, 1)
    claim = Claim.objects.get(channel_claim_id="cancel-0")
    html = editor.get(reverse("orders_claim_detail", args=[claim.pk])).content.decode()
    assert "cancel-0" in html and "O0-0" in html and "O0-1" not in html
    assert "홍길동" not in html and "010-1234-5678" not in html and "4층" not in html
    assert "홍*동" in html and "010-1234-****" in html
    assert 'data-action="approve"' in html and 'data-action="reject"' in html
    reveal = reverse("orders_personal_data", args=[claim_order_pk(claim)])
    assert reveal not in html  # no personal-data right


def claim_order_pk(claim) -> int:
    return Order.objects.get(store=claim.store, channel_order_id=claim.channel_order_id).pk


def test_people_with_the_personal_data_right_get_the_reveal_link(make_user, store):
    add_claims(store, 1)
    claim = Claim.objects.get(channel_claim_id="cancel-0")
    client = verified_client(make_user("개인정보", rights={"orders": {"view", "pii"}}))
    html = client.get(reverse("orders_claim_detail", args=[claim.pk])).content.decode()
    assert reverse("orders_personal_data", args=[claim_order_pk(claim)]) in html
    assert "홍길동" not in html


def test_viewers_see_but_cannot_decide(viewer, make_user, store):
    add_claims(store, 1)
    claim = Claim.objects.get(channel_claim_id="cancel-0")
    assert viewer.get(reverse("claims_cancel:index")).status_code == 200
    html = viewer.get(reverse("claims_cancel:index")).content.decode()
    assert 'id="claims-decide"' not in html
    page = viewer.get(reverse("orders_claim_detail", args=[claim.pk])).content.decode()
    assert 'data-action="approve"' not in page
    response = viewer.post(reverse("orders_claim_detail", args=[claim.pk]), {"action": "approve"})
    assert response.status_code in (302, 403)
    response = viewer.post(reverse("orders_claims_bulk"), {"action": "approve", "claim": [claim.pk]})
    assert response.status_code in (302, 403)
    assert viewer.get(reverse("orders_claims_collect")).status_code in (302, 403)
    claim.refresh_from_db()
    assert claim.decision == "" and claim.push_code == ""
    outsider = verified_client(make_user("상품만", rights={"products": {"view", "edit"}}))
    assert outsider.get(reverse("claims_cancel:index")).status_code in (302, 403)
    assert outsider.get(reverse("orders_claim_detail", args=[claim.pk])).status_code in (302, 403)


def test_decide_from_the_claim_page(sandbox_store, editor):
    store, _sandbox, claim = claimed(sandbox_store, "naver", "return")
    url = reverse("orders_claim_detail", args=[claim.pk])
    response = editor.post(url, {"action": "reject"})  # no reason: the page again, with the error
    assert response.status_code == 200 and 'data-action="reject"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.decision == "" and claim.push_code == ""
    response = editor.post(url, {"action": "approve"})
    assert response.status_code == 302 and response.url == url
    claim.refresh_from_db()
    assert claim.decision == "approve" and claim.state == "completed"
    assert claim.decided_by.username == "클레임담당"
    page = editor.get(url).content.decode()
    assert "claim_return" in page
    assert 'data-action="approve"' not in page  # settled


def test_decide_a_selection_with_a_result_per_claim(sandbox_store, editor):
    store, sandbox, first = claimed(sandbox_store, "coupang", "return")
    sandbox.create_claim("exchange")
    from tests.orders.test_claims import sync_claims

    sync_claims(store)
    exchange = Claim.objects.get(store=store, claim_type="exchange")
    response = editor.post(
        reverse("orders_claims_bulk"),
        {
            "action": "reject",
            "reason": "sold_out",
            "claim": [first.pk, exchange.pk],
            "next": reverse("claims_return:index"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Coupang refuses a return rejection (no API), takes the exchange rejection.
    assert html.count('data-ok="1"') == 1 and html.count('data-ok="0"') == 1
    assert "NOT_SUPPORTED" in html
    first.refresh_from_db()
    exchange.refresh_from_db()
    assert (first.decision, first.push_code) == ("", "NOT_SUPPORTED")
    assert (exchange.decision, exchange.state) == ("reject", "rejected_by_seller")


def test_bulk_without_a_selection_goes_back(editor, store):
    response = editor.post(reverse("orders_claims_bulk"), {"action": "approve", "next": reverse("claims_return:index")})
    assert response.status_code == 302 and response.url == reverse("claims_return:index")


def test_collect_claims_now_queues_one_run_per_store(editor, store):
    store.credentials = {}
    response = editor.get(reverse("orders_claims_collect"))
    assert response.status_code == 200 and str(store) in response.content.decode()
    response = editor.post(reverse("orders_claims_collect"), {"store": [store.pk]})
    assert response.status_code == 302
    run = SyncRun.objects.get(store=store)
    assert run.kind == "claims" and run.status == SyncRun.Status.QUEUED
    assert f"run={run.pk}" in response.url


def test_the_lists_sit_in_the_orders_menu(admin_client_verified):
    html = admin_client_verified.get(reverse("wagtailadmin_home")).content.decode()
    for name in LISTS:
        assert reverse(name) in html
