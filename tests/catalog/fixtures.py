"""Fixtures and helpers of the catalog tests (loaded by conftest.py when modules.catalog is installed)."""

from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from modules.catalog import notice
from modules.catalog.models import AddonGroup, AddonItem, OptionGroup, Product
from modules.catalog.services import category_create, product_create
from tests.conftest import verified_client


def jpeg_bytes(size=(1000, 1000), *, fmt="JPEG", padding=0, color=(200, 30, 30)) -> bytes:
    buffer = BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue() + b"\0" * padding  # JPEG readers ignore bytes after the end marker


@pytest.fixture
def make_image(db):
    def make(name="main01.jpg", size=(1000, 1000), *, fmt="JPEG", padding=0):
        image = get_image_model()(
            title=name, file=ImageFile(BytesIO(jpeg_bytes(size, fmt=fmt, padding=padding)), name=name)
        )
        image.save()
        return image

    return make


def full_notice(category: str, **values) -> dict:
    """Every item of the category marked "see detail page", except the values given."""
    entries = {key: {"value": "", "see_detail": True} for key, _label in notice.category_items(category)}
    for key, value in values.items():
        entries[key] = {"value": value, "see_detail": False}
    return entries


@pytest.fixture
def category(db):
    return category_create(name="스포츠/레저")


@pytest.fixture
def build_product(category):
    """An unsaved, valid product; options=[("색상", ["빨강", "파랑"])], addons=[("잠금", [("자물쇠", 2000)])]."""

    def build(*, options=(), addons=(), **fields):
        data = {
            "name": "알톤 미니벨로 자전거",
            "category": category,
            "maker": "알톤스포츠",
            "price": 135000,
            "notice_category": "sports_equipment",
            "notice_values": full_notice("sports_equipment", country="중국"),
        }
        data.update(fields)
        product = Product(**data)
        product.option_groups = [
            OptionGroup(name=name, values=list(values), sort_order=index)
            for index, (name, values) in enumerate(options)
        ]
        product.addon_groups = [
            AddonGroup(
                name=name,
                sort_order=index,
                items=[AddonItem(name=item, price=price, sort_order=i) for i, (item, price) in enumerate(items)],
            )
            for index, (name, items) in enumerate(addons)
        ]
        return product

    return build


@pytest.fixture
def create_product(build_product):
    def create(user=None, **kwargs):
        return product_create(product=build_product(**kwargs), user=user)

    return create


@pytest.fixture
def products_editor(make_user):
    user = make_user("상품담당", rights={"products": {"edit"}})
    return user


@pytest.fixture
def editor_client(products_editor):
    return verified_client(products_editor)
