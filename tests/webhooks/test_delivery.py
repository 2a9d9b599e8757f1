"""Delivery: signed POSTs through an httpx MockTransport (or a local HTTP server), 2xx succeeds,
anything else retries on the 1m/5m/30m/2h/6h schedule and gives up after the sixth try, every
attempt stored; redelivery starts the schedule again."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone

from integrations.webhooks import client
from modules.webhooks.delivery import (
    RETRY_DELAYS,
    deliveries_send_due,
    delivery_attempt,
    delivery_redeliver,
)
from modules.webhooks.models import DeliveryStatus, EventType, WebhookAttempt, WebhookDelivery, WebhookEvent
from modules.webhooks.signing import webhook_verify_signature
from tests.webhooks.helpers import Recorder, subscription_make

pytestmark = pytest.mark.django_db


def delivery_make(subscription, *, source_id: int = 1, payload=None) -> WebhookDelivery:
    event = WebhookEvent.objects.create(
        event_type=EventType.ORDER_CREATED,
        source="order",
        source_id=source_id,
        payload=payload if payload is not None else {"order": {"id": source_id, "channel_order_id": "주문-1"}},
    )
    return WebhookDelivery.objects.create(
        subscription=subscription, event=event, event_type=event.event_type, next_attempt_at=timezone.now()
    )


def fresh(delivery) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=delivery.pk)


def test_success_posts_signed_json_with_the_headers():
    subscription, secret = subscription_make()
    delivery = delivery_make(subscription)
    recorder = Recorder(200, body='{"received": true}')
    attempt = delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.number == 1
    assert attempt.response_excerpt == '{"received": true}' and attempt.latency_ms is not None
    [request] = recorder.requests
    assert request.method == "POST" and str(request.url) == "https://erp.example.test/hooks"
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.headers["X-Jangteo-Event"] == "order.created"
    assert request.headers["X-Jangteo-Delivery"] == str(delivery.uid)
    assert webhook_verify_signature(
        secret, request.headers["X-Jangteo-Timestamp"], request.content, request.headers["X-Jangteo-Signature"]
    )
    body = json.loads(request.content)
    assert body["id"] == str(delivery.event.uid) and body["type"] == "order.created"
    assert body["data"] == {"order": {"id": 1, "channel_order_id": "주문-1"}}
    delivery = fresh(delivery)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 1
    assert delivery.next_attempt_at is None and delivery.last_status_code == 200 and delivery.locked_until is None
    # A succeeded delivery is not open: nothing is posted twice.
    assert delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport) is None
    assert len(recorder.requests) == 1


def test_failures_follow_the_backoff_schedule_then_give_up():
    subscription, _secret = subscription_make()
    delivery = delivery_make(subscription)
    recorder = Recorder(500, 404, None, 302, 503, 500, body="boom")
    expected = [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
    ]
    assert list(RETRY_DELAYS) == expected
    for number, delay in enumerate(expected, start=1):
        attempt = delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport)
        assert attempt.number == number and not attempt.succeeded
        current = fresh(delivery)
        assert current.status == DeliveryStatus.FAILED and current.attempt_count == number
        assert current.next_attempt_at == attempt.requested_at + delay
    attempt = delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport)
    assert attempt.number == 6
    current = fresh(delivery)
    assert current.status == DeliveryStatus.GAVE_UP and current.next_attempt_at is None
    assert delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport) is None
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.status_code for a in attempts] == [500, 404, None, 302, 503, 500]
    assert attempts[2].error.startswith("ConnectError") and attempts[0].response_excerpt == "boom"
    assert [a.number for a in attempts] == [1, 2, 3, 4, 5, 6] and not any(a.manual for a in attempts)


def test_send_due_respects_the_schedule():
    subscription, _secret = subscription_make()
    delivery = delivery_make(subscription)
    recorder = Recorder(500, 200)
    assert deliveries_send_due(transport=recorder.transport).failed == 1
    # Not due yet: nothing posted.
    assert deliveries_send_due(transport=recorder.transport).attempted == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    result = deliveries_send_due(transport=recorder.transport)
    assert (result.attempted, result.succeeded) == (1, 1)
    assert fresh(delivery).status == DeliveryStatus.SUCCEEDED and len(recorder.requests) == 2


def test_send_due_skips_inactive_subscriptions_and_held_deliveries():
    subscription, _secret = subscription_make()
    delivery = delivery_make(subscription)
    other, _ = subscription_make(url="https://pos.example.test/hook")
    held = delivery_make(other, source_id=2)
    WebhookDelivery.objects.filter(pk=held.pk).update(locked_until=timezone.now() + timedelta(seconds=30))
    subscription.is_active = False
    subscription.save()
    recorder = Recorder(200)
    assert deliveries_send_due(transport=recorder.transport).attempted == 0
    assert fresh(delivery).status == DeliveryStatus.PENDING and not recorder.requests


def test_an_unreachable_subscriber_is_tried_once_per_run():
    subscription, _secret = subscription_make()
    deliveries = [delivery_make(subscription, source_id=n) for n in range(1, 4)]
    healthy, _ = subscription_make(url="https://pos.example.test/hook")
    ok = delivery_make(healthy, source_id=9)

    def handler(request):
        if request.url.host == "erp.example.test":
            raise client.httpx.ConnectTimeout("timed out", request=request)
        return client.httpx.Response(204)

    result = deliveries_send_due(transport=client.httpx.MockTransport(handler))
    assert (result.attempted, result.failed, result.succeeded, result.skipped_unreachable) == (2, 1, 1, 2)
    assert fresh(ok).status == DeliveryStatus.SUCCEEDED
    statuses = [fresh(d).status for d in deliveries]
    assert statuses.count(DeliveryStatus.FAILED) == 1 and statuses.count(DeliveryStatus.PENDING) == 2
    failed = WebhookAttempt.objects.get(delivery__subscription=subscription)
    assert failed.error.startswith("timeout")


def test_redelivery_of_a_given_up_delivery_runs_the_schedule_again(make_user, django_capture_on_commit_callbacks):
    user = make_user("ops", superuser=True)
    subscription, _secret = subscription_make()
    delivery = delivery_make(subscription)
    failing = Recorder(500)
    for _ in range(6):
        delivery_attempt(delivery_id=delivery.pk, transport=failing.transport)
    assert fresh(delivery).status == DeliveryStatus.GAVE_UP
    client.transport_override = Recorder(500, 200).transport
    try:
        # Tests run tasks inline (Q_CLUSTER sync): the worker's attempt happens on commit.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            delivery_redeliver(delivery=fresh(delivery), user=user)
        assert len(callbacks) == 1
    finally:
        client.transport_override = None
    current = fresh(delivery)
    assert current.redelivered_by == user and current.schedule_start == 6
    assert current.attempt_count == 7 and current.status == DeliveryStatus.FAILED
    assert current.next_attempt_at - current.last_attempt_at == timedelta(minutes=1)
    manual = WebhookAttempt.objects.get(delivery=delivery, number=7)
    assert manual.manual
    # The next try succeeds; a succeeded delivery can be sent again on request too.
    client.transport_override = Recorder(200).transport
    try:
        assert delivery_attempt(delivery_id=delivery.pk).succeeded
        with django_capture_on_commit_callbacks(execute=True):
            delivery_redeliver(delivery=fresh(delivery), user=user)
    finally:
        client.transport_override = None
    current = fresh(delivery)
    assert current.status == DeliveryStatus.SUCCEEDED and current.attempt_count == 9


def test_redelivery_refused_for_an_inactive_subscription():
    from django.core.exceptions import ValidationError

    subscription, _secret = subscription_make(is_active=False)
    delivery = delivery_make(subscription)
    with pytest.raises(ValidationError):
        delivery_redeliver(delivery=delivery)
    assert fresh(delivery).redelivered_at is None


class _Handler(BaseHTTPRequestHandler):
    received: list[tuple[dict, bytes]] = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"x" * 5000)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Handler.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@override_settings(WEBHOOK_BLOCKED_NETWORKS=[])  # this machine is blocked by default
def test_real_http_to_a_local_server(local_server, transactional_db):
    host, port = local_server.server_address
    subscription, secret = subscription_make(url=f"http://{host}:{port}/jangteo")
    delivery = delivery_make(subscription, payload={"text": "한글 페이로드"})
    _Handler.status = 201
    attempt = delivery_attempt(delivery_id=delivery.pk)
    assert attempt.succeeded and attempt.status_code == 201
    # Only the start of a long answer is kept.
    assert attempt.response_excerpt == "x" * 1000
    [(headers, body)] = _Handler.received
    assert json.loads(body)["data"] == {"text": "한글 페이로드"}
    assert webhook_verify_signature(secret, headers["X-Jangteo-Timestamp"], body, headers["X-Jangteo-Signature"])
    # Nothing listens here any more: a network error, stored, and retried later.
    local_server.shutdown()
    local_server.server_close()
    second = delivery_make(subscription, source_id=2)
    attempt = delivery_attempt(delivery_id=second.pk)
    assert attempt.status_code is None and attempt.error and fresh(second).status == DeliveryStatus.FAILED


def test_a_client_without_the_scope_or_switched_off_gets_nothing():
    subscription, _secret = subscription_make()
    delivery = delivery_make(subscription)  # order.created: needs orders:read
    recorder = Recorder(200)
    client_row = subscription.client
    client_row.scopes = ["stock:read"]
    client_row.save()
    assert delivery_attempt(delivery_id=delivery.pk, transport=recorder.transport) is None
    assert fresh(delivery).status == DeliveryStatus.GAVE_UP and not recorder.requests
    other = delivery_make(subscription, source_id=2)
    client_row.scopes = ["orders:read"]
    client_row.is_active = False
    client_row.save()
    assert deliveries_send_due(transport=recorder.transport).attempted == 0
    assert fresh(other).status == DeliveryStatus.PENDING and not recorder.requests
