"""Read an uploaded spreadsheet safely and map it onto a layout's columns.

Formats: .xlsx / .xlsm / .xls / .ods through python-calamine (Rust, 10-20x faster than openpyxl),
.csv in UTF-8 (with or without BOM) or CP949 (what Korean Excel saves).

Safety checks run on the raw bytes BEFORE any parser sees them:

* size over ``SPREADSHEETS_MAX_UPLOAD_BYTES`` (20 MB) is refused;
* .xlsx/.xlsm/.ods are zip files: the central directory is inspected and the file is refused when
  the declared uncompressed size is over ``SPREADSHEETS_MAX_UNCOMPRESSED_BYTES`` (200 MB), or over
  the upload limit with a compression ratio above ``SPREADSHEETS_MAX_COMPRESSION_RATIO`` (100),
  or when it has too many entries (zip bombs);
* password-protected workbooks are refused with their own message: Office saves an encrypted
  .xlsx as an OLE compound file holding an ``EncryptedPackage`` stream (so it starts with
  D0 CF 11 E0 although named .xlsx), and zip entries may carry the "encrypted" flag;
* an HTML page saved as ".xls" (some marketplaces export that) is refused with advice;
* more than ``SPREADSHEETS_MAX_ROWS`` (200,000) data rows are refused before the rows are parsed.

The header row is found by the layout's titles: among the first rows, the one matching the most
titles (compared without spaces, case or full-width differences). Missing or unknown columns give
ONE message that lists what was expected and what was found.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from .cells import is_blank
from .layouts import LayoutColumn, normalise_title

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_FORMATS = {".xlsx", ".xlsm", ".ods"}
SUPPORTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MAX_ZIP_ENTRIES = 10_000

MB = 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "SPREADSHEETS_MAX_UPLOAD_BYTES", 20 * MB)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "SPREADSHEETS_MAX_UNCOMPRESSED_BYTES", 200 * MB)


def max_compression_ratio() -> int:
    return getattr(settings, "SPREADSHEETS_MAX_COMPRESSION_RATIO", 100)


def max_rows() -> int:
    return getattr(settings, "SPREADSHEETS_MAX_ROWS", 200_000)


def header_scan_rows() -> int:
    return getattr(settings, "SPREADSHEETS_HEADER_SCAN_ROWS", 20)


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; ``str(exc)`` is the message for the user."""

    def __init__(self, message: str, *, code: str = "invalid", **details: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


class ColumnsMismatch(SpreadsheetError):
    def __init__(self, message: str, *, expected: list[str], found: list[str], missing: list[str], unknown: list[str]):
        super().__init__(message, code="columns", expected=expected, found=found, missing=missing, unknown=unknown)
        self.expected, self.found, self.missing, self.unknown = expected, found, missing, unknown


# Loading and safety checks ------------------------------------------------------------------


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def load_bytes(source: Any, *, name: str = "") -> tuple[bytes, str]:
    """Bytes and file name of a path, an uploaded file or any binary file object, size-checked first."""
    limit = max_upload_bytes()
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        _check_size(path.stat().st_size, limit)
        data = path.read_bytes()
    else:
        name = name or os.path.basename(getattr(source, "name", "") or "")
        size = getattr(source, "size", None)
        if size is not None:
            _check_size(size, limit)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    _check_size(len(data), limit)
    return data, name


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise SpreadsheetError(
            _("The file is %(size)s; files over %(limit)s cannot be uploaded. Split it into smaller files.")
            % {"size": _human_size(size), "limit": _human_size(limit)},
            code="too_large",
        )


def _human_size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def _encrypted_error() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The workbook is protected with a password. Remove the password in Excel (File > Info > Protect "
            "Workbook > Encrypt with Password, empty the password), save it and upload it again."
        ),
        code="encrypted",
    )


def _unreadable_error(name: str) -> SpreadsheetError:
    return SpreadsheetError(
        _("“%(name)s” could not be read: it is damaged or not a spreadsheet. Save it again as .xlsx in Excel.")
        % {"name": name or "file"},
        code="unreadable",
    )


def check_upload(data: bytes, name: str) -> str:
    """Refuse unsafe or unusable files before parsing; returns the format (the extension)."""
    ext = extension_of(name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise SpreadsheetError(
            _("“%(name)s” is not a supported file. Upload an Excel file (%(formats)s).")
            % {"name": name or "file", "formats": ", ".join(SUPPORTED_EXTENSIONS)},
            code="format",
        )
    _check_size(len(data), max_upload_bytes())
    if not data:
        raise SpreadsheetError(_("The file is empty."), code="empty")
    if ext == ".csv":
        if data.startswith((OLE_MAGIC, ZIP_MAGIC)) or b"\x00" in data[:65536]:
            raise SpreadsheetError(
                _("“%(name)s” is named .csv but is not a text file. Save it as CSV or upload it as .xlsx.")
                % {"name": name},
                code="format",
            )
        return ext
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise _encrypted_error()
        if ext in ZIP_FORMATS and ext != ".ods":
            # An old .xls renamed .xlsx: python-calamine recognises the content; let it try.
            return ".xls"
        return ext
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK"):
        _check_zip(data)
        return ext if ext != ".xls" else ".xlsx"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise SpreadsheetError(
            _(
                "“%(name)s” is a web page saved with an Excel name, not a real Excel file. Open it in Excel, "
                "choose Save As > Excel Workbook (.xlsx) and upload that file."
            )
            % {"name": name},
            code="html",
        )
    raise _unreadable_error(name)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _unreadable_error("") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb_error()
    if any(info.flag_bits & 0x1 for info in infos):
        raise _encrypted_error()
    uncompressed = sum(info.file_size for info in infos)
    compressed = max(1, sum(info.compress_size for info in infos), len(data))
    if uncompressed > max_uncompressed_bytes():
        raise _bomb_error()
    if uncompressed > max_upload_bytes() and uncompressed / compressed > max_compression_ratio():
        raise _bomb_error()


def _bomb_error() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file unpacks to far more data than a spreadsheet of its size can hold, so it was refused "
            "for safety. Save it again in Excel and upload the new file."
        ),
        code="zip_bomb",
    )


# Raw rows -----------------------------------------------------------------------------------


@dataclass
class RawSheet:
    rows: Iterator[list[Any]]
    height: int  # rows in the used range, header included
    first_row: int  # Excel row number of the first row yielded
    sheet_name: str = ""


def open_sheet(data: bytes, name: str) -> RawSheet:
    """Rows of the first visible worksheet (or of the CSV) after the safety checks."""
    fmt = check_upload(data, name)
    if fmt == ".csv":
        return _csv_sheet(data, name)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(_first_visible_sheet(workbook))
        end = sheet.end
        rows = sheet.iter_rows()
    except PasswordError:
        raise _encrypted_error() from None
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted_error() from None
        raise _unreadable_error(name) from None
    # iter_rows() starts at row 1 whatever the used range (it trims only leading empty columns).
    height = end[0] + 1 if end else 0
    return RawSheet(rows=_guarded(rows, name), height=height, first_row=1, sheet_name=sheet.name)


def _guarded(rows: Iterator[list[Any]], name: str) -> Iterator[list[Any]]:
    try:
        yield from rows
    except CalamineError:
        raise _unreadable_error(name) from None


def _first_visible_sheet(workbook: CalamineWorkbook) -> int:
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
            return index
    return 0


def decode_csv(data: bytes, name: str = "") -> str:
    """UTF-8 (BOM or not) first, then CP949 (Korean Excel's "CSV"); anything else is refused."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("“%(name)s” is neither UTF-8 nor CP949 (EUC-KR) text. Save it as “CSV UTF-8” in Excel, or upload .xlsx.")
        % {"name": name or "file"},
        code="encoding",
    )


def _csv_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        return csv.excel


def _csv_sheet(data: bytes, name: str) -> RawSheet:
    text = decode_csv(data, name)
    dialect = _csv_dialect(text)
    try:
        height = sum(1 for _row in csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise _unreadable_error(name) from None
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    return RawSheet(rows=_guarded_csv(rows, name), height=height, first_row=1)


def _guarded_csv(rows: Iterator[list[str]], name: str) -> Iterator[list[Any]]:
    try:
        yield from rows
    except csv.Error:
        raise _unreadable_error(name) from None


# Header detection and the table -------------------------------------------------------------


@dataclass
class Table:
    header_row: int  # Excel row number of the header
    found_titles: list[str]
    columns: dict[int, LayoutColumn]  # sheet column index -> layout column
    data_rows: int  # rows below the header in the used range (blank rows included)
    rows: Iterator[tuple[int, dict[str, Any]]]  # (Excel row number, {field: raw value}); blank rows skipped
    sheet_name: str = ""
    fields: list[str] = field(default_factory=list)


def _title_lookup(columns: list[LayoutColumn], aliases: dict[str, str] | None) -> dict[str, LayoutColumn]:
    lookup: dict[str, LayoutColumn] = {}
    for column in columns:
        lookup.setdefault(normalise_title(column.title), column)
    by_field = {column.field: column for column in columns}
    for field_key, alias in (aliases or {}).items():
        if field_key in by_field:
            lookup.setdefault(normalise_title(alias), by_field[field_key])
    return lookup


def find_header(
    rows: list[list[Any]], columns: list[LayoutColumn], *, aliases: dict[str, str] | None = None
) -> tuple[int, dict[int, LayoutColumn]]:
    """Index (in ``rows``) of the row matching the most titles, and its column mapping."""
    lookup = _title_lookup(columns, aliases)
    best_index, best_map = -1, {}
    for index, row in enumerate(rows):
        mapping: dict[int, LayoutColumn] = {}
        used: set[str] = set()
        for col, cell in enumerate(row):
            column = lookup.get(normalise_title(cell)) if not is_blank(cell) else None
            if column is not None and column.field not in used:
                mapping[col] = column
                used.add(column.field)
        if len(mapping) > len(best_map):
            best_index, best_map = index, mapping
            if len(mapping) == len(columns):
                break
    return best_index, best_map


def _cell_title(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(
    source: Any,
    columns: list[LayoutColumn],
    *,
    name: str = "",
    layout_name: str = "",
    aliases: dict[str, str] | None = None,
    allow_unknown: bool = False,
) -> Table:
    """Open ``source`` (bytes, path or file), find the header for ``columns`` and map the rows.

    ``aliases`` ({field: other title}) are accepted as well as the layout's titles, e.g. the kind's
    default titles. Missing columns, and unknown ones unless ``allow_unknown``, raise one
    :class:`ColumnsMismatch` listing the expected and the found titles.
    """
    data, name = load_bytes(source, name=name)
    sheet = open_sheet(data, name)
    expected = [column.title for column in columns]
    if sheet.height == 0:
        raise SpreadsheetError(_("The file has no rows."), code="empty")
    if sheet.height - 1 > max_rows():
        raise _too_many_rows(sheet.height - 1)
    head = list(islice(sheet.rows, header_scan_rows()))
    index, mapping = find_header(head, columns, aliases=aliases)
    if index < 0:
        first = next((row for row in head if any(not is_blank(cell) for cell in row)), [])
        found = [_cell_title(cell) for cell in first if not is_blank(cell)]
        raise ColumnsMismatch(
            _(
                "No header row with the layout's column titles was found in the first %(rows)d rows. "
                "Expected: %(expected)s. Found: %(found)s."
            )
            % {"rows": header_scan_rows(), "expected": ", ".join(expected), "found": ", ".join(found) or "—"},
            expected=expected,
            found=found,
            missing=expected,
            unknown=found,
        )
    header = head[index]
    found = [_cell_title(cell) for cell in header if not is_blank(cell)]
    mapped_fields = {column.field for column in mapping.values()}
    missing = [column.title for column in columns if column.field not in mapped_fields]
    unknown = [_cell_title(cell) for col, cell in enumerate(header) if col not in mapping and not is_blank(cell)]
    if missing or (unknown and not allow_unknown):
        parts = []
        if missing:
            parts.append(_("Missing columns: %(titles)s.") % {"titles": ", ".join(missing)})
        if unknown and not allow_unknown:
            parts.append(_("Columns not in the layout: %(titles)s.") % {"titles": ", ".join(unknown)})
        raise ColumnsMismatch(
            _(
                "The columns of the file do not match the layout%(layout)s. %(problems)s Expected: %(expected)s. "
                "Found: %(found)s."
            )
            % {
                "layout": f" “{layout_name}”" if layout_name else "",
                "problems": " ".join(parts),
                "expected": ", ".join(expected),
                "found": ", ".join(found) or "—",
            },
            expected=expected,
            found=found,
            missing=missing,
            unknown=unknown,
        )
    header_row = sheet.first_row + index
    data_rows = max(0, sheet.height - index - 1)
    if data_rows > max_rows():
        raise _too_many_rows(data_rows)
    remaining = chain(head[index + 1 :], sheet.rows)
    return Table(
        header_row=header_row,
        found_titles=found,
        columns=mapping,
        data_rows=data_rows,
        rows=_mapped_rows(remaining, mapping, header_row + 1),
        sheet_name=sheet.sheet_name,
        fields=[column.field for column in mapping.values()],
    )


def _too_many_rows(count: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has %(count)s rows; at most %(max)s rows can be uploaded at once. Split it into smaller files.")
        % {"count": f"{count:,}", "max": f"{max_rows():,}"},
        code="too_many_rows",
    )


def _mapped_rows(
    rows: Iterable[list[Any]], mapping: dict[int, LayoutColumn], first_row: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    items = list(mapping.items())
    for offset, row in enumerate(rows):
        width = len(row)
        values = {column.field: (row[col] if col < width else None) for col, column in items}
        if all(is_blank(value) for value in values.values()):
            continue
        yield first_row + offset, values
