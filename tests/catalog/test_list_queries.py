"""The product and SKU admin lists run the same number of queries for 3 rows as for a page of 10,000 products."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.catalog.models import SKU, Brand, Product

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_counts_stay_constant_at_10000_products(editor_client, create_product, make_image, category):
    started = time.monotonic()
    brand = Brand.objects.create(name="알톤")
    for number in range(3):
        create_product(
            seller_code=f"FULL{number}",
            brand=brand,
            main_image=make_image(f"full{number}.jpg"),
            options=[("색상", ["빨강", "파랑"])],
        )
    products_url = reverse("catalog_products:index")
    skus_url = reverse("catalog_skus:index")
    editor_client.get(products_url)  # first view renders the thumbnails once
    editor_client.get(skus_url)
    small_products = count_queries(editor_client, products_url)
    small_skus = count_queries(editor_client, skus_url)

    image = make_image("bulk01.jpg")
    products = Product.objects.bulk_create(
        [
            Product(
                name=f"대량 상품 {number}",
                maker="장터",
                price=10000 + number * 10,
                category=category,
                brand=brand,
                main_image=image,
                notice_category="etc",
            )
            for number in range(10_000)
        ],
        batch_size=2000,
    )
    SKU.objects.bulk_create(
        [SKU(product=product, seller_code=f"BULK{number:05d}") for number, product in enumerate(products)],
        batch_size=2000,
    )
    assert Product.objects.count() == 10_003
    editor_client.get(products_url)  # the shared image's thumbnail
    assert count_queries(editor_client, products_url) == small_products
    assert count_queries(editor_client, skus_url) == small_skus
    assert count_queries(editor_client, products_url + "?q=대량&status=on_sale") <= small_products + 1
    page = editor_client.get(products_url).content.decode()
    assert "대량 상품 9999" in page and page.count('class="catalog-thumb"') == 50
    assert time.monotonic() - started < 20
