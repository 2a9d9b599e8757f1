"""Builds a store's adapter: credentials decrypted, base URL chosen, transport routed."""

from __future__ import annotations

from typing import Any

from integrations.channels.base import ChannelAdapter, ChannelConfig
from integrations.channels.registry import adapter_class

# Base URL -> httpx transport. Tests and benchmarks route a store at an in-process sandbox here;
# in production it stays empty and httpx opens real connections.
IN_PROCESS_TRANSPORTS: dict[str, Any] = {}


def base_url_for(store) -> str:
    return (store.api_base_url or adapter_class(store.marketplace).default_base_url).rstrip("/")


def adapter_for_store(store, **overrides: Any) -> ChannelAdapter:
    cls = adapter_class(store.marketplace)
    base_url = base_url_for(store)
    config = ChannelConfig(
        store_key=f"store:{store.pk}",
        base_url=base_url,
        credentials=dict(store.credentials or {}),
        transport=IN_PROCESS_TRANSPORTS.get(base_url),
    )
    for name, value in overrides.items():
        setattr(config, name, value)
    return cls(config)
