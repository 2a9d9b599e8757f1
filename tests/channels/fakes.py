"""A scripted in-memory adapter for sync-engine tests (the real adapters are tested on the sandbox)."""

from __future__ import annotations

import threading
from datetime import datetime

from integrations.channels.base import (
    Address,
    Capability,
    ChannelAdapter,
    ChannelConfig,
    ChannelOrder,
    ChannelOrderLine,
    CredentialField,
    LineState,
    Marketplace,
    Page,
    Person,
    RateLimit,
    VerifyResult,
    Window,
)


def make_order(n: int, *, state: LineState = LineState.PAID, status: str = "ACCEPT", lines: int = 1) -> ChannelOrder:
    return ChannelOrder(
        order_id=f"O{n}",
        ordered_at=datetime.fromisoformat("2026-11-20T10:00:00+09:00"),
        buyer=Person(name="김민준", phone="010-1234-5678"),
        receiver=Address(
            name="김민준", phone1="0504-1111-2222", zip_code="06236", address1="서울특별시 강남구 테헤란로 1"
        ),
        total_amount=10000 * lines,
        lines=[
            ChannelOrderLine(
                line_id=f"O{n}-{k}",
                shipment_id=f"S{n}",
                option_id=f"OPT{k}",
                seller_code=f"SKU-{k}",
                product_name="텀블러",
                quantity=1,
                unit_price=10000,
                line_amount=10000,
                state=state,
                channel_status=status,
            )
            for k in range(lines)
        ],
    )


class ScriptedAdapter(ChannelAdapter):
    marketplace = Marketplace.COUPANG
    display_name = "테스트"
    default_base_url = "https://fake.invalid"
    capabilities = frozenset({Capability.VERIFY, Capability.ORDERS})
    credential_fields = (CredentialField("key", "키"),)
    rate_limit = RateLimit(1000, 1000)

    def __init__(self, pages: list[list[ChannelOrder]], *, fail_after: int | None = None, error=None, gate=None):
        super().__init__(ChannelConfig(store_key="fake", base_url=self.default_base_url, credentials={}))
        self.pages = pages
        self.fail_after = fail_after
        self.error = error or RuntimeError("boom")
        self.gate: threading.Event | None = gate
        self.started = threading.Event()
        self.windows: list[Window] = []

    def verify(self):
        return VerifyResult(ok=True, message="ok")

    def fetch_orders(self, window):
        self.windows.append(window)
        self.started.set()
        if self.gate is not None:
            self.gate.wait(10)
        for index, page in enumerate(self.pages):
            if self.fail_after is not None and index == self.fail_after:
                raise self.error
            yield Page(items=page, label=f"page {index + 1}")
