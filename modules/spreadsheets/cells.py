"""Typed cell parsing for Korean spreadsheets.

Every parser takes what the reader gives for one cell (``str`` from CSV; ``str``/``int``/``float``/
``bool``/``date``/``datetime``/``timedelta`` from python-calamine; ``None`` for an empty cell) and
returns a Python value, or ``None`` for a blank cell. A value that cannot be read raises
:class:`CellError` (a ``ValueError``) whose message is shown to the user next to the row number and
the column title.

Numbers understand what Korean sellers type and what Korean Excel shows: ``1,234``, ``1,234원``,
``₩1,234``, ``KRW 1,234``, full-width digits (NFKC), ``(1,000)`` and ``△1,000`` / ``▲1,000`` as
negatives, and the 만/억 (and 천/백) multipliers: ``3만원``, ``1만 2천``, ``1억 2,000만``, ``1.5만``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell value that cannot be read; ``str(exc)`` is the message for the user."""


class ValueType(StrEnum):
    TEXT = "text"
    INT = "int"  # integers: quantities, counts
    MONEY = "money"  # integer KRW
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"


# Excel's day 0 on Windows (1900 system, with the 1900-02-29 bug folded in for serials > 60).
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - naive by design: a serial has no zone
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31
MAX_TEXT_LENGTH = 32_767  # Excel's own cell limit


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


# Text --------------------------------------------------------------------------------------


def parse_text(value: Any) -> str | None:
    """Stripped, NFC-normalised text; numbers that Excel stored for a code come back without ".0"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time(0) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise CellError(_("The text is longer than %(max)d characters.") % {"max": MAX_TEXT_LENGTH})
    return text


# Numbers -----------------------------------------------------------------------------------

_UNITS = {"억": Decimal(100_000_000), "만": Decimal(10_000), "천": Decimal(1_000), "백": Decimal(100)}
_UNIT_TOKEN = re.compile(r"(\d+(?:\.\d+)?)?(억|만|천|백)|(\d+(?:\.\d+)?)")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_CURRENCY = ("krw", "원", "₩", "\\", "won")
_NEGATIVE_MARKS = ("△", "▲", "▼", "-", "−")


def _number_from_text(raw: str) -> Decimal:
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    original = raw.strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    for mark in _NEGATIVE_MARKS:
        if text.startswith(mark):
            negative, text = not negative, text[len(mark) :].strip()
            break
    for symbol in _CURRENCY:
        text = text.replace(symbol, "")
    text = text.replace(" ", "").replace("\u00a0", "")
    if text.startswith("(") and text.endswith(")"):  # ₩(1,000)
        negative, text = not negative, text[1:-1]
    if text.startswith("+"):
        text = text[1:]
    if not text:
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(original)})
    if any(unit in text for unit in _UNITS):
        return -_units_value(text, original) if negative else _units_value(text, original)
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise CellError(
                _("“%(value)s” is not a number (check the thousands separators).") % {"value": _show(original)}
            )
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(original)})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(original)}) from None
    return -number if negative else number


def _units_value(text: str, original: str) -> Decimal:
    """``1억2000만``, ``1만2천``, ``3만``, ``1.5만``: each unit must be smaller than the one before."""
    text = text.replace(",", "")
    position, total, last_unit = 0, Decimal(0), None
    for match in _UNIT_TOKEN.finditer(text):
        if match.start() != position:
            break
        position = match.end()
        if match.group(2):
            unit = _UNITS[match.group(2)]
            if last_unit is not None and unit >= last_unit:
                raise CellError(_("“%(value)s” is not a number.") % {"value": _show(original)})
            total += Decimal(match.group(1) or "1") * unit
            last_unit = unit
        else:  # a trailing plain number: 1만 2345
            total += Decimal(match.group(3))
            last_unit = Decimal(1)
    if position != len(text):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(original)})
    return total


def _to_decimal(value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isinf(value):
            raise CellError(_("“%(value)s” is not a number.") % {"value": _show(value)})
        # repr() gives the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (date, datetime, time, timedelta)):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(value)})
    return _number_from_text(str(value))


def parse_decimal(value: Any) -> Decimal | None:
    number = _to_decimal(value)
    if number is not None and not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": _show(value)})
    return number


def parse_int(value: Any) -> int | None:
    number = _to_decimal(value)
    if number is None:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": _show(value)})
    return int(number)


def parse_money(value: Any) -> int | None:
    """Integer KRW: 원 has no decimals, so ``1,234.5원`` is refused rather than rounded."""
    number = _to_decimal(value)
    if number is None:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not an amount in whole won.") % {"value": _show(value)})
    return int(number)


# Booleans ----------------------------------------------------------------------------------

_TRUE = {"y", "yes", "예", "네", "o", "true", "t", "1", "사용", "사용함", "on", "참", "✓", "✔", "v"}
_FALSE = {"n", "no", "아니오", "아니요", "x", "false", "f", "0", "미사용", "사용안함", "사용 안함", "off", "거짓"}


def parse_bool(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or text.replace(" ", "") in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not a yes/no value (use Y or N).") % {"value": _show(value)})


# Dates and times ---------------------------------------------------------------------------

_WEEKDAY = re.compile(r"\s*\((월|화|수|목|금|토|일|mon|tue|wed|thu|fri|sat|sun)\)\s*", re.IGNORECASE)
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일?"),
    re.compile(r"(?P<y>\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?"),
]
_TIME_PATTERNS = [
    re.compile(
        r"(?P<ampm>오전|오후|am|pm)?\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm2>am|pm)?"
    ),
    re.compile(r"(?P<ampm>오전|오후)?\s*(?P<h>\d{1,2})\s*시(?:\s*(?P<mi>\d{1,2})\s*분)?(?:\s*(?P<s>\d{1,2})\s*초)?"),
    re.compile(r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})"),
]


def _file_zone():
    """Times in files are Korean time (settings.TIME_ZONE), whatever zone the user's admin shows, so a
    file reads the same in a request and in a background worker."""
    return timezone.get_default_timezone()


def _from_serial(serial: float) -> datetime:
    if not 0 < serial <= MAX_EXCEL_SERIAL:
        raise CellError(_("“%(value)s” is not a date.") % {"value": _show(serial)})
    return EXCEL_EPOCH + timedelta(days=serial)


def _split_date_time(text: str) -> tuple[date, str]:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        year = int(match["y"])
        if year < 100:
            year += 2000
        try:
            day = date(year, int(match["m"]), int(match["d"]))
        except ValueError:
            raise CellError(_("“%(value)s” is not a valid date.") % {"value": _show(text)}) from None
        rest = text[match.end() :].strip()
        if rest.startswith("t"):
            rest = rest[1:]
        return day, rest
    raise CellError(_("“%(value)s” is not a date (use e.g. 2026-11-23).") % {"value": _show(text)})


def _parse_time(text: str, original: str) -> time:
    for pattern in _TIME_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        hour, minute, second = int(groups["h"]), int(groups.get("mi") or 0), int(groups.get("s") or 0)
        ampm = groups.get("ampm") or groups.get("ampm2")
        if ampm in ("오후", "pm") and hour < 12:
            hour += 12
        elif ampm in ("오전", "am") and hour == 12:
            hour = 0
        try:
            return time(hour, minute, second)
        except ValueError:
            break
    raise CellError(_("“%(value)s” is not a valid time.") % {"value": _show(original)})


def _normalise_date_text(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return _WEEKDAY.sub(" ", text).strip()


def parse_date(value: Any) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, _file_zone()).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a date.") % {"value": _show(value)})
    if isinstance(value, (int, float)):
        return _from_serial(float(value)).date()
    text = _normalise_date_text(value)
    day, rest = _split_date_time(text)
    if rest:
        _parse_time(rest, str(value))  # "2026-11-23 14:05" is a date too; a broken time is not
    return day


def parse_datetime(value: Any) -> datetime | None:
    """Aware datetime; a time given without a zone is in the files' zone (TIME_ZONE: Korean time)."""
    if is_blank(value):
        return None
    tz = _file_zone()
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, tz)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(0)), tz)
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a date and time.") % {"value": _show(value)})
    if isinstance(value, (int, float)):
        moment = _from_serial(float(value))
        # Excel keeps fractions of a day: round to the second to undo the float noise.
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
        return timezone.make_aware(moment, tz)
    text = _normalise_date_text(value)
    day, rest = _split_date_time(text)
    clock = _parse_time(rest, str(value)) if rest else time(0)
    return timezone.make_aware(datetime.combine(day, clock), tz)


PARSERS: dict[ValueType, Callable[[Any], Any]] = {
    ValueType.TEXT: parse_text,
    ValueType.INT: parse_int,
    ValueType.MONEY: parse_money,
    ValueType.DECIMAL: parse_decimal,
    ValueType.BOOL: parse_bool,
    ValueType.DATE: parse_date,
    ValueType.DATETIME: parse_datetime,
}


def parser_for(value_type: ValueType | str) -> Callable[[Any], Any]:
    return PARSERS[ValueType(value_type)]
