"""Naver SmartStore (네이버 스마트스토어) through the Naver Commerce API (shared/reference/channels.md §2).

- Orders: ``GET PO/last-changed-statuses`` (24-hour windows, ≤300 rows, ``more`` cursor) gives the
  product orders that changed; ``POST PO/query`` (≤300 ids) gives their details, grouped by
  ``order.orderId``. A ChannelOrder holds the product orders that changed in the window — not
  necessarily every line of the order — so the engine should upsert lines by ``line_id``. Lines of
  one order that share a change time are never split across two yielded pages.
- Naver is line-based for dispatch: one InvoiceUpload per product order (``line_id``); lines with the
  same ``shipment_id`` (packageNumber) travel in one box and may carry the same tracking number.
- Invoice correction: the reference lists no correction endpoint and ``PO/dispatch`` refuses product
  orders that are already DELIVERING (104442), so ``update_invoices`` raises NotSupported (fix a wrong
  tracking number in the seller centre).
- Claims come from the same product-order data (claimType/claimStatus/claimId), one ChannelClaim per
  claimId. There is no API to refuse a cancel request: reject_claim answers NOT_SUPPORTED for it.
- Extra public methods the orders/claims modules may use: ``delay_dispatch`` (발송지연 안내),
  ``redeliver_exchange`` (교환 재배송) and ``fetch_daily_settlements`` (일별 정산, ≤1 month per call).
- Listings: ``create_listing`` uploads the images that carry bytes (``POST /v1/product-images/upload``),
  registers (``POST /v2/products``) and reads the product back (``GET /v2/products/origin-products/{no}``)
  for the option ids, which Naver assigns at once. ``channel_product_id`` is the *origin* product number
  (the one option-stock / change-status take); the smartstore channel product number is in ``raw``.
  ``update_listing`` reads the product first to keep its option ids (matched by seller code) and its
  suspension, then sends the full body (``PUT /v2/products/origin-products/{no}``): options missing from
  the draft are dropped at Naver. ``fetch_listings`` pages ``POST /v1/products/search`` and reads each
  product for its options. Naver's refusals come back as ``ListingResult(ok=False, code, message)``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from ..base import (
    AuthFailed,
    Capability,
    ChannelAdapter,
    ChannelClaim,
    ChannelConfig,
    ChannelError,
    ChannelInquiry,
    ChannelListing,
    ChannelOrder,
    ChannelTemplate,
    ClaimType,
    CourierCode,
    CredentialField,
    InquiryKind,
    InvoiceUpload,
    ItemResult,
    LineRef,
    ListingDraft,
    ListingResult,
    ListingState,
    Marketplace,
    NotSupported,
    Page,
    PriceChange,
    RateLimit,
    Rejected,
    Retryable,
    SaleStatusChange,
    SettlementLine,
    StockChange,
    TemplateKind,
    VerifyResult,
    Window,
)
from . import mapper
from .client import NaverClient
from .mapper import KST

T = TypeVar("T")

CHANGED_PAGE_LIMIT = 300  # limitCount cap of last-changed-statuses
QUERY_BATCH = 300  # productOrderIds per PO/query
ACTION_BATCH = 30  # productOrderIds per PO/confirm and PO/dispatch
ORDER_WINDOW = timedelta(hours=24)  # lastChangedTo ≤ lastChangedFrom + 24 h
DAILY_SETTLEMENT_DAYS = 28  # settle/daily takes ≤ 1 month; 28 days fits every month
QNA_PAGE_SIZE = 100
INQUIRY_PAGE_SIZE = 100
SETTLEMENT_PAGE_SIZE = 1000
ADDRESSBOOK_PAGE_SIZE = 100
SETTLE_PERIOD_TYPE = "SETTLE_CASEBYCASE_SETTLE_BASIS_DATE"
LISTING_PAGE_SIZE = 100  # products/search takes ≤ 1000; each row costs one detail read anyway
IMAGE_UPLOAD_BATCH = 10  # imageFiles per product-images/upload
RECOVERY_SLACK = timedelta(minutes=2)  # regDate window when looking for a registration that timed out

APPROVE_ACTIONS = {"CANCEL": "cancel/approve", "RETURN": "return/approve", "EXCHANGE": "exchange/collect/approve"}
REJECT_ACTIONS = {
    "RETURN": ("return/reject", "rejectReturnReason"),
    "EXCHANGE": ("exchange/reject", "rejectExchangeReason"),
}
NEUTRAL_TO_NAVER_CLAIM = {ClaimType.CANCEL: "CANCEL", ClaimType.RETURN: "RETURN", ClaimType.EXCHANGE: "EXCHANGE"}


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for index in range(0, len(items), size):
        yield list(items[index : index + size])


def unique(items: Iterable[str]) -> list[str]:
    return list(OrderedDict.fromkeys(items))


def split_window(window: Window, step: timedelta) -> Iterator[Window]:
    """Millisecond-aligned pieces of at most ``step`` covering the window (the API's precision is 1 ms)."""
    start, stop = mapper.floor_ms(window.start), mapper.ceil_ms(window.end)
    while start < stop:
        end = min(stop, start + step)
        yield Window(start, end)
        start = end


def window_dates(window: Window) -> list[date]:
    """KST calendar days touched by the half-open window."""
    if window.end <= window.start:
        return []
    first = window.start.astimezone(KST).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(KST).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def failed(keys: Iterable[str], error: ChannelError) -> list[ItemResult]:
    return [
        ItemResult(key=key, ok=False, code=error.code, message=error.message, retryable=error.retryable) for key in keys
    ]


def not_supported(key: str, message: str) -> ItemResult:
    return ItemResult(key=key, ok=False, code="NOT_SUPPORTED", message=message)


def option_number(option_id: str) -> int | str:
    return int(option_id) if option_id.isdigit() else option_id


class NaverAdapter(ChannelAdapter):
    marketplace = Marketplace.NAVER
    display_name = "네이버 스마트스토어"
    default_base_url = "https://api.commerce.naver.com/external"
    # Naver has no invoice-correction endpoint in the reference.
    capabilities = frozenset(Capability) - {Capability.INVOICE_UPDATE}
    credential_fields = (
        CredentialField("client_id", "애플리케이션 ID", secret=False, help_text="커머스API센터 > 애플리케이션 상세"),
        CredentialField(
            "client_secret", "애플리케이션 시크릿", secret=True, help_text="$2a$로 시작하는 값을 그대로 붙여 넣으세요."
        ),
        CredentialField(
            "account_id",
            "판매자 ID (솔루션 연동 시)",
            secret=False,
            help_text=(
                "솔루션사 애플리케이션으로 다른 판매자 스토어를 연동할 때만 입력합니다. "
                "비우면 내 스토어(SELF)로 연결합니다."
            ),
        ),
    )
    # Naver limits each API *and* each application with a token bucket whose burst is 2× the rate;
    # product APIs publish "2 rps/application", order APIs are generally higher. One bucket per store
    # serves all our calls, so 5 rps (burst 10) keeps order polling moving; a product push that runs
    # into its own 2 rps limit gets 429 GW.RATE_LIMIT, which ChannelHttp retries with backoff.
    rate_limit = RateLimit(rate=5, burst=10)
    max_window_days = {"orders": 1, "claims": 1, "settlements": 1, "settlements_daily": DAILY_SETTLEMENT_DAYS}
    batch_sizes = {Capability.ACKNOWLEDGE: ACTION_BATCH, Capability.INVOICE_UPLOAD: ACTION_BATCH}

    def __init__(self, config: ChannelConfig):
        super().__init__(config)
        self.client = NaverClient(config, config.rate_limit or type(self).rate_limit)

    def close(self) -> None:
        self.client.close()

    # -- connection ------------------------------------------------------------------------------
    def verify(self) -> VerifyResult:
        try:
            self.client.token()
            now = datetime.now(tz=KST)
            self.client.last_changed_statuses(
                mapper.format_datetime(now - timedelta(minutes=10)), mapper.format_datetime(now), limit_count=1
            )
        except ChannelError as error:
            return VerifyResult(ok=False, message=error.message, code=error.code)
        return VerifyResult(ok=True, message="네이버 커머스API에 연결했습니다.")

    # -- changed product orders (shared by orders and claims) -------------------------------------
    def _changed_details(
        self, piece: Window, change_type: str, seen: set[str]
    ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
        """Runs the ``more`` cursor over one ≤24 h piece; yields (PO/query elements, label, trace id of the
        list call) per page.

        Rows already handled in this run (``seen``) are skipped, so repeated rows never double a page.
        When more pages follow, the rows of the page's last order are held back and handled with the
        next page, so the lines of one order that changed together arrive in one ChannelOrder.
        """
        end = mapper.format_datetime(piece.end)
        cursor = (mapper.format_datetime(piece.start), "")
        carry: list[dict[str, Any]] = []
        page_no = 0
        while True:
            data = self.client.last_changed_statuses(
                cursor[0], end, last_changed_type=change_type, limit_count=CHANGED_PAGE_LIMIT, more_sequence=cursor[1]
            )
            page_no += 1
            request_id = self.client.last_request_id
            rows = [
                row
                for row in data.get("lastChangeStatuses") or []
                if isinstance(row, dict) and row.get("productOrderId")
            ]
            more = data.get("more") if isinstance(data.get("more"), dict) else {}
            has_more = bool(more and more.get("moreFrom"))
            batch: list[dict[str, Any]] = []
            batch_ids: set[str] = set()
            for row in carry + rows:
                product_order_id = str(row["productOrderId"])
                if product_order_id in seen or product_order_id in batch_ids:
                    continue
                batch_ids.add(product_order_id)
                batch.append(row)
            carry = []
            if has_more and batch:
                tail = batch[-1].get("orderId")
                if any(row.get("orderId") != tail for row in batch):
                    carry = [row for row in batch if row.get("orderId") == tail]
                    batch = [row for row in batch if row.get("orderId") != tail]
            ids = [str(row["productOrderId"]) for row in batch]
            seen.update(ids)
            elements: list[dict[str, Any]] = []
            for chunk in chunks(ids, QUERY_BATCH):
                elements.extend(self.client.query_product_orders(chunk))
            span = f"{mapper.format_datetime(piece.start)}~{mapper.format_datetime(piece.end)}"
            label = f"{change_type or 'ALL'} {span} #{page_no}"
            if elements:
                yield elements, label, request_id
            if not has_more:
                return
            next_cursor = (str(more.get("moreFrom")), str(more.get("moreSequence") or ""))
            if next_cursor == cursor:
                raise Retryable("네이버: 변경 주문 조회 커서가 진행하지 않습니다", code="cursor_stuck")
            cursor = next_cursor

    # -- orders ----------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[Page[ChannelOrder]]:
        seen: set[str] = set()
        for piece in split_window(window, ORDER_WINDOW):
            for elements, label, request_id in self._changed_details(piece, "", seen):
                yield Page(mapper.orders_from_details(elements), label=label, request_id=request_id)

    def _batched(
        self, ids: Sequence[str], size: int, call: Callable[[list[str]], list[ItemResult]]
    ) -> list[ItemResult]:
        results: list[ItemResult] = []
        for batch in chunks(ids, size):
            try:
                results.extend(call(batch))
            except AuthFailed:
                raise
            except ChannelError as error:
                results.extend(failed(batch, error))
        return results

    def acknowledge(self, lines: Sequence[LineRef]) -> list[ItemResult]:
        ids = unique(line.line_id for line in lines)
        return self._batched(ids, ACTION_BATCH, lambda batch: mapper.confirm_results(self.client.confirm(batch), batch))

    def upload_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        now = datetime.now(tz=KST)
        items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        for invoice in invoices:
            items[invoice.line.line_id] = mapper.dispatch_item(
                invoice.line.line_id, invoice.courier, invoice.tracking_number, invoice.shipped_at or now
            )

        def send(batch: list[str]) -> list[ItemResult]:
            return mapper.action_results(self.client.dispatch([items[key] for key in batch]), batch)

        return self._batched(list(items), ACTION_BATCH, send)

    def update_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        raise NotSupported(
            "네이버 커머스API에는 발송 처리 후 송장을 고치는 API가 없습니다. 스마트스토어센터에서 수정하세요.",
            code="NOT_SUPPORTED",
        )

    def _single(self, product_order_id: str, action: Callable[[], dict[str, Any]]) -> ItemResult:
        try:
            data = action()
        except AuthFailed:
            raise
        except ChannelError as error:
            return failed([product_order_id], error)[0]
        return mapper.action_results(data, [product_order_id])[0]

    def cancel_by_seller(self, line: LineRef, *, reason: str, detail: str = "", quantity: int = 0) -> ItemResult:
        code, leftover = mapper.cancel_reason(reason)
        body: dict[str, Any] = {"cancelReason": code, "cancelDetailedReason": detail or leftover or "판매자 취소"}
        if quantity:
            body["cancelQuantity"] = quantity
        return self._single(line.line_id, lambda: self.client.claim_action(line.line_id, "cancel/request", body))

    def delay_dispatch(self, line: LineRef, due_date: date | datetime, reason: str, detail: str = "") -> ItemResult:
        """발송지연 안내: ``POST PO/{id}/delay`` with a new due date and a delayedDispatchReason
        (PRODUCT_PREPARE, CUSTOMER_REQUEST, CUSTOM_BUILD, RESERVED_DISPATCH, OVERSEA_DELIVERY, ETC)."""
        code, leftover = mapper.delay_reason(reason)
        body = {
            "dispatchDueDate": mapper.due_datetime(due_date),
            "delayedDispatchReason": code,
            "dispatchDelayedDetailedReason": detail or leftover or "발송 지연",
        }
        return self._single(line.line_id, lambda: self.client.delay_dispatch(line.line_id, body))

    # -- claims ----------------------------------------------------------------------------------
    def fetch_claims(self, window: Window) -> Iterator[Page[ChannelClaim]]:
        seen: set[str] = set()
        for piece in split_window(window, ORDER_WINDOW):
            for change_type in mapper.CLAIM_CHANGE_TYPES:
                for elements, label, request_id in self._changed_details(piece, change_type, seen):
                    claims = mapper.claims_from_details(elements)
                    if claims:
                        yield Page(claims, label=label, request_id=request_id)

    @staticmethod
    def _claim_lines(claim: ChannelClaim) -> list[str]:
        return unique(claim.line_ids or claim.ref.get("productOrderIds") or [])

    @staticmethod
    def _naver_claim_type(claim: ChannelClaim) -> str:
        return str(claim.ref.get("claimType") or NEUTRAL_TO_NAVER_CLAIM.get(claim.claim_type, ""))

    def _claim_action(self, claim: ChannelClaim, action: str, body: dict[str, Any] | None = None) -> ItemResult:
        per_line = [
            self._single(line_id, lambda line_id=line_id: self.client.claim_action(line_id, action, body))
            for line_id in self._claim_lines(claim)
        ]
        if not per_line:
            return ItemResult(
                key=claim.claim_id, ok=False, code="NO_LINES", message="클레임에 상품주문번호가 없습니다."
            )
        first_failure = next((result for result in per_line if not result.ok), None)
        return ItemResult(
            key=claim.claim_id,
            ok=first_failure is None,
            code=first_failure.code if first_failure else "",
            message=first_failure.message if first_failure else "",
            retryable=any(result.retryable for result in per_line),
            data={"lines": {result.key: {"ok": result.ok, "code": result.code} for result in per_line}},
        )

    def approve_claim(self, claim: ChannelClaim) -> ItemResult:
        naver_type = self._naver_claim_type(claim)
        action = APPROVE_ACTIONS.get(naver_type)
        if action is None:
            return not_supported(claim.claim_id, f"네이버 커머스API로 승인할 수 없는 클레임입니다 ({naver_type}).")
        return self._claim_action(claim, action)

    def reject_claim(self, claim: ChannelClaim, *, reason: str) -> ItemResult:
        naver_type = self._naver_claim_type(claim)
        if naver_type not in REJECT_ACTIONS:
            return not_supported(claim.claim_id, "네이버 커머스API에는 취소 요청을 거부하는 API가 없습니다.")
        action, field = REJECT_ACTIONS[naver_type]
        return self._claim_action(claim, action, {field: reason or "판매자 거부"})

    def redeliver_exchange(self, claim: ChannelClaim, courier: CourierCode, tracking_number: str) -> ItemResult:
        """교환 재배송: ``POST PO/{id}/claim/exchange/dispatch`` after the collected item was approved."""
        if courier == CourierCode.DIRECT:
            body = {"reDeliveryMethod": "DIRECT_DELIVERY"}
        else:
            body = {
                "reDeliveryMethod": "DELIVERY",
                "reDeliveryCompany": mapper.COURIER_TO_NAVER.get(courier, "CH1"),
                "reDeliveryTrackingNumber": mapper.normalize_tracking_number(tracking_number),
            }
        return self._claim_action(claim, "exchange/dispatch", body)

    # -- inquiries -------------------------------------------------------------------------------
    def fetch_inquiries(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        yield from self._fetch_qnas(window)
        yield from self._fetch_customer_inquiries(window)

    def _fetch_qnas(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        seen: set[str] = set()
        start = mapper.format_datetime(mapper.floor_ms(window.start))
        end = mapper.format_datetime(mapper.ceil_ms(window.end))
        page = 1
        while True:
            body = self.client.qnas(start, end, page=page, size=QNA_PAGE_SIZE)
            items = mapper.page_items(body, "contents", "content")
            inquiries = []
            for item in items:
                inquiry = mapper.inquiry_from_qna(item)
                if inquiry.inquiry_id not in seen:
                    seen.add(inquiry.inquiry_id)
                    inquiries.append(inquiry)
            if inquiries:
                yield Page(inquiries, label=f"qna #{page}", request_id=self.client.last_request_id)
            if not items or body.get("last") is True or page >= mapper.total_pages(body, QNA_PAGE_SIZE):
                return
            page += 1

    def _fetch_customer_inquiries(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        days = window_dates(window)
        if not days:
            return
        seen: set[str] = set()
        page = 1
        while True:
            body = self.client.customer_inquiries(
                mapper.format_date(days[0]), mapper.format_date(days[-1]), page=page, size=INQUIRY_PAGE_SIZE
            )
            items = mapper.page_items(body, "content", "contents")
            inquiries = []
            for item in items:
                inquiry = mapper.inquiry_from_customer(item)
                created = inquiry.created_at
                # The API filters by whole days; keep the half-open window's own rows.
                if created is not None and not (window.start <= created < window.end):
                    continue
                if inquiry.inquiry_id not in seen:
                    seen.add(inquiry.inquiry_id)
                    inquiries.append(inquiry)
            if inquiries:
                yield Page(inquiries, label=f"inquiries #{page}", request_id=self.client.last_request_id)
            if not items or body.get("last") is True or page >= mapper.total_pages(body, INQUIRY_PAGE_SIZE):
                return
            page += 1

    def answer_inquiry(self, inquiry: ChannelInquiry, *, text: str) -> ItemResult:
        try:
            if inquiry.kind == InquiryKind.PRODUCT_QNA:
                question_id = str(inquiry.ref.get("questionId") or inquiry.inquiry_id.removeprefix("qna-"))
                self.client.answer_qna(question_id, text)
                return ItemResult(key=inquiry.inquiry_id, ok=True)
            inquiry_no = str(inquiry.ref.get("inquiryNo") or inquiry.inquiry_id.removeprefix("cs-"))
            answer_id = str(inquiry.ref.get("answerContentId") or "") if inquiry.answered else ""
            body = self.client.answer_customer_inquiry(inquiry_no, text, answer_id)
        except AuthFailed:
            raise
        except ChannelError as error:
            return failed([inquiry.inquiry_id], error)[0]
        data = body.get("data") if isinstance(body, dict) else None
        answer_content_id = str((data or {}).get("answerContentId") or answer_id or "")
        return ItemResult(key=inquiry.inquiry_id, ok=True, data={"answerContentId": answer_content_id})

    # -- listings: register / update / pull ------------------------------------------------------
    @staticmethod
    def _refusal(error: ChannelError) -> ListingResult:
        return ListingResult(
            ok=False,
            code=error.code,
            message=error.message.removeprefix("네이버: "),
            retryable=error.retryable,
            raw={"status": error.status, "traceId": error.request_id},
        )

    def _upload_images(self, draft: ListingDraft) -> list[str | None]:
        """URLs parallel to ``[main_image, *extra_images]``: Naver's for images that carry bytes,
        the image's own URL for the others (already at Naver)."""
        slots = [draft.main_image, *draft.extra_images]
        urls: list[str | None] = [image.url if image is not None else None for image in slots]
        pending = [(index, image) for index, image in enumerate(slots) if image is not None and image.content]
        for batch in chunks(pending, IMAGE_UPLOAD_BATCH):
            answer = self.client.upload_images(
                [(image.filename or f"image{index + 1}.jpg", image.content or b"") for index, image in batch]
            )
            uploaded = mapper.uploaded_image_urls(answer)
            if len(uploaded) != len(batch) or not all(uploaded):
                raise Retryable("네이버: 이미지 업로드 응답의 URL 수가 맞지 않습니다", code="malformed")
            for (index, _image), url in zip(batch, uploaded, strict=True):
                urls[index] = url
        return urls

    def _recover_registration(self, seller_code: str, started: datetime) -> dict[str, Any] | None:
        """After a registration that got no answer: the product Naver made from it, if any (same seller
        code, registered since we sent it)."""
        if not seller_code:
            return None
        body = self.client.search_products(mapper.product_search_body(page=1, size=50, seller_code=seller_code))
        newest: tuple[int, dict[str, Any]] | None = None
        for item in mapper.page_items(body, "contents"):
            channel = mapper.listing_from_search_item(item)
            registered = mapper.search_item_registered_at(item)
            if registered is None or registered < started - RECOVERY_SLACK or channel.seller_code != seller_code:
                continue
            number = int(channel.product_id) if channel.product_id.isdigit() else 0
            if newest is None or number > newest[0]:
                newest = (
                    number,
                    {
                        "originProductNo": channel.product_id,
                        "smartstoreChannelProductNo": channel.ref.get("channel_product_no", ""),
                    },
                )
        return newest[1] if newest else None

    def _read_back(self, origin_no: str, channel_no: str, draft: ListingDraft) -> ListingResult:
        """The product Naver took, read back for its option ids. A failed read does not undo the
        registration: the result stays ok with the product number and no option ids (read them later
        with ``fetch_listings``)."""
        try:
            detail = self.client.origin_product(origin_no)
        except ChannelError as error:
            return ListingResult(
                ok=True,
                channel_product_id=origin_no,
                state=ListingState.UNKNOWN,
                code="READ_BACK_FAILED",
                message=f"등록은 되었지만 옵션 ID를 읽지 못했습니다: {error.message}",
                raw={"originProductNo": origin_no, "smartstoreChannelProductNo": channel_no},
            )
        return mapper.listing_result(origin_no, channel_no, detail, draft)

    def create_listing(self, draft: ListingDraft) -> ListingResult:
        """Register one product (상품 등록); see the module docstring. A registration that gets no answer
        (timeout, 5xx, cut-off body) is looked up by seller code before the error is raised, so a retry
        by the caller does not make a second product."""
        try:
            image_urls = self._upload_images(draft)
            body = mapper.listing_draft_to_product(draft, image_urls=image_urls)
            started = datetime.now(tz=KST)
            try:
                created = self.client.register_product(body)
            except Retryable as unanswered:
                try:
                    recovered = self._recover_registration(draft.seller_code, started)
                except ChannelError:
                    recovered = None
                if recovered is None:
                    raise unanswered from None
                created = recovered
        except Rejected as error:
            return self._refusal(error)
        origin_no, channel_no = mapper.product_numbers(created)
        if not origin_no:
            raise Retryable("네이버: 상품 등록 응답에 originProductNo가 없습니다", code="malformed")
        return self._read_back(origin_no, channel_no, draft)

    def update_listing(self, draft: ListingDraft) -> ListingResult:
        """Full update of ``draft.channel_product_id`` (the origin product number)."""
        origin_no = str(draft.channel_product_id or "").strip()
        if not origin_no:
            return ListingResult(
                ok=False, code="MISSING_PRODUCT_ID", message="수정할 네이버 원상품번호(channel_product_id)가 없습니다."
            )
        try:
            current = self.client.origin_product(origin_no)
            known = mapper.listing_option_ids(mapper.listing_from_origin_product(current, origin_no))
            image_urls = self._upload_images(draft)
            body = mapper.listing_draft_to_product(
                draft,
                image_urls=image_urls,
                option_ids=known,
                status_type=mapper.update_status_type(current),
            )
            answer = self.client.update_product(origin_no, body)
        except Rejected as error:
            return self._refusal(error)
        _origin, channel_no = mapper.product_numbers(answer)
        return self._read_back(origin_no, channel_no, draft)

    def fetch_listings(self) -> Iterator[Page[ChannelListing]]:
        """Every product of the store: ``products/search`` pages, each product read for its options."""
        seen: set[str] = set()
        page = 1
        while True:
            body = self.client.search_products(mapper.product_search_body(page=page, size=LISTING_PAGE_SIZE))
            request_id = self.client.last_request_id
            items = mapper.page_items(body, "contents")
            listings: list[ChannelListing] = []
            for item in items:
                origin_no = str(item.get("originProductNo") or "")
                if not origin_no or origin_no in seen:
                    continue
                seen.add(origin_no)
                try:
                    detail: dict[str, Any] | None = self.client.origin_product(origin_no)
                except Rejected:
                    detail = None  # deleted between the list and the read: keep the list row
                listings.append(mapper.listing_from_search_item(item, detail))
            if listings:
                yield Page(listings, label=f"products/search #{page}", request_id=request_id)
            if not items or page >= mapper.total_pages(body, LISTING_PAGE_SIZE):
                return
            page += 1

    # -- listings: stock / price / sale status pushes ---------------------------------------------
    @staticmethod
    def _origin(change: StockChange | PriceChange | SaleStatusChange) -> str:
        return str(change.ref.get("origin_product_no") or change.ref.get("originProductNo") or "")

    def _group(self, changes: Sequence[Any], results: dict[int, ItemResult]) -> OrderedDict[str, list[tuple[int, Any]]]:
        groups: OrderedDict[str, list[tuple[int, Any]]] = OrderedDict()
        for index, change in enumerate(changes):
            origin = self._origin(change)
            if not origin:
                results[index] = ItemResult(
                    key=change.option_id, ok=False, code="MISSING_REF", message="ref에 origin_product_no가 없습니다."
                )
                continue
            groups.setdefault(origin, []).append((index, change))
        return groups

    def _send_group(
        self, results: dict[int, ItemResult], members: list[tuple[int, Any]], send: Callable[[], Any]
    ) -> None:
        try:
            send()
        except AuthFailed:
            raise
        except ChannelError as error:
            for index, change in members:
                results[index] = failed([change.option_id], error)[0]
            return
        for index, change in members:
            results[index] = ItemResult(key=change.option_id, ok=True)

    def push_stock(self, changes: Sequence[StockChange]) -> list[ItemResult]:
        """One ``PUT …/option-stock`` per origin product with the changed options' stockQuantity."""
        results: dict[int, ItemResult] = {}
        for origin, members in self._group(changes, results).items():
            option_members = []
            for index, change in members:
                if change.option_id == origin:
                    results[index] = not_supported(
                        change.option_id, "옵션 없는 상품의 재고는 option-stock API로 바꿀 수 없습니다."
                    )
                else:
                    option_members.append((index, change))
            if not option_members:
                continue
            body = mapper.option_stock_body(
                [
                    {"id": option_number(change.option_id), "stockQuantity": max(0, int(change.quantity))}
                    for _index, change in option_members
                ]
            )
            self._send_group(
                results, option_members, lambda origin=origin, body=body: self.client.option_stock(origin, body)
            )
        return [results[index] for index in range(len(changes))]

    def push_prices(self, changes: Sequence[PriceChange]) -> list[ItemResult]:
        """Naver prices an origin product (salePrice) plus a surcharge per option (optionCombinations[].price).
        A change whose option_id is the origin product number sets salePrice; an option change sets the
        option's surcharge so that salePrice + surcharge = the requested price (salePrice read first)."""
        results: dict[int, ItemResult] = {}
        for origin, members in self._group(changes, results).items():
            try:
                sale_price, _surcharges = mapper.origin_product_prices(self.client.origin_product(origin))
            except AuthFailed:
                raise
            except ChannelError as error:
                for index, change in members:
                    results[index] = failed([change.option_id], error)[0]
                continue
            product_changes = [change for _index, change in members if change.option_id == origin]
            if product_changes:
                sale_price = int(product_changes[-1].price)
            combinations = [
                {"id": option_number(change.option_id), "price": int(change.price) - sale_price}
                for _index, change in members
                if change.option_id != origin
            ]
            body = mapper.option_stock_body(combinations, sale_price=sale_price)
            self._send_group(results, members, lambda origin=origin, body=body: self.client.option_stock(origin, body))
        return [results[index] for index in range(len(changes))]

    def push_sale_status(self, changes: Sequence[SaleStatusChange]) -> list[ItemResult]:
        """Product level (option_id = origin product number): ``PUT …/change-status`` SALE/SUSPENSION.
        Option level: the option's ``usable`` flag through ``option-stock``."""
        results: dict[int, ItemResult] = {}
        for origin, members in self._group(changes, results).items():
            product_members = [(index, change) for index, change in members if change.option_id == origin]
            option_members = [(index, change) for index, change in members if change.option_id != origin]
            if product_members:
                status = "SALE" if product_members[-1][1].on_sale else "SUSPENSION"
                self._send_group(
                    results,
                    product_members,
                    lambda origin=origin, status=status: self.client.change_status(origin, status),
                )
            if option_members:
                body = mapper.option_stock_body(
                    [
                        {"id": option_number(change.option_id), "usable": bool(change.on_sale)}
                        for _index, change in option_members
                    ]
                )
                self._send_group(
                    results, option_members, lambda origin=origin, body=body: self.client.option_stock(origin, body)
                )
        return [results[index] for index in range(len(changes))]

    # -- templates -------------------------------------------------------------------------------
    def pull_templates(self, kind: TemplateKind) -> list[ChannelTemplate]:
        if kind not in mapper.ADDRESS_TYPES:
            raise NotSupported(
                f"네이버 커머스API 연동은 주소록(출고지/반품지)만 지원합니다 ({kind}).", code="NOT_SUPPORTED"
            )
        templates: list[ChannelTemplate] = []
        seen: set[str] = set()
        page = 1
        while True:
            body = self.client.addressbooks_page(page, ADDRESSBOOK_PAGE_SIZE)
            items = mapper.page_items(body, "addressBooks", "contents", "content")
            for item in items:
                template = mapper.template_from_addressbook(item)
                if template is not None and template.kind == kind and template.template_id not in seen:
                    seen.add(template.template_id)
                    templates.append(template)
            if not items or page >= mapper.total_pages(body, ADDRESSBOOK_PAGE_SIZE):
                return templates
            page += 1

    def push_template(self, template: ChannelTemplate) -> ItemResult:
        key = template.template_id or template.name
        if template.kind not in mapper.ADDRESS_TYPES:
            return not_supported(key, "네이버 커머스API 연동은 주소록(출고지/반품지)만 보낼 수 있습니다.")
        body = mapper.addressbook_from_template(template)
        try:
            if template.template_id:
                self.client.update_addressbook(template.template_id, body)
                number = template.template_id
            else:
                created = self.client.create_addressbook(body)
                number = str(created.get("addressBookNo") or (created.get("data") or {}).get("addressBookNo") or "")
            stored = self.client.addressbook(number) if number else {}
        except AuthFailed:
            raise
        except ChannelError as error:
            return failed([key], error)[0]
        return ItemResult(key=key, ok=True, data={"template_id": number, "addressBook": stored})

    # -- settlements -----------------------------------------------------------------------------
    def fetch_settlements(self, window: Window) -> Iterator[Page[SettlementLine]]:
        """Case-by-case settlement (건별 정산) by settle-basis date: one ``searchDate`` per call."""
        seen: set[str] = set()
        for day in window_dates(window):
            page = 1
            while True:
                body = self.client.settle_case(
                    mapper.format_date(day), SETTLE_PERIOD_TYPE, page=page, size=SETTLEMENT_PAGE_SIZE
                )
                items = mapper.page_items(body, "elements")
                lines = []
                for item in items:
                    line = mapper.settlement_from_case(item)
                    if line.settlement_id not in seen:
                        seen.add(line.settlement_id)
                        lines.append(line)
                if lines:
                    yield Page(lines, label=f"settle/case {day} #{page}", request_id=self.client.last_request_id)
                pagination = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
                if not items or page >= mapper.total_pages(pagination, SETTLEMENT_PAGE_SIZE):
                    break
                page += 1

    def fetch_daily_settlements(self, window: Window) -> Iterator[Page[SettlementLine]]:
        """Daily settlement totals (일별 정산): ``settle/daily`` over ≤28-day pieces."""
        days = window_dates(window)
        seen: set[str] = set()
        for index in range(0, len(days), DAILY_SETTLEMENT_DAYS):
            piece = days[index : index + DAILY_SETTLEMENT_DAYS]
            page = 1
            while True:
                body = self.client.settle_daily(
                    mapper.format_date(piece[0]), mapper.format_date(piece[-1]), page=page, size=SETTLEMENT_PAGE_SIZE
                )
                items = mapper.page_items(body, "elements")
                lines = []
                for item in items:
                    line = mapper.settlement_from_daily(item)
                    if line.settlement_id not in seen:
                        seen.add(line.settlement_id)
                        lines.append(line)
                if lines:
                    yield Page(
                        lines,
                        label=f"settle/daily {piece[0]}~{piece[-1]} #{page}",
                        request_id=self.client.last_request_id,
                    )
                pagination = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
                if not items or page >= mapper.total_pages(pagination, SETTLEMENT_PAGE_SIZE):
                    break
                page += 1
