import pytest

from integrations.channels.base import RateLimit
from integrations.channels.http import rate_limiters
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import Faults, SandboxTransport
from integrations.sandbox.registry import sandbox_class
from modules.channels.adapters import IN_PROCESS_TRANSPORTS, adapter_for_store
from modules.channels.models import Store
from modules.channels.services import store_save

MARKETPLACES = ["coupang", "naver", "elevenst"]


@pytest.fixture
def sandbox_store(db):
    """make(marketplace, faults=...) -> (store, sandbox): a store wired to an in-process sandbox."""
    routed = []

    def make(marketplace: str, *, faults: Faults | None = None, name: str = "테스트 스토어", verify=False):
        module = __import__(f"integrations.sandbox.{marketplace}", fromlist=["DEMO_CREDENTIALS"])
        sandbox = sandbox_class(marketplace)(faults=faults or Faults(seed=3))
        base_url = adapter_class(marketplace).default_base_url.rstrip("/")
        IN_PROCESS_TRANSPORTS[base_url] = SandboxTransport(sandbox)
        routed.append(base_url)
        store = Store(marketplace=marketplace, name=name, seller_id="seller-1")
        store_save(store=store, credentials=dict(module.DEMO_CREDENTIALS), verify=verify)
        return store, sandbox

    rate_limiters.clear()
    yield make
    for base_url in routed:
        IN_PROCESS_TRANSPORTS.pop(base_url, None)


def fast_adapter(store):
    """The store's real adapter without the published rate limit or backoff sleeps (in-process sandbox)."""
    return adapter_for_store(store, rate_limit=RateLimit(1_000_000, 1_000_000), backoff_base=0.0, max_retries=8)
