"""The order page (lines, claims, history, sync runs, masked personal data and the logged reveal),
receiver edit, and the "needs matching" queue with its one-click match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.channels.models import SyncRun
from modules.orders.models import Claim, OrderEvent, OrderLine
from modules.orders.pii_models import PersonalDataReveal
from tests.catalog.fixtures import *  # noqa: F403
from tests.conftest import verified_client
from tests.orders.test_desk_support import *  # noqa: F403
from tests.orders.test_desk_support import make_order, make_store, query_count

pytestmark = pytest.mark.django_db


def _detail(client, order):
    response = client.get(reverse("orders_detail", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_order_page_shows_lines_claims_history_and_sync_runs_masked(pii_client):
    store = make_store()
    before = SyncRun.objects.create(store=store, kind="orders", status="succeeded")
    SyncRun.objects.filter(pk=before.pk).update(
        started_at=timezone.now() - timedelta(hours=3), finished_at=timezone.now() - timedelta(hours=3)
    )
    covering = SyncRun.objects.create(store=store, kind="orders", status="running", message="수집 중")
    order = make_order(store, lines=2, receiver="김철수", phone="010-1234-5678")
    SyncRun.objects.filter(pk=covering.pk).update(status="succeeded", finished_at=timezone.now() + timedelta(seconds=1))
    later = SyncRun.objects.create(store=store, kind="claims", status="partial", message="일부 실패")
    Claim.objects.create(
        store=store,
        channel_claim_id="CL-1",
        claim_type="cancel",
        state="requested",
        channel_order_id=order.channel_order_id,
        reason="단순 변심",
        quantity=1,
    )
    content = _detail(pii_client, order)
    assert "무선 마우스" in content and "키보드" in content
    assert "단순 변심" in content and "CL-1" in content
    assert 'data-event="collected"' in content
    assert "data-covers-order" in content and "수집 중" in content and "일부 실패" in content
    assert "data-sync-runs" in content
    assert content.count("data-covers-order") == 1
    assert later.pk and before.pk
    # Masked even for a user with the right, until the logged reveal.
    assert "김*수" in content and "김철수" not in content and "010-1234-****" in content
    assert "401호" not in content
    assert reverse("orders_reveal", args=[order.pk]) in content


def test_reveal_is_logged_and_needs_the_right(pii_user, editor_client):
    order = make_order(make_store(), receiver="김철수", phone="010-1234-5678")
    url = reverse("orders_reveal", args=[order.pk])
    assert editor_client.post(url, {"reason": "배송 문의"}).status_code in (302, 403)  # Wagtail: back to the dashboard
    client = verified_client(pii_user)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "김철수" not in refused.content.decode()
    assert not PersonalDataReveal.objects.exists()
    response = client.post(url, {"reason": "배송 문의 답변"})
    content = response.content.decode()
    assert "김철수" in content and "010-1234-5678" in content and "4층 401호" in content
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    log = PersonalDataReveal.objects.get()
    assert (log.username, log.order_id, log.reason) == (pii_user.username, order.pk, "배송 문의 답변")
    # The next plain view is masked again.
    assert "김철수" not in _detail(client, order)


def test_viewer_sees_no_reveal_and_no_actions(viewer_client):
    order = make_order(make_store())
    content = _detail(viewer_client, order)
    assert reverse("orders_reveal", args=[order.pk]) not in content
    assert reverse("orders_receiver", args=[order.pk]) not in content
    assert "data-order-actions" not in content


def test_order_page_query_count_does_not_grow_with_lines_and_events(viewer_client, create_product):
    store = make_store()
    product = create_product(seller_code="MOUSE01")
    small = make_order(store, lines=1)
    big = make_order(store, lines=3, sku=product.skus.get())
    for _order in (small, big):
        SyncRun.objects.create(store=store, kind="orders", status="succeeded")
    for number in range(12):
        OrderEvent.objects.create(order=big, line=big.lines.first(), kind="state", old="new", new="acknowledged")
        Claim.objects.create(
            store=store,
            channel_claim_id=f"B{number}",
            claim_type="return",
            state="requested",
            channel_order_id=big.channel_order_id,
        )
        SyncRun.objects.create(store=store, kind="claims", status="succeeded")
    _detail(viewer_client, small)
    assert query_count(viewer_client, reverse("orders_detail", args=[small.pk])) == query_count(
        viewer_client, reverse("orders_detail", args=[big.pk])
    )


# Receiver edit ----------------------------------------------------------------------------------


def test_receiver_edit_without_the_right_keeps_blank_fields_and_records_old_to_new(editor_client, editor):
    order = make_order(make_store(), receiver="김철수", phone="010-1234-5678")
    url = reverse("orders_receiver", args=[order.pk])
    page = editor_client.get(url).content.decode()
    assert "김철수" not in page and "김*수" in page  # placeholder only
    response = editor_client.post(url, {"address1": "서울특별시 마포구 월드컵로 10", "address2": "2층"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.receiver_name, order.address1, order.address2) == ("김철수", "서울특별시 마포구 월드컵로 10", "2층")
    assert order.receiver_edited_at is not None
    events = OrderEvent.objects.filter(order=order, kind="receiver_edit").order_by("id")
    assert [(e.payload["field"], e.old, e.new, e.user_id) for e in events] == [
        ("address1", "서울특별시 강남구 테헤란로 123", "서울특별시 마포구 월드컵로 10", editor.pk),
        ("address2", "4층 401호", "2층", editor.pk),
    ]
    content = _detail(editor_client, order)
    assert 'data-event="receiver_edit"' in content
    assert "월드컵로 10" in content and "4층 401호" not in content  # old -> new, masked
    assert "판매채널에 전송 안 함" in content


def test_receiver_edit_with_the_right_shows_values_and_logs_the_view(pii_client, pii_user):
    order = make_order(make_store(), receiver="김철수")
    url = reverse("orders_receiver", args=[order.pk])
    page = pii_client.get(url).content.decode()
    assert 'value="김철수"' in page
    assert PersonalDataReveal.objects.filter(order_id=order.pk, username=pii_user.username).count() == 1
    data = {
        "receiver_name": "김영희",
        "receiver_phone1": "010-2222-3333",
        "receiver_phone2": "",
        "zip_code": "1234",
        "address1": "서울",
        "address2": "",
        "delivery_message": "",
    }
    bad = pii_client.post(url, data)
    assert bad.status_code == 200 and "5" in bad.content.decode()  # postcode: 5 digits
    data["zip_code"] = "04524"
    assert pii_client.post(url, data).status_code == 302
    order.refresh_from_db()
    assert (order.receiver_name, order.zip_code, order.delivery_message) == ("김영희", "04524", "")


def test_receiver_edit_needs_the_edit_right(viewer_client):
    order = make_order(make_store())
    assert viewer_client.get(reverse("orders_receiver", args=[order.pk])).status_code in (302, 403)


# The matching queue -----------------------------------------------------------------------------------


def test_queue_lists_unmatched_live_lines_with_constant_queries(editor_client, create_product):
    product = create_product(seller_code="MOUSE01")
    store = make_store()
    matched = make_order(store, channel_order_id="MATCHED", sku=product.skus.get())
    waiting = make_order(store, channel_order_id="WAITING", lines=2)
    make_order(store, channel_order_id="GONE", state="cancelled")
    url = reverse("order_matching:index")
    response = editor_client.get(url)
    lines = list(response.context["object_list"])
    assert {line.order.channel_order_id for line in lines} == {"WAITING"}
    assert matched.pk and waiting.pk
    assert {
        line.order.channel_order_id for line in editor_client.get(url, {"closed": "true"}).context["object_list"]
    } == {"WAITING", "GONE"}
    few = query_count(editor_client, url)
    for _number in range(6):
        make_order(store, lines=2)
    assert query_count(editor_client, url) == few


def test_one_click_match_remembers_the_option(editor_client, create_product):
    product = create_product(seller_code="MOUSE01")
    sku = product.skus.get()
    store = make_store()
    first = make_order(store, channel_order_id="FIRST")
    line = first.lines.get()
    # A second waiting line of the same channel option: matched by the same click.
    second = make_order(store, channel_order_id="SECOND")
    OrderLine.objects.filter(order=second).update(
        channel_option_id=line.channel_option_id, channel_product_id=line.channel_product_id
    )
    queue = reverse("order_matching:index")
    assert editor_client.get(queue).context["object_list"][0].same_option == 2
    response = editor_client.post(
        reverse("orders_line_match", args=[line.pk]), {"code": "MOUSE01", "remember": "on", "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    assert set(OrderLine.objects.filter(order__in=[first, second]).values_list("sku_id", "match_source")) == {
        (sku.pk, "manual")
    }
    from modules.channels.models import ListingOption

    assert ListingOption.objects.filter(
        listing__store=store, channel_option_id=line.channel_option_id, sku=sku
    ).exists()
    assert OrderEvent.objects.filter(kind="sku_match", order=first).exists()
    assert list(editor_client.get(queue).context["object_list"]) == []


def test_match_with_an_unknown_code_goes_to_the_search_and_without_remembering(editor_client, create_product):
    product = create_product(seller_code="KEYBOARD7", name="기계식 키보드")
    sku = product.skus.get()
    store = make_store()
    order = make_order(store)
    line = order.lines.get()
    url = reverse("orders_line_match", args=[line.pk])
    response = editor_client.post(url, {"code": "NOPE", "remember": "on"})
    assert response.status_code == 302 and "q=NOPE" in response["Location"]
    search = editor_client.get(url, {"q": "키보드"})
    assert search.status_code == 200 and list(search.context["skus"]) == [sku]
    assert editor_client.post(url, {"sku": str(sku.pk)}).status_code == 302  # remember unchecked
    line.refresh_from_db()
    assert line.sku_id == sku.pk
    from modules.channels.models import ListingOption

    assert not ListingOption.objects.filter(channel_option_id=line.channel_option_id).exists()


def test_matching_needs_the_edit_right(viewer_client):
    line = make_order(make_store()).lines.get()
    assert viewer_client.post(reverse("orders_line_match", args=[line.pk]), {"code": "X"}).status_code in (302, 403)
    assert OrderLine.objects.filter(match_source="manual").count() == 0
