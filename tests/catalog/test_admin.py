"""The product admin: pages for a products-area user, refusal for others, and saves through the services."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from modules.catalog.models import SKU, Brand, Category, Product, ProductCertification, ProductChange
from modules.catalog.services import product_delete, skus_bulk_set
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def form_data(html: str, *, marker: str = "name") -> dict:
    """What a browser would submit from the page's form that contains an input named ``marker``."""
    soup = BeautifulSoup(html, "html.parser")
    form = next(f for f in soup.find_all("form") if f.find(attrs={"name": marker}))
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("disabled") is not None:
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in {"submit", "button", "file", "image"}:
                continue
            if kind in {"checkbox", "radio"}:
                if field.get("checked") is not None:
                    data.setdefault(name, []).append(field.get("value", "on"))
                continue
            data.setdefault(name, []).append(field.get("value", ""))
        elif field.name == "select":
            selected = [o.get("value", o.text) for o in field.find_all("option") if o.get("selected") is not None]
            if not selected and field.get("multiple") is None:
                first = field.find("option")
                selected = [first.get("value", first.text)] if first else []
            data.setdefault(name, []).extend(selected)
        else:
            data.setdefault(name, []).append(field.text.lstrip("\n"))
    return {key: values if len(values) > 1 else values[0] for key, values in data.items()}


@pytest.fixture
def full_product(create_product, make_image):
    product = create_product(
        seller_code="ALT01",
        brand=Brand.objects.create(name="알톤"),
        main_image=make_image("main01.jpg"),
        options=[("색상", ["빨강", "파랑"])],
        addons=[("잠금", [("자물쇠", 2000)])],
    )
    product.certifications = [ProductCertification(kind="living_safety", number="HU07001-1", agency="KTR")]
    product.save()
    return product


# Access ------------------------------------------------------------------------------------------------------


def test_every_catalog_page_opens_for_a_products_user(editor_client, full_product):
    sku = SKU.objects.filter(product=full_product).first()
    category = full_product.category
    deleted = Product.objects.create(name="지워진 자전거", maker="x", price=1000, category=category, status="preparing")
    product_delete(product=deleted)
    urls = [
        reverse("catalog_products:index"),
        reverse("catalog_products:index") + "?deleted=only",
        reverse("catalog_products:index") + "?q=ALT01-001",
        reverse("catalog_products:add"),
        reverse("catalog_products:edit", args=[full_product.pk]),
        reverse("catalog_products:inspect", args=[full_product.pk]),
        reverse("catalog_products:delete", args=[full_product.pk]),
        reverse("catalog_restore_product", args=[deleted.pk]),
        reverse("catalog_skus:index"),
        reverse("catalog_skus:edit", args=[sku.pk]),
        reverse("catalog_categories:index"),
        reverse("catalog_categories:add"),
        reverse("catalog_categories:edit", args=[category.pk]),
        reverse("catalog_brands:index"),
        reverse("catalog_brands:add"),
    ]
    for url in urls:
        response = editor_client.get(url)
        assert response.status_code == 200, url
    html = editor_client.get(reverse("catalog_products:edit", args=[full_product.pk])).content.decode()
    for tab in ("basic", "price", "options", "addons", "notice", "certifications", "images", "detail", "history"):
        assert f'id="tab-{tab}"' in html
    assert "빨강" in html and "자물쇠" in html and "ALT01-002" in html and "상세페이지 참조" in html
    search = editor_client.get(reverse("catalog_products:index") + "?q=ALT01-001").content.decode()
    assert full_product.name in search and "지워진 자전거" not in search
    assert "지워진 자전거" in editor_client.get(reverse("catalog_products:index") + "?deleted=only").content.decode()


def test_catalog_is_refused_to_users_without_the_products_area(make_user, full_product):
    client = verified_client(make_user("주문담당", rights={"orders": {"edit"}}))
    for url in (
        reverse("catalog_products:index"),
        reverse("catalog_products:edit", args=[full_product.pk]),
        reverse("catalog_skus:index"),
        reverse("catalog_categories:index"),
        reverse("catalog_brands:index"),
        reverse("catalog_restore_product", args=[full_product.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response.url != url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "catalog/products" not in menu


def test_view_right_lists_but_cannot_edit(make_user, full_product):
    client = verified_client(make_user("조회담당", rights={"products": {"view"}}))
    assert client.get(reverse("catalog_products:index")).status_code == 200
    assert client.get(reverse("catalog_products:inspect", args=[full_product.pk])).status_code == 200
    assert client.get(reverse("catalog_products:edit", args=[full_product.pk])).status_code in (302, 403)
    product_delete(product=full_product)
    assert client.post(reverse("catalog_restore_product", args=[full_product.pk])).status_code in (302, 403)
    full_product.refresh_from_db()
    assert full_product.deleted_at is not None


# Saving through the services -----------------------------------------------------------------------------


def test_create_through_the_admin_generates_skus(editor_client, category):
    data = form_data(editor_client.get(reverse("catalog_products:add")).content.decode())
    data.update(
        {
            "name": "알톤 미니벨로 자전거",
            "status": "on_sale",
            "category": str(category.pk),
            "maker": "알톤스포츠",
            "price": "135000",
            "keywords": "자전거, 미니벨로",
            "notice_category": "sports_equipment",
            "option_groups-TOTAL_FORMS": "2",
            "option_groups-0-name": "색상",
            "option_groups-0-values": " 핑크, 블루 ",
            "option_groups-0-ORDER": "1",
            "option_groups-1-name": "배송선택",
            "option_groups-1-values": "미조립,조립",
            "option_groups-1-ORDER": "2",
        }
    )
    for key in (
        "item_name_model",
        "size_weight",
        "color",
        "material",
        "components",
        "released_on",
        "manufacturer",
        "country",
        "specs",
        "warranty",
        "as_contact",
    ):
        data[f"notice__{key}__detail"] = "on"
    data["notice__country__detail"] = ""
    data["notice__country"] = "중국"
    response = editor_client.post(reverse("catalog_products:add"), data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".error-message, .messages"
    )
    product = Product.objects.get()
    assert response.url == reverse("catalog_products:edit", args=[product.pk])
    assert product.keywords == ["자전거", "미니벨로"]
    assert product.notice_values["country"] == {"value": "중국", "see_detail": False}
    assert [s.option_label for s in SKU.objects.filter(product=product).order_by("sort_order")] == [
        "핑크/미조립",
        "핑크/조립",
        "블루/미조립",
        "블루/조립",
    ]


def test_edit_form_errors_stay_on_the_page(editor_client, full_product):
    url = reverse("catalog_products:edit", args=[full_product.pk])
    data = form_data(editor_client.get(url).content.decode())
    data["name"] = "특가!! 자전거"
    data["notice__color__detail"] = ""
    data["notice__color"] = "N"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "상품명: 한글, 영문, 숫자" in html and "“N” 대신 “해당없음”" in html
    assert Product.objects.get(pk=full_product.pk).name == "알톤 미니벨로 자전거"


def test_sku_table_edits_and_service_errors(editor_client, full_product):
    url = reverse("catalog_products:edit", args=[full_product.pk])
    red, blue = SKU.objects.filter(product=full_product).order_by("sort_order")
    data = form_data(editor_client.get(url).content.decode())
    data[f"sku_{blue.pk}_extra_price"] = "90000"  # over half of 135,000
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "파랑" in response.content.decode() and "±50%" in response.content.decode()
    blue.refresh_from_db()
    assert blue.extra_price == 0
    data[f"sku_{blue.pk}_extra_price"] = "30000"
    data[f"sku_{blue.pk}_barcode"] = "8801234567893"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    blue.refresh_from_db()
    assert (blue.extra_price, blue.barcode) == (30000, "8801234567893")
    change = ProductChange.objects.filter(product=full_product, field="skus").latest("id")
    assert "30,000" in change.new_value and "파랑" in change.old_value


def test_bulk_setting_and_generate_buttons(editor_client, full_product):
    url = reverse("catalog_products:edit", args=[full_product.pk])
    red, blue = SKU.objects.filter(product=full_product).order_by("sort_order")
    data = form_data(editor_client.get(url).content.decode())
    data.update(
        {
            "sku_selected": [str(blue.pk)],
            "bulk_status": "stopped",
            "bulk_code_prefix": "ALT-B",
            "catalog_action": "bulk",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302 and response.url.endswith("#tab-options")
    blue.refresh_from_db()
    red.refresh_from_db()
    assert (blue.status, blue.seller_code) == ("stopped", "ALT-B001") and red.status == "on_sale"

    data = form_data(editor_client.get(url).content.decode())
    data["option_groups-0-values"] = "빨강, 파랑, 노랑"
    data["catalog_action"] = "generate"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert list(
        SKU.objects.filter(product=full_product).order_by("sort_order").values_list("option_label", flat=True)
    ) == [
        "빨강",
        "파랑",
        "노랑",
    ]
    history = editor_client.get(url).content.decode()
    assert "색상: 빨강,파랑,노랑" in history


def test_delete_is_soft_and_restore_brings_it_back(editor_client, full_product):
    response = editor_client.post(reverse("catalog_products:delete", args=[full_product.pk]))
    assert response.status_code == 302
    full_product.refresh_from_db()
    assert full_product.deleted_at is not None
    edit_url = reverse("catalog_products:edit", args=[full_product.pk])
    index = editor_client.get(reverse("catalog_products:index")).content.decode()
    assert edit_url not in index
    deleted = editor_client.get(reverse("catalog_products:index") + "?deleted=only").content.decode()
    assert reverse("catalog_restore_product", args=[full_product.pk]) in deleted
    response = editor_client.post(reverse("catalog_restore_product", args=[full_product.pk]))
    assert response.status_code == 302
    full_product.refresh_from_db()
    assert full_product.deleted_at is None
    assert edit_url in editor_client.get(reverse("catalog_products:index")).content.decode()


def test_sku_admin_edits_through_the_service(editor_client, full_product):
    red, blue = SKU.objects.filter(product=full_product).order_by("sort_order")
    url = reverse("catalog_skus:edit", args=[blue.pk])
    data = form_data(editor_client.get(url).content.decode(), marker="seller_code")
    data["seller_code"] = red.seller_code
    response = editor_client.post(url, data)
    assert response.status_code == 200 and "이미" in response.content.decode()
    blue.refresh_from_db()
    assert blue.seller_code != red.seller_code
    data["seller_code"] = "BLUE-1"
    assert editor_client.post(url, data).status_code == 302
    blue.refresh_from_db()
    assert blue.seller_code == "BLUE-1"
    assert editor_client.get(reverse("catalog_skus:index") + "?q=BLUE-1").status_code == 200


def test_category_admin_builds_the_tree(editor_client, category):
    data = {"name": "자전거", "parent": str(category.pk)}
    assert editor_client.post(reverse("catalog_categories:add"), data).status_code == 302
    child = Category.objects.get(name="자전거")
    assert child.full_name == "스포츠/레저 > 자전거"
    index = editor_client.get(reverse("catalog_categories:index")).content.decode()
    assert "스포츠/레저 &gt; 자전거" in index
    response = editor_client.post(
        reverse("catalog_categories:edit", args=[category.pk]), {"name": "레저", "parent": str(child.pk)}
    )
    assert response.status_code == 200  # its own sub-category is not offered as a parent
    category.refresh_from_db()
    assert category.depth == 1 and category.name == "스포츠/레저"
    response = editor_client.post(reverse("catalog_categories:delete", args=[category.pk]))
    assert response.status_code == 302 and Category.objects.filter(pk=category.pk).exists()


def test_bulk_set_service_and_admin_list_agree(editor_client, full_product):
    skus_bulk_set(product=full_product, extra_price=0, status="on_sale")
    html = editor_client.get(reverse("catalog_skus:index") + "?status=on_sale").content.decode()
    assert "ALT01-001" in html and "ALT01-002" in html
