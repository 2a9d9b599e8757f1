import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .models import SKU, Brand, Category, Product, SkuStatus


def _categories(request=None):
    return Category.objects.order_by("path")


class ProductFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Product.Status.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category (with sub-categories)"), queryset=_categories, method="filter_category"
    )
    brand = django_filters.ModelChoiceFilter(label=_("Brand"), queryset=Brand.objects.all())
    tax_type = django_filters.ChoiceFilter(label=_("Tax type"), choices=Product.TaxType.choices)
    # Applied by the list view's base queryset (deleted products are hidden unless asked for).
    deleted = django_filters.ChoiceFilter(
        label=_("Deleted products"),
        choices=[("only", _("Deleted only")), ("all", _("Include deleted"))],
        empty_label=_("Hide deleted"),
        method="filter_deleted",
    )

    class Meta:
        model = Product
        fields = ["status", "category", "brand", "tax_type", "deleted"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__path__startswith=value.path)

    def filter_deleted(self, queryset, name, value):
        return queryset


class SkuFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Sale status"), choices=SkuStatus.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category (with sub-categories)"), queryset=_categories, method="filter_category"
    )
    brand = django_filters.ModelChoiceFilter(
        label=_("Brand"), queryset=Brand.objects.all(), field_name="product__brand"
    )

    class Meta:
        model = SKU
        fields = ["status", "category", "brand"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(product__category__path__startswith=value.path)
