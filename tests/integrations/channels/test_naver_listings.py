"""Naver listings: the register/update body built exactly, the read/list payloads parsed, and the adapter
against the in-process NaverSandbox (register → option ids → read back → update → list → pushes)."""

from datetime import datetime, timedelta

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
    Window,
)
from integrations.channels.http import rate_limiters
from integrations.channels.naver import adapter as adapter_module
from integrations.channels.naver import mapper, notice
from integrations.channels.naver.adapter import NaverAdapter
from integrations.channels.naver.auth import token_cache
from integrations.sandbox.core import KST, SandboxTransport, SimulatedTimeout
from integrations.sandbox.naver import DEMO_CREDENTIALS, NaverSandbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAVER_IMAGE = "https://shop-phinf.pstatic.net/20240101_1/abc.jpg"


@pytest.fixture(autouse=True)
def _fresh():
    token_cache.clear()
    rate_limiters.clear()
    yield
    token_cache.clear()


def make_adapter(sandbox, **credentials):
    config = ChannelConfig(
        store_key="store:listings",
        base_url=NaverAdapter.default_base_url,
        credentials=credentials or DEMO_CREDENTIALS,
        transport=SandboxTransport(sandbox),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
    )
    return NaverAdapter(config)


def tee_draft(**overrides) -> ListingDraft:
    fields = {
        "seller_code": "TEE-01",
        "name": "오가닉 코튼 티셔츠",
        "category_id": "50000803",
        "sale_price": 19900,
        "option_names": ("색상", "사이즈"),
        "options": [
            ListingOptionDraft("TEE-01-WH-M", ("화이트", "M"), extra_price=0, stock=10),
            ListingOptionDraft("TEE-01-WH-L", ("화이트", "L"), extra_price=1000, stock=5),
            ListingOptionDraft("TEE-01-BK-L", ("블랙", "L"), extra_price=1000, stock=0, on_sale=False),
        ],
        "brand": "장터",
        "maker": "장터상회",
        "origin": "국산",
        "detail_html": "<p>부드러운 오가닉 코튼</p>",
        "main_image": ListingImage(url="https://cdn.example.com/tee.png", content=PNG, filename="tee.png"),
        "extra_images": [ListingImage(url=NAVER_IMAGE)],
        "max_per_order": 5,
        "max_per_person": 10,
        "shipping": ListingShipping(
            fee_type=ShippingFeeType.CONDITIONAL,
            fee=3000,
            free_threshold=30000,
            jeju_fee=3000,
            remote_fee=5000,
            return_fee=3000,
            exchange_fee=6000,
            courier=CourierCode.CJ,
            outbound_template_id="100001",
            return_template_id="100002",
        ),
        "as_phone": "02-1234-5678",
        "as_info": "평일 10~17시",
        "notice_category": "wear",
        "notice_fields": {"material": "면 100%", "color": "화이트, 블랙", "size": "M, L", "made_on": "2024년 3월"},
    }
    fields.update(overrides)
    return ListingDraft(**fields)


# -- mapper: the request body ------------------------------------------------------------------------


def test_register_body_is_built_exactly():
    draft = tee_draft(
        tax_type=TaxType.TAX_FREE,
        keywords=("티셔츠", "오가닉"),
        sale_start=datetime(2030, 3, 1, 10, 25, tzinfo=KST),
        sale_end=datetime(2030, 4, 1, 0, 0, tzinfo=KST),
        certifications=[{"kind": "kids_safety", "number": "CB061R1234-5001", "agency": "KTR"}],
        extra={"naver_certification_info_ids": {"kids_safety": 1001}},
    )
    body = mapper.listing_draft_to_product(draft, image_urls=["https://shop-phinf.pstatic.net/up/1.png", None])
    assert body == {
        "originProduct": {
            "statusType": "SALE",
            "saleType": "NEW",
            "leafCategoryId": "50000803",
            "name": "오가닉 코튼 티셔츠",
            "detailContent": "<p>부드러운 오가닉 코튼</p>",
            "images": {
                "representativeImage": {"url": "https://shop-phinf.pstatic.net/up/1.png"},
                "optionalImages": [{"url": NAVER_IMAGE}],
            },
            "salePrice": 19900,
            "stockQuantity": 15,
            "saleStartDate": "2030-03-01T10:00:00.000+09:00",
            "saleEndDate": "2030-03-31T23:59:00.000+09:00",
            "deliveryInfo": {
                "deliveryType": "DELIVERY",
                "deliveryAttributeType": "NORMAL",
                "deliveryCompany": "CJGLS",
                "deliveryFee": {
                    "deliveryFeeType": "CONDITIONAL_FREE",
                    "baseFee": 3000,
                    "freeConditionalAmount": 30000,
                    "deliveryFeePayType": "PREPAID",
                    "deliveryFeeByArea": {"deliveryAreaType": "AREA_3", "area2extraFee": 3000, "area3extraFee": 5000},
                },
                "claimDeliveryInfo": {
                    "returnDeliveryFee": 3000,
                    "exchangeDeliveryFee": 6000,
                    "shippingAddressId": 100001,
                    "returnAddressId": 100002,
                },
            },
            "detailAttribute": {
                "naverShoppingSearchInfo": {"brandName": "장터", "manufacturerName": "장터상회"},
                "afterServiceInfo": {
                    "afterServiceTelephoneNumber": "02-1234-5678",
                    "afterServiceGuideContent": "평일 10~17시",
                },
                "purchaseQuantityInfo": {"maxPurchaseQuantityPerOrder": 5, "maxPurchaseQuantityPerId": 10},
                "originAreaInfo": {"originAreaCode": "00", "plural": False},
                "sellerCodeInfo": {"sellerManagementCode": "TEE-01"},
                "optionInfo": {
                    "optionCombinationSortType": "CREATE",
                    "optionCombinationGroupNames": {"optionGroupName1": "색상", "optionGroupName2": "사이즈"},
                    "optionCombinations": [
                        {
                            "optionName1": "화이트",
                            "optionName2": "M",
                            "stockQuantity": 10,
                            "price": 0,
                            "sellerManagerCode": "TEE-01-WH-M",
                            "usable": True,
                        },
                        {
                            "optionName1": "화이트",
                            "optionName2": "L",
                            "stockQuantity": 5,
                            "price": 1000,
                            "sellerManagerCode": "TEE-01-WH-L",
                            "usable": True,
                        },
                        {
                            "optionName1": "블랙",
                            "optionName2": "L",
                            "stockQuantity": 0,
                            "price": 1000,
                            "sellerManagerCode": "TEE-01-BK-L",
                            "usable": False,
                        },
                    ],
                    "useStockManagement": True,
                },
                "taxType": "DUTYFREE",
                "minorPurchasable": True,
                "productInfoProvidedNotice": {
                    "productInfoProvidedNoticeType": "WEAR",
                    "wear": {
                        "material": "면 100%",
                        "color": "화이트, 블랙",
                        "size": "M, L",
                        "manufacturer": "장터상회",
                        "caution": "상세페이지 참조",
                        "warrantyPolicy": "상세페이지 참조",
                        "afterServiceDirector": "02-1234-5678",
                        "packDateType": "DIRECT",
                        "packDateText": "2024년 3월",
                    },
                },
                "productCertificationInfos": [
                    {
                        "certificationInfoId": 1001,
                        "certificationKindType": "CHILD_CERTIFICATION",
                        "name": "KTR",
                        "certificationNumber": "CB061R1234-5001",
                    }
                ],
                "seoInfo": {"sellerTags": [{"text": "티셔츠"}, {"text": "오가닉"}]},
            },
            "customerBenefit": {},
        },
        "smartstoreChannelProduct": {"naverShoppingRegistration": True, "channelProductDisplayStatusType": "ON"},
    }


def test_update_body_keeps_option_ids_and_status():
    draft = tee_draft()
    draft.options[0].option_id = "901"
    body = mapper.listing_draft_to_product(
        draft, option_ids={"TEE-01-WH-L": "902", "TEE-01-WH-M": "999"}, status_type="SUSPENSION"
    )
    combinations = body["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
    assert [combination.get("id") for combination in combinations] == [901, 902, None]  # own id wins
    assert body["originProduct"]["statusType"] == "SUSPENSION"
    assert mapper.update_status_type({"originProduct": {"statusType": "SUSPENSION"}}) == "SUSPENSION"
    assert mapper.update_status_type({"originProduct": {"statusType": "OUTOFSTOCK"}}) == "SALE"


@pytest.mark.parametrize(
    ("shipping", "expected_info", "expected_fee"),
    [
        (
            ListingShipping(fee_type=ShippingFeeType.FREE, return_fee=2500, exchange_fee=5000),
            {"deliveryType": "DELIVERY", "deliveryAttributeType": "NORMAL", "deliveryCompany": "CJGLS"},
            {"deliveryFeeType": "FREE", "baseFee": 0},
        ),
        (
            ListingShipping(fee_type=ShippingFeeType.FIXED, fee=2500, courier=CourierCode.LOTTE, jeju_fee=4000),
            {"deliveryType": "DELIVERY", "deliveryAttributeType": "NORMAL", "deliveryCompany": "HYUNDAI"},
            {
                "deliveryFeeType": "PAID",
                "baseFee": 2500,
                "deliveryFeePayType": "PREPAID",
                "deliveryFeeByArea": {"deliveryAreaType": "AREA_3", "area2extraFee": 4000, "area3extraFee": 0},
            },
        ),
        (
            ListingShipping(
                fee_type=ShippingFeeType.PER_QUANTITY, fee=3000, per_quantity=2, jeju_fee=5000, remote_fee=5000
            ),
            {"deliveryType": "DELIVERY", "deliveryAttributeType": "NORMAL", "deliveryCompany": "CJGLS"},
            {
                "deliveryFeeType": "UNIT_QUANTITY_PAID",
                "baseFee": 3000,
                "repeatQuantity": 2,
                "deliveryFeePayType": "PREPAID",
                "deliveryFeeByArea": {"deliveryAreaType": "AREA_2", "area2extraFee": 5000},
            },
        ),
        (
            ListingShipping(fee_type=ShippingFeeType.FREE, courier=CourierCode.DIRECT, delivery_template_id="777"),
            {
                "deliveryType": "DIRECT",
                "deliveryAttributeType": "NORMAL",
                "deliveryBundleGroupUsable": True,
                "deliveryBundleGroupId": 777,
            },
            {"deliveryFeeType": "FREE", "baseFee": 0},
        ),
    ],
)
def test_delivery_info_per_fee_type(shipping, expected_info, expected_fee):
    info = mapper.delivery_info(shipping)
    assert info == {
        **expected_info,
        "deliveryFee": expected_fee,
        "claimDeliveryInfo": {
            "returnDeliveryFee": shipping.return_fee,
            "exchangeDeliveryFee": shipping.exchange_fee,
        },
    }


def test_origin_area_and_sale_period_rounding():
    assert mapper.origin_area_info(tee_draft(origin="중국")) == {
        "originAreaCode": "04",
        "content": "중국",
        "plural": False,
    }
    assert mapper.origin_area_info(tee_draft(origin="")) == {
        "originAreaCode": "04",
        "content": "상세설명에 표시",
        "plural": False,
    }
    coded = tee_draft(origin="베트남", extra={"naver_origin_area_code": "0200036", "naver_importer": "장터무역"})
    assert mapper.origin_area_info(coded) == {
        "originAreaCode": "0200036",
        "content": "베트남",
        "importer": "장터무역",
        "plural": False,
    }
    assert mapper.sale_end_date(datetime(2030, 1, 1, 12, 59, 30, tzinfo=KST)) == "2030-01-01T12:59:00.000+09:00"
    assert mapper.sale_end_date(datetime(2030, 1, 1, 12, 30, tzinfo=KST)) == "2030-01-01T11:59:00.000+09:00"
    assert mapper.sale_start_date(datetime(2030, 1, 1, 3, 30, tzinfo=KST)) == "2030-01-01T03:00:00.000+09:00"


def test_notice_types_booleans_dates_and_fallback():
    food = notice.build_notice(
        "general_food",
        {
            "product_name": "현미 누룽지",
            "food_type": "과자",
            "producer": "장터식품 / 경기도 이천시",
            "food_quantity": "500g",
            "date_expiry": "제조일로부터 12개월",
            "gmo": "해당없음",
            "import_notice": "수입신고를 필함",
        },
        name="누룽지",
        as_phone="031-000-0000",
    )
    fields = food["generalFood"]
    assert food["productInfoProvidedNoticeType"] == "GENERAL_FOOD"
    assert fields["geneticallyModified"] is False and fields["importDeclarationCheck"] is True
    assert fields["producer"] == fields["location"] == "장터식품 / 경기도 이천시"
    assert fields["consumptionDateType"] == "DIRECT" and fields["consumptionDateText"] == "제조일로부터 12개월"
    assert fields["ingredients"] == "상세페이지 참조" and fields["customerServicePhoneNumber"] == "031-000-0000"
    assert set(notice.REQUIRED["GENERAL_FOOD"]) <= set(fields)

    # A 고시 category Naver has no notice object for, and an unknown one: 기타 재화 with 상세페이지 참조.
    for category in ("hotel_reservation", "no-such-category", ""):
        fallback = notice.build_notice(category, {}, name="숙박권", maker="", as_phone="")
        assert fallback == {
            "productInfoProvidedNoticeType": "ETC",
            "etc": {
                "itemName": "숙박권",
                "modelName": "상세페이지 참조",
                "manufacturer": "상세페이지 참조",
                "afterServiceDirector": "상세페이지 참조",
                "customerServicePhoneNumber": "상세페이지 참조",
            },
        }
    # Every one of our categories that Naver has an object for fills every required field.
    for category, naver_type in notice.NOTICE_TYPES.items():
        built = notice.build_notice(category, {}, name="x")
        assert set(notice.REQUIRED[naver_type]) <= set(built[notice.TYPE_KEYS[naver_type]]), category


# -- mapper: responses -------------------------------------------------------------------------------

DETAIL = {
    "originProduct": {
        "statusType": "SALE",
        "saleType": "NEW",
        "leafCategoryId": "50000803",
        "name": "오가닉 코튼 티셔츠",
        "salePrice": 19900,
        "stockQuantity": 15,
        "detailAttribute": {
            "sellerCodeInfo": {"sellerManagementCode": "TEE-01"},
            "optionInfo": {
                "optionCombinationGroupNames": {"optionGroupName1": "색상", "optionGroupName2": "사이즈"},
                "optionCombinations": [
                    {
                        "id": 8801,
                        "optionName1": "화이트",
                        "optionName2": "M",
                        "stockQuantity": 10,
                        "price": 0,
                        "sellerManagerCode": "TEE-01-WH-M",
                        "usable": True,
                    },
                    {
                        "id": 8802,
                        "optionName1": "화이트",
                        "optionName2": "L",
                        "stockQuantity": 5,
                        "price": 1000,
                        "sellerManagerCode": "TEE-01-WH-L",
                        "usable": False,
                    },
                ],
                "useStockManagement": True,
            },
        },
    },
    "smartstoreChannelProduct": {"channelProductDisplayStatusType": "ON", "channelProductNo": 9123},
}


def test_origin_product_read_back_parsed():
    listing = mapper.listing_from_origin_product(DETAIL, "7001")
    assert (listing.product_id, listing.name, listing.seller_code, listing.category_id) == (
        "7001",
        "오가닉 코튼 티셔츠",
        "TEE-01",
        "50000803",
    )
    assert listing.state == ListingState.ON_SALE and listing.channel_status == "SALE" and listing.sale_price == 19900
    assert listing.option_names == ("색상", "사이즈")
    assert [
        (o.option_id, o.seller_code, o.values, o.price, o.extra_price, o.stock, o.on_sale) for o in listing.options
    ] == [
        ("8801", "TEE-01-WH-M", ("화이트", "M"), 19900, 0, 10, True),
        ("8802", "TEE-01-WH-L", ("화이트", "L"), 20900, 1000, 5, False),
    ]
    assert listing.ref == {"origin_product_no": "7001", "channel_product_no": "9123"}

    result = mapper.listing_result("7001", "9123", DETAIL, tee_draft())
    assert result.ok and result.channel_product_id == "7001" and result.state == ListingState.ON_SALE
    assert result.option_ids == {"TEE-01-WH-M": "8801", "TEE-01-WH-L": "8802"}
    assert result.code == "OPTION_IDS_MISSING" and "TEE-01-BK-L" in result.message
    assert mapper.product_numbers({"originProductNo": 7001, "smartstoreChannelProductNo": 9123}) == ("7001", "9123")
    assert mapper.uploaded_image_urls({"images": [{"url": "a"}, {"url": "b"}]}) == ["a", "b"]


def test_product_without_options_is_one_pseudo_option():
    detail = {"originProduct": {"statusType": "OUTOFSTOCK", "name": "쌀", "salePrice": 30000, "stockQuantity": 0}}
    detail["originProduct"]["detailAttribute"] = {"sellerCodeInfo": {"sellerManagementCode": "RICE"}}
    listing = mapper.listing_from_origin_product(detail, "7002")
    assert listing.state == ListingState.SOLD_OUT
    assert [(o.option_id, o.seller_code, o.price, o.stock, o.on_sale) for o in listing.options] == [
        ("7002", "RICE", 30000, 0, False)
    ]
    assert mapper.listing_option_ids(listing) == {"RICE": "7002"}


SEARCH_ITEM = {
    "originProductNo": 7001,
    "channelProducts": [
        {
            "originProductNo": 7001,
            "channelProductNo": 9123,
            "channelServiceType": "STOREFARM",
            "categoryId": "50000803",
            "name": "오가닉 코튼 티셔츠",
            "sellerManagementCode": "TEE-01",
            "statusType": "SUSPENSION",
            "salePrice": 19900,
            "regDate": "2024-01-02T10:00:00.000+09:00",
        }
    ],
}


def test_search_rows_parsed_and_unknown_status_is_unknown():
    bare = mapper.listing_from_search_item(SEARCH_ITEM)
    assert (bare.product_id, bare.seller_code, bare.state, bare.sale_price, bare.options) == (
        "7001",
        "TEE-01",
        ListingState.SUSPENDED,
        19900,
        [],
    )
    assert bare.ref == {"origin_product_no": "7001", "channel_product_no": "9123"}
    full = mapper.listing_from_search_item(SEARCH_ITEM, DETAIL)
    assert [option.option_id for option in full.options] == ["8801", "8802"] and full.raw["search"] == SEARCH_ITEM
    assert mapper.search_item_registered_at(SEARCH_ITEM) == datetime(2024, 1, 2, 10, tzinfo=KST)

    odd = {"originProductNo": 1, "channelProducts": [{**SEARCH_ITEM["channelProducts"][0], "statusType": "NEW_ONE"}]}
    listing = mapper.listing_from_search_item(odd)
    assert listing.state == ListingState.UNKNOWN and listing.channel_status == "NEW_ONE"
    expected = {
        "WAIT": ListingState.PENDING_APPROVAL,
        "UNADMISSION": ListingState.PENDING_APPROVAL,
        "REJECTION": ListingState.REJECTED,
        "PROHIBITION": ListingState.REJECTED,
        "CLOSE": ListingState.ENDED,
        "DELETE": ListingState.ENDED,
        "": ListingState.UNKNOWN,
        None: ListingState.UNKNOWN,
    }
    assert {status: mapper.listing_state(status) for status in expected} == expected
    assert mapper.product_search_body(page=2, size=100, seller_code="TEE-01") == {
        "page": 2,
        "size": 100,
        "orderType": "NO",
        "searchKeywordType": "SELLER_CODE",
        "sellerManagementCode": "TEE-01",
    }


# -- adapter against the sandbox ---------------------------------------------------------------------


def test_register_read_back_update_and_list():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    result = adapter.create_listing(tee_draft())
    assert result.ok, result.message
    product = sandbox.products[result.channel_product_id]
    ids = {option["sellerManagerCode"]: str(option["id"]) for option in product["options"].values()}
    assert result.option_ids == ids and set(ids) == {"TEE-01-WH-M", "TEE-01-WH-L", "TEE-01-BK-L"}
    assert result.state == ListingState.ON_SALE and result.code == ""
    assert result.raw["smartstoreChannelProductNo"] == product["channelProductNo"]

    # The image with bytes went through the upload API; the one already at Naver was sent as it is.
    upload = sandbox.requests_to("/v1/product-images/upload", "POST")
    assert len(upload) == 1 and upload[0]["json"]["multipart_bytes"] > len(PNG)
    sent = sandbox.requests_to("/v2/products", "POST")[0]["json"]["originProduct"]["images"]
    assert sent == {
        "representativeImage": {"url": sandbox.uploaded_images[0]},
        "optionalImages": [{"url": NAVER_IMAGE}],
    }

    # Read back through the channel: what we sent is what Naver keeps.
    (listing,) = [
        item for page in adapter.fetch_listings() for item in page.items if item.product_id == result.channel_product_id
    ]
    assert listing.seller_code == "TEE-01" and listing.option_names == ("색상", "사이즈")
    assert [(o.seller_code, o.values, o.extra_price, o.stock, o.on_sale) for o in listing.options] == [
        ("TEE-01-WH-M", ("화이트", "M"), 0, 10, True),
        ("TEE-01-WH-L", ("화이트", "L"), 1000, 5, True),
        ("TEE-01-BK-L", ("블랙", "L"), 1000, 0, False),
    ]

    # Full update: options matched by seller code keep their ids, a new one gets an id, a missing one goes.
    adapter.push_sale_status([SaleStatusChange(result.channel_product_id, False, listing.ref)])
    update = tee_draft(
        name="오가닉 코튼 티셔츠 (신상)",
        sale_price=21900,
        channel_product_id=result.channel_product_id,
        main_image=ListingImage(url=sandbox.uploaded_images[0]),
        options=[
            ListingOptionDraft("TEE-01-WH-M", ("화이트", "M"), extra_price=0, stock=7),
            ListingOptionDraft("TEE-01-WH-L", ("화이트", "L"), extra_price=2000, stock=5),
            ListingOptionDraft("TEE-01-NV-M", ("네이비", "M"), extra_price=0, stock=4),
        ],
    )
    updated = adapter.update_listing(update)
    assert updated.ok, updated.message
    assert updated.option_ids["TEE-01-WH-M"] == ids["TEE-01-WH-M"]
    assert updated.option_ids["TEE-01-WH-L"] == ids["TEE-01-WH-L"]
    assert updated.option_ids["TEE-01-NV-M"] not in ids.values()
    assert "TEE-01-BK-L" not in {option["sellerManagerCode"] for option in product["options"].values()}
    assert updated.state == ListingState.SUSPENDED  # a full update does not resume a suspended product
    assert product["name"] == "오가닉 코튼 티셔츠 (신상)" and product["salePrice"] == 21900
    assert len(sandbox.requests_to("/v1/product-images/upload")) == 1  # nothing new to upload
    put = sandbox.requests_to(f"/v2/products/origin-products/{result.channel_product_id}", "PUT")[0]["json"]
    sent_ids = [c.get("id") for c in put["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]]
    assert sent_ids == [int(ids["TEE-01-WH-M"]), int(ids["TEE-01-WH-L"]), None]


def test_fetch_listings_pages_seeded_and_registered_products(monkeypatch):
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    created = adapter.create_listing(tee_draft())
    monkeypatch.setattr(adapter_module, "LISTING_PAGE_SIZE", 2)
    pages = list(adapter.fetch_listings())
    assert [page.label for page in pages] == ["products/search #1", "products/search #2", "products/search #3"]
    listings = [listing for page in pages for listing in page.items]
    by_code = {listing.seller_code: listing for listing in listings}
    assert set(by_code) == {"NV-EAR-PRO", "NV-RICE-4K", "NV-TEE-DAILY", "NV-TUMB-500", "NV-CAT-TOFU", "TEE-01"}
    seeded = by_code["NV-TEE-DAILY"]
    assert seeded.product_id == "5000200" and seeded.state == ListingState.ON_SALE
    assert [option.seller_code for option in seeded.options] == [
        "TEE-DAILY-01",
        "TEE-DAILY-02",
        "TEE-DAILY-03",
        "TEE-DAILY-04",
    ]
    assert by_code["TEE-01"].product_id == created.channel_product_id
    bodies = [call["json"] for call in sandbox.requests_to("/v1/products/search", "POST")]
    assert [(body["page"], body["size"]) for body in bodies] == [(1, 2), (2, 2), (3, 2)]


def test_registered_options_take_stock_price_status_pushes_and_orders():
    sandbox = NaverSandbox(seed=3)
    adapter = make_adapter(sandbox)
    result = adapter.create_listing(tee_draft())
    origin = result.channel_product_id
    ref = {"origin_product_no": origin}
    white_m, white_l = result.option_ids["TEE-01-WH-M"], result.option_ids["TEE-01-WH-L"]
    assert all(r.ok for r in adapter.push_stock([StockChange(white_m, 42, ref), StockChange(white_l, 0, ref)]))
    assert all(r.ok for r in adapter.push_prices([PriceChange(white_l, 19900 + 3000, ref)]))
    assert all(r.ok for r in adapter.push_sale_status([SaleStatusChange(white_m, False, ref)]))
    options = sandbox.products[origin]["options"]
    assert options[white_m]["stockQuantity"] == 42 and options[white_m]["usable"] is False
    assert options[white_l]["stockQuantity"] == 0 and options[white_l]["price"] == 3000
    refused = adapter.push_prices([PriceChange(white_l, 19900 * 2, ref)])  # +100% is beyond ±50%
    assert not refused[0].ok and refused[0].code == "BAD_REQUEST"

    # The sandbox's order generator sells the registered options too, with our seller codes.
    assert (origin, white_m) in sandbox._all_options
    now = datetime.now(KST)
    sandbox.create_orders(150)
    lines = [
        line
        for page in adapter.fetch_orders(Window(now - timedelta(minutes=5), now + timedelta(minutes=1)))
        for order in page.items
        for line in order.lines
        if line.product_id == sandbox.products[origin]["channelProductNo"]
    ]
    assert lines and {line.seller_code for line in lines} <= set(result.option_ids)
    assert all(line.option_name.startswith("색상: ") and " / 사이즈: " in line.option_name for line in lines)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": "가" * 101}, "originProduct.name", "100자"),
        ({"sale_price": 19905}, "originProduct.salePrice", "10원 단위"),
        ({"category_id": ""}, "originProduct.leafCategoryId", "리프 카테고리"),
        ({"main_image": ListingImage(url="https://cdn.example.com/not-uploaded.jpg")}, "representativeImage.url", ""),
        (
            {"options": [ListingOptionDraft("A", ("화이트", "M"), extra_price=10000, stock=1)]},
            "optionCombinations[0].price",
            "허용 범위",
        ),
        (
            {"options": [ListingOptionDraft("A", ("화이트", "M"), extra_price=1000, stock=1)]},
            "optionInfo.optionCombinations",
            "0원인 옵션",
        ),
        (
            {
                "option_names": ("색상", "사이즈", "소재", "핏"),
                "options": [ListingOptionDraft("A", ("화이트", "M", "면", "오버"), stock=1)],
            },
            "optionCombinationGroupNames",
            "최대 3개",
        ),
        (
            {
                "options": [
                    ListingOptionDraft("A", ("화이트", "M"), stock=1),
                    ListingOptionDraft("B", ("화이트", "M"), stock=1),
                ]
            },
            "optionCombinations[1]",
            "중복",
        ),
        ({"as_phone": ""}, "afterServiceTelephoneNumber", "A/S"),
        ({"shipping": ListingShipping(outbound_template_id="999")}, "shippingAddressId", "주소록"),
        (
            {"shipping": ListingShipping(fee_type=ShippingFeeType.CONDITIONAL, fee=3000, free_threshold=0)},
            "freeConditionalAmount",
            "무료 조건",
        ),
        ({"certifications": [{"kind": "kids_safety", "number": "CB1"}]}, "certificationInfoId", "인증 유형 ID"),
        ({"max_per_order": 20000}, "maxPurchaseQuantityPerOrder", "1~10,000"),
    ],
)
def test_naver_refusals_come_back_as_results(overrides, field, fragment):
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    result = adapter.create_listing(tee_draft(**overrides))
    assert not result.ok and result.code == "BAD_REQUEST" and result.raw["status"] == 400
    assert field in result.message and fragment in result.message
    assert not [call for call in sandbox.received if "/origin-products/" in call["path"]]  # nothing to read back
    assert len(sandbox.products) == 5  # nothing registered


def test_not_an_image_unknown_product_and_missing_id():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    not_image = adapter.create_listing(
        tee_draft(main_image=ListingImage(url="x", content=b"%PDF-1.4", filename="spec.pdf"))
    )
    assert not not_image.ok and not_image.code == "BAD_REQUEST" and "imageFiles[0]" in not_image.message
    unknown = adapter.update_listing(tee_draft(channel_product_id="123", main_image=ListingImage(url=NAVER_IMAGE)))
    assert not unknown.ok and unknown.code == "NOT_FOUND"
    missing = adapter.update_listing(tee_draft())
    assert not missing.ok and missing.code == "MISSING_PRODUCT_ID"


def test_update_refusal_and_status_rules_of_the_sandbox():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    created = adapter.create_listing(tee_draft())
    foreign = tee_draft(channel_product_id=created.channel_product_id, main_image=ListingImage(url=NAVER_IMAGE))
    foreign.options[0].option_id = "50000000"  # an option of another product
    refused = adapter.update_listing(foreign)
    assert not refused.ok and "optionCombinations[0].id" in refused.message
    # Stock 0 on every option: Naver stores the product as OUTOFSTOCK; a future sale start as WAIT.
    sold_out = adapter.create_listing(
        tee_draft(seller_code="TEE-02", options=[ListingOptionDraft("TEE-02-A", ("화이트", "M"), stock=0)])
    )
    assert sold_out.ok and sold_out.state == ListingState.SOLD_OUT
    later = adapter.create_listing(
        tee_draft(seller_code="TEE-03", sale_start=datetime.now(KST) + timedelta(days=3), options=[], stock=5)
    )
    assert later.ok and later.state == ListingState.PENDING_APPROVAL
    assert later.option_ids == {"TEE-03": later.channel_product_id}  # no options: the product itself


def test_registration_without_answer_is_found_by_seller_code_not_sent_twice():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    register = sandbox.register_product

    def made_but_timed_out(request):
        register(request)
        raise SimulatedTimeout

    sandbox.router.routes = [
        (method, regex, made_but_timed_out if handler == register else handler)
        for method, regex, handler in sandbox.router.routes
    ]
    result = adapter.create_listing(tee_draft())
    assert result.ok and set(result.option_ids) == {"TEE-01-WH-M", "TEE-01-WH-L", "TEE-01-BK-L"}
    assert len(sandbox.requests_to("/v2/products", "POST")) == 1  # no blind second POST
    assert [product["sellerManagementCode"] for product in sandbox.products.values()].count("TEE-01") == 1

    # Nothing was made: the timeout is raised (retryable) for the caller to try again.
    def lost(request):
        raise SimulatedTimeout

    sandbox.router.routes = [
        (method, regex, lost if handler == made_but_timed_out else handler)
        for method, regex, handler in sandbox.router.routes
    ]
    with pytest.raises(Retryable):
        adapter.create_listing(tee_draft(seller_code="TEE-09"))


def test_wrong_credentials_raise_instead_of_a_result():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox, client_id="someone-else", client_secret=DEMO_CREDENTIALS["client_secret"])
    with pytest.raises(AuthFailed):
        adapter.create_listing(tee_draft())
    with pytest.raises(AuthFailed):
        list(adapter.fetch_listings())
