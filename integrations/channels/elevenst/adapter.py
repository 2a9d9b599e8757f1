"""11번가 adapter: the neutral ChannelAdapter interface on top of client.py and mapper.py.

Units and windows (channels.md §3 / §9)
- order_id = ordNo, line_id = f"{ordNo}-{ordPrdSeq}", shipment_id = dlvNo (shipping a dlvNo ships
  every line of the bundle), option_id = prdStckNo; prices and sale status are per product (prdNo).
- Order and claim lists take 'yyyyMMddHHmm' windows of at most 7 days and are not paged (the whole
  window comes back); Product Q&A takes 'yyyyMMdd' windows of at most 7 calendar days; settlements
  'yyyyMMdd' windows (31 days here [U]). Each legal sub-window is yielded as one Page.
- Every action is one request per item (no bulk endpoints); per-item outcomes become ItemResults.
  A refused credential (AuthFailed) stops the batch; a throttled or failed call (after ChannelHttp's
  retries) marks that item ``retryable`` and the batch carries on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

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
from .client import ElevenstClient, Envelope

ADDRESS_KINDS = {TemplateKind.OUTBOUND_ADDRESS: True, TemplateKind.RETURN_ADDRESS: False}


def _ok(key: str, env: Envelope, **data: Any) -> ItemResult:
    return ItemResult(key=key, ok=True, code=env.code or "0", message=env.text, data=dict(data))


def _failed(key: str, error: ChannelError) -> ItemResult:
    return ItemResult(key=key, ok=False, code=error.code, message=error.message, retryable=error.retryable)


class ElevenstAdapter(ChannelAdapter):
    marketplace = Marketplace.ELEVENST
    display_name = "11번가"
    default_base_url = "https://api.11st.co.kr/rest"
    # 11번가 names no invoice-correction API (changes are made in 셀러오피스).
    capabilities = frozenset(Capability) - {Capability.INVOICE_UPDATE}
    credential_fields = (
        CredentialField(
            name="api_key",
            label="Open API 인증키",
            secret=True,
            help_text="셀러오피스 → Open API 관리에서 발급합니다. 이 서버의 공인 IP도 그곳에 등록하세요.",
        ),
    )
    # 11번가 publishes no rate limit (only the quota error "004 overedTraffic" is known, §3.1 [U]);
    # 5 requests/second with a burst of 5 is our own conservative choice.
    rate_limit = RateLimit(rate=5, burst=5)
    max_window_days = {"orders": 7, "claims": 7, "inquiries": 7, "settlements": 31}
    # No bulk endpoints: every action is one request per line/option/product.
    batch_sizes = {
        Capability.ACKNOWLEDGE: 1,
        # One request per bundle (dlvNo) is made inside upload_invoices, so the lines of a bundle must
        # reach it together: a batch per line would ship the bundle with its first line and be told
        # -3308 (already shipped) for the others.
        Capability.INVOICE_UPLOAD: 50,
        Capability.STOCK_PUSH: 1,
        Capability.PRICE_PUSH: 1,
        Capability.SALE_STATUS_PUSH: 1,
    }

    def __init__(self, config: ChannelConfig):
        super().__init__(config)
        self.client = ElevenstClient(config, rate_limit=config.rate_limit or self.rate_limit)

    def close(self) -> None:
        self.client.close()

    def _now(self) -> datetime:
        return datetime.now(tz=mapper.KST)

    # -- connection ----------------------------------------------------------------------------

    def verify(self) -> VerifyResult:
        """A cheap authenticated call: the outbound-address list (출고지)."""
        try:
            found = self.client.addresses(outbound=True)
        except ChannelError as exc:
            return VerifyResult(ok=False, message=exc.message, code=exc.code)
        return VerifyResult(ok=True, message=f"11번가 연결을 확인했습니다 (출고지 {len(found)}개).")

    # -- orders --------------------------------------------------------------------------------

    def fetch_orders(self, window: Window) -> Iterator[Page[ChannelOrder]]:
        """Each ≤7-day sub-window: the five state lists (결제완료 → 구매확정), merged by line
        (a line that moved on between two calls is kept from the later list), one Page."""
        for start, end in mapper.minute_windows(window, self.max_window_days["orders"]):
            merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
            for kind in mapper.ORDER_LISTS:
                for row in self.client.order_list(kind, start, end):
                    key = (str(row.get("ordNo", "")), str(row.get("ordPrdSeq", "")))
                    merged.pop(key, None)  # re-insert so the later list also decides the position
                    merged[key] = (kind, row)
            yield Page(items=mapper.map_orders(merged.values()), label=f"orders {start}-{end}")

    def acknowledge(self, lines: Sequence[LineRef]) -> list[ItemResult]:
        """발주확인 is per order line: one reqpackaging call per line."""
        results = []
        for line in lines:
            keys = mapper.line_keys(line.line_id, line.order_id, line.shipment_id, dict(line.ref))
            try:
                env = self.client.acknowledge(
                    keys["ordNo"], keys["ordPrdSeq"], keys["addPrdYn"], keys["addPrdNo"], keys["dlvNo"]
                )
            except AuthFailed:
                raise
            except ChannelError as exc:
                results.append(_failed(line.line_id, exc))
                continue
            results.append(_ok(line.line_id, env))
        return results

    def upload_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        """발송처리 ships a whole bundle (dlvNo), so invoices are grouped by dlvNo and sent once per
        bundle with the first invoice's courier and number; every line of the group gets the bundle's
        result. A line of the same bundle with a *different* courier/number is refused (one bundle,
        one parcel). Uploading a bundle again answers -3308 (already shipped), reported as is."""
        groups: dict[str, list[InvoiceUpload]] = {}
        for invoice in invoices:
            keys = mapper.line_keys(
                invoice.line.line_id, invoice.line.order_id, invoice.line.shipment_id, dict(invoice.line.ref)
            )
            groups.setdefault(keys["dlvNo"], []).append(invoice)
        results: dict[int, ItemResult] = {}
        for dlv_no, group in groups.items():
            first = group[0]
            path = mapper.courier_path(first.courier, first.tracking_number)
            same = [
                inv
                for inv in group
                if inv.courier == first.courier
                and mapper.normalise_tracking(inv.tracking_number) == mapper.normalise_tracking(first.tracking_number)
            ]
            same_ids = {id(inv) for inv in same}
            for inv in group:
                if id(inv) not in same_ids:
                    results[id(inv)] = ItemResult(
                        key=inv.line.line_id,
                        ok=False,
                        code="bundle_conflict",
                        message=f"같은 묶음배송(dlvNo {dlv_no})은 송장 하나로 발송됩니다: {first.tracking_number}",
                    )
            if isinstance(path, str):
                for inv in same:
                    results[id(inv)] = ItemResult(key=inv.line.line_id, ok=False, code="invalid_invoice", message=path)
                continue
            if not dlv_no:
                for inv in same:
                    results[id(inv)] = ItemResult(
                        key=inv.line.line_id, ok=False, code="missing_dlvNo", message="배송번호(dlvNo)가 없습니다."
                    )
                continue
            method, courier_code, invoice_no = path
            send_dt = mapper.fmt_minute(first.shipped_at or self._now())
            try:
                env = self.client.ship(send_dt, method, courier_code, invoice_no, dlv_no)
            except AuthFailed:
                raise
            except ChannelError as exc:
                for inv in same:
                    results[id(inv)] = _failed(inv.line.line_id, exc)
                continue
            for inv in same:
                results[id(inv)] = _ok(inv.line.line_id, env, dlvNo=dlv_no, dlvEtprsCd=courier_code, invcNo=invoice_no)
        return [results[id(inv)] for inv in invoices]

    def update_invoices(self, invoices: Sequence[InvoiceUpload]) -> list[ItemResult]:
        raise NotSupported("11번가 Open API에는 송장 수정 API가 없습니다. 셀러오피스에서 수정하세요.")

    def cancel_by_seller(self, line: LineRef, *, reason: str, detail: str = "", quantity: int = 0) -> ItemResult:
        """판매불가 (reqrejectorder) of a whole line. ``reason`` is an ordCnRsnCd (06/07/08/09/10/99),
        a word (SOLD_OUT, OPTION_SOLD_OUT, DELAY, WRONG_INFO, BUYER_REQUEST, OTHER) or Korean text;
        unknown → 99. 11번가 cancels the whole line: a smaller ``quantity`` is refused."""
        keys = mapper.line_keys(line.line_id, line.order_id, line.shipment_id, dict(line.ref))
        ordered = int(line.ref.get("ordQty") or 0)
        if quantity and ordered and quantity < ordered:
            return ItemResult(
                key=line.line_id,
                ok=False,
                code="partial_quantity",
                message="11번가 판매불가 처리는 주문상품 단위(전체 수량)로만 가능합니다.",
            )
        code = mapper.seller_cancel_reason(reason)
        text = mapper.path_text(detail, mapper.SELLER_CANCEL_REASONS[code])
        try:
            env = self.client.reject_order(keys["ordNo"], keys["ordPrdSeq"], code, text)
        except AuthFailed:
            raise
        except ChannelError as exc:
            return _failed(line.line_id, exc)
        return _ok(line.line_id, env, ordCnRsnCd=code)

    # -- claims --------------------------------------------------------------------------------

    def fetch_claims(self, window: Window) -> Iterator[Page[ChannelClaim]]:
        """Each ≤7-day sub-window: the request, done and withdrawn lists of cancels, returns and
        exchanges (nine calls), one Page."""
        for start, end in mapper.minute_windows(window, self.max_window_days["claims"]):
            claims: dict[str, ChannelClaim] = {}
            for kind in mapper.CLAIM_LISTS:
                for row in self.client.claim_list(kind, start, end):
                    claim = mapper.map_claim(kind, row)
                    claims[claim.claim_id] = claim
            yield Page(items=list(claims.values()), label=f"claims {start}-{end}")

    def _claim_keys(self, claim: ChannelClaim) -> tuple[str, str, str]:
        seq_name = mapper.CLAIM_FIELDS[claim.claim_type]["seq"]
        ord_no = str(claim.ref.get("ordNo") or claim.order_id)
        ord_prd_seq = str(claim.ref.get("ordPrdSeq") or claim.line_ids[0].rsplit("-", 1)[-1])
        seq = str(claim.ref.get(seq_name) or claim.claim_id.rsplit("-", 1)[-1][1:])
        return ord_no, ord_prd_seq, seq

    def _invoice_for(
        self, claim: ChannelClaim, courier: CourierCode | str | None, tracking_number: str | None
    ) -> tuple[str, str, str] | str:
        """(dlvMthdCd, dlvEtprsCd, invcNo) from keyword arguments, else from claim.ref (neutral
        ``courier``/``tracking_number`` or 11번가 ``dlvEtprsCd``/``invcNo``)."""
        courier = courier or claim.ref.get("courier")
        tracking = tracking_number or claim.ref.get("tracking_number") or ""
        if courier:
            try:
                return mapper.courier_path(CourierCode(courier), tracking)
            except ValueError:
                return f"알 수 없는 택배사 코드입니다: {courier}"
        code, invoice = claim.ref.get("dlvEtprsCd"), claim.ref.get("invcNo")
        if code and invoice:
            return mapper.DLV_METHOD_PARCEL, str(code), mapper.normalise_tracking(str(invoice))
        return "송장 정보(택배사, 송장번호)가 필요합니다: courier=, tracking_number= 로 넘기거나 claim.ref에 넣으세요."

    def approve_claim(
        self,
        claim: ChannelClaim,
        *,
        courier: CourierCode | str | None = None,
        tracking_number: str | None = None,
    ) -> ItemResult:
        """cancelreqconf / returnreqconf / exchangereqconf. Approving an exchange re-ships the item,
        so 11번가 wants the courier and invoice of the new parcel: pass ``courier``/``tracking_number``
        or put them in ``claim.ref`` (``courier``+``tracking_number`` or ``dlvEtprsCd``+``invcNo``)."""
        ord_no, ord_prd_seq, seq = self._claim_keys(claim)
        try:
            if claim.claim_type == ClaimType.CANCEL:
                env = self.client.claim_action("cancelreqconf", seq, ord_no, ord_prd_seq)
            elif claim.claim_type == ClaimType.RETURN:
                env = self.client.claim_action("returnreqconf", seq, ord_no, ord_prd_seq)
            else:
                invoice = self._invoice_for(claim, courier, tracking_number)
                if isinstance(invoice, str):
                    return ItemResult(key=claim.claim_id, ok=False, code="invoice_required", message=invoice)
                _method, courier_code, invoice_no = invoice
                env = self.client.claim_action("exchangereqconf", seq, ord_no, ord_prd_seq, courier_code, invoice_no)
        except AuthFailed:
            raise
        except ChannelError as exc:
            return _failed(claim.claim_id, exc)
        return _ok(claim.claim_id, env)

    def reject_claim(
        self,
        claim: ChannelClaim,
        *,
        reason: str,
        reason_code: str = mapper.DEFAULT_REFUSAL_CODE,
        courier: CourierCode | str | None = None,
        tracking_number: str | None = None,
        shipped_at: datetime | None = None,
    ) -> ItemResult:
        """Rejecting a cancel request means shipping anyway (cancelreqreject carries the invoice:
        ``courier``/``tracking_number`` or claim.ref as for approve_claim; ``shipped_at`` defaults
        to now). Returns and exchanges are refused with refsRsnCd (``reason_code``, 99 by default
        [U]) and refsRsn (``reason``)."""
        ord_no, ord_prd_seq, seq = self._claim_keys(claim)
        try:
            if claim.claim_type == ClaimType.CANCEL:
                invoice = self._invoice_for(claim, courier, tracking_number)
                if isinstance(invoice, str):
                    return ItemResult(key=claim.claim_id, ok=False, code="invoice_required", message=invoice)
                method, courier_code, invoice_no = invoice
                send_day = mapper.fmt_day(shipped_at or self._now())
                env = self.client.claim_action(
                    "cancelreqreject", ord_no, ord_prd_seq, seq, method, send_day, courier_code, invoice_no
                )
            else:
                action = "returnreqreject" if claim.claim_type == ClaimType.RETURN else "exchangereqreject"
                text = mapper.path_text(reason, "판매자 거부")
                env = self.client.claim_action(action, ord_no, ord_prd_seq, seq, reason_code, text)
        except AuthFailed:
            raise
        except ChannelError as exc:
            return _failed(claim.claim_id, exc)
        return _ok(claim.claim_id, env)

    # -- inquiries -----------------------------------------------------------------------------

    def fetch_inquiries(self, window: Window) -> Iterator[Page[ChannelInquiry]]:
        """Product Q&A (answered and unanswered) per ≤7-calendar-day window. 11번가 has no
        customer-center (1:1) inquiry API in the reference."""
        for start, end in mapper.day_windows(window, self.max_window_days["inquiries"]):
            found = [mapper.map_inquiry(row) for row in self.client.qna_list(start, end, mapper.QNA_ALL)]
            yield Page(items=found, label=f"qna {start}-{end}")

    def answer_inquiry(self, inquiry: ChannelInquiry, *, text: str) -> ItemResult:
        brd_no = str(inquiry.ref.get("brdInfoNo") or inquiry.inquiry_id)
        prd_no = str(inquiry.ref.get("prdNo") or inquiry.product_id)
        try:
            env = self.client.qna_answer(brd_no, prd_no, text)
        except AuthFailed:
            raise
        except ChannelError as exc:
            return _failed(inquiry.inquiry_id, exc)
        return _ok(inquiry.inquiry_id, env)

    # -- listings ------------------------------------------------------------------------------

    #: Page size of the product list (SearchProduct limit) [U].
    listing_page_size = 100

    def create_listing(self, draft: ListingDraft) -> ListingResult:
        """상품등록 (POST /prodservices/product), then a read-back of the product and its stock numbers.

        11번가 lists a registered product at once (no review), so the read-back gives the sale state
        (selStatCd, normally 103 판매중) and one prdStckNo per option, matched to our seller codes by the
        colSellerStockCd we sent. The register call is never retried: after a timeout the product may
        exist, so look for the seller code with fetch_listings() before registering again.
        A refusal (resultCode ≠ 200) comes back as ok=False with 11번가's code and message.
        """
        try:
            body = mapper.listing_draft_to_product_xml(draft, today=self._now().date())
        except ValueError as exc:
            return ListingResult(ok=False, code="invalid_draft", message=str(exc))
        try:
            env = self.client.register_product(body)
        except Rejected as exc:
            return ListingResult(ok=False, code=exc.code, message=exc.message)
        prd_no = env.fields.get("productNo", "")
        if not prd_no:
            return ListingResult(
                ok=False,
                code=env.code or "no_product_no",
                message=env.text or "11번가가 상품번호 없이 응답했습니다.",
                raw={"response": env.fields},
            )
        return self._read_back(draft, prd_no, env)

    def update_listing(self, draft: ListingDraft) -> ListingResult:
        """상품수정 (PUT /prodservices/product/{prdNo}): the whole <Product> again, options replaced
        (optUpdateYn Y) and matched by seller code; then the same read-back as create_listing (an option
        whose values changed may get a new prdStckNo)."""
        if not draft.channel_product_id:
            return ListingResult(
                ok=False, code="missing_product_id", message="수정할 11번가 상품번호(prdNo)가 없습니다."
            )
        try:
            body = mapper.listing_draft_to_product_xml(draft, update=True, today=self._now().date())
        except ValueError as exc:
            return ListingResult(
                ok=False, channel_product_id=draft.channel_product_id, code="invalid_draft", message=str(exc)
            )
        try:
            env = self.client.update_product(draft.channel_product_id, body)
        except Rejected as exc:
            return ListingResult(
                ok=False, channel_product_id=draft.channel_product_id, code=exc.code, message=exc.message
            )
        return self._read_back(draft, draft.channel_product_id, env)

    def _read_back(self, draft: ListingDraft, prd_no: str, env: Envelope) -> ListingResult:
        """The product was accepted: never lose its number. When the read-back itself fails (any
        channel error), the result is still ok with the product id, no option ids and state UNKNOWN,
        and the message says so; the next fetch_listings() fills the ids in."""
        try:
            product = self.client.product(prd_no)
            stocks = self.client.product_stocks(prd_no)
        except ChannelError as exc:
            return ListingResult(
                ok=True,
                channel_product_id=prd_no,
                state=ListingState.UNKNOWN,
                code=env.code or "200",
                message=f"{env.text} (상품 정보를 다시 읽지 못했습니다: {exc.message})".strip(),
                retryable=exc.retryable,
                raw={"response": env.fields},
            )
        listing = mapper.map_channel_listing(product, stocks)
        return ListingResult(
            ok=True,
            channel_product_id=prd_no,
            option_ids=mapper.option_ids_for(draft, stocks),
            state=listing.state,
            code=env.code or "200",
            message=env.text,
            raw={"response": env.fields, "product": product, "stocks": stocks},
        )

    def fetch_listings(self) -> Iterator[Page[ChannelListing]]:
        """Every product of the store, one page of the product list (SearchProduct start/limit [U]) at a
        time; each product's options come from its stock read (one extra call per product: 11번가 has no
        bulk stock read). A product whose stock read is refused is kept, without options, with
        ref["stock_error"]."""
        start = 1
        while True:
            rows = self.client.product_list(start, self.listing_page_size)
            listings = []
            for row in rows:
                prd_no = str(row.get("prdNo", ""))
                try:
                    stocks = self.client.product_stocks(prd_no) if prd_no else []
                except Rejected as exc:
                    listing = mapper.map_channel_listing(row, [])
                    listing.ref["stock_error"] = f"{exc.code} {exc.message}".strip()
                else:
                    listing = mapper.map_channel_listing(row, stocks)
                listings.append(listing)
            label = f"products {start}-{start + len(rows) - 1}" if rows else f"products {start}- (none)"
            yield Page(items=listings, label=label)
            if len(rows) < self.listing_page_size:
                return
            start += self.listing_page_size

    def _per_item(self, changes, call) -> list[ItemResult]:
        """One call per change (11번가 has no bulk endpoints); a refusal fails that item only."""
        results = []
        for change in changes:
            try:
                env = call(change)
            except AuthFailed:
                raise
            except ChannelError as exc:
                results.append(_failed(change.option_id, exc))
                continue
            results.append(_ok(change.option_id, env))
        return results

    def push_stock(self, changes: Sequence[StockChange]) -> list[ItemResult]:
        """StockChange.option_id = prdStckNo (ref may carry prdNo)."""
        return self._per_item(
            changes,
            lambda change: self.client.set_stock(
                change.option_id, max(0, change.quantity), str(change.ref.get("prdNo", ""))
            ),
        )

    def push_prices(self, changes: Sequence[PriceChange]) -> list[ItemResult]:
        """11번가 prices a product, not an option: PriceChange.option_id is the prdNo (or ref["prdNo"])."""
        return self._per_item(
            changes,
            lambda change: self.client.set_price(str(change.ref.get("prdNo") or change.option_id), change.price),
        )

    def push_sale_status(self, changes: Sequence[SaleStatusChange]) -> list[ItemResult]:
        """판매중지/판매재개 are per product: SaleStatusChange.option_id is the prdNo (or ref["prdNo"])."""
        return self._per_item(
            changes,
            lambda change: self.client.set_display(str(change.ref.get("prdNo") or change.option_id), change.on_sale),
        )

    # -- templates -----------------------------------------------------------------------------

    def pull_templates(self, kind: TemplateKind) -> list[ChannelTemplate]:
        if kind in ADDRESS_KINDS:
            return [mapper.map_address(kind, row) for row in self.client.addresses(outbound=ADDRESS_KINDS[kind])]
        if kind == TemplateKind.DISPATCH_DEADLINE:
            return [mapper.map_send_close_template(row) for row in self.client.send_close_templates()]
        raise NotSupported(f"11번가 Open API에는 {kind.value} 템플릿 API가 없습니다.")

    def push_template(self, template: ChannelTemplate) -> ItemResult:
        """Creates (empty template_id) or updates a 출고지/반품지 or 발송마감 template;
        ItemResult.data["template_id"] holds the channel's id (addrSeq / prdInfoTmpltNo)."""
        key = template.template_id or template.name
        try:
            if template.kind in ADDRESS_KINDS:
                env = self.client.save_address(
                    ADDRESS_KINDS[template.kind], bool(template.template_id), mapper.address_xml(template)
                )
                new_id = env.fields.get("addrSeq") or template.template_id
            elif template.kind == TemplateKind.DISPATCH_DEADLINE:
                env = self.client.save_send_close_template(template.template_id, mapper.send_close_xml(template))
                new_id = env.fields.get("prdInfoTmpltNo") or template.template_id
            else:
                raise NotSupported(f"11번가 Open API에는 {template.kind.value} 템플릿 API가 없습니다.")
        except (AuthFailed, NotSupported):
            raise
        except ChannelError as exc:
            return _failed(key, exc)
        return _ok(key, env, template_id=new_id)

    # -- settlement ----------------------------------------------------------------------------

    def fetch_settlements(self, window: Window) -> Iterator[Page[SettlementLine]]:
        for start, end in mapper.day_windows(window, self.max_window_days["settlements"]):
            lines = [mapper.map_settlement(row) for row in self.client.settlements(start, end)]
            yield Page(items=lines, label=f"settlements {start}-{end}")
