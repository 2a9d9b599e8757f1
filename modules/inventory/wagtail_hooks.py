"""Admin wiring of the 재고 (inventory) menu: stock per SKU and warehouse, the movement ledger, orders
waiting for stock, stock entry, set components, low-stock thresholds, allocation rules per store, the
push preview and reconciliation.

Rights: the inventory area's view right to look, its edit right to act (AreaPermissionPolicy). The
ledger, levels and line stock are read-only everywhere: they change only through the services.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Case, F, Q, When
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy
from modules.shipping.models import Warehouse

from . import selectors, views
from .forms import AllocationRuleForm, SkuComponentForm, StockThresholdForm
from .models import AllocationRule, LineStock, MovementKind, SkuComponent, StockLevel, StockMovement, StockThreshold

INVENTORY_SUBMENU_HOOK = "register_inventory_menu_item"

for _model, _read_only in [
    (StockLevel, True),
    (StockMovement, True),
    (LineStock, True),
    (SkuComponent, False),
    (StockThreshold, False),
    (AllocationRule, False),
]:
    register_permission_policy(_model, AreaPermissionPolicy(_model, area="inventory", read_only=_read_only))


@hooks.register("register_admin_urls")
def register_inventory_urls():
    return [
        path("inventory/entry/", views.stock_entry, name="inventory_entry"),
        path("inventory/preview/", views.allocation_preview, name="inventory_preview"),
        path("inventory/reconcile/", views.reconcile_page, name="inventory_reconcile"),
    ]


class _AreaViewSet(ModelViewSet):
    """Access comes from the menu rights (inventory area), so no model permissions on the group page."""

    copy_view_enabled = False
    search_backend_name = None
    inspect_view_enabled = False
    exclude_form_fields = []
    menu_hook = INVENTORY_SUBMENU_HOOK

    def get_permissions_to_register(self):
        return Permission.objects.none()


def _sku_name(sku) -> str:
    return f"{sku.product.name} {sku.option_label}".strip()


# Stock levels -----------------------------------------------------------------------------------------


class StockFilterSet(WagtailFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.order_by("-is_main", "name")
    )
    low = django_filters.BooleanFilter(label=gettext_lazy("At or under the low-stock threshold"), method="filter_low")
    reserved = django_filters.BooleanFilter(label=gettext_lazy("Reserved for orders"), method="filter_reserved")

    class Meta:
        model = StockLevel
        fields = ["warehouse", "low", "reserved"]

    def filter_low(self, queryset, name, value):
        return queryset.filter(is_low=value)

    def filter_reserved(self, queryset, name, value):
        return queryset.filter(reserved__gt=0) if value else queryset.filter(reserved=0)


class StockIndexView(IndexView):
    """The stock list; "Excel download" gives the rows shown (all pages) in the adjustment layout, so a
    count can be filled in and uploaded back. With no filter or search it lists every SKU that is not a
    set, with a row at the main warehouse for those without stock yet."""

    excel_param = "excel"

    def get(self, request, *args, **kwargs):
        if self.excel_param in request.GET:
            return self.excel_download()
        return super().get(request, *args, **kwargs)

    def excel_download(self):
        from modules.spreadsheets.views import export_response

        from .excel import stock_count_rows

        params = self.request.GET.copy()
        params.pop(self.excel_param, None)
        narrowed = any(value for key, value in params.items() if key not in ("ordering", "p"))
        levels = self.get_queryset().order_by() if narrowed else None
        return export_response(
            self.request,
            kind="stock_adjustment",
            objects=stock_count_rows(levels=levels),
            description=f"{self.index_url}?{params.urlencode()}"[:500],
        )

    @cached_property
    def header_buttons(self):
        params = self.request.GET.copy()
        for name in ("p", "_w_filter_fragment"):
            params.pop(name, None)
        params[self.excel_param] = "1"
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(_("Excel download"), url=f"{self.index_url}?{params.urlencode()}", icon_name="download")
        )
        return buttons

    def get_base_queryset(self):
        # Low stock compares the SKU's available over every active warehouse with its threshold.
        return selectors.stock_levels().annotate(
            sku_available=selectors.sku_available_subquery_for("sku_id"),
            threshold=F("sku__stock_threshold__quantity"),
            is_low=Case(
                When(Q(threshold__isnull=False) & Q(sku_available__lte=F("threshold")), then=True),
                default=False,
                output_field=BooleanField(),
            ),
        )


def _available(level):
    text = str(level.available_qty)
    if getattr(level, "is_low", False):
        return format_html('<strong class="jangteo-low" title="{}">{} ⚠</strong>', _("Low stock"), text)
    return text


class StockLevelViewSet(_AreaViewSet):
    model = StockLevel
    icon = "table"
    menu_label = gettext_lazy("Stock")
    menu_name = "inventory_stock"
    menu_order = 100
    index_view_class = StockIndexView
    filterset_class = StockFilterSet
    search_fields = ["sku__seller_code", "sku__barcode", "sku__product__name"]
    ordering = ["sku__product__name", "sku__sort_order", "warehouse_id"]
    list_per_page = 50
    list_display = [
        Column("code", label=gettext_lazy("SKU code"), accessor=lambda lv: lv.sku.seller_code),
        Column("name", label=gettext_lazy("Product"), accessor=lambda lv: _sku_name(lv.sku)),
        Column("warehouse", label=gettext_lazy("Warehouse"), accessor=lambda lv: lv.warehouse.name),
        "on_hand",
        "reserved",
        Column("available", label=gettext_lazy("available"), accessor=_available),
        "expected",
        Column(
            "threshold", label=gettext_lazy("Low at"), accessor=lambda lv: "" if lv.threshold is None else lv.threshold
        ),
        "updated_at",
    ]


# The ledger ---------------------------------------------------------------------------------------


class MovementFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=MovementKind.choices)
    warehouse = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.order_by("-is_main", "name")
    )
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = StockMovement
        fields = ["kind", "warehouse", "created_at"]


class MovementIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.movements()


def _signed(value: int) -> str:
    return f"{value:+d}" if value else ""


def _order_link(movement):
    if movement.line_id is None or movement.line is None:
        return movement.reference
    return format_html(
        '<a href="{}">{}</a>', reverse("orders_detail", args=[movement.line.order_id]), movement.reference
    )


class StockMovementViewSet(_AreaViewSet):
    model = StockMovement
    icon = "list-ul"
    menu_label = gettext_lazy("Stock ledger")
    menu_name = "inventory_ledger"
    menu_order = 110
    index_view_class = MovementIndexView
    filterset_class = MovementFilterSet
    search_fields = ["sku__seller_code", "reference", "reason"]
    list_per_page = 50
    list_display = [
        Column(
            "time", label=gettext_lazy("time"), accessor=lambda m: localtime(m.created_at).strftime("%Y-%m-%d %H:%M:%S")
        ),
        Column("code", label=gettext_lazy("SKU code"), accessor=lambda m: m.sku.seller_code),
        Column("warehouse", label=gettext_lazy("Warehouse"), accessor=lambda m: m.warehouse.name),
        "kind",
        Column("on_hand", label=gettext_lazy("on hand ±"), accessor=lambda m: _signed(m.on_hand_delta)),
        Column("reserved", label=gettext_lazy("reserved ±"), accessor=lambda m: _signed(m.reserved_delta)),
        Column("expected", label=gettext_lazy("expected ±"), accessor=lambda m: _signed(m.expected_delta)),
        "on_hand_after",
        "reserved_after",
        "reason",
        Column("reference", label=gettext_lazy("reference"), accessor=_order_link),
        Column("user", label=gettext_lazy("user"), accessor=lambda m: m.user.get_username() if m.user else ""),
    ]


# Orders waiting for stock --------------------------------------------------------------------------


class ShortIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.short_lines()


class ShortLinesViewSet(_AreaViewSet):
    model = LineStock
    icon = "warning"
    menu_label = gettext_lazy("Orders short of stock")
    menu_name = "inventory_short"
    menu_order = 120
    index_view_class = ShortIndexView
    search_fields = ["sku__seller_code", "line__order__channel_order_id"]
    ordering = ["line_id"]
    list_display = [
        Column(
            "order",
            label=gettext_lazy("Order"),
            accessor=lambda row: format_html(
                '<a href="{}">{}</a>',
                reverse("orders_detail", args=[row.line.order_id]),
                row.line.order.channel_order_id,
            ),
        ),
        Column("code", label=gettext_lazy("SKU code"), accessor=lambda row: row.sku.seller_code),
        Column("name", label=gettext_lazy("Product"), accessor=lambda row: _sku_name(row.sku)),
        "quantity",
        Column(
            "since",
            label=gettext_lazy("since"),
            accessor=lambda row: localtime(row.updated_at).strftime("%Y-%m-%d %H:%M"),
        ),
    ]


# Sets, thresholds, allocation rules ------------------------------------------------------------------


class SkuComponentViewSet(_AreaViewSet):
    model = SkuComponent
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Set SKUs")
    menu_name = "inventory_sets"
    menu_order = 140
    form_fields = ["quantity"]
    exclude_form_fields = None
    search_fields = ["set_sku__seller_code", "component__seller_code", "set_sku__product__name"]
    list_display = [
        Column(
            "set", label=gettext_lazy("Set SKU"), accessor=lambda c: f"{c.set_sku.seller_code} {_sku_name(c.set_sku)}"
        ),
        Column(
            "component",
            label=gettext_lazy("Component"),
            accessor=lambda c: f"{c.component.seller_code} {_sku_name(c.component)}",
        ),
        "quantity",
    ]

    def get_form_class(self, for_update=False):
        # ModelViewSet only honours base_form_class through panels; this form is the whole form.
        return SkuComponentForm

    def get_queryset(self, request):
        return SkuComponent.objects.select_related("set_sku__product", "component__product")


class StockThresholdViewSet(_AreaViewSet):
    model = StockThreshold
    icon = "warning"
    menu_label = gettext_lazy("Low-stock thresholds")
    menu_name = "inventory_thresholds"
    menu_order = 150
    form_fields = ["quantity"]
    exclude_form_fields = None
    search_fields = ["sku__seller_code", "sku__product__name"]
    list_display = [
        Column("code", label=gettext_lazy("SKU code"), accessor=lambda t: t.sku.seller_code),
        Column("name", label=gettext_lazy("Product"), accessor=lambda t: _sku_name(t.sku)),
        "quantity",
    ]

    def get_form_class(self, for_update=False):
        # ModelViewSet only honours base_form_class through panels; this form is the whole form.
        return StockThresholdForm

    def get_queryset(self, request):
        return StockThreshold.objects.select_related("sku__product")


class AllocationRuleViewSet(_AreaViewSet):
    model = AllocationRule
    icon = "resubmit"
    menu_label = gettext_lazy("Allocation rules")
    menu_name = "inventory_rules"
    menu_order = 160
    form_fields = ["store", "mode", "value", "stop_at_zero"]
    exclude_form_fields = None

    list_display = [
        Column("store", label=gettext_lazy("Store"), accessor=lambda r: r.store.name),
        "mode",
        "value",
        "stop_at_zero",
        Column(
            "sync", label=gettext_lazy("Stock push"), accessor=lambda r: _("on") if r.store.stock_sync else _("off")
        ),
        "updated_at",
    ]

    def get_form_class(self, for_update=False):
        # ModelViewSet only honours base_form_class through panels; this form is the whole form.
        return AllocationRuleForm

    def get_queryset(self, request):
        return AllocationRule.objects.select_related("store")


class InventoryGroup(ViewSetGroup):
    submenu_hook = INVENTORY_SUBMENU_HOOK
    menu_label = gettext_lazy("Inventory")
    menu_name = "inventory"
    menu_icon = "table"
    menu_order = 460
    items = (
        StockLevelViewSet("inventory_stock", url_prefix="inventory/stock"),
        StockMovementViewSet("inventory_ledger", url_prefix="inventory/ledger"),
        ShortLinesViewSet("inventory_short", url_prefix="inventory/short"),
        SkuComponentViewSet("inventory_sets", url_prefix="inventory/sets"),
        StockThresholdViewSet("inventory_thresholds", url_prefix="inventory/thresholds"),
        AllocationRuleViewSet("inventory_rules", url_prefix="inventory/rules"),
    )


@hooks.register("register_admin_viewset")
def register_inventory_group():
    return InventoryGroup()


class AreaMenuItem(MenuItem):
    def __init__(self, *args, right: str = "view", **kwargs):
        super().__init__(*args, **kwargs)
        self.right = right

    def is_shown(self, request):
        return user_has_area_right(request.user, "inventory", self.right)


@hooks.register(INVENTORY_SUBMENU_HOOK)
def register_entry_menu_item():
    return AreaMenuItem(_("Stock entry"), reverse("inventory_entry"), icon_name="plus", order=130, right="edit")


@hooks.register(INVENTORY_SUBMENU_HOOK)
def register_preview_menu_item():
    return AreaMenuItem(_("Stock push preview"), reverse("inventory_preview"), icon_name="resubmit", order=170)


@hooks.register(INVENTORY_SUBMENU_HOOK)
def register_reconcile_menu_item():
    return AreaMenuItem(_("Stock reconciliation"), reverse("inventory_reconcile"), icon_name="tasks", order=180)


class UploadMenuItem(AreaMenuItem):
    """An Excel upload of this area, shown once its kind is registered with the Excel engine."""

    def __init__(self, kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def is_shown(self, request):
        from modules.spreadsheets.layouts import all_kinds

        known = any(spec.key == self.kind and spec.importer is not None for spec in all_kinds())
        return known and super().is_shown(request)


@hooks.register(INVENTORY_SUBMENU_HOOK)
def register_inbound_upload_menu_item():
    return UploadMenuItem(
        "stock_inbound",
        _("Inbound upload"),
        reverse("spreadsheets_import", args=["stock_inbound"]),
        icon_name="upload",
        order=190,
        right="edit",
    )


@hooks.register(INVENTORY_SUBMENU_HOOK)
def register_adjustment_upload_menu_item():
    return UploadMenuItem(
        "stock_adjustment",
        _("Adjustment upload"),
        reverse("spreadsheets_import", args=["stock_adjustment"]),
        icon_name="upload",
        order=191,
        right="edit",
    )
