"""The "order list" spreadsheet kind (주문 목록): download the desk's list in a layout, one row per
order line, and change states by uploading it back.

Upload: each row names a line by our line number (관리번호) or the channel's line number
(주문상세번호, with 판매처 when two stores could share it) and says in 주문상태 the state it should
be in. A row already in that state is left alone, so a downloaded file goes back up unchanged;
a row asking for 발주확인 or 판매취소 runs that action through the actions service, the same as the
desk's buttons (the 3-day delay reason rule, the claim gate, the channel's answer recorded on the
line and in the order's history). Any other move is a row error in the preview.

The channel is called after the upload's transaction commits (``transaction.on_commit``), never
inside it: an upload rolled back (all-or-nothing with a bad row, an error) must not leave orders
confirmed or cancelled at the channel but not here. So the preview and the job's counts say what
was sent; the channel's answer per line shows on the order (and the desk's "channel refused" filter).

Column titles are Korean literals: they are a file format (see modules.spreadsheets.layouts).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.channels.base import COURIER_NAMES_KO, CourierCode
from modules.spreadsheets.cells import ValueType as T
from modules.spreadsheets.importers import ImportContext, ImportCounts, Importer, ImportRow
from modules.spreadsheets.layouts import FieldSpec, normalise_title, register_fields, register_importer, register_kind

from .status import IllegalTransition, OrderState, transition_for

logger = logging.getLogger(__name__)

KIND = "order_list"

# Our states in files (a file format: fixed Korean words, whatever the user's language).
STATE_WORDS = {
    OrderState.PENDING_PAYMENT: "입금대기",
    OrderState.NEW: "신규주문",
    OrderState.ACKNOWLEDGED: "발주확인",
    OrderState.INVOICE_REGISTERED: "송장등록",
    OrderState.INVOICE_SENT: "송장전송",
    OrderState.SHIPPED: "배송중",
    OrderState.DELIVERED: "배송완료",
    OrderState.COMPLETED: "구매확정",
    OrderState.CANCELLED: "취소",
    OrderState.RETURNED: "반품",
    OrderState.EXCHANGED: "교환",
}
# What an upload may ask for, and the action that gets there.
ACTION_FOR_TARGET = {OrderState.ACKNOWLEDGED: "acknowledge", OrderState.CANCELLED: "seller_cancel"}
# Words read in 주문상태 (normalised: no spaces, case-folded): our words, the seed's words, our codes.
_TARGET_WORDS: dict[str, OrderState] = {
    **{normalise_title(word): state for state, word in STATE_WORDS.items()},
    **{normalise_title(state.value): state for state in OrderState},
    normalise_title("판매취소"): OrderState.CANCELLED,
    normalise_title("주문취소"): OrderState.CANCELLED,
    normalise_title("acknowledge"): OrderState.ACKNOWLEDGED,
    normalise_title("seller_cancel"): OrderState.CANCELLED,
    normalise_title("신규"): OrderState.NEW,
}
CANCEL_REASON_WORDS = {
    normalise_title(word): key
    for word, key in [
        ("품절", "sold_out"),
        ("재고부족", "sold_out"),
        ("배송지연", "delay"),
        ("발송지연", "delay"),
        ("상품정보오류", "wrong_info"),
        ("가격오류", "wrong_info"),
        ("기타", "other"),
        ("sold_out", "sold_out"),
        ("delay", "delay"),
        ("wrong_info", "wrong_info"),
        ("other", "other"),
    ]
}
CLAIM_WORDS = {"cancel": "취소", "return": "반품", "exchange": "교환"}
CLAIM_STATE_WORDS = {
    "requested": "요청",
    "in_progress": "처리중",
    "completed": "완료",
    "rejected_by_seller": "거부",
    "withdrawn_by_buyer": "철회",
}


def _local(value):
    return localtime(value).replace(tzinfo=None) if value else None


def _courier(line) -> str:
    if not line.courier:
        return ""
    try:
        return COURIER_NAMES_KO.get(CourierCode(line.courier), line.courier)
    except ValueError:
        return line.courier


def _claim(line) -> str:
    if not line.claim_type:
        return ""
    return CLAIM_WORDS.get(line.claim_type, line.claim_type) + CLAIM_STATE_WORDS.get(line.claim_state, "")


def _address(line) -> str:
    return " ".join(part for part in (line.order.address1, line.order.address2) if part)


def _order(name):
    return lambda line: getattr(line.order, name)


# How each field reads an order line (export). Rows are written as ``OrderListRow``s, whose
# attributes are these fields, so the kind's fields need no getter and other row objects with
# the same attribute names (the engine's tests, another module's rows) export the same way.
ROW_VALUES = {
    "order_id": lambda line: line.order_id,
    "line_id": lambda line: line.pk,
    "store_name": lambda line: line.order.store.name,
    "marketplace": lambda line: line.order.store.get_marketplace_display(),
    "order_no": _order("channel_order_id"),
    "line_no": lambda line: line.channel_line_id,
    "ordered_at": lambda line: _local(line.order.ordered_at),
    "paid_at": lambda line: _local(line.order.paid_at),
    "status": lambda line: STATE_WORDS.get(line.state, line.state),
    "channel_status": lambda line: line.channel_status or line.status,
    "claim": _claim,
    "product_name": lambda line: line.product_name,
    "option_text": lambda line: line.option_name,
    "seller_code": lambda line: line.seller_code,
    "sku_code": lambda line: line.sku.seller_code if line.sku_id else "",
    "quantity": lambda line: line.quantity,
    "unit_price": lambda line: line.unit_price,
    "discount": lambda line: line.discount,
    "amount": lambda line: line.line_amount,
    "shipping_fee": lambda line: line.shipping_fee,
    "order_total": _order("total_amount"),
    "buyer_name": _order("buyer_name"),
    "buyer_phone": _order("buyer_phone"),
    "receiver_name": _order("receiver_name"),
    "receiver_phone": _order("receiver_phone1"),
    "receiver_phone2": _order("receiver_phone2"),
    "zip_code": _order("zip_code"),
    "address": _address,
    "delivery_message": _order("delivery_message"),
    "courier": _courier,
    "tracking_no": lambda line: line.tracking_number,
    "expected_ship_date": lambda line: line.expected_ship_date,
    "delay_reason": lambda line: line.delay_reason,
    "cancel_reason": lambda line: "",
    "cancel_detail": lambda line: "",
}


class OrderListRow:
    """One order line as a row of the order list (attribute = field key)."""

    __slots__ = ("line",)

    def __init__(self, line):
        self.line = line

    def __getattr__(self, key):
        try:
            value_of = ROW_VALUES[key]
        except KeyError:
            raise AttributeError(key) from None
        return value_of(self.line)


def order_list_rows(lines):
    return (OrderListRow(line) for line in lines)


def _fields() -> list[FieldSpec]:
    return [
        FieldSpec("order_id", "주문관리번호", T.INT),
        FieldSpec("line_id", "관리번호", T.INT, help=gettext_lazy("Our line number: identifies the row on upload.")),
        FieldSpec("store_name", "판매처", T.TEXT),
        FieldSpec("marketplace", "마켓", T.TEXT),
        FieldSpec("order_no", "주문번호", T.TEXT),
        FieldSpec("line_no", "주문상세번호", T.TEXT),
        FieldSpec("ordered_at", "주문일시", T.DATETIME),
        FieldSpec("paid_at", "결제일시", T.DATETIME),
        FieldSpec(
            "status",
            "주문상태",
            T.TEXT,
            help=gettext_lazy("On upload: 발주확인 or 판매취소 to act; the current state leaves the row alone."),
        ),
        FieldSpec("channel_status", "채널상태", T.TEXT),
        FieldSpec("claim", "클레임", T.TEXT),
        FieldSpec("product_name", "상품명", T.TEXT),
        FieldSpec("option_text", "옵션", T.TEXT),
        FieldSpec("seller_code", "판매자상품코드", T.TEXT),
        FieldSpec("sku_code", "SKU코드", T.TEXT),
        FieldSpec("quantity", "수량", T.INT),
        FieldSpec("unit_price", "판매단가", T.MONEY),
        FieldSpec("discount", "할인금액", T.MONEY),
        FieldSpec("amount", "결제금액", T.MONEY),
        FieldSpec("shipping_fee", "배송비", T.MONEY),
        FieldSpec("order_total", "주문총액", T.MONEY),
        FieldSpec("buyer_name", "구매자명", T.TEXT, personal=True),
        FieldSpec("buyer_phone", "구매자연락처", T.TEXT, personal=True),
        FieldSpec("receiver_name", "수취인명", T.TEXT, personal=True),
        FieldSpec("receiver_phone", "수취인연락처", T.TEXT, personal=True),
        FieldSpec("receiver_phone2", "수취인연락처2", T.TEXT, personal=True),
        FieldSpec("zip_code", "우편번호", T.TEXT, personal=True),
        FieldSpec("address", "주소", T.TEXT, personal=True),
        FieldSpec("delivery_message", "배송메시지", T.TEXT, personal=True),
        FieldSpec("courier", "택배사", T.TEXT),
        FieldSpec("tracking_no", "송장번호", T.TEXT),
        FieldSpec("expected_ship_date", "출고예정일", T.DATE),
        FieldSpec("delay_reason", "지연사유", T.TEXT),
        FieldSpec(
            "cancel_reason",
            "취소사유",
            T.TEXT,
            help=gettext_lazy("For 판매취소: 품절, 배송지연, 상품정보오류 or 기타."),
        ),
        FieldSpec("cancel_detail", "취소상세", T.TEXT),
    ]


# Upload ---------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


class OrderStatusImporter(Importer):
    """Changes line states (발주확인 / 판매취소) by upload; creates and edits nothing else."""

    chunk_size = 500

    # Finding the rows' lines -------------------------------------------------------------------

    def _lines(self, rows: list[dict[str, Any]]):
        from .models import OrderLine

        pks = {row.get("line_id") for row in rows if isinstance(row.get("line_id"), int)}
        numbers = {
            _text(row.get("line_no")) for row in rows if row.get("line_id") is None and _text(row.get("line_no"))
        }
        queryset = OrderLine.objects.select_related("order", "store").order_by()
        by_pk = {line.pk: line for line in queryset.filter(pk__in=pks)} if pks else {}
        by_number: dict[str, list] = defaultdict(list)
        if numbers:
            for line in queryset.filter(channel_line_id__in=numbers):
                by_number[line.channel_line_id].append(line)
        return by_pk, by_number

    def _resolve(self, values, by_pk, by_number):
        if values.get("line_id") is not None:
            line = by_pk.get(values["line_id"])
            if line is None:
                return None, ("line_id", _("No order line has this number."))
            return line, None
        number = _text(values.get("line_no"))
        if not number:
            return None, ("line_id", _("Give the line's 관리번호 or 주문상세번호."))
        candidates = by_number.get(number, [])
        store_name = _text(values.get("store_name"))
        if store_name:
            candidates = [line for line in candidates if line.store.name == store_name]
        if not candidates:
            return None, ("line_no", _("No order line has this channel line number."))
        if len(candidates) > 1:
            return None, ("line_no", _("Several stores have a line with this number: add the 판매처 column."))
        return candidates[0], None

    # What a row asks for --------------------------------------------------------------------------

    def _plan(self, line, values) -> tuple[tuple | None, list[tuple[str, str]]]:
        """(action, params) for the row, or None when it leaves the line alone; or its errors."""
        from .actions import DELAY_REASON_AFTER_DAYS, open_claim_reason

        if "status" not in values:
            return None, [("line_id", _("The file has no 주문상태 column: nothing to change."))]
        word = values.get("status")
        if word is None:
            return None, []
        target = _TARGET_WORDS.get(normalise_title(word))
        if target is None:
            return None, [("status", _("Unknown state “%(word)s”: write 발주확인 or 판매취소.") % {"word": word})]
        if target == line.state:
            return None, []
        action = ACTION_FOR_TARGET.get(target)
        if action is None:
            return None, [
                (
                    "status",
                    _("“%(word)s” cannot be set by upload: only 발주확인 and 판매취소 can.") % {"word": word},
                )
            ]
        try:
            transition_for(action, line.state)
        except IllegalTransition as exc:
            return None, [("status", str(exc))]
        if action == "acknowledge":
            reason = open_claim_reason(line)
            if reason:
                return None, [("status", reason)]
            ship = values.get("expected_ship_date")
            delay = _text(values.get("delay_reason"))
            if isinstance(ship, date):
                days = (ship - timezone.localdate()).days
                if days < 0:
                    return None, [("expected_ship_date", _("The expected ship date has passed."))]
                if days > DELAY_REASON_AFTER_DAYS and not delay:
                    return None, [
                        ("delay_reason", _("Ship date more than 3 days away: enter the reason for the delay."))
                    ]
            return ("acknowledge", ship if isinstance(ship, date) else None, delay), []
        reason_word = _text(values.get("cancel_reason"))
        reason = CANCEL_REASON_WORDS.get(normalise_title(reason_word)) if reason_word else None
        if reason is None:
            return None, [
                (
                    "cancel_reason" if "cancel_reason" in values else "status",
                    _("판매취소 needs a 취소사유: 품절, 배송지연, 상품정보오류 or 기타."),
                )
            ]
        return ("seller_cancel", reason, _text(values.get("cancel_detail"))), []

    # Importer interface ---------------------------------------------------------------------------

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext):
        by_pk, by_number = self._lines([row.values for row in rows])
        errors: dict[int, list[tuple[str, str]]] = {}
        seen: dict[int, int] = {}
        for row in rows:
            line, problem = self._resolve(row.values, by_pk, by_number)
            if problem:
                errors[row.number] = [problem]
                continue
            if line.pk in seen:
                errors[row.number] = [("line_id", _("The same line as row %(row)d.") % {"row": seen[line.pk]})]
                continue
            seen[line.pk] = row.number
            _plan, problems = self._plan(line, row.values)
            if problems:
                errors[row.number] = problems
        return errors

    def preview(self, values, *, context):
        by_pk, by_number = self._lines(values)
        counts = ImportCounts()
        for row in values:
            line, _problem = self._resolve(row, by_pk, by_number)
            plan = self._plan(line, row)[0] if line is not None else None
            if plan is None:
                counts.unchanged += 1
            else:
                counts.updated += 1
        return counts

    def apply(self, values, *, context):
        by_pk, by_number = self._lines(values)
        counts = ImportCounts()
        batches: dict[tuple, list[int]] = defaultdict(list)
        for row in values:
            line, _problem = self._resolve(row, by_pk, by_number)
            plan = self._plan(line, row)[0] if line is not None else None
            if plan is None:
                counts.unchanged += 1
                continue
            batches[plan].append(line.pk)
            counts.updated += 1
        if batches:
            user_id = getattr(context.user, "pk", None)
            planned = dict(batches)
            # After the upload commits: see the module docstring.
            transaction.on_commit(lambda: run_planned_actions(planned, user_id=user_id))
        return counts


def run_planned_actions(batches: dict[tuple, list[int]], *, user_id: int | None) -> list:
    """Run the actions an upload asked for, one service call per (action, parameters)."""
    from django.contrib.auth import get_user_model

    from .actions import order_acknowledge, order_seller_cancel
    from .models import OrderLine

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    results = []
    for plan, line_ids in batches.items():
        lines = list(OrderLine.objects.filter(pk__in=line_ids).select_related("order", "store").order_by("id"))
        try:
            if plan[0] == "acknowledge":
                results += order_acknowledge(lines=lines, user=user, expected_ship_date=plan[1], delay_reason=plan[2])
            else:
                results += order_seller_cancel(lines=lines, reason=plan[1], detail=plan[2], user=user)
        except Exception:  # one batch failing must not stop the others; its lines stay as they were
            logger.exception("order status upload: %s of %s lines failed", plan[0], len(lines))
    return results


def register() -> None:
    register_kind(KIND, label=gettext_lazy("Order list"), area="orders", key_fields=("order_no", "line_no"))
    register_fields(KIND, _fields(), replace=True)
    register_importer(KIND, OrderStatusImporter())
