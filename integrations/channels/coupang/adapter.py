"""Coupang WING Open API adapter (shared/reference/channels.md §1, §9).

How the channel's limits shape the fetches:
- Order sheets (v5, daily mode): ``createdAtFrom``/``createdAtTo`` are *dates* (sent as
  ``yyyy-MM-dd+09:00``), at most 31 days a call, one ``status`` per call (ACCEPT, INSTRUCT,
  DEPARTURE, DELIVERING, FINAL_DELIVERY, NONE_TRACKING), ≤50 rows a page, ``nextToken`` paging.
  Consecutive date chunks overlap by one day (we do not rely on whether ``createdAtTo`` is
  inclusive); rows are filtered to the window (its start floored to the second, since Coupang's
  times have no fractions) and de-duplicated by (shipmentBoxId, status) within one fetch. One
  ChannelOrder per shipment box, ``order_id = orderId``; the engine merges an order's boxes.
- Returns/cancels (v6 returnRequests): same date chunks; one call per ``status`` (RU, UC, CC, PR)
  plus ``cancelType=CANCEL`` (pre-shipment cancels, no status). Exchanges (v4): second-precision
  ``createdAtFrom/To`` in ≤31-day chunks, all statuses in one call.
- Inquiries: product Q&A (``onlineInquiries``) and call-centre inquiries in ≤7-day date chunks
  (start and end must differ), ``pageNum``/``pageSize`` (≤50 Q&A, ≤30 call centre).
- Revenue history: ≤31 days of recognition dates, ``token`` paging, ``maxPerPage`` ≤50.

Actions:
- acknowledge / invoices: ≤50 shipment boxes per call; per-box ``responseList`` → ItemResult
  (key = shipmentBoxId, retryable = Coupang's ``retryRequired``). Invoice numbers are checked
  locally against the published digit counts first (code INVALID_INVOICE_NUMBER, not sent).
- approve: return (UC) = receiveConfirmation then approval; stop-shipment (RU) = stoppedShipment;
  exchange = receiveConfirmation. Pre-shipment cancels (receiptType CANCEL) need no action.
- reject: exchanges only (rejection with SOLDOUT/WITHDRAW). Coupang has no API to refuse a return
  or cancel: reject_claim answers ItemResult(ok=False, code="NOT_SUPPORTED") for those (it does not
  raise, because CLAIM_REJECT is supported for exchanges).
- Templates: 출고지 (OUTBOUND_ADDRESS) and 반품지 (RETURN_ADDRESS) only; other kinds raise NotSupported.
- Listings: register = POST SA/seller-products (sent once, never retried) then GET …/{id}; option ids
  (vendorItemId) exist only after Coupang approves, so a fresh registration is usually
  PENDING_APPROVAL with no option ids (the sandbox approves at once). Full update = GET (to learn
  sellerProductItemIds by seller code) + PUT SA/seller-products + per-item price/original-price/
  quantity/sale-status pushes for approved items + GET. Pull = list pages (100, nextToken) + one
  GET per product. Channel refusals come back as ListingResult(ok=False, code=HTTP status as for
  the other actions, message=Coupang's); auth/throttle/transport errors raise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from ..base import (
    Address,
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
    SaleStatusChange,
    SettlementLine,
    StockChange,
    TemplateKind,
    VerifyResult,
    Window,
)
from . import mapper
from .client import CoupangClient

ORDER_CHUNK_DAYS = 31  # dates per ordersheets / returnRequests / revenue-history call
INQUIRY_CHUNK_DAYS = 7
PAGE_SIZE = 50
CALL_CENTER_PAGE_SIZE = 30
BATCH = 50
LISTING_PAGE_SIZE = 100  # 상품 목록 페이징 조회: maxPerPage ≤100


def date_chunks(window: Window, days: int) -> list[tuple[date, date]]:
    """KST dates covering ``window`` in chunks spanning ``days`` dates (end − start = days − 1).

    Each chunk starts on the previous chunk's last date, so whether the channel treats the end
    date as inclusive or not, no date falls between two chunks.
    """
    if days < 2:
        raise ValueError("date chunks overlap by one day, so they need at least two days")
    first = window.start.astimezone(mapper.KST).date()
    last = max(first, (window.end - timedelta(microseconds=1)).astimezone(mapper.KST).date())
    chunks = []
    start = first
    while True:
        end = min(last, start + timedelta(days=days - 1))
        chunks.append((start, end))
        if end >= last:
            return chunks
        start = end


def time_chunks(window: Window, days: int) -> list[tuple[datetime, datetime]]:
    """``window`` cut into [start, end) pieces of at most ``days`` days."""
    chunks = []
    start = window.start
    while start < window.end:
        end = min(window.end, start + timedelta(days=days))
        chunks.append((start, end))
        start = end
    return chunks or [(window.start, window.end)]


def _floor_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _in_window(moment: datetime | None, window: Window) -> bool:
    return moment is None or _floor_second(window.start) <= moment < window.end


class CoupangAdapter(ChannelAdapter):
    marketplace = Marketplace.COUPANG
    display_name = "쿠팡"
    default_base_url = "https://api-gateway.coupang.com"
    capabilities = frozenset(Capability)
    credential_fields = (
        CredentialField(
            "vendor_id", "업체코드 (Vendor ID)", secret=False, help_text="WING에 표시되는 A로 시작하는 코드"
        ),
        CredentialField("access_key", "Access Key", help_text="WING > 판매자정보 > 추가판매정보 > OPEN API 키"),
        CredentialField("secret_key", "Secret Key"),
        CredentialField(
            "wing_user_id",
            "WING 아이디",
            secret=False,
            required=False,
            help_text="취소·답변 등록 시 처리자(userId/replyBy)로 보냅니다. 비우면 업체코드를 씁니다.",
        ),
    )
    # Coupang throttles above roughly 10 requests a second per vendor (§1.2): stay a little under.
    # Coupang throttles above ~10 requests per second per vendor and may then block for minutes:
    # a burst of 2 keeps every one-second window under 10.
    rate_limit = RateLimit(rate=8, burst=2)
    max_window_days: ClassVar[dict[str, int]] = {
        "orders": ORDER_CHUNK_DAYS,
        "claims": ORDER_CHUNK_DAYS,
        "inquiries": INQUIRY_CHUNK_DAYS,
        "settlements": ORDER_CHUNK_DAYS,
    }
    batch_sizes: ClassVar[dict[Capability, int]] = {
        Capability.ACKNOWLEDGE: BATCH,
        Capability.INVOICE_UPLOAD: BATCH,
        Capability.INVOICE_UPDATE: BATCH,
        Capability.STOCK_PUSH: 1,
        Capability.PRICE_PUSH: 1,
        Capability.SALE_STATUS_PUSH: 1,
    }

    def __init__(self, config: ChannelConfig, *, clock: Callable[[], datetime] | None = None):
        super().__init__(config)
        self.client = CoupangClient(config, rate_limit=config.rate_limit or self.rate_limit, clock=clock)
        self._return_centers: dict[str, Address | None] = {}

    def close(self) -> None:
        self.client.close()

    # -- connection -------------------------------------------------------------------------------
    def verify(self) -> VerifyResult:
        """One cheap vendor-scoped call: the first page of return centres (checks keys and vendor id)."""
        if not (self.client.vendor_id and self.client.access_key and self.client.secret_key):
            message = "업체코드, Access Key, Secret Key를 모두 입력하세요."
            return VerifyResult(False, message, code="missing_credentials")
        try:
            payload = self.client.return_centers(page=1, page_size=1)
        except AuthFailed as exc:
            return VerifyResult(False, exc.message, code=exc.code)
        except ChannelError as exc:
            return VerifyResult(False, exc.message, code=exc.code)
        total = mapper.pagination(payload).get("totalElements")
        suffix = f" (반품지 {total}곳)" if total is not None else ""
        return VerifyResult(True, f"쿠팡 연결 확인: {self.client.vendor_id}{suffix}")

    # -- orders -----------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[Page[ChannelOrder]]:
        seen: set[tuple[str, str]] = set()
        for first, last in date_chunks(window, ORDER_CHUNK_DAYS):
            for status in mapper.ORDER_STATUSES:
                token = ""
                page_no = 0
                while True:
                    page_no += 1
                    payload = self.client.ordersheets(
                        created_from=mapper.kst_date_offset(first),
                        created_to=mapper.kst_date_offset(last),
                        status=status,
                        max_per_page=PAGE_SIZE,
                        next_token=token,
                    )
                    orders = []
                    for box in mapper.rows(payload.get("data")):
                        key = (str(box.get("shipmentBoxId")), str(box.get("status")))
                        if key in seen:
                            continue
                        order = mapper.order_from_box(box)
                        if not _in_window(order.ordered_at, window):
                            continue
                        seen.add(key)
                        orders.append(order)
                    yield Page(orders, label=f"ordersheets {status} {first}~{last} p{page_no}")
                    token = str(payload.get("nextToken") or "")
                    if not token:
                        break

    def acknowledge(self, lines: Sequence[LineRef]) -> list[ItemResult]:
        box_ids = _unique(_box_id(line) for line in lines)
        results: list[ItemResult] = []
        for batch in _batches(box_ids, BATCH):
            results.extend(self._bulk(batch, lambda ids: self.client.acknowledge([mapper.id_number(i) for i in ids])))
        return results

    def upload_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        return self._invoices(invoices, self.client.upload_invoices)

    def update_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        return self._invoices(invoices, self.client.update_invoices)

    def _invoices(self, invoices: Sequence[InvoiceUpload], send: Callable[[list[dict]], dict]) -> list[ItemResult]:
        results: list[ItemResult] = []
        dtos: dict[str, dict] = {}
        for invoice in invoices:
            box_id = _box_id(invoice.line)
            if box_id in dtos:
                continue  # one invoice per shipment box
            code = mapper.coupang_courier(invoice.courier)
            if code is None:
                message = f"쿠팡에서 쓸 수 없는 택배사입니다: {invoice.courier}"
                results.append(ItemResult(box_id, False, "UNSUPPORTED_COURIER", message))
                continue
            number = mapper.normalize_tracking(invoice.tracking_number)
            problem = mapper.tracking_problem(code, number)
            if problem:
                results.append(ItemResult(box_id, False, "INVALID_INVOICE_NUMBER", problem))
                continue
            ref = invoice.line.ref
            vendor_item_id = ref.get("vendorItemId") or invoice.line.line_id.rpartition("-")[2]
            dtos[box_id] = mapper.invoice_dto(
                shipment_box_id=box_id,
                order_id=ref.get("orderId") or invoice.line.order_id,
                vendor_item_id=vendor_item_id,
                courier_code=code,
                number=number,
            )
        for batch in _batches(list(dtos), BATCH):
            results.extend(self._bulk(batch, lambda ids: send([dtos[i] for i in ids])))
        return results

    def _bulk(self, keys: list[str], send: Callable[[list[str]], dict]) -> list[ItemResult]:
        """One bulk call for ``keys`` (shipment boxes) → one ItemResult per key."""
        try:
            payload = send(keys)
        except AuthFailed:
            raise
        except ChannelError as exc:
            return [ItemResult(key, False, exc.code, exc.message, retryable=exc.retryable) for key in keys]
        by_key = {row["key"]: row for row in mapper.bulk_results(payload)}
        results = []
        for key in keys:
            row = by_key.get(key)
            if row is None:
                message = "쿠팡 응답에 이 배송번호의 결과가 없습니다."
                results.append(ItemResult(key, False, "NO_RESULT", message, retryable=True))
            else:
                results.append(ItemResult(key, row["ok"], row["code"], row["message"], retryable=row["retryable"]))
        return results

    def cancel_by_seller(self, line: LineRef, *, reason: str, detail: str = "", quantity: int = 0) -> ItemResult:
        ref = line.ref
        order_id = ref.get("orderId") or line.order_id
        vendor_item_id = ref.get("vendorItemId") or line.line_id.rpartition("-")[2]
        count = quantity or int(ref.get("shippingCount") or 0)
        if count <= 0:
            return ItemResult(line.line_id, False, "INVALID_QUANTITY", "취소할 수량을 알 수 없습니다.")
        return self._single(
            line.line_id,
            lambda: self.client.cancel_order(
                mapper.id_number(order_id),
                vendor_item_ids=[mapper.id_number(vendor_item_id)],
                counts=[count],
                middle_code=mapper.cancel_middle_code(reason),
            ),
        )

    def _single(self, key: str, call: Callable[[], dict]) -> ItemResult:
        try:
            payload = call()
        except AuthFailed:
            raise
        except ChannelError as exc:
            return ItemResult(key, False, exc.code, exc.message, retryable=exc.retryable)
        data = payload.get("data")
        return ItemResult(key, True, "OK", mapper.error_message(payload), data=data if isinstance(data, dict) else {})

    # -- claims -----------------------------------------------------------------------------------
    def fetch_claims(self, window: Window) -> Iterator[Page[ChannelClaim]]:
        seen: set[str] = set()

        def keep(claims: list[ChannelClaim]) -> list[ChannelClaim]:
            fresh = []
            for claim in claims:
                if claim.claim_id in seen or not _in_window(claim.requested_at, window):
                    continue
                seen.add(claim.claim_id)
                fresh.append(claim)
            return fresh

        for first, last in date_chunks(window, ORDER_CHUNK_DAYS):
            queries = [{"status": status} for status in mapper.RETURN_QUERY_STATUSES] + [{"cancel_type": "CANCEL"}]
            for query in queries:
                token = ""
                page_no = 0
                while True:
                    page_no += 1
                    payload = self.client.return_requests(
                        created_from=mapper.kst_date_offset(first),
                        created_to=mapper.kst_date_offset(last),
                        max_per_page=PAGE_SIZE,
                        next_token=token,
                        **query,
                    )
                    claims = [mapper.claim_from_return(row) for row in mapper.rows(payload.get("data"))]
                    label = query.get("status") or "CANCEL"
                    yield Page(keep(claims), label=f"returnRequests {label} {first}~{last} p{page_no}")
                    token = str(payload.get("nextToken") or "")
                    if not token:
                        break
        for start, end in time_chunks(window, ORDER_CHUNK_DAYS):
            token = ""
            page_no = 0
            while True:
                page_no += 1
                payload = self.client.exchange_requests(
                    created_from=mapper.kst_seconds(_floor_second(start)),
                    created_to=mapper.kst_seconds(end - timedelta(microseconds=1)),
                    max_per_page=PAGE_SIZE,
                    next_token=token,
                )
                claims = [mapper.claim_from_exchange(row) for row in mapper.rows(payload.get("data"))]
                yield Page(keep(claims), label=f"exchangeRequests {mapper.kst_date(start)} p{page_no}")
                token = str(payload.get("nextToken") or "")
                if not token:
                    break

    def approve_claim(self, claim: ChannelClaim) -> ItemResult:
        ref = claim.ref
        if ref.get("kind") == "exchange" or claim.claim_type is ClaimType.EXCHANGE:
            exchange_id = mapper.id_number(ref.get("exchangeId") or claim.claim_id.rpartition("-")[2])
            return self._single(claim.claim_id, lambda: self.client.exchange_receive_confirmation(exchange_id))
        receipt_id = str(ref.get("receiptId") or claim.claim_id.rpartition("-")[2])
        try:
            current = mapper.rows(self.client.return_request(receipt_id).get("data"))
        except AuthFailed:
            raise
        except ChannelError as exc:
            return ItemResult(claim.claim_id, False, exc.code, exc.message, retryable=exc.retryable)
        row = current[0] if current else claim.raw
        status = str(row.get("receiptStatus") or ref.get("receiptStatus") or "")
        count = int(row.get("cancelCountSum") or ref.get("cancelCountSum") or claim.quantity or 0)
        number = mapper.id_number(receipt_id)
        if row.get("receiptType") == "CANCEL" or status == "RETURNS_COMPLETED":
            return ItemResult(claim.claim_id, True, "NO_ACTION", "쿠팡에서 이미 처리된 취소/반품입니다.")
        if status == "RELEASE_STOP_UNCHECKED":
            return self._single(claim.claim_id, lambda: self.client.stopped_shipment(number, count))
        if status == "RETURNS_UNCHECKED":
            confirmed = self._single(claim.claim_id, lambda: self.client.return_receive_confirmation(number))
            if not confirmed.ok:
                return confirmed
        return self._single(claim.claim_id, lambda: self.client.return_approval(number, count))

    def reject_claim(self, claim: ChannelClaim, *, reason: str) -> ItemResult:
        if claim.ref.get("kind") != "exchange" and claim.claim_type is not ClaimType.EXCHANGE:
            return ItemResult(
                claim.claim_id,
                False,
                "NOT_SUPPORTED",
                "쿠팡은 취소·반품 요청을 거부하는 API가 없습니다. WING에서 쿠팡 확인 요청을 하세요.",
            )
        exchange_id = mapper.id_number(claim.ref.get("exchangeId") or claim.claim_id.rpartition("-")[2])
        code = mapper.exchange_reject_code(reason)
        return self._single(claim.claim_id, lambda: self.client.exchange_rejection(exchange_id, code))

    # -- inquiries --------------------------------------------------------------------------------
    def fetch_inquiries(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        seen: set[str] = set()
        for first, last in date_chunks(window, INQUIRY_CHUNK_DAYS + 1):
            end = last if last > first else first + timedelta(days=1)  # start and end may not be equal
            for kind in ("online", "callcenter"):
                page = 1
                while True:
                    if kind == "online":
                        payload = self.client.online_inquiries(
                            start=first.isoformat(), end=end.isoformat(), page=page, page_size=PAGE_SIZE
                        )
                        convert = mapper.inquiry_from_online
                    else:
                        payload = self.client.call_center_inquiries(
                            start=first.isoformat(), end=end.isoformat(), page=page, page_size=CALL_CENTER_PAGE_SIZE
                        )
                        convert = mapper.inquiry_from_call_center
                    items = []
                    for row in mapper.page_content(payload):
                        inquiry = convert(row)
                        if inquiry.inquiry_id not in seen:
                            seen.add(inquiry.inquiry_id)
                            items.append(inquiry)
                    yield Page(items, label=f"{kind} inquiries {first}~{end} p{page}")
                    total_pages = int(mapper.pagination(payload).get("totalPages") or 0)
                    if page >= total_pages:
                        break
                    page += 1

    def answer_inquiry(self, inquiry: ChannelInquiry, *, text: str) -> ItemResult:
        inquiry_id = str(inquiry.ref.get("inquiryId") or inquiry.inquiry_id.rpartition("-")[2])
        if inquiry.kind is InquiryKind.PRODUCT_QNA:
            return self._single(inquiry.inquiry_id, lambda: self.client.reply_online_inquiry(inquiry_id, text))
        parent = str(inquiry.ref.get("parentAnswerId") or "")
        return self._single(inquiry.inquiry_id, lambda: self.client.reply_call_center_inquiry(inquiry_id, text, parent))

    # -- listings ---------------------------------------------------------------------------------
    def push_stock(self, changes: Sequence[StockChange]) -> list[ItemResult]:
        return [
            self._single(c.option_id, lambda c=c: self.client.update_quantity(c.option_id, max(0, c.quantity)))
            for c in changes
        ]

    def push_prices(self, changes: Sequence[PriceChange]) -> list[ItemResult]:
        return [self._single(c.option_id, lambda c=c: self.client.update_price(c.option_id, c.price)) for c in changes]

    def push_sale_status(self, changes: Sequence[SaleStatusChange]) -> list[ItemResult]:
        results = []
        for change in changes:
            call = self.client.resume_sale if change.on_sale else self.client.stop_sale
            results.append(self._single(change.option_id, lambda call=call, c=change: call(c.option_id)))
        return results

    # -- listings: register, full update, pull -------------------------------------------------------
    def create_listing(self, draft: ListingDraft) -> ListingResult:
        """상품 생성 then 상품 조회: option ids exist only once Coupang approves the product.

        With ``requested=true`` (the default; ``draft.extra["request_approval"]=False`` saves it as
        임시저장 instead) Coupang reviews the product; until then ``vendorItemId`` is null, so the
        result is PENDING_APPROVAL with empty ``option_ids`` and the ids arrive with a later
        fetch_listings(). The in-process sandbox approves at once by default and answers 승인완료
        with ids (``CoupangSandbox(listing_approval="manual")`` keeps products waiting).
        Options drafted with ``on_sale=False`` are stopped (sales/stop) as soon as they have an id.
        """
        try:
            body = self._listing_body(draft)
        except (mapper.ListingDraftError, Rejected) as exc:
            return ListingResult(False, code=exc.code, message=exc.message)
        try:
            payload = self.client.create_seller_product(body)
        except Rejected as exc:
            return ListingResult(False, code=exc.code, message=exc.message, raw={"request": body})
        product_id = mapper.seller_product_id(payload)
        if not product_id:
            message = "쿠팡 응답에 등록상품ID(sellerProductId)가 없습니다."
            return ListingResult(False, code="NO_PRODUCT_ID", message=message, raw=payload)
        return self._read_back(product_id, draft)

    def update_listing(self, draft: ListingDraft) -> ListingResult:
        """상품 수정 (승인필요): the whole body again, items matched to the registered ones by seller code.

        Coupang does not apply salePrice / maximumBuyCount / originalPrice of approved items from this
        body, so for each approved item whose numbers differ they are pushed per item afterwards
        (original-prices / prices / quantities), and every approved item's sale status is set from
        ``on_sale`` (sales/stop or sales/resume). An option dropped from the draft is deleted at
        Coupang, which refuses that for approved options (the refusal comes back as ok=False).
        """
        product_id = draft.channel_product_id
        if not product_id:
            message = "쿠팡 등록상품ID(sellerProductId)가 없어 수정할 수 없습니다."
            return ListingResult(False, code="MISSING_PRODUCT_ID", message=message)
        try:
            current = self._product(product_id)
        except Rejected as exc:
            return ListingResult(False, channel_product_id=product_id, code=exc.code, message=exc.message)
        registered = mapper.registered_items(current)
        try:
            body = self._listing_body(draft, existing=registered, seller_product_id=product_id)
        except (mapper.ListingDraftError, Rejected) as exc:
            return ListingResult(False, channel_product_id=product_id, code=exc.code, message=exc.message)
        try:
            self.client.update_seller_product(body)
        except Rejected as exc:
            return ListingResult(
                False, channel_product_id=product_id, code=exc.code, message=exc.message, raw={"request": body}
            )
        failures = self._sync_approved_items(draft, registered)
        return self._read_back(product_id, draft, failures=failures, stop_drafted_off=False)

    def fetch_listings(self) -> Iterator[Page[ChannelListing]]:
        """상품 목록 페이징 조회 (100 a page, ``nextToken``) and 상품 조회 per product.

        The list rows carry no items (no options, prices or seller codes), so every product is read
        once more; a product that cannot be read is yielded from its list row alone (ref flag
        ``summary_only``). Deleted products (상품삭제) come back as ENDED.
        """
        token = ""
        page_no = 0
        while True:
            page_no += 1
            payload = self.client.seller_products(next_token=token, max_per_page=LISTING_PAGE_SIZE)
            listings = []
            for row in mapper.rows(payload.get("data")):
                try:
                    product = self._product(str(row.get("sellerProductId")))
                except Rejected:
                    listings.append(mapper.channel_listing_from_summary(row))
                    continue
                listings.append(mapper.channel_listing_from_product(product, now=self.client.clock()))
            yield Page(listings, label=f"seller-products p{page_no}")
            token = str(payload.get("nextToken") or "")
            if not token:
                break

    def _product(self, product_id: str) -> dict[str, Any]:
        found = mapper.rows(self.client.seller_product(product_id).get("data"))
        if not found:
            raise Rejected(f"쿠팡: 등록상품 {product_id}을(를) 찾을 수 없습니다.", code="NOT_FOUND")
        return found[0]

    def _listing_body(
        self, draft: ListingDraft, *, existing: dict[str, dict[str, Any]] | None = None, seller_product_id: str = ""
    ) -> dict[str, Any]:
        return mapper.listing_draft_to_seller_product(
            draft,
            vendor_id=self.client.vendor_id,
            vendor_user_id=self.client.user_id,
            now=self.client.clock(),
            return_address=self._return_address(draft),
            existing_items=existing,
            seller_product_id=seller_product_id,
        )

    def _return_address(self, draft: ListingDraft) -> Address | None:
        """The 반품지 name/phone/address Coupang wants repeated in the body, read from the return centre."""
        code = draft.shipping.return_template_id
        if draft.shipping.return_address is not None or not code:
            return None
        if code not in self._return_centers:
            for template in self.pull_templates(TemplateKind.RETURN_ADDRESS):
                self._return_centers[template.template_id] = template.address
        return self._return_centers.get(code)

    def _read_back(
        self, product_id: str, draft: ListingDraft, *, failures: list[ItemResult] | None = None, stop_drafted_off=True
    ) -> ListingResult:
        """After a successful write: the product as Coupang now has it, as a ListingResult.

        A failed read does not turn the write into a failure (the product exists): the result is
        ok with state UNKNOWN and a message; fetch_listings() finds the ids later.
        """
        failures = list(failures or [])
        try:
            product = self._product(product_id)
        except ChannelError as exc:
            message = f"쿠팡에 저장되었으나 상품 조회에 실패했습니다: {exc.message}"
            return ListingResult(True, channel_product_id=product_id, state=ListingState.UNKNOWN, message=message)
        result = mapper.listing_result_from_product(product)
        if stop_drafted_off:
            for option in draft.options:
                vendor_item_id = result.option_ids.get(option.seller_code)
                if vendor_item_id and not option.on_sale:
                    stopped = self._single(option.seller_code, lambda v=vendor_item_id: self.client.stop_sale(v))
                    if not stopped.ok:
                        failures.append(stopped)
        if failures:
            first = failures[0]
            listed = ", ".join(f"{f.key}: {f.message}" for f in failures)
            result.ok = False
            result.code = first.code
            result.retryable = any(f.retryable for f in failures)
            result.message = f"쿠팡에 저장되었으나 일부 옵션 반영에 실패했습니다 ({listed})"
        elif result.state in (ListingState.PENDING_APPROVAL, ListingState.DRAFT) and not result.option_ids:
            result.message = "쿠팡 승인 후 옵션ID(vendorItemId)가 발급됩니다. 상품 가져오기로 다시 확인하세요."
        return result

    def _sync_approved_items(self, draft: ListingDraft, registered: dict[str, dict[str, Any]]) -> list[ItemResult]:
        """Per-item pushes for approved items (the full update leaves their numbers alone)."""
        failures: list[ItemResult] = []
        client = self.client
        for code, wanted in mapper.item_numbers(draft).items():
            current = registered.get(code)
            vendor_item_id = current["vendorItemId"] if current else ""
            if not vendor_item_id:
                continue
            steps: list[Callable[[], dict]] = []
            if wanted["originalPrice"] != current["originalPrice"]:
                steps.append(lambda v=vendor_item_id, p=wanted["originalPrice"]: client.update_original_price(v, p))
            if wanted["salePrice"] != current["salePrice"]:
                price = lambda v=vendor_item_id, p=wanted["salePrice"]: client.update_price(v, p)  # noqa: E731
                # salePrice ≤ originalPrice at every step: lower the price before the reference price
                # when the current price would not fit under the new reference price.
                if current["salePrice"] > wanted["originalPrice"]:
                    steps.insert(0, price)
                else:
                    steps.append(price)
            if wanted["maximumBuyCount"] != current["maximumBuyCount"]:
                steps.append(lambda v=vendor_item_id, q=wanted["maximumBuyCount"]: client.update_quantity(v, q))
            status = client.resume_sale if wanted["on_sale"] else client.stop_sale
            steps.append(lambda v=vendor_item_id, s=status: s(v))
            for call in steps:
                outcome = self._single(code, call)
                if not outcome.ok:
                    failures.append(outcome)
                    break
        return failures

    # -- templates --------------------------------------------------------------------------------
    def pull_templates(self, kind: TemplateKind) -> list[ChannelTemplate]:
        if kind is TemplateKind.OUTBOUND_ADDRESS:
            fetch, convert = self.client.outbound_places, mapper.template_from_outbound
        elif kind is TemplateKind.RETURN_ADDRESS:
            fetch, convert = self.client.return_centers, mapper.template_from_return_center
        else:
            raise NotSupported(f"쿠팡에는 {kind} 템플릿 API가 없습니다 (출고지·반품지만 지원).")
        templates: list[ChannelTemplate] = []
        page = 1
        while True:
            payload = fetch(page=page, page_size=PAGE_SIZE)
            templates.extend(convert(row) for row in mapper.page_content(payload))
            if page >= int(mapper.pagination(payload).get("totalPages") or 0):
                return templates
            page += 1

    def push_template(self, template: ChannelTemplate) -> ItemResult:
        # Create = POST, update = PUT …/{code} under OA/v5/vendors/{vendorId}/outboundShippingCenters and
        # …/returnShippingCenters (developers.coupangcorp.com 물류센터 API: 출고지/반품지 생성·수정).
        vendor_id, user_id = self.client.vendor_id, self.client.user_id
        if template.kind is TemplateKind.OUTBOUND_ADDRESS:
            body = mapper.outbound_payload(template, vendor_id=vendor_id, user_id=user_id)
            create, update = self.client.create_outbound_place, self.client.update_outbound_place
        elif template.kind is TemplateKind.RETURN_ADDRESS:
            body = mapper.return_center_payload(template, vendor_id=vendor_id, user_id=user_id)
            create, update = self.client.create_return_center, self.client.update_return_center
        else:
            raise NotSupported(f"쿠팡에는 {template.kind} 템플릿 API가 없습니다 (출고지·반품지만 지원).")
        key = template.template_id or template.name
        if template.template_id:
            return self._single(key, lambda: update(template.template_id, body))
        result = self._single(key, lambda: create(body))
        if result.ok:
            code = str(result.data.get("resultMessage") or "")
            result.data = {**result.data, "template_id": code}
        return result

    # -- settlement -------------------------------------------------------------------------------
    def fetch_settlements(self, window: Window) -> Iterator[Page[SettlementLine]]:
        seen: set[str] = set()
        for first, last in date_chunks(window, ORDER_CHUNK_DAYS):
            token = ""
            page_no = 0
            while True:
                page_no += 1
                payload = self.client.revenue_history(
                    date_from=first.isoformat(), date_to=last.isoformat(), token=token, max_per_page=PAGE_SIZE
                )
                lines = []
                for row in mapper.rows(payload.get("data")):
                    for line in mapper.settlements_from_revenue(row):
                        if line.settlement_id not in seen:
                            seen.add(line.settlement_id)
                            lines.append(line)
                yield Page(lines, label=f"revenue-history {first}~{last} p{page_no}")
                token = str(payload.get("nextToken") or "")
                if not token or payload.get("hasNext") is False:
                    break


def _box_id(line: LineRef) -> str:
    return str(line.ref.get("shipmentBoxId") or line.shipment_id)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))


def _batches(values: list[Any], size: int) -> Iterator[list[Any]]:
    for index in range(0, len(values), size):
        yield values[index : index + size]
