"""합포장 (bundling): order lines for one receiver at one address packed as one parcel.

A ``Bundle`` is a shipment candidate. Every line that can still ship (``status.SHIPPABLE``) sits in
one; lines of orders with the same receiver name, phone, postcode and address (normalised: width,
whitespace, hyphens, case) share it, within one store or any store of the same marketplace by the
company setting ``bundle_scope``.

- Automatic grouping (``bundles_assign``) runs after every collection page and never touches a
  bundle arranged by hand (``manual``): merges, splits, partial shipments and visit pickups are a
  person's decision. Lines that close (cancelled, returned, exchanged) leave their bundle, manual
  or not; a bundle left empty is removed. Completed lines stay in the parcel they went in.
- A bundle takes new lines automatically only while nothing in it has an invoice yet: once a label
  is printed (invoice registered) the parcel is being packed, so a later order of the same receiver
  starts a new bundle, and automatic grouping moves nothing out of it either.
- Key: ``<receiver digest>/<scope>`` (``s:<store id>`` or ``m:<marketplace>``). The digest alone
  finds the same receiver's bundles in other stores or marketplaces (merge suggestions).

Every change is an OrderEvent per line (per order for visit pickup). The delay notice (발송지연)
lives here too: it is pushed to channels that take it (Naver's ``delay_dispatch``) and recorded
here for the others.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.channels.base import AuthFailed, ChannelError, ItemResult, NotSupported

from .actions import LineResult, _adapter_for, _record_answer, line_ref
from .models import Bundle, Order, OrderEvent, OrderLine
from .services import event_build
from .status import SHIPPABLE, OrderState

UPDATE_BATCH = 100
SCOPE_STORE = "store"
SCOPE_MARKETPLACE = "marketplace"

# Lines that leave their bundle: they will not be (or are no longer) part of a parcel.
LEAVES_BUNDLE = frozenset({OrderState.CANCELLED, OrderState.RETURNED, OrderState.EXCHANGED})
# A bundle takes lines automatically only while all its lines are in these states (nothing packed yet).
JOINABLE_STATES = frozenset({OrderState.PENDING_PAYMENT, OrderState.NEW, OrderState.ACKNOWLEDGED}) | LEAVES_BUNDLE
# A bundle with a line in these states has left the warehouse: nothing may be merged into it.
SENT_STATES = frozenset({OrderState.INVOICE_SENT, OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED})

# Labels of the events written here (the order page shows them).
EVENT_LABELS = {
    "bundle": gettext_lazy("Bundled"),
    "bundle_leave": gettext_lazy("Left its bundle"),
    "bundle_merge": gettext_lazy("Bundles merged"),
    "bundle_split": gettext_lazy("Bundle split"),
    "partial_shipment": gettext_lazy("Partial shipment"),
    "bundle_automatic": gettext_lazy("Bundle back to automatic"),
    "visit_pickup": gettext_lazy("Visit pickup"),
    "delay_notice": gettext_lazy("Delay notice"),
}

# Neutral delay reasons; lower case of the channel codes the Naver mapper recognises (upper-cased).
DELAY_REASONS = {
    "product_prepare": gettext_lazy("Product being prepared"),
    "customer_request": gettext_lazy("Buyer's request"),
    "custom_build": gettext_lazy("Made to order"),
    "reserved_dispatch": gettext_lazy("Scheduled dispatch"),
    "oversea_delivery": gettext_lazy("Shipped from abroad"),
    "etc": gettext_lazy("Other"),
}


# ---------------------------------------------------------------------------------------------
# Pure: normalisation, keys, grouping
# ---------------------------------------------------------------------------------------------

# Whitespace and every hyphen/dash a keyboard or a channel may produce.
_SPACES_AND_HYPHENS = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")
_NON_DIGIT = re.compile(r"\D")


def normalise_text(value: str) -> str:
    """Full-width to normal width, case folded, no whitespace or hyphens: "서울시 강남구 1-2" == "서울시강남구12"."""
    return _SPACES_AND_HYPHENS.sub("", unicodedata.normalize("NFKC", value or "").casefold())


def normalise_phone(value: str) -> str:
    digits = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", value or ""))
    if digits.startswith("82") and len(digits) >= 11:  # +82 10-… is 010-…
        digits = "0" + digits[2:]
    return digits


@dataclass(frozen=True)
class Receiver:
    name: str
    phone: str
    zip_code: str
    address: str

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.address)


def receiver_of(
    *, name: str, phone1: str, phone2: str = "", zip_code: str = "", address1: str = "", address2: str = ""
) -> Receiver:
    # The address is compared as one string: channels split road address and detail differently.
    return Receiver(
        name=normalise_text(name),
        phone=normalise_phone(phone1) or normalise_phone(phone2),
        zip_code=_NON_DIGIT.sub("", unicodedata.normalize("NFKC", zip_code or "")),
        address=normalise_text(f"{address1 or ''}{address2 or ''}"),
    )


def receiver_of_order(order: Order) -> Receiver:
    return receiver_of(
        name=order.receiver_name,
        phone1=order.receiver_phone1,
        phone2=order.receiver_phone2,
        zip_code=order.zip_code,
        address1=order.address1,
        address2=order.address2,
    )


def receiver_digest(receiver: Receiver) -> str:
    """40 hex characters; "" for an order without any receiver data (it is never grouped)."""
    if receiver.is_empty:
        return ""
    payload = "\x1f".join((receiver.name, receiver.phone, receiver.zip_code, receiver.address))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def scope_tag(*, scope: str, store_id: int, marketplace: str) -> str:
    return f"m:{marketplace}" if scope == SCOPE_MARKETPLACE else f"s:{store_id}"


def bundle_key(*, digest: str, tag: str, order_id: int) -> str:
    # An order without receiver data is a bundle of its own.
    return f"{digest or f'order-{order_id}'}/{tag}"[:64]


@dataclass(frozen=True)
class LineInfo:
    """What grouping needs of a line: its order, store, marketplace and the order's receiver."""

    line_id: int
    order_id: int
    store_id: int
    marketplace: str
    receiver: Receiver


def line_key(info: LineInfo, scope: str) -> str:
    return bundle_key(
        digest=receiver_digest(info.receiver),
        tag=scope_tag(scope=scope, store_id=info.store_id, marketplace=info.marketplace),
        order_id=info.order_id,
    )


def group_lines(infos: Iterable[LineInfo], scope: str) -> dict[str, list[int]]:
    """Line ids per bundle key: lines that belong in one parcel share a key."""
    groups: dict[str, list[int]] = defaultdict(list)
    for info in infos:
        groups[line_key(info, scope)].append(info.line_id)
    return dict(groups)


def bundle_label(bundle_id: int | None) -> str:
    return f"B{bundle_id}" if bundle_id else ""


# ---------------------------------------------------------------------------------------------
# Automatic grouping
# ---------------------------------------------------------------------------------------------


def bundle_scope() -> str:
    from modules.core.models import CompanySettings

    scope = CompanySettings.load().bundle_scope
    return scope if scope in (SCOPE_STORE, SCOPE_MARKETPLACE) else SCOPE_STORE


@dataclass
class AssignResult:
    assigned: int = 0  # lines put into a bundle (new or moved)
    left: int = 0  # closed lines taken out of their bundle
    created: int = 0  # bundles created
    removed: int = 0  # empty bundles removed


_LINE_FIELDS = (
    "id",
    "order_id",
    "store_id",
    "state",
    "bundle_id",
    "bundle__manual",
    "bundle__key",
    "store__marketplace",
    "order__receiver_name",
    "order__receiver_phone1",
    "order__receiver_phone2",
    "order__zip_code",
    "order__address1",
    "order__address2",
)


def _info(row: dict) -> LineInfo:
    return LineInfo(
        line_id=row["id"],
        order_id=row["order_id"],
        store_id=row["store_id"],
        marketplace=row["store__marketplace"],
        receiver=receiver_of(
            name=row["order__receiver_name"],
            phone1=row["order__receiver_phone1"],
            phone2=row["order__receiver_phone2"],
            zip_code=row["order__zip_code"],
            address1=row["order__address1"],
            address2=row["order__address2"],
        ),
    )


def _joinable(queryset):
    """Automatic bundles that may still take lines: nothing in them has an invoice yet."""
    packed = OrderLine.objects.filter(bundle=OuterRef("pk")).exclude(state__in=JOINABLE_STATES)
    return queryset.filter(manual=False, visit_pickup=False).filter(~Exists(packed))


def bundles_assign(*, line_ids: Iterable[int] = (), order_ids: Iterable[int] = ()) -> AssignResult:
    """Put the given lines (and all lines of ``order_ids``) where automatic grouping says they go.

    Called after each collection page (``services.lines_after_collect``) with the lines it created or
    changed, and by a receiver edit (``order_ids``) and a seller cancel (``line_ids``) in ``actions``,
    so the lines follow their receiver or leave. A fixed number of queries per call (one read of the
    lines, one of the candidate bundles, bulk writes), plus one per 100 lines that move."""
    result = AssignResult()
    line_ids, order_ids = set(line_ids), set(order_ids)
    if not line_ids and not order_ids:
        return result
    scope = bundle_scope()
    with transaction.atomic():
        lines = OrderLine.objects.filter(pk__in=line_ids) if line_ids else OrderLine.objects.none()
        if order_ids:
            lines = lines | OrderLine.objects.filter(order_id__in=order_ids)
        rows = list(lines.order_by("id").values(*_LINE_FIELDS))
        moves: dict[int, tuple[dict, int | None]] = {}  # line id -> (row, new bundle id or None)
        placing: dict[str, list[dict]] = defaultdict(list)  # key -> rows to place
        for row in rows:
            if row["state"] in LEAVES_BUNDLE:
                if row["bundle_id"]:
                    moves[row["id"]] = (row, None)
                continue
            if row["state"] not in SHIPPABLE or row["bundle__manual"]:
                continue
            placing[line_key(_info(row), scope)].append(row)
        if moves:  # leave first, so that a bundle holding only closed lines counts as joinable
            OrderLine.objects.filter(pk__in=list(moves)).update(bundle=None)
        targets: dict[str, int] = {}
        duplicates: dict[int, int] = {}  # an automatic bundle of the same key made concurrently -> the kept one
        if placing:
            for key, bundle_id in (
                _joinable(Bundle.objects.filter(key__in=list(placing))).order_by("id").values_list("key", "id")
            ):
                if key in targets:
                    duplicates[bundle_id] = targets[key]
                else:
                    targets[key] = bundle_id
        current = {row["bundle_id"] for key_rows in placing.values() for row in key_rows if row["bundle_id"]}
        packing = current - set(_joinable(Bundle.objects.filter(pk__in=current)).values_list("id", flat=True))

        def stays(row: dict, key: str) -> bool:
            # A line in a bundle being packed stays in its parcel (a person moves it if need be);
            # a line already in the open bundle of its key stays too.
            if row["bundle_id"] in packing:
                return True
            return bool(row["bundle_id"]) and row["bundle__key"] == key and row["bundle_id"] not in duplicates

        new_bundles = []
        for key, key_rows in placing.items():
            if key not in targets and any(not stays(row, key) for row in key_rows):
                first = key_rows[0]
                new_bundles.append(
                    Bundle(
                        key=key,
                        store_id=first["store_id"] if scope == SCOPE_STORE else None,
                        marketplace=first["store__marketplace"],
                    )
                )
        if new_bundles:
            Bundle.objects.bulk_create(new_bundles)
            result.created = len(new_bundles)
            targets.update({bundle.key: bundle.pk for bundle in new_bundles})
        for key, key_rows in placing.items():
            for row in key_rows:
                if not stays(row, key) and row["bundle_id"] != targets[key]:
                    moves[row["id"]] = (row, targets[key])
        # Lines of a duplicate bundle outside this call join the kept one too (the duplicate empties).
        if duplicates:
            for row in (
                OrderLine.objects.filter(bundle_id__in=list(duplicates))
                .exclude(pk__in=list(moves))
                .values(*_LINE_FIELDS)
            ):
                moves[row["id"]] = (row, duplicates[row["bundle_id"]])
        joined = [OrderLine(pk=pk, bundle_id=target) for pk, (_row, target) in moves.items() if target is not None]
        # Small batches: SQLite evaluates bulk_update's CASE per row, so its cost grows with the square
        # of the batch (500 lines per statement were 4× slower than 5 statements of 100).
        OrderLine.objects.bulk_update(joined, ["bundle"], batch_size=UPDATE_BATCH)
        events = []
        for pk, (row, target) in moves.items():
            if target is None:
                result.left += 1
                kind, message = "bundle_leave", _("The line closed and left its bundle.")
            else:
                result.assigned += 1
                kind, message = "bundle", ""
            events.append(
                event_build(
                    order_id=row["order_id"],
                    line_id=pk,
                    kind=kind,
                    old=bundle_label(row["bundle_id"]),
                    new=bundle_label(target),
                    message=message,
                    payload={"bundle_id": target, "automatic": True},
                )
            )
        OrderEvent.objects.bulk_create(events, batch_size=500)
        old_ids = {row["bundle_id"] for row, _target in moves.values() if row["bundle_id"]}
        result.removed = _remove_empty(old_ids)
    return result


def bundles_regroup(*, chunk: int = 2000) -> AssignResult:
    """Group every line that can still ship again (after the scope setting changed, or for lines
    collected before bundling existed). Bundles arranged by hand stay as they are."""
    total = AssignResult()
    ids = list(
        OrderLine.objects.filter(state__in=SHIPPABLE)
        .filter(Q(bundle__isnull=True) | Q(bundle__manual=False))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for start in range(0, len(ids), chunk):
        part = bundles_assign(line_ids=ids[start : start + chunk])
        total.assigned += part.assigned
        total.left += part.left
        total.created += part.created
        total.removed += part.removed
    return total


def _remove_empty(bundle_ids: Iterable[int]) -> int:
    bundle_ids = [pk for pk in bundle_ids if pk]
    if not bundle_ids:
        return 0
    empty = Bundle.objects.filter(pk__in=bundle_ids).filter(~Exists(OrderLine.objects.filter(bundle=OuterRef("pk"))))
    deleted, _per_model = empty.delete()
    return deleted


# ---------------------------------------------------------------------------------------------
# By hand: merge, split, partial shipment, visit pickup, back to automatic
# ---------------------------------------------------------------------------------------------


def _locked(bundle: Bundle) -> Bundle:
    try:
        return Bundle.objects.select_for_update().get(pk=bundle.pk)
    except Bundle.DoesNotExist as exc:
        raise ValidationError(_("This bundle no longer exists; it was merged or emptied meanwhile.")) from exc


def _lines_of(bundle_ids: Iterable[int]) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(bundle_id__in=list(bundle_ids))
        .select_related("order", "store")
        .order_by("order_id", "id")
    )


def _refresh_scope(bundle_ids: Iterable[int]) -> None:
    """A bundle's store and marketplace say where its lines come from: empty when several."""
    bundle_ids = list(bundle_ids)
    if not bundle_ids:
        return
    stores: dict[int, set[int]] = defaultdict(set)
    markets: dict[int, set[str]] = defaultdict(set)
    for bundle_id, store_id, marketplace in (
        OrderLine.objects.filter(bundle_id__in=bundle_ids)
        .order_by()
        .values_list("bundle_id", "store_id", "store__marketplace")
        .distinct()
    ):
        stores[bundle_id].add(store_id)
        markets[bundle_id].add(marketplace)
    bundles = list(Bundle.objects.filter(pk__in=bundle_ids))
    for bundle in bundles:
        bundle.store_id = next(iter(stores[bundle.pk])) if len(stores[bundle.pk]) == 1 else None
        bundle.marketplace = next(iter(markets[bundle.pk])) if len(markets[bundle.pk]) == 1 else ""
    Bundle.objects.bulk_update(bundles, ["store", "marketplace"])


def _move_events(
    lines: Sequence[OrderLine],
    *,
    old: dict[int, int | None],
    new: int,
    kind: str,
    user,
    message: str = "",
    payload: dict | None = None,
) -> None:
    OrderEvent.objects.bulk_create(
        [
            event_build(
                order_id=line.order_id,
                line_id=line.pk,
                kind=kind,
                old=bundle_label(old.get(line.pk)),
                new=bundle_label(new),
                message=message,
                source=OrderEvent.Source.USER,
                user=user,
                payload={"bundle_id": new, **(payload or {})},
            )
            for line in lines
        ]
    )


def _shippable(lines: Iterable[OrderLine]) -> list[OrderLine]:
    return [line for line in lines if line.state in SHIPPABLE]


def bundle_merge(
    *, target: Bundle, bundles: Sequence[Bundle] = (), orders: Sequence[Order] = (), user=None, force_reason: str = ""
) -> int:
    """Move the lines that can still ship of ``bundles`` and of ``orders`` into ``target``.

    The receivers must be the same (normalised name, phone, postcode, address) unless a reason is
    given to merge anyway; the target must not have left the warehouse. The target becomes a bundle
    arranged by hand. Returns the number of lines moved."""
    force_reason = (force_reason or "").strip()
    with transaction.atomic():
        target = _locked(target)
        target_lines = _lines_of([target.pk])
        if any(line.state in SENT_STATES for line in target_lines):
            raise ValidationError(
                _("Bundle %(bundle)s has already been sent; nothing can be added to it.")
                % {"bundle": bundle_label(target.pk)}
            )
        source_ids = [bundle.pk for bundle in bundles if bundle.pk != target.pk]
        moving = {line.pk: line for line in _shippable(_lines_of(source_ids))}
        if orders:
            for line in OrderLine.objects.filter(order__in=list(orders), state__in=SHIPPABLE).select_related(
                "order", "store"
            ):
                if line.bundle_id != target.pk:
                    moving.setdefault(line.pk, line)
        if not moving:
            raise ValidationError(_("Nothing to merge: the bundles and orders chosen have no lines left to ship."))
        # Each line brought in must go to a receiver already in the target (one already merged by
        # force counts too); an empty target takes the first line's receiver.
        digest = {
            line.pk: receiver_digest(receiver_of_order(line.order)) for line in target_lines + list(moving.values())
        }
        receivers = {digest[line.pk] for line in target_lines} or {digest[next(iter(moving))]}
        others = sorted({line.order.channel_order_id for line in moving.values() if digest[line.pk] not in receivers})
        if others and not force_reason:
            raise ValidationError(
                {
                    "force_reason": _(
                        "The receiver is not the same (orders %(orders)s). Give a reason to merge them anyway."
                    )
                    % {"orders": ", ".join(others)}
                }
            )
        lines = list(moving.values())
        old = {line.pk: line.bundle_id for line in lines}
        for line in lines:
            line.bundle_id = target.pk
        OrderLine.objects.bulk_update(lines, ["bundle"])
        target.manual = True
        target.save(update_fields=["manual", "updated_at"])
        _move_events(
            lines,
            old=old,
            new=target.pk,
            kind="bundle_merge",
            user=user,
            message=force_reason,
            payload={"forced": bool(others)},
        )
        _remove_empty(set(old.values()))
        _refresh_scope([target.pk, *{pk for pk in old.values() if pk}])
    return len(lines)


def _chosen(bundle: Bundle, line_ids: Iterable[int]) -> tuple[list[OrderLine], list[OrderLine], int]:
    """(chosen lines, the other lines that can still ship, number of lines in the bundle)."""
    wanted = {int(pk) for pk in line_ids}
    everything = _lines_of([bundle.pk])
    lines = _shippable(everything)
    chosen = [line for line in lines if line.pk in wanted]
    if not chosen:
        raise ValidationError(_("Choose lines of this bundle that have not been sent yet."))
    return chosen, [line for line in lines if line.pk not in wanted], len(everything)


def _new_bundle_like(bundle: Bundle) -> Bundle:
    return Bundle.objects.create(
        key=bundle.key,
        store_id=bundle.store_id,
        marketplace=bundle.marketplace,
        manual=True,
        visit_pickup=bundle.visit_pickup,
    )


def bundle_split(*, bundle: Bundle, line_ids: Iterable[int], user=None) -> Bundle:
    """Move the chosen lines out into a new bundle (both are then arranged by hand)."""
    with transaction.atomic():
        bundle = _locked(bundle)
        chosen, _rest, count = _chosen(bundle, line_ids)
        if len(chosen) == count:
            raise ValidationError(_("Leave at least one line in the bundle; to move all of them, merge instead."))
        new = _new_bundle_like(bundle)
        for line in chosen:
            line.bundle_id = new.pk
        OrderLine.objects.bulk_update(chosen, ["bundle"])
        bundle.manual = True
        bundle.save(update_fields=["manual", "updated_at"])
        _move_events(chosen, old={line.pk: bundle.pk for line in chosen}, new=new.pk, kind="bundle_split", user=user)
        _refresh_scope([bundle.pk, new.pk])
    return new


def bundle_ship_partial(*, bundle: Bundle, line_ids: Iterable[int], user=None) -> Bundle:
    """Partial shipment: the chosen lines ship now in this bundle; the other lines that can still
    ship wait in a new bundle (returned). Both are then arranged by hand."""
    with transaction.atomic():
        bundle = _locked(bundle)
        chosen, rest, _count = _chosen(bundle, line_ids)
        if not rest:
            raise ValidationError(_("All lines were chosen: nothing would wait for a later parcel."))
        later = _new_bundle_like(bundle)
        for line in rest:
            line.bundle_id = later.pk
        OrderLine.objects.bulk_update(rest, ["bundle"])
        bundle.manual = True
        bundle.save(update_fields=["manual", "updated_at"])
        _move_events(
            chosen,
            old={line.pk: bundle.pk for line in chosen},
            new=bundle.pk,
            kind="partial_shipment",
            user=user,
            message=_("Ships now."),
            payload={"ships": "now"},
        )
        _move_events(
            rest,
            old={line.pk: bundle.pk for line in rest},
            new=later.pk,
            kind="partial_shipment",
            user=user,
            message=_("Waits for a later parcel."),
            payload={"ships": "later"},
        )
        _refresh_scope([bundle.pk, later.pk])
    return later


def bundle_set_visit_pickup(*, bundle: Bundle, visit_pickup: bool, user=None) -> Bundle:
    """방문수령: the buyer collects the parcel, no courier (the Shipping issue prints no label for it).

    The bundle becomes arranged by hand, so that automatic grouping adds no courier order to it."""
    with transaction.atomic():
        bundle = _locked(bundle)
        if bundle.visit_pickup == visit_pickup:
            return bundle
        bundle.visit_pickup = visit_pickup
        bundle.manual = True
        bundle.save(update_fields=["visit_pickup", "manual", "updated_at"])
        order_ids = sorted({line.order_id for line in _lines_of([bundle.pk])})
        OrderEvent.objects.bulk_create(
            [
                event_build(
                    order_id=order_id,
                    kind="visit_pickup",
                    old="courier" if visit_pickup else "visit_pickup",
                    new="visit_pickup" if visit_pickup else "courier",
                    message=_("Collected by the buyer (no courier).") if visit_pickup else _("Sent by courier again."),
                    source=OrderEvent.Source.USER,
                    user=user,
                    payload={"bundle_id": bundle.pk},
                )
                for order_id in order_ids
            ]
        )
    return bundle


def bundle_make_automatic(*, bundle: Bundle, user=None) -> AssignResult:
    """Hand the bundle back to automatic grouping: its lines go where their receiver puts them."""
    with transaction.atomic():
        bundle = _locked(bundle)
        lines = _lines_of([bundle.pk])
        bundle.manual = False
        bundle.visit_pickup = False
        bundle.save(update_fields=["manual", "visit_pickup", "updated_at"])
        OrderEvent.objects.bulk_create(
            [
                event_build(
                    order_id=order_id,
                    kind="bundle_automatic",
                    old=bundle_label(bundle.pk),
                    source=OrderEvent.Source.USER,
                    user=user,
                    payload={"bundle_id": bundle.pk},
                )
                for order_id in sorted({line.order_id for line in lines})
            ]
        )
        # A bundle whose own key no longer fits its lines (merged by hand) gets a new key from them.
        return bundles_assign(line_ids=[line.pk for line in lines])


# ---------------------------------------------------------------------------------------------
# Delay notice (발송지연)
# ---------------------------------------------------------------------------------------------


@dataclass
class DelayResult(LineResult):
    """Per line: ``ok`` when the new date now stands; ``pushed`` when the channel took it."""

    pushed: bool = False


@dataclass
class _Push:
    answers: dict[int, ItemResult] = field(default_factory=dict)
    unsupported: set[int] = field(default_factory=set)


def _push_delay(lines: list[OrderLine], *, new_date: date, reason: str, detail: str, adapter_factory) -> _Push:
    push = _Push()
    by_store: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_store[line.store_id].append(line)
    for store_lines in by_store.values():
        adapter = (adapter_factory or _adapter_for)(store_lines[0].store)
        try:
            # Only some channels take a delay notice through their API (Naver: delay_dispatch).
            delay = getattr(adapter, "delay_dispatch", None)
            if delay is None:
                push.unsupported.update(line.pk for line in store_lines)
                continue
            for index, line in enumerate(store_lines):
                try:
                    push.answers[line.pk] = delay(line_ref(line), new_date, reason, detail)
                except NotSupported:
                    push.unsupported.update(item.pk for item in store_lines[index:])
                    break
                except AuthFailed as exc:  # the store's credentials: every line fails the same way
                    for item in store_lines[index:]:
                        push.answers[item.pk] = ItemResult(
                            key=item.channel_line_id, ok=False, code=exc.code or "", message=str(exc)
                        )
                    break
                except ChannelError as exc:
                    push.answers[line.pk] = ItemResult(
                        key=line.channel_line_id, ok=False, code=exc.code or "", message=str(exc)
                    )
        finally:
            adapter.close()
    return push


def order_delay_notice(
    *,
    lines: Sequence[OrderLine],
    new_date: date,
    reason: str,
    user,
    detail: str = "",
    source: str = OrderEvent.Source.USER,
    adapter_factory=None,
) -> list[DelayResult]:
    """발송지연: tell the buyer the lines ship later, on ``new_date``.

    Pushed to the channel where it has an API for it; the channel's refusal leaves the line's date as
    it was, with the channel's message. Channels without such an API: the date is recorded here and
    the result says the channel does not support it (tell the buyer another way). One result per line.
    ``reason`` is a key of DELAY_REASONS (or free text), ``detail`` the text the buyer sees."""
    if not new_date or new_date <= timezone.localdate():
        raise ValidationError({"new_date": _("The new ship date must be after today.")})
    reason = (reason or "").strip()
    detail = (detail or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Choose a reason for the delay.")})
    if reason == "etc" and not detail:
        raise ValidationError({"detail": _("Describe the reason for the delay.")})
    results: list[DelayResult] = []
    ready = []
    for line in lines:
        if line.state not in SHIPPABLE:
            results.append(
                DelayResult(line.pk, line.order_id, False, "illegal", _("Only lines not yet sent can be delayed."))
            )
        else:
            ready.append(line)
    push = _push_delay(ready, new_date=new_date, reason=reason, detail=detail, adapter_factory=adapter_factory)
    reason_text = str(DELAY_REASONS.get(reason, reason))
    message = f"{reason_text}: {detail}" if detail else reason_text
    events = []
    with transaction.atomic():
        for line in ready:
            if line.pk in push.unsupported:
                result = DelayResult(
                    line.pk,
                    line.order_id,
                    True,
                    "not_supported",
                    _("Not supported by the channel: the new date is recorded here only; tell the buyer yourself."),
                )
            else:
                answer = push.answers[line.pk]
                _record_answer(line, answer)
                result = DelayResult(
                    line.pk, line.order_id, answer.ok, line.push_code, answer.message, pushed=answer.ok
                )
                if not answer.ok:
                    events.append(
                        event_build(
                            order_id=line.order_id,
                            line_id=line.pk,
                            kind="push_failed",
                            message=answer.message,
                            source=source,
                            user=user,
                            payload={"action": "delay_notice", "code": answer.code},
                        )
                    )
            if result.ok:
                events.append(
                    event_build(
                        order_id=line.order_id,
                        line_id=line.pk,
                        kind="delay_notice",
                        old=line.expected_ship_date or "",
                        new=new_date,
                        message=message,
                        source=source,
                        user=user,
                        payload={"reason": reason, "detail": detail, "pushed": result.pushed, "code": result.code},
                    )
                )
                line.expected_ship_date = new_date
                line.delay_reason = message[:200]
            results.append(result)
        OrderLine.objects.bulk_update(
            ready, ["expected_ship_date", "delay_reason", "push_code", "push_message", "pushed_at"], batch_size=500
        )
        OrderEvent.objects.bulk_create(events, batch_size=500)
    return results


# ---------------------------------------------------------------------------------------------
# Reads for the admin (selectors): constant queries per page
# ---------------------------------------------------------------------------------------------


def bundles_queryset():
    return Bundle.objects.all().order_by("-id")


def bundles_open(queryset):
    """Bundles with a line that can still ship."""
    return queryset.filter(Exists(OrderLine.objects.filter(bundle=OuterRef("pk"), state__in=SHIPPABLE)))


def bundles_sent(queryset):
    return queryset.filter(~Exists(OrderLine.objects.filter(bundle=OuterRef("pk"), state__in=SHIPPABLE)))


def bundles_search(queryset, text: str):
    """Bundle number (B12), channel order number, or the receiver's phone as usually written."""
    text = (text or "").strip()
    if not text:
        return queryset
    lines = OrderLine.objects.filter(bundle=OuterRef("pk"))
    condition = Q(Exists(lines.filter(order__channel_order_id=text)))
    match = re.fullmatch(r"[bB](\d{1,12})", text)
    if match:
        condition |= Q(pk=int(match.group(1)))
    digits = normalise_phone(text)
    if len(digits) >= 9 and re.fullmatch(r"[\d\s\-+()]+", text):
        spellings = _phone_spellings(digits)
        condition |= Q(
            Exists(lines.filter(Q(order__receiver_phone1__in=spellings) | Q(order__receiver_phone2__in=spellings)))
        )
    return queryset.filter(condition)


def _phone_spellings(digits: str) -> list[str]:
    """How a Korean mobile/landline number is usually written: 01012345678, 010-1234-5678, 010-123-4567."""
    spellings = {digits}
    if len(digits) == 11:
        spellings.add(f"{digits[:3]}-{digits[3:7]}-{digits[7:]}")
    if len(digits) == 10:
        spellings.update({f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", f"{digits[:2]}-{digits[2:6]}-{digits[6:]}"})
    if len(digits) == 12:  # 0504 safe numbers
        spellings.add(f"{digits[:4]}-{digits[4:8]}-{digits[8:]}")
    return sorted(spellings)


@dataclass
class BundleSummary:
    """What a list row or the bundle page shows of a bundle's lines, personal data masked."""

    receiver: str = ""
    phone: str = ""
    address: str = ""
    order_numbers: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    lines: int = 0
    to_ship: int = 0
    ship_by: date | None = None
    states: list[str] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return len(self.order_numbers)


def bundle_summaries(bundle_ids: Sequence[int]) -> dict[int, BundleSummary]:
    """One query for any number of bundles."""
    from modules.core.masking import mask_address, mask_name, mask_phone

    summaries: dict[int, BundleSummary] = {pk: BundleSummary() for pk in bundle_ids}
    rows = (
        OrderLine.objects.filter(bundle_id__in=list(bundle_ids))
        .order_by("bundle_id", "order_id", "id")
        .values_list(
            "bundle_id",
            "state",
            "expected_ship_date",
            "store__name",
            "order__channel_order_id",
            "order__receiver_name",
            "order__receiver_phone1",
            "order__address1",
            "order__address2",
        )
    )
    for bundle_id, state, ship_by, store, order_number, name, phone, address1, address2 in rows:
        summary = summaries[bundle_id]
        if not summary.lines:
            summary.receiver = mask_name(name)
            summary.phone = mask_phone(phone)
            summary.address = mask_address(address1, address2)
        summary.lines += 1
        if state in SHIPPABLE:
            summary.to_ship += 1
            if ship_by and (summary.ship_by is None or ship_by < summary.ship_by):
                summary.ship_by = ship_by
        if order_number not in summary.order_numbers:
            summary.order_numbers.append(order_number)
        if store not in summary.stores:
            summary.stores.append(store)
        if state not in summary.states:
            summary.states.append(state)
    return summaries


def bundle_page_data(bundle: Bundle) -> dict:
    """The bundle page: its lines, a masked summary, other open bundles of the same receiver, history."""
    lines = list(
        OrderLine.objects.filter(bundle=bundle).select_related("order", "store", "sku").order_by("order_id", "id")
    )
    summary = bundle_summaries([bundle.pk])[bundle.pk]
    digest = receiver_digest(receiver_of_order(lines[0].order)) if lines else ""
    same_receiver = []
    if digest:
        candidates = list(
            bundles_open(Bundle.objects.filter(key__startswith=f"{digest}/").exclude(pk=bundle.pk)).order_by("-id")[:20]
        )
        summaries = bundle_summaries([candidate.pk for candidate in candidates])
        same_receiver = [(candidate, summaries[candidate.pk]) for candidate in candidates]
    order_ids = sorted({line.order_id for line in lines})
    history = list(
        OrderEvent.objects.filter(order_id__in=order_ids, kind__in=[*EVENT_LABELS, "push_failed"])
        .select_related("user", "order", "line")
        .order_by("-id")[:50]
    )
    return {"lines": lines, "summary": summary, "same_receiver": same_receiver, "history": history}
