"""Coupang product registration, full update and pull: the mapper on hand-written wire payloads and
the adapter against the in-process simulator (which approves at once unless told to wait)."""

from dataclasses import replace
from datetime import datetime

import pytest

from integrations.channels.base import (
    Address,
    AuthFailed,
    Capability,
    ChannelConfig,
    CourierCode,
    ListingDraft,
    ListingImage,
    ListingOptionDraft,
    ListingShipping,
    ListingState,
    PriceChange,
    RateLimit,
    RateLimited,
    Rejected,
    Retryable,
    SaleStatusChange,
    ShippingFeeType,
    StockChange,
    TaxType,
)
from integrations.channels.coupang import adapter as adapter_module
from integrations.channels.coupang import mapper
from integrations.channels.coupang.adapter import CoupangAdapter
from integrations.channels.http import rate_limiters
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.coupang import DEMO_CREDENTIALS, SA, CoupangSandbox

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=KST)
RETURN_ADDRESS = Address(
    name="본사 반품센터",
    phone1="02-1234-5679",
    zip_code="10516",
    address1="경기도 고양시 덕양구 통일로 140",
    address2="B동 반품장",
)


def draft(**overrides) -> ListingDraft:
    values = {
        "seller_code": "JT-TEE",
        "name": "데일리 코튼 티셔츠",
        "category_id": "69182",
        "sale_price": 12900,
        "market_price": 15900,
        "option_names": ("색상", "사이즈"),
        "options": [
            ListingOptionDraft("JT-TEE-WH-M", ("화이트", "M"), extra_price=0, stock=30, barcode="8801234567890"),
            ListingOptionDraft("JT-TEE-BK-L", ("블랙", "L"), extra_price=1000, stock=0, on_sale=False),
        ],
        "brand": "장터웨어",
        "maker": "장터섬유",
        "model": "TEE-01",
        "origin": "국산",
        "tax_type": TaxType.TAXABLE,
        "keywords": ("반팔", "면티"),
        "detail_html": "<p>부드러운 면 100%</p>",
        "main_image": ListingImage("https://img.example/tee.jpg"),
        "extra_images": [ListingImage("https://img.example/tee-2.jpg")],
        "max_per_order": 3,
        "max_per_person": 5,
        "sale_start": datetime(2025, 3, 2, 0, 0, tzinfo=KST),
        "shipping": ListingShipping(
            fee_type=ShippingFeeType.CONDITIONAL,
            fee=3000,
            free_threshold=30000,
            jeju_fee=3000,
            remote_fee=5000,
            return_fee=3000,
            exchange_fee=6000,
            courier=CourierCode.LOTTE,
            lead_days=2,
            outbound_template_id="5101",
            return_template_id="1100044601",
            return_address=RETURN_ADDRESS,
        ),
        "as_phone": "1588-0000",
        "notice_category": "wear",
        "notice_fields": {"material": "면 100%", "색상": "화이트, 블랙", "country": ""},
    }
    values.update(overrides)
    return ListingDraft(**values)


def body(listing: ListingDraft, **kwargs) -> dict:
    return mapper.listing_draft_to_seller_product(
        listing, vendor_id="A00012345", vendor_user_id="jangteo_wing", now=NOW, **kwargs
    )


# ---------------------------------------------------------------------------------------------
# Mapper: request bodies
# ---------------------------------------------------------------------------------------------

WEAR_NOTICES = [
    {"noticeCategoryName": "의류", "noticeCategoryDetailName": name, "content": content}
    for name, content in (
        ("제품 소재", "면 100%"),
        ("색상", "화이트, 블랙"),
        ("치수", "상세페이지 참조"),
        ("제조자(수입자)", "장터섬유"),
        ("제조국", "국산"),
        ("세탁방법 및 취급시 주의사항", "상세페이지 참조"),
        ("제조연월", "상세페이지 참조"),
        ("품질보증기준", "상세페이지 참조"),
        ("A/S 책임자와 전화번호", "1588-0000"),
    )
]

FIRST_ITEM = {
    "itemName": "화이트 M",
    "originalPrice": 15900,
    "salePrice": 12900,
    "maximumBuyCount": 30,
    "maximumBuyForPerson": 5,
    "maximumBuyForPersonPeriod": 1,
    "outboundShippingTimeDay": 2,
    "unitCount": 0,
    "adultOnly": "EVERYONE",
    "taxType": "TAX",
    "parallelImported": "NOT_PARALLEL_IMPORTED",
    "overseasPurchased": "NOT_OVERSEAS_PURCHASED",
    "pccNeeded": False,
    "externalVendorSku": "JT-TEE-WH-M",
    "barcode": "8801234567890",
    "emptyBarcode": False,
    "emptyBarcodeReason": "",
    "modelNo": "TEE-01",
    "certifications": [{"certificationType": "NOT_REQUIRED", "certificationCode": ""}],
    "searchTags": ["반팔", "면티"],
    "images": [
        {"imageOrder": 0, "imageType": "REPRESENTATION", "vendorPath": "https://img.example/tee.jpg"},
        {"imageOrder": 1, "imageType": "DETAIL", "vendorPath": "https://img.example/tee-2.jpg"},
    ],
    "notices": WEAR_NOTICES,
    "attributes": [
        {"attributeTypeName": "색상", "attributeValueName": "화이트", "exposed": "EXPOSED"},
        {"attributeTypeName": "사이즈", "attributeValueName": "M", "exposed": "EXPOSED"},
    ],
    "contents": [
        {"contentsType": "TEXT", "contentDetails": [{"content": "<p>부드러운 면 100%</p>", "detailType": "TEXT"}]}
    ],
    "offerCondition": "NEW",
}

SECOND_ITEM = {
    **FIRST_ITEM,
    "itemName": "블랙 L",
    "originalPrice": 16900,
    "salePrice": 13900,
    "maximumBuyCount": 0,
    "externalVendorSku": "JT-TEE-BK-L",
    "barcode": "",
    "emptyBarcode": True,
    "emptyBarcodeReason": "자체 제작 상품",
    "attributes": [
        {"attributeTypeName": "색상", "attributeValueName": "블랙", "exposed": "EXPOSED"},
        {"attributeTypeName": "사이즈", "attributeValueName": "L", "exposed": "EXPOSED"},
    ],
}


def test_register_body_is_built_exactly():
    assert body(draft()) == {
        "displayCategoryCode": 69182,
        "sellerProductName": "데일리 코튼 티셔츠",
        "vendorId": "A00012345",
        "saleStartedAt": "2025-03-02T00:00:00",
        "saleEndedAt": "2099-01-01T23:59:59",
        "displayProductName": "데일리 코튼 티셔츠",
        "brand": "장터웨어",
        "generalProductName": "데일리 코튼 티셔츠",
        "productGroup": "",
        "deliveryMethod": "SEQUENCIAL",
        "deliveryCompanyCode": "HYUNDAI",
        "deliveryChargeType": "CONDITIONAL_FREE",
        "deliveryCharge": 3000,
        "freeShipOverAmount": 30000,
        "deliveryChargeOnReturn": 0,
        "remoteAreaDeliverable": "Y",
        "unionDeliveryType": "UNION_DELIVERY",
        "returnCenterCode": "1100044601",
        "returnCharge": 3000,
        "outboundShippingPlaceCode": 5101,
        "returnChargeName": "본사 반품센터",
        "companyContactNumber": "02-1234-5679",
        "returnZipCode": "10516",
        "returnAddress": "경기도 고양시 덕양구 통일로 140",
        "returnAddressDetail": "B동 반품장",
        "afterServiceInformation": "A/S 문의 1588-0000",
        "afterServiceContactNumber": "1588-0000",
        "vendorUserId": "jangteo_wing",
        "requested": True,
        "items": [FIRST_ITEM, SECOND_ITEM],
        "requiredDocuments": [],
        "manufacture": "장터섬유",
    }


def test_update_body_names_the_product_and_the_registered_items():
    existing = {"JT-TEE-WH-M": {"sellerProductItemId": "7310001", "vendorItemId": "8840001"}}
    sent = body(draft(), existing_items=existing, seller_product_id="14200000001")
    assert sent["sellerProductId"] == 14200000001
    first, second = sent["items"]
    assert (first["sellerProductItemId"], first["vendorItemId"]) == (7310001, 8840001)
    assert "sellerProductItemId" not in second and "vendorItemId" not in second  # a new option


def test_register_body_has_no_product_id_even_if_the_draft_has_one():
    assert "sellerProductId" not in body(draft(channel_product_id="14200000001"))


def test_product_without_options_is_one_item_under_the_product_code():
    (item,) = body(draft(option_names=(), options=[], stock=7))["items"]
    assert item["itemName"] == "데일리 코튼 티셔츠"
    assert item["externalVendorSku"] == "JT-TEE"
    assert (item["salePrice"], item["originalPrice"], item["maximumBuyCount"]) == (12900, 15900, 7)
    assert item["attributes"] == [{"attributeTypeName": "수량", "attributeValueName": "1개", "exposed": "EXPOSED"}]


def test_without_market_price_the_reference_price_is_the_sale_price():
    first, second = body(draft(market_price=0))["items"]
    assert (first["originalPrice"], second["originalPrice"]) == (12900, 13900)


@pytest.mark.parametrize(
    ("shipping", "extra", "expected"),
    [
        (
            ListingShipping(fee_type=ShippingFeeType.FREE, fee=2500, return_fee=2500),
            {},
            {
                "deliveryChargeType": "FREE",
                "deliveryCharge": 0,
                "freeShipOverAmount": 0,
                "deliveryChargeOnReturn": 2500,
            },
        ),
        (
            ListingShipping(fee_type=ShippingFeeType.FIXED, fee=3000, free_threshold=50000, return_fee=3000),
            {},
            {
                "deliveryChargeType": "NOT_FREE",
                "deliveryCharge": 3000,
                "freeShipOverAmount": 0,
                "deliveryChargeOnReturn": 0,
            },
        ),
        (
            ListingShipping(fee_type=ShippingFeeType.CONDITIONAL, fee=2500, free_threshold=19800, return_fee=2500),
            {},
            {
                "deliveryChargeType": "CONDITIONAL_FREE",
                "deliveryCharge": 2500,
                "freeShipOverAmount": 19800,
                "deliveryChargeOnReturn": 0,
            },
        ),
        (
            ListingShipping(fee_type=ShippingFeeType.FIXED, fee=5000, return_fee=5000),
            {"charge_received": True},
            {
                "deliveryChargeType": "CHARGE_RECEIVED",
                "deliveryCharge": 5000,
                "freeShipOverAmount": 0,
                "unionDeliveryType": "NOT_UNION_DELIVERY",
            },
        ),
    ],
)
def test_shipping_fee_types(shipping, extra, expected):
    sent = body(draft(shipping=shipping, extra=extra))
    assert {key: sent[key] for key in expected} == expected
    assert sent["returnCharge"] == shipping.return_fee


def test_direct_delivery_and_remote_areas():
    shipping = ListingShipping(courier=CourierCode.DIRECT)
    sent = body(draft(shipping=shipping, extra={"remote_area_deliverable": False}))
    assert (sent["deliveryCompanyCode"], sent["deliveryMethod"]) == ("DIRECT", "VENDOR_DIRECT")
    assert sent["remoteAreaDeliverable"] == "N"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (
            {"shipping": ListingShipping(fee_type=ShippingFeeType.PER_QUANTITY, fee=3000, per_quantity=2)},
            "UNSUPPORTED_SHIPPING_FEE",
        ),
        ({"shipping": ListingShipping(courier=CourierCode.CU_POST)}, "UNSUPPORTED_COURIER"),
        ({"tax_type": TaxType.ZERO_RATED}, "UNSUPPORTED_TAX_TYPE"),
    ],
)
def test_what_coupang_cannot_take_is_refused_before_sending(overrides, code):
    with pytest.raises(mapper.ListingDraftError) as refused:
        body(draft(**overrides))
    assert refused.value.code == code


def test_tax_free_adult_only_and_purchase_limits():
    item = body(draft(tax_type=TaxType.TAX_FREE, adult_only=True, max_per_person=2, extra={"max_per_person_days": 30}))[
        "items"
    ][0]
    assert (item["taxType"], item["adultOnly"]) == ("FREE", "ADULT_ONLY")
    assert (item["maximumBuyForPerson"], item["maximumBuyForPersonPeriod"]) == (2, 30)


def test_sale_period_end_is_sent_in_kst():
    sent = body(draft(sale_end=datetime(2025, 12, 31, 14, 59, 59, tzinfo=KST)))
    assert sent["saleEndedAt"] == "2025-12-31T14:59:59"


def test_known_notice_category_uses_coupangs_wording_and_keys_or_labels():
    fields = {"capacity": "200ml", "제품 주요 사양": "모든 피부", "all_ingredients": "정제수, 글리세린"}
    notices = mapper.notices(draft(notice_category="cosmetic", notice_fields=fields))
    assert {n["noticeCategoryName"] for n in notices} == {"화장품"}
    by_name = {n["noticeCategoryDetailName"]: n["content"] for n in notices}
    assert by_name["용량(중량)"] == "200ml"
    assert by_name["제품 주요 사양"] == "모든 피부"
    assert by_name["화장품법에 따라 기재, 표시하여야 하는 모든 성분"] == "정제수, 글리세린"
    assert by_name["소비자상담관련 전화번호"] == "1588-0000"
    assert by_name["사용방법"] == "상세페이지 참조"
    assert len(notices) == 11


def test_unmapped_notice_category_falls_back_to_etc_goods():
    notices = mapper.notices(draft(notice_category="books", notice_fields={"book_title": "파이썬"}))
    assert [(n["noticeCategoryName"], n["noticeCategoryDetailName"], n["content"]) for n in notices] == [
        ("기타 재화", "품명 및 모델명", "데일리 코튼 티셔츠 TEE-01"),
        ("기타 재화", "인증사항", "상세페이지 참조"),
        ("기타 재화", "제조국(원산지)", "국산"),
        ("기타 재화", "제조자(수입자)", "장터섬유"),
        ("기타 재화", "소비자상담 관련 전화번호", "1588-0000"),
    ]


def test_certifications_map_to_coupang_types():
    certs = [{"kind": "kids_safety", "number": "CB061R1234-5001"}, {"kind": "electric_supplier", "number": ""}]
    assert mapper.certifications(draft(certifications=certs)) == [
        {"certificationType": "KC_KID_CERTIFICATION", "certificationCode": "CB061R1234-5001"},
        {"certificationType": "KC_ELECTRONICS_PROVIDER", "certificationCode": ""},
    ]
    assert mapper.certifications(draft()) == [{"certificationType": "NOT_REQUIRED", "certificationCode": ""}]


# ---------------------------------------------------------------------------------------------
# Mapper: responses (hand-written after Coupang's documented samples)
# ---------------------------------------------------------------------------------------------

CREATED = {"code": "SUCCESS", "message": "", "data": 14200000001}

PRODUCT = {
    "sellerProductId": 14200000001,
    "sellerProductName": "데일리 코튼 티셔츠",
    "displayCategoryCode": 69182,
    "categoryId": 6918,
    "productId": 7900000001,
    "vendorId": "A00012345",
    "saleStartedAt": "2025-03-02T00:00:00",
    "saleEndedAt": "2099-01-01T23:59:59",
    "brand": "장터웨어",
    "statusName": "부분승인완료",
    "deliveryChargeType": "CONDITIONAL_FREE",
    "items": [
        {
            "sellerProductItemId": 73100000001,
            "vendorItemId": 88400000001,
            "itemName": "화이트 M",
            "originalPrice": 15900.00000,
            "salePrice": 12900.00000,
            "maximumBuyCount": 30,
            "externalVendorSku": "JT-TEE-WH-M",
            "attributes": [
                {"attributeTypeName": "색상", "attributeValueName": "화이트", "exposed": "EXPOSED", "editable": False},
                {"attributeTypeName": "사이즈", "attributeValueName": "M", "exposed": "EXPOSED", "editable": False},
                {"attributeTypeName": "소재", "attributeValueName": "면", "exposed": "NONE", "editable": True},
            ],
        },
        {
            "sellerProductItemId": 73100000002,
            "vendorItemId": None,
            "itemName": "블랙 L",
            "originalPrice": 16900,
            "salePrice": 13900,
            "maximumBuyCount": 0,
            "externalVendorSku": "JT-TEE-BK-L",
            "attributes": [
                {"attributeTypeName": "색상", "attributeValueName": "블랙", "exposed": "EXPOSED"},
                {"attributeTypeName": "사이즈", "attributeValueName": "L", "exposed": "EXPOSED"},
            ],
        },
    ],
}

LIST_ROW = {
    "sellerProductId": 239092172,
    "sellerProductName": "R07 헬로키티 미니낚시놀이",
    "displayCategoryCode": 77413,
    "categoryId": 2102,
    "productId": 14784194,
    "vendorId": "A00012345",
    "mdId": "harry867@",
    "mdName": None,
    "saleStartedAt": "2017-02-14T06:00:00",
    "saleEndedAt": "2099-12-31T00:00:00",
    "brand": "상세설명별도참조",
    "statusName": "승인완료",
    "createdAt": "2017-02-13T02:09:47",
}


def test_register_answer_gives_the_seller_product_id():
    assert mapper.seller_product_id(CREATED) == "14200000001"
    assert mapper.seller_product_id({"code": "SUCCESS", "data": {"code": "SUCCESS", "data": 99}}) == "99"


def test_product_detail_becomes_a_channel_listing():
    listing = mapper.channel_listing_from_product(PRODUCT, now=NOW)
    assert (listing.product_id, listing.name, listing.category_id) == ("14200000001", "데일리 코튼 티셔츠", "69182")
    assert (listing.state, listing.channel_status) == (ListingState.ON_SALE, "부분승인완료")
    assert (listing.sale_price, listing.market_price, listing.seller_code) == (12900, 15900, "")
    assert listing.option_names == ("색상", "사이즈")
    first, second = listing.options
    assert (first.option_id, first.seller_code, first.values, first.price, first.extra_price, first.stock) == (
        "88400000001",
        "JT-TEE-WH-M",
        ("화이트", "M"),
        12900,
        0,
        30,
    )
    assert (second.option_id, second.seller_code, second.values, second.extra_price) == (
        "",
        "JT-TEE-BK-L",
        ("블랙", "L"),
        1000,
    )
    assert listing.ref["sellerProductItemIds"] == {"JT-TEE-WH-M": "73100000001", "JT-TEE-BK-L": "73100000002"}
    assert listing.raw is PRODUCT


def test_read_back_gives_ids_only_for_approved_items():
    result = mapper.listing_result_from_product(PRODUCT)
    assert (result.ok, result.channel_product_id, result.state) == (True, "14200000001", ListingState.ON_SALE)
    assert result.option_ids == {"JT-TEE-WH-M": "88400000001"}


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("임시저장중", ListingState.DRAFT),
        ("임시저장", ListingState.DRAFT),
        ("심사중", ListingState.PENDING_APPROVAL),
        ("승인대기중", ListingState.PENDING_APPROVAL),
        ("승인완료", ListingState.ON_SALE),
        ("부분승인완료", ListingState.ON_SALE),
        ("승인반려", ListingState.REJECTED),
        ("상품삭제", ListingState.ENDED),
        ("APPROVED", ListingState.ON_SALE),
    ],
)
def test_status_names(status, state):
    assert mapper.listing_state(status) == (state, [])


def test_unknown_status_is_unknown_and_flagged_never_raised():
    listing = mapper.channel_listing_from_product({**PRODUCT, "statusName": "판매보류"})
    assert listing.state is ListingState.UNKNOWN
    assert listing.ref["flags"] == ["unknown_status:판매보류"]
    assert mapper.listing_state(None) == (ListingState.UNKNOWN, ["unknown_status:"])


def test_sold_out_and_ended_products():
    sold_out = {**PRODUCT, "statusName": "승인완료", "items": [{**PRODUCT["items"][0], "maximumBuyCount": 0}]}
    assert mapper.channel_listing_from_product(sold_out).state is ListingState.SOLD_OUT
    ended = {**PRODUCT, "statusName": "승인완료", "saleEndedAt": "2025-02-28T23:59:59"}
    assert mapper.channel_listing_from_product(ended, now=NOW).state is ListingState.ENDED


def test_list_row_alone_is_a_summary_listing():
    listing = mapper.channel_listing_from_summary(LIST_ROW)
    assert (listing.product_id, listing.name, listing.state, listing.options) == (
        "239092172",
        "R07 헬로키티 미니낚시놀이",
        ListingState.ON_SALE,
        [],
    )
    assert listing.ref["flags"] == ["summary_only"]


# ---------------------------------------------------------------------------------------------
# Adapter against the simulator
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make_adapter(sandbox, *, credentials=None, max_retries=4):
    config = ChannelConfig(
        store_key="store:coupang-listings",
        base_url=CoupangAdapter.default_base_url,
        credentials=credentials or dict(DEMO_CREDENTIALS),
        transport=SandboxTransport(sandbox),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
        max_retries=max_retries,
    )
    return CoupangAdapter(config)


@pytest.fixture
def sandbox():
    return CoupangSandbox(seed=5)


@pytest.fixture
def adapter(sandbox):
    return make_adapter(sandbox)


def sandbox_draft(sandbox, **overrides) -> ListingDraft:
    """The sample draft pointed at the simulator's own 출고지 and 반품지 (address read from Coupang)."""
    shipping = replace(
        draft().shipping,
        outbound_template_id=str(next(iter(sandbox.outbound))),
        return_template_id=str(next(iter(sandbox.return_centers))),
        return_address=None,
    )
    overrides.setdefault("shipping", shipping)
    return draft(**overrides)


def posts(sandbox, path=f"{SA}/seller-products"):
    return [r for r in sandbox.received if r["method"] == "POST" and r["path"] == path]


def test_capabilities_include_listings():
    assert {
        Capability.LISTING_CREATE,
        Capability.LISTING_UPDATE,
        Capability.LISTINGS_PULL,
    } <= CoupangAdapter.capabilities


def test_register_returns_option_ids_and_reads_back(sandbox, adapter):
    result = adapter.create_listing(sandbox_draft(sandbox))
    assert result.ok, result.message
    assert result.state is ListingState.ON_SALE  # the simulator approves at once
    assert set(result.option_ids) == {"JT-TEE-WH-M", "JT-TEE-BK-L"}
    product = sandbox.seller_products[int(result.channel_product_id)]
    assert product.status == "승인완료"
    # The 반품지 fields were filled from the return centre the draft points at.
    (sent,) = posts(sandbox)
    assert (sent["body"]["returnChargeName"], sent["body"]["returnAddressDetail"]) == ("본사 반품센터", "B동 반품장")
    # The option drafted as not on sale was stopped once it had an id.
    white, black = (sandbox.options[int(result.option_ids[code])] for code in ("JT-TEE-WH-M", "JT-TEE-BK-L"))
    assert (white.on_sale, black.on_sale) == (True, False)
    assert (white.price, black.price, white.stock, white.seller_code) == (12900, 13900, 30, "JT-TEE-WH-M")

    listing = mapper.channel_listing_from_product(adapter.client.seller_product(result.channel_product_id)["data"])
    assert {o.seller_code: o.option_id for o in listing.options} == result.option_ids
    assert listing.option_names == ("색상", "사이즈")


def test_register_waiting_for_approval_has_no_option_ids_yet():
    sandbox = CoupangSandbox(seed=5, listing_approval="manual")
    adapter = make_adapter(sandbox)
    result = adapter.create_listing(sandbox_draft(sandbox))
    assert (result.ok, result.state, result.option_ids) == (True, ListingState.PENDING_APPROVAL, {})
    assert "승인 후" in result.message
    assert sandbox.seller_products[int(result.channel_product_id)].status == "승인대기중"

    sandbox.approve_seller_product(int(result.channel_product_id))
    listings = [listing for page in adapter.fetch_listings() for listing in page.items]
    (mine,) = [listing for listing in listings if listing.product_id == result.channel_product_id]
    assert mine.state is ListingState.ON_SALE
    assert all(option.option_id for option in mine.options)


def test_register_without_approval_request_stays_saved(sandbox, adapter):
    result = adapter.create_listing(sandbox_draft(sandbox, extra={"request_approval": False}))
    assert (result.ok, result.state, result.option_ids) == (True, ListingState.DRAFT, {})
    assert sandbox.seller_products[int(result.channel_product_id)].status == "임시저장"


def test_denied_product_reads_as_rejected():
    sandbox = CoupangSandbox(seed=5, listing_approval="manual")
    adapter = make_adapter(sandbox)
    result = adapter.create_listing(sandbox_draft(sandbox))
    sandbox.deny_seller_product(int(result.channel_product_id))
    listing = mapper.channel_listing_from_product(adapter.client.seller_product(result.channel_product_id)["data"])
    assert (listing.state, listing.channel_status) == (ListingState.REJECTED, "승인반려")


def test_full_update_changes_the_product_and_pushes_approved_numbers(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    product_id = created.channel_product_id
    white, black = (created.option_ids[code] for code in ("JT-TEE-WH-M", "JT-TEE-BK-L"))
    options = [
        ListingOptionDraft("JT-TEE-WH-M", ("화이트", "M"), extra_price=0, stock=12, option_id=white),
        ListingOptionDraft("JT-TEE-BK-L", ("블랙", "L"), extra_price=1000, stock=4, option_id=black),
        ListingOptionDraft("JT-TEE-GR-XL", ("그레이", "XL"), extra_price=2000, stock=9),
    ]
    update = sandbox_draft(
        sandbox,
        name="데일리 코튼 티셔츠 (리뉴얼)",
        sale_price=11900,
        market_price=19900,
        options=options,
        channel_product_id=product_id,
    )
    result = adapter.update_listing(update)
    assert result.ok, result.message
    assert result.channel_product_id == product_id
    assert set(result.option_ids) == {"JT-TEE-WH-M", "JT-TEE-BK-L", "JT-TEE-GR-XL"}
    assert (result.option_ids["JT-TEE-WH-M"], result.option_ids["JT-TEE-BK-L"]) == (white, black)

    product = sandbox.seller_products[int(product_id)]
    assert product.body["sellerProductName"] == "데일리 코튼 티셔츠 (리뉴얼)"
    live = {code: sandbox.options[int(vid)] for code, vid in result.option_ids.items()}
    assert {code: (o.price, o.original_price, o.stock, o.on_sale) for code, o in live.items()} == {
        "JT-TEE-WH-M": (11900, 19900, 12, True),
        "JT-TEE-BK-L": (12900, 20900, 4, True),
        "JT-TEE-GR-XL": (13900, 21900, 9, True),
    }
    # Approved items' numbers went through the per-item APIs, not the full update.
    pushed = [r["path"] for r in sandbox.received if r["method"] == "PUT" and "/vendor-items/" in r["path"]]
    assert f"{SA}/vendor-items/{white}/prices/11900" in pushed
    assert f"{SA}/vendor-items/{white}/original-prices/19900" in pushed
    assert f"{SA}/vendor-items/{black}/quantities/4" in pushed
    assert f"{SA}/vendor-items/{black}/sales/resume" in pushed
    assert pushed.index(f"{SA}/vendor-items/{white}/original-prices/19900") < pushed.index(
        f"{SA}/vendor-items/{white}/prices/11900"
    )

    listings = [listing for page in adapter.fetch_listings() for listing in page.items]
    (mine,) = [listing for listing in listings if listing.product_id == product_id]
    assert mine.name == "데일리 코튼 티셔츠 (리뉴얼)"
    assert {(o.seller_code, o.price) for o in mine.options} == {
        ("JT-TEE-WH-M", 11900),
        ("JT-TEE-BK-L", 12900),
        ("JT-TEE-GR-XL", 13900),
    }


def test_lowering_prices_lowers_the_sale_price_before_the_reference_price(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    white = created.option_ids["JT-TEE-WH-M"]
    update = sandbox_draft(sandbox, sale_price=5900, market_price=6900, channel_product_id=created.channel_product_id)
    result = adapter.update_listing(update)
    assert result.ok, result.message
    pushed = [r["path"] for r in sandbox.received if r["method"] == "PUT" and f"/vendor-items/{white}/" in r["path"]]
    assert pushed[:2] == [f"{SA}/vendor-items/{white}/prices/5900", f"{SA}/vendor-items/{white}/original-prices/6900"]
    assert (sandbox.options[int(white)].price, sandbox.options[int(white)].original_price) == (5900, 6900)


def test_update_cannot_delete_an_approved_option(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    keep_one = sandbox_draft(sandbox, options=[draft().options[0]], channel_product_id=created.channel_product_id)
    result = adapter.update_listing(keep_one)
    assert (result.ok, result.code) == (False, "400")
    assert "승인완료된 옵션은 삭제할 수 없습니다" in result.message
    assert len(sandbox.seller_products[int(created.channel_product_id)].items) == 2


def test_update_cannot_change_registered_option_values(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    renamed = [replace(draft().options[0], values=("아이보리", "M")), draft().options[1]]
    result = adapter.update_listing(
        sandbox_draft(sandbox, options=renamed, channel_product_id=created.channel_product_id)
    )
    assert (result.ok, result.code) == (False, "400")
    assert "옵션값(attributes)은 수정할 수 없습니다" in result.message


def test_update_of_an_unknown_product_or_without_an_id(sandbox, adapter):
    missing = adapter.update_listing(sandbox_draft(sandbox, channel_product_id="999"))
    assert (missing.ok, missing.code) == (False, "400")
    assert "존재하지 않습니다" in missing.message
    no_id = adapter.update_listing(sandbox_draft(sandbox))
    assert (no_id.ok, no_id.code) == (False, "MISSING_PRODUCT_ID")


def many_options(count):
    return [ListingOptionDraft(f"OPT-{n:03d}", (f"색{n:03d}", "M"), stock=1) for n in range(count)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sale_price": 12905}, "판매가격(salePrice)은 10원 단위로 입력해야 합니다."),
        ({"market_price": 9900}, "할인율기준가(originalPrice)는 판매가격(salePrice)보다 낮을 수 없습니다."),
        ({"name": "가" * 101}, "등록상품명(sellerProductName)은 최대 100자까지 입력할 수 있습니다."),
        ({"options": many_options(201)}, "업체상품옵션(items)은 최대 200개까지 등록할 수 있습니다. (입력 201개)"),
        ({"main_image": None}, "대표이미지(REPRESENTATION)는 1개 입력해야 합니다."),
        ({"extra_images": [ListingImage(f"https://img.example/{n}.jpg") for n in range(10)]}, "최대 9개"),
        ({"category_id": "패션"}, "노출카테고리코드(displayCategoryCode)가 올바르지 않습니다."),
        ({"certifications": [{"kind": "kids_safety", "number": ""}]}, "인증번호(certificationCode)"),
        ({"options": [ListingOptionDraft("A", ("화이트", "M")), ListingOptionDraft("B", ("화이트", "M"))]}, "중복"),
    ],
)
def test_channel_refusals_come_back_as_results(sandbox, adapter, overrides, message):
    before = len(sandbox.seller_products)
    result = adapter.create_listing(sandbox_draft(sandbox, **overrides))
    assert (result.ok, result.code) == (False, "400")
    assert message in result.message
    assert len(sandbox.seller_products) == before


def test_unknown_return_centre_and_outbound_place_are_refused_by_coupang(sandbox, adapter):
    shipping = replace(
        draft().shipping, outbound_template_id="1", return_template_id="2", return_address=RETURN_ADDRESS
    )
    result = adapter.create_listing(draft(shipping=shipping))
    assert (result.ok, result.code) == (False, "400")
    assert "반품지센터코드(returnCenterCode)가 존재하지 않습니다" in result.message


def test_shipping_rule_refusal_carries_coupangs_message(sandbox, adapter):
    # A conditional-free fee without a threshold: the body is sent, Coupang refuses it.
    shipping = replace(sandbox_draft(sandbox).shipping, free_threshold=0)
    result = adapter.create_listing(sandbox_draft(sandbox, shipping=shipping))
    assert (result.ok, result.code) == (False, "400")
    assert "조건부 무료배송" in result.message


def test_local_refusal_sends_nothing(sandbox, adapter):
    shipping = replace(sandbox_draft(sandbox).shipping, fee_type=ShippingFeeType.PER_QUANTITY, per_quantity=2)
    result = adapter.create_listing(sandbox_draft(sandbox, shipping=shipping))
    assert (result.ok, result.code) == (False, "UNSUPPORTED_SHIPPING_FEE")
    assert posts(sandbox) == []


def test_pushes_reach_a_registered_option_and_orders_can_use_it(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    white = created.option_ids["JT-TEE-WH-M"]
    assert adapter.push_stock([StockChange(white, 77)])[0].ok
    assert adapter.push_prices([PriceChange(white, 11000)])[0].ok
    assert adapter.push_sale_status([SaleStatusChange(white, False)])[0].ok
    inventory = adapter.client.call("GET", f"{SA}/vendor-items/{white}/inventories")["data"]
    assert (inventory["amountInStock"], inventory["salePrice"], inventory["onSale"]) == (77, 11000, False)
    listing = mapper.channel_listing_from_product(adapter.client.seller_product(created.channel_product_id)["data"])
    assert {o.seller_code: (o.stock, o.price) for o in listing.options}["JT-TEE-WH-M"] == (77, 11000)

    sandbox.create_orders(300)
    ordered = {item.seller_code for box in sandbox.boxes.values() for item in box.items}
    assert "JT-TEE-WH-M" in ordered


def test_price_push_off_the_ten_won_grid_is_refused(sandbox, adapter):
    created = adapter.create_listing(sandbox_draft(sandbox))
    (outcome,) = adapter.push_prices([PriceChange(created.option_ids["JT-TEE-WH-M"], 11005)])
    assert (outcome.ok, outcome.code) == (False, "400")
    assert "10원 단위" in outcome.message


def test_pull_finds_the_seeded_catalogue_with_seller_codes(sandbox, adapter):
    listings = [listing for page in adapter.fetch_listings() for listing in page.items]
    assert len(listings) == len(sandbox.products)
    by_id = {listing.product_id: listing for listing in listings}
    for product in sandbox.products:
        listing = by_id[product.product_id]
        assert listing.name == product.name
        assert listing.state is ListingState.ON_SALE
        assert {(o.option_id, o.seller_code) for o in listing.options} == {
            (option.option_id, option.seller_code) for option in product.options
        }
    tee = by_id[sandbox.products[2].product_id]
    assert tee.option_names == ("사이즈", "색상")
    assert tee.options[0].values == ("S", "화이트")


def test_pull_pages_with_next_token(sandbox, adapter, monkeypatch):
    monkeypatch.setattr(adapter_module, "LISTING_PAGE_SIZE", 2)
    adapter.create_listing(sandbox_draft(sandbox))
    pages = list(adapter.fetch_listings())
    assert [len(page.items) for page in pages] == [2, 2, 2]
    lists = [r for r in sandbox.received if r["method"] == "GET" and r["path"] == f"{SA}/seller-products"]
    assert [r["query"].get("nextToken") for r in lists] == [None, "2", "3"]
    assert {r["query"]["maxPerPage"] for r in lists} == {"2"}


def test_simulator_list_and_read_refusals(adapter):
    with pytest.raises(Rejected, match="maxPerPage는 1~100 사이여야 합니다"):
        adapter.client.seller_products(max_per_page=101)
    with pytest.raises(Rejected, match="업체상품아이디는 숫자형으로 입력해주세요"):
        adapter.client.seller_product("abc")


def test_wrong_keys_still_raise(sandbox):
    adapter = make_adapter(sandbox, credentials={**DEMO_CREDENTIALS, "secret_key": "x" * 40})
    with pytest.raises(AuthFailed):
        adapter.create_listing(sandbox_draft(sandbox))
    with pytest.raises(AuthFailed):
        list(adapter.fetch_listings())


def test_throttling_raises_and_registration_is_never_resent():
    sandbox = CoupangSandbox(seed=5, faults=Faults(rate_429=1.0, retry_after=0))
    adapter = make_adapter(sandbox, max_retries=2)
    with pytest.raises(RateLimited):
        adapter.create_listing(draft())
    assert len(posts(sandbox)) == 1  # a POST that may have registered something is not repeated

    sandbox = CoupangSandbox(seed=5, faults=Faults(rate_500=1.0))
    adapter = make_adapter(sandbox, max_retries=2)
    with pytest.raises(Retryable):
        adapter.create_listing(draft())
    assert len(posts(sandbox)) == 1
