"""The "invoice target list" spreadsheet kind (송장 대상 목록): the shipments waiting for an invoice
downloaded in a layout, and tracking numbers registered by uploading it back.

Download: one row per shipment to be (a bundle with lines in 발주확인 or 송장등록), its shipment made
where missing (``services.shipments_for_bundles``), so every row carries its 배송번호 (S123) and
묶음번호 (B12). Queries per 1,000 bundles are fixed, whatever the number of rows.

Upload: each row names a shipment by 배송번호, or 묶음번호, or 주문번호 (with 판매처 when two stores
share the number; several numbers separated by commas for a bundle of several orders), and gives
송장번호 with an optional 택배사 (a Korean name, our code or a marketplace's code; empty: the
shipment's courier, else its contract's, else the main warehouse's default contract's) and 박스.
A row with an empty 송장번호 is left alone, so a list filled in part goes back up as it is. The
preview refuses, per row and naming the column: unknown shipments and orders, unknown couriers,
numbers breaking the courier's rule (the rule named: length, digits only, check digit), the same
number on two rows for different receivers, a number used within 6 months for another receiver,
lines not confirmed (발주확인) yet, lines already sent, open claims. A row whose shipment already
carries the same courier and number is unchanged, so the same file uploaded twice changes nothing.

The writes go through ``services.invoices_register`` (source Excel) inside the engine's transaction;
a registration it refuses at write time becomes a row error (``RowsRejected``): all-or-nothing then
writes nothing, valid-rows-only writes the others. Nothing here calls a channel (sending is 송장송신).

Column titles are Korean literals: they are a file format (see modules.spreadsheets.layouts).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from integrations.couriers.registry import courier_by_name
from modules.core.masking import mask_name
from modules.orders.actions import open_claim_reason
from modules.orders.models import OrderLine
from modules.orders.status import OrderState
from modules.spreadsheets.cells import CellError, parse_text
from modules.spreadsheets.cells import ValueType as T
from modules.spreadsheets.importers import ImportContext, ImportCounts, Importer, ImportRow, RowsRejected
from modules.spreadsheets.layouts import (
    FieldSpec,
    get_kind,
    normalise_title,
    register_fields,
    register_importer,
    register_kind,
)

from .models import BoxSize, Shipment, ShipmentNumber

KIND = "invoice_targets"
EXPORT_CHUNK = 1000
# Lines a shipment row lists and registers: confirmed, registered but not sent (services.REGISTRABLE).
TO_SHIP = (OrderState.ACKNOWLEDGED, OrderState.INVOICE_REGISTERED)
SENT = frozenset({OrderState.INVOICE_SENT, OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED})
PLAN_KEY = "_invoice"  # the row's resolved registration, kept in ``row.values`` from validate to apply
_ORDER_SPLIT = re.compile(r"[,\n;/]+")


# Download ---------------------------------------------------------------------------------------------


def _courier_name(code: str) -> str:
    from .services import courier_name

    return courier_name(code) if code else ""


def _items(lines: list[OrderLine]) -> str:
    """ "무선 마우스 (블랙) 외 2건": the first line by name, the others counted."""
    if not lines:
        return ""
    first = lines[0]
    text = f"{first.product_name} ({first.option_name})" if first.option_name else first.product_name
    return f"{text} 외 {len(lines) - 1}건" if len(lines) > 1 else text


def _unique(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(value for value in values if value))


class InvoiceTargetRow:
    """One shipment to be as a row of the invoice target list (attribute = field key)."""

    __slots__ = ("box_names", "lines", "shipment")

    def __init__(self, shipment: Shipment, lines: list[OrderLine], box_names: dict[tuple[int, str], str]):
        self.shipment = shipment
        self.lines = lines
        self.box_names = box_names

    @property
    def order(self):
        return self.lines[0].order

    def __getattr__(self, key):
        try:
            value_of = ROW_VALUES[key]
        except KeyError:
            raise AttributeError(key) from None
        return value_of(self)


def _box(row: InvoiceTargetRow) -> str:
    code = row.shipment.box_size
    return row.box_names.get((row.shipment.contract_id, code), code) if code else ""


ROW_VALUES = {
    "shipment_id": lambda row: f"S{row.shipment.pk}",
    "bundle_id": lambda row: f"B{row.shipment.bundle_id}",
    "store_name": lambda row: _unique(line.store.name for line in row.lines),
    "order_no": lambda row: _unique(line.order.channel_order_id for line in row.lines),
    "receiver_name": lambda row: row.order.receiver_name,
    "receiver_masked": lambda row: mask_name(row.order.receiver_name),
    "receiver_phone": lambda row: row.order.receiver_phone1,
    "zip_code": lambda row: row.order.zip_code,
    "address": lambda row: " ".join(part for part in (row.order.address1, row.order.address2) if part),
    "delivery_message": lambda row: row.order.delivery_message,
    "product_name": lambda row: _items(row.lines),
    "quantity": lambda row: sum(line.quantity for line in row.lines),
    "courier": lambda row: _courier_name(row.shipment.courier),
    "tracking_no": lambda row: row.shipment.tracking_number,
    "box": _box,
}


def _bundle_ids(bundles: QuerySet | Iterable[int] | None) -> list[int]:
    if bundles is None:
        lines = OrderLine.objects.filter(state__in=TO_SHIP, bundle__isnull=False)
        return list(lines.order_by("bundle_id").values_list("bundle_id", flat=True).distinct())
    if isinstance(bundles, QuerySet):
        return list(dict.fromkeys(bundles.values_list("pk", flat=True)))
    return list(dict.fromkeys(int(getattr(item, "pk", item)) for item in bundles))


def invoice_target_rows(*, bundles: QuerySet | Iterable[int] | None = None) -> Iterator[InvoiceTargetRow]:
    """The rows of the invoice target list: one per bundle (in the order given) with lines to ship.

    ``bundles``: a Bundle queryset (e.g. the shipping desk's "waiting" tab), bundles or their ids;
    by default every bundle with a line in 발주확인 or 송장등록. Missing shipments are made
    (``shipments_for_bundles``). For each 1,000 bundles: one query for the lines (with order and
    store), the shipments' three at most, one for the contracts' box names.
    """
    from .services import shipments_for_bundles

    ids = _bundle_ids(bundles)
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        lines_of: dict[int, list[OrderLine]] = defaultdict(list)
        for line in (
            OrderLine.objects.filter(bundle_id__in=chunk, state__in=TO_SHIP)
            .select_related("order", "store")
            .order_by("order_id", "id")
        ):
            lines_of[line.bundle_id].append(line)
        if not lines_of:
            continue
        shipments = shipments_for_bundles(bundle_ids=list(lines_of))
        contracts = {s.contract_id for s in shipments.values() if s.contract_id and s.box_size}
        box_names = (
            {
                (box.contract_id, box.code): box.name
                for box in BoxSize.objects.filter(contract_id__in=contracts).only("contract_id", "code", "name")
            }
            if contracts
            else {}
        )
        for bundle_id in chunk:
            shipment = shipments.get(bundle_id)
            if shipment is not None and lines_of.get(bundle_id):
                yield InvoiceTargetRow(shipment, lines_of[bundle_id], box_names)


# Fields -----------------------------------------------------------------------------------------------


def _reference(prefix: str):
    """Parser of "S123" / "s 123" / 123 (an Excel number) into 123."""

    def parse(value: Any) -> int | None:
        text = parse_text(value)
        if text is None:
            return None
        compact = "".join(text.split()).upper()
        if compact.startswith(prefix):
            compact = compact[len(prefix) :]
        if not compact.isdigit():
            raise CellError(
                _("“%(value)s” is not a number like %(prefix)s123.") % {"value": text[:40], "prefix": prefix}
            )
        return int(compact)

    return parse


def _fields() -> list[FieldSpec]:
    return [
        FieldSpec(
            "shipment_id",
            "배송번호",
            T.TEXT,
            parser=_reference("S"),
            help=gettext_lazy("Our shipment number (S123): identifies the row on upload."),
        ),
        FieldSpec(
            "bundle_id",
            "묶음번호",
            T.TEXT,
            parser=_reference("B"),
            help=gettext_lazy("Our bundle number (B12), when the row has no 배송번호."),
        ),
        FieldSpec("store_name", "판매처", T.TEXT),
        FieldSpec(
            "order_no",
            "주문번호",
            T.TEXT,
            help=gettext_lazy("The channel's order number, when the row has no 배송번호 or 묶음번호 (with 판매처)."),
        ),
        FieldSpec("receiver_name", "수취인", T.TEXT, personal=True),
        FieldSpec("receiver_masked", "수취인(가림)", T.TEXT, help=gettext_lazy("The receiver's name, masked.")),
        FieldSpec("receiver_phone", "수취인연락처", T.TEXT, personal=True),
        FieldSpec("zip_code", "우편번호", T.TEXT, personal=True),
        FieldSpec("address", "주소", T.TEXT, personal=True),
        FieldSpec("delivery_message", "배송메시지", T.TEXT, personal=True),
        FieldSpec("product_name", "상품명", T.TEXT, width=40),
        FieldSpec("quantity", "수량", T.INT),
        FieldSpec(
            "courier",
            "택배사",
            T.TEXT,
            help=gettext_lazy("Courier name or code; empty: the shipment's courier contract."),
        ),
        FieldSpec(
            "tracking_no",
            "송장번호",
            T.TEXT,
            help=gettext_lazy("The tracking number to register; an empty cell leaves the shipment alone."),
            width=18,
        ),
        FieldSpec("box", "박스", T.TEXT, help=gettext_lazy("Box size: the contract's box code or name.")),
    ]


# Upload -----------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    bundle_id: int
    courier: str = ""
    number: str = ""
    box: str = ""
    change: str = "unchanged"  # "create" (first number), "update" (another number), "unchanged"
    where: str = "shipment_id"  # the column that named the shipment (for errors about its lines)


@dataclass
class _Target:
    """What the database says about one bundle named by the rows."""

    bundle_id: int
    lines: list[OrderLine]
    shipment: Shipment | None
    digest: str


def _text(value: Any) -> str:
    return str(value or "").strip()


def _order_numbers(value: Any) -> list[str]:
    return [part.strip() for part in _ORDER_SPLIT.split(_text(value)) if part.strip()]


def _same_store(name: str, wanted: str) -> bool:
    return normalise_title(name) == normalise_title(wanted)


class InvoiceImporter(Importer):
    """Registers tracking numbers by upload; creates and edits nothing else."""

    chunk_size = 500

    # Naming the shipment ------------------------------------------------------------------------

    def _lookup(self, rows: list[ImportRow]):
        shipment_ids = {row.values.get("shipment_id") for row in rows} - {None}
        numbers = {number for row in rows for number in _order_numbers(row.values.get("order_no"))}
        bundle_of_shipment = (
            dict(Shipment.objects.filter(pk__in=shipment_ids).values_list("pk", "bundle_id")) if shipment_ids else {}
        )
        # channel order number -> [(store name, bundle id, line state)]
        order_lines: dict[str, list[tuple[str, int | None, str]]] = defaultdict(list)
        if numbers:
            for number, store_name, bundle_id, state in OrderLine.objects.filter(
                order__channel_order_id__in=numbers
            ).values_list("order__channel_order_id", "order__store__name", "bundle_id", "state"):
                order_lines[number].append((store_name, bundle_id, state))
        return bundle_of_shipment, order_lines

    def _resolve(self, values, bundle_of_shipment, order_lines) -> tuple[int | None, str, str]:
        """(bundle id, the column that named it, error message)."""
        shipment_id, bundle_id = values.get("shipment_id"), values.get("bundle_id")
        if shipment_id is not None:
            found = bundle_of_shipment.get(shipment_id, "missing")
            if found == "missing":
                return None, "shipment_id", _("No shipment has the number S%(id)s.") % {"id": shipment_id}
            if found is None:
                return None, "shipment_id", _("Shipment S%(id)s has no bundle any more.") % {"id": shipment_id}
            if bundle_id is not None and bundle_id != found:
                return (
                    None,
                    "bundle_id",
                    _("Shipment S%(shipment)s is the parcel of bundle B%(found)s, not B%(bundle)s.")
                    % {"shipment": shipment_id, "found": found, "bundle": bundle_id},
                )
            return found, "shipment_id", ""
        if bundle_id is not None:
            return bundle_id, "bundle_id", ""
        numbers = _order_numbers(values.get("order_no"))
        if not numbers:
            return None, "shipment_id", _("Give the row's 배송번호, 묶음번호 or 주문번호.")
        store_name = _text(values.get("store_name"))
        bundles: set[int] = set()
        for number in numbers:
            found = order_lines.get(number, [])
            if store_name:
                found = [item for item in found if _same_store(item[0], store_name)]
            if not found:
                where = f" ({store_name})" if store_name else ""
                return (
                    None,
                    "order_no",
                    _("No order has the number %(number)s%(where)s.")
                    % {
                        "number": number,
                        "where": where,
                    },
                )
            if len({item[0] for item in found}) > 1:
                return (
                    None,
                    "order_no",
                    _("Several stores have an order %(number)s: add the 판매처 column.") % {"number": number},
                )
            live = {bundle for _store, bundle, state in found if bundle and state not in SENT} or {
                bundle for _store, bundle, _state in found if bundle
            }
            if not live:
                return None, "order_no", _("Order %(number)s has no parcel to ship.") % {"number": number}
            bundles |= live
        if len(bundles) > 1:
            return (
                None,
                "order_no",
                _("The order is packed in several parcels (%(bundles)s): name the row by 배송번호 or 묶음번호.")
                % {"bundles": ", ".join(f"B{pk}" for pk in sorted(bundles))},
            )
        return bundles.pop(), "order_no", ""

    def _targets(self, bundle_ids: set[int]) -> dict[int, _Target]:
        from .services import _digest

        lines_of: dict[int, list[OrderLine]] = defaultdict(list)
        for line in (
            OrderLine.objects.filter(bundle_id__in=bundle_ids)
            .select_related("order", "store")
            .order_by("order_id", "id")
        ):
            lines_of[line.bundle_id].append(line)
        shipments = {
            s.bundle_id: s for s in Shipment.objects.filter(bundle_id__in=bundle_ids).select_related("contract")
        }
        return {
            pk: _Target(pk, lines_of[pk], shipments.get(pk), _digest(lines_of[pk]))
            for pk in bundle_ids
            if pk in lines_of
        }

    # The row's registration ---------------------------------------------------------------------

    def _default_contract(self, state: dict):
        if "default_contract" not in state:
            from .services import main_warehouse

            warehouse = main_warehouse()
            state["default_contract"] = warehouse.default_contract if warehouse else None
        return state["default_contract"]

    def _courier(self, values, target: _Target, state: dict) -> tuple[str, str]:
        """(courier code, error)."""
        cell = _text(values.get("courier"))
        if cell:
            code = courier_by_name(cell)
            if code is None:
                return "", _("Unknown courier “%(courier)s”: write its name (e.g. CJ대한통운, 롯데택배) or code.") % {
                    "courier": cell[:40]
                }
            return code.value, ""
        shipment = target.shipment
        if shipment is not None and shipment.courier:
            return shipment.courier, ""
        contract = shipment.contract if shipment is not None and shipment.contract_id else None
        contract = contract or self._default_contract(state)
        if contract is not None:
            return contract.courier, ""
        return "", _("Enter the courier: this shipment has no courier contract.")

    def _box(self, values, target: _Target, boxes: dict[int, list[BoxSize]], state: dict) -> tuple[str, str]:
        cell = _text(values.get("box"))
        if not cell:
            return "", ""
        shipment = target.shipment
        contract_id = shipment.contract_id if shipment is not None else None
        if contract_id is None and shipment is None:
            contract = self._default_contract(state)
            contract_id = contract.pk if contract else None
        choices = boxes.get(contract_id, [])
        if not choices:
            return cell[:20], ""
        wanted = normalise_title(cell)
        for box in choices:
            if wanted in (normalise_title(box.code), normalise_title(box.name)):
                return box.code, ""
        return "", _("Unknown box “%(box)s”: the contract's boxes are %(boxes)s.") % {
            "box": cell[:20],
            "boxes": ", ".join(f"{box.code} {box.name}" for box in choices),
        }

    def _lines_problem(self, target: _Target) -> str:
        lines = target.lines
        if any(line.state in SENT for line in lines):
            return _("The invoice of this shipment was already sent; correct it on the shipment's page instead.")
        ready = [line for line in lines if line.state in TO_SHIP]
        if not ready:
            if any(line.state in (OrderState.NEW, OrderState.PENDING_PAYMENT) for line in lines):
                return _("Confirm the order (발주확인) before registering its invoice.")
            return _("No line of this shipment can be shipped.")
        for line in ready:
            reason = open_claim_reason(line)
            if reason:
                return reason
        return ""

    def _reuse_candidates(self, plans: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """(courier, number) pairs registered in the last 6 months: only these need ``reuse_problem``."""
        from .services import REUSE_DAYS

        numbers = {number for _courier, number in plans}
        if not numbers:
            return set()
        since = timezone.now() - timedelta(days=REUSE_DAYS)
        return set(
            ShipmentNumber.objects.filter(tracking_number__in=numbers, registered_at__gte=since).values_list(
                "courier", "tracking_number"
            )
        )

    # Importer interface -------------------------------------------------------------------------

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext):
        from .services import reuse_problem

        state = context.options.setdefault(KIND, {"numbers": {}, "bundles": {}})
        seen_numbers: dict[tuple[str, str], tuple[int, str, int]] = state["numbers"]  # -> (row, digest, bundle)
        seen_bundles: dict[int, tuple[int, str, str]] = state["bundles"]  # -> (row, courier, number)
        errors: dict[int, list[tuple[str, str]]] = {}
        if rows and "tracking_no" not in rows[0].values:
            message = _("The file has no 송장번호 column: nothing to register.")
            return {row.number: [("shipment_id", message)] for row in rows}

        bundle_of_shipment, order_lines = self._lookup(rows)
        named: list[tuple[ImportRow, int, str]] = []
        for row in rows:
            bundle_id, where, problem = self._resolve(row.values, bundle_of_shipment, order_lines)
            if problem:
                errors[row.number] = [(where, problem)]
            else:
                named.append((row, bundle_id, where))
        targets = self._targets({bundle_id for _row, bundle_id, _where in named})
        contract_ids = {t.shipment.contract_id for t in targets.values() if t.shipment and t.shipment.contract_id}
        if any(_text(row.values.get("box")) for row, _b, _w in named):
            if any(t.shipment is None for t in targets.values()):
                default = self._default_contract(state)
                if default is not None:
                    contract_ids.add(default.pk)
            boxes: dict[int, list[BoxSize]] = defaultdict(list)
            for box in BoxSize.objects.filter(contract_id__in=contract_ids).order_by("sort_order", "pk"):
                boxes[box.contract_id].append(box)
        else:
            boxes = {}

        checked: list[tuple[ImportRow, _Target, _Plan]] = []
        for row, bundle_id, where in named:
            target = targets.get(bundle_id)
            if target is None:
                message = (
                    _("Bundle B%(id)s has no order lines.") % {"id": bundle_id}
                    if where == "bundle_id"
                    else _("This shipment has no order lines.")
                )
                errors[row.number] = [(where, message)]
                continue
            plan = _Plan(bundle_id=bundle_id, where=where)
            row.values[PLAN_KEY] = plan
            number = tracking.normalize(_text(row.values.get("tracking_no")))
            if not number:
                continue  # an empty 송장번호 leaves the shipment alone
            courier, problem = self._courier(row.values, target, state)
            if problem:
                errors[row.number] = [("courier", problem)]
                continue
            found = tracking.check(CourierCode(courier), number)
            if found is not None:
                errors[row.number] = [("tracking_no", found.message)]
                continue
            box, problem = self._box(row.values, target, boxes, state)
            if problem:
                errors[row.number] = [("box", problem)]
                continue
            plan.courier, plan.number, plan.box = courier, number, box
            checked.append((row, target, plan))

        candidates = self._reuse_candidates([(plan.courier, plan.number) for _r, _t, plan in checked])
        for row, target, plan in checked:
            problem_at = self._row_problem(row, target, plan, seen_numbers, seen_bundles, candidates, reuse_problem)
            if problem_at:
                errors[row.number] = [problem_at]
                row.values[PLAN_KEY] = _Plan(bundle_id=plan.bundle_id, where=plan.where)
        return errors

    def _row_problem(self, row, target, plan, seen_numbers, seen_bundles, candidates, reuse_problem):
        """(column, message) for a row that cannot be registered, or None; records what the row names."""
        key = (plan.courier, plan.number)
        earlier = seen_bundles.get(plan.bundle_id)
        if earlier is not None:
            if earlier[1:] != key:
                return (
                    "tracking_no",
                    _("Row %(row)s gives this shipment another number (%(number)s).")
                    % {"row": earlier[0], "number": earlier[2]},
                )
            plan.change = "unchanged"  # the same parcel and number again: nothing more to do
            return None
        other = seen_numbers.get(key)
        if other is not None and other[2] != plan.bundle_id and other[1] != target.digest:
            return (
                "tracking_no",
                _("Tracking number %(number)s is also on row %(row)s, for another receiver.")
                % {"number": plan.number, "row": other[0]},
            )
        seen_bundles[plan.bundle_id] = (row.number, *key)
        seen_numbers.setdefault(key, (row.number, target.digest, plan.bundle_id))
        shipment = target.shipment
        current = shipment is not None and (shipment.courier, shipment.tracking_number) == key
        waiting = any(line.state == OrderState.ACKNOWLEDGED for line in target.lines)
        if current and not waiting and (not plan.box or plan.box == shipment.box_size):
            plan.change = "unchanged"
            return None
        problem = self._lines_problem(target)
        if problem:
            return (plan.where, problem)
        if key in candidates:
            problem = reuse_problem(
                courier=plan.courier,
                number=plan.number,
                digest=target.digest,
                shipment_id=shipment.pk if shipment is not None else None,
            )
            if problem:
                return ("tracking_no", problem)
        plan.change = "update" if shipment is not None and shipment.tracking_number else "create"
        return None

    def preview(self, values, *, context):
        counts = ImportCounts()
        for row in values:
            plan = row.get(PLAN_KEY)
            change = plan.change if plan is not None else "unchanged"
            if change == "create":
                counts.created += 1
            elif change == "update":
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, values, *, context):
        from .services import invoices_register, shipments_for_bundles

        counts = ImportCounts()
        todo: dict[str, list[tuple[int, _Plan]]] = defaultdict(list)  # box -> [(index, plan)]
        for index, row in enumerate(values):
            plan = row.get(PLAN_KEY)
            if plan is None or plan.change == "unchanged":
                counts.unchanged += 1
            else:
                todo[plan.box].append((index, plan))
        if not todo:
            return counts
        shipments = shipments_for_bundles(bundle_ids={plan.bundle_id for items in todo.values() for _i, plan in items})
        rejected: dict[int, list[tuple[str, str]]] = {}
        for box, items in todo.items():
            entries, placed = [], []
            for index, plan in items:
                shipment = shipments.get(plan.bundle_id)
                if shipment is None:
                    rejected[index] = [(plan.where, _("This shipment no longer exists."))]
                    continue
                entries.append((shipment, plan.courier, plan.number))
                placed.append((index, plan))
            if not entries:
                continue
            results = invoices_register(
                entries=entries, user=context.user, source=ShipmentNumber.Source.EXCEL, box_size=box
            )
            for (index, plan), result in zip(placed, results, strict=True):
                if result.ok:
                    if plan.change == "create":
                        counts.created += 1
                    else:
                        counts.updated += 1
                else:
                    column = "tracking_no" if result.code in _NUMBER_CODES else plan.where
                    rejected[index] = [(column, result.message or result.code)]
        if rejected:
            raise RowsRejected(rejected)
        return counts


# Refusals of ``invoices_register`` that are about the number (the others are about the shipment's lines).
_NUMBER_CODES = frozenset({"required", "invalid_number", "number_used", "number_twice"})


def register() -> None:
    """Called from ShippingConfig.ready(): the kind's real columns and the invoice importer.

    The kind is declared (label, menu area) in modules.spreadsheets.layouts; it is declared again here
    only to drop the placeholder's key fields (rows are told apart by the importer, which names the
    earlier row of a duplicate), keeping the label and area as declared there."""
    declared = get_kind(KIND)
    register_kind(KIND, label=declared.label, area=declared.area, key_fields=(), replace=True)
    register_fields(KIND, _fields(), replace=True)
    register_importer(KIND, InvoiceImporter())
