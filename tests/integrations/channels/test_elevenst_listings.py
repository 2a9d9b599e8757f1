"""11번가 listings: the <Product> body built exactly, responses parsed, and register → read back → update
→ list against the in-process simulator, with the channel's own refusals."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import httpx
import pytest

from integrations.channels.base import (
    AuthFailed,
    ChannelConfig,
    CourierCode,
    ListingDraft,
    ListingImage,
    ListingOptionDraft,
    ListingShipping,
    ListingState,
    PriceChange,
    RateLimit,
    Retryable,
    SaleStatusChange,
    ShippingFeeType,
    StockChange,
    TaxType,
)
from integrations.channels.elevenst import mapper
from integrations.channels.elevenst.adapter import ElevenstAdapter
from integrations.channels.http import rate_limiters
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.elevenst import DEMO_CREDENTIALS, ElevenstSandbox

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=KST)
DECL = '<?xml version="1.0" encoding="euc-kr"?>'


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class RecordingTransport(SandboxTransport):
    def __init__(self, app, *, fail_paths: tuple[str, ...] = ()):
        super().__init__(app)
        self.requests: list[httpx.Request] = []
        self.fail_paths = fail_paths

    def handle_request(self, request):
        request.read()
        self.requests.append(request)
        if any(part in request.url.path for part in self.fail_paths):
            return httpx.Response(503, content=b"", request=request)
        return super().handle_request(request)


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make_adapter(sandbox, transport=None) -> ElevenstAdapter:
    adapter = ElevenstAdapter(
        ChannelConfig(
            store_key="store:11st-listings",
            base_url=ElevenstAdapter.default_base_url,
            credentials=dict(DEMO_CREDENTIALS),
            transport=transport or SandboxTransport(sandbox),
            rate_limit=RateLimit(1000, 1000),
            backoff_base=0.0,
            max_retries=1,
        )
    )
    adapter._now = lambda: sandbox.now()
    return adapter


@pytest.fixture
def sandbox():
    return ElevenstSandbox(clock=Clock(T0), seed=5)


@pytest.fixture
def adapter(sandbox):
    return make_adapter(sandbox)


def shipping(**overrides) -> ListingShipping:
    base = ListingShipping(
        fee_type=ShippingFeeType.FIXED,
        fee=3000,
        jeju_fee=3000,
        remote_fee=5000,
        return_fee=3000,
        exchange_fee=6000,
        courier=CourierCode.CJ,
        outbound_template_id="1",
        return_template_id="2",
    )
    return replace(base, **overrides)


def tee(**overrides) -> ListingDraft:
    """A two-name option product (multi option) as the catalog would hand it over."""
    base = ListingDraft(
        seller_code="JT-TEE",
        name="장터 데일리 반팔 티셔츠",
        category_id="1011608",
        sale_price=19900,
        market_price=25000,
        option_names=("색상", "사이즈"),
        options=[
            ListingOptionDraft("JT-TEE-WS", ("화이트", "S"), 0, 10),
            ListingOptionDraft("JT-TEE-WM", ("화이트", "M"), 0, 5),
            ListingOptionDraft("JT-TEE-BL", ("블랙", "L"), 1000, 0),
        ],
        brand="장터",
        maker="장터상회",
        origin="국산(경기)",
        detail_html="<p>면 100% 반팔 티셔츠</p>",
        main_image=ListingImage("https://img.example.com/tee.jpg"),
        extra_images=[ListingImage("https://img.example.com/tee-2.jpg")],
        shipping=shipping(fee_type=ShippingFeeType.CONDITIONAL, free_threshold=30000, delivery_template_id="700001"),
        as_phone="02-1234-5678",
        as_info="구매 후 1년 무상 A/S",
        notice_category="wear",
        notice_fields={"material": "면 100%", "색상": "화이트, 블랙", "size": "S, M, L"},
        certifications=[{"kind": "kids_safety", "number": "CB061R1234-5001"}],
    )
    return replace(base, **overrides)


def mug(**overrides) -> ListingDraft:
    """A product without options."""
    base = ListingDraft(
        seller_code="JT-MUG",
        name="머그컵 350ml",
        category_id="1011608",
        sale_price=8900,
        stock=30,
        detail_html="<p>머그컵</p>",
        main_image=ListingImage("https://img.example.com/mug.jpg"),
        shipping=shipping(fee_type=ShippingFeeType.FREE),
        as_phone="1588-0000",
    )
    return replace(base, **overrides)


def body_of(xml: str) -> str:
    assert xml.startswith(DECL + "<Product>") and xml.endswith("</Product>")
    return xml[len(DECL + "<Product>") : -len("</Product>")]


# -- mapper: request body --------------------------------------------------------------------


def test_register_body_of_a_single_option_product_is_built_exactly():
    draft = ListingDraft(
        seller_code="JT-SOCK",
        name="양말 & 덧신 세트",
        category_id="1011608",
        sale_price=9900,
        option_names=("색상",),
        options=[
            ListingOptionDraft("SOCK-BK", ("블랙",), 0, 20),
            ListingOptionDraft("SOCK-WH", ("화이트",), 500, 3, on_sale=False),
        ],
        brand="",
        origin="중국",
        tax_type=TaxType.TAX_FREE,
        adult_only=True,
        keywords=("양말", " "),
        detail_html="<b>상세</b>",
        main_image=ListingImage("https://img.example.com/sock.jpg"),
        max_per_order=3,
        sale_start=datetime(2026, 3, 5, 0, 0, tzinfo=KST),
        shipping=shipping(),
        as_info="A/S 불가",
        notice_category="etc",
        certifications=[{"kind": "electric_supplier", "number": ""}, {"kind": "other", "number": "X"}],
    )
    assert body_of(mapper.listing_draft_to_product_xml(draft, today=date(2026, 3, 2))) == "".join(
        [
            "<selMthdCd>01</selMthdCd><dispCtgrNo>1011608</dispCtgrNo><prdTypCd>01</prdTypCd>",
            "<prdNm><![CDATA[양말 & 덧신 세트]]></prdNm><brand><![CDATA[알수없음]]></brand>",
            "<rmaterialTypCd>04</rmaterialTypCd><orgnTypCd>02</orgnTypCd><orgnTypDtlsCd>1287</orgnTypDtlsCd>",
            "<sellerPrdCd>JT-SOCK</sellerPrdCd><suplDtyfrPrdClfCd>02</suplDtyfrPrdClfCd><prdStatCd>01</prdStatCd>",
            "<minorSelCnYn>N</minorSelCnYn><prdImage01>https://img.example.com/sock.jpg</prdImage01>",
            "<htmlDetail><![CDATA[<b>상세</b>]]></htmlDetail>",
            "<ProductCertGroup><crtfGrpTypCd>01</crtfGrpTypCd><crtfGrpObjClfCd>01</crtfGrpObjClfCd>",
            "<ProductCert><certTypeCd>127</certTypeCd></ProductCert></ProductCertGroup>",
            "<ProductCertGroup><crtfGrpTypCd>02</crtfGrpTypCd><crtfGrpObjClfCd>03</crtfGrpObjClfCd></ProductCertGroup>",
            "<ProductCertGroup><crtfGrpTypCd>03</crtfGrpTypCd><crtfGrpObjClfCd>03</crtfGrpObjClfCd></ProductCertGroup>",
            "<ProductCertGroup><crtfGrpTypCd>04</crtfGrpTypCd><crtfGrpObjClfCd>05</crtfGrpObjClfCd></ProductCertGroup>",
            "<selTermUseYn>Y</selTermUseYn><selPrdClfCd>0:100</selPrdClfCd>",
            "<aplBgnDy>2026/03/05</aplBgnDy><aplEndDy>2999/12/31</aplEndDy>",
            "<selPrc>9900</selPrc>",
            "<optSelectYn>Y</optSelectYn><txtColCnt>1</txtColCnt><prdExposeClfCd>00</prdExposeClfCd>",
            "<colTitle>색상</colTitle>",
            "<ProductOption><useYn>Y</useYn><colOptPrice>0</colOptPrice><colValue0>블랙</colValue0>",
            "<colCount>20</colCount><colSellerStockCd>SOCK-BK</colSellerStockCd></ProductOption>",
            "<ProductOption><useYn>N</useYn><colOptPrice>500</colOptPrice><colValue0>화이트</colValue0>",
            "<colCount>3</colCount><colSellerStockCd>SOCK-WH</colSellerStockCd></ProductOption>",
            "<prdSelQty>23</prdSelQty><selLimitTypCd>01</selLimitTypCd><selLimitQty>3</selLimitQty>",
            "<dlvCnAreaCd>01</dlvCnAreaCd><dlvWyCd>01</dlvWyCd><dlvEtprsCd>00034</dlvEtprsCd>",
            "<dlvCstInstBasiCd>02</dlvCstInstBasiCd><dlvCst1>3000</dlvCst1><bndlDlvCnYn>Y</bndlDlvCnYn>",
            "<dlvCstPayTypCd>03</dlvCstPayTypCd><jejuDlvCst>3000</jejuDlvCst><islandDlvCst>5000</islandDlvCst>",
            "<addrSeqOut>1</addrSeqOut><addrSeqIn>2</addrSeqIn><rtngdDlvCst>3000</rtngdDlvCst>",
            "<exchDlvCst>6000</exchDlvCst><asDetail><![CDATA[A/S 불가]]></asDetail>",
            "<rtngExchDetail><![CDATA[반품배송비 편도 3,000원, 교환배송비 왕복 6,000원]]></rtngExchDetail>",
            "<dlvClf>02</dlvClf>",
            "<ProductNotification><type>891045</type>",
            "<item><code>11800</code><name><![CDATA[양말 & 덧신 세트]]></name></item>",
            "<item><code>11905</code><name><![CDATA[상세페이지 참조]]></name></item>",
            "<item><code>23760413</code><name><![CDATA[상세페이지 참조]]></name></item>",
            "<item><code>23759100</code><name><![CDATA[중국]]></name></item>",
            "<item><code>23756033</code><name><![CDATA[상세페이지 참조]]></name></item>",
            "</ProductNotification>",
            "<ProductTag><tagName>양말</tagName></ProductTag>",
        ]
    )


def test_multi_option_block_lists_names_values_and_one_combination_per_option():
    xml = mapper.listing_draft_to_product_xml(tee(), today=date(2026, 3, 2))
    assert (
        "<maktPrc>25000</maktPrc><selPrc>19900</selPrc>"
        "<optSelectYn>Y</optSelectYn><txtColCnt>1</txtColCnt><prdExposeClfCd>00</prdExposeClfCd><optMixYn>N</optMixYn>"
        "<ProductRootOption><colTitle>색상</colTitle>"
        "<ProductOption><colOptPrice>0</colOptPrice><colValue0>화이트</colValue0></ProductOption>"
        "<ProductOption><colOptPrice>0</colOptPrice><colValue0>블랙</colValue0></ProductOption></ProductRootOption>"
        "<ProductRootOption><colTitle>사이즈</colTitle>"
        "<ProductOption><colOptPrice>0</colOptPrice><colValue0>S</colValue0></ProductOption>"
        "<ProductOption><colOptPrice>0</colOptPrice><colValue0>M</colValue0></ProductOption>"
        "<ProductOption><colOptPrice>0</colOptPrice><colValue0>L</colValue0></ProductOption></ProductRootOption>"
        "<ProductOptionExt>"
        "<ProductOption><useYn>Y</useYn><colOptPrice>0</colOptPrice><colOptCount>10</colOptCount>"
        "<colSellerStockCd>JT-TEE-WS</colSellerStockCd><optionMappingKey>색상:화이트†사이즈:S</optionMappingKey>"
        "</ProductOption>"
        "<ProductOption><useYn>Y</useYn><colOptPrice>0</colOptPrice><colOptCount>5</colOptCount>"
        "<colSellerStockCd>JT-TEE-WM</colSellerStockCd><optionMappingKey>색상:화이트†사이즈:M</optionMappingKey>"
        "</ProductOption>"
        # stock 0 is only taken on an option marked 품절
        "<ProductOption><useYn>N</useYn><colOptPrice>1000</colOptPrice><colOptCount>0</colOptCount>"
        "<colSellerStockCd>JT-TEE-BL</colSellerStockCd><optionMappingKey>색상:블랙†사이즈:L</optionMappingKey>"
        "</ProductOption></ProductOptionExt><prdSelQty>15</prdSelQty>"
    ) in xml
    # 조건부 무료: threshold, not bundled; the 발송마감 template; origin 국산(경기) → 01 + region code
    assert (
        "<dlvSendCloseTmpltNo>700001</dlvSendCloseTmpltNo><dlvCstInstBasiCd>03</dlvCstInstBasiCd>"
        "<dlvCst1>3000</dlvCst1><PrdFrDlvBasiAmt>30000</PrdFrDlvBasiAmt><bndlDlvCnYn>N</bndlDlvCnYn>"
    ) in xml
    assert "<orgnTypCd>01</orgnTypCd><orgnTypDtlsCd>1002</orgnTypDtlsCd>" in xml
    assert "<asDetail><![CDATA[구매 후 1년 무상 A/S (02-1234-5678)]]></asDetail>" in xml
    assert "<prdImage02>https://img.example.com/tee-2.jpg</prdImage02>" in xml
    assert "<prdImage03>" not in xml  # a registration leaves empty images out


def test_update_body_replaces_options_and_clears_removed_images():
    xml = mapper.listing_draft_to_product_xml(tee(extra_images=[]), update=True, today=date(2026, 3, 2))
    assert "<txtColCnt>1</txtColCnt><optUpdateYn>Y</optUpdateYn>" in xml
    assert "<prdImage02></prdImage02><prdImage03></prdImage03><prdImage04></prdImage04>" in xml


@pytest.mark.parametrize(
    ("ship", "expected"),
    [
        (
            shipping(fee_type=ShippingFeeType.FREE),
            "<dlvCstInstBasiCd>01</dlvCstInstBasiCd><bndlDlvCnYn>Y</bndlDlvCnYn>",
        ),
        (
            shipping(fee_type=ShippingFeeType.PER_QUANTITY, fee=2500, per_quantity=12),
            "<dlvCstInstBasiCd>04</dlvCstInstBasiCd>"
            "<dlvCnt1>1^13^25^37^49^61^73^85^97^109</dlvCnt1>"
            "<dlvCnt2>12^24^36^48^60^72^84^96^108</dlvCnt2>"
            "<dlvCst3>2500^5000^7500^10000^12500^15000^17500^20000^22500^25000</dlvCst3>",
        ),
        (
            shipping(fee_type=ShippingFeeType.PER_QUANTITY, fee=1000, per_quantity=1),
            "<dlvCstInstBasiCd>05</dlvCstInstBasiCd><dlvCst4>1000</dlvCst4>",
        ),
        (shipping(courier=CourierCode.DIRECT), "<dlvCnAreaCd>01</dlvCnAreaCd><dlvWyCd>03</dlvWyCd><dlvCstInstBasiCd>"),
        (shipping(courier=CourierCode.KDEXP), "<dlvWyCd>01</dlvWyCd><dlvCstInstBasiCd>02</dlvCstInstBasiCd>"),
    ],
)
def test_shipping_fee_types_and_couriers(ship, expected):
    assert expected in "".join(mapper.shipping_elements(ship))


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("", "<orgnTypCd>03</orgnTypCd><orgnNmVal>상세설명 참조</orgnNmVal>"),
        ("국산", "<orgnTypCd>03</orgnTypCd><orgnNmVal>국산</orgnNmVal>"),
        ("국내산(제주)", "<orgnTypCd>01</orgnTypCd><orgnTypDtlsCd>1014</orgnTypDtlsCd>"),
        ("인도네시아", "<orgnTypCd>02</orgnTypCd><orgnTypDtlsCd>1284</orgnTypDtlsCd>"),
        ("프랑스", "<orgnTypCd>03</orgnTypCd><orgnNmVal>프랑스</orgnNmVal>"),
    ],
)
def test_origin(origin, expected):
    assert "".join(mapper.origin_elements(origin)) == expected


def test_purchase_limits_tax_and_sale_period():
    per_person = mapper.listing_draft_to_product_xml(mug(max_per_order=2, max_per_person=4), today=date(2026, 3, 2))
    assert "<selLimitTypCd>02</selLimitTypCd><selLimitQty>4</selLimitQty><townSelLmtDy>30</townSelLmtDy>" in per_person
    days = mapper.listing_draft_to_product_xml(mug(max_per_person=1, extra={"purchase_limit_days": 7}))
    assert "<townSelLmtDy>7</townSelLmtDy>" in days
    zero = mapper.listing_draft_to_product_xml(
        mug(tax_type=TaxType.ZERO_RATED, sale_end=datetime(2026, 4, 30, 23, 0, tzinfo=KST)), today=date(2026, 3, 2)
    )
    assert "<suplDtyfrPrdClfCd>03</suplDtyfrPrdClfCd>" in zero
    assert "<aplBgnDy>2026/03/02</aplBgnDy><aplEndDy>2026/04/30</aplEndDy>" in zero
    assert "<selTermUseYn>N</selTermUseYn>" in mapper.listing_draft_to_product_xml(mug())
    assert "<prdSelQty>30</prdSelQty><selLimitTypCd>00</selLimitTypCd>" in mapper.listing_draft_to_product_xml(mug())


def test_notice_of_a_known_category_takes_keys_labels_and_draft_fallbacks():
    element = mapper.notice_element(tee())
    assert element.startswith("<ProductNotification><type>891011</type>")
    values = {el.findtext("code"): el.findtext("name") for el in mapper.parse_xml(element.encode()).iter("item")}
    assert values == {
        "11835": "화이트, 블랙",  # given by our label (색상)
        "23756520": "상세페이지 참조",
        "23759095": "국산(경기)",  # draft.origin
        "23760437": "02-1234-5678",  # draft.as_phone
        "23759468": "면 100%",
        "23760034": "S, M, L",
        "23760386": "상세페이지 참조",
        "11905": "장터상회",  # draft.maker
        "23759308": "상세페이지 참조",
    }


def test_notice_of_an_unmapped_category_falls_back_to_etc():
    element = mapper.notice_element(
        mug(notice_category="cosmetic", model="MUG-350", notice_fields={"kc_cert": "해당없음"})
    )
    values = {el.findtext("code"): el.findtext("name") for el in mapper.parse_xml(element.encode()).iter("item")}
    assert element.startswith("<ProductNotification><type>891045</type>")
    assert values == {
        "11800": "MUG-350",
        "11905": "상세페이지 참조",
        "23760413": "1588-0000",  # draft.as_phone
        "23759100": "상세페이지 참조",
        "23756033": "해당없음",
    }


def test_option_values_must_match_option_names():
    with pytest.raises(ValueError, match="옵션값 수"):
        mapper.listing_draft_to_product_xml(tee(options=[ListingOptionDraft("X", ("화이트",), 0, 1)]))


# -- mapper: responses -----------------------------------------------------------------------

STOCKS_XML = (
    '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>'
    '<ns2:ProductStocks xmlns:ns2="http://skt.tmall.business.openapi.spring.service.client.domain/">'
    "<ns2:prdNo>4100000007</ns2:prdNo><ns2:sellerPrdCd>JT-TEE</ns2:sellerPrdCd>"
    "<ns2:ProductStock><addPrc>0</addPrc><mixDtlOptNm>화이트,S</mixDtlOptNm><mixOptNm>색상,사이즈</mixOptNm>"
    "<optWght>0</optWght><prdNo>4100000007</prdNo><prdStckNo>41000000011</prdStckNo><prdStckStatCd>01</prdStckStatCd>"
    "<selQty>2</selQty><sellerStockCd>JT-TEE-WS</sellerStockCd><stckQty>8</stckQty></ns2:ProductStock>"
    "<ns2:ProductStock><addPrc>1000</addPrc><mixDtlOptNm>블랙,L</mixDtlOptNm><mixOptNm>색상,사이즈</mixOptNm>"
    "<optWght>0</optWght><prdNo>4100000007</prdNo><prdStckNo>41000000012</prdStckNo><prdStckStatCd>02</prdStckStatCd>"
    "<selQty>0</selQty><sellerStockCd></sellerStockCd><stckQty>0</stckQty></ns2:ProductStock>"
    "</ns2:ProductStocks>"
).encode("euc-kr")


def test_stock_read_and_product_row_become_a_channel_listing():
    stocks = mapper.rows(mapper.parse_xml(STOCKS_XML, "text/xml;charset=EUC-KR"), "ProductStock")
    product = {
        "prdNo": "4100000007",
        "prdNm": "장터 데일리 반팔 티셔츠",
        "sellerPrdCd": "JT-TEE",
        "selPrc": "19900",
        "maktPrc": "25000",
        "selStatCd": "104",
        "dispCtgrNo": "1011608",
    }
    listing = mapper.map_channel_listing(product, stocks)
    assert (listing.product_id, listing.seller_code, listing.state, listing.channel_status) == (
        "4100000007",
        "JT-TEE",
        ListingState.SOLD_OUT,
        "104",
    )
    assert (listing.sale_price, listing.market_price, listing.category_id, listing.option_names) == (
        19900,
        25000,
        "1011608",
        ("색상", "사이즈"),
    )
    assert [
        (o.option_id, o.seller_code, o.values, o.price, o.extra_price, o.stock, o.on_sale) for o in listing.options
    ] == [
        ("41000000011", "JT-TEE-WS", ("화이트", "S"), 19900, 0, 8, True),
        ("41000000012", "", ("블랙", "L"), 20900, 1000, 0, False),
    ]
    # seller code first, option values when the channel lost the code
    draft = tee(
        options=[ListingOptionDraft("JT-TEE-WS", ("화이트", "S")), ListingOptionDraft("JT-TEE-BL", ("블랙", "L"))]
    )
    assert mapper.option_ids_for(draft, stocks) == {"JT-TEE-WS": "41000000011", "JT-TEE-BL": "41000000012"}


def test_a_product_without_options_keeps_its_stock_number_in_ref():
    stock = {"prdStckNo": "41000000020", "stckQty": "30", "mixOptNm": "", "mixDtlOptNm": "", "sellerStockCd": ""}
    listing = mapper.map_channel_listing({"prdNo": "4100000009", "selStatCd": "103", "selPrc": "8900"}, [stock])
    assert (listing.options, listing.ref) == ([], {"prdNo": "4100000009", "prdStckNo": "41000000020", "stckQty": 30})
    assert mapper.option_ids_for(mug(), [stock]) == {"JT-MUG": "41000000020"}


@pytest.mark.parametrize(
    ("code", "state"),
    [
        ("103", ListingState.ON_SALE),
        ("104", ListingState.SOLD_OUT),
        ("105", ListingState.SUSPENDED),
        ("106", ListingState.ENDED),
        ("108", ListingState.REJECTED),
        ("999", ListingState.UNKNOWN),
        ("", ListingState.UNKNOWN),
    ],
)
def test_sale_status_codes(code, state):
    assert mapper.listing_state(code)[0] == state
    listing = mapper.map_channel_listing({"prdNo": "1", "selStatCd": code})
    assert listing.state == state
    if state == ListingState.UNKNOWN:
        assert listing.ref["flags"] == [f"unknown_status:{code}"]


def test_register_answer_and_auth_message_through_the_client():
    answers = {
        "/rest/prodservices/product": (
            "<ClientMessage><productNo>4100000001</productNo><resultCode>210</resultCode>"
            "<message>상품이 등록되었습니다.</message></ClientMessage>"
        ),
        "/rest/prodmarketservice/prodmarket/1": "<AuthMessage><resultCode>300</resultCode>"
        "<message>Seller API 미승인</message></AuthMessage>",
    }

    def reply(request):
        body = (DECL + answers[request.url.path]).encode("euc-kr")
        return httpx.Response(200, content=body, headers={"Content-Type": "text/xml;charset=EUC-KR"})

    adapter = make_adapter(ElevenstSandbox(), transport=httpx.MockTransport(reply))
    env = adapter.client.register_product("<Product/>")
    assert (env.code, env.fields["productNo"], env.text) == ("210", "4100000001", "상품이 등록되었습니다.")
    with pytest.raises(AuthFailed, match="미승인"):
        adapter.client.product("1")


# -- adapter against the simulator -----------------------------------------------------------


def test_register_returns_option_ids_and_the_product_joins_the_catalogue(sandbox):
    transport = RecordingTransport(sandbox)
    adapter = make_adapter(sandbox, transport)
    result = adapter.create_listing(tee())
    assert (result.ok, result.code, result.state) == (True, "200", ListingState.ON_SALE)
    prd_no = result.channel_product_id
    stocks = {o["sellerStockCd"]: o["prdStckNo"] for o in sandbox.options.values() if o["prdNo"] == prd_no}
    assert result.option_ids == stocks and set(stocks) == {"JT-TEE-WS", "JT-TEE-WM", "JT-TEE-BL"}
    post = transport.requests[0]
    assert (post.method, post.url.path) == ("POST", "/rest/prodservices/product")
    assert post.headers["content-type"] == "text/xml;charset=EUC-KR"
    assert "<prdNm><![CDATA[장터 데일리 반팔 티셔츠]]></prdNm>" in post.content.decode("euc-kr")
    assert [r.url.path for r in transport.requests[1:]] == [
        f"/rest/prodmarketservice/prodmarket/{prd_no}",
        f"/rest/prodmarketservice/prodmarket/stck/{prd_no}",
    ]
    product = sandbox.products[prd_no]
    assert (product["prdNm"], product["sellerPrdCd"], product["selPrc"]) == ("장터 데일리 반팔 티셔츠", "JT-TEE", 19900)
    assert sandbox.options[stocks["JT-TEE-BL"]]["useYn"] == "N"


def test_registered_options_take_pushes_and_orders(sandbox, adapter):
    result = adapter.create_listing(tee())
    prd_no, ids = result.channel_product_id, result.option_ids
    stock = adapter.push_stock([StockChange(ids["JT-TEE-WS"], 42, {"prdNo": prd_no})])
    price = adapter.push_prices([PriceChange(prd_no, 21900)])
    status = adapter.push_sale_status([SaleStatusChange(prd_no, False)])
    assert [r.ok for r in stock + price + status] == [True, True, True]
    assert sandbox.options[ids["JT-TEE-WS"]]["stckQty"] == 42
    assert sandbox.options[ids["JT-TEE-BL"]]["price"] == 22900  # sale price + 1,000
    (listing,) = [item for page in adapter.fetch_listings() for item in page.items if item.product_id == prd_no]
    assert (listing.state, listing.sale_price) == (ListingState.SUSPENDED, 21900)
    assert {o.seller_code: (o.stock, o.price) for o in listing.options} == {
        "JT-TEE-WS": (42, 21900),
        "JT-TEE-WM": (5, 21900),
        "JT-TEE-BL": (0, 22900),
    }
    ordered = set()
    for _ in range(60):
        ordered |= {sandbox.lines[key]["prdStckNo"] for key in sandbox.orders[sandbox.create_orders(1)[0]]["lines"]}
    assert {ids["JT-TEE-WS"], ids["JT-TEE-WM"]} <= ordered
    assert ids["JT-TEE-BL"] not in ordered  # 품절 option (useYn N) is not ordered


def test_product_without_options_maps_its_own_seller_code(sandbox, adapter):
    result = adapter.create_listing(mug())
    assert result.ok and list(result.option_ids) == ["JT-MUG"]
    assert sandbox.options[result.option_ids["JT-MUG"]]["stckQty"] == 30
    assert adapter.push_stock([StockChange(result.option_ids["JT-MUG"], 0)])[0].ok
    (listing,) = [i for p in adapter.fetch_listings() for i in p.items if i.product_id == result.channel_product_id]
    assert (listing.state, listing.options, listing.ref["prdStckNo"]) == (
        ListingState.SOLD_OUT,
        [],
        result.option_ids["JT-MUG"],
    )


def test_update_keeps_option_ids_of_kept_seller_codes(sandbox, adapter):
    created = adapter.create_listing(tee())
    ids = created.option_ids
    draft = tee(
        channel_product_id=created.channel_product_id,
        name="장터 데일리 반팔 티셔츠 (리뉴얼)",
        sale_price=21900,
        options=[
            ListingOptionDraft("JT-TEE-WS", ("화이트", "S"), 0, 7),
            ListingOptionDraft("JT-TEE-BL", ("블랙", "L"), 2000, 4),
            ListingOptionDraft("JT-TEE-BXL", ("블랙", "XL"), 2000, 9),
        ],
    )
    result = adapter.update_listing(draft)
    assert (result.ok, result.channel_product_id, result.state) == (
        True,
        created.channel_product_id,
        ListingState.ON_SALE,
    )
    assert result.option_ids["JT-TEE-WS"] == ids["JT-TEE-WS"] and result.option_ids["JT-TEE-BL"] == ids["JT-TEE-BL"]
    assert result.option_ids["JT-TEE-BXL"] not in ids.values()
    assert ids["JT-TEE-WM"] not in sandbox.options and ids["JT-TEE-WM"] not in sandbox.option_ids
    assert sandbox.options[ids["JT-TEE-BL"]]["useYn"] == "Y" and sandbox.options[ids["JT-TEE-BL"]]["price"] == 23900
    assert sandbox.products[created.channel_product_id]["prdNm"] == "장터 데일리 반팔 티셔츠 (리뉴얼)"
    assert [p for m, p in sandbox.received if m == "PUT"] == [f"/prodservices/product/{created.channel_product_id}"]


def test_update_refusals(sandbox, adapter):
    created = adapter.create_listing(tee())
    too_much = adapter.update_listing(
        tee(channel_product_id=created.channel_product_id, sale_price=29900, market_price=0)
    )
    assert (too_much.ok, too_much.code, too_much.channel_product_id) == (False, "500", created.channel_product_id)
    assert "최대 50% 인상/80% 인하" in too_much.message
    assert sandbox.products[created.channel_product_id]["selPrc"] == 19900
    unknown = adapter.update_listing(tee(channel_product_id="999"))
    assert (unknown.ok, unknown.code, unknown.message) == (False, "500", "존재하지 않는 상품번호입니다.")
    missing = adapter.update_listing(tee())
    assert (missing.ok, missing.code) == (False, "missing_product_id")


def test_listing_pull_pages_through_seeded_and_registered_products(sandbox, adapter):
    registered = [adapter.create_listing(mug(seller_code=f"JT-MUG-{n}")).channel_product_id for n in range(3)]
    adapter.listing_page_size = 3
    pages = list(adapter.fetch_listings())
    assert [len(page.items) for page in pages] == [3, 3, 2]
    assert [page.label for page in pages] == ["products 1-3", "products 4-6", "products 7-8"]
    listings = {item.product_id: item for page in pages for item in page.items}
    assert list(listings)[-3:] == registered
    seeded = listings["3100000200"]
    assert (seeded.seller_code, seeded.state, seeded.option_names) == (
        "11ST-TEE-DAILY",
        ListingState.ON_SALE,
        ("선택",),
    )
    assert [(o.option_id, o.seller_code, o.values, o.price) for o in seeded.options][:3] == [
        ("31000000200", "TEE-DAILY-01", ("S/화이트",), 12900),
        ("31000000201", "TEE-DAILY-02", ("M/화이트",), 12900),
        ("31000000202", "TEE-DAILY-03", ("L/블랙",), 13900),
    ]
    requests = [p for m, p in sandbox.received if p == "/prodmarketservice/prodmarket"]
    assert len(requests) == 3


def many_options(count: int) -> list[ListingOptionDraft]:
    return [ListingOptionDraft(f"OPT-{n:03d}", (f"{n:03d}호",), 0, 1) for n in range(count)]


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (
            tee(option_names=("호수",), options=many_options(100)),
            "옵션은 100개 미만으로 등록할 수 있습니다. (요청 100개)",
        ),
        (tee(sale_price=19990 + 5), "판매가(selPrc)은(는) 10원 단위로 입력하세요."),
        (tee(sale_price=1_000_000_000, market_price=0), "판매가는 10원 단위로, 최대 10억 원 미만으로 입력 가능합니다."),
        (tee(market_price=9900), "정가(maktPrc)는 판매가(selPrc)보다 낮을 수 없습니다."),
        (tee(name="가" * 51), "상품명은 100Byte(한글 50자, 영문/숫자 100자)까지 입력할 수 있습니다."),
        (
            tee(
                options=[
                    ListingOptionDraft("A", ("화이트", "S"), 0, 1),
                    ListingOptionDraft("B", ("블랙", "S"), 20000, 1),
                ]
            ),
            "옵션가는 기본 판매가의 +100%/-50%까지 설정하실 수 있습니다.",
        ),
        (
            tee(options=[ListingOptionDraft("A", ("화이트", "S"), 500, 1)]),
            "옵션가격이 0원인 상품이 반드시 1개 이상 있어야 합니다.",
        ),
        (
            tee(options=[ListingOptionDraft("A", ("화이트&블랙", "S"), 0, 1)]),
            "옵션값(colValue0)에는 특수 문자[',\",%,&,<,>,#,†,콤마]를 입력할 수 없습니다: 화이트&블랙",
        ),
        (
            tee(option_names=("a", "b", "c", "d"), options=[ListingOptionDraft("A", ("1", "2", "3", "4"), 0, 1)]),
            "조합형 옵션은 최대 3개의 옵션명까지 등록할 수 있습니다.",
        ),
        (mug(stock=0), "재고수량(prdSelQty)은 1개 이상 입력하세요."),
        (mug(main_image=None), "대표 이미지(prdImage01)를 입력하세요."),
        (
            mug(category_id="x1"),
            "카테고리 번호(dispCtgrNo)가 올바르지 않습니다. 세카테고리(없으면 소카테고리)를 입력하세요.",
        ),
        (mug(shipping=shipping(fee=2995)), "배송비(dlvCst1)은(는) 10원 단위로 입력하세요."),
        (
            mug(shipping=shipping(outbound_template_id="")),
            "출고지 주소(addrSeqOut)가 존재하지 않습니다. 출고지 조회 API로 주소번호를 확인하세요.",
        ),
        (
            mug(shipping=shipping(delivery_template_id="42")),
            "발송마감 템플릿(dlvSendCloseTmpltNo)이 존재하지 않습니다.",
        ),
        (
            mug(notice_fields={"item_name_model": "가" * 51}),
            "상품정보제공고시 항목(11800) 값은 띄어쓰기 포함 50자 이내로 입력하세요.",
        ),
        (mug(certifications=[{"kind": "kids_safety", "number": ""}]), "인증번호(certKey)를 입력하세요."),
    ],
)
def test_validation_failures_come_back_with_the_channels_code_and_message(sandbox, adapter, draft, message):
    before = (dict(sandbox.products), dict(sandbox.options))
    result = adapter.create_listing(draft)
    assert (result.ok, result.code, result.message, result.channel_product_id) == (False, "500", message, "")
    assert (dict(sandbox.products), dict(sandbox.options)) == before  # nothing registered


def test_raw_product_rules_the_mapper_never_breaks(sandbox, adapter):
    """Rules our mapper always satisfies, checked on hand-written bodies: the simulator still refuses them."""

    def post(xml: str) -> tuple[str, str]:
        try:
            env = adapter.client.register_product(xml)
        except Exception as exc:  # noqa: BLE001 - Rejected carries the channel's code
            return exc.code, exc.message
        return env.code, env.text

    good = body_of(mapper.listing_draft_to_product_xml(mug()))
    wrap = DECL + "<Product>{}</Product>"
    bundled = good.replace(
        "<dlvCstInstBasiCd>01</dlvCstInstBasiCd>",
        "<dlvCstInstBasiCd>03</dlvCstInstBasiCd><dlvCst1>3000</dlvCst1><PrdFrDlvBasiAmt>30000</PrdFrDlvBasiAmt>",
    )
    assert post(wrap.format(bundled)) == (
        "500",
        "상품 조건부 무료일 경우 묶음배송이 불가능합니다. <bndlDlvCnYn/> 를 N으로 설정해주세요.",
    )
    tiers = good.replace(
        "<dlvCstInstBasiCd>01</dlvCstInstBasiCd>",
        "<dlvCstInstBasiCd>04</dlvCstInstBasiCd><dlvCnt1>1^5</dlvCnt1><dlvCnt2>3</dlvCnt2><dlvCst3>2500^5000</dlvCst3>",
    )
    assert post(wrap.format(tiers)) == ("500", "수량별 차등 배송비(dlvCnt1, dlvCnt2, dlvCst3)가 올바르지 않습니다.")
    period = good.replace("<selTermUseYn>N</selTermUseYn>", "<selTermUseYn>Y</selTermUseYn>")
    assert post(wrap.format(period)) == ("500", "판매시작일(aplBgnDy)이 누락되었습니다.")
    assert post(wrap.format(good.replace("<selMthdCd>01</selMthdCd>", ""))) == (
        "500",
        "판매방식(selMthdCd)은 01(고정가 판매)만 등록할 수 있습니다.",
    )
    assert post("<SearchProduct/>") == ("500", "요청 XML을 해석할 수 없습니다.")
    assert post(wrap.format(good))[0] == "200"


def test_registration_is_never_retried(sandbox):
    sandbox.faults = Faults(rate_500=1.0)
    transport = RecordingTransport(sandbox)
    with pytest.raises(Retryable):
        make_adapter(sandbox, transport).create_listing(mug())
    assert [r.method for r in transport.requests] == ["POST"]


def test_a_failed_read_back_still_returns_the_product_number(sandbox):
    transport = RecordingTransport(sandbox, fail_paths=("/prodmarketservice/prodmarket/",))
    result = make_adapter(sandbox, transport).create_listing(mug())
    assert (result.ok, result.state, result.option_ids, result.retryable) == (True, ListingState.UNKNOWN, {}, True)
    assert result.channel_product_id in sandbox.products
    assert "상품 정보를 다시 읽지 못했습니다" in result.message


def test_sale_period_end_shows_as_ended(sandbox, adapter):
    result = adapter.create_listing(mug(sale_end=T0 + timedelta(days=1)))
    assert result.state == ListingState.ON_SALE
    sandbox.clock.now = T0 + timedelta(days=3)
    (listing,) = [i for p in adapter.fetch_listings() for i in p.items if i.product_id == result.channel_product_id]
    assert (listing.state, listing.channel_status) == (ListingState.ENDED, "106")
