"""The simulators by marketplace name. Each module defines one SandboxApp subclass."""

from __future__ import annotations

from importlib import import_module

from .core import SandboxApp

APPS = {
    "coupang": "integrations.sandbox.coupang.CoupangSandbox",
    "naver": "integrations.sandbox.naver.NaverSandbox",
    "elevenst": "integrations.sandbox.elevenst.ElevenstSandbox",
}


def sandbox_class(name: str) -> type[SandboxApp]:
    module_name, class_name = APPS[name].rsplit(".", 1)
    return getattr(import_module(module_name), class_name)


def build_apps(**kwargs) -> dict[str, SandboxApp]:
    apps = {}
    for name in APPS:
        try:
            apps[name] = sandbox_class(name)(**kwargs)
        except (ImportError, AttributeError):
            continue  # a marketplace whose simulator is not written yet
    return apps
