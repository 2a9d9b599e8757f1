"""The webhook admin: subscriptions (secret shown once on create and on a new secret, stored
encrypted), the delivery list with filters and constant queries, a delivery's attempts and the
redeliver button, and the settings-area rights."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from integrations.webhooks import client
from modules.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from modules.webhooks.signing import webhook_verify_signature
from tests.conftest import verified_client
from tests.webhooks.helpers import Recorder, api_client_make, subscription_make

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/admin/webhooks/subscriptions/"
DELIVERIES = "/admin/webhooks/deliveries/"


@pytest.fixture
def operator(make_user):
    return verified_client(make_user("운영자", rights={"settings": {"view", "edit"}}))


@pytest.fixture
def viewer(make_user):
    return verified_client(make_user("열람자", rights={"settings": {"view"}}))


def deliveries_make(subscription, count: int, *, start: int = 1, status=DeliveryStatus.FAILED):
    made = []
    for n in range(start, start + count):
        event = WebhookEvent.objects.create(
            event_type=EventType.STOCK_CHANGED, source="stock_movement", source_id=n, payload={"n": n}
        )
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            event_type=event.event_type,
            status=status,
            attempt_count=1,
            last_attempt_at=timezone.now(),
            last_status_code=500,
            next_attempt_at=timezone.now(),
        )
        WebhookAttempt.objects.create(
            delivery=delivery, number=1, requested_at=timezone.now(), url=subscription.url, status_code=500
        )
        made.append(delivery)
    return made


def test_create_shows_the_secret_once_and_stores_it_encrypted(operator):
    response = operator.post(
        SUBSCRIPTIONS + "new/",
        {
            "client": api_client_make().pk,
            "name": "ERP",
            "url": "https://erp.example.test/hooks",
            "events": ["order.created", "stock.changed"],
            "is_active": "on",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["order.created", "stock.changed"]
    secret = subscription.secret
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    with connection.cursor() as cursor:
        cursor.execute("select secret from webhooks_webhooksubscription")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("fernet:") and secret not in stored
    # Never again: the list and the edit page show only the last four characters.
    for page in (SUBSCRIPTIONS, f"{SUBSCRIPTIONS}edit/{subscription.pk}/"):
        html = operator.get(page).content.decode()
        assert secret not in html
    assert "••••" + secret[-4:] in operator.get(SUBSCRIPTIONS).content.decode()


def test_create_refuses_bad_input(operator):
    client = api_client_make().pk
    response = operator.post(SUBSCRIPTIONS + "new/", {"client": client, "url": "ftp://erp.example.test/", "events": []})
    assert response.status_code == 200 and not WebhookSubscription.objects.exists()
    errors = response.context["form"].errors
    assert "url" in errors and "events" in errors
    response = operator.post(
        SUBSCRIPTIONS + "new/", {"client": client, "url": "https://erp.example.test/", "events": ["order.deleted"]}
    )
    assert "events" in response.context["form"].errors and not WebhookSubscription.objects.exists()
    # A client without the stock read scope cannot subscribe to stock.changed.
    pos = api_client_make("POS", scopes=["orders:write"]).pk
    response = operator.post(
        SUBSCRIPTIONS + "new/", {"client": pos, "url": "https://pos.example.test/", "events": ["stock.changed"]}
    )
    assert "stock:read" in str(response.context["form"].errors["events"])
    assert not WebhookSubscription.objects.exists()
    response = operator.post(
        SUBSCRIPTIONS + "new/", {"client": pos, "url": "https://pos.example.test/", "events": ["order.created"]}
    )
    assert response.status_code == 200 and WebhookSubscription.objects.get().client_id == pos


def test_edit_keeps_the_secret_and_a_new_secret_is_shown_once(operator):
    subscription, secret = subscription_make()
    response = operator.post(
        f"{SUBSCRIPTIONS}edit/{subscription.pk}/",
        {
            "client": subscription.client_id,
            "name": "POS",
            "url": "https://pos.example.test/hooks",
            "events": ["claim.created"],
        },
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events, subscription.is_active) == (
        "https://pos.example.test/hooks",
        ["claim.created"],
        False,
    )
    assert subscription.secret == secret
    rotate = f"/admin/webhooks/subscription/{subscription.pk}/rotate/"
    assert operator.get(rotate).status_code == 200
    subscription.refresh_from_db()
    assert subscription.secret == secret  # GET only asks
    response = operator.post(rotate)
    subscription.refresh_from_db()
    assert subscription.secret != secret and subscription.secret in response.content.decode()


def test_lists_have_constant_queries(operator, django_assert_max_num_queries):
    subscription, _secret = subscription_make()
    deliveries_make(subscription, 2)
    with django_assert_max_num_queries(60) as small_deliveries:
        assert operator.get(DELIVERIES).status_code == 200
    with django_assert_max_num_queries(60) as small_subscriptions:
        assert operator.get(SUBSCRIPTIONS).status_code == 200
    for n in range(8):
        other, _ = subscription_make(url=f"https://erp{n}.example.test/hooks")
        deliveries_make(other, 3, start=100 + 10 * n)
    with django_assert_max_num_queries(len(small_deliveries.captured_queries)):
        response = operator.get(DELIVERIES)
    assert response.status_code == 200 and len(response.context["object_list"]) == 26
    with django_assert_max_num_queries(len(small_subscriptions.captured_queries)):
        response = operator.get(SUBSCRIPTIONS)
    assert response.status_code == 200 and len(response.context["object_list"]) == 9
    assert "3 " in response.content.decode()  # open deliveries counted per subscription


def test_delivery_filters(operator):
    subscription, _secret = subscription_make()
    other, _ = subscription_make(url="https://pos.example.test/hook")
    failed = deliveries_make(subscription, 2)
    gave_up = deliveries_make(other, 1, start=50, status=DeliveryStatus.GAVE_UP)
    listed = lambda **query: {d.pk for d in operator.get(DELIVERIES, query).context["object_list"]}  # noqa: E731
    assert listed(status="gave_up") == {gave_up[0].pk}
    assert listed(status="failed") == {d.pk for d in failed}
    assert listed(subscription=other.pk) == {gave_up[0].pk}
    assert listed(event_type="order.created") == set()
    assert len(listed(event_type="stock.changed")) == 3


def test_delivery_page_shows_attempts_and_redelivers(operator, django_capture_on_commit_callbacks):
    subscription, secret = subscription_make()
    [delivery] = deliveries_make(subscription, 1, status=DeliveryStatus.GAVE_UP)
    page = operator.get(f"/admin/webhooks/delivery/{delivery.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and str(delivery.uid) in html and "500" in html
    recorder = Recorder(200)
    client.transport_override = recorder.transport
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = operator.post(f"/admin/webhooks/delivery/{delivery.pk}/redeliver/")
    finally:
        client.transport_override = None
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 2
    [request] = recorder.requests
    assert webhook_verify_signature(
        secret, request.headers["X-Jangteo-Timestamp"], request.content, request.headers["X-Jangteo-Signature"]
    )
    assert WebhookAttempt.objects.get(delivery=delivery, number=2).manual


def test_rights(viewer, make_user):
    subscription, secret = subscription_make()
    [delivery] = deliveries_make(subscription, 1)
    assert viewer.get(DELIVERIES).status_code == 200
    assert viewer.get(f"/admin/webhooks/delivery/{delivery.pk}/").status_code == 200
    # Refused (Wagtail turns the refusal into a redirect to the dashboard): nothing changes.
    assert viewer.post(f"/admin/webhooks/delivery/{delivery.pk}/redeliver/").status_code in (302, 403)
    assert viewer.post(f"/admin/webhooks/subscription/{subscription.pk}/rotate/").status_code in (302, 403)
    delivery.refresh_from_db()
    assert delivery.redelivered_at is None and delivery.status == DeliveryStatus.FAILED
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == secret
    assert viewer.get(SUBSCRIPTIONS + "new/").status_code in (302, 403)
    assert not WebhookSubscription.objects.exclude(pk=subscription.pk).exists()
    assert "/admin/webhooks/deliveries/" in viewer.get("/admin/").content.decode()
    outsider = verified_client(make_user("배송", rights={"shipping": {"view", "edit"}}))
    assert "/admin/webhooks/" not in outsider.get("/admin/").content.decode()
    assert outsider.get(DELIVERIES).status_code in (302, 403)
    assert outsider.get(f"/admin/webhooks/delivery/{delivery.pk}/").status_code in (302, 403)
    assert outsider.get(SUBSCRIPTIONS).status_code in (302, 403)
