"""Personal data of orders: shown in full only with the right (each time logged), masked after retention.

Reveal
    ``pii_reveal`` returns an order's buyer/receiver values to a user with the orders area's
    "personal data" right and writes a PersonalDataReveal row (who, when, which order, which
    fields, address, reason). Lists show ``pii_masked_values`` instead.

Retention
    ``personal_data_mask`` (daily task, command ``mask_personal_data``) masks the buyer/receiver
    data of orders that are over: every line closed (delivered, completed, cancelled, returned,
    exchanged) and nothing happened to them for ``CompanySettings.pii_retention_months`` — the clock
    starts at the latest of delivery, any line's state change and collection. Orders are masked,
    not deleted: the 전자상거래법 keeps supply and payment records for 5 years, and what remains
    (masked name, road address without detail, amounts, products) is that record. The same values
    are removed from the receiver-edit history, the channel payloads kept on the order, its lines
    and its claims. Runs in batches by primary key (bounded memory and a fixed number of queries
    per batch), is idempotent (masked orders carry ``pii_masked_at`` and are not selected again,
    unless the order or a line was written after it: a channel sending the order again with its
    data, a person editing it), and writes a RetentionRun row with the counts.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.areas import user_has_area_right
from modules.core.masking import mask_address, mask_email, mask_name, mask_phone

from .models import Claim, Order, OrderEvent, OrderLine
from .pii_models import PersonalDataReveal, RetentionRun
from .status import OrderState

# The order's personal data, in the order a person reads it.
PERSONAL_FIELDS = (
    "buyer_name",
    "buyer_phone",
    "buyer_email",
    "receiver_name",
    "receiver_phone1",
    "receiver_phone2",
    "zip_code",
    "address1",
    "address2",
    "delivery_message",
)
NAME_FIELDS = frozenset({"buyer_name", "receiver_name"})
PHONE_FIELDS = frozenset({"buyer_phone", "receiver_phone1", "receiver_phone2"})
# Kept by retention: a 5-digit postcode names an area, not a person (and regional statistics use it).
KEPT_BY_RETENTION = frozenset({"zip_code"})
MASKED_BY_RETENTION = tuple(name for name in PERSONAL_FIELDS if name not in KEPT_BY_RETENTION)

HIDDEN = "***"


def personal_field_labels() -> dict[str, str]:
    return {name: str(Order._meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS}


# ---------------------------------------------------------------------------------------------
# Reveal
# ---------------------------------------------------------------------------------------------


def pii_masked_values(order: Order) -> dict[str, str]:
    """What a person without the right sees (domain-kr.md §7.1): one rule for lists, pages and prints."""
    return {
        "buyer_name": mask_name(order.buyer_name),
        "buyer_phone": mask_phone(order.buyer_phone),
        "buyer_email": mask_email(order.buyer_email),
        "receiver_name": mask_name(order.receiver_name),
        "receiver_phone1": mask_phone(order.receiver_phone1),
        "receiver_phone2": mask_phone(order.receiver_phone2),
        "zip_code": order.zip_code,
        "address1": mask_address(order.address1, order.address2),
        "address2": HIDDEN if order.address2 else "",
        "delivery_message": HIDDEN if order.delivery_message else "",
    }


def pii_reveal(
    *, order: Order, user, reason: str = "", ip: str | None = None, fields: Iterable[str] | None = None
) -> dict[str, str]:
    """The order's buyer/receiver values in full, for a user with the orders "personal data" right.

    Every call is logged (PersonalDataReveal), also for an order already masked by retention (the
    person then sees the masked values, and the log still shows that they looked).
    """
    if not user_has_area_right(user, "orders", "pii"):
        raise PermissionDenied(_("You may not see the personal data of orders."))
    names = list(PERSONAL_FIELDS if fields is None else fields)
    unknown = [name for name in names if name not in PERSONAL_FIELDS]
    if unknown or not names:
        raise ValueError(f"not personal data fields of an order: {unknown or names}")
    values = {name: getattr(order, name) for name in names}
    PersonalDataReveal.objects.create(
        user=user,
        username=user.get_username()[:150],
        order_id=order.pk,
        order_number=order.channel_order_id[:100],
        store_name=str(order.store)[:100],
        fields=names,
        reason=(reason or "").strip()[:500],
        ip=ip or None,
    )
    return values


def pii_reveals() -> QuerySet:
    """The reveal log, newest first (the Logs menu list: no joins, every shown value is on the row)."""
    return PersonalDataReveal.objects.order_by("-created_at", "-id")


def retention_runs() -> QuerySet:
    return RetentionRun.objects.order_by("-started_at", "-id")


# ---------------------------------------------------------------------------------------------
# Retention: which orders
# ---------------------------------------------------------------------------------------------

# An order is over when every line is in one of these (delivered counts: nothing more happens
# unless the buyer opens a claim, which moves the line and restarts the clock).
RETENTION_CLOSED = frozenset(
    {OrderState.DELIVERED, OrderState.COMPLETED, OrderState.CANCELLED, OrderState.RETURNED, OrderState.EXCHANGED}
)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local wall-clock time ``months`` calendar months earlier (31 March - 1 = 28/29 Feb)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def retention_due(*, cutoff: datetime) -> QuerySet:
    """Orders whose personal data is due for masking: every line closed; delivery, every line's
    last state change and collection all before ``cutoff``; and not masked yet, or written since
    (the channel sent the order or a line again with its data, or a person edited it).

    An order without lines (collection always writes some) counts as closed since its collection.
    No "has a line" test on purpose: PostgreSQL plans it as a semi-join over every line of the
    table, once per batch."""
    lines = OrderLine.objects.filter(order_id=OuterRef("pk"))
    return Order.objects.filter(
        ~Exists(lines.exclude(state__in=RETENTION_CLOSED)),
        ~Exists(lines.filter(state_changed_at__gte=cutoff)),
        Q(delivered_at__isnull=True) | Q(delivered_at__lt=cutoff),
        Q(pii_masked_at__isnull=True)
        | Q(updated_at__gt=F("pii_masked_at"))
        | Exists(lines.filter(updated_at__gt=OuterRef("pii_masked_at"))),
        collected_at__lt=cutoff,
    )


# ---------------------------------------------------------------------------------------------
# Retention: how values are masked
# ---------------------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def _phone_for_retention(value: str) -> str:
    """Only the leading group survives (010-****-****; 010******** without separators): the display
    mask keeps eight digits, too many for data that is meant to be gone."""
    value = (value or "").strip()
    match = re.match(r"(\D*)(\d+)", value)
    if not match or len(re.findall(r"[\d*]", value)) < 7:  # (a masked digit still counts: idempotent)
        return _DIGIT.sub("*", value)
    group = match.group(2)
    keep = len(match.group(1)) + (len(group) if len(group) <= 4 else 3)
    return value[:keep] + _DIGIT.sub("*", value[keep:])


def retention_value(field: str, value: str) -> str:
    """The value a field keeps after retention (masking is idempotent: masked stays masked)."""
    value = value or ""
    if not value.strip():
        return value
    if field in KEPT_BY_RETENTION:
        return value
    if field in NAME_FIELDS:
        return mask_name(value)
    if field in PHONE_FIELDS:
        return _phone_for_retention(value)
    if field == "buyer_email":
        return mask_email(value)
    if field == "address1":
        return mask_address(value)
    return HIDDEN  # address detail, delivery message, anything unknown


def _masked_order_values(order: Order) -> dict[str, str]:
    values = {name: retention_value(name, getattr(order, name)) for name in MASKED_BY_RETENTION}
    if order.address2.strip() and not values["address1"].endswith(HIDDEN):
        values["address1"] = f"{values['address1']} {HIDDEN}".strip()  # say that a detail line was there
    values["address2"] = ""
    return values


# Keys under which the channels' payloads carry personal data (Coupang, Naver, 11번가, WeMakePrice;
# compared case-insensitively). Their values are replaced whatever they hold.
PERSONAL_KEYS = frozenset(
    key.casefold()
    for key in (
        # names
        "name", "ordererName", "ordNm", "rcvrNm", "receiverName", "buyerName", "customerName", "purchaserName",
        "requesterName", "returnCustomerName", "deliveryCustomerName", "ordererNm",
        # phones
        "safeNumber", "ordererNumber", "receiverNumber", "ordererPhoneNumber", "ordererTel", "ordPrtblTel",
        "ordTlphnNo", "rcvrPrtblNo", "rcvrTlphn", "tel1", "tel2", "cellPhone", "phoneNumber1", "phoneNumber2",
        "buyerPhone", "receiverPhone", "deliveryPhone", "returnPhone", "requesterPhoneNumber",
        "requesterRealPhoneNumber", "prtblTlphnNo", "gnrlTlphnNo",
        # e-mail
        "email", "ordEmail", "buyerEmail", "ordererEmail",
        # addresses (the postcode stays, as on the order)
        "addr1", "addr2", "baseAddress", "detailedAddress", "detailAddress", "baseAddr", "dtlsAddr",
        "rcvrBaseAddr", "rcvrDtlsAddr", "requesterAddress", "requesterAddressDetail", "deliveryAddress",
        "deliveryAddressDetail", "address", "addressDetail",
        # messages written by the buyer
        "parcelPrintMessage", "shippingMemo", "ordDlvReqCont", "deliveryMemo", "returnMemo", "deliveryMessage",
        # member ids
        "ordererId", "memID", "memNo", "customerId", "buyerId",
    )
)
# Objects that describe a person: everything inside is personal.
PERSONAL_OBJECTS = frozenset(
    key.casefold() for key in ("orderer", "receiver", "shippingAddress", "takingAddress", "buyer", "requester")
)


# Too generic to say whose value it is (a product has a "name" too): masked where they stand, but
# their values are cut out of the rest of a payload only inside a person object.
GENERIC_KEYS = frozenset({"name", "address", "email", "addressdetail"})


def _payload_values(value: Any, *, inside: bool = False) -> Iterable[str]:
    """The personal values a payload itself carries (under personal keys, in person objects)."""
    if isinstance(value, dict):
        for key, item in value.items():
            folded = str(key).casefold()
            personal = folded in PERSONAL_OBJECTS or (
                folded in PERSONAL_KEYS and (inside or folded not in GENERIC_KEYS)
            )
            yield from _payload_values(item, inside=inside or personal)
    elif isinstance(value, list):
        for item in value:
            yield from _payload_values(item, inside=inside)
    elif inside and isinstance(value, str | int) and not isinstance(value, bool):
        yield str(value)


def _known_values(values: Iterable[str]) -> list[str]:
    """The personal values (the order's, its history's, the payload's own) as they may appear in a
    payload under keys we do not know: as written, and phones also as bare digits. Longest first,
    so a longer value is replaced whole."""
    found: set[str] = set()
    for value in values:
        value = (value or "").strip()
        if len(value) >= 2 and value != HIDDEN:
            found.add(value)
            digits = "".join(_DIGIT.findall(value))
            if len(digits) >= 7:
                found.add(digits)
    return sorted(found, key=len, reverse=True)


def _hide_all(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _hide_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_hide_all(item) for item in value]
    if value is None or value == "" or isinstance(value, bool):
        return value
    return HIDDEN


def scrub_payload(value: Any, known: list[str]) -> Any:
    """A channel payload without personal data: values under personal keys (and whole person
    objects) become ***, and the order's known values are cut out of every other string."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            folded = str(key).casefold()
            if folded in PERSONAL_OBJECTS or folded in PERSONAL_KEYS:
                out[key] = _hide_all(item)
            else:
                out[key] = scrub_payload(item, known)
        return out
    if isinstance(value, list):
        return [scrub_payload(item, known) for item in value]
    if isinstance(value, str) and value:
        for text in known:
            if text in value:
                value = value.replace(text, HIDDEN)
        return value
    return value


def _scrub(payload: Any, values: list[str]) -> Any:
    return scrub_payload(payload, _known_values([*values, *_payload_values(payload)]))


def _scrub_event(event: OrderEvent) -> bool:
    field = (event.payload or {}).get("field", "")
    old = retention_value(field, event.old) if field in PERSONAL_FIELDS else (HIDDEN if event.old else "")
    new = retention_value(field, event.new) if field in PERSONAL_FIELDS else (HIDDEN if event.new else "")
    if field == "address2":  # the order keeps no detail line at all
        old, new = (HIDDEN if event.old else ""), (HIDDEN if event.new else "")
    if (old, new) == (event.old, event.new):
        return False
    event.old, event.new = old, new
    return True


# ---------------------------------------------------------------------------------------------
# Retention: the run
# ---------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    orders: int = 0
    events: int = 0
    lines: int = 0
    claims: int = 0


def _mask_batch(orders: list[Order], *, dry_run: bool, now: datetime) -> _Counts:
    """Mask one batch: a fixed number of queries whatever its size (reads, then bulk updates)."""
    ids = [order.pk for order in orders]
    events = list(
        OrderEvent.objects.filter(order_id__in=ids, kind="receiver_edit").only(
            "pk", "order_id", "old", "new", "payload"
        )
    )
    # Values edited here live on in the channel's payloads (the old ones) and in the history: all
    # of them are cut out of the payloads, not only what the order holds now.
    history: dict[int, list[str]] = {}
    for event in events:
        if (event.payload or {}).get("field") not in KEPT_BY_RETENTION:
            history.setdefault(event.order_id, []).extend([event.old, event.new])
    values_by_order: dict[int, list[str]] = {}
    masked = 0
    for order in orders:
        before = {name: getattr(order, name) for name in MASKED_BY_RETENTION}
        values_by_order[order.pk] = [*before.values(), *history.get(order.pk, [])]
        after = _masked_order_values(order)
        raw = _scrub(order.raw, values_by_order[order.pk])
        # Counted when something changed: an order written since its masking with nothing personal
        # in it is only stamped again (so that it is not selected again).
        if order.pii_masked_at is None or after != before or raw != order.raw:
            masked += 1
        for name, value in after.items():
            setattr(order, name, value)
        order.raw, order.pii_masked_at = raw, now
    events = [event for event in events if _scrub_event(event)]
    lines = []
    for line in OrderLine.objects.filter(order_id__in=ids).only("pk", "order_id", "raw"):
        cleaned = _scrub(line.raw, values_by_order[line.order_id])
        if cleaned != line.raw:
            line.raw = cleaned
            lines.append(line)
    by_key = {(order.store_id, order.channel_order_id): order.pk for order in orders}
    claims = []
    for claim in Claim.objects.filter(
        store_id__in={order.store_id for order in orders},
        channel_order_id__in={order.channel_order_id for order in orders},
    ).only("pk", "store_id", "channel_order_id", "raw"):
        order_pk = by_key.get((claim.store_id, claim.channel_order_id))
        if order_pk is None:
            continue  # the same number at another store
        cleaned = _scrub(claim.raw, values_by_order[order_pk])
        if cleaned != claim.raw:
            claim.raw = cleaned
            claims.append(claim)
    if not dry_run:
        _update_rows(Order, orders, [*MASKED_BY_RETENTION, "raw", "pii_masked_at"])
        # OrderEvent is append-only through save(); retention is the one sanctioned rewrite.
        _update_rows(OrderEvent, events, ["old", "new"])
        _update_rows(OrderLine, lines, ["raw"])
        _update_rows(Claim, claims, ["raw"])
    return _Counts(orders=masked, events=len(events), lines=len(lines), claims=len(claims))


def _update_rows(model, rows: list, fields: list[str]) -> None:
    """One parameterised UPDATE per row, sent as one executemany. Every row gets its own values
    here, and bulk_update would build a CASE per field and row: measured 80 s of Python per 10,000
    orders against about 4 s for this."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    # Only quoted names from the model's own metadata go into the text; every value is a parameter.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


ORDER_FIELDS_READ = ("pk", "store_id", "channel_order_id", *MASKED_BY_RETENTION, "raw", "pii_masked_at")


def personal_data_mask(
    *,
    months: int | None = None,
    dry_run: bool = False,
    trigger: str = RetentionRun.Trigger.SCHEDULE,
    batch_size: int = 500,
    now: datetime | None = None,
) -> RetentionRun:
    """Mask the personal data of orders over for ``months`` (default: the company setting).

    ``dry_run`` counts exactly what would be masked and writes nothing but the run row. Each batch
    commits on its own: a run that fails half-way leaves masked what it masked, and the next run
    carries on (nothing is masked twice)."""
    from modules.core.models import CompanySettings

    if months is None:
        months = CompanySettings.load().pii_retention_months
    if months < 1:
        raise ValidationError(_("Personal data must be kept for at least one month."))
    now = now or timezone.now()
    cutoff = months_before(now, months)
    run = RetentionRun.objects.create(
        started_at=timezone.now(), trigger=trigger, dry_run=dry_run, months=months, cutoff=cutoff
    )
    total = _Counts()
    due = retention_due(cutoff=cutoff).order_by("pk").only(*ORDER_FIELDS_READ)
    # Batches are windows of primary keys, not "the next N due": with a LIMIT the database first
    # finds every due order and sorts them, for each batch (0.7 s a batch at 100,000 orders on
    # PostgreSQL); a window costs the same wherever it is in the table.
    span = Order.objects.filter(collected_at__lt=cutoff).aggregate(
        first=Min("pk"), last=Max("pk")
    )
    try:
        start = span["first"]
        while start is not None and start <= span["last"]:
            end = start + batch_size
            with transaction.atomic():
                page = due.filter(pk__gte=start, pk__lt=end)
                if not dry_run:
                    # Another run (or a person editing the order) holds it: the next run takes it.
                    page = page.select_for_update(skip_locked=True, of=("self",))
                orders = list(page)
                counts = _mask_batch(orders, dry_run=dry_run, now=now) if orders else None
            start = end
            if counts is None:
                continue
            total.orders += counts.orders
            total.events += counts.events
            total.lines += counts.lines
            total.claims += counts.claims
            RetentionRun.objects.filter(pk=run.pk).update(
                orders_masked=total.orders, events_masked=total.events, lines_cleaned=total.lines,
                claims_cleaned=total.claims,
            )
    except Exception as exc:
        _finish(run, total, status=RetentionRun.Status.FAILED, message=str(exc))
        raise
    _finish(run, total, status=RetentionRun.Status.DONE, message="")
    return run


def _finish(run: RetentionRun, total: _Counts, *, status: str, message: str) -> None:
    run.orders_masked, run.events_masked = total.orders, total.events
    run.lines_cleaned, run.claims_cleaned = total.lines, total.claims
    run.status, run.message, run.finished_at = status, message[:500], timezone.now()
    run.save(
        update_fields=[
            "orders_masked", "events_masked", "lines_cleaned", "claims_cleaned", "status", "message", "finished_at"
        ]
    )


def retention_summary(run: RetentionRun) -> str:
    """One line for the task result and the command's output."""
    verb = "would mask" if run.dry_run else "masked"
    return (
        f"{verb} {run.orders_masked} orders closed before {timezone.localtime(run.cutoff):%Y-%m-%d %H:%M} "
        f"({run.months} months): {run.events_masked} history entries, {run.lines_cleaned} order lines, "
        f"{run.claims_cleaned} claims"
    )
