import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from modules.spreadsheets.cells import ValueType
from modules.spreadsheets.writer import (
    WriterColumn,
    column_widths,
    display_width,
    escape_formula,
    export_file,
    write_csv,
    write_xlsx,
)

RISKY = ["=1+2", "+1", "-2+3", "@SUM(1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", RISKY)
def test_escape_formula(value):
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["홍길동", "1+2", "a=b", "", "010-1234-5678"])
def test_harmless_text_unchanged(value):
    assert escape_formula(value) == value


def read_back(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_escapes_text_and_keeps_numbers_and_dates_native():
    buffer = io.BytesIO()
    columns = [
        WriterColumn("값"),
        WriterColumn("금액", ValueType.MONEY),
        WriterColumn("주문일시", ValueType.DATETIME),
        WriterColumn("날짜", ValueType.DATE),
        WriterColumn("사용", ValueType.BOOL),
    ]
    moment = datetime(2026, 11, 23, 5, 5, tzinfo=ZoneInfo("UTC"))  # 14:05 in Seoul
    rows = [[value, -5, moment, date(2026, 11, 23), True] for value in RISKY]
    rows.append(["평범", Decimal("1234"), None, None, False])
    assert write_xlsx(buffer, columns, rows) == len(rows)
    sheet = read_back(buffer.getvalue())
    assert [cell.value for cell in sheet[1]] == ["값", "금액", "주문일시", "날짜", "사용"]
    for index, _value in enumerate(RISKY, start=2):
        assert sheet.cell(index, 1).data_type == "s"  # a string, never a formula
    texts = [
        row[0]
        for row in CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).iter_rows()
    ]
    assert texts[1 : len(RISKY) + 1] == ["'" + value for value in RISKY]
    assert sheet.cell(2, 2).value == -5 and sheet.cell(2, 2).data_type == "n"
    assert sheet.cell(2, 2).number_format == "#,##0"
    assert sheet.cell(2, 3).value == datetime(2026, 11, 23, 14, 5)
    assert sheet.cell(2, 4).is_date
    assert sheet.cell(2, 5).value == "Y"
    assert sheet.cell(len(rows) + 1, 1).value == "평범"
    assert sheet.cell(len(rows) + 1, 2).value == 1234
    assert sheet.freeze_panes == "A2"


def test_csv_has_bom_and_escapes():
    buffer = io.BytesIO()
    write_csv(
        buffer,
        [WriterColumn("메모"), WriterColumn("금액", ValueType.MONEY)],
        [["=1+2", -5], ["@x", 3], ["홍길동", None]],
    )
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["메모,금액", "'=1+2,-5", "'@x,3", "홍길동,"]


def test_display_width_counts_cjk_double():
    assert display_width("abc") == 3
    assert display_width("주문번호") == 8
    assert display_width("ＡＢ") == 4


def test_column_widths_from_titles_and_sample():
    columns = [WriterColumn("주문번호"), WriterColumn("상품명"), WriterColumn("x"), WriterColumn("고정", width=30)]
    sample = [["2026112300001", "아주 긴 상품 이름 " * 10, 1, "a"], ["1", "짧음", 2, "b"]]
    widths = column_widths(columns, sample)
    assert widths[0] == len("2026112300001") + 2
    assert widths[1] == 60  # capped
    assert widths[2] == 6  # at least
    assert widths[3] == 30


def test_widths_written_to_the_file():
    buffer = io.BytesIO()
    write_xlsx(buffer, [WriterColumn("수취인 주소")], [["서울특별시 강남구 테헤란로 123"]])
    sheet = read_back(buffer.getvalue())
    expected = display_width("서울특별시 강남구 테헤란로 123") + 2
    assert abs(sheet.column_dimensions["A"].width - expected) < 1


def test_export_file_streams_many_rows_from_a_generator():
    rows = ([i, f"상품 {i}", i * 100] for i in range(5000))
    columns = [WriterColumn("번호", ValueType.INT), WriterColumn("상품명"), WriterColumn("가격", ValueType.MONEY)]
    result = export_file(columns, rows, filename="상품목록")
    assert result.rows == 5000
    assert result.filename == "상품목록.xlsx"
    response = result.response()
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    result.file.close()  # what response.close() does after streaming
    sheet = read_back(data)
    assert sheet.max_row == 5001
    assert sheet.cell(5001, 2).value == "상품 4999"


def test_csv_export_file():
    result = export_file([WriterColumn("a")], [["-1"]], filename="x.xlsx", fmt="csv")
    assert result.filename == "x.csv"
    result.file.seek(0)
    assert result.file.read() == "\ufeffa\r\n'-1\r\n".encode()
    result.file.close()
