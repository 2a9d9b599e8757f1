from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy

from . import views
from .filters import ProductFilterSet, SkuFilterSet
from .forms import SKU_EDITABLE_STATUSES, CategoryForm, ProductForm, add_validation_error
from .models import SKU, Brand, Category, Product, ProductChange
from .panels import HistoryPanel, NoticePanel, ProductTabbedInterface, SkuTablePanel, Tab
from .selectors import categories, products, skus


class _SkuPermissionPolicy(AreaPermissionPolicy):
    """SKUs come from option generation: they are edited, never added or deleted by hand."""

    def _right(self, action: str):
        if action in {"add", "delete"}:
            return None
        return super()._right(action)


register_permission_policy(Product, AreaPermissionPolicy(Product, area="products"))
register_permission_policy(SKU, _SkuPermissionPolicy(SKU, area="products"))
register_permission_policy(Category, AreaPermissionPolicy(Category, area="products"))
register_permission_policy(Brand, AreaPermissionPolicy(Brand, area="products"))
register_permission_policy(ProductChange, AreaPermissionPolicy(ProductChange, area="products", read_only=True))


@hooks.register("register_admin_urls")
def register_catalog_urls():
    return [
        path("catalog/products/<int:product_id>/restore/", views.restore_product, name="catalog_restore_product"),
    ]


class _AreaViewSet(ModelViewSet):
    """Access comes from the menu rights panel, so the model's own permissions stay off the group page."""

    copy_view_enabled = False
    search_backend_name = None

    def get_permissions_to_register(self):
        return Permission.objects.none()


class _ServiceErrorsMixin:
    """A ValidationError raised by a service (after the form validated) goes back onto the form."""

    error_fields: dict[str, str] = {}

    def form_valid(self, form):
        adding = form.instance.pk is None
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            if adding:
                form.instance.pk = None
                form.instance._state.adding = True
            add_validation_error(form, exc, fallback_fields=self.error_fields)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


# Excel download and upload of the lists ----------------------------------------------------------------------


class _ExcelListMixin:
    """엑셀 다운로드 of the filtered list (one row per SKU: the spreadsheet kind "sku_list", streamed) in the default
    layout or one chosen from the "more" menu, and a button to the Excel upload of the same kind (bulk register
    and bulk edit). The buttons carry the list's current filters and search; Wagtail re-renders them when the
    filters change."""

    excel_param = "excel_layout"

    def excel_skus(self):
        """The SKUs of the rows the list currently shows (all pages)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.excel_param in request.GET:
            return self.excel_download()
        return super().get(request, *args, **kwargs)

    def excel_download(self):
        from modules.spreadsheets.selectors import layouts_for_kind
        from modules.spreadsheets.views import export_response

        from .excel import KIND, export_queryset

        value = self.request.GET.get(self.excel_param, "")
        layout = get_object_or_404(layouts_for_kind(KIND), pk=int(value)) if value.isdigit() else None
        params = self.request.GET.copy()
        params.pop(self.excel_param, None)
        return export_response(
            self.request,
            kind=KIND,
            objects=export_queryset(self.excel_skus()),
            layout=layout,
            description=f"{self.index_url}?{params.urlencode()}"[:500],
        )

    def _excel_url(self, value: str) -> str:
        params = self.request.GET.copy()
        for name in ("p", "_w_filter_fragment"):
            params.pop(name, None)
        params[self.excel_param] = value
        return f"{self.index_url}?{params.urlencode()}"

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("Excel download"), url=self._excel_url(""), icon_name="download"))
        if user_has_area_right(self.request.user, "products", "edit"):
            buttons.append(
                HeaderButton(
                    _("Excel upload"), url=reverse("spreadsheets_import", args=["sku_list"]), icon_name="upload"
                )
            )
        return buttons

    @cached_property
    def header_more_buttons(self):
        from modules.spreadsheets.selectors import layouts_for_kind

        buttons = list(super().header_more_buttons)
        for layout in layouts_for_kind("sku_list").filter(is_default=False):
            buttons.append(
                Button(
                    _("Excel download: %(layout)s") % {"layout": layout.name},
                    url=self._excel_url(str(layout.pk)),
                    icon_name="download",
                    priority=80,
                )
            )
        return buttons


# Products --------------------------------------------------------------------------------------------------


class _ProductSaveMixin(_ServiceErrorsMixin):
    """Saves through product_create / product_update (history rows, SKU generation, bulk setting)."""

    def save_instance(self):
        from .services import product_create, product_update

        product = self.form.save(commit=False)  # child rows from the inline panels, in memory
        if product.pk is None:
            product_create(product=product, user=self.request.user)
            log(instance=product, action="wagtail.create", user=self.request.user)
        else:
            bulk = self.form.bulk_request() if self.request.POST.get("catalog_action") == "bulk" else None
            changes = product_update(
                product=product, user=self.request.user, sku_edits=self.form.sku_edits(), bulk=bulk
            )
            if changes:
                log(instance=product, action="wagtail.edit", user=self.request.user)
            result = getattr(product, "generate_result", None)
            if result is not None and result.changed:
                messages.info(self.request, result.summary())
        return product

    def get_success_url(self):
        if self.request.POST.get("catalog_action") in {"generate", "bulk"}:
            return reverse("catalog_products:edit", args=[self.object.pk]) + "#tab-options"
        return super().get_success_url()


class ProductCreateView(_ProductSaveMixin, CreateView):
    def get_success_url(self):
        # Straight to the new product's page: its SKUs have just been generated.
        return reverse("catalog_products:edit", args=[self.object.pk])


class ProductEditView(_ProductSaveMixin, EditView):
    pass


class ProductDeleteView(DeleteView):
    """Soft delete: the product leaves the list and can be restored from the "deleted" filter."""

    def delete_action(self):
        from .services import product_delete

        product_delete(product=self.object, user=self.request.user)
        log(instance=self.object, action="wagtail.delete", user=self.request.user)


class ProductIndexView(_ExcelListMixin, IndexView):
    def get_base_queryset(self):
        return products(deleted=self.request.GET.get("deleted", ""))

    def excel_skus(self):
        # Deleted products' SKUs only when the list shows deleted products.
        return skus(include_deleted_products=bool(self.request.GET.get("deleted"))).filter(
            product__in=self.get_queryset().order_by().values("pk")
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        from django.db.models import Q

        query = self.search_query.strip()
        sku_products = SKU.objects.filter(Q(seller_code__icontains=query) | Q(barcode__icontains=query)).values(
            "product_id"
        )
        return queryset.filter(
            Q(name__icontains=query)
            | Q(seller_code__icontains=query)
            | Q(barcode__icontains=query)
            | Q(product_code__icontains=query)
            | Q(model_name__icontains=query)
            | Q(pk__in=sku_products)
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.deleted_at is not None:
            buttons = [b for b in buttons if getattr(b, "url", "") != self.get_delete_url(instance)]
            if user_has_area_right(self.request.user, "products", "edit"):
                buttons.append(
                    ActionMenuItem(
                        _("Restore"),
                        url=reverse("catalog_restore_product", args=[instance.pk]),
                        icon_name="undo",
                        priority=5,
                    )
                )
        return buttons


class ThumbnailColumn(Column):
    cell_template_name = "catalog/thumbnail_cell.html"


def _product_status(product):
    return _("Deleted") if product.deleted_at else product.get_status_display()


class ProductViewSet(_AreaViewSet):
    model = Product
    icon = "tag"
    menu_label = gettext_lazy("Products")
    menu_name = "products"
    menu_order = 100
    inspect_view_enabled = True
    list_per_page = 50
    index_view_class = ProductIndexView
    add_view_class = ProductCreateView
    edit_view_class = ProductEditView
    delete_view_class = ProductDeleteView
    filterset_class = ProductFilterSet
    search_fields = ["name", "seller_code", "barcode"]
    list_display = [
        "name",
        ThumbnailColumn("main_image", label=gettext_lazy("image")),
        "seller_code",
        "product_code",
        Column("category", label=gettext_lazy("category")),
        Column("brand", label=gettext_lazy("brand")),
        Column("price", label=gettext_lazy("representative price"), accessor=lambda p: f"{p.price:,}"),
        Column("tax_type", label=gettext_lazy("tax type"), accessor="get_tax_type_display"),
        StatusTagColumn(
            "status",
            label=gettext_lazy("status"),
            accessor=_product_status,
            primary=lambda p: p.status == Product.Status.ON_SALE and p.deleted_at is None,
        ),
        Column("sku_count", label=gettext_lazy("SKUs")),
        Column(
            "updated_at",
            label=gettext_lazy("updated at"),
            accessor=lambda p: localtime(p.updated_at).strftime("%Y-%m-%d %H:%M"),
        ),
    ]
    inspect_view_fields = [
        "name",
        "status",
        "category",
        "product_code",
        "seller_code",
        "model_name",
        "barcode",
        "maker",
        "brand",
        "origin_kind",
        "origin_country",
        "price",
        "tax_type",
        "sale_region",
        "adult_only",
        "notice_category",
        "created_at",
        "updated_at",
        "deleted_at",
    ]

    def get_edit_handler(self):
        edit_handler = ProductTabbedInterface(
            [
                Tab(
                    [
                        FieldPanel("name"),
                        FieldRowPanel([FieldPanel("status"), FieldPanel("category")]),
                        FieldRowPanel([FieldPanel("seller_code"), FieldPanel("model_name"), FieldPanel("barcode")]),
                        FieldRowPanel([FieldPanel("maker"), FieldPanel("brand")]),
                        MultiFieldPanel(
                            [
                                FieldRowPanel([FieldPanel("origin_kind"), FieldPanel("origin_goods_type")]),
                                FieldRowPanel([FieldPanel("origin_country"), FieldPanel("origin_region")]),
                                FieldPanel("origin_ingredients"),
                            ],
                            heading=gettext_lazy("Origin"),
                        ),
                        FieldRowPanel([FieldPanel("manufactured_on"), FieldPanel("expires_on")]),
                        FieldPanel("keywords"),
                        FieldPanel("adult_only"),
                    ],
                    heading=gettext_lazy("Basic"),
                    name="basic",
                ),
                Tab(
                    [FieldPanel("price"), FieldPanel("tax_type"), FieldPanel("sale_region")],
                    heading=gettext_lazy("Price and tax"),
                    name="price",
                ),
                Tab(
                    [
                        InlinePanel(
                            "option_groups",
                            heading=gettext_lazy("Option names and values"),
                            label=gettext_lazy("Option"),
                            max_num=3,
                            panels=[FieldRowPanel([FieldPanel("name"), FieldPanel("values")])],
                            help_text=gettext_lazy(
                                "Combination options: up to 3 option names, values separated by commas. "
                                "Every combination becomes a SKU."
                            ),
                        ),
                        SkuTablePanel(heading=gettext_lazy("SKUs")),
                    ],
                    heading=gettext_lazy("Options and SKUs"),
                    name="options",
                ),
                Tab(
                    [
                        InlinePanel(
                            "addon_groups",
                            heading=gettext_lazy("Add-on groups"),
                            label=gettext_lazy("Add-on group"),
                            max_num=5,
                            panels=[
                                FieldPanel("name"),
                                InlinePanel(
                                    "items",
                                    label=gettext_lazy("Add-on"),
                                    panels=[
                                        FieldRowPanel(
                                            [
                                                FieldPanel("name"),
                                                FieldPanel("price"),
                                                FieldPanel("status"),
                                                FieldPanel("seller_code"),
                                            ]
                                        )
                                    ],
                                ),
                            ],
                            help_text=gettext_lazy(
                                "Up to 5 groups; each add-on costs from 10 won up to half the representative price."
                            ),
                        ),
                    ],
                    heading=gettext_lazy("Add-ons"),
                    name="addons",
                ),
                Tab(
                    [FieldPanel("notice_category"), NoticePanel(heading=gettext_lazy("Notice items"))],
                    heading=gettext_lazy("Product information notice"),
                    name="notice",
                ),
                Tab(
                    [
                        InlinePanel(
                            "certifications",
                            heading=gettext_lazy("Certifications"),
                            label=gettext_lazy("Certification"),
                            max_num=5,
                            panels=[
                                FieldRowPanel([FieldPanel("kind"), FieldPanel("number")]),
                                FieldRowPanel([FieldPanel("agency"), FieldPanel("certified_on")]),
                            ],
                            help_text=gettext_lazy(
                                "Up to 5. Children's and electrical products need their KC certification."
                            ),
                        )
                    ],
                    heading=gettext_lazy("Certifications"),
                    name="certifications",
                ),
                Tab(
                    [
                        FieldPanel("main_image"),
                        InlinePanel(
                            "extra_images",
                            heading=gettext_lazy("Extra images"),
                            label=gettext_lazy("Extra image"),
                            max_num=9,
                            panels=[FieldPanel("image")],
                        ),
                    ],
                    heading=gettext_lazy("Images"),
                    name="images",
                ),
                Tab(
                    [FieldPanel("detail_html", widget=forms.Textarea(attrs={"rows": 20}))],
                    heading=gettext_lazy("Detail page"),
                    name="detail",
                ),
                Tab(
                    [HistoryPanel(heading=gettext_lazy("Edit history"))],
                    heading=gettext_lazy("History"),
                    name="history",
                ),
            ],
            base_form_class=ProductForm,
        )
        return edit_handler.bind_to_model(self.model)


# SKUs ------------------------------------------------------------------------------------------------------


class SkuForm(forms.ModelForm):
    status = forms.ChoiceField(label=gettext_lazy("sale status"), choices=SKU_EDITABLE_STATUSES)

    class Meta:
        model = SKU
        fields = ["extra_price", "status", "seller_code", "barcode"]


class SkuIndexView(_ExcelListMixin, IndexView):
    def get_base_queryset(self):
        return skus()

    def excel_skus(self):
        return self.get_queryset()


class SkuEditView(_ServiceErrorsMixin, EditView):
    error_fields = {"skus": "__all__"}

    def get_form_class(self):
        return SkuForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.object.status == "retired":
            form.fields["status"].choices = [("retired", self.object.get_status_display())]
        return form

    def save_instance(self):
        from .services import sku_update

        sku = self.form.instance
        data = self.form.cleaned_data
        sku_update(
            sku=sku,
            user=self.request.user,
            extra_price=data["extra_price"],
            status=data["status"] if data["status"] != "retired" else None,
            seller_code=data["seller_code"],
            barcode=data["barcode"],
        )
        return sku


class SkuViewSet(_AreaViewSet):
    model = SKU
    icon = "list-ul"
    menu_label = gettext_lazy("SKUs")
    menu_name = "skus"
    menu_order = 110
    list_per_page = 50
    index_view_class = SkuIndexView
    edit_view_class = SkuEditView
    filterset_class = SkuFilterSet
    search_fields = ["seller_code", "barcode", "product__name", "option_label"]
    form_fields = ["extra_price", "status", "seller_code", "barcode"]
    list_display = [
        "seller_code",
        Column("product", label=pgettext_lazy("catalog", "product"), accessor=lambda s: s.product.name),
        Column("option_label", label=gettext_lazy("option")),
        Column("extra_price", label=gettext_lazy("extra price"), accessor=lambda s: f"{s.extra_price:+,}"),
        StatusTagColumn(
            "status",
            label=gettext_lazy("sale status"),
            accessor="get_status_display",
            primary=lambda s: s.status == "on_sale",
        ),
        "barcode",
        Column("brand", label=gettext_lazy("brand"), accessor=lambda s: s.product.brand or ""),
        Column("category", label=gettext_lazy("category"), accessor=lambda s: s.product.category or ""),
    ]


# Categories and brands ---------------------------------------------------------------------------------------


def _indented(category):
    return ("\u2003" * (category.depth - 1)) + category.name


class CategoryIndexView(IndexView):
    def get_base_queryset(self):
        return categories()

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name", accessor=_indented),
            Column("full_name", label=gettext_lazy("full path")),
            Column("product_count", label=gettext_lazy("product count")),
        ]


class _CategorySaveMixin(_ServiceErrorsMixin):
    def save_instance(self):
        from .services import category_create, category_update

        data = self.form.cleaned_data
        if self.form.instance.pk is None:
            return category_create(name=data["name"], parent=data.get("parent"))
        return category_update(category=self.form.instance, name=data["name"], parent=data.get("parent"))


class CategoryCreateView(_CategorySaveMixin, CreateView):
    pass


class CategoryEditView(_CategorySaveMixin, EditView):
    pass


class CategoryDeleteView(DeleteView):
    def form_valid(self, form):
        from .services import category_delete

        try:
            category_delete(category=self.object)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect(self.get_success_url())
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


class CategoryViewSet(_AreaViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Categories")
    menu_name = "categories"
    menu_order = 120
    list_per_page = 200
    index_view_class = CategoryIndexView
    add_view_class = CategoryCreateView
    edit_view_class = CategoryEditView
    delete_view_class = CategoryDeleteView
    search_fields = ["name", "full_name"]
    ordering = ["path"]

    def get_edit_handler(self):
        return ObjectList([FieldPanel("parent"), FieldPanel("name")], base_form_class=CategoryForm).bind_to_model(
            self.model
        )


class BrandViewSet(_AreaViewSet):
    model = Brand
    icon = "pick"
    menu_label = gettext_lazy("Brands")
    menu_name = "brands"
    menu_order = 130
    form_fields = ["name", "name_en", "memo"]
    list_display = ["name", "name_en", "memo"]
    search_fields = ["name", "name_en"]


class CatalogGroup(ViewSetGroup):
    menu_label = gettext_lazy("Products")
    menu_name = "catalog"
    menu_icon = "tag"
    menu_order = 350
    items = (
        ProductViewSet("catalog_products", url_prefix="catalog/products"),
        SkuViewSet("catalog_skus", url_prefix="catalog/skus"),
        CategoryViewSet("catalog_categories", url_prefix="catalog/categories"),
        BrandViewSet("catalog_brands", url_prefix="catalog/brands"),
    )


@hooks.register("register_admin_viewset")
def register_catalog_group():
    return CatalogGroup()
