"""Order actions: every move of the status machine a person (or the API) makes, pushed to the channel.

Each action validates the move with ``status.transition_for``, calls the store's adapter in the
channel's batch sizes, moves only the lines the channel accepted, records the channel's answer on
each line (code, message) and writes an OrderEvent per line, and returns one result per line, so the
desk can show "12 confirmed, 1 refused: <the channel's message>".
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.channels.base import Capability, ChannelError, ItemResult, LineRef, NotSupported

from .models import Order, OrderEvent, OrderLine
from .services import RECEIVER_FIELDS, event_add, event_build, orders_refresh_summary
from .status import IllegalTransition, OrderState, transition_for

logger = logging.getLogger(__name__)

DELAY_REASON_AFTER_DAYS = 3  # an expected ship date further out needs a delay reason (seed 001)


@dataclass
class LineResult:
    line_id: int
    order_id: int
    ok: bool
    code: str = ""
    message: str = ""


def _adapter_for(store):
    from modules.channels.adapters import adapter_for_store

    return adapter_for_store(store)


def line_ref(line: OrderLine) -> LineRef:
    return LineRef(
        order_id=line.order.channel_order_id, line_id=line.channel_line_id, shipment_id=line.shipment_id, ref=line.ref
    )


def open_claim_reason(line: OrderLine) -> str:
    """Why a line may not go on (claim gate): an open cancel or return request on it."""
    if line.claim_type in ("cancel", "return") and line.claim_state in ("requested", "in_progress"):
        label = _("cancel") if line.claim_type == "cancel" else _("return")
        return _("The buyer asked to %(claim)s this line; settle the claim first.") % {"claim": label}
    return ""


# After a push the channel accepted, the channel's state we now know of (so that a later collect
# reporting an older state is seen as a change, and judged by the machine, not skipped as unchanged).
CHANNEL_STATE_AFTER = {
    OrderState.ACKNOWLEDGED: "acknowledged",
    OrderState.INVOICE_SENT: "shipped",
    OrderState.CANCELLED: "cancelled",
}


def _move(line: OrderLine, target: str, *, kind: str, user, source: str, payload: dict | None = None) -> OrderEvent:
    """Move one line in memory; the caller saves the lines and bulk-creates the returned events."""
    old = line.state
    line.state = target
    line.state_changed_at = timezone.now()
    if target in CHANNEL_STATE_AFTER:
        line.status = CHANNEL_STATE_AFTER[target]
        line.content_hash = ""
    return event_build(
        order_id=line.order_id,
        line_id=line.pk,
        kind=kind,
        old=old,
        new=target,
        source=source,
        user=user,
        payload=payload,
    )


def _push_batched(
    *,
    lines: list[OrderLine],
    capability: Capability,
    call: Callable[[object, list[OrderLine]], list[ItemResult]],
    adapter_factory=None,
) -> dict[int, ItemResult]:
    """Call the channel for each store's lines in its batch size; the result per line id."""
    results: dict[int, ItemResult] = {}
    by_store: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_store[line.store_id].append(line)
    for store_lines in by_store.values():
        store = store_lines[0].store
        adapter = (adapter_factory or _adapter_for)(store)
        try:
            if not adapter.supports(capability):
                raise NotSupported(_("This channel does not take this action through its API."))
            size = adapter.batch_sizes.get(capability, 50) or 50
            for batch in _batches_by_shipment(store_lines, size):
                try:
                    answers = call(adapter, batch)
                except NotSupported:
                    raise
                except ChannelError as exc:
                    answers = [
                        ItemResult(key=line.channel_line_id, ok=False, code=exc.code or "", message=str(exc))
                        for line in batch
                    ]
                except Exception as exc:  # a bug or an unforeseen answer: the batches already pushed
                    # must still be recorded by the caller, so this batch fails alone, on record.
                    logger.exception("channel call failed for store %s", store.pk)
                    answers = [
                        ItemResult(key=line.channel_line_id, ok=False, code="error", message=str(exc)[:300])
                        for line in batch
                    ]
                by_key = {answer.key: answer for answer in answers}
                for line in batch:
                    answer = by_key.get(line.channel_line_id) or by_key.get(line.shipment_id)
                    if answer is None and len(answers) == len(batch):
                        answer = answers[batch.index(line)]
                    results[line.pk] = answer or ItemResult(
                        key=line.channel_line_id,
                        ok=False,
                        code="no_answer",
                        message=_("The channel did not answer for this line."),
                    )
        except NotSupported as exc:
            for line in store_lines:
                results[line.pk] = ItemResult(
                    key=line.channel_line_id, ok=False, code="not_supported", message=str(exc)
                )
        finally:
            adapter.close()
    return results


def _batches_by_shipment(lines: list[OrderLine], size: int) -> list[list[OrderLine]]:
    """Batches of at most ``size`` lines that never split the lines of one channel shipment (Coupang's
    box, 11번가's dlvNo) over two calls where they fit in one: channels that ship a whole shipment
    per call answer "already shipped" to the second half."""
    groups: dict[str, list[OrderLine]] = {}
    for line in lines:
        groups.setdefault(line.shipment_id or f"line:{line.pk}", []).append(line)
    batches: list[list[OrderLine]] = []
    current: list[OrderLine] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            batches.append(current)
            current = []
        while len(group) > size:  # a shipment larger than one call: its own batches
            batches.append(group[:size])
            group = group[size:]
        current.extend(group)
    if current:
        batches.append(current)
    return batches


def _record_answer(line: OrderLine, answer: ItemResult) -> None:
    line.push_code = (answer.code or ("OK" if answer.ok else ""))[:60]
    line.push_message = (answer.message or "")[:500]
    line.pushed_at = timezone.now()


def _apply_answers(
    *,
    ready: list[OrderLine],
    answers: dict[int, ItemResult],
    action: str,
    target: str,
    user,
    source: str,
    payload: dict,
    results: list[LineResult],
    on_success: Callable[[OrderLine], None] | None = None,
) -> None:
    """Store the channel's answer on each line; move the accepted ones (an event each), record the
    refused ones as push_failed; one bulk insert of events."""
    events = []
    for line in ready:
        answer = answers[line.pk]
        _record_answer(line, answer)
        if answer.ok:
            events.append(_move(line, target, kind=action, user=user, source=source, payload=payload))
            if on_success is not None:
                on_success(line)
        else:
            events.append(
                event_build(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="push_failed",
                    message=answer.message,
                    source=source,
                    user=user,
                    payload={"action": action, "code": answer.code},
                )
            )
        results.append(LineResult(line.pk, line.order_id, answer.ok, answer.code, answer.message))
    OrderEvent.objects.bulk_create(events)


def _checked(lines: Iterable[OrderLine], action: str, results: list[LineResult], *, gate: bool) -> list[OrderLine]:
    ready = []
    for line in lines:
        try:
            transition_for(action, line.state)
        except IllegalTransition as exc:
            results.append(LineResult(line.pk, line.order_id, False, "illegal", str(exc)))
            continue
        reason = open_claim_reason(line) if gate else ""
        if reason:
            results.append(LineResult(line.pk, line.order_id, False, "claim_open", reason))
            continue
        ready.append(line)
    return ready


def order_acknowledge(
    *,
    lines: list[OrderLine],
    user=None,
    expected_ship_date: date | None = None,
    delay_reason: str = "",
    source: str = OrderEvent.Source.USER,
    adapter_factory=None,
) -> list[LineResult]:
    """발주확인: confirm new lines at the channel; a ship date more than 3 days out needs a reason."""
    if expected_ship_date is not None:
        days = (expected_ship_date - timezone.localdate()).days
        if days < 0:
            raise ValidationError({"expected_ship_date": _("The expected ship date has passed.")})
        if days > DELAY_REASON_AFTER_DAYS and not delay_reason.strip():
            raise ValidationError(
                {"delay_reason": _("Ship date more than 3 days away: enter the reason for the delay.")}
            )
    results: list[LineResult] = []
    lines = list(lines)
    ready = _checked(lines, "acknowledge", results, gate=True)
    answers = _push_batched(
        lines=ready,
        capability=Capability.ACKNOWLEDGE,
        call=lambda adapter, batch: adapter.acknowledge([line_ref(line) for line in batch]),
        adapter_factory=adapter_factory,
    )

    def remember_date(line: OrderLine) -> None:
        if expected_ship_date:
            line.expected_ship_date = expected_ship_date
        line.delay_reason = delay_reason.strip()[:200]

    with transaction.atomic():
        _apply_answers(
            ready=ready,
            answers=answers,
            action="acknowledge",
            target=OrderState.ACKNOWLEDGED,
            user=user,
            source=source,
            payload={"expected_ship_date": str(expected_ship_date or ""), "delay_reason": delay_reason},
            results=results,
            on_success=remember_date,
        )
        OrderLine.objects.bulk_update(
            ready,
            ["state", "state_changed_at", "status", "content_hash", "expected_ship_date", "delay_reason"]
            + ["push_code", "push_message", "pushed_at"],
        )
        orders_refresh_summary(order_ids={line.order_id for line in lines})
    return results


SELLER_CANCEL_REASONS = {
    "sold_out": _("Sold out"),
    "delay": _("Shipping delayed"),
    "wrong_info": _("Wrong product or price information"),
    "other": _("Other"),
}


def order_seller_cancel(
    *,
    lines: list[OrderLine],
    reason: str,
    detail: str = "",
    user=None,
    source: str = OrderEvent.Source.USER,
    adapter_factory=None,
) -> list[LineResult]:
    """판매취소: cancel lines at the channel (sold out, delay …) and close them here."""
    if reason not in SELLER_CANCEL_REASONS:
        raise ValidationError({"reason": _("Choose a cancel reason.")})
    results: list[LineResult] = []
    ready = _checked(lines, "seller_cancel", results, gate=False)

    def call(adapter, batch):
        out = []
        for line in batch:
            try:
                out.append(
                    adapter.cancel_by_seller(line_ref(line), reason=reason, detail=detail, quantity=line.quantity)
                )
            except NotSupported:
                raise
            except ChannelError as exc:
                out.append(ItemResult(key=line.channel_line_id, ok=False, code=exc.code or "", message=str(exc)))
        return out

    answers = _push_batched(
        lines=ready, capability=Capability.SELLER_CANCEL, call=call, adapter_factory=adapter_factory
    )
    with transaction.atomic():
        _apply_answers(
            ready=ready,
            answers=answers,
            action="seller_cancel",
            target=OrderState.CANCELLED,
            user=user,
            source=source,
            payload={"reason": reason, "detail": detail},
            results=results,
        )
        OrderLine.objects.bulk_update(
            ready, ["state", "state_changed_at", "status", "content_hash", "push_code", "push_message", "pushed_at"]
        )
        orders_refresh_summary(order_ids={line.order_id for line in lines})
        # Cancelled lines leave their parcel now, not at the next collection.
        from .bundles import bundles_assign

        bundles_assign(line_ids=[line.pk for line in ready if line.state == OrderState.CANCELLED])
        # What the cancelled lines had reserved is free again.
        from modules.inventory.services import lines_stock_follow

        lines_stock_follow(line_ids=[line.pk for line in ready], user=user)
    return results


def order_receiver_update(
    *, order: Order, values: dict[str, str], user=None, source: str = OrderEvent.Source.USER
) -> list[str]:
    """Edit the receiver; each changed field is an event with old -> new. None of our channels take
    an address change from the seller through their API, so the change is ours (kept on re-collect)
    and the event says it was not sent."""
    changed = []
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        for name in RECEIVER_FIELDS + ("delivery_message",):
            if name not in values:
                continue
            new = (values[name] or "").strip()
            old = getattr(order, name)
            if new != old:
                setattr(order, name, new)
                changed.append(name)
                event_add(
                    order_id=order.pk,
                    kind="receiver_edit",
                    old=old,
                    new=new,
                    source=source,
                    user=user,
                    payload={"field": name, "pushed": False},
                )
        if changed:
            order.receiver_edited_at = timezone.now()
            order.save(update_fields=[*changed, "receiver_edited_at", "updated_at"])
            # A new receiver or address puts the order's open lines with that receiver's parcel.
            from .bundles import bundles_assign

            bundles_assign(order_ids=[order.pk])
    return changed


def line_match(*, line: OrderLine, sku, user=None, remember: bool = True) -> int:
    """Map an unmatched line to a SKU by hand; with ``remember`` the channel option is mapped on the
    store's listing (created unlinked when missing), so the next orders match by themselves, and the
    other waiting lines of the same option are matched now. Returns how many lines were matched."""
    from modules.channels.models import Listing, ListingOption

    with transaction.atomic():
        lines = [line]
        if remember and line.channel_option_id:
            listing, _created = Listing.objects.get_or_create(
                store=line.store,
                channel_product_id=line.channel_product_id or line.channel_option_id,
                defaults={"name": line.product_name[:100], "state": Listing.State.ON_SALE},
            )
            option = ListingOption.objects.filter(listing=listing, channel_option_id=line.channel_option_id).first()
            if option is None:
                option = ListingOption(listing=listing, channel_option_id=line.channel_option_id)
            option.sku = sku
            option.option_text = option.option_text or line.option_name[:255]
            option.channel_seller_code = option.channel_seller_code or line.seller_code[:100]
            option.save()
            lines = list(
                OrderLine.objects.filter(
                    store=line.store, channel_option_id=line.channel_option_id, sku__isnull=True
                ).exclude(pk=line.pk)
            ) + [line]
        for item in lines:
            item.sku = sku
            item.match_source = "manual"
        OrderEvent.objects.bulk_create(
            [
                event_build(
                    order_id=item.order_id,
                    line_id=item.pk,
                    kind="sku_match",
                    new=sku.seller_code,
                    source=OrderEvent.Source.USER,
                    user=user,
                    payload={"remembered": remember},
                )
                for item in lines
            ]
        )
        OrderLine.objects.bulk_update(lines, ["sku", "match_source"])
        # Matched lines reserve their SKU now.
        from modules.inventory.services import lines_stock_follow

        lines_stock_follow(line_ids=[item.pk for item in lines], user=user)
    return len(lines)
