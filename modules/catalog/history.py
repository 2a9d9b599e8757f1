"""Text snapshots of a product and its child rows, for the edit history (old -> new as text)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import notice
from .models import Product

TRACKED_FIELDS = (
    "name",
    "status",
    "category",
    "seller_code",
    "model_name",
    "barcode",
    "maker",
    "brand",
    "origin_kind",
    "origin_goods_type",
    "origin_country",
    "origin_region",
    "origin_ingredients",
    "manufactured_on",
    "expires_on",
    "keywords",
    "adult_only",
    "price",
    "tax_type",
    "sale_region",
    "detail_html",
    "main_image",
    "notice_category",
    "notice_values",
)

CHILD_LABELS = {
    "product": pgettext_lazy("catalog", "product"),
    "deleted": gettext_lazy("deletion"),
    "option_groups": gettext_lazy("options"),
    "skus": gettext_lazy("SKUs"),
    "addon_groups": gettext_lazy("add-ons"),
    "certifications": gettext_lazy("certifications"),
    "extra_images": gettext_lazy("extra images"),
}


def field_label(field: str) -> str:
    if field in CHILD_LABELS:
        return str(CHILD_LABELS[field])
    try:
        return str(Product._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - an old row may name a field that no longer exists
        return field


def field_text(product: Product, field: str) -> str:
    value = getattr(product, field)
    if field == "notice_values":
        return "\n".join(
            f"{label}: {product.notice_value(key)}" for key, label in notice.category_items(product.notice_category)
        )
    if field == "keywords":
        return ", ".join(value or [])
    if value is None or value == "":
        return ""
    model_field = Product._meta.get_field(field)
    if model_field.choices:
        return str(getattr(product, f"get_{field}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if field == "price":
        return f"{value:,}"
    return str(value)


def product_snapshot(product: Product) -> dict[str, str]:
    return {field: field_text(product, field) for field in TRACKED_FIELDS}


def option_groups_text(groups) -> str:
    return "\n".join(f"{group.name}: {','.join(group.values or [])}" for group in groups)


def addon_groups_text(groups_with_items) -> str:
    lines = []
    for group, items in groups_with_items:
        parts = [
            f"{item.name} {item.price:,}"
            + ("" if item.status == "on_sale" else f" ({item.get_status_display()})")
            + (f" [{item.seller_code}]" if item.seller_code else "")
            for item in items
        ]
        lines.append(f"{group.name}: {', '.join(parts)}")
    return "\n".join(lines)


def certifications_text(certifications) -> str:
    return "\n".join(
        " ".join(part for part in (cert.get_kind_display(), cert.number, cert.agency) if part)
        for cert in certifications
    )


def images_text(images) -> str:
    return "\n".join(f"#{image.image_id}" for image in images)


def sku_text(sku) -> str:
    text = _("%(option)s: extra %(extra)s, %(status)s, code %(code)s%(barcode)s") % {
        "option": sku.option_label or _("(no options)"),
        "extra": f"{sku.extra_price:,}",
        "status": sku.get_status_display(),
        "code": sku.seller_code,
        "barcode": f", {_('barcode')} {sku.barcode}" if sku.barcode else "",
    }
    # Appended rather than part of the sentence above, so that SKUs without a cost read as before.
    cost = getattr(sku, "cost", None)
    return f"{text}, {_('cost')} {cost:,}" if cost is not None else text
