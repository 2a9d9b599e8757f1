"""Shipping writes: shipments for bundles, invoice registration (one, bulk, Excel), invoice send to
the channels, force complete, correction after sending, and new numbers from a contract's band.

The unit a person works on is the shipment (one parcel = one bundle); the unit the channels take
is the order line (or Coupang's shipment box). Registration writes the courier and tracking number
on every shippable line of the bundle and moves them with the status machine's
``register_invoice``; sending pushes them through the adapters in each channel's batch size
(``orders.actions._push_batched``) after the claim gate, moves the accepted lines to
``invoice_sent`` and keeps the channel's answer on each line and, summarised, on the shipment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.channels.base import COURIER_NAMES_KO, Capability, CourierCode, InvoiceUpload
from integrations.couriers import tracking
from modules.inventory.services import lines_stock_follow
from modules.orders.actions import _apply_answers, _push_batched, _record_answer, line_ref, open_claim_reason
from modules.orders.bundles import receiver_digest, receiver_of_order
from modules.orders.models import Bundle, OrderEvent, OrderLine
from modules.orders.services import event_build, orders_refresh_summary
from modules.orders.status import OrderState, transition_for

from .models import CourierContract, Shipment, ShipmentNumber, ShipmentState, Warehouse

REUSE_DAYS = 183  # a tracking number may not go to another receiver within 6 months
# Lines a registration takes: confirmed (발주확인) and not sent yet.
REGISTRABLE = frozenset({OrderState.ACKNOWLEDGED, OrderState.INVOICE_REGISTERED})
SENT_LINE_STATES = frozenset({OrderState.INVOICE_SENT, OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED})


@dataclass
class ShipmentResult:
    """One shipment's outcome of an action, with the channel's code and message where it answered."""

    shipment_id: int | None
    bundle_id: int | None
    ok: bool
    code: str = ""
    message: str = ""
    lines: list = field(default_factory=list)  # orders.actions.LineResult of the lines pushed


def courier_name(code: str) -> str:
    try:
        return COURIER_NAMES_KO[CourierCode(code)]
    except (ValueError, KeyError):
        return code


# Shipments ------------------------------------------------------------------------------------------


def main_warehouse() -> Warehouse | None:
    return Warehouse.objects.filter(active=True).order_by("-is_main", "pk").select_related("default_contract").first()


def shipments_for_bundles(*, bundle_ids: Iterable[int]) -> dict[int, Shipment]:
    """The shipment of each bundle, created where missing (from the main warehouse, with its default
    contract's courier). Three queries whatever the count."""
    bundle_ids = sorted(set(bundle_ids))
    found = {s.bundle_id: s for s in Shipment.objects.filter(bundle_id__in=bundle_ids)}
    missing = [pk for pk in bundle_ids if pk not in found]
    if missing:
        existing = set(Bundle.objects.filter(pk__in=missing).values_list("pk", flat=True))
        warehouse = main_warehouse()
        contract = warehouse.default_contract if warehouse else None
        Shipment.objects.bulk_create(
            [
                Shipment(
                    bundle_id=pk,
                    warehouse=warehouse,
                    contract=contract,
                    courier=contract.courier if contract else "",
                )
                for pk in missing
                if pk in existing
            ],
            ignore_conflicts=True,  # two people opening the same bundle at once
        )
        found.update({s.bundle_id: s for s in Shipment.objects.filter(bundle_id__in=missing)})
    return found


def _lines_by_shipment(shipments: Sequence[Shipment], *, lock: bool = False) -> dict[int, list[OrderLine]]:
    bundle_to_shipment = {s.bundle_id: s.pk for s in shipments if s.bundle_id}
    lines = OrderLine.objects.filter(bundle_id__in=list(bundle_to_shipment)).select_related("order", "store")
    if lock:
        lines = lines.select_for_update(of=("self",))
    grouped: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines.order_by("order_id", "id"):
        grouped[bundle_to_shipment[line.bundle_id]].append(line)
    return grouped


def _digest(lines: list[OrderLine]) -> str:
    return receiver_digest(receiver_of_order(lines[0].order)) if lines else ""


# Registration ---------------------------------------------------------------------------------------


def tracking_problem(*, courier: str, number: str) -> str:
    """The courier's rule a number breaks (named in the message), or ""."""
    try:
        code = CourierCode(courier)
    except ValueError:
        return _("Unknown courier: %(courier)s") % {"courier": courier}
    problem = tracking.check(code, number)
    return problem.message if problem else ""


def reuse_problem(*, courier: str, number: str, digest: str, shipment_id: int | None) -> str:
    """A number given to another receiver within 6 months is refused; the same receiver and address
    may get it again (a re-sent parcel)."""
    since = timezone.now() - timedelta(days=REUSE_DAYS)
    used = (
        ShipmentNumber.objects.filter(courier=courier, tracking_number=number, registered_at__gte=since)
        .exclude(shipment_id=shipment_id)
        .order_by("-registered_at")
        .values_list("shipment_id", "receiver_digest", "registered_at")
        .first()
    )
    if used is None:
        return ""
    other, other_digest, when = used
    if digest and other_digest == digest:
        return ""
    return _(
        "Tracking number %(number)s was used on %(date)s for another receiver (shipment S%(shipment)s); "
        "a number may be reused only after 6 months or for the same receiver and address."
    ) % {"number": number, "date": timezone.localtime(when).date().isoformat(), "shipment": other}


def _register(
    *,
    shipment: Shipment,
    lines: list[OrderLine],
    courier: str,
    number: str,
    user,
    source: str,
    box_size: str = "",
    events: list[OrderEvent],
    numbers: list[ShipmentNumber],
) -> ShipmentResult:
    """Validate and apply one registration in memory; the caller writes lines, events and numbers."""
    result = ShipmentResult(shipment.pk, shipment.bundle_id, False)
    number = tracking.normalize(number or "")
    if not number:
        result.code, result.message = "required", _("Enter the tracking number.")
        return result
    problem = tracking_problem(courier=courier, number=number)
    if problem:
        result.code, result.message = "invalid_number", problem
        return result
    if not lines:
        result.code, result.message = "no_lines", _("This shipment has no order lines.")
        return result
    digest = _digest(lines)
    problem = reuse_problem(courier=courier, number=number, digest=digest, shipment_id=shipment.pk)
    if problem:
        result.code, result.message = "number_used", problem
        return result
    if any(line.state in SENT_LINE_STATES for line in lines):
        result.code = "already_sent"
        result.message = _("The invoice was already sent; correct it instead.")
        return result
    ready = [line for line in lines if line.state in REGISTRABLE]
    if not ready:
        waiting = any(line.state == OrderState.NEW for line in lines)
        result.code = "not_confirmed" if waiting else "nothing_to_ship"
        result.message = (
            _("Confirm the order (발주확인) before registering its invoice.")
            if waiting
            else _("No line of this shipment can be shipped.")
        )
        return result
    claimed = [line for line in ready if open_claim_reason(line)]
    if claimed:
        result.code, result.message = "claim_open", open_claim_reason(claimed[0])
        return result
    now = timezone.now()
    old = f"{courier_name(shipment.courier)} {shipment.tracking_number}".strip() if shipment.tracking_number else ""
    new = f"{courier_name(courier)} {number}"
    for line in ready:
        transition_for("register_invoice", line.state)
        events.append(
            event_build(
                order_id=line.order_id,
                line_id=line.pk,
                kind="register_invoice",
                old=old or line.state,
                new=new,
                source=OrderEvent.Source.USER if source != ShipmentNumber.Source.API else OrderEvent.Source.API,
                user=user,
                payload={"shipment_id": shipment.pk, "courier": courier, "tracking_number": number, "via": source},
            )
        )
        line.state = OrderState.INVOICE_REGISTERED
        line.state_changed_at = now
        line.courier = courier
        line.tracking_number = number
    if shipment.tracking_number != number or shipment.courier != courier:
        numbers.append(
            ShipmentNumber(
                shipment=shipment,
                courier=courier,
                tracking_number=number,
                receiver_digest=digest,
                source=source,
                user=user if getattr(user, "is_authenticated", False) else None,
            )
        )
    shipment.courier, shipment.tracking_number, shipment.receiver_digest = courier, number, digest
    if box_size:
        shipment.box_size = box_size
    shipment.state = ShipmentState.REGISTERED
    shipment.registered_at = now
    shipment.send_code = shipment.send_message = ""
    result.ok = True
    result.lines = ready
    return result


def invoices_register(
    *,
    entries: Sequence[tuple[Shipment, str, str]],
    user=None,
    source: str = ShipmentNumber.Source.MANUAL,
    box_size: str = "",
) -> list[ShipmentResult]:
    """Register (shipment, courier, tracking number) entries: each checked on its own (courier rule,
    6-month reuse, confirmed lines, open claims); the valid ones written in one transaction.
    The same number twice in one batch is refused for the second shipment."""
    results: list[ShipmentResult] = []
    with transaction.atomic():
        shipments = [entry[0] for entry in entries]
        locked = {s.pk: s for s in Shipment.objects.select_for_update().filter(pk__in=[s.pk for s in shipments])}
        lines_of = _lines_by_shipment(list(locked.values()), lock=True)
        events: list[OrderEvent] = []
        numbers: list[ShipmentNumber] = []
        seen: dict[tuple[str, str], str] = {}
        changed_lines: list[OrderLine] = []
        changed_shipments: list[Shipment] = []
        for shipment, courier, number in entries:
            current = locked.get(shipment.pk)
            if current is None:
                results.append(
                    ShipmentResult(shipment.pk, shipment.bundle_id, False, "missing", _("No such shipment."))
                )
                continue
            lines = lines_of.get(current.pk, [])
            key = (courier, tracking.normalize(number or ""))
            digest = _digest(lines)
            if key[1] and key in seen and seen[key] != digest:
                results.append(
                    ShipmentResult(
                        current.pk,
                        current.bundle_id,
                        False,
                        "number_twice",
                        _("Tracking number %(number)s is given to two receivers in this batch.") % {"number": key[1]},
                    )
                )
                continue
            result = _register(
                shipment=current,
                lines=lines,
                courier=courier,
                number=number,
                user=user,
                source=source,
                box_size=box_size,
                events=events,
                numbers=numbers,
            )
            if result.ok:
                seen[key] = digest
                changed_lines.extend(result.lines)
                changed_shipments.append(current)
            results.append(result)
        if changed_shipments:
            ShipmentNumber.objects.filter(shipment__in=changed_shipments, replaced_at__isnull=True).update(
                replaced_at=timezone.now()
            )
            ShipmentNumber.objects.bulk_create(numbers)
            Shipment.objects.bulk_update(
                changed_shipments,
                ["courier", "tracking_number", "receiver_digest", "box_size", "state", "registered_at"]
                + ["send_code", "send_message", "updated_at"],
            )
            OrderLine.objects.bulk_update(changed_lines, ["state", "state_changed_at", "courier", "tracking_number"])
            OrderEvent.objects.bulk_create(events)
            orders_refresh_summary(order_ids={line.order_id for line in changed_lines})
            lines_stock_follow(line_ids=[line.pk for line in changed_lines], user=user)
    for result in results:
        result.lines = []
    return results


def invoice_register(
    *, shipment: Shipment, courier: str, tracking_number: str, user=None, box_size: str = "", source=None
) -> ShipmentResult:
    """One shipment's invoice (송장 개별 등록); raises ValidationError with the reason when refused."""
    (result,) = invoices_register(
        entries=[(shipment, courier, tracking_number)],
        user=user,
        box_size=box_size,
        source=source or ShipmentNumber.Source.MANUAL,
    )
    if not result.ok:
        raise ValidationError({"tracking_number": result.message})
    return result


def parse_number_list(text: str) -> list[str]:
    """Numbers pasted from a spreadsheet column or a scanner: one per line (commas and tabs too)."""
    parts = []
    for chunk in (text or "").replace(",", "\n").replace("\t", "\n").splitlines():
        chunk = chunk.strip()
        if chunk:
            parts.append(chunk)
    return parts


def invoices_register_bulk(
    *, shipments: Sequence[Shipment], courier: str, numbers: Sequence[str], user=None
) -> list[ShipmentResult]:
    """One courier for the selection, numbers in the order of the shipments (송장 일괄 등록)."""
    if courier not in CourierCode._value2member_map_:
        raise ValidationError({"courier": _("Choose a courier.")})
    numbers = list(numbers)
    if len(numbers) != len(shipments):
        raise ValidationError(
            {
                "numbers": _("%(numbers)s numbers for %(shipments)s shipments: give one number per shipment, in order.")
                % {"numbers": len(numbers), "shipments": len(shipments)}
            }
        )
    return invoices_register(
        entries=list(zip(shipments, [courier] * len(numbers), numbers, strict=True)),
        user=user,
        source=ShipmentNumber.Source.BULK,
    )


# Number band ----------------------------------------------------------------------------------------


def contract_take_numbers(*, contract: CourierContract, count: int) -> list[str]:
    """``count`` new numbers from the contract's band (body + the courier's check digit), the band's
    cursor moved under a row lock so two printers never get the same number."""
    if count <= 0:
        return []
    with transaction.atomic():
        contract = CourierContract.objects.select_for_update().get(pk=contract.pk)
        if not contract.number_from:
            raise ValidationError(
                _("The contract “%(contract)s” has no number band: enter numbers by hand or by Excel.")
                % {"contract": contract.name}
            )
        width = len(contract.number_from)
        start = int(contract.number_next or contract.number_from)
        end = int(contract.number_to)
        if start + count - 1 > end:
            raise ValidationError(
                _("The number band of “%(contract)s” has %(left)s numbers left; %(count)s asked.")
                % {"contract": contract.name, "left": max(0, end - start + 1), "count": count}
            )
        code = CourierCode(contract.courier)
        numbers = [tracking.compose(code, str(body).zfill(width)) for body in range(start, start + count)]
        contract.number_next = str(start + count).zfill(width)
        contract.save(update_fields=["number_next"])
    return numbers


def shipments_new_numbers(*, shipments: Sequence[Shipment], user=None) -> list[ShipmentResult]:
    """New numbers from each shipment's contract band, registered like typed ones (source "band");
    used by label printing for shipments without a number and by a reprint that asks for new ones."""
    results: list[ShipmentResult] = []
    by_contract: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        if shipment.contract_id is None:
            results.append(
                ShipmentResult(
                    shipment.pk,
                    shipment.bundle_id,
                    False,
                    "no_contract",
                    _("No courier contract on this shipment to take a number from."),
                )
            )
            continue
        by_contract[shipment.contract_id].append(shipment)
    contracts = CourierContract.objects.in_bulk(list(by_contract))
    for contract_id, group in by_contract.items():
        contract = contracts[contract_id]
        try:
            numbers = contract_take_numbers(contract=contract, count=len(group))
        except ValidationError as exc:
            results.extend(ShipmentResult(s.pk, s.bundle_id, False, "band", " ".join(exc.messages)) for s in group)
            continue
        results.extend(
            invoices_register(
                entries=[(s, contract.courier, n) for s, n in zip(group, numbers, strict=True)],
                user=user,
                source=ShipmentNumber.Source.BAND,
            )
        )
    return results


# Sending --------------------------------------------------------------------------------------------


def _summarise(shipment: Shipment, lines: list[OrderLine], failures: list) -> None:
    """The shipment's state from its lines after a send: all out, some out, or refused."""
    live = [line for line in lines if line.state not in (OrderState.CANCELLED, OrderState.RETURNED)]
    sent = [line for line in live if line.state in SENT_LINE_STATES]
    if live and len(sent) == len(live):
        shipment.state = ShipmentState.SENT
        shipment.sent_at = shipment.sent_at or timezone.now()
        shipment.send_code, shipment.send_message = "OK", ""
    elif sent:
        shipment.state = ShipmentState.PARTLY_SENT
    elif failures:
        shipment.state = ShipmentState.FAILED
    if failures:
        shipment.send_code = (failures[0].code or "")[:60]
        shipment.send_message = (failures[0].message or "")[:500]


def invoices_send(
    *,
    shipments: Sequence[Shipment],
    user=None,
    adapter_factory=None,
    source: str = OrderEvent.Source.USER,
) -> list[ShipmentResult]:
    """송장 송신: push the registered invoices of the shipments to their channels.

    The claim gate runs first (claims re-pulled where older than 5 minutes): a line with an open
    cancel or return is not sent and its shipment says why. Each store's lines go in the channel's
    batch size; a line moves to ``invoice_sent`` only when its channel accepted it, and the
    channel's code and message are kept on the line and on the shipment."""
    from modules.orders.claims import claims_gate

    shipments = list(shipments)
    lines_of = _lines_by_shipment(shipments)
    to_send: list[OrderLine] = []
    results: dict[int, ShipmentResult] = {}
    for shipment in shipments:
        result = results[shipment.pk] = ShipmentResult(shipment.pk, shipment.bundle_id, False)
        registered = [
            line
            for line in lines_of.get(shipment.pk, [])
            if line.state == OrderState.INVOICE_REGISTERED and line.tracking_number and line.courier
        ]
        if not registered:
            sent = any(line.state in SENT_LINE_STATES for line in lines_of.get(shipment.pk, []))
            result.ok = sent
            result.code = "already_sent" if sent else "not_registered"
            result.message = _("Already sent.") if sent else _("Register the invoice first.")
            continue
        to_send.extend(registered)
    gate = claims_gate(lines=to_send, adapter_factory=adapter_factory, user=user, record_as="send_invoice")
    blocked_shipments = set()
    ready = []
    shipment_of_line = {line.pk: sid for sid, lines in lines_of.items() for line in lines}
    for line in to_send:
        if line.pk in gate.blocked:
            blocked_shipments.add(shipment_of_line[line.pk])
            result = results[shipment_of_line[line.pk]]
            result.code, result.message = "claim_open", gate.blocked[line.pk]
        else:
            ready.append(line)
    # A parcel goes out whole: a blocked line holds back its whole shipment (split it first).
    ready = [line for line in ready if shipment_of_line[line.pk] not in blocked_shipments]

    def call(adapter, batch):
        return adapter.upload_invoices(
            [
                InvoiceUpload(
                    line=line_ref(line), courier=CourierCode(line.courier), tracking_number=line.tracking_number
                )
                for line in batch
            ]
        )

    answers = _push_batched(
        lines=ready, capability=Capability.INVOICE_UPLOAD, call=call, adapter_factory=adapter_factory
    )
    line_results: list = []
    with transaction.atomic():
        _apply_answers(
            ready=ready,
            answers=answers,
            action="send_invoice",
            target=OrderState.INVOICE_SENT,
            user=user,
            source=source,
            payload={},
            results=line_results,
        )
        OrderLine.objects.bulk_update(
            ready, ["state", "state_changed_at", "status", "content_hash", "push_code", "push_message", "pushed_at"]
        )
        by_line = {r.line_id: r for r in line_results}
        changed = []
        for shipment in shipments:
            lines = lines_of.get(shipment.pk, [])
            mine = [by_line[line.pk] for line in lines if line.pk in by_line]
            if not mine:
                if shipment.pk in blocked_shipments:
                    changed.append(shipment)
                    shipment.send_code = "claim_open"
                    shipment.send_message = results[shipment.pk].message[:500]
                continue
            failures = [r for r in mine if not r.ok]
            _summarise(shipment, lines, failures)
            changed.append(shipment)
            result = results[shipment.pk]
            result.lines = mine
            result.ok = not failures
            if failures:
                result.code, result.message = failures[0].code, failures[0].message
            else:
                result.code = "OK"
        Shipment.objects.bulk_update(changed, ["state", "sent_at", "send_code", "send_message", "updated_at"])
        orders_refresh_summary(order_ids={line.order_id for line in ready})
        lines_stock_follow(line_ids=[line.pk for line in ready], user=user)
    return [results[s.pk] for s in shipments]


def invoices_force_complete(*, shipments: Sequence[Shipment], user=None) -> list[ShipmentResult]:
    """강제 완료: mark registered invoices as sent without calling the channel (sent by hand in the
    channel's own site, or a channel without an invoice API)."""
    shipments = list(shipments)
    results = []
    with transaction.atomic():
        lines_of = _lines_by_shipment(shipments, lock=True)
        events, moved, changed = [], [], []
        now = timezone.now()
        for shipment in shipments:
            lines = [line for line in lines_of.get(shipment.pk, []) if line.state == OrderState.INVOICE_REGISTERED]
            if not lines:
                results.append(
                    ShipmentResult(
                        shipment.pk, shipment.bundle_id, False, "not_registered", _("Register the invoice first.")
                    )
                )
                continue
            for line in lines:
                transition_for("force_complete", line.state)
                events.append(
                    event_build(
                        order_id=line.order_id,
                        line_id=line.pk,
                        kind="force_complete",
                        old=line.state,
                        new=OrderState.INVOICE_SENT,
                        message=_("Marked sent without sending to the channel."),
                        source=OrderEvent.Source.USER,
                        user=user,
                    )
                )
                line.state, line.state_changed_at = OrderState.INVOICE_SENT, now
                moved.append(line)
            shipment.state, shipment.sent_at = ShipmentState.FORCED, now
            shipment.send_code, shipment.send_message = "forced", ""
            changed.append(shipment)
            results.append(ShipmentResult(shipment.pk, shipment.bundle_id, True, "forced"))
        OrderLine.objects.bulk_update(moved, ["state", "state_changed_at"])
        OrderEvent.objects.bulk_create(events)
        Shipment.objects.bulk_update(changed, ["state", "sent_at", "send_code", "send_message", "updated_at"])
        orders_refresh_summary(order_ids={line.order_id for line in moved})
        lines_stock_follow(line_ids=[line.pk for line in moved], user=user)
    return results


def invoice_correct(
    *, shipment: Shipment, courier: str, tracking_number: str, user=None, adapter_factory=None
) -> ShipmentResult:
    """송장 수정 after sending, where the channel allows it (Coupang; Naver and 11번가 refuse by API,
    so the message says to correct it on the channel's site). Lines move back to ``invoice_sent``
    only with the channel's consent; the new number is checked like a new registration."""
    number = tracking.normalize(tracking_number or "")
    problem = tracking_problem(courier=courier, number=number)
    lines = [
        line
        for line in _lines_by_shipment([shipment]).get(shipment.pk, [])
        if line.state in (OrderState.INVOICE_SENT, OrderState.SHIPPED)
    ]
    if problem:
        raise ValidationError({"tracking_number": problem})
    if not lines:
        raise ValidationError({"tracking_number": _("Only a sent invoice can be corrected.")})
    problem = reuse_problem(courier=courier, number=number, digest=_digest(lines), shipment_id=shipment.pk)
    if problem:
        raise ValidationError({"tracking_number": problem})

    def call(adapter, batch):
        return adapter.update_invoices(
            [InvoiceUpload(line=line_ref(line), courier=CourierCode(courier), tracking_number=number) for line in batch]
        )

    answers = _push_batched(
        lines=lines, capability=Capability.INVOICE_UPDATE, call=call, adapter_factory=adapter_factory
    )
    result = ShipmentResult(shipment.pk, shipment.bundle_id, True, "OK")
    old = f"{courier_name(shipment.courier)} {shipment.tracking_number}"
    new = f"{courier_name(courier)} {number}"
    with transaction.atomic():
        events = []
        for line in lines:
            answer = answers[line.pk]
            _record_answer(line, answer)
            if answer.ok:
                line.courier, line.tracking_number = courier, number
                line.state, line.state_changed_at = OrderState.INVOICE_SENT, timezone.now()
                events.append(
                    event_build(
                        order_id=line.order_id,
                        line_id=line.pk,
                        kind="update_invoice",
                        old=old,
                        new=new,
                        source=OrderEvent.Source.USER,
                        user=user,
                        payload={"shipment_id": shipment.pk},
                    )
                )
            else:
                result.ok, result.code, result.message = False, answer.code, answer.message
                events.append(
                    event_build(
                        order_id=line.order_id,
                        line_id=line.pk,
                        kind="push_failed",
                        message=answer.message,
                        source=OrderEvent.Source.USER,
                        user=user,
                        payload={"action": "update_invoice", "code": answer.code},
                    )
                )
        OrderLine.objects.bulk_update(
            lines, ["courier", "tracking_number", "state", "state_changed_at", "push_code", "push_message", "pushed_at"]
        )
        OrderEvent.objects.bulk_create(events)
        if result.ok:
            ShipmentNumber.objects.filter(shipment=shipment, replaced_at__isnull=True).update(
                replaced_at=timezone.now()
            )
            ShipmentNumber.objects.create(
                shipment=shipment,
                courier=courier,
                tracking_number=number,
                receiver_digest=_digest(lines),
                source=ShipmentNumber.Source.MANUAL,
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            shipment.courier, shipment.tracking_number = courier, number
            shipment.send_code, shipment.send_message = "OK", ""
        else:
            shipment.send_code, shipment.send_message = result.code[:60], result.message[:500]
        shipment.save(update_fields=["courier", "tracking_number", "send_code", "send_message", "updated_at"])
    return result
