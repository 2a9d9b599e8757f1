import io
from datetime import datetime

import pytest

from modules.spreadsheets.layouts import LayoutColumn
from modules.spreadsheets.reader import (
    ColumnsMismatch,
    SpreadsheetError,
    check_upload,
    find_header,
    load_bytes,
    read_table,
)

from .files import (
    csv_bytes,
    encrypted_office_bytes,
    encrypted_zip_bytes,
    xls_bytes,
    xlsx_bytes,
    zip_bomb_bytes,
)

COLUMNS = [LayoutColumn("code", "상품코드"), LayoutColumn("name", "상품명"), LayoutColumn("price", "판매가")]
HEADER = ["상품코드", "상품명", "판매가"]


def rows_of(table):
    return list(table.rows)


def test_header_found_below_a_title_and_row_numbers_as_in_excel():
    data = xlsx_bytes(
        [
            ["2026년 11월 상품 목록"],
            [],
            ["", "상품 명", "상품코드 ", "판매가*"],  # spaces and a required mark: still the header
            [None, "티셔츠", "A-1", 12000],
            [],
            [None, "바지", "B-2", "15,000원"],
        ],
        start_row=1,
    )
    table = read_table(data, COLUMNS, name="상품.xlsx")
    assert table.header_row == 4
    assert rows_of(table) == [
        (5, {"name": "티셔츠", "code": "A-1", "price": 12000.0}),
        (7, {"name": "바지", "code": "B-2", "price": "15,000원"}),
    ]
    assert table.data_rows == 3


def test_full_width_and_case_insensitive_titles():
    columns = [LayoutColumn("sku", "SKU"), LayoutColumn("qty", "수량")]
    table = read_table(xlsx_bytes([["ｓｋｕ", "수 량"], ["X", 1]]), columns, name="a.xlsx")
    assert rows_of(table) == [(2, {"sku": "X", "qty": 1.0})]


def test_missing_and_unknown_columns_in_one_message():
    data = xlsx_bytes([["상품코드", "상품명", "재고"], ["A", "B", 1]])
    with pytest.raises(ColumnsMismatch) as info:
        read_table(data, COLUMNS, name="a.xlsx", layout_name="기본 양식")
    error = info.value
    assert error.missing == ["판매가"]
    assert error.unknown == ["재고"]
    message = str(error)
    assert "기본 양식" in message
    assert "상품코드, 상품명, 판매가" in message  # expected
    assert "상품코드, 상품명, 재고" in message  # found


def test_unknown_columns_allowed_when_asked():
    data = xlsx_bytes([["메모", *HEADER], ["x", "A", "B", 1]])
    table = read_table(data, COLUMNS, name="a.xlsx", allow_unknown=True)
    assert rows_of(table) == [(2, {"code": "A", "name": "B", "price": 1.0})]


def test_no_header_row_found():
    data = xlsx_bytes([["가", "나"], ["1", "2"]])
    with pytest.raises(ColumnsMismatch) as info:
        read_table(data, COLUMNS, name="a.xlsx")
    assert "가, 나" in str(info.value)
    assert "상품코드" in str(info.value)


def test_aliases_accept_the_default_titles():
    columns = [LayoutColumn("code", "내 코드"), LayoutColumn("name", "이름")]
    table = read_table(
        xlsx_bytes([["상품코드", "이름"], ["A", "B"]]), columns, name="a.xlsx", aliases={"code": "상품코드"}
    )
    assert rows_of(table) == [(2, {"code": "A", "name": "B"})]


def test_find_header_prefers_the_row_with_most_titles():
    index, mapping = find_header([["상품코드"], ["상품코드", "상품명", "판매가"]], COLUMNS)
    assert index == 1
    assert [column.field for column in mapping.values()] == ["code", "name", "price"]


def test_dates_come_back_as_dates():
    columns = [LayoutColumn("at", "주문일시")]
    table = read_table(xlsx_bytes([["주문일시"], [datetime(2026, 11, 23, 14, 5)]]), columns, name="a.xlsx")
    assert rows_of(table) == [(2, {"at": datetime(2026, 11, 23, 14, 5)})]


def test_xls_is_read():
    data = xls_bytes([HEADER, ["A-1", "티셔츠", 12000], ["B-2", "바지", 15000.5]], sheet_name="상품")
    table = read_table(data, COLUMNS, name="old.xls")
    assert rows_of(table) == [
        (2, {"code": "A-1", "name": "티셔츠", "price": 12000.0}),
        (3, {"code": "B-2", "name": "바지", "price": 15000.5}),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp949"])
def test_csv_encodings(encoding):
    data = csv_bytes([HEADER, ["A-1", "티셔츠 (흰색)", "12,000원"]], encoding=encoding)
    table = read_table(data, COLUMNS, name="목록.csv")
    assert rows_of(table) == [(2, {"code": "A-1", "name": "티셔츠 (흰색)", "price": "12,000원"})]


def test_csv_with_tabs():
    data = "상품코드\t상품명\t판매가\nA\tB\t1\n".encode()
    assert rows_of(read_table(data, COLUMNS, name="a.csv")) == [(2, {"code": "A", "name": "B", "price": "1"})]


def test_csv_in_another_encoding_refused():
    with pytest.raises(SpreadsheetError) as info:
        read_table(b"\x80\x80,\xff\xff\n", COLUMNS, name="a.csv")
    assert info.value.code == "encoding"


def test_binary_named_csv_refused():
    with pytest.raises(SpreadsheetError) as info:
        read_table(xlsx_bytes([HEADER]), COLUMNS, name="a.csv")
    assert info.value.code == "format"


def test_too_large_refused_before_reading(settings):
    settings.SPREADSHEETS_MAX_UPLOAD_BYTES = 1000
    data = xlsx_bytes([HEADER] + [["A", "B", 1]] * 200)
    assert len(data) > 1000
    with pytest.raises(SpreadsheetError) as info:
        read_table(data, COLUMNS, name="a.xlsx")
    assert info.value.code == "too_large"

    class Upload(io.BytesIO):
        size = 5000
        name = "big.xlsx"

    upload = Upload(b"")
    with pytest.raises(SpreadsheetError):
        load_bytes(upload)  # refused from the declared size, without reading


def test_zip_bomb_refused():
    with pytest.raises(SpreadsheetError) as info:
        check_upload(zip_bomb_bytes(), "bomb.xlsx")
    assert info.value.code == "zip_bomb"


def test_high_compression_ratio_refused(settings):
    settings.SPREADSHEETS_MAX_UPLOAD_BYTES = 10_000
    settings.SPREADSHEETS_MAX_COMPRESSION_RATIO = 100
    data = zip_bomb_bytes(declared_size=5_000_000)  # under 200 MB, but 5 MB from about 1 KB
    with pytest.raises(SpreadsheetError) as info:
        check_upload(data, "ratio.xlsx")
    assert info.value.code == "zip_bomb"


def test_encrypted_workbook_refused():
    with pytest.raises(SpreadsheetError) as info:
        read_table(encrypted_office_bytes(), COLUMNS, name="secret.xlsx")
    assert info.value.code == "encrypted"
    assert "password" in str(info.value).lower() or "암호" in str(info.value)


def test_encrypted_zip_entries_refused():
    with pytest.raises(SpreadsheetError) as info:
        check_upload(encrypted_zip_bytes(), "secret.xlsx")
    assert info.value.code == "encrypted"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"\x00\x01garbage" * 50, "a.xlsx", "unreadable"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "unreadable"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "export.xls", "html"),
        (b"%PDF-1.4", "a.pdf", "format"),
        (b"", "a.xlsx", "empty"),
    ],
)
def test_garbage_refused(data, name, code):
    with pytest.raises(SpreadsheetError) as info:
        read_table(data, COLUMNS, name=name)
    assert info.value.code == code
    assert str(info.value)


def test_ole_file_that_is_not_a_workbook_is_unreadable():
    from .files import ole_bytes

    with pytest.raises(SpreadsheetError) as info:
        read_table(ole_bytes("Something", b"x" * 10), COLUMNS, name="a.xls")
    assert info.value.code == "unreadable"


def test_row_limit(settings):
    settings.SPREADSHEETS_MAX_ROWS = 5
    ok = xlsx_bytes([HEADER] + [["A", "B", 1]] * 5)
    assert len(rows_of(read_table(ok, COLUMNS, name="a.xlsx"))) == 5
    too_many = xlsx_bytes([HEADER] + [["A", "B", 1]] * 6)
    with pytest.raises(SpreadsheetError) as info:
        read_table(too_many, COLUMNS, name="a.xlsx")
    assert info.value.code == "too_many_rows"
    with pytest.raises(SpreadsheetError):
        read_table(csv_bytes([HEADER] + [["A", "B", 1]] * 6), COLUMNS, name="a.csv")


def test_reads_from_a_path(tmp_path):
    path = tmp_path / "목록.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["A", "B", 1]]))
    assert rows_of(read_table(path, COLUMNS)) == [(2, {"code": "A", "name": "B", "price": 1.0})]


def test_xlsm_and_old_xls_renamed_xlsx_are_read():
    data = xlsx_bytes([HEADER, ["A", "B", 1]])
    assert rows_of(read_table(data, COLUMNS, name="macro.xlsm")) == [(2, {"code": "A", "name": "B", "price": 1.0})]
    old = xls_bytes([HEADER, ["A", "B", 1]])
    assert rows_of(read_table(old, COLUMNS, name="renamed.xlsx")) == [(2, {"code": "A", "name": "B", "price": 1.0})]
