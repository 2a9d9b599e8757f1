from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from modules.spreadsheets.cells import (
    CellError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_money,
    parse_text,
)

KST = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234", 1234),
        ("1234", 1234),
        ("1,234원", 1234),
        ("1,234 원", 1234),
        ("₩1,234", 1234),
        ("￦1,234", 1234),  # full-width won sign
        ("KRW 1,234", 1234),
        ("１，２３４", 1234),  # full-width digits and comma
        ("(1,000)", -1000),
        ("△1,000", -1000),
        ("▲500", -500),
        ("-1,000원", -1000),
        ("+2,000", 2000),
        ("3만원", 30_000),
        ("1만 2천", 12_000),
        ("1만2천5백", 12_500),
        ("1억 2,000만", 120_000_000),
        ("1억", 100_000_000),
        ("1.5만", 15_000),
        ("1만 2345", 12_345),
        (1234.0, 1234),
        (1234, 1234),
        ("  7  ", 7),
        ("1,234,567", 1_234_567),
    ],
)
def test_korean_numbers(raw, expected):
    assert parse_int(raw) == expected
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_blank_numbers_are_none(raw):
    assert parse_int(raw) is None
    assert parse_decimal(raw) is None


@pytest.mark.parametrize("raw", ["abc", "1,23", "12a", "1만만", "만억", "1..2", "--", "원", "1,2,3"])
def test_not_numbers(raw):
    with pytest.raises(CellError) as info:
        parse_decimal(raw)
    assert isinstance(info.value, ValueError)
    assert raw.strip() in str(info.value)


def test_booleans_and_dates_are_not_numbers():
    with pytest.raises(CellError):
        parse_int(True)
    with pytest.raises(CellError):
        parse_int(date(2026, 1, 1))


def test_fractions_refused_for_integers_and_money():
    with pytest.raises(CellError, match="1.5"):
        parse_int("1.5")
    with pytest.raises(CellError, match="1,234.5원"):
        parse_money("1,234.5원")
    assert parse_int("1,000.00") == 1000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234.56", Decimal("1234.56")), (0.1, Decimal("0.1")), ("△0.5", Decimal("-0.5")), ("2.5만", Decimal(25000))],
)
def test_decimals(raw, expected):
    assert parse_decimal(raw) == expected


def test_long_numbers_are_shortened_in_the_message():
    with pytest.raises(CellError) as info:
        parse_int("x" * 100)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Y", True),
        ("n", False),
        ("예", True),
        ("아니오", False),
        ("아니요", False),
        ("O", True),
        ("X", False),
        ("사용", True),
        ("미사용", False),
        ("사용 안함", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0, False),
        (True, True),
        ("Ｙ", True),
        ("", None),
        (None, None),
    ],
)
def test_booleans(raw, expected):
    assert parse_bool(raw) is expected


def test_not_a_boolean():
    with pytest.raises(CellError, match="아마"):
        parse_bool("아마")
    with pytest.raises(CellError):
        parse_bool(2)


DAY = date(2026, 11, 23)
SERIAL = (DAY - date(1899, 12, 30)).days


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-23",
        "2026.11.23",
        "2026.11.23.",
        "2026. 11. 23.",
        "2026/11/23",
        "20261123",
        "2026년 11월 23일",
        "2026년11월23일",
        "2026-11-23(월)",
        "26.11.23",
        "２０２６－１１－２３",
        "2026-11-23 14:05",
        DAY,
        datetime(2026, 11, 23, 14, 5),
        SERIAL,
        float(SERIAL) + 0.5,
    ],
)
def test_dates(raw):
    assert parse_date(raw) == DAY


@pytest.mark.parametrize("raw", ["2026-13-01", "2026-02-30", "내일", "11/23/2026", "2026-11-23 25:00", True, -5])
def test_not_dates(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-23 14:05", datetime(2026, 11, 23, 14, 5)),
        ("2026-11-23T14:05:30", datetime(2026, 11, 23, 14, 5, 30)),
        ("2026.11.23 오후 2:05", datetime(2026, 11, 23, 14, 5)),
        ("2026.11.23 오전 12:10", datetime(2026, 11, 23, 0, 10)),
        ("2026/11/23 2:05 PM", datetime(2026, 11, 23, 14, 5)),
        ("2026년 11월 23일 14시 5분", datetime(2026, 11, 23, 14, 5)),
        ("20261123 140500", datetime(2026, 11, 23, 14, 5)),
        ("2026-11-23", datetime(2026, 11, 23)),
        (datetime(2026, 11, 23, 14, 5), datetime(2026, 11, 23, 14, 5)),
        (DAY, datetime(2026, 11, 23)),
        (float(SERIAL) + 14 / 24 + 5 / 1440, datetime(2026, 11, 23, 14, 5)),
    ],
)
def test_datetimes_are_korean_time(raw, expected):
    value = parse_datetime(raw)
    assert value.tzinfo is not None
    assert value == expected.replace(tzinfo=KST)


def test_aware_datetime_kept():
    moment = datetime(2026, 11, 23, 5, 5, tzinfo=ZoneInfo("UTC"))
    assert parse_datetime(moment) == moment
    assert parse_date(moment) == DAY  # 14:05 in Seoul


def test_not_datetimes():
    with pytest.raises(CellError):
        parse_datetime("2026-11-23 오후")
    with pytest.raises(CellError):
        parse_datetime(timedelta(days=1).total_seconds() * -1)


def test_text():
    assert parse_text("  홍길동 ") == "홍길동"
    assert parse_text("\u1112\u1169\u11bc") == "홍"  # NFD jamo → NFC syllable
    assert parse_text(12345.0) == "12345"
    assert parse_text(12.5) == "12.5"
    assert parse_text(None) is None
    assert parse_text("   ") is None
    assert parse_text(True) == "Y"
    assert parse_text(date(2026, 11, 23)) == "2026-11-23"
