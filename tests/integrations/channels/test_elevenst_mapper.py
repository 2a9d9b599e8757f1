"""11번가 mapper: pure functions on recorded-style payloads (fixtures/payloads/elevenst/*.xml)."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from integrations.channels.base import (
    Address,
    ChannelTemplate,
    ClaimState,
    ClaimType,
    CourierCode,
    LineState,
    TemplateKind,
    Window,
)
from integrations.channels.elevenst import mapper
from integrations.channels.elevenst.mapper import KST

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "payloads" / "elevenst"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rows(name: str, item: str = "order") -> list[dict]:
    return mapper.rows(mapper.parse_xml(load(name)), item)


def orders(name: str, kind: str = "complete"):
    return mapper.map_orders((kind, row) for row in rows(name))


# -- encoding and envelopes -------------------------------------------------------------------


def test_fixtures_are_euc_kr_and_decode_by_the_declared_charset():
    raw = load("orders_complete_many.xml")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert mapper.declared_charset(raw) == "euc-kr"
    assert "김서연" in mapper.decode_body(raw)
    # The Content-Type charset wins over the declaration.
    assert mapper.declared_charset(raw, "text/xml;charset=UTF-8") == "utf-8"


def test_cp949_bytes_declared_euc_kr_fall_back_to_cp949():
    (order,) = orders("orders_cp949.xml")
    assert order.buyer.name == "똠얌꿍"
    assert order.receiver.name == "똠얌꿍"


def test_utf8_document_without_ns2_prefix_parses_too():
    found = rows("qna_list.xml", "productQna")
    assert [row["brdInfoNo"] for row in found] == ["81000001", "81000002"]


def test_parser_refuses_entity_expansion():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>'
    with pytest.raises(ValueError):
        mapper.parse_xml(bomb)
    with pytest.raises(ValueError):
        mapper.parse_xml(b"<ns2:orders><ns2:order><ordNo>1</ord")


@pytest.mark.parametrize(
    ("name", "code", "ok"),
    [
        ("reqpackaging_ok.xml", "0", True),
        ("reqpackaging_already.xml", "-3202", False),
        ("reqdelivery_bundle_shipped.xml", "-3308", False),
        ("client_message_ok.xml", "200", True),
        ("client_message_error.xml", "500", False),
        ("error_auth.xml", "-997", False),
        ("error_quota.xml", "004", False),
        ("orders_empty.xml", "0", True),
        ("qna_empty.xml", "500", False),
    ],
)
def test_result_envelopes(name, code, ok):
    found, text = mapper.result_of(mapper.parse_xml(load(name)))
    assert found == code
    assert text
    assert mapper.is_success_code(found) is ok


def test_list_without_result_code_is_success():
    code, _text = mapper.result_of(mapper.parse_xml(load("orders_complete_many.xml")))
    assert code is None and mapper.is_success_code(code)


# -- orders -----------------------------------------------------------------------------------


def test_many_rows_group_into_orders_with_bundled_lines():
    first, second = orders("orders_complete_many.xml")
    assert first.order_id == "202603100000001"
    assert [line.line_id for line in first.lines] == ["202603100000001-1", "202603100000001-2"]
    assert {line.shipment_id for line in first.lines} == {"500000001"}
    assert first.ordered_at == datetime(2026, 3, 10, 9, 41, 7, tzinfo=KST)
    assert first.paid_at == datetime(2026, 3, 10, 9, 42, 15, tzinfo=KST)
    assert first.buyer.name == "김서연" and first.buyer.channel_member_id == "kims****"
    assert first.receiver == Address(
        name="김서연",
        phone1="010-2841-5531",
        phone2="0504-1234-5678",
        zip_code="06236",
        address1="서울특별시 강남구 테헤란로 152",
        address2="101동 1203호",
    )
    assert first.delivery_message == "문 앞에 놓아주세요"
    # dlvCst is repeated on every row of the bundle but counted once.
    assert first.shipping_fee == 3000
    assert [line.shipping_fee for line in first.lines] == [3000, 0]
    line = first.lines[0]
    assert (line.product_id, line.option_id, line.seller_code) == ("3100000000", "31000000000", "EAR-PRO-01")
    assert (line.quantity, line.unit_price, line.line_amount, line.discount) == (1, 39900, 38900, 1000)
    assert line.state == LineState.PAID and line.channel_status == "202"
    assert line.expected_ship_date == date(2026, 3, 12)
    assert line.ref == {
        "ordNo": "202603100000001",
        "ordPrdSeq": "1",
        "dlvNo": "500000001",
        "addPrdYn": "N",
        "addPrdNo": "0",
        "prdStckNo": "31000000000",
        "bndlDlvSeq": "000001",
        "prdNo": "3100000000",
        "ordQty": 1,
    }
    assert first.total_amount == 38900 + 31800 + 3000
    assert second.shipping_fee == 0 and len(second.lines) == 1
    assert line.raw["rcvrNm"] == "김서연"


def test_single_row_and_empty_result():
    (order,) = orders("orders_complete_single.xml")
    assert len(order.lines) == 1
    # No ordPrdStat in the row: the list decides.
    assert order.lines[0].state == LineState.PAID and order.lines[0].channel_status == "202"
    assert orders("orders_empty.xml") == []


def test_packaging_line_keeps_add_product_keys():
    (order,) = orders("orders_packaging.xml", "packaging")
    line = order.lines[0]
    assert line.state == LineState.ACKNOWLEDGED
    assert (line.ref["addPrdYn"], line.ref["addPrdNo"], line.ref["ordPrdSeq"]) == ("Y", "4455667", "2")


def test_shipping_rows_without_ordDt_and_couriers():
    cj, unknown = orders("orders_shipping.xml", "shipping")
    assert cj.ordered_at == datetime(2026, 3, 5, tzinfo=KST)
    assert "ordered_at_from_ordNo" in cj.flags
    line = cj.lines[0]
    assert line.state == LineState.SHIPPED
    assert (line.courier, line.tracking_number) == (CourierCode.CJ, "645512340987")
    odd = unknown.lines[0]
    assert odd.courier == CourierCode.OTHER and "unknown_courier:00045" in odd.flags


def test_unknown_status_is_kept_raw_with_a_flag():
    (order,) = orders("orders_unknown_status.xml")
    line = order.lines[0]
    assert line.state == LineState.UNKNOWN
    assert line.flags == ["unknown_status:999"]
    assert line.channel_status == "999" and line.raw["ordPrdStat"] == "999"
    (row,) = rows("orders_complete_single.xml")
    assert mapper.line_state("mystery", row) == (LineState.UNKNOWN, "mystery", ["unknown_status:mystery"])


def test_lines_are_ordered_by_ordPrdSeq():
    (row,) = rows("orders_complete_single.xml")
    items = [("packaging", {**row, "ordPrdSeq": "10"}), ("complete", {**row, "ordPrdSeq": "2"}), ("complete", row)]
    (order,) = mapper.map_orders(items)
    assert [line.ref["ordPrdSeq"] for line in order.lines] == ["1", "2", "10"]


def test_later_row_of_the_same_line_wins():
    (row,) = rows("orders_complete_single.xml")
    (order,) = mapper.map_orders([("complete", row), ("packaging", {**row, "ordPrdStat": "301"})])
    assert [line.state for line in order.lines] == [LineState.ACKNOWLEDGED]


# -- claims -----------------------------------------------------------------------------------


def test_cancel_requests():
    claims = [mapper.map_claim("cancelorders", row) for row in rows("claims_cancel.xml")]
    assert [c.claim_id for c in claims] == ["202603100000001-1-C3", "202603100000002-1-C4"]
    first = claims[0]
    assert (first.claim_type, first.state, first.channel_status) == (ClaimType.CANCEL, ClaimState.REQUESTED, "01")
    assert first.line_ids == ["202603100000001-1"]
    assert first.ref == {
        "kind": "cancel",
        "ordNo": "202603100000001",
        "ordPrdSeq": "1",
        "ordPrdCnSeq": "3",
        "dlvNo": "500000001",
    }
    assert first.requested_at == datetime(2026, 3, 10, 11, 20, tzinfo=KST)
    assert (first.reason, first.reason_detail, first.quantity) == ("00", "구매 의사 취소", 1)


def test_single_return_request():
    (row,) = rows("claims_return_single.xml")
    claim = mapper.map_claim("returnorders", row)
    assert (claim.claim_type, claim.state) == (ClaimType.RETURN, ClaimState.REQUESTED)
    assert claim.claim_id == "202603050000004-1-R17" and claim.ref["clmReqSeq"] == "17"
    assert claim.reason_detail == "상품 불량 (한쪽 소리 안 남)"


def test_exchange_codes_and_unknown_claim_status():
    approved, odd = (mapper.map_claim("exchangeorders", row) for row in rows("claims_exchange.xml"))
    assert (approved.claim_type, approved.state) == (ClaimType.EXCHANGE, ClaimState.IN_PROGRESS)
    assert odd.state == ClaimState.UNKNOWN and odd.flags == ["unknown_status:299"]
    # A code of another claim type is unknown here too.
    assert mapper.map_claim("exchangeorders", {"ordNo": "1", "ordPrdSeq": "1", "clmStat": "105"}).state == (
        ClaimState.UNKNOWN
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("01", ClaimState.REQUESTED),
        ("02", ClaimState.COMPLETED),
        ("03", ClaimState.REJECTED_BY_SELLER),
        ("104", ClaimState.IN_PROGRESS),
        ("106", ClaimState.COMPLETED),
        ("108", ClaimState.WITHDRAWN_BY_BUYER),
        ("109", ClaimState.IN_PROGRESS),
        ("221", ClaimState.COMPLETED),
        ("232", ClaimState.REJECTED_BY_SELLER),
        ("233", ClaimState.WITHDRAWN_BY_BUYER),
    ],
)
def test_claim_status_table(code, expected):
    assert mapper.CLAIM_STATUS[code][1] == expected


# -- inquiries, templates, settlements --------------------------------------------------------


def test_product_qna():
    open_one, answered = (mapper.map_inquiry(row) for row in rows("qna_list.xml", "productQna"))
    assert open_one.inquiry_id == "81000001" and open_one.ref == {"brdInfoNo": "81000001", "prdNo": "3100000000"}
    assert (open_one.title, open_one.content, open_one.author) == ("배송 문의", "배송은 언제 시작하나요?", "김**")
    assert open_one.order_id == "202603100000001" and not open_one.answered
    assert open_one.created_at == datetime(2026, 3, 10, 10, 15, 30, tzinfo=KST)
    assert answered.answered and answered.answer == "오늘 출고했습니다."
    assert answered.answered_at == datetime(2026, 3, 10, 16, tzinfo=KST)
    assert rows("qna_empty.xml", "productQna") == []


def test_addresses_with_and_without_split_fields():
    full, short = (
        mapper.map_address(TemplateKind.OUTBOUND_ADDRESS, row) for row in rows("outbound_area.xml", "inOutAddress")
    )
    assert (full.template_id, full.name) == ("1", "기본 출고지")
    assert full.address == Address(
        name="장터상회",
        phone1="02-1234-5678",
        phone2="010-1234-5678",
        zip_code="08390",
        address1="서울특별시 구로구 디지털로 300",
        address2="지밸리비즈플라자 12층",
    )
    assert short.address.zip_code == "13494"
    assert short.address.address1 == "경기도 성남시 분당구 판교역로 235 B1"


def test_dispatch_deadline_templates():
    (template,) = (mapper.map_send_close_template(row) for row in rows("send_close_list.xml", "templateBOList"))
    assert template.kind == TemplateKind.DISPATCH_DEADLINE
    assert (template.template_id, template.name) == ("700001", "오후 2시 마감 당일발송")
    assert template.fields == {"cutoff_time": "14:00", "dispatch_days": 1}


def test_settlements():
    sale, refund = (mapper.map_settlement(row) for row in rows("settlement_list.xml", "settlement"))
    assert (sale.settlement_id, sale.kind, sale.line_id) == ("202603010000011-1-01", "SALE", "202603010000011-1")
    assert (sale.sale_amount, sale.commission, sale.settlement_amount) == (38900, 4660, 34240)
    assert (sale.recognized_on, sale.settle_on) == (date(2026, 3, 12), date(2026, 3, 14))
    assert refund.kind == "REFUND" and refund.settlement_amount == -21830


# -- requests out -----------------------------------------------------------------------------


def test_courier_table_and_paths():
    assert mapper.COURIER_TO_ELEVENST == {
        CourierCode.CJ: "00034",
        CourierCode.HANJIN: "00011",
        CourierCode.LOTTE: "00012",
        CourierCode.EPOST: "00007",
        CourierCode.LOGEN: "00002",
        CourierCode.OTHER: "00099",
    }
    assert mapper.courier_path(CourierCode.CJ, "6455-1234-0987") == ("01", "00034", "645512340987")
    assert mapper.courier_path(CourierCode.OTHER, "A1") == ("01", "00099", "A1")
    assert mapper.courier_path(CourierCode.DIRECT, "") == ("03", "null", "null")
    assert "KDEXP" in mapper.courier_path(CourierCode.KDEXP, "123")
    assert "송장번호" in mapper.courier_path(CourierCode.CJ, "12/34")


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("08", "08"),
        ("SOLD_OUT", "08"),
        ("option-sold-out", "09"),
        ("DELAY", "06"),
        ("wrong_price", "07"),
        ("BUYER_REQUEST", "10"),
        ("옵션 품절", "09"),
        ("재고 없음", "08"),
        ("출고 지연", "06"),
        ("whatever", "99"),
        ("", "99"),
    ],
)
def test_seller_cancel_reasons(reason, code):
    assert mapper.seller_cancel_reason(reason) == code


def test_path_text():
    assert mapper.path_text("재고 부족/품절\n", "기타") == "재고 부족 품절"
    assert mapper.path_text("", "기타") == "기타"
    assert mapper.path_text("..", "기타") == "기타"
    assert len(mapper.path_text("가" * 500, "x")) == 100


def test_request_bodies_escape_and_encode_euc_kr():
    body = mapper.encode_body(mapper.qna_answer_xml("확인 & <출고> 똠"))
    text = body.decode("euc-kr")
    assert text.startswith('<?xml version="1.0" encoding="euc-kr"?><ProductQna>')
    assert "<answerCont>확인 &amp; &lt;출고&gt; 똠</answerCont>" in text
    template = ChannelTemplate(
        kind=TemplateKind.RETURN_ADDRESS,
        name="반품지",
        template_id="9",
        address=Address(name="장터", phone1="02-1-2", zip_code="06236", address1="서울 강남구", address2="3층"),
    )
    xml = mapper.address_xml(template)
    assert "<addrSeq>9</addrSeq>" in xml and "<mailNO>06236</mailNO>" in xml and "<prtblTlphnNo>02-1-2" in xml
    close = ChannelTemplate(kind=TemplateKind.DISPATCH_DEADLINE, name="마감", fields={"cutoff_time": "15:30"})
    assert "<sendCloseTm>1530</sendCloseTm>" in mapper.send_close_xml(close)
    assert "prdInfoTmpltNo" not in mapper.send_close_xml(close)
    assert mapper.stock_xml("311", 5) == (
        '<?xml version="1.0" encoding="euc-kr"?><ProductStock><prdStckNo>311</prdStckNo><stckQty>5</stckQty>'
        "</ProductStock>"
    )


# -- windows and time -------------------------------------------------------------------------


def test_minute_windows_split_into_legal_sub_windows():
    start = datetime(2026, 3, 1, 0, 0, tzinfo=KST)
    pairs = mapper.minute_windows(Window(start, start + timedelta(days=20)), 7)
    assert pairs == [
        ("202603010000", "202603072359"),
        ("202603080000", "202603142359"),
        ("202603150000", "202603210000"),  # end's own minute included (the engine dedups)
    ]
    # Aware datetimes in other zones are converted to KST; a non-minute end includes its minute.
    utc_start = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)
    assert mapper.minute_windows(Window(utc_start, utc_start + timedelta(seconds=90)), 7) == [
        ("202603010000", "202603010001")
    ]
    assert mapper.minute_windows(Window(start, start), 7) == [("202603010000", "202603010000")]


def test_day_windows_use_seven_calendar_days():
    start = datetime(2026, 8, 10, tzinfo=KST)
    pairs = mapper.day_windows(Window(start, datetime(2026, 9, 9, tzinfo=KST)), 7)
    assert pairs == [
        ("20260810", "20260816"),
        ("20260817", "20260823"),
        ("20260824", "20260830"),
        ("20260831", "20260906"),
        ("20260907", "20260908"),
    ]


def test_time_parsing():
    assert mapper.parse_dt("2026-03-10 09:41:07") == datetime(2026, 3, 10, 9, 41, 7, tzinfo=KST)
    assert mapper.parse_dt("2026-03-10 09:41:07.0") == datetime(2026, 3, 10, 9, 41, 7, tzinfo=KST)
    assert mapper.parse_dt("202603100941") == datetime(2026, 3, 10, 9, 41, tzinfo=KST)
    assert mapper.parse_dt("20260310094107") == datetime(2026, 3, 10, 9, 41, 7, tzinfo=KST)
    assert mapper.parse_dt("2026-03-10") == datetime(2026, 3, 10, tzinfo=KST)
    assert mapper.parse_dt("") is None and mapper.parse_dt("soon") is None
    assert mapper.parse_date("20260310") == date(2026, 3, 10)
    assert mapper.fmt_minute(datetime(2026, 3, 9, 15, 30, tzinfo=UTC)) == "202603100030"
    assert mapper.fmt_day(datetime(2026, 3, 9, 15, 30, tzinfo=UTC)) == "20260310"
