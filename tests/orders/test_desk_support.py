"""Support for the desk tests (no tests here): orders made straight in the database (list, filters,
search, pages), and the users and clients of the desk's three rights."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.channels.models import Store
from modules.orders.models import Order, OrderEvent, OrderLine
from tests.conftest import verified_client

_numbers = count(1)


def make_store(marketplace="coupang", name=None) -> Store:
    return Store.objects.create(
        marketplace=marketplace, name=name or f"{marketplace} 스토어 {next(_numbers)}", seller_id="seller-1"
    )


def make_order(
    store,
    *,
    lines=1,
    ordered_at=None,
    state="new",
    buyer="홍길동",
    receiver="김철수",
    phone="010-1234-5678",
    sku=None,
    courier="",
    tracking="",
    claim=("", ""),
    needs_attention=False,
    products=None,
    **fields,
) -> Order:
    number = next(_numbers)
    order = Order.objects.create(
        store=store,
        channel_order_id=fields.pop("channel_order_id", f"CH{number:06d}"),
        ordered_at=ordered_at or timezone.now() - timedelta(hours=1),
        buyer_name=buyer,
        buyer_phone=fields.pop("buyer_phone", "010-9999-0000"),
        receiver_name=receiver,
        receiver_phone1=phone,
        zip_code="06236",
        address1="서울특별시 강남구 테헤란로 123",
        address2="4층 401호",
        delivery_message="문 앞에 놓아 주세요",
        total_amount=fields.pop("total_amount", 25000 * lines),
        state=state,
        needs_attention=needs_attention,
        **fields,
    )
    for index in range(lines):
        OrderLine.objects.create(
            order=order,
            store=store,
            channel_line_id=f"L{number:06d}-{index}",
            channel_product_id=f"P{index}",
            channel_option_id=f"OPT{number}-{index}",
            seller_code=f"CODE-{number}-{index}",
            product_name=(products or ["무선 마우스", "키보드", "모니터 받침대"])[index % 3],
            option_name="블랙",
            quantity=1,
            unit_price=25000,
            line_amount=25000,
            status="paid",
            state=state,
            sku=sku,
            courier=courier,
            tracking_number=tracking,
            claim_type=claim[0],
            claim_state=claim[1],
            needs_attention=needs_attention,
        )
    OrderEvent.objects.create(order=order, kind="collected", new=state, source=OrderEvent.Source.SYNC)
    return order


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.fixture
def viewer(make_user):
    return make_user("주문조회", rights={"orders": {"view"}})


@pytest.fixture
def editor(make_user):
    return make_user("주문담당", rights={"orders": {"view", "edit"}})


@pytest.fixture
def pii_user(make_user):
    return make_user("개인정보담당", rights={"orders": {"view", "edit", "pii"}})


@pytest.fixture
def viewer_client(viewer):
    return verified_client(viewer)


@pytest.fixture
def editor_client(editor):
    return verified_client(editor)


@pytest.fixture
def pii_client(pii_user):
    return verified_client(pii_user)
