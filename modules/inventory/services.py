"""Every stock change goes through ``stock_apply``: the levels it touches are locked (SELECT … FOR
UPDATE in primary-key order on PostgreSQL; SQLite's single IMMEDIATE writer serialises the whole
transaction), checked, written and recorded as ledger movements in one transaction, and the SKUs
are marked for the channel allocation (``allocation``), which pushes new quantities after commit.

On top of it:
- ``stock_inbound`` / ``stock_expected_add`` / ``stock_expected_receive`` / ``stock_adjust`` /
  ``stock_direct_sale``: a person, an upload or an API client moving stock;
- ``lines_stock_follow``: order lines' stock follows their state — reserved while they wait to ship
  (when the company links orders to stock), out of the warehouse at the company's outbound point,
  released by a cancel before that, back in stock after a completed return (an exchange sends the
  replacement out again). It is idempotent: calling it twice for the same lines moves nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.catalog.models import SKU
from modules.shipping.models import Warehouse

from .models import AllocationDirty, LineStock, MovementKind, SkuComponent, StockLevel, StockMovement

LEVEL_UPDATE_BATCH = 100  # SQLite evaluates bulk_update's CASE per row: keep batches small


class StockRefused(ValidationError):
    """A stock change that would break a rule (negative stock, unknown SKU, a set SKU's own stock)."""


@dataclass(frozen=True)
class Delta:
    """One change of one level, as the ledger records it."""

    sku_id: int
    warehouse_id: int
    kind: str
    on_hand: int = 0
    reserved: int = 0
    expected: int = 0
    reason: str = ""
    reference: str = ""
    line_id: int | None = None


@dataclass
class Levels:
    """The locked levels of a transaction, keyed by (sku_id, warehouse_id), and the deltas applied."""

    rows: dict[tuple[int, int], StockLevel]
    deltas: list[Delta] = field(default_factory=list)
    changed: set[tuple[int, int]] = field(default_factory=set)

    def get(self, sku_id: int, warehouse_id: int) -> StockLevel:
        return self.rows[(sku_id, warehouse_id)]

    def apply(self, delta: Delta) -> StockLevel:
        level = self.rows[(delta.sku_id, delta.warehouse_id)]
        level.on_hand += delta.on_hand
        level.reserved += delta.reserved
        level.expected += delta.expected
        self.deltas.append(delta)
        self.changed.add((delta.sku_id, delta.warehouse_id))
        return level


def company_stock_settings():
    from modules.core.models import CompanySettings

    return CompanySettings.load()


def active_warehouse_ids() -> list[int]:
    """Warehouses whose stock counts, the main one first."""
    return list(Warehouse.objects.filter(active=True).order_by("-is_main", "pk").values_list("pk", flat=True))


def levels_lock(*, keys: Iterable[tuple[int, int]]) -> Levels:
    """Create the missing levels of ``keys`` and lock them all, in primary-key order (no deadlocks).

    Must run inside a transaction. Concurrent creators of the same level meet on the unique
    constraint (ignore_conflicts) and then wait for each other's lock."""
    keys = set(keys)
    if not keys:
        return Levels(rows={})
    sku_ids = {sku for sku, _w in keys}
    warehouse_ids = {wh for _s, wh in keys}
    existing = set(
        StockLevel.objects.filter(sku_id__in=sku_ids, warehouse_id__in=warehouse_ids)
        .order_by()
        .values_list("sku_id", "warehouse_id")
    )
    missing = keys - existing
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(sku_id=sku, warehouse_id=wh) for sku, wh in sorted(missing)], ignore_conflicts=True
        )
    rows = {
        (level.sku_id, level.warehouse_id): level
        for level in StockLevel.objects.select_for_update()
        .filter(sku_id__in=sku_ids, warehouse_id__in=warehouse_ids)
        .order_by("pk")
    }
    return Levels(rows={key: rows[key] for key in keys})


def levels_write(levels: Levels, *, user=None) -> list[StockMovement]:
    """Write the changed levels and record one movement per delta; mark the SKUs for allocation."""
    if not levels.deltas:
        return []
    now = timezone.now()
    changed = [levels.rows[key] for key in sorted(levels.changed)]
    for level in changed:
        level.updated_at = now
    StockLevel.objects.bulk_update(
        changed, ["on_hand", "reserved", "expected", "updated_at"], batch_size=LEVEL_UPDATE_BATCH
    )
    # Each movement carries the level right after it: replay the deltas in order from the start values.
    running = {key: [level.on_hand, level.reserved] for key, level in levels.rows.items()}
    for delta in reversed(levels.deltas):
        values = running[(delta.sku_id, delta.warehouse_id)]
        values[0] -= delta.on_hand
        values[1] -= delta.reserved
    acting_user = user if user is not None and getattr(user, "is_authenticated", False) else None
    movements = []
    for delta in levels.deltas:
        values = running[(delta.sku_id, delta.warehouse_id)]
        values[0] += delta.on_hand
        values[1] += delta.reserved
        movements.append(
            StockMovement(
                sku_id=delta.sku_id,
                warehouse_id=delta.warehouse_id,
                kind=delta.kind,
                on_hand_delta=delta.on_hand,
                reserved_delta=delta.reserved,
                expected_delta=delta.expected,
                on_hand_after=values[0],
                reserved_after=values[1],
                reason=delta.reason[:200],
                reference=delta.reference[:200],
                line_id=delta.line_id,
                user=acting_user,
            )
        )
    StockMovement.objects.bulk_create(movements, batch_size=500)
    allocation_mark(sku_ids={sku for sku, _w in levels.changed})
    return movements


def allocation_mark(*, sku_ids: Iterable[int]) -> None:
    """Mark SKUs whose availability changed; after commit the allocation pushes their new quantities.

    The mark is a row written in the same transaction as the change, so a crash between the change
    and the push loses nothing: the next allocation run still finds it."""
    sku_ids = set(sku_ids)
    if not sku_ids:
        return
    now = timezone.now()
    AllocationDirty.objects.bulk_create(
        [AllocationDirty(sku_id=sku, marked_at=now) for sku in sorted(sku_ids)], ignore_conflicts=True
    )
    from .allocation import allocation_schedule

    transaction.on_commit(allocation_schedule)


# ---------------------------------------------------------------------------------------------
# Stock moved by a person, an upload or an API client
# ---------------------------------------------------------------------------------------------


def _sku_label(sku: SKU) -> str:
    return sku.seller_code or str(sku.pk)


def _check_plain(sku: SKU) -> None:
    if SkuComponent.objects.filter(set_sku=sku).exists():
        raise StockRefused(
            _("%(sku)s is a set SKU: its stock is its components' stock; move the components instead.")
            % {"sku": _sku_label(sku)}
        )


def _check_not_negative(level: StockLevel, sku: SKU, warehouse: Warehouse) -> None:
    if level.on_hand < 0:
        raise StockRefused(
            _("%(sku)s at %(warehouse)s: the stock would go below zero (%(after)s); negative stock is not allowed.")
            % {"sku": _sku_label(sku), "warehouse": warehouse.name, "after": level.on_hand}
        )
    if level.available < 0:
        raise StockRefused(
            _(
                "%(sku)s at %(warehouse)s: %(reserved)s of the stock is reserved for orders; "
                "the change would leave %(available)s available."
            )
            % {
                "sku": _sku_label(sku),
                "warehouse": warehouse.name,
                "reserved": level.reserved,
                "available": level.available,
            }
        )


@transaction.atomic
def stock_apply(*, deltas: Sequence[Delta], user=None, allow_negative: bool | None = None) -> list[StockMovement]:
    """Apply deltas as one transaction; refuse it whole when any level would break a rule.

    On hand may not go below zero, nor below what is reserved, unless the company allows negative
    stock; reserved and expected never go below zero."""
    if allow_negative is None:
        allow_negative = company_stock_settings().allow_negative_stock
    levels = levels_lock(keys={(d.sku_id, d.warehouse_id) for d in deltas})
    before = {key: (level.on_hand, level.reserved, level.expected) for key, level in levels.rows.items()}
    for delta in deltas:
        levels.apply(delta)
    skus = SKU.objects.in_bulk({d.sku_id for d in deltas})
    warehouses = Warehouse.objects.in_bulk({d.warehouse_id for d in deltas})
    for key, level in levels.rows.items():
        sku, warehouse = skus[key[0]], warehouses[key[1]]
        if level.reserved < 0 or level.expected < 0:
            raise StockRefused(
                _("%(sku)s at %(warehouse)s: more than is reserved or expected would be taken.")
                % {"sku": _sku_label(sku), "warehouse": warehouse.name}
            )
        # Only a change that lowers what is there is checked: a level already below zero (allowed
        # earlier) can still take an inbound.
        on_hand_before, reserved_before, _expected = before[key]
        lowered = level.on_hand < on_hand_before or level.available < on_hand_before - reserved_before
        if lowered and not allow_negative:
            _check_not_negative(level, sku, warehouse)
    movements = levels_write(levels, user=user)
    shorts_retry(sku_ids={d.sku_id for d in deltas if d.on_hand > 0 or d.reserved < 0})
    return movements


def _positive(quantity: int, what: str) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise StockRefused(_("%(what)s: the quantity must be a whole number above zero.") % {"what": what})
    return quantity


def stock_inbound(
    *, sku: SKU, warehouse: Warehouse, quantity: int, reason: str = "", reference: str = "", user=None
) -> list[StockMovement]:
    """입고: goods arrived."""
    _check_plain(sku)
    _positive(quantity, _sku_label(sku))
    delta = Delta(sku.pk, warehouse.pk, MovementKind.INBOUND, on_hand=quantity, reason=reason, reference=reference)
    return stock_apply(deltas=[delta], user=user)


def stock_expected_add(
    *, sku: SKU, warehouse: Warehouse, quantity: int, reason: str = "", reference: str = "", user=None
) -> list[StockMovement]:
    """입고 예정: goods on their way (a negative quantity takes back an expected inbound)."""
    _check_plain(sku)
    if not quantity:
        raise StockRefused(_("%(what)s: the quantity must not be zero.") % {"what": _sku_label(sku)})
    delta = Delta(sku.pk, warehouse.pk, MovementKind.EXPECTED, expected=quantity, reason=reason, reference=reference)
    return stock_apply(deltas=[delta], user=user)


def stock_expected_receive(
    *, sku: SKU, warehouse: Warehouse, quantity: int, reason: str = "", reference: str = "", user=None
) -> list[StockMovement]:
    """Expected goods arrived: they move from expected to on hand (refused beyond what is expected)."""
    _check_plain(sku)
    _positive(quantity, _sku_label(sku))
    delta = Delta(
        sku.pk,
        warehouse.pk,
        MovementKind.RECEIVE,
        on_hand=quantity,
        expected=-quantity,
        reason=reason,
        reference=reference,
    )
    return stock_apply(deltas=[delta], user=user)


def stock_adjust(
    *, sku: SKU, warehouse: Warehouse, delta: int, reason: str, user=None, reference: str = ""
) -> list[StockMovement]:
    """재고 조정 with a reason: a count found more or less than the books say."""
    _check_plain(sku)
    if not reason or not reason.strip():
        raise StockRefused(_("%(sku)s: an adjustment needs a reason.") % {"sku": _sku_label(sku)})
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise StockRefused(
            _("%(sku)s: the adjustment must be a whole number other than zero.") % {"sku": _sku_label(sku)}
        )
    change = Delta(
        sku.pk, warehouse.pk, MovementKind.ADJUSTMENT, on_hand=delta, reason=reason.strip(), reference=reference
    )
    return stock_apply(deltas=[change], user=user)


def stock_set_count(
    *, sku: SKU, warehouse: Warehouse, counted: int, reason: str, user=None, reference: str = ""
) -> list[StockMovement]:
    """An adjustment to a counted quantity (실사): the difference to the books, if any.

    The level is read under its row lock, in the transaction that writes the difference, so an order
    reserved or shipped meanwhile is not overwritten by a difference computed from a stale count."""
    with transaction.atomic():
        current = levels_lock(keys=[(sku.pk, warehouse.pk)]).get(sku.pk, warehouse.pk).on_hand
        if counted == current:
            return []
        return stock_adjust(
            sku=sku, warehouse=warehouse, delta=counted - current, reason=reason, user=user, reference=reference
        )


def components_of(sku_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """Set SKU id -> [(component id, quantity per set)] for the set SKUs among ``sku_ids``."""
    parts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for set_id, component_id, quantity in (
        SkuComponent.objects.filter(set_sku_id__in=set(sku_ids))
        .order_by("set_sku_id", "id")
        .values_list("set_sku_id", "component_id", "quantity")
    ):
        parts[set_id].append((component_id, quantity))
    return dict(parts)


def _pick_warehouse(levels: Levels, needs: dict[int, int], warehouse_ids: list[int]) -> int | None:
    """The first warehouse (main first) where every SKU in ``needs`` has enough available."""
    for wh in warehouse_ids:
        if all(levels.get(sku, wh).available >= qty for sku, qty in needs.items()):
            return wh
    return None


@transaction.atomic
def stock_direct_sale(
    *, sku: SKU, quantity: int, channel: str, reference: str, warehouse: Warehouse | None = None, user=None
) -> list[StockMovement]:
    """A sale made outside the marketplaces (a POS, a shop counter): the goods leave at once.

    A set SKU takes its components. Without a warehouse the first with enough (main first) is used;
    refused when none has enough, unless the company allows negative stock."""
    _positive(quantity, _sku_label(sku))
    parts = components_of([sku.pk]).get(sku.pk) or [(sku.pk, 1)]
    needs = {component: per * quantity for component, per in parts}
    warehouse_ids = [warehouse.pk] if warehouse is not None else active_warehouse_ids()
    if not warehouse_ids:
        raise StockRefused(_("No active warehouse holds stock."))
    levels = levels_lock(keys={(s, wh) for s in needs for wh in warehouse_ids})
    chosen = _pick_warehouse(levels, needs, warehouse_ids)
    if chosen is None:
        if not company_stock_settings().allow_negative_stock:
            short = next(
                (s for s, qty in needs.items() if sum(levels.get(s, wh).available for wh in warehouse_ids) < qty),
                next(iter(needs)),
            )
            total = sum(max(levels.get(short, wh).available, 0) for wh in warehouse_ids)
            raise StockRefused(
                _("%(sku)s: %(quantity)s asked, not enough available in one warehouse (%(available)s in all).")
                % {"sku": _sku_label(sku), "quantity": needs[short], "available": total}
            )
        chosen = warehouse_ids[0]
    reason = channel[:200]
    for component, qty in needs.items():
        levels.apply(
            Delta(component, chosen, MovementKind.DIRECT_SALE, on_hand=-qty, reason=reason, reference=reference)
        )
    return levels_write(levels, user=user)


# ---------------------------------------------------------------------------------------------
# Order lines
# ---------------------------------------------------------------------------------------------

# LineStock transitions: (current state or None, wanted) -> what moves. Anything not listed moves
# nothing (e.g. a released row asked to be released again).
S = LineStock.State


def _outbound_state_rank(point: str) -> int:
    from modules.orders.status import RANK, OrderState

    if point == "invoice_sent":
        return RANK[OrderState.INVOICE_SENT]
    if point == "label_printed":
        # Printing is checked separately; a sent invoice means the parcel left in any case.
        return RANK[OrderState.INVOICE_SENT]
    return RANK[OrderState.INVOICE_REGISTERED]


def wanted_state(*, line_state: str, current: str | None, printed: bool, point: str) -> str | None:
    """What the line's stock should be, from its order state (None: it holds nothing)."""
    from modules.orders.status import RANK, OrderState

    if line_state in RANK and line_state != OrderState.PENDING_PAYMENT:
        is_out = RANK[line_state] >= _outbound_state_rank(point) or (point == "label_printed" and printed)
        if current in (S.OUT, S.RETURNED) or is_out:
            # Goods that left stay left, even if the channel later reports an earlier state.
            return S.OUT if current != S.RETURNED else S.RETURNED
        return S.HELD
    if line_state == OrderState.CANCELLED:
        # A cancel after the parcel left brings it back (intercepted or refused).
        return S.RETURNED if current in (S.OUT, S.RETURNED) else (S.RELEASED if current else None)
    if line_state == OrderState.RETURNED:
        return S.RETURNED if current in (S.OUT, S.RETURNED) else (S.RELEASED if current else None)
    if line_state == OrderState.EXCHANGED:
        return "exchanged"
    return S.RELEASED if current in (S.HELD, S.SHORT) else None


@dataclass
class FollowResult:
    reserved: int = 0
    short: int = 0
    out: int = 0
    released: int = 0
    returned: int = 0
    exchanged: int = 0


def _line_label(line) -> str:
    return f"주문 {line.order.channel_order_id}" if getattr(line, "order", None) else f"line {line.pk}"


@transaction.atomic
def lines_stock_follow(*, line_ids: Iterable[int], user=None, retry_shorts: bool = True) -> FollowResult:
    """Bring the stock of these order lines in line with their states (see the module doc)."""
    from modules.orders.models import OrderEvent, OrderLine
    from modules.orders.services import event_build

    result = FollowResult()
    line_ids = sorted(set(line_ids))
    settings = company_stock_settings()
    if not line_ids or not (settings.stock_management_enabled and settings.order_stock_link):
        return result
    point = settings.stock_outbound_point
    lines = list(
        OrderLine.objects.filter(pk__in=line_ids)
        .select_related("order")
        .only("pk", "sku_id", "quantity", "state", "bundle_id", "order_id", "order__channel_order_id")
        .order_by("pk")
    )
    rows_of: dict[int, dict[int, LineStock]] = defaultdict(dict)
    for row in LineStock.objects.filter(line_id__in=line_ids).order_by("pk"):
        rows_of[row.line_id][row.sku_id] = row
    parts = components_of({line.sku_id for line in lines if line.sku_id})
    printed = set()
    if point == "label_printed":
        from modules.shipping.models import Shipment

        printed = set(
            Shipment.objects.filter(bundle_id__in={ln.bundle_id for ln in lines if ln.bundle_id}, print_count__gt=0)
            .order_by()
            .values_list("bundle_id", flat=True)
        )

    # What each line should hold: {line: {sku: (quantity, wanted state)}}
    plans: list[tuple] = []
    sku_ids: set[int] = set()
    for line in lines:
        current_rows = rows_of.get(line.pk, {})
        needs = {}
        if line.sku_id and line.quantity > 0:
            for component, per in parts.get(line.sku_id) or [(line.sku_id, 1)]:
                needs[component] = per * line.quantity
        current = _line_current(current_rows)
        wanted = wanted_state(line_state=line.state, current=current, printed=line.bundle_id in printed, point=point)
        if not needs and not current_rows:
            continue
        plans.append((line, current_rows, needs, current, wanted))
        sku_ids.update(needs)
        sku_ids.update(current_rows)
    warehouse_ids = active_warehouse_ids()
    if not plans or not warehouse_ids:
        # No warehouse yet: stock is not set up, there is nothing to reserve against.
        return result
    already_short = {line.pk for line, _rows, _needs, current, _w in plans if current == S.SHORT}
    keys = {(sku, wh) for sku in sku_ids for wh in warehouse_ids}
    keys |= {(row.sku_id, row.warehouse_id) for _l, rows, *_ in plans for row in rows.values() if row.warehouse_id}
    levels = levels_lock(keys=keys)
    new_rows: list[LineStock] = []
    changed_rows: dict[int, LineStock] = {}
    events = []
    short_lines = []
    for line, current_rows, needs, current, wanted in plans:
        ref = _line_label(line)

        def move(
            row: LineStock, kind: str, *, on_hand: int = 0, reserved: int = 0, reason: str = "", ref=ref, line=line
        ) -> None:
            levels.apply(
                Delta(
                    row.sku_id,
                    row.warehouse_id,
                    kind,
                    on_hand=on_hand,
                    reserved=reserved,
                    reason=reason,
                    reference=ref,
                    line_id=line.pk,
                )
            )

        # A row whose SKU the line no longer needs (re-matched to another SKU, or quantity changed)
        # gives back what it held first.
        stale = [
            row
            for sku, row in current_rows.items()
            if row.state in (S.HELD, S.SHORT) and (sku not in needs or needs[sku] != row.quantity)
        ]
        for row in stale:
            if row.state == S.HELD:
                move(row, MovementKind.RELEASE, reserved=-row.quantity, reason=_("SKU or quantity changed"))
                result.released += 1
            row.state = S.RELEASED
            changed_rows[id(row)] = row
            if row.sku_id not in needs:
                del current_rows[row.sku_id]
        if stale:
            current = _line_current(current_rows)

        if wanted == S.HELD:
            if current in (None, S.SHORT, S.RELEASED) or not current_rows:
                chosen = _pick_warehouse(levels, needs, warehouse_ids) if warehouse_ids else None
                for sku, qty in needs.items():
                    row = current_rows.get(sku)
                    if row is None:
                        row = LineStock(line_id=line.pk, sku_id=sku, quantity=qty, state=S.SHORT)
                        current_rows[sku] = row
                        new_rows.append(row)
                    elif id(row) not in changed_rows:
                        changed_rows[id(row)] = row
                    row.quantity = qty
                    if chosen is None:
                        row.state, row.warehouse_id = S.SHORT, None
                    else:
                        row.state, row.warehouse_id = S.HELD, chosen
                        move(row, MovementKind.RESERVE, reserved=qty)
                if chosen is None:
                    result.short += 1
                    short_lines.append(line)
                else:
                    result.reserved += 1
        elif wanted in (S.OUT, "exchanged"):
            if current in (None, S.SHORT, S.RELEASED, S.HELD):
                fallback = _pick_warehouse(levels, needs, warehouse_ids) or (
                    warehouse_ids[0] if warehouse_ids else None
                )
                for sku, qty in needs.items():
                    row = current_rows.get(sku)
                    if row is None:
                        row = LineStock(line_id=line.pk, sku_id=sku, quantity=qty, state=S.SHORT)
                        current_rows[sku] = row
                        new_rows.append(row)
                    elif id(row) not in changed_rows:
                        changed_rows[id(row)] = row
                    if row.state == S.HELD:
                        move(row, MovementKind.OUTBOUND, on_hand=-row.quantity, reserved=-row.quantity)
                    elif fallback is not None:
                        # Shipped without a reservation (stock was short): the goods left all the same.
                        row.warehouse_id = fallback
                        move(row, MovementKind.OUTBOUND, on_hand=-qty, reason=_("shipped without a reservation"))
                    row.state = S.OUT
                result.out += 1
                current = S.OUT
            if wanted == "exchanged" and current == S.OUT:
                for row in current_rows.values():
                    if row.state != S.OUT or not row.warehouse_id:
                        continue
                    move(row, MovementKind.RETURN, on_hand=row.quantity, reason=_("exchange: item back"))
                    move(row, MovementKind.OUTBOUND, on_hand=-row.quantity, reason=_("exchange: replacement out"))
                    row.state = "exchanged"
                    if id(row) not in changed_rows:
                        changed_rows[id(row)] = row
                result.exchanged += 1
        elif wanted == S.RELEASED:
            released = False
            for row in current_rows.values():
                if row.state == S.HELD:
                    move(row, MovementKind.RELEASE, reserved=-row.quantity)
                    released = True
                if row.state in (S.HELD, S.SHORT):
                    row.state = S.RELEASED
                    if id(row) not in changed_rows:
                        changed_rows[id(row)] = row
            result.released += int(released)
        elif wanted == S.RETURNED:
            returned = False
            for row in current_rows.values():
                if row.state == S.OUT and row.warehouse_id:
                    move(row, MovementKind.RETURN, on_hand=row.quantity)
                    returned = True
                elif row.state == S.HELD:
                    move(row, MovementKind.RELEASE, reserved=-row.quantity)
                if row.state in (S.OUT, S.HELD, S.SHORT):
                    row.state = S.RETURNED if row.state == S.OUT else S.RELEASED
                    if id(row) not in changed_rows:
                        changed_rows[id(row)] = row
            result.returned += int(returned)

    movements = levels_write(levels, user=user)
    LineStock.objects.bulk_create(new_rows, batch_size=500)
    existing_rows = [row for row in changed_rows.values() if row.pk]
    if existing_rows:
        now = timezone.now()
        for row in existing_rows:
            row.updated_at = now
        LineStock.objects.bulk_update(existing_rows, ["state", "warehouse", "quantity", "updated_at"], batch_size=200)
    # A line that could not be reserved is recorded once (the 재고 부족 list shows it); it is tried
    # again whenever stock of its SKU comes in or is freed.
    for line in short_lines:
        if line.pk in already_short:
            continue
        events.append(
            event_build(
                order_id=line.order_id,
                line_id=line.pk,
                kind="stock_short",
                message="재고 부족: 할당하지 못했습니다. 입고되면 다시 할당합니다.",
                payload={"sku_id": line.sku_id, "quantity": line.quantity},
            )
        )
    if movements:
        kinds = {
            MovementKind.RESERVE: "stock_reserved",
            MovementKind.RELEASE: "stock_released",
            MovementKind.OUTBOUND: "stock_out",
            MovementKind.RETURN: "stock_returned",
        }
        seen = set()
        lines_by_id = {line.pk: line for line in lines}
        for movement in movements:
            kind = kinds.get(movement.kind)
            if kind is None or movement.line_id is None or (movement.line_id, kind) in seen:
                continue
            seen.add((movement.line_id, kind))
            line = lines_by_id[movement.line_id]
            events.append(
                event_build(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind=kind,
                    new=str(movement.warehouse_id),
                    message=_stock_event_message(kind, movement),
                    user=user,
                    payload={
                        "sku_id": movement.sku_id,
                        "warehouse_id": movement.warehouse_id,
                        "on_hand": movement.on_hand_delta,
                        "reserved": movement.reserved_delta,
                    },
                )
            )
    OrderEvent.objects.bulk_create(events, batch_size=500)
    if retry_shorts:
        freed = {m.sku_id for m in movements if m.reserved_delta < 0 or m.on_hand_delta > 0}
        shorts_retry(sku_ids=freed, exclude=set(line_ids))
    return result


def _stock_event_message(kind: str, movement: StockMovement) -> str:
    texts = {
        "stock_reserved": "재고 할당 {qty}개",
        "stock_released": "재고 할당 해제 {qty}개",
        "stock_out": "재고 출고 {qty}개",
        "stock_returned": "반품 재입고 {qty}개",
    }
    qty = abs(movement.reserved_delta or movement.on_hand_delta)
    return texts[kind].format(qty=qty)


def _line_current(rows: dict[int, LineStock]) -> str | None:
    """One state for the line from its rows (all components move together)."""
    if not rows:
        return None
    states = {row.state for row in rows.values()}
    for state in ("exchanged", S.RETURNED, S.OUT, S.HELD, S.SHORT, S.RELEASED):
        if state in states:
            return state
    return None


def shorts_retry(*, sku_ids: Iterable[int], exclude: set[int] | None = None, limit: int = 500) -> None:
    """Lines that were short of these SKUs try again, oldest first (stock came in or was freed)."""
    sku_ids = set(sku_ids)
    if not sku_ids:
        return
    ids = list(
        LineStock.objects.filter(sku_id__in=sku_ids, state=S.SHORT)
        .exclude(line_id__in=exclude or ())
        .order_by("line_id")
        .values_list("line_id", flat=True)
        .distinct()[:limit]
    )
    if ids:
        lines_stock_follow(line_ids=ids, retry_shorts=False)


def shipments_stock_follow(*, shipment_ids: Iterable[int], user=None) -> FollowResult:
    """The lines of these shipments follow (a printed label is the outbound point for some companies)."""
    from modules.orders.models import OrderLine

    ids = list(OrderLine.objects.filter(bundle__shipment__in=set(shipment_ids)).values_list("pk", flat=True))
    return lines_stock_follow(line_ids=ids, user=user)
