"""Open API fixtures: clients with scopes and a token, an HTTP client that sends it, and the shipping
fixtures (store, warehouse, orders with lines, bundles and shipments built in bulk)."""

import pytest
from django.test import Client

from modules.api.models import ALL_SCOPES, ApiClient
from modules.api.services import token_create
from tests.channels.conftest import sandbox_store  # noqa: F401
from tests.shipping.conftest import (  # noqa: F401
    contract,
    make_shipment,
    make_shipments,
    make_store,
    store,
    warehouse,
)


class Api:
    """A test client that sends the token and JSON bodies."""

    def __init__(self, key: str | None, **headers):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        self.headers.update(headers)

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self.headers, **headers)

    def post(self, path, data=None, *, raw=None, **headers):
        body = raw if raw is not None else __import__("json").dumps(data if data is not None else {})
        return self.client.post(path, body, content_type="application/json", **self.headers, **headers)

    def patch(self, path, data=None, *, raw=None, **headers):
        body = raw if raw is not None else __import__("json").dumps(data if data is not None else {})
        return self.client.patch(path, body, content_type="application/json", **self.headers, **headers)


@pytest.fixture
def make_api(db):
    """make(scopes=ALL, allowed_ips="", rate="", **token_options) -> Api with .api_client and .token."""

    def make(scopes=None, *, allowed_ips: str = "", rate: str = "", name: str | None = None, **token_options) -> Api:
        client = ApiClient.objects.create(
            name=name or f"client-{ApiClient.objects.count() + 1}",
            scopes=list(ALL_SCOPES if scopes is None else scopes),
            allowed_ips=allowed_ips,
            throttle_rate=rate,
        )
        new = token_create(client=client, name="POS 1", **token_options)
        api = Api(new.key)
        api.api_client, api.token, api.key = client, new.token, new.key
        return api

    return make


@pytest.fixture
def api(make_api):
    return make_api()
