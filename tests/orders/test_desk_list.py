"""The order desk list: masked personal data, items summary and flags, date presets and from/to,
filters, search (our number, channel number, names, phone by digits, tracking number), rights,
and a constant number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.orders.models import Claim
from tests.catalog.fixtures import *  # noqa: F403
from tests.orders.test_desk_support import *  # noqa: F403
from tests.orders.test_desk_support import make_order, make_store, query_count

pytestmark = pytest.mark.django_db

INDEX = "orders:index"


def _ids(client, **params) -> set[str]:
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    return {order.channel_order_id for order in response.context["object_list"]}


def test_list_masks_personal_data_for_everyone_and_summarises_items(pii_client):
    store = make_store()
    order = make_order(store, lines=3, buyer="홍길동", receiver="김철수", phone="010-1234-5678")
    content = pii_client.get(reverse(INDEX)).content.decode()
    assert order.channel_order_id in content
    assert "김*수" in content and "010-1234-****" in content
    for secret in ("김철수", "홍길동", "1234-5678", "테헤란로", "401호"):
        assert secret not in content
    assert "무선 마우스 블랙 외 2건" in content  # first line's product and option, "and 2 more"
    assert "75,000" in content  # the order's total, not a line's amount
    assert reverse("orders_detail", args=[order.pk]) in content


def test_list_needs_the_orders_view_right(make_user):
    from tests.conftest import verified_client

    outsider = verified_client(make_user("상품만", rights={"products": {"view"}}))
    assert outsider.get(reverse(INDEX)).status_code in (302, 403)


def test_list_flags(viewer_client):
    store = make_store()
    make_order(store, channel_order_id="FLAGGED", needs_attention=True, claim=("cancel", "requested"))
    content = viewer_client.get(reverse(INDEX)).content.decode()
    assert 'data-flag="critical"' in content  # needs attention
    assert content.count('data-flag="warning"') == 2  # the open cancel request and the line without SKU
    assert 'data-flag="warning">SKU 없음<' in content


def test_date_presets_and_from_to_in_seoul_days(viewer_client):
    store = make_store()
    today = timezone.localdate()

    def at(days_ago, hour=10):
        day = today - timedelta(days=days_ago)
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

    make_order(store, channel_order_id="TODAY", ordered_at=at(0, 0))
    make_order(store, channel_order_id="D2", ordered_at=at(2))
    make_order(store, channel_order_id="D6", ordered_at=at(6))
    make_order(store, channel_order_id="D20", ordered_at=at(20))
    make_order(store, channel_order_id="D40", ordered_at=at(40))
    assert _ids(viewer_client, period="1") == {"TODAY"}
    assert _ids(viewer_client, period="3") == {"TODAY", "D2"}
    assert _ids(viewer_client, period="7") == {"TODAY", "D2", "D6"}
    assert _ids(viewer_client, period="30") == {"TODAY", "D2", "D6", "D20"}
    assert len(_ids(viewer_client)) == 5
    day = today - timedelta(days=6)
    assert _ids(viewer_client, ordered_from=day.isoformat(), ordered_to=day.isoformat()) == {"D6"}
    assert _ids(viewer_client, ordered_to=(today - timedelta(days=20)).isoformat()) == {"D20", "D40"}
    # The presets are links that keep the other filters.
    content = viewer_client.get(reverse(INDEX), {"state": "new"}).content.decode()
    assert "period=7" in content and "state=new" in content


def test_filters(viewer_client):
    coupang, naver = make_store("coupang"), make_store("naver")
    make_order(coupang, channel_order_id="NEW")
    make_order(coupang, channel_order_id="ACK", state="acknowledged")
    make_order(naver, channel_order_id="NAVER", courier="CJ", tracking="123456789012")
    make_order(naver, channel_order_id="CANCELREQ", claim=("cancel", "requested"))
    make_order(naver, channel_order_id="RETURNDONE", claim=("return", "completed"), needs_attention=True)
    make_order(coupang, channel_order_id="CLAIMROW")
    Claim.objects.create(
        store=coupang, channel_claim_id="C1", claim_type="exchange", state="requested", channel_order_id="CLAIMROW"
    )
    assert _ids(viewer_client, marketplace="naver") == {"NAVER", "CANCELREQ", "RETURNDONE"}
    assert _ids(viewer_client, store=str(coupang.pk)) == {"NEW", "ACK", "CLAIMROW"}
    assert _ids(viewer_client, state="acknowledged") == {"ACK"}
    assert _ids(viewer_client, claim="cancel") == {"CANCELREQ"}
    assert _ids(viewer_client, claim="exchange") == {"CLAIMROW"}
    assert _ids(viewer_client, claim="return") == set()  # completed: not open
    assert "CANCELREQ" not in _ids(viewer_client, claim="none") and "RETURNDONE" in _ids(viewer_client, claim="none")
    assert _ids(viewer_client, courier="CJ") == {"NAVER"}
    assert _ids(viewer_client, needs_attention="true") == {"RETURNDONE"}
    assert len(_ids(viewer_client, matched="no")) == 6 and _ids(viewer_client, matched="yes") == set()


def test_matched_filter_with_skus(viewer_client, create_product):
    product = create_product(seller_code="MOUSE01")
    sku = product.skus.get()
    store = make_store()
    make_order(store, channel_order_id="MATCHED", sku=sku)
    make_order(store, channel_order_id="UNMATCHED")
    assert _ids(viewer_client, matched="yes") == {"MATCHED"}
    assert _ids(viewer_client, matched="no") == {"UNMATCHED"}


def test_search(viewer_client):
    store = make_store()
    first = make_order(
        store, channel_order_id="2024050112345", buyer="박지민", receiver="이서연", phone="010-1234-5678"
    )
    make_order(
        store,
        channel_order_id="OTHER",
        buyer="최민수",
        receiver="정하늘",
        phone="0504-1111-2222",
        tracking="6543-2109-8765",
    )
    assert _ids(viewer_client, q="2024050112345") == {"2024050112345"}
    assert _ids(viewer_client, q=str(first.pk)) >= {"2024050112345"}  # our own order number
    assert _ids(viewer_client, q=f"#{first.pk}") >= {"2024050112345"}
    assert _ids(viewer_client, q="박지민") == {"2024050112345"}
    assert _ids(viewer_client, q="정하늘") == {"OTHER"}
    assert _ids(viewer_client, q="01012345678") == {"2024050112345"}  # digits only
    assert _ids(viewer_client, q="010 1234 5678") == {"2024050112345"}
    assert _ids(viewer_client, q="2222") == {"OTHER"}  # the end of a phone number
    assert _ids(viewer_client, q="654321098765") == {"OTHER"}  # tracking number without hyphens
    assert _ids(viewer_client, q="없는사람") == set()


def test_list_query_count_does_not_grow_with_orders(viewer_client, create_product):
    product = create_product(seller_code="MOUSE01")
    sku = product.skus.get()
    stores = [make_store("coupang"), make_store("naver"), make_store("elevenst")]

    def grow(n):
        for index in range(n):
            store = stores[index % 3]
            make_order(
                store,
                lines=1 + index % 3,
                sku=sku if index % 2 else None,
                claim=("cancel", "requested") if index % 4 == 0 else ("", ""),
            )
            Claim.objects.create(
                store=store,
                channel_claim_id=f"C{store.pk}-{index}-{timezone.now().timestamp()}",
                claim_type="return",
                state="requested",
                channel_order_id="nothing",
            )

    url = reverse(INDEX)
    grow(4)
    viewer_client.get(url)  # warm caches (content types, settings)
    few = query_count(viewer_client, url)
    grow(8)
    many = query_count(viewer_client, url)
    assert few == many
    filtered = url + "?period=7&claim=cancel&matched=no&q=010"
    few_filtered = query_count(viewer_client, filtered)
    grow(4)
    assert query_count(viewer_client, filtered) == few_filtered


def test_wagtail_own_export_is_off(viewer_client):
    make_order(make_store())
    response = viewer_client.get(reverse(INDEX), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
