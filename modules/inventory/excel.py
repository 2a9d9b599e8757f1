"""Stock by Excel: inbound (입고 업로드, kind "stock_inbound") and adjustment (재고 조정 업로드, kind
"stock_adjustment"), each uploaded through the Excel engine's pages (upload → preview with per-row errors →
confirm all rows or the valid ones only), and the current stock downloaded in the adjustment layout so a
seller can fill in what was counted and upload the same file back.

What a row means
    * SKU 코드: the SKU's seller code, or its barcode (a seller code wins when a code is both). A set SKU is
      refused: its stock is its components' stock.
    * 창고: a warehouse by name (spaces and case ignored); empty means the main warehouse. An inactive warehouse
      is refused, and so is a name two warehouses share.
    * Inbound: 수량 (a whole number above zero) with 구분 입고 (the default: goods arrived), 입고예정 (goods on
      their way; a negative quantity takes an expected inbound back) or 입고확정 (expected goods arrived: they
      move from expected to on hand); 비고 and 참조번호 go to the ledger.
    * Adjustment: either 조정 수량 (± a whole number other than zero) or 실사 수량 (the counted quantity: the
      difference to the books is the adjustment), with a 사유 (required when the row changes something). A row
      with neither is left alone, so a downloaded stock list filled in for a few SKUs goes back up as it is.
      A counted quantity must be the only row for its SKU and warehouse in the file (two counts, or a count and
      an adjustment, would be ambiguous); several ± adjustments add up.
    * 상품명, 옵션, 현재고, 할당, 가용재고 are written by the download and ignored on upload.

The preview checks every row against the current levels, adding the file's own earlier rows: an adjustment
that would take on hand below zero, or below what is reserved for orders, is refused with the SKU named unless
the company allows negative stock (환경설정); taking back or receiving more than is expected is always refused.
Each chunk costs a fixed number of queries (SKUs by code, their set components, levels; the warehouses and the
company setting once per file), never one per row.

The writes go through ``services.stock_inbound`` / ``stock_expected_add`` / ``stock_expected_receive`` /
``stock_adjust`` / ``stock_set_count`` inside the engine's transaction; what a service refuses at write time
(the stock changed since the preview) becomes a row error (``RowsRejected``): all-or-nothing then writes
nothing, valid-rows-only writes the others.

Column titles are Korean literals: they are a file format (see modules.spreadsheets.layouts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.catalog.models import SKU
from modules.shipping.models import Warehouse
from modules.spreadsheets.cells import CellError, parse_text
from modules.spreadsheets.cells import ValueType as T
from modules.spreadsheets.importers import ImportContext, ImportCounts, Importer, ImportRow, RowsRejected
from modules.spreadsheets.layouts import FieldSpec, normalise_title, register_fields, register_importer, register_kind

from .models import SkuComponent, StockLevel

INBOUND_KIND = "stock_inbound"
ADJUSTMENT_KIND = "stock_adjustment"
AREA = "inventory"
PLAN_KEY = "_stock"  # the row's resolved change, kept in ``row.values`` from validate to preview / apply
STATE_KEY = "inventory_excel"  # per-file state in ``ImportContext.options``: levels, earlier rows
EXPORT_BATCH = 1000

# 구분 of an inbound row: the words a seller may write (compared without spaces, case-folded).
INBOUND, EXPECTED, RECEIVE = "inbound", "expected", "receive"
INBOUND_WORDS = {
    INBOUND: ("입고", "inbound"),
    EXPECTED: ("입고예정", "예정", "expected"),
    RECEIVE: ("입고확정", "예정입고", "예정분입고", "receive"),
}
_INBOUND_LOOKUP = {normalise_title(word): key for key, words in INBOUND_WORDS.items() for word in words}
ADJUST, COUNT = "adjust", "count"


# Fields -----------------------------------------------------------------------------------------------


def parse_inbound_kind(value: Any) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    found = _INBOUND_LOOKUP.get(normalise_title(text))
    if found is None:
        raise CellError(
            _("“%(value)s” is not a kind of inbound: write 입고, 입고예정 or 입고확정.") % {"value": text[:40]}
        )
    return found


def _ignored(value: Any) -> None:
    """Columns the download writes for the reader (product name, current stock): not read on upload."""


def _sku_code_field() -> FieldSpec:
    return FieldSpec(
        "sku_code",
        "SKU 코드",
        T.TEXT,
        required=True,
        help=gettext_lazy("The SKU's seller code, or its barcode."),
        width=20,
    )


def _warehouse_field() -> FieldSpec:
    return FieldSpec(
        "warehouse", "창고", T.TEXT, help=gettext_lazy("The warehouse's name; empty: the main warehouse."), width=16
    )


def _reference_field() -> FieldSpec:
    return FieldSpec(
        "reference",
        "참조번호",
        T.TEXT,
        help=gettext_lazy("A purchase order, delivery note or count sheet number, kept in the stock ledger."),
    )


def inbound_fields() -> list[FieldSpec]:
    return [
        _sku_code_field(),
        _warehouse_field(),
        FieldSpec("quantity", "수량", T.INT, required=True, help=gettext_lazy("Units, a whole number above zero.")),
        FieldSpec(
            "inbound_kind",
            "구분",
            T.TEXT,
            parser=parse_inbound_kind,
            help=gettext_lazy(
                "입고 (arrived, the default), 입고예정 (on the way; a negative quantity takes it back) or 입고확정 "
                "(expected goods arrived)."
            ),
        ),
        FieldSpec("reason", "비고", T.TEXT, help=gettext_lazy("A note kept in the stock ledger."), width=30),
        _reference_field(),
    ]


def adjustment_fields() -> list[FieldSpec]:
    ignored = gettext_lazy("Written by the download; ignored on upload.")
    return [
        _sku_code_field(),
        FieldSpec("product_name", "상품명", T.TEXT, parser=_ignored, help=ignored, width=40),
        FieldSpec("option", "옵션", T.TEXT, parser=_ignored, help=ignored, width=20),
        _warehouse_field(),
        FieldSpec("on_hand", "현재고", T.INT, parser=_ignored, help=ignored),
        FieldSpec("reserved", "할당", T.INT, parser=_ignored, help=ignored),
        FieldSpec("available", "가용재고", T.INT, parser=_ignored, help=ignored),
        FieldSpec(
            "delta",
            "조정 수량",
            T.INT,
            help=gettext_lazy("Units to add (+) or take away (−); or fill in 실사 수량 instead."),
        ),
        FieldSpec(
            "counted",
            "실사 수량",
            T.INT,
            help=gettext_lazy("The quantity counted: the stock is adjusted to it."),
        ),
        FieldSpec(
            "reason",
            "사유",
            T.TEXT,
            help=gettext_lazy("Why the stock changes (e.g. 파손, 분실, 재고실사): required for every change."),
            width=30,
        ),
        _reference_field(),
    ]


# The current stock as rows of the adjustment layout ----------------------------------------------------


@dataclass(slots=True)
class StockRow:
    """One SKU at one warehouse as a row of the adjustment list (attribute = field key)."""

    sku_code: str
    product_name: str
    option: str
    warehouse: str
    on_hand: int = 0
    reserved: int = 0
    available: int = 0
    delta: int | None = None
    counted: int | None = None
    reason: str = ""
    reference: str = ""


def _stock_row(sku: SKU, warehouse: Warehouse, level: StockLevel | None) -> StockRow:
    on_hand, reserved = (level.on_hand, level.reserved) if level is not None else (0, 0)
    return StockRow(
        sku_code=sku.seller_code,
        product_name=sku.product.name,
        option=sku.option_label,
        warehouse=warehouse.name,
        on_hand=on_hand,
        reserved=reserved,
        available=on_hand - reserved,
    )


def stock_count_rows(*, levels: QuerySet[StockLevel] | None = None, batch: int = EXPORT_BATCH) -> Iterator[StockRow]:
    """The rows of the stock download (재고 실사표), for ``spreadsheet_export(kind="stock_adjustment", …)``.

    ``levels``: the levels a stock list shows (one row each). By default every SKU that is not a set, at each
    active warehouse where it has stock (main warehouse first), and at the main warehouse when it has none
    yet, so a new SKU can be counted too. A fixed number of queries per ``batch`` SKUs or levels."""
    if levels is not None:
        queryset = levels.select_related("sku__product", "warehouse").order_by("sku_id", "warehouse_id")
        for level in queryset.iterator(chunk_size=batch):
            if level.warehouse.active:
                yield _stock_row(level.sku, level.warehouse, level)
        return
    warehouses = list(Warehouse.objects.filter(active=True).order_by("-is_main", "pk"))
    if not warehouses:
        return
    order = {wh.pk: index for index, wh in enumerate(warehouses)}
    main = warehouses[0]
    is_set = Exists(SkuComponent.objects.filter(set_sku=OuterRef("pk")))
    ids = list(SKU.objects.filter(~is_set).order_by("product_id", "sort_order", "id").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        skus = SKU.objects.select_related("product").in_bulk(chunk)
        levels_of: dict[int, list[StockLevel]] = {}
        for level in StockLevel.objects.filter(sku_id__in=chunk, warehouse_id__in=order).order_by():
            levels_of.setdefault(level.sku_id, []).append(level)
        for pk in chunk:
            sku = skus[pk]
            found = sorted(levels_of.get(pk, []), key=lambda level: order[level.warehouse_id])
            if not found:
                yield _stock_row(sku, main, None)
            for level in found:
                yield _stock_row(sku, warehouses[order[level.warehouse_id]], level)


# Upload -----------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What one valid row will do."""

    sku: SKU
    warehouse: Warehouse
    action: str  # INBOUND / EXPECTED / RECEIVE / ADJUST / COUNT
    quantity: int  # the inbound quantity, the ± adjustment, or the counted quantity
    column: str  # the quantity's column, for errors found at write time
    reason: str = ""
    reference: str = ""
    on_hand: int = 0  # what the row moves, as the checks count it
    expected: int = 0
    change: str = "update"  # or "unchanged"

    @property
    def key(self) -> tuple[int, int]:
        return (self.sku.pk, self.warehouse.pk)


@dataclass
class _FileState:
    """What the checks of one file carry from chunk to chunk."""

    allow_negative: bool
    warehouses: dict[str, list[Warehouse]]  # normalised name -> warehouses
    main: Warehouse | None
    levels: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # -> [on hand, reserved, expected]
    seen: dict[tuple[int, int], tuple[int, str]] = field(default_factory=dict)  # -> (first row, action)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _sku_label(sku: SKU) -> str:
    return sku.seller_code or str(sku.pk)


class _StockImporter(Importer):
    """The checks and writes both stock kinds share; the kinds differ in what a row asks for (``_plan``)."""

    chunk_size = 1000
    quantity_fields: tuple[str, ...] = ()

    # Per-file state --------------------------------------------------------------------------------

    def _state(self, context: ImportContext) -> _FileState:
        state = context.options.get(STATE_KEY)
        if state is None:
            from .services import company_stock_settings

            warehouses: dict[str, list[Warehouse]] = {}
            everything = list(Warehouse.objects.order_by("-is_main", "pk"))
            for warehouse in everything:
                warehouses.setdefault(normalise_title(warehouse.name), []).append(warehouse)
            active = [warehouse for warehouse in everything if warehouse.active]
            main = next((wh for wh in active if wh.is_main), None) or (active[0] if len(active) == 1 else None)
            state = context.options[STATE_KEY] = _FileState(
                allow_negative=company_stock_settings().allow_negative_stock, warehouses=warehouses, main=main
            )
        return state

    def _load_levels(self, state: _FileState, keys: set[tuple[int, int]]) -> None:
        """Current levels of the keys not met in an earlier chunk (those carry the file's earlier rows)."""
        missing = keys - state.levels.keys()
        if not missing:
            return
        for sku_id, warehouse_id, on_hand, reserved, expected in (
            StockLevel.objects.filter(
                sku_id__in={sku for sku, _wh in missing}, warehouse_id__in={wh for _sku, wh in missing}
            )
            .order_by()
            .values_list("sku_id", "warehouse_id", "on_hand", "reserved", "expected")
        ):
            if (sku_id, warehouse_id) in missing:
                state.levels[(sku_id, warehouse_id)] = [on_hand, reserved, expected]
        for key in missing:
            state.levels.setdefault(key, [0, 0, 0])

    # Naming the SKU and the warehouse ---------------------------------------------------------------

    def _skus(self, rows: list[ImportRow]) -> tuple[dict[str, SKU], dict[str, SKU], set[int]]:
        """(by seller code, by barcode, ids of set SKUs) for the codes of ``rows``: two queries."""
        codes = {row.values.get("sku_code") for row in rows} - {None, ""}
        if not codes:
            return {}, {}, set()
        by_code, by_barcode = {}, {}
        for sku in SKU.objects.filter(Q(seller_code__in=codes) | Q(barcode__in=codes)):
            if sku.seller_code in codes:
                by_code[sku.seller_code] = sku
            if sku.barcode and sku.barcode in codes:
                by_barcode.setdefault(sku.barcode, sku)
        ids = {sku.pk for sku in (*by_code.values(), *by_barcode.values())}
        sets = set(
            SkuComponent.objects.filter(set_sku_id__in=ids).order_by().values_list("set_sku_id", flat=True).distinct()
        )
        return by_code, by_barcode, sets

    def _sku(self, code: str, by_code, by_barcode, sets) -> tuple[SKU | None, str]:
        sku = by_code.get(code) or by_barcode.get(code)
        if sku is None:
            return None, _("No SKU has the seller code or barcode “%(code)s”.") % {"code": code[:50]}
        if sku.pk in sets:
            return None, _("%(sku)s is a set SKU: its stock is its components' stock; move the components instead.") % {
                "sku": _sku_label(sku)
            }
        return sku, ""

    def _warehouse(self, name: str, state: _FileState) -> tuple[Warehouse | None, str]:
        if not name:
            if state.main is None:
                return None, _("Enter the warehouse: there is no active main warehouse.")
            return state.main, ""
        found = state.warehouses.get(normalise_title(name), [])
        if not found:
            names = [wh.name for items in state.warehouses.values() for wh in items if wh.active]
            return None, _("No warehouse is named “%(name)s”. Warehouses: %(names)s.") % {
                "name": name[:50],
                "names": ", ".join(names) or "—",
            }
        active = [wh for wh in found if wh.active]
        if not active:
            return None, _("The warehouse “%(name)s” is not active.") % {"name": found[0].name}
        if len(active) > 1:
            return None, _("Several warehouses are named “%(name)s”: rename one of them first.") % {
                "name": active[0].name
            }
        return active[0], ""

    # Checks against the levels ----------------------------------------------------------------------

    def _level_problem(self, plan: _Plan, level: list[int], state: _FileState) -> tuple[str, str] | None:
        """(column, why) the plan cannot move this level by the services' rules, or None; sets what it moves."""
        on_hand, reserved, expected = level
        sku, warehouse = _sku_label(plan.sku), plan.warehouse.name
        if plan.action in (EXPECTED, RECEIVE):
            plan.expected = plan.quantity if plan.action == EXPECTED else -plan.quantity
            if expected + plan.expected < 0:
                return plan.column, _("%(sku)s at %(warehouse)s: only %(expected)s units are expected.") % {
                    "sku": sku,
                    "warehouse": warehouse,
                    "expected": expected,
                }
            plan.on_hand = plan.quantity if plan.action == RECEIVE else 0
            return None
        if plan.action == INBOUND:
            plan.on_hand = plan.quantity
            return None
        plan.on_hand = plan.quantity - on_hand if plan.action == COUNT else plan.quantity
        if plan.on_hand == 0:
            plan.change = "unchanged"
            return None
        if not plan.reason:
            return "reason", _("%(sku)s: an adjustment needs a reason.") % {"sku": sku}
        after = on_hand + plan.on_hand
        if plan.on_hand < 0 and not state.allow_negative:
            # The services' messages, so the preview and a refusal at write time read the same.
            if after < 0:
                return plan.column, _(
                    "%(sku)s at %(warehouse)s: the stock would go below zero (%(after)s); "
                    "negative stock is not allowed."
                ) % {"sku": sku, "warehouse": warehouse, "after": after}
            if after - reserved < 0:
                return plan.column, _(
                    "%(sku)s at %(warehouse)s: %(reserved)s of the stock is reserved for orders; "
                    "the change would leave %(available)s available."
                ) % {"sku": sku, "warehouse": warehouse, "reserved": reserved, "available": after - reserved}
        return None

    # Importer interface -----------------------------------------------------------------------------

    def _plan(self, row: ImportRow, sku: SKU, warehouse: Warehouse, state: _FileState) -> tuple[_Plan | None, list]:
        raise NotImplementedError

    def _layout_problem(self, values: dict[str, Any]) -> tuple[str, str] | None:
        return None

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext) -> dict[int, list[tuple[str, str]]]:
        state = self._state(context)
        errors: dict[int, list[tuple[str, str]]] = {}
        if rows:
            problem = self._layout_problem(rows[0].values)
            if problem is not None:
                return {row.number: [problem] for row in rows}
        by_code, by_barcode, sets = self._skus(rows)
        planned: list[tuple[ImportRow, _Plan]] = []
        for row in rows:
            row.values.pop(PLAN_KEY, None)
            problems = []
            sku, problem = self._sku(_text(row.values.get("sku_code")), by_code, by_barcode, sets)
            if problem:
                problems.append(("sku_code", problem))
            warehouse, problem = self._warehouse(_text(row.values.get("warehouse")), state)
            if problem:
                problems.append(("warehouse", problem))
            if sku is not None and warehouse is not None:
                plan, more = self._plan(row, sku, warehouse, state)
                problems += more
                if plan is not None and not problems:
                    planned.append((row, plan))
            if problems:
                errors[row.number] = problems
        self._load_levels(state, {plan.key for _row, plan in planned})
        for row, plan in planned:
            level = state.levels[plan.key]
            problem = self._level_problem(plan, level, state)
            if problem is not None:
                errors[row.number] = [problem]
                continue
            level[0] += plan.on_hand
            level[2] += plan.expected
            row.values[PLAN_KEY] = plan
        return errors

    def preview(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        counts = ImportCounts()
        for row in values:
            plan = row.get(PLAN_KEY)
            if plan is None or plan.change == "unchanged":
                counts.unchanged += 1
            else:
                counts.updated += 1
        return counts

    def apply(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        from . import services

        counts = ImportCounts()
        rejected: dict[int, list[tuple[str, str]]] = {}
        default_reference = _("Excel upload #%(job)s") % {"job": context.job.pk} if context.job is not None else ""
        for index, row in enumerate(values):
            plan: _Plan | None = row.get(PLAN_KEY)
            if plan is None or plan.change == "unchanged":
                counts.unchanged += 1
                continue
            common = {
                "sku": plan.sku,
                "warehouse": plan.warehouse,
                "reason": plan.reason,
                "reference": plan.reference or default_reference,
                "user": context.user,
            }
            try:
                if plan.action == INBOUND:
                    moved = services.stock_inbound(quantity=plan.quantity, **common)
                elif plan.action == EXPECTED:
                    moved = services.stock_expected_add(quantity=plan.quantity, **common)
                elif plan.action == RECEIVE:
                    moved = services.stock_expected_receive(quantity=plan.quantity, **common)
                elif plan.action == ADJUST:
                    moved = services.stock_adjust(delta=plan.quantity, **common)
                else:
                    moved = services.stock_set_count(counted=plan.quantity, **common)
            except ValidationError as exc:
                # Later chunks are still checked as if this row had moved its stock: at worst a row is refused
                # that would have fitted (the services check every write in any case).
                rejected[index] = [(plan.column, " ".join(exc.messages))]
                continue
            if moved:
                counts.updated += 1
            else:
                counts.unchanged += 1
        if rejected:
            raise RowsRejected(rejected)
        return counts


class InboundImporter(_StockImporter):
    """입고 업로드: goods arrived, goods on their way, expected goods arrived."""

    def _plan(self, row, sku, warehouse, state):
        quantity = row.values.get("quantity")
        action = row.values.get("inbound_kind") or INBOUND
        if action == EXPECTED:
            if quantity == 0:
                return None, [("quantity", _("The quantity must not be zero."))]
        elif quantity <= 0:
            return None, [("quantity", _("The quantity must be a whole number above zero."))]
        plan = _Plan(
            sku=sku,
            warehouse=warehouse,
            action=action,
            quantity=quantity,
            column="quantity",
            reason=_text(row.values.get("reason"))[:200],
            reference=_text(row.values.get("reference"))[:200],
        )
        return plan, []


class AdjustmentImporter(_StockImporter):
    """재고 조정 업로드: ± adjustments and counted quantities, each with a reason."""

    def _layout_problem(self, values):
        if "delta" not in values and "counted" not in values:
            return ("sku_code", _("The layout has neither 조정 수량 nor 실사 수량: there is nothing to adjust."))
        return None

    def _plan(self, row, sku, warehouse, state):
        delta, counted = row.values.get("delta"), row.values.get("counted")
        if delta is None and counted is None:
            return None, []  # nothing to change: left alone
        if delta is not None and counted is not None:
            return None, [("counted", _("Fill in either 조정 수량 or 실사 수량, not both."))]
        action, column, quantity = (ADJUST, "delta", delta) if delta is not None else (COUNT, "counted", counted)
        if action == ADJUST and delta == 0:
            return None, [("delta", _("The adjustment must be a whole number other than zero."))]
        if action == COUNT and counted < 0:
            return None, [("counted", _("A counted quantity cannot be below zero."))]
        key = (sku.pk, warehouse.pk)
        earlier = state.seen.get(key)
        state.seen.setdefault(key, (row.number, action))
        if earlier is not None and COUNT in (action, earlier[1]):
            return None, [
                (
                    column,
                    _(
                        "Row %(row)s already changes %(sku)s at %(warehouse)s: a counted quantity must be the only "
                        "row of its SKU and warehouse."
                    )
                    % {"row": earlier[0], "sku": _sku_label(sku), "warehouse": warehouse.name},
                )
            ]
        plan = _Plan(
            sku=sku,
            warehouse=warehouse,
            action=action,
            quantity=quantity,
            column=column,
            reason=_text(row.values.get("reason"))[:200],
            reference=_text(row.values.get("reference"))[:200],
        )
        return plan, []


def register() -> None:
    """Called from InventoryConfig.ready(): the two stock kinds, their columns and importers."""
    register_kind(INBOUND_KIND, label=gettext_lazy("Stock inbound"), area=AREA, key_fields=(), replace=True)
    register_fields(INBOUND_KIND, inbound_fields(), replace=True)
    register_importer(INBOUND_KIND, InboundImporter())
    register_kind(ADJUSTMENT_KIND, label=gettext_lazy("Stock adjustment"), area=AREA, key_fields=(), replace=True)
    register_fields(ADJUSTMENT_KIND, adjustment_fields(), replace=True)
    register_importer(ADJUSTMENT_KIND, AdjustmentImporter())
