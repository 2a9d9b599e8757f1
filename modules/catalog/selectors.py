"""Reads for the product admin and other modules, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from wagtail.images import get_image_model

from .models import SKU, Category, Product, ProductChange, SkuStatus

THUMBNAIL_FILTER = "fill-60x60"


def _active_sku_count():
    counts = (
        SKU.objects.filter(product=OuterRef("pk"))
        .exclude(status=SkuStatus.RETIRED)
        .order_by()
        .values("product")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def products(*, deleted: str = "") -> QuerySet:
    """Product list rows: category, brand, thumbnail renditions and the SKU count without per-row queries.

    ``deleted``: "" hides soft-deleted products, "only" shows only them, "all" shows both.
    """
    image_model = get_image_model()
    queryset = (
        Product.objects.select_related("category", "brand")
        .prefetch_related(Prefetch("main_image", queryset=image_model.objects.prefetch_renditions(THUMBNAIL_FILTER)))
        .annotate(sku_count=_active_sku_count())
    )
    if deleted == "only":
        return queryset.filter(deleted_at__isnull=False)
    if deleted == "all":
        return queryset
    return queryset.filter(deleted_at__isnull=True)


def skus(*, include_deleted_products: bool = False) -> QuerySet:
    queryset = SKU.objects.select_related("product", "product__brand", "product__category")
    if not include_deleted_products:
        queryset = queryset.filter(product__deleted_at__isnull=True)
    return queryset


def sku_by_seller_code(code: str) -> SKU | None:
    """For order matching: the SKU whose seller code equals an order line's seller code."""
    if not code:
        return None
    return SKU.objects.select_related("product").filter(seller_code=code.strip()).first()


def product_changes(product: Product) -> QuerySet:
    return ProductChange.objects.filter(product=product).select_related("user")


def categories() -> QuerySet:
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__deleted_at__isnull=True))
    ).order_by("path")
