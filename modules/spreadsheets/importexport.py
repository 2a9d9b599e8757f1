"""django-import-export glue: Korean number widgets, formula-safe exports, calamine-fed datasets.

* ``KoreanNumberWidget`` / ``KoreanIntegerWidget`` / ``KoreanMoneyWidget``: the stock widgets use
  Django's ``sanitize_separators`` and fail on "1,234원", "₩1,234", "(1,000)", "3만"; these parse
  with :mod:`modules.spreadsheets.cells` (NFKC, 원/₩, 만/억, negatives) and raise ``ValueError``
  with the Korean message.
* ``FormulaEscapingMixin``: a Resource mixin that ``'``-prefixes exported text starting with
  ``= + - @``, tab or CR (OWASP) instead of import-export's own setting, which only strips one
  leading "=" (changing the data) and passes "+", "-" and "@" through.
* ``LayoutResourceMixin``: exports in a layout's column order under its titles (import-export
  otherwise keeps declaration order whatever fields are chosen).
* ``dataset_from_upload(source, columns)``: read an upload with our safe, fast reader (python-
  calamine, header found by titles) into a ``tablib.Dataset`` whose headers are the field keys (or
  the titles), ready for ``Resource.import_data``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import tablib
from import_export.widgets import DecimalWidget, IntegerWidget

from .cells import CellError, parse_decimal, parse_int, parse_money, parse_text
from .layouts import LayoutColumn
from .reader import read_table
from .writer import escape_formula


class KoreanNumberWidget(DecimalWidget):
    """Decimal from Korean-formatted text ("1,234.5", "₩1,234", "△1,000", "1.5만")."""

    def clean(self, value, row=None, **kwargs):
        return parse_decimal(value)


class KoreanIntegerWidget(IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_int(value)


class KoreanMoneyWidget(IntegerWidget):
    """Integer KRW: "1,234원", "₩1,234", "3만원"; refuses fractions of a won."""

    def clean(self, value, row=None, **kwargs):
        return parse_money(value)


def escape_export_value(value: Any) -> Any:
    """Formula-escape text; other values (numbers, dates, booleans, None) pass unchanged."""
    if isinstance(value, str):
        return escape_formula(value)
    return value


class FormulaEscapingMixin:
    """For ``import_export.resources.Resource`` subclasses: every exported text cell escaped."""

    def export_field(self, field, instance, **kwargs):
        return escape_export_value(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [escape_formula(header) for header in super().get_export_headers(selected_fields)]


class LayoutResourceMixin:
    """Export the fields of ``layout_columns`` (LayoutColumn list) in that order, under those titles.

    Pass ``layout_columns=[...]`` to the Resource constructor; field keys are Resource field names.
    """

    def __init__(self, *args, layout_columns: Sequence[LayoutColumn] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout_columns = list(layout_columns or [])

    def get_export_order(self):
        if self.layout_columns:
            return tuple(column.field for column in self.layout_columns)
        return super().get_export_order()

    def get_export_fields(self, selected_fields=None):
        if not self.layout_columns:
            return super().get_export_fields(selected_fields)
        return [self.fields[column.field] for column in self.layout_columns if column.field in self.fields]

    def get_export_headers(self, selected_fields=None):
        if not self.layout_columns:
            return super().get_export_headers(selected_fields)
        headers = [column.title for column in self.layout_columns if column.field in self.fields]
        return [escape_formula(header) for header in headers]


def dataset_from_upload(
    source: Any,
    columns: Sequence[LayoutColumn],
    *,
    name: str = "",
    headers: str = "fields",
    text_fields: Sequence[str] = (),
    allow_unknown: bool = False,
) -> tablib.Dataset:
    """A ``tablib.Dataset`` from an upload through our reader (safety checks, calamine, header by titles).

    ``headers="fields"`` names the columns by field key (what a ModelResource expects), "titles"
    by the layout's titles. Values stay as read (numbers as float, dates as date/datetime);
    ``text_fields`` are normalised with :func:`cells.parse_text` so codes like 12345 do not become
    "12345.0". Raises ``reader.SpreadsheetError`` for refused files or mismatched columns.
    """
    table = read_table(source, list(columns), name=name, allow_unknown=allow_unknown)
    mapped = [column for column in columns if column.field in set(table.fields)]
    dataset = tablib.Dataset(
        headers=[column.field if headers == "fields" else column.title for column in mapped],
    )
    text = set(text_fields)
    for _number, values in table.rows:
        row = []
        for column in mapped:
            value = values.get(column.field)
            if value == "":
                value = None
            if column.field in text:
                with contextlib.suppress(CellError):
                    value = parse_text(value)
            row.append(value)
        dataset.append(row)
    return dataset
