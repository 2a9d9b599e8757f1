"""Picks the adapter class for a store's marketplace. A new marketplace = one line here."""

from importlib import import_module

from .base import ChannelAdapter, ChannelConfig, Marketplace

ADAPTERS: dict[Marketplace, str] = {
    Marketplace.COUPANG: "integrations.channels.coupang.adapter.CoupangAdapter",
    Marketplace.NAVER: "integrations.channels.naver.adapter.NaverAdapter",
    Marketplace.ELEVENST: "integrations.channels.elevenst.adapter.ElevenstAdapter",
    Marketplace.WEMAKEPRICE: "integrations.channels.wemakeprice.adapter.WemakepriceAdapter",
}


def adapter_class(marketplace: str) -> type[ChannelAdapter]:
    path = ADAPTERS[Marketplace(marketplace)]
    module_name, class_name = path.rsplit(".", 1)
    return getattr(import_module(module_name), class_name)


def get_adapter(marketplace: str, config: ChannelConfig) -> ChannelAdapter:
    return adapter_class(marketplace)(config)
