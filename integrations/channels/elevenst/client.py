"""11번가 HTTP client: one method per endpoint, parsed envelopes back, taxonomy errors raised.

Transport facts (channels.md §3.1 [S]):
- ``openapikey: <key>`` header only (auth.py).
- XML both ways. Responses declare ``euc-kr``; we decode by the declared charset (mapper.decode_body).
- Request bodies are sent as ``text/xml;charset=EUC-KR``. The reference notes one older report that
  UTF-8 was required (a conflict it could not settle); we chose EUC-KR because every response and
  the developer guide's samples use it. Our simulator accepts both, so switching is a one-line change
  (``BODY_CHARSET`` + mapper.encode_body) if the live API proves otherwise.
- Most state changes are GETs with every parameter in the path; free text in a path segment is
  percent-encoded as UTF-8 [U] after mapper.path_text removed slashes.
- ``result_code`` 0 = success, negative = error (``result_text``) → Rejected(code=result_code); the
  product APIs answer ``ClientMessage`` with ``resultCode`` 200 on success instead. Auth codes
  (auth.AUTH_ERROR_CODES) → AuthFailed; the quota error ``004 overedTraffic`` → RateLimited.
- No paging: a list returns the whole window — except the product list (POST /prodmarketservice/prodmarket,
  <SearchProduct> start/limit [U]).
- Product registration is never retried (a timeout may have registered it); every other call is.

Bodies are never logged (names, phones, addresses); ChannelHttp logs paths with the key masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from ..base import AuthFailed, ChannelConfig, RateLimit, RateLimited, Rejected, Retryable
from ..http import ChannelHttp
from . import mapper
from .auth import AUTH_ERROR_CODES, auth_headers, is_auth_error

CHANNEL = "11번가"
BODY_CHARSET = "EUC-KR"
QUOTA_CODE = "004"
QUOTA_TEXT = "overedTraffic"


@dataclass
class Envelope:
    """A parsed response: the root element, its result code/text and the HTTP status."""

    root: Any
    code: str | None
    text: str
    status: int
    fields: dict[str, Any] = field(default_factory=dict)  # direct leaf children (e.g. addrSeq, productNo)

    def rows(self, item: str) -> list[dict[str, Any]]:
        return mapper.rows(self.root, item)


def segment(value: Any) -> str:
    """One path segment, percent-encoded (slashes included)."""
    text = str(value)
    if not text:
        raise Rejected("11번가 요청 경로에 빈 값이 있습니다.", code="empty_path_segment")
    return quote(text, safe="")


class ElevenstClient:
    def __init__(self, config: ChannelConfig, *, rate_limit: RateLimit):
        self.api_key = config.credentials.get("api_key", "")
        self.http = ChannelHttp(
            base_url=config.base_url,
            store_key=config.store_key,
            rate_limit=rate_limit,
            channel=CHANNEL,
            timeout=config.timeout,
            max_retries=config.max_retries,
            transport=config.transport,
            secrets=[self.api_key],
            backoff_base=config.backoff_base,
        )

    def close(self) -> None:
        self.http.close()

    # -- core ----------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        empty_codes: frozenset[str] = frozenset(),
        retry: bool = True,
    ) -> Envelope:
        """Sends one request and returns its envelope, or raises AuthFailed/RateLimited/Rejected/Retryable.

        ``empty_codes``: result codes that mean "nothing found" for this list (Product Q&A answers
        result_code 500 "검색된 대상이 없습니다" [S]). ``retry=False`` for calls that must not be sent
        twice (product registration: a retried timeout could register the product twice).
        """
        headers = {**auth_headers(self.api_key), "Accept": "text/xml"}
        content = None
        if body is not None:
            headers["Content-Type"] = f"text/xml;charset={BODY_CHARSET}"
            content = mapper.encode_body(body)
        response = self.http.request(method, path, headers=headers, content=content, retry=retry)
        return self.envelope(response, empty_codes=empty_codes)

    def envelope(self, response: httpx.Response, *, empty_codes: frozenset[str] = frozenset()) -> Envelope:
        status = response.status_code
        try:
            root = mapper.parse_xml(response.content, response.headers.get("content-type", ""))
        except ValueError as exc:
            if status in (401, 403):
                raise AuthFailed(
                    f"{CHANNEL}: 인증이 거부되었습니다 ({status})", code=str(status), status=status
                ) from exc
            if status >= 400:
                raise Rejected(
                    f"{CHANNEL}: 요청이 거부되었습니다 (HTTP {status})", code=str(status), status=status
                ) from exc
            raise Retryable(f"{CHANNEL}: 응답을 해석할 수 없습니다", code="malformed", status=status) from exc
        code, text = mapper.result_of(root)
        code = code or None
        if mapper.local(root.tag) == "AuthMessage":
            # The product APIs answer a refused key with <AuthMessage><resultCode>100|200|300 (300: Seller
            # API not approved) [S] — a 200 there is not a success.
            raise AuthFailed(text or f"{CHANNEL}: 인증이 거부되었습니다 ({code})", code=code or "auth", status=status)
        if code is not None and is_auth_error(code):
            raise AuthFailed(text or AUTH_ERROR_CODES[code], code=code, status=status)
        if code == QUOTA_CODE or QUOTA_TEXT.lower() in text.lower():
            raise RateLimited(f"{CHANNEL}: 호출 한도를 넘었습니다 ({text or QUOTA_TEXT})", code=code or QUOTA_CODE)
        if status in (401, 403):
            raise AuthFailed(
                text or f"{CHANNEL}: 인증이 거부되었습니다 ({status})", code=code or str(status), status=status
            )
        if code is not None and code in empty_codes:
            return Envelope(root, code, text, status)
        if not mapper.is_success_code(code):
            raise Rejected(text or f"{CHANNEL}: 처리할 수 없습니다 ({code})", code=code or "", status=status)
        if status >= 400:
            raise Rejected(
                text or f"{CHANNEL}: 요청이 거부되었습니다 (HTTP {status})", code=code or str(status), status=status
            )
        fields = {mapper.local(el.tag): (el.text or "").strip() for el in root if len(el) == 0}
        return Envelope(root, code, text, status, fields)

    # -- orders --------------------------------------------------------------------------------

    def order_list(self, kind: str, start: str, end: str) -> list[dict[str, Any]]:
        """GET /ordservices/{complete|packaging|shipping|dlvcompleted|completed}/{start}/{end} (yyyyMMddHHmm)."""
        env = self.call("GET", f"/ordservices/{segment(kind)}/{segment(start)}/{segment(end)}")
        return env.rows("order")

    def acknowledge(self, ord_no: str, ord_prd_seq: str, add_prd_yn: str, add_prd_no: str, dlv_no: str) -> Envelope:
        """발주확인, one order line: GET /ordservices/reqpackaging/{ordNo}/{ordPrdSeq}/{addPrdYn}/{addPrdNo}/{dlvNo}."""
        parts = "/".join(segment(v) for v in (ord_no, ord_prd_seq, add_prd_yn, add_prd_no, dlv_no))
        return self.call("GET", f"/ordservices/reqpackaging/{parts}")

    def ship(self, send_dt: str, dlv_mthd_cd: str, dlv_etprs_cd: str, invc_no: str, dlv_no: str) -> Envelope:
        """발송처리 of a whole bundle:
        GET /ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}."""
        parts = "/".join(segment(v) for v in (send_dt, dlv_mthd_cd, dlv_etprs_cd, invc_no, dlv_no))
        return self.call("GET", f"/ordservices/reqdelivery/{parts}")

    def reject_order(self, ord_no: str, ord_prd_seq: str, reason_code: str, detail: str) -> Envelope:
        """판매불가: GET /claimservice/reqrejectorder/{ordNo}/{ordPrdSeq}/{ordCnRsnCd}/{ordCnDtlsRsn}."""
        parts = "/".join(segment(v) for v in (ord_no, ord_prd_seq, reason_code, detail))
        return self.call("GET", f"/claimservice/reqrejectorder/{parts}")

    # -- claims --------------------------------------------------------------------------------

    def claim_list(self, kind: str, start: str, end: str) -> list[dict[str, Any]]:
        """GET /claimservice/{cancelorders|returnorders|exchangeorders|…}/{start}/{end} (yyyyMMddHHmm)."""
        env = self.call("GET", f"/claimservice/{segment(kind)}/{segment(start)}/{segment(end)}")
        return env.rows("order")

    def claim_action(self, action: str, *values: Any) -> Envelope:
        """GET /claimservice/{action}/{…}: cancelreqconf, cancelreqreject, returnreqconf,
        returnreqreject, exchangereqconf, exchangereqreject (parameter order per channels.md §3.2)."""
        parts = "/".join(segment(v) for v in values)
        return self.call("GET", f"/claimservice/{segment(action)}/{parts}")

    # -- inquiries -----------------------------------------------------------------------------

    def qna_list(self, start: str, end: str, answer_status: str = mapper.QNA_ALL) -> list[dict[str, Any]]:
        """GET /prodqnaservices/prodqnalist/{startTime}/{endTime}/{answerStatus} (yyyyMMdd, ≤7 days)."""
        env = self.call(
            "GET",
            f"/prodqnaservices/prodqnalist/{segment(start)}/{segment(end)}/{segment(answer_status)}",
            empty_codes=frozenset({"500"}),
        )
        return env.rows("productQna")

    def qna_answer(self, brd_info_no: str, prd_no: str, text: str) -> Envelope:
        """PUT /prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo} with <ProductQna><answerCont>."""
        return self.call(
            "PUT",
            f"/prodqnaservices/prodqnaanswer/{segment(brd_info_no)}/{segment(prd_no)}",
            body=mapper.qna_answer_xml(text),
        )

    # -- listings ------------------------------------------------------------------------------

    def set_stock(self, prd_stck_no: str, quantity: int, prd_no: str = "") -> Envelope:
        """PUT /prodservices/stockqty/{prdStckNo} with <ProductStock> ([U] body)."""
        return self.call(
            "PUT",
            f"/prodservices/stockqty/{segment(prd_stck_no)}",
            body=mapper.stock_xml(prd_stck_no, quantity, prd_no),
        )

    def set_price(self, prd_no: str, price: int) -> Envelope:
        """GET /prodservices/product/price/{prdNo}/{selPrc} (price is per product on 11번가)."""
        return self.call("GET", f"/prodservices/product/price/{segment(prd_no)}/{segment(price)}")

    def set_display(self, prd_no: str, on_sale: bool) -> Envelope:
        """PUT /prodstatservice/stat/restartdisplay/{prdNo} (판매재개) or /stopdisplay/{prdNo} (판매중지)."""
        action = "restartdisplay" if on_sale else "stopdisplay"
        return self.call("PUT", f"/prodstatservice/stat/{action}/{segment(prd_no)}")

    def register_product(self, body: str) -> Envelope:
        """상품등록: POST /prodservices/product with <Product> → <ClientMessage><productNo> (never retried)."""
        return self.call("POST", "/prodservices/product", body=body, retry=False)

    def update_product(self, prd_no: str, body: str) -> Envelope:
        """상품수정 (full): PUT /prodservices/product/{prdNo} with <Product> (idempotent, so retried)."""
        return self.call("PUT", f"/prodservices/product/{segment(prd_no)}", body=body)

    def product(self, prd_no: str) -> dict[str, Any]:
        """상품조회: GET /prodmarketservice/prodmarket/{prdNo} → the <Product> fields."""
        env = self.call("GET", f"/prodmarketservice/prodmarket/{segment(prd_no)}")
        found = env.rows("Product")
        return found[0] if found else mapper.element_dict(env.root)

    def product_stocks(self, prd_no: str) -> list[dict[str, Any]]:
        """재고조회: GET /prodmarketservice/prodmarket/stck/{prdNo} → ProductStock rows (prdStckNo per option)."""
        return self.call("GET", f"/prodmarketservice/prodmarket/stck/{segment(prd_no)}").rows("ProductStock")

    def product_list(self, start: int, limit: int) -> list[dict[str, Any]]:
        """상품목록: POST /prodmarketservice/prodmarket with <SearchProduct> (start/limit paging [U])."""
        env = self.call("POST", "/prodmarketservice/prodmarket", body=mapper.search_product_xml(start, limit))
        return env.rows("product")

    # -- templates -----------------------------------------------------------------------------

    def addresses(self, outbound: bool) -> list[dict[str, Any]]:
        """GET /areaservice/outboundarea (출고지) or /areaservice/inboundarea (반품/교환지)."""
        env = self.call("GET", "/areaservice/outboundarea" if outbound else "/areaservice/inboundarea")
        return env.rows("inOutAddress")

    def save_address(self, outbound: bool, update: bool, body: str) -> Envelope:
        """POST /areaservice/v2/{registerOutAddress|registerRtnAddress|updateOutAddress|updateRtnAddress}."""
        action = ("update" if update else "register") + ("OutAddress" if outbound else "RtnAddress")
        return self.call("POST", f"/areaservice/v2/{action}", body=body)

    def send_close_templates(self) -> list[dict[str, Any]]:
        """GET /prodservices/sendCloseList → productInformationTemplateList/templateBOList."""
        return self.call("GET", "/prodservices/sendCloseList").rows("templateBOList")

    def save_send_close_template(self, template_no: str, body: str) -> Envelope:
        """POST /prodservices/sendCloseTemplate (new) or PUT /prodservices/sendCloseTemplate/{no}."""
        if template_no:
            return self.call("PUT", f"/prodservices/sendCloseTemplate/{segment(template_no)}", body=body)
        return self.call("POST", "/prodservices/sendCloseTemplate", body=body)

    # -- settlement ----------------------------------------------------------------------------

    def settlements(self, start: str, end: str) -> list[dict[str, Any]]:
        """GET /settlement/settlementList/{start}/{end} (yyyyMMdd)."""
        return self.call("GET", f"/settlement/settlementList/{segment(start)}/{segment(end)}").rows("settlement")
