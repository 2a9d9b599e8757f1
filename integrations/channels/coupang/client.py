"""HTTP calls to the Coupang WING Open API: one method per endpoint, parsed JSON back.

Paths (shared/reference/channels.md §1.3): ``OA`` = /v2/providers/openapi/apis/api,
``SA`` = /v2/providers/seller_api/apis/api/v1/marketplace, ``MO`` =
/v2/providers/marketplace_openapi/apis/api. Every attempt is signed inside ChannelHttp's ``sign``
callback, so a retry gets a fresh signed-date. Errors are translated here: 401/403 → AuthFailed
(with Coupang's message), other 4xx → Rejected (Coupang's code and message), 429/5xx/timeouts are
retried by ChannelHttp and end as RateLimited/Retryable. Bodies are never logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from ..base import AuthFailed, ChannelConfig, RateLimit, Rejected, Retryable
from ..http import ChannelHttp
from . import auth
from .mapper import auth_message, error_message

OA = "/v2/providers/openapi/apis/api"
SA = "/v2/providers/seller_api/apis/api/v1/marketplace"
MO = "/v2/providers/marketplace_openapi/apis/api"

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"


class CoupangClient:
    def __init__(
        self,
        config: ChannelConfig,
        *,
        rate_limit: RateLimit,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        credentials = config.credentials
        self.vendor_id = credentials.get("vendor_id", "").strip()
        self.access_key = credentials.get("access_key", "").strip()
        self.secret_key = credentials.get("secret_key", "").strip()
        # Coupang wants the WING login id as userId/replyBy; stores that keep one may add it.
        self.user_id = (credentials.get("wing_user_id") or self.vendor_id).strip()
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        self.max_retries = config.max_retries
        extra = {"sleep": sleep} if sleep is not None else {}
        self.http = ChannelHttp(
            base_url=config.base_url,
            store_key=config.store_key,
            rate_limit=rate_limit,
            channel="coupang",
            timeout=config.timeout,
            max_retries=config.max_retries,
            transport=config.transport,
            secrets=[self.vendor_id, self.access_key, self.secret_key],
            backoff_base=config.backoff_base,
            **extra,
        )

    def close(self) -> None:
        self.http.close()

    # -- machinery --------------------------------------------------------------------------------
    def sign(self, request: httpx.Request) -> None:
        path, query = auth.split_raw_target(request.url.raw_path.decode("ascii"))
        request.headers["Authorization"] = auth.authorization(
            access_key=self.access_key,
            secret_key=self.secret_key,
            method=request.method,
            path=path,
            query=query,
            now=self.clock(),
        )

    def call(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None, retry: bool = True
    ) -> dict:
        """One request → parsed JSON. GETs whose 200 body cannot be parsed are asked again.

        ``retry=False`` sends once (no retry on 429/5xx/timeouts): for calls that create something
        and cannot be repeated safely (product registration).
        """
        headers = {"Content-Type": JSON_CONTENT_TYPE, "Accept": "application/json"}
        content = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        attempts = self.max_retries + 1 if method == "GET" else 1
        for attempt in range(attempts):
            response = self.http.request(
                method, path, params=_clean(params), headers=headers, content=content, sign=self.sign, retry=retry
            )
            payload = _json(response)
            if response.status_code >= 400:
                raise _error(response, payload)
            if payload is None or not isinstance(payload, dict):
                if attempt + 1 < attempts:
                    continue
                raise Retryable("쿠팡: 응답을 해석할 수 없습니다", code="malformed", status=response.status_code)
            _raise_for_envelope(response, payload)
            return payload
        raise Retryable("쿠팡: 응답을 해석할 수 없습니다", code="malformed")  # pragma: no cover

    def vendor_path(self, version: str, tail: str) -> str:
        return f"{OA}/{version}/vendors/{self.vendor_id}/{tail}"

    # -- orders -----------------------------------------------------------------------------------
    def ordersheets(
        self, *, created_from: str, created_to: str, status: str, max_per_page: int = 50, next_token: str = ""
    ) -> dict:
        params = {
            "createdAtFrom": created_from,
            "createdAtTo": created_to,
            "status": status,
            "maxPerPage": max_per_page,
            "nextToken": next_token,
        }
        return self.call("GET", self.vendor_path("v5", "ordersheets"), params=params)

    def ordersheet(self, shipment_box_id: str) -> dict:
        return self.call("GET", self.vendor_path("v5", f"ordersheets/{shipment_box_id}"))

    def ordersheets_by_order(self, order_id: str) -> dict:
        return self.call("GET", self.vendor_path("v5", f"{order_id}/ordersheets"))

    def acknowledge(self, shipment_box_ids: list[Any]) -> dict:
        body = {"vendorId": self.vendor_id, "shipmentBoxIds": shipment_box_ids}
        return self.call("PUT", self.vendor_path("v4", "ordersheets/acknowledgement"), body=body)

    def upload_invoices(self, dtos: list[dict]) -> dict:
        body = {"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": dtos}
        return self.call("POST", self.vendor_path("v4", "orders/invoices"), body=body)

    def update_invoices(self, dtos: list[dict]) -> dict:
        body = {"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": dtos}
        return self.call("POST", self.vendor_path("v4", "orders/updateInvoices"), body=body)

    def cancel_order(self, order_id: Any, *, vendor_item_ids: list, counts: list[int], middle_code: str) -> dict:
        body = {
            "orderId": order_id,
            "vendorItemIds": vendor_item_ids,
            "receiptCounts": counts,
            "bigCancelCode": "CANERR",
            "middleCancelCode": middle_code,
            "vendorId": self.vendor_id,
            "userId": self.user_id,
        }
        return self.call("POST", self.vendor_path("v5", f"orders/{order_id}/cancel"), body=body)

    # -- returns / cancels ------------------------------------------------------------------------
    def return_requests(
        self,
        *,
        created_from: str,
        created_to: str,
        status: str = "",
        cancel_type: str = "",
        max_per_page: int = 50,
        next_token: str = "",
    ) -> dict:
        params = {
            "createdAtFrom": created_from,
            "createdAtTo": created_to,
            "status": status,
            "cancelType": cancel_type,
            "maxPerPage": max_per_page,
            "nextToken": next_token,
        }
        return self.call("GET", self.vendor_path("v6", "returnRequests"), params=params)

    def return_request(self, receipt_id: str) -> dict:
        return self.call("GET", self.vendor_path("v6", f"returnRequests/{receipt_id}"))

    def return_receive_confirmation(self, receipt_id: Any) -> dict:
        body = {"vendorId": self.vendor_id, "receiptId": receipt_id}
        return self.call("PUT", self.vendor_path("v4", f"returnRequests/{receipt_id}/receiveConfirmation"), body=body)

    def return_approval(self, receipt_id: Any, cancel_count: int) -> dict:
        body = {"vendorId": self.vendor_id, "receiptId": receipt_id, "cancelCount": cancel_count}
        return self.call("PUT", self.vendor_path("v4", f"returnRequests/{receipt_id}/approval"), body=body)

    def stopped_shipment(self, receipt_id: Any, cancel_count: int) -> dict:
        body = {"vendorId": self.vendor_id, "receiptId": receipt_id, "cancelCount": cancel_count}
        return self.call("PUT", self.vendor_path("v4", f"returnRequests/{receipt_id}/stoppedShipment"), body=body)

    # -- exchanges --------------------------------------------------------------------------------
    def exchange_requests(
        self, *, created_from: str, created_to: str, status: str = "", max_per_page: int = 50, next_token: str = ""
    ) -> dict:
        params = {
            "createdAtFrom": created_from,
            "createdAtTo": created_to,
            "status": status,
            "maxPerPage": max_per_page,
            "nextToken": next_token,
        }
        return self.call("GET", self.vendor_path("v4", "exchangeRequests"), params=params)

    def exchange_receive_confirmation(self, exchange_id: Any) -> dict:
        body = {"vendorId": self.vendor_id, "exchangeId": exchange_id}
        path = self.vendor_path("v4", f"exchangeRequests/{exchange_id}/receiveConfirmation")
        return self.call("PUT", path, body=body)

    def exchange_rejection(self, exchange_id: Any, reject_code: str) -> dict:
        body = {"vendorId": self.vendor_id, "exchangeId": exchange_id, "exchangeRejectCode": reject_code}
        return self.call("PUT", self.vendor_path("v4", f"exchangeRequests/{exchange_id}/rejection"), body=body)

    # -- inquiries --------------------------------------------------------------------------------
    def online_inquiries(self, *, start: str, end: str, page: int, page_size: int = 50) -> dict:
        params = {
            "vendorId": self.vendor_id,
            "inquiryStartAt": start,
            "inquiryEndAt": end,
            "answeredType": "ALL",
            "pageNum": page,
            "pageSize": page_size,
        }
        return self.call("GET", self.vendor_path("v5", "onlineInquiries"), params=params)

    def reply_online_inquiry(self, inquiry_id: str, content: str) -> dict:
        body = {"content": content, "vendorId": self.vendor_id, "replyBy": self.user_id}
        return self.call("POST", self.vendor_path("v4", f"onlineInquiries/{inquiry_id}/replies"), body=body)

    def call_center_inquiries(self, *, start: str, end: str, page: int, page_size: int = 30) -> dict:
        params = {
            "vendorId": self.vendor_id,
            "inquiryStartAt": start,
            "inquiryEndAt": end,
            "partnerCounselingStatus": "NONE",
            "pageNum": page,
            "pageSize": page_size,
        }
        return self.call("GET", self.vendor_path("v5", "callCenterInquiries"), params=params)

    def reply_call_center_inquiry(self, inquiry_id: str, content: str, parent_answer_id: str = "") -> dict:
        body: dict[str, Any] = {
            "vendorId": self.vendor_id,
            "inquiryId": inquiry_id,
            "content": content,
            "replyBy": self.user_id,
        }
        if parent_answer_id:
            body["parentAnswerId"] = parent_answer_id
        return self.call("POST", self.vendor_path("v4", f"callCenterInquiries/{inquiry_id}/replies"), body=body)

    # -- listings (seller-products) -----------------------------------------------------------------
    def create_seller_product(self, body: dict) -> dict:
        # Sent once: a retried POST after a timeout could register the product twice.
        return self.call("POST", f"{SA}/seller-products", body=body, retry=False)

    def update_seller_product(self, body: dict) -> dict:
        return self.call("PUT", f"{SA}/seller-products", body=body)

    def seller_product(self, seller_product_id: str) -> dict:
        return self.call("GET", f"{SA}/seller-products/{seller_product_id}")

    def seller_products(self, *, next_token: str = "", max_per_page: int = 100) -> dict:
        """상품 목록 페이징 조회: ``nextToken`` absent on the first page, ``maxPerPage`` ≤100."""
        params = {"vendorId": self.vendor_id, "nextToken": next_token, "maxPerPage": max_per_page}
        return self.call("GET", f"{SA}/seller-products", params=params)

    # -- listings (per option) ----------------------------------------------------------------------
    def update_original_price(self, vendor_item_id: str, price: int) -> dict:
        """상품 아이템별 할인율 기준가격 변경 (10원 단위) [S: path from several client write-ups]."""
        return self.call("PUT", f"{SA}/vendor-items/{vendor_item_id}/original-prices/{price}")

    def update_quantity(self, vendor_item_id: str, quantity: int) -> dict:
        return self.call("PUT", f"{SA}/vendor-items/{vendor_item_id}/quantities/{quantity}")

    def update_price(self, vendor_item_id: str, price: int) -> dict:
        return self.call("PUT", f"{SA}/vendor-items/{vendor_item_id}/prices/{price}")

    def stop_sale(self, vendor_item_id: str) -> dict:
        return self.call("PUT", f"{SA}/vendor-items/{vendor_item_id}/sales/stop")

    def resume_sale(self, vendor_item_id: str) -> dict:
        return self.call("PUT", f"{SA}/vendor-items/{vendor_item_id}/sales/resume")

    # -- templates --------------------------------------------------------------------------------
    def outbound_places(self, *, page: int, page_size: int = 50) -> dict:
        params = {"pageNum": page, "pageSize": page_size}
        return self.call("GET", f"{MO}/v2/vendor/shipping-place/outbound", params=params)

    def create_outbound_place(self, body: dict) -> dict:
        return self.call("POST", self.vendor_path("v5", "outboundShippingCenters"), body=body)

    def update_outbound_place(self, code: str, body: dict) -> dict:
        return self.call("PUT", self.vendor_path("v5", f"outboundShippingCenters/{code}"), body=body)

    def return_centers(self, *, page: int, page_size: int = 50) -> dict:
        params = {"pageNum": page, "pageSize": page_size}
        return self.call("GET", self.vendor_path("v5", "returnShippingCenters"), params=params)

    def create_return_center(self, body: dict) -> dict:
        return self.call("POST", self.vendor_path("v5", "returnShippingCenters"), body=body)

    def update_return_center(self, code: str, body: dict) -> dict:
        return self.call("PUT", self.vendor_path("v5", f"returnShippingCenters/{code}"), body=body)

    # -- settlement -------------------------------------------------------------------------------
    def revenue_history(self, *, date_from: str, date_to: str, token: str = "", max_per_page: int = 50) -> dict:
        params = {
            "vendorId": self.vendor_id,
            "recognitionDateFrom": date_from,
            "recognitionDateTo": date_to,
            "token": token,
            "maxPerPage": max_per_page,
        }
        return self.call("GET", f"{OA}/v1/revenue-history", params=params)


def _clean(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """Drops empty optional parameters (Coupang wants nextToken absent on the first page)."""
    if params is None:
        return None
    return {key: value for key, value in params.items() if value not in (None, "")}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error(response: httpx.Response, payload: Any) -> Exception:
    status = response.status_code
    message = error_message(payload, default=f"HTTP {status}")
    request_id = str(payload.get("transactionId", "")) if isinstance(payload, dict) else ""
    if status in (401, 403):
        return AuthFailed(auth_message(message), code=str(status), status=status, request_id=request_id)
    code = str(payload.get("code", status)) if isinstance(payload, dict) else str(status)
    if code in ("ERROR", "FAIL", ""):
        code = str(status)
    return Rejected(f"쿠팡: {message}", code=code, status=status, request_id=request_id)


def _raise_for_envelope(response: httpx.Response, payload: dict) -> None:
    """Some endpoints answer HTTP 200 with an error code inside the envelope."""
    code = payload.get("code")
    if code is None or str(code) in ("200", "SUCCESS", "OK"):
        return
    raise Rejected(f"쿠팡: {error_message(payload, str(code))}", code=str(code), status=response.status_code)
