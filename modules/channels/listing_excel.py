"""The "channel product list" spreadsheet kind: export listings in a layout, and bulk edit their sale
info by uploading the file back.

Rows are identified by the store's name and the channel product number. An upload only edits
listings that exist (a listing needs a linked product and the channel's id; registering happens on
the listing page or through the channel product migration); each row goes through ``listing_save``,
so the same rules apply as on the page and changed prices reach the channel through the push queue.
Column titles are Korean literals: they are a file format (see modules.spreadsheets.layouts).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from modules.spreadsheets.cells import ValueType as T
from modules.spreadsheets.importers import ImportContext, ImportCounts, Importer, ImportRow, RowsRejected
from modules.spreadsheets.layouts import FieldSpec, register_fields, register_importer

KIND = "channel_products"

# Spreadsheet field -> Listing attribute, for the fields an upload may change.
EDITABLE = {
    "name": "name",
    "channel_category_id": "channel_category_id",
    "sale_price": "sale_price",
    "market_price": "market_price",
    "max_per_order": "max_per_order",
    "max_per_person": "max_per_person",
    "sale_start": "sale_start",
    "sale_end": "sale_end",
    "shipping_fee": "shipping_fee",
    "as_phone": "as_phone",
}


def _local(value):
    return localtime(value).replace(tzinfo=None) if value else None


def _fields() -> list[FieldSpec]:
    return [
        FieldSpec("store_name", "판매처", T.TEXT, required=True, getter=lambda listing: listing.store.name),
        FieldSpec("channel_product_id", "채널상품번호", T.TEXT, required=True),
        FieldSpec(
            "seller_code",
            "판매자상품코드",
            T.TEXT,
            getter=lambda listing: listing.product.seller_code if listing.product_id else "",
        ),
        FieldSpec(
            "product_name", "상품명", T.TEXT, getter=lambda listing: listing.product.name if listing.product_id else ""
        ),
        FieldSpec("name", "채널상품명", T.TEXT),
        FieldSpec("channel_category_id", "채널카테고리", T.TEXT),
        FieldSpec("sale_price", "판매가", T.MONEY),
        FieldSpec("market_price", "정가", T.MONEY),
        FieldSpec("status", "판매상태", T.TEXT, getter=lambda listing: listing.get_state_display()),
        FieldSpec("max_per_order", "1회 최대구매수량", T.INT),
        FieldSpec("max_per_person", "1인 최대구매수량", T.INT),
        FieldSpec("sale_start", "판매시작일시", T.DATETIME, getter=lambda listing: _local(listing.sale_start)),
        FieldSpec("sale_end", "판매종료일시", T.DATETIME, getter=lambda listing: _local(listing.sale_end)),
        FieldSpec("shipping_fee", "배송비", T.MONEY),
        FieldSpec("as_phone", "A/S 전화번호", T.TEXT),
    ]


def _aware(value):
    from django.utils import timezone

    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


class ListingImporter(Importer):
    """Edits existing listings; never creates one."""

    chunk_size = 500

    def _listings(self, rows: list[dict[str, Any]]):
        from .models import Listing, Store

        stores: dict[str, list] = {}
        for store in Store.objects.order_by():
            stores.setdefault(store.name, []).append(store)
        ids = {str(row.get("channel_product_id") or "") for row in rows}
        found = {
            (listing.store_id, listing.channel_product_id): listing
            for listing in Listing.objects.filter(channel_product_id__in=ids)
            .select_related("store", "product", "outbound_address", "return_address")
            .prefetch_related("options")
            .order_by()
        }
        return stores, found

    def _resolve(self, values: dict[str, Any], stores, found) -> tuple[Any, tuple[str, str] | None]:
        named = stores.get(str(values.get("store_name") or "").strip(), [])
        if not named:
            return None, ("store_name", _("No store has this name."))
        if len(named) > 1:
            return None, ("store_name", _("Several stores have this name; rename one of them first."))
        listing = found.get((named[0].pk, str(values.get("channel_product_id") or "").strip()))
        if listing is None:
            return None, ("channel_product_id", _("This store has no channel product with this number."))
        return listing, None

    def _changes(self, listing, values: dict[str, Any]) -> dict[str, Any]:
        changes = {}
        for key, attr in EDITABLE.items():
            if key not in values:
                continue  # the layout has no such column: leave it alone
            value = values[key]
            if attr in ("sale_start", "sale_end"):
                value = _aware(value)
            elif value is None:
                value = "" if attr in ("name", "channel_category_id", "as_phone") else 0
            if getattr(listing, attr) != value:
                changes[attr] = value
        return changes

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext):
        from .listing_services import listing_errors

        stores, found = self._listings([row.values for row in rows])
        errors: dict[int, list[tuple[str, str]]] = {}
        reverse = {attr: key for key, attr in EDITABLE.items()}
        for row in rows:
            listing, problem = self._resolve(row.values, stores, found)
            if problem:
                errors[row.number] = [problem]
                continue
            changes = self._changes(listing, row.values)
            if not changes:
                continue
            original = {attr: getattr(listing, attr) for attr in changes}
            for attr, value in changes.items():
                setattr(listing, attr, value)
            broken = listing_errors(listing=listing, options=list(listing.options.all()))
            for attr, value in original.items():
                setattr(listing, attr, value)
            if broken:
                errors[row.number] = [
                    (reverse.get(field, "sale_price" if field == "options" else "channel_product_id"), message)
                    for field, messages in broken.items()
                    for message in messages
                ]
        return errors

    def preview(self, values, *, context):
        stores, found = self._listings(values)
        counts = ImportCounts()
        for row in values:
            listing, _problem = self._resolve(row, stores, found)
            if listing is not None and self._changes(listing, row):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, values, *, context):
        from .listing_services import listing_save

        stores, found = self._listings(values)
        counts = ImportCounts()
        rejected: dict[int, list[tuple[str, str]]] = {}
        for index, row in enumerate(values):
            listing, problem = self._resolve(row, stores, found)
            if problem:
                rejected[index] = [problem]
                continue
            changes = self._changes(listing, row)
            if not changes:
                counts.unchanged += 1
                continue
            for attr, value in changes.items():
                setattr(listing, attr, value)
            try:
                listing_save(listing=listing, user=context.user)
            except ValidationError as exc:
                rejected[index] = [("channel_product_id", message) for message in exc.messages]
                continue
            counts.updated += 1
        if rejected:
            raise RowsRejected(rejected)
        return counts


def register() -> None:
    register_fields(KIND, _fields(), replace=True)
    register_importer(KIND, ListingImporter())
