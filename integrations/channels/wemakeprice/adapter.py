"""위메프: a store kept by Excel only, for now.

The partner API (reference/channels.md §5) is known only second-hand: paths unconfirmed, no order
or claim contract we could test against. Rather than guess at a wire format that would fail on a
seller's real account, a 위메프 store here has no API capability: its products come in through the
partner centre's own Excel exports (상품 가져오기), and nothing is collected or pushed. ``verify``
says so plainly instead of pretending to connect.
"""

from __future__ import annotations

from typing import ClassVar

from ..base import (
    Capability,
    ChannelAdapter,
    CredentialField,
    Marketplace,
    RateLimit,
    VerifyResult,
)


class WemakepriceAdapter(ChannelAdapter):
    marketplace = Marketplace.WEMAKEPRICE
    display_name = "위메프"
    default_base_url = "https://w-api.wemakeprice.com"
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    credential_fields = (
        CredentialField(
            "api_key",
            "API 인증 KEY",
            required=False,
            help_text="파트너 2.0 › 정보수정 › API 연동정보 (API 연동을 지원하게 되면 사용합니다)",
        ),
    )
    rate_limit = RateLimit(rate=1.0, burst=1)

    def verify(self) -> VerifyResult:
        return VerifyResult(
            ok=False,
            code="excel_only",
            message="위메프는 API 연동 없이 엑셀(상품 가져오기)로만 관리합니다.",
        )
