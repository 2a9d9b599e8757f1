"""Spreadsheet files made on the fly for the tests (no binaries in the repository)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, start_row: int = 0, sheet_name: str = "Sheet1") -> bytes:
    """An xlsx whose first sheet holds ``rows`` from row ``start_row`` (0-based) down."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(sheet_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, datetime_format)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    import csv

    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def zip_bomb_bytes(*, declared_size: int = 500 * 1024 * 1024) -> bytes:
    """A small "xlsx" whose central directory declares ``declared_size`` bytes uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a/>" * 100)
    data = bytearray(buffer.getvalue())
    # Patch the uncompressed size of the last central-directory entry (offset 24 in the header).
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, min(declared_size, 0xFFFFFFFE))
    return bytes(data)


def encrypted_zip_bytes() -> bytes:
    """A zip whose entry carries the "encrypted" flag (general purpose bit 0)."""
    data = bytearray(xlsx_bytes([["a"]]))
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) >= 0:
        struct.pack_into("<H", data, offset + 8, struct.unpack_from("<H", data, offset + 8)[0] | 0x1)
        offset += 4
    return bytes(data)


# Minimal OLE compound files (CFB v3) ---------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, *, child=_NOSTREAM, start=_END, size=0) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded.ljust(64, b"\x00"),
        len(encoded),
        kind,
        1 if name else 0,
        _NOSTREAM,
        _NOSTREAM,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def ole_bytes(stream_name: str, stream: bytes) -> bytes:
    """A compound file with one stream (padded to 4096 bytes, so no mini stream is needed)."""
    stream = stream.ljust(max(4096, len(stream)), b"\x00")
    sectors = -(-len(stream) // 512)
    stream = stream.ljust(sectors * 512, b"\x00")
    fat = [_FATSECT, _END] + [i + 1 for i in range(2, 2 + sectors - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,  # directory sectors (v3: 0)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,  # mini stream cutoff
        _END,  # first mini FAT sector
        0,
        _END,  # first DIFAT sector
        0,
    )
    header += struct.pack("<I", 0) + struct.pack("<108I", *([_FREE] * 108))
    directory = (
        _dir_entry("Root Entry", 5, child=1)
        + _dir_entry(stream_name, 2, start=2, size=len(stream))
        + _dir_entry("", 0)
        + _dir_entry("", 0)
    )
    return header + struct.pack("<128I", *fat) + directory + stream


def encrypted_office_bytes() -> bytes:
    """What Excel saves for a password-protected .xlsx: an OLE file with an EncryptedPackage stream."""
    return ole_bytes("EncryptedPackage", b"\x00" * 64)


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _unicode_short(text: str) -> bytes:
    return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


def xls_bytes(rows: Sequence[Sequence[Any]], *, sheet_name: str = "Sheet1") -> bytes:
    """A BIFF8 .xls (Excel 97-2003) with text and number cells, enough for python-calamine."""
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    codepage = _record(0x0042, struct.pack("<H", 1200))
    boundsheet_size = 4 + 4 + 2 + len(_unicode_short(sheet_name))
    sheet_offset = len(bof_globals) + len(codepage) + boundsheet_size + 4
    boundsheet = _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + _unicode_short(sheet_name))
    globals_stream = bof_globals + codepage + boundsheet + _record(0x000A)
    assert len(globals_stream) == sheet_offset
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                payload = struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le")
                cells += _record(0x0204, payload)
            else:
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    width = max((len(row) for row in rows), default=0)
    sheet = (
        _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
        + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + cells
        + _record(0x000A)
    )
    return ole_bytes("Workbook", globals_stream + sheet)
