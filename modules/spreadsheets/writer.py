"""Streaming spreadsheet export: xlsx in constant memory, and CSV with a UTF-8 BOM.

xlsx goes through XlsxWriter with ``constant_memory``: each row is flushed to a temporary file as it
is written, so memory stays flat however many rows (100,000 rows × 12 columns: see
bench/spreadsheet_export.py). The finished workbook is itself a temporary file, streamed to the
browser by ``FileResponse`` and deleted when the response is closed.

Formula injection (CSV/formula injection, OWASP): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula by a spreadsheet program that reads the
file as text. XlsxWriter's ``write_string`` already stores it as a string in the xlsx (it is never a
formula there), but a user who copies the column into a CSV, or opens the CSV export, would get a
live formula again. So we ALSO prefix such text with an apostrophe (``'=1+2``): it is visible in the
cell, but the data stays inert wherever it is copied. This changes only text that starts with those
characters; numbers, dates and booleans are written natively and never escaped.

Column widths come from the title and a sample of the first rows, CJK (Hangul, Hanja, kana,
full-width) characters counting double, capped between 6 and 60 characters.
"""

from __future__ import annotations

import csv
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

from .cells import ValueType

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 6, 60
SAMPLE_ROWS = 200
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class WriterColumn:
    title: str
    type: ValueType | str = ValueType.TEXT
    width: int | None = None  # characters; None: from the title and the sampled values


def escape_formula(value: str) -> str:
    """``'``-prefix text that a spreadsheet would read as a formula (OWASP)."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def display_width(text: str) -> int:
    """Width in Excel character units: East Asian wide and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return _local_naive(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _local_naive(value: datetime) -> datetime:
    """xlsx has no time zones: aware datetimes are written in the files' zone (TIME_ZONE, Korean time)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(tzinfo=None)


def column_widths(columns: Sequence[WriterColumn], sample: Sequence[Sequence[Any]]) -> list[int]:
    widths = []
    for index, column in enumerate(columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = display_width(column.title)
        for row in sample:
            if index < len(row):
                text = _text_of(row[index])
                longest = max(longest, max((display_width(line) for line in text.splitlines()), default=0))
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    return widths


class XlsxStreamWriter:
    """One sheet, header first, then rows; ``close()`` finishes the file. Memory is constant in rows."""

    def __init__(self, target: str | IO[bytes], columns: Sequence[WriterColumn], *, sheet_name: str = "Sheet1"):
        self.columns = list(columns)
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.sheet = self.workbook.add_worksheet(sheet_name[:31] or "Sheet1")
        wb = self.workbook
        self.header_format = wb.add_format({"bold": True, "bg_color": "#EDEDED", "border": 1, "align": "center"})
        self.formats = {
            ValueType.INT: wb.add_format({"num_format": "#,##0"}),
            ValueType.MONEY: wb.add_format({"num_format": "#,##0"}),
            ValueType.DECIMAL: wb.add_format({"num_format": "#,##0.##########"}),
            ValueType.DATE: wb.add_format({"num_format": "yyyy-mm-dd"}),
            ValueType.DATETIME: wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            ValueType.TEXT: None,
            ValueType.BOOL: None,
        }
        self.types = [ValueType(column.type) for column in self.columns]
        self.row_index = 0
        self.rows_written = 0

    def set_widths(self, widths: Sequence[int]) -> None:
        for index, width in enumerate(widths):
            self.sheet.set_column(index, index, width)

    def write_header(self) -> None:
        for col, column in enumerate(self.columns):
            self.sheet.write_string(self.row_index, col, column.title, self.header_format)
        self.sheet.freeze_panes(1, 0)
        self.row_index += 1

    def write_row(self, values: Sequence[Any]) -> None:
        sheet, row = self.sheet, self.row_index
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            value_type = self.types[col] if col < len(self.types) else ValueType.TEXT
            fmt = self.formats.get(value_type)
            if isinstance(value, bool):
                sheet.write_string(row, col, "Y" if value else "N")
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
            elif isinstance(value, datetime):
                date_fmt = self.formats[ValueType.DATETIME] if value_type != ValueType.DATE else fmt
                sheet.write_datetime(row, col, _local_naive(value), date_fmt)
            elif isinstance(value, date):
                sheet.write_datetime(row, col, value, self.formats[ValueType.DATE])
            elif isinstance(value, time):
                sheet.write_string(row, col, value.strftime("%H:%M:%S"))
            else:
                sheet.write_string(row, col, escape_formula(str(value)))
        self.row_index += 1
        self.rows_written += 1

    def close(self) -> None:
        self.workbook.close()


def write_xlsx(
    target: str | IO[bytes],
    columns: Sequence[WriterColumn],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    sample_rows: int = SAMPLE_ROWS,
) -> int:
    """Write ``rows`` (sequences of values in column order) to ``target``; returns the rows written."""
    writer = XlsxStreamWriter(target, columns, sheet_name=sheet_name)
    iterator: Iterator[Sequence[Any]] = iter(rows)
    sample = list(islice(iterator, sample_rows))
    writer.set_widths(column_widths(columns, sample))
    writer.write_header()
    for row in sample:
        writer.write_row(row)
    for row in iterator:
        writer.write_row(row)
    writer.close()
    return writer.rows_written


def write_csv(target: IO[bytes], columns: Sequence[WriterColumn], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with BOM (so Korean Excel opens it as UTF-8, not CP949), every text cell escaped."""
    import io

    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([escape_formula(column.title) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return _local_naive(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return value
    return escape_formula(str(value))


@dataclass
class ExportFile:
    file: IO[bytes]
    rows: int
    filename: str
    content_type: str

    def response(self) -> FileResponse:
        self.file.seek(0)
        return FileResponse(self.file, as_attachment=True, filename=self.filename, content_type=self.content_type)


def export_file(
    columns: Sequence[WriterColumn], rows: Iterable[Sequence[Any]], *, filename: str, fmt: str = "xlsx"
) -> ExportFile:
    """Write to an anonymous temporary file (removed when closed); memory stays constant in rows."""
    handle = tempfile.TemporaryFile(prefix="jangteo-export-")  # noqa: SIM115 - closed by the response
    try:
        if fmt == "csv":
            count = write_csv(handle, columns, rows)
            content_type = "text/csv; charset=utf-8"
        else:
            count = write_xlsx(handle, columns, rows)
            content_type = XLSX_CONTENT_TYPE
    except BaseException:
        handle.close()
        raise
    stem = filename.rsplit(".", 1)[0] if filename.lower().endswith((".xlsx", ".csv")) else filename
    return ExportFile(file=handle, rows=count, filename=f"{stem}.{fmt}", content_type=content_type)
