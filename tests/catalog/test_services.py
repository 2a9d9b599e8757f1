"""Product services: SKU generation, unique codes, rules enforced on save, edit history, soft delete/restore."""

import pytest
from django.core.exceptions import ValidationError

from modules.catalog import selectors
from modules.catalog.models import (
    SKU,
    AddonGroup,
    AddonItem,
    Category,
    OptionGroup,
    Product,
    ProductCertification,
    ProductChange,
    SkuStatus,
)
from modules.catalog.services import (
    SkuEdit,
    addons_replace,
    category_create,
    category_delete,
    category_update,
    options_generate,
    product_delete,
    product_restore,
    product_update,
    sku_update,
    skus_bulk_set,
)

pytestmark = pytest.mark.django_db


def skus_of(product):
    return list(SKU.objects.filter(product=product).order_by("sort_order", "pk"))


def reload(product):
    return Product.objects.get(pk=product.pk)


def set_values(product, *groups):
    product = reload(product)
    product.option_groups = [
        OptionGroup(name=name, values=list(values), sort_order=i) for i, (name, values) in enumerate(groups)
    ]
    return product


def make_order_line(seller_code):
    from modules.channels.models import Store
    from modules.orders.models import Order, OrderLine

    store = Store.objects.create(marketplace="coupang", name="쿠팡", seller_id="A0001")
    order = Order.objects.create(store=store, channel_order_id="1001")
    return OrderLine.objects.create(order=order, store=store, channel_line_id="1001-1", seller_code=seller_code)


# Creation and generation -----------------------------------------------------------------------------------


def test_create_gives_a_product_code_one_sku_and_a_history_row(create_product, products_editor):
    product = create_product(user=products_editor)
    assert len(product.product_code) == 15 and product.product_code.endswith(f"{product.pk:07d}")
    (sku,) = skus_of(product)
    assert sku.option_values == [] and sku.option_label == "" and sku.extra_price == 0
    assert sku.seller_code == product.product_code
    (change,) = ProductChange.objects.filter(product=product)
    assert (change.field, change.new_value, change.user) == ("product", "상품 등록", products_editor)


def test_options_make_the_full_cartesian_product_in_order(create_product):
    product = create_product(seller_code="ALT01", options=[("색상", ["빨강", "파랑"]), ("사이즈", ["S", "M", "L"])])
    skus = skus_of(product)
    assert [s.option_label for s in skus] == ["빨강/S", "빨강/M", "빨강/L", "파랑/S", "파랑/M", "파랑/L"]
    assert [s.seller_code for s in skus] == [f"ALT01-{n:03d}" for n in range(1, 7)]
    assert all(s.extra_price == 0 and s.status == SkuStatus.ON_SALE for s in skus)


def test_three_groups_multiply(create_product):
    # Seed 001 example: 모델명 a,b,c × 색상 핑크,블루 × 배송선택 미조립,조립 = 12 options.
    product = create_product(
        options=[("모델명", ["a", "b", "c"]), ("색상", ["핑크", "블루"]), ("배송선택", ["미조립", "조립"])]
    )
    skus = skus_of(product)
    assert len(skus) == 12 and skus[1].option_label == "a/핑크/조립" and skus[-1].option_label == "c/블루/조립"


def test_regenerating_keeps_existing_skus_and_adds_new_ones(create_product):
    product = create_product(options=[("색상", ["빨강", "파랑"])])
    red, blue = skus_of(product)
    skus_bulk_set(product=product, sku_ids=[blue.pk], extra_price=3000)
    product_update(product=set_values(product, ("색상", ["빨강", "파랑", "노랑"])))
    after = skus_of(product)
    assert [s.option_label for s in after] == ["빨강", "파랑", "노랑"]
    assert after[0].pk == red.pk and after[1].pk == blue.pk and after[1].extra_price == 3000
    assert after[2].extra_price == 0 and after[2].seller_code not in {red.seller_code, blue.seller_code}
    row = ProductChange.objects.filter(product=product, field="skus").first()
    assert "노랑" in row.new_value


def test_removed_combinations_retire_when_referenced_and_are_deleted_otherwise(create_product):
    product = create_product(options=[("색상", ["빨강", "파랑", "노랑"])])
    red, blue, yellow = skus_of(product)
    make_order_line(blue.seller_code)
    product_update(product=set_values(product, ("색상", ["빨강"])))
    remaining = {s.pk: s for s in SKU.objects.filter(product=product)}
    assert set(remaining) == {red.pk, blue.pk}
    assert remaining[blue.pk].status == SkuStatus.RETIRED and remaining[red.pk].status == SkuStatus.ON_SALE
    # The value comes back: the same SKU (same code) is on sale again.
    product_update(product=set_values(product, ("색상", ["빨강", "파랑"])))
    blue.refresh_from_db()
    assert blue.status == SkuStatus.ON_SALE and blue.sort_order == 1


def test_adding_options_to_a_single_sku_product_replaces_its_sku(create_product):
    product = create_product(seller_code="MONO1")
    (single,) = skus_of(product)
    product_update(product=set_values(product, ("사이즈", ["S", "M"])))
    assert not SKU.objects.filter(pk=single.pk).exists()
    assert [s.seller_code for s in skus_of(product)] == ["MONO1-001", "MONO1-002"]
    product_update(product=set_values(product))
    (again,) = skus_of(product)
    assert again.option_values == [] and again.seller_code == "MONO1"


def test_options_generate_service_follows_saved_groups(create_product):
    product = create_product(options=[("색상", ["빨강"])])
    group = OptionGroup.objects.get(product=product)
    group.values = ["빨강", "검정"]
    group.save()
    result = options_generate(product=reload(product))
    assert result.created == ["검정"] and result.kept == 1
    assert ProductChange.objects.filter(product=product, field="skus").exists()
    assert options_generate(product=reload(product)).changed is False


# Rules enforced by the services ----------------------------------------------------------------------------


def test_more_than_three_option_groups_is_refused_and_nothing_is_written(create_product, build_product):
    with pytest.raises(ValidationError) as caught:
        create_product(options=[(name, ["a"]) for name in ("색상", "사이즈", "모델", "재질")])
    assert "option_groups" in caught.value.error_dict
    assert not Product.objects.exists() and not SKU.objects.exists()


def test_addon_groups_limit_and_prices(create_product):
    product = create_product(addons=[(f"그룹{i}", [("자물쇠", 2000)]) for i in range(5)])
    assert AddonGroup.objects.filter(product=product).count() == 5
    with pytest.raises(ValidationError) as caught:
        addons_replace(
            product=reload(product), groups=[(f"그룹{i}", [{"name": "자물쇠", "price": 2000}]) for i in range(6)]
        )
    assert "addon_groups" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        addons_replace(
            product=reload(product), groups=[("잠금", [{"name": "자물쇠", "price": 70000}])]
        )  # > 135,000 / 2
    assert "자물쇠" in " ".join(caught.value.messages)
    assert AddonGroup.objects.filter(product=product).count() == 5
    addons_replace(
        product=reload(product),
        groups=[
            ("잠금", [{"name": "번호키", "price": 1000, "seller_code": "LOCK1"}, {"name": "자물쇠", "price": 2000}])
        ],
    )
    assert list(AddonItem.objects.filter(group__product=product).values_list("name", flat=True)) == ["번호키", "자물쇠"]
    assert ProductChange.objects.filter(product=product, field="addon_groups").exists()


def test_at_most_five_certifications(build_product):
    from modules.catalog.services import product_create

    product = build_product()
    product.certifications = [
        ProductCertification(kind="living_safety", number=f"HU0{i}-1", agency="KTR") for i in range(6)
    ]
    with pytest.raises(ValidationError) as caught:
        product_create(product=product)
    assert "certifications" in caught.value.error_dict


def test_kids_product_needs_its_kc_certification(build_product):
    from modules.catalog.services import product_create
    from tests.catalog.fixtures import full_notice

    product = build_product(notice_category="kids", notice_values=full_notice("kids"))
    with pytest.raises(ValidationError) as caught:
        product_create(product=product)
    assert "어린이" in " ".join(caught.value.messages)
    product = build_product(notice_category="kids", notice_values=full_notice("kids"))
    product.certifications = [ProductCertification(kind="kids_safety", number="CB061R001-1001", agency="KCL")]
    product_create(product=product)


def test_notice_items_are_required_unless_the_product_is_being_prepared(build_product):
    from modules.catalog.services import product_create

    with pytest.raises(ValidationError) as caught:
        product_create(product=build_product(notice_category="wear", notice_values={}))
    assert "notice_values" in caught.value.error_dict and "색상" in " ".join(caught.value.messages)
    product = product_create(product=build_product(status="preparing", notice_category="", notice_values={}))
    assert product.pk


def test_notice_values_keep_only_the_category_items(create_product):
    from tests.catalog.fixtures import full_notice

    product = create_product(notice_values={**full_notice("sports_equipment", color="핑크"), "stray": {"value": "x"}})
    product = reload(product)
    assert "stray" not in product.notice_values
    assert product.notice_value("color") == "핑크" and product.notice_value("warranty") == "상세페이지 참조"


def test_extra_price_rules_on_skus(create_product):
    product = create_product(price=10000, options=[("색상", ["빨강", "파랑"])])
    red, blue = skus_of(product)
    skus_bulk_set(product=product, sku_ids=[blue.pk], extra_price=5000)
    with pytest.raises(ValidationError) as caught:
        skus_bulk_set(product=product, extra_price=1000)  # none left at 0
    assert [e.code for e in caught.value.error_dict["skus"]] == ["extra_price_zero"]
    with pytest.raises(ValidationError) as caught:
        sku_update(sku=blue, extra_price=5010)
    assert "파랑" in " ".join(caught.value.messages)
    product = reload(product)
    product.price = 9000  # 파랑's +5,000 is now over half
    with pytest.raises(ValidationError):
        product_update(product=product)
    assert reload(product).price == 10000


def test_main_image_rules_are_checked_on_save(build_product, make_image):
    from modules.catalog.services import product_create

    with pytest.raises(ValidationError) as caught:
        product_create(product=build_product(main_image=make_image("small01.jpg", (640, 640))))
    assert "main_image" in caught.value.error_dict and "1000×1000" in " ".join(caught.value.messages)
    product = product_create(product=build_product(main_image=make_image("main01.jpg")))
    assert product.main_image_id


# Unique codes ----------------------------------------------------------------------------------------------


def test_product_seller_code_is_unique(create_product):
    create_product(seller_code="ALT01")
    with pytest.raises(ValidationError) as caught:
        create_product(seller_code="ALT01")
    assert "seller_code" in caught.value.error_dict and "ALT01" in " ".join(caught.value.messages)


def test_sku_seller_codes_and_barcodes_are_unique_over_all_skus(create_product):
    first = create_product(seller_code="AAA", options=[("색상", ["빨강", "파랑"])])
    second = create_product(seller_code="BBB", options=[("색상", ["빨강"])])
    a_red, a_blue = skus_of(first)
    (b_red,) = skus_of(second)
    with pytest.raises(ValidationError) as caught:
        sku_update(sku=b_red, seller_code=a_red.seller_code)
    assert a_red.seller_code in " ".join(caught.value.messages)
    sku_update(sku=a_red, barcode="8801234567893")
    with pytest.raises(ValidationError):
        sku_update(sku=b_red, barcode="8801234567893")
    with pytest.raises(ValidationError):
        skus_bulk_set(product=second, seller_code_prefix="AAA-")  # AAA-001 belongs to the first product
    # Swapping two codes within one product is fine.
    product_update(
        product=reload(first),
        sku_edits={
            a_red.pk: SkuEdit(seller_code=a_blue.seller_code),
            a_blue.pk: SkuEdit(seller_code=a_red.seller_code),
        },
    )
    a_red.refresh_from_db()
    assert a_red.seller_code == "AAA-002"


def test_bulk_prefix_renumbers_in_option_order(create_product):
    product = create_product(options=[("사이즈", ["S", "M", "L"])])
    skus_bulk_set(product=product, seller_code_prefix="TS-", status="stopped")
    assert [(s.seller_code, s.status) for s in skus_of(product)] == [
        ("TS-001", "stopped"),
        ("TS-002", "stopped"),
        ("TS-003", "stopped"),
    ]


def test_sku_selector_for_order_matching(create_product):
    product = create_product(seller_code="ALT01", options=[("색상", ["빨강"])])
    assert selectors.sku_by_seller_code(" ALT01-001 ").product == product
    assert selectors.sku_by_seller_code("nope") is None


# History, delete, restore ----------------------------------------------------------------------------------


def test_update_writes_one_history_row_per_changed_field(create_product, products_editor):
    product = create_product(options=[("색상", ["빨강"])])
    other = category_create(name="자전거")
    edited = set_values(product, ("색상", ["빨강", "파랑"]))
    edited.name = "알톤 미니벨로 자전거 2024"
    edited.price = 150000
    edited.category = other
    edited.keywords = ["자전거", "미니벨로"]
    rows = product_update(product=edited, user=products_editor)
    by_field = {row.field: row for row in rows}
    assert set(by_field) == {"name", "price", "category", "keywords", "option_groups", "skus"}
    assert (by_field["name"].old_value, by_field["name"].new_value) == (
        "알톤 미니벨로 자전거",
        "알톤 미니벨로 자전거 2024",
    )
    assert (by_field["price"].old_value, by_field["price"].new_value) == ("135,000", "150,000")
    assert (by_field["category"].old_value, by_field["category"].new_value) == ("스포츠/레저", "자전거")
    assert by_field["option_groups"].new_value == "색상: 빨강,파랑"
    assert all(row.user == products_editor for row in rows)
    assert by_field["name"].field_label == "상품명"
    # Saving again without changes records nothing.
    assert product_update(product=reload(product)) == []


def test_failed_update_writes_nothing(create_product):
    product = create_product()
    edited = reload(product)
    edited.name = "새 이름"
    edited.addon_groups = [AddonGroup(name="잠금", items=[AddonItem(name="자물쇠", price=5)])]
    with pytest.raises(ValidationError):
        product_update(product=edited)
    assert reload(product).name == "알톤 미니벨로 자전거"
    assert not ProductChange.objects.filter(product=product).exclude(field="product").exists()


def test_detail_html_is_sanitised_on_save(create_product):
    product = create_product(
        detail_html='<p onclick="steal()">상세<script>alert(1)</script></p><img src="javascript:x">'
    )
    assert reload(product).detail_html == "<p>상세</p><img/>"


def test_soft_delete_hides_keeps_codes_and_restore_brings_back(create_product, products_editor):
    product = create_product(seller_code="DEL01")
    product_delete(product=product, user=products_editor)
    assert product not in selectors.products()
    assert product in selectors.products(deleted="only") and product in selectors.products(deleted="all")
    assert SKU.objects.filter(product=product).exists()
    with pytest.raises(ValidationError):
        create_product(seller_code="DEL01")  # the code stays reserved while deleted
    product_restore(product=product, user=products_editor)
    assert product in selectors.products()
    rows = list(ProductChange.objects.filter(product=product, field="deleted").order_by("id"))
    assert [bool(r.old_value) for r in rows] == [False, True] and rows[0].new_value == rows[1].old_value


# Categories ------------------------------------------------------------------------------------------------


def test_category_tree_names_moves_and_limits(create_product):
    sports = category_create(name="스포츠")
    bikes = category_create(name="자전거", parent=sports)
    parts = category_create(name="자전거용품", parent=bikes)
    assert parts.full_name == "스포츠 > 자전거 > 자전거용품"
    category_update(category=sports, name="스포츠·레저", parent=None)
    parts.refresh_from_db()
    assert parts.full_name == "스포츠·레저 > 자전거 > 자전거용품"
    leaf = category_create(name="벨", parent=parts)
    with pytest.raises(ValidationError):
        category_create(name="너무깊음", parent=leaf)  # 5th level
    with pytest.raises(ValidationError):
        category_update(category=sports, name="스포츠·레저", parent=leaf)  # under itself
    with pytest.raises(ValidationError):
        category_create(name="자전거", parent=Category.objects.get(pk=sports.pk))  # same name at the level
    outdoor = category_create(name="아웃도어")
    category_update(category=bikes, name="자전거", parent=outdoor)
    leaf.refresh_from_db()
    assert leaf.full_name == "아웃도어 > 자전거 > 자전거용품 > 벨"
    create_product(category=leaf)
    with pytest.raises(ValidationError):
        category_delete(category=bikes)
    with pytest.raises(ValidationError):
        category_delete(category=leaf)
    empty = category_create(name="빈 카테고리")
    category_delete(category=empty)
    assert not Category.objects.filter(name="빈 카테고리").exists()
