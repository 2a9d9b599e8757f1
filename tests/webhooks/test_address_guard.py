"""Webhook endpoints in blocked networks (this machine, link-local/cloud metadata) are refused when
the subscription is saved and again right before each real send; the office LAN stays allowed."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from integrations.webhooks.address import (
    DEFAULT_BLOCKED_NETWORKS,
    networks_parse,
    url_blocked_literal,
    url_blocked_resolved,
)
from modules.webhooks.delivery import delivery_attempt
from modules.webhooks.models import DeliveryStatus, WebhookAttempt
from tests.webhooks.helpers import subscription_make
from tests.webhooks.test_delivery import delivery_make, fresh

BLOCKED = networks_parse(DEFAULT_BLOCKED_NETWORKS)


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://127.0.0.1:8000/admin/", "127.0.0.1"),
        ("http://localhost:6379/", "localhost"),
        ("http://api.localhost/", "api.localhost"),
        ("http://[::1]/hook", "::1"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1"),
        ("http://0.0.0.0:8000/", "0.0.0.0"),
        ("http://192.168.0.10/erp/hook", None),  # the office ERP
        ("https://10.1.2.3/hook", None),
        ("https://erp.example.test/hook", None),  # a name: checked when sending
    ],
)
def test_literal_addresses(url, blocked):
    assert url_blocked_literal(url, BLOCKED) == blocked


def test_names_are_resolved_and_every_address_checked():
    def resolver(answers):
        return lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers]

    url = "https://erp.example.test/hook"
    assert url_blocked_resolved(url, BLOCKED, resolve=resolver(["203.0.113.5"])) is None
    assert url_blocked_resolved(url, BLOCKED, resolve=resolver(["203.0.113.5", "169.254.169.254"])) == "169.254.169.254"

    def unresolvable(*args, **kwargs):
        raise socket.gaierror("no such host")

    # Not resolvable: left to the send, whose own error is logged.
    assert url_blocked_resolved(url, BLOCKED, resolve=unresolvable) is None
    assert url_blocked_resolved("http://169.254.169.254/", BLOCKED, resolve=unresolvable) == "169.254.169.254"
    assert url_blocked_resolved("http://127.0.0.1/", [], resolve=unresolvable) is None


@pytest.mark.django_db
def test_saving_a_subscription_to_a_blocked_address_is_refused():
    with pytest.raises(ValidationError) as refused:
        subscription_make(url="http://169.254.169.254/latest/meta-data/")
    assert "169.254.169.254" in str(refused.value.message_dict["url"])
    subscription, _secret = subscription_make(url="http://192.168.0.10/erp/hook")
    assert subscription.pk
    with override_settings(WEBHOOK_BLOCKED_NETWORKS=[]):
        assert subscription_make(url="http://127.0.0.1:9/hook")[0].pk


@pytest.mark.django_db
def test_a_send_to_an_address_blocked_since_is_not_made_and_logged():
    with override_settings(WEBHOOK_BLOCKED_NETWORKS=[]):
        subscription, _secret = subscription_make(url="http://127.0.0.1:9/hook")
    delivery = delivery_make(subscription)
    attempt = delivery_attempt(delivery_id=delivery.pk)
    assert attempt.status_code is None and not attempt.succeeded
    assert attempt.error.startswith("blocked address 127.0.0.1")
    assert fresh(delivery).status == DeliveryStatus.FAILED
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1
