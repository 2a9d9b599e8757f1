"""Webhook test helpers: subscriptions and a recording httpx transport (nothing leaves the process)."""

from __future__ import annotations

import json

import httpx

from modules.api.models import ApiClient
from modules.webhooks.models import EventType, WebhookSubscription
from modules.webhooks.services import subscription_create

ALL_EVENTS = list(EventType.values)


READ_SCOPES = ["orders:read", "claims:read", "stock:read"]


def api_client_make(name: str = "ERP", *, scopes=None, **fields) -> ApiClient:
    client, _created = ApiClient.objects.get_or_create(
        name=name, defaults={"scopes": list(READ_SCOPES if scopes is None else scopes), **fields}
    )
    return client


def subscription_make(*, url: str = "https://erp.example.test/hooks", events=None, client=None, **fields):
    subscription, secret = subscription_create(
        subscription=WebhookSubscription(
            client=client or api_client_make(), url=url, events=list(events or ALL_EVENTS), **fields
        )
    )
    return subscription, secret


class Recorder:
    """An httpx MockTransport that answers with ``statuses`` in turn (the last one repeats) and keeps
    every request; a status of None raises a connection error instead."""

    def __init__(self, *statuses: int | None, body: str = "ok"):
        self.statuses = list(statuses) or [200]
        self.body = body
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        if status is None:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(status, text=self.body)

    def bodies(self) -> list[dict]:
        return [json.loads(request.content) for request in self.requests]
