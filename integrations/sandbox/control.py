"""Scripting a running sandbox over HTTP (its /_sandbox/ control endpoints)."""

from __future__ import annotations

from typing import Any

import httpx

CONTROL_PREFIX = "/_sandbox"


def sandbox_root(base_url: str) -> str:
    """The server root of a store's base URL (Naver's base URL carries a /external path)."""
    url = httpx.URL(base_url)
    return str(url.copy_with(path="/", query=None)).rstrip("/")


def control(base_url: str, action: str, payload: dict[str, Any] | None = None, *, method: str = "POST") -> Any:
    with httpx.Client(base_url=sandbox_root(base_url), timeout=10) as client:
        response = client.request(method, f"{CONTROL_PREFIX}/{action}", json=payload if method != "GET" else None)
        response.raise_for_status()
        return response.json()
