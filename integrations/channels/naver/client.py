"""HTTP calls to the Naver Commerce API: one method per endpoint, parsed envelopes, taxonomy errors.

Never logs bodies (they hold buyers' names, phones and addresses); ChannelHttp logs paths and
parameter names only. Every response carries ``GNCP-GW-Trace-ID``, kept as the request id.
"""

from __future__ import annotations

import json as jsonlib
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from ..base import AuthFailed, ChannelConfig, ChannelError, RateLimit, Rejected, Retryable
from ..http import ChannelHttp
from . import auth
from .mapper import error_message

PO = "/v1/pay-order/seller/product-orders"
TRACE_HEADER = "GNCP-GW-Trace-ID"
AUTH_STATUSES = frozenset({401, 403})


class NaverClient:
    def __init__(self, config: ChannelConfig, rate_limit: RateLimit, *, clock: Callable[[], float] = time.time):
        credentials = config.credentials
        self.client_id = (credentials.get("client_id") or "").strip()
        self.client_secret = (credentials.get("client_secret") or "").strip()
        self.account_id = (credentials.get("account_id") or "").strip()
        self.base_url = config.base_url.rstrip("/")
        self.clock = clock  # epoch seconds for the signature timestamp (tests shift it)
        self.cache = auth.token_cache
        self.cache_key: auth.CacheKey = (
            self.base_url,
            self.client_id,
            auth.token_type(self.account_id),
            self.account_id,
        )
        self.last_request_id = ""
        self.http = ChannelHttp(
            base_url=self.base_url,
            store_key=config.store_key,
            rate_limit=rate_limit,
            channel="naver",
            timeout=config.timeout,
            max_retries=config.max_retries,
            transport=config.transport,
            secrets=[self.client_secret, self.client_id, self.account_id],
            backoff_base=config.backoff_base,
            request_id_header=TRACE_HEADER,
        )

    def close(self) -> None:
        self.http.close()

    # -- parsing ---------------------------------------------------------------------------------
    def _body(self, response: httpx.Response) -> Any:
        if not response.content:
            return {}
        try:
            return response.json()
        except (ValueError, jsonlib.JSONDecodeError) as exc:
            raise Retryable(
                "네이버: 응답을 읽을 수 없습니다 (잘린 응답)",
                code="malformed",
                status=response.status_code,
                request_id=self.http.request_id(response),
            ) from exc

    def _error(self, response: httpx.Response) -> ChannelError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = str(body.get("code", "")) if isinstance(body, dict) else ""
        message = error_message(body, f"HTTP {response.status_code}")
        request_id = self.http.request_id(response) or (body.get("traceId", "") if isinstance(body, dict) else "")
        error_class = AuthFailed if response.status_code in AUTH_STATUSES else Rejected
        return error_class(
            f"네이버: {message}",
            code=code or str(response.status_code),
            status=response.status_code,
            request_id=str(request_id),
        )

    # -- token -----------------------------------------------------------------------------------
    def _exchange(self) -> tuple[str, float]:
        if not self.client_id or not self.client_secret:
            raise AuthFailed("네이버: 애플리케이션 ID와 시크릿을 입력하세요.", code="missing_credentials")
        timestamp_ms = int(self.clock() * 1000)
        try:
            form = auth.token_form(self.client_id, self.client_secret, timestamp_ms, self.account_id or None)
        except ValueError as exc:
            raise AuthFailed(
                f"네이버: 애플리케이션 시크릿 형식이 올바르지 않습니다 ({exc})", code="bad_secret"
            ) from exc
        response = self.http.request("POST", auth.TOKEN_PATH, data=form)
        self.last_request_id = self.http.request_id(response)
        if response.status_code >= 400:
            error = self._error(response)
            # Every refusal of the token exchange is about the credentials (signature, clock, client,
            # account link, permissions): stop until they change.
            raise AuthFailed(error.message, code=error.code, status=error.status, request_id=error.request_id)
        body = self._body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise Retryable("네이버: 토큰 응답에 access_token이 없습니다", code="malformed")
        try:
            expires_in = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0.0
        return str(token), expires_in or 10800.0

    def token(self) -> str:
        cached = self.cache.get(self.cache_key)
        if cached:
            return cached
        with self.cache.key_lock(self.cache_key):
            cached = self.cache.get(self.cache_key)
            if cached:
                return cached
            for attempt in range(3):  # a cut-off token answer is asked again (the exchange is idempotent)
                try:
                    token, expires_in = self._exchange()
                    break
                except Retryable as error:
                    if error.code != "malformed" or attempt == 2:
                        raise
            self.cache.put(self.cache_key, token, expires_in)
            return token

    # -- calls -----------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
    ) -> Any:
        """One API call with a bearer token: a 401 ``GW.AUTHN`` drops the cached token and retries once
        with a new one; a cut-off body of a read is read again (twice at most). ``retry=False`` sends a
        call that must not be repeated blindly (product registration) exactly once."""
        if idempotent is None:
            idempotent = method.upper() == "GET"
        renewed = False
        malformed_left = 2 if idempotent else 0
        while True:
            token = self.token()
            response = self.http.request(
                method,
                path,
                params=params,
                json=json,
                content=content,
                headers={**(headers or {}), "Authorization": f"Bearer {token}"},
                retry=retry,
            )
            self.last_request_id = self.http.request_id(response)
            if response.status_code == 401 and not renewed and self._error_code(response) == "GW.AUTHN":
                self.cache.drop(self.cache_key, token)
                renewed = True
                continue
            if response.status_code >= 400:
                raise self._error(response)
            try:
                return self._body(response)
            except Retryable:
                if malformed_left <= 0:
                    raise
                malformed_left -= 1

    @staticmethod
    def _error_code(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        return str(body.get("code", "")) if isinstance(body, dict) else ""

    @staticmethod
    def _data(body: Any) -> Any:
        return body.get("data", {}) if isinstance(body, dict) else {}

    # -- orders ----------------------------------------------------------------------------------
    def last_changed_statuses(
        self,
        last_changed_from: str,
        last_changed_to: str,
        *,
        last_changed_type: str = "",
        limit_count: int = 300,
        more_sequence: str = "",
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "lastChangedFrom": last_changed_from,
            "lastChangedTo": last_changed_to,
            "limitCount": limit_count,
        }
        if last_changed_type:
            params["lastChangedType"] = last_changed_type
        if more_sequence:
            params["moreSequence"] = more_sequence
        return self._data(self.call("GET", f"{PO}/last-changed-statuses", params=params)) or {}

    def query_product_orders(self, product_order_ids: Sequence[str]) -> list[dict[str, Any]]:
        body = self.call(
            "POST",
            f"{PO}/query",
            json={"productOrderIds": list(product_order_ids), "quantityClaimCompatibility": True},
            idempotent=True,
        )
        data = self._data(body)
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    def confirm(self, product_order_ids: Sequence[str]) -> dict[str, Any]:
        return self._data(self.call("POST", f"{PO}/confirm", json={"productOrderIds": list(product_order_ids)})) or {}

    def dispatch(self, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return self._data(self.call("POST", f"{PO}/dispatch", json={"dispatchProductOrders": list(items)})) or {}

    def delay_dispatch(self, product_order_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._data(self.call("POST", f"{PO}/{product_order_id}/delay", json=body)) or {}

    def claim_action(self, product_order_id: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """``POST PO/{id}/claim/<action>`` — cancel/request, cancel/approve, return/approve, return/reject,
        exchange/collect/approve, exchange/dispatch, exchange/reject."""
        return self._data(self.call("POST", f"{PO}/{product_order_id}/claim/{action}", json=body or {})) or {}

    # -- inquiries -------------------------------------------------------------------------------
    def qnas(self, from_date: str, to_date: str, *, page: int, size: int) -> dict[str, Any]:
        params = {"fromDate": from_date, "toDate": to_date, "page": page, "size": size}
        return self.call("GET", "/v1/contents/qnas", params=params) or {}

    def answer_qna(self, question_id: str, text: str) -> Any:
        return self.call("PUT", f"/v1/contents/qnas/{question_id}", json={"commentContent": text})

    def customer_inquiries(self, start_date: str, end_date: str, *, page: int, size: int) -> dict[str, Any]:
        params = {"startSearchDate": start_date, "endSearchDate": end_date, "page": page, "size": size}
        return self.call("GET", "/v1/pay-user/inquiries", params=params) or {}

    def answer_customer_inquiry(self, inquiry_no: str, text: str, answer_content_id: str = "") -> Any:
        if answer_content_id:
            path = f"/v1/pay-merchant/inquiries/{inquiry_no}/answer/{answer_content_id}"
            return self.call("PUT", path, json={"answerComment": text})
        return self.call("POST", f"/v1/pay-merchant/inquiries/{inquiry_no}/answer", json={"answerComment": text})

    # -- products --------------------------------------------------------------------------------
    def origin_product(self, origin_product_no: str) -> dict[str, Any]:
        return self.call("GET", f"/v2/products/origin-products/{origin_product_no}") or {}

    def register_product(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v2/products`` → ``{originProductNo, smartstoreChannelProductNo}``. Sent once (no
        transport retry): a registration that timed out may have been made, and a second POST would make
        a second product; the adapter looks it up by seller code instead."""
        return self.call("POST", "/v2/products", json=body, retry=False) or {}

    def update_product(self, origin_product_no: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /v2/products/origin-products/{no}`` (full update; repeating it is harmless)."""
        return self.call("PUT", f"/v2/products/origin-products/{origin_product_no}", json=body, idempotent=True) or {}

    def search_products(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/products/search`` → ``{contents[], page, size, totalElements, totalPages}``."""
        return self.call("POST", "/v1/products/search", json=body, idempotent=True) or {}

    def upload_images(self, files: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
        """``POST /v1/product-images/upload``: multipart ``imageFiles`` (≤ 10, JPG/GIF/PNG/BMP) →
        ``{images: [{url}]}`` in the same order."""
        boundary = uuid.uuid4().hex
        body = multipart_body(boundary, [("imageFiles", filename, data) for filename, data in files])
        return (
            self.call(
                "POST",
                "/v1/product-images/upload",
                content=body,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                idempotent=True,
            )
            or {}
        )

    def option_stock(self, origin_product_no: str, body: dict[str, Any]) -> Any:
        return self.call("PUT", f"/v1/products/origin-products/{origin_product_no}/option-stock", json=body)

    def change_status(self, origin_product_no: str, status_type: str) -> Any:
        return self.call(
            "PUT", f"/v1/products/origin-products/{origin_product_no}/change-status", json={"statusType": status_type}
        )

    # -- seller info: address book [U: create/update paths and bodies] ---------------------------
    def addressbooks_page(self, page: int, size: int = 100) -> dict[str, Any]:
        return self.call("GET", "/v1/seller/addressbooks-for-page", params={"page": page, "size": size}) or {}

    def addressbook(self, address_book_no: str) -> dict[str, Any]:
        return self.call("GET", f"/v1/seller/addressbooks/{address_book_no}") or {}

    def create_addressbook(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/v1/seller/addressbooks", json=body) or {}

    def update_addressbook(self, address_book_no: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("PUT", f"/v1/seller/addressbooks/{address_book_no}", json=body) or {}

    # -- settlements -----------------------------------------------------------------------------
    def settle_case(self, search_date: str, period_type: str, *, page: int, size: int) -> dict[str, Any]:
        params = {"searchDate": search_date, "periodType": period_type, "pageNumber": page, "pageSize": size}
        return self.call("GET", "/v1/pay-settle/settle/case", params=params) or {}

    def settle_daily(self, start_date: str, end_date: str, *, page: int, size: int) -> dict[str, Any]:
        params = {"startDate": start_date, "endDate": end_date, "pageNumber": page, "pageSize": size}
        return self.call("GET", "/v1/pay-settle/settle/daily", params=params) or {}


IMAGE_TYPES = ((b"\x89PNG", "image/png"), (b"\xff\xd8", "image/jpeg"), (b"GIF8", "image/gif"), (b"BM", "image/bmp"))


def image_content_type(data: bytes) -> str:
    return next((mime for magic, mime in IMAGE_TYPES if data.startswith(magic)), "application/octet-stream")


def multipart_body(boundary: str, parts: Sequence[tuple[str, str, bytes]]) -> bytes:
    """A multipart/form-data body of file parts (ChannelHttp sends raw content, not httpx ``files``)."""
    chunks: list[bytes] = []
    for name, filename, data in parts:
        safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "") or "image"
        chunks.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{safe_name}"\r\n'
                f"Content-Type: {image_content_type(data)}\r\n\r\n"
            ).encode()
        )
        chunks.append(data)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)
