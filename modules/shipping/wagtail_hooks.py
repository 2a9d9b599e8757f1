"""Admin wiring of the 배송 (shipping) menu: the shipping desk (shipments to register, send and print),
warehouses, courier contracts, the courier table and label layouts; the print log under 로그 관리.

Rights: the shipping area's view right to look, its edit right to act (AreaPermissionPolicy).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy
from modules.channels.models import Store
from modules.orders.bundles import bundle_summaries
from modules.orders.models import OrderLine

from . import selectors, views
from .forms import BulkInvoiceForm, LabelLayoutForm, LabelOptionsForm
from .models import (
    COURIER_CHOICES,
    CourierContract,
    LabelLayout,
    PrintLog,
    ShipmentState,
    ShippingBundle,
    Warehouse,
)
from .services import courier_name, main_warehouse

SHIPPING_SUBMENU_HOOK = "register_shipping_menu_item"
LOGS_SUBMENU_HOOK = "register_logs_menu_item"

register_permission_policy(ShippingBundle, AreaPermissionPolicy(ShippingBundle, area="shipping", read_only=True))
register_permission_policy(Warehouse, AreaPermissionPolicy(Warehouse, area="shipping"))
register_permission_policy(CourierContract, AreaPermissionPolicy(CourierContract, area="shipping"))
register_permission_policy(LabelLayout, AreaPermissionPolicy(LabelLayout, area="shipping"))
register_permission_policy(PrintLog, AreaPermissionPolicy(PrintLog, area="logs", read_only=True))


@hooks.register("register_admin_urls")
def register_shipping_urls():
    return [
        path("shipping/action/", views.shipments_action, name="shipping_action"),
        path("shipping/bundle/<int:bundle_id>/", views.shipment_page, name="shipping_shipment"),
        path("shipping/pdf/<str:token>/", views.pdf_download, name="shipping_pdf"),
        path("shipping/couriers/", views.couriers_page, name="shipping_couriers"),
        path("shipping/invoice-targets.xlsx", views.export_invoice_targets, name="shipping_invoice_targets"),
    ]


class _AreaViewSet(ModelViewSet):
    """Access comes from the menu rights (shipping area), so no model permissions on the group page."""

    copy_view_enabled = False
    search_backend_name = None
    inspect_view_enabled = False
    exclude_form_fields = []
    menu_hook = SHIPPING_SUBMENU_HOOK

    def get_permissions_to_register(self):
        return Permission.objects.none()


# The shipping desk -----------------------------------------------------------------------------------


class ShipmentFilterSet(WagtailFilterSet):
    tab = django_filters.ChoiceFilter(
        label=gettext_lazy("Shipping state"),
        choices=[(key, gettext_lazy(label)) for key, label in selectors.TABS.items()],
        method="filter_tab",
        empty_label=gettext_lazy("All open and recent"),
    )
    store = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Store"), queryset=Store.objects.order_by("marketplace", "name"), method="filter_store"
    )
    courier = django_filters.ChoiceFilter(
        label=gettext_lazy("Courier"), choices=COURIER_CHOICES, field_name="shipment__courier"
    )

    class Meta:
        model = ShippingBundle
        fields = ["tab", "store", "courier"]

    def filter_tab(self, queryset, name, value):
        return queryset  # applied by ShipmentIndexView.get_base_queryset, which knows the tab's query

    def filter_store(self, queryset, name, value):
        return queryset.filter(Exists(OrderLine.objects.filter(bundle=OuterRef("pk"), store=value)))


class ShipmentIndexView(IndexView):
    template_name = "shipping/desk/index.html"

    def get_base_queryset(self):
        # The tab picks the base rows (see ShipmentFilterSet.filter_tab).
        return selectors.shipment_desk(self.request.GET.get("tab") or "", model=ShippingBundle)

    def paginate_queryset(self, queryset, page_size):
        # One more query for the whole page: receivers (masked), orders, stores and line counts.
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(object_list)
        summaries = bundle_summaries([bundle.pk for bundle in rows])
        for bundle in rows:
            bundle.summary = summaries[bundle.pk]
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get_edit_url(self, instance):
        return reverse("shipping_shipment", args=[instance.pk])

    @cached_property
    def can_edit(self) -> bool:
        return user_has_area_right(self.request.user, "shipping", "edit")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        tab = self.request.GET.get("tab") or "waiting"
        buttons.append(
            HeaderButton(
                _("Download invoice targets (Excel)"),
                url=reverse("shipping_invoice_targets") + f"?tab={tab}",
                icon_name="download",
            )
        )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.can_edit
        warehouse = main_warehouse()
        contract = warehouse.default_contract if warehouse else None
        context["bulk_form"] = BulkInvoiceForm(initial={"courier": contract.courier if contract else ""})
        context["label_form"] = LabelOptionsForm()
        context["next_url"] = self.request.get_full_path()
        context["tab"] = self.request.GET.get("tab", "")
        context["tabs"] = [("", _("All open and recent"))] + [(k, _(v)) for k, v in selectors.TABS.items()]
        return context


class SelectColumn(Column):
    cell_template_name = "shipping/desk/select_cell.html"
    header_template_name = "shipping/desk/select_header.html"


def _number_cell(bundle):
    return format_html(
        '<a href="{}" class="w-whitespace-nowrap"><strong>B{}</strong></a>',
        reverse("shipping_shipment", args=[bundle.pk]),
        bundle.pk,
    )


def _orders_cell(bundle):
    summary = bundle.summary
    numbers = summary.order_numbers
    shown = ", ".join(numbers[:2]) + (f" … (+{len(numbers) - 2})" if len(numbers) > 2 else "")
    return format_html("{}<br><small>{}</small>", ", ".join(summary.stores), shown)


def _receiver_cell(bundle):
    summary = bundle.summary
    return format_html(
        "{} <small>{}</small><br><small>{}</small>", summary.receiver or "-", summary.phone, summary.address
    )


def _shipment(bundle):
    try:
        return bundle.shipment
    except Exception:  # RelatedObjectDoesNotExist: no shipment yet
        return None


def _invoice_cell(bundle):
    shipment = _shipment(bundle)
    if shipment is None or not shipment.tracking_number:
        return format_html('<span class="w-status">{}</span>', _("No invoice"))
    return format_html(
        '{}<br><code class="w-whitespace-nowrap">{}</code>', courier_name(shipment.courier), shipment.tracking_number
    )


def _state_cell(bundle):
    shipment = _shipment(bundle)
    state = shipment.state if shipment else ShipmentState.WAITING
    label = ShipmentState(state).label
    css = {
        ShipmentState.SENT: "w-status w-status--primary",
        ShipmentState.FORCED: "w-status w-status--primary",
        ShipmentState.FAILED: "w-status w-status--label",
    }.get(state, "w-status")
    printed = ""
    if shipment and shipment.print_count:
        printed = _("printed %(count)s×") % {"count": shipment.print_count}
    return format_html('<span class="{}">{}</span><br><small>{}</small>', css, label, printed)


def _answer_cell(bundle):
    shipment = _shipment(bundle)
    if shipment is None or not (shipment.send_code or shipment.send_message):
        return ""
    return format_html("<code>{}</code> {}", shipment.send_code, shipment.send_message[:120])


def _lines_cell(bundle):
    summary = bundle.summary
    return str(summary.lines) if summary.to_ship == summary.lines else f"{summary.lines} ({summary.to_ship})"


class ShipmentDeskViewSet(_AreaViewSet):
    model = ShippingBundle
    icon = "mail"
    menu_label = gettext_lazy("Shipments")
    menu_name = "shipping_desk"
    menu_order = 10
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    index_view_class = ShipmentIndexView
    filterset_class = ShipmentFilterSet
    list_per_page = 50
    list_display = [
        SelectColumn("select", label="", width="3%"),
        Column("number", label=gettext_lazy("Bundle"), accessor=_number_cell, width="7%"),
        Column("orders", label=gettext_lazy("Store / orders"), accessor=_orders_cell),
        Column("receiver", label=gettext_lazy("Receiver"), accessor=_receiver_cell),
        Column("lines", label=gettext_lazy("Lines"), accessor=_lines_cell, width="6%"),
        Column("invoice", label=gettext_lazy("Invoice"), accessor=_invoice_cell),
        Column("state", label=gettext_lazy("State"), accessor=_state_cell),
        Column("answer", label=gettext_lazy("Channel's answer"), accessor=_answer_cell),
    ]


# Warehouses, contracts, label layouts ---------------------------------------------------------------


class WarehouseViewSet(_AreaViewSet):
    model = Warehouse
    icon = "home"
    menu_label = gettext_lazy("Warehouses")
    menu_name = "shipping_warehouses"
    menu_order = 100
    list_display = ["name", "address1", "phone1", "is_main", "default_contract", "active"]


class CourierContractViewSet(_AreaViewSet):
    model = CourierContract
    icon = "doc-full"
    menu_label = gettext_lazy("Courier contracts")
    menu_name = "shipping_contracts"
    menu_order = 110
    list_display = [
        "name",
        Column("courier", label=gettext_lazy("Courier"), accessor=lambda c: courier_name(c.courier)),
        "contract_code",
        "fare",
        Column(
            "band",
            label=gettext_lazy("Number band"),
            accessor=lambda c: (
                f"{c.number_from}–{c.number_to} (→ {c.number_next or c.number_from})" if c.number_from else ""
            ),
        ),
        "active",
    ]


class LabelLayoutViewSet(SnippetViewSet):
    model = LabelLayout
    icon = "form"
    menu_label = gettext_lazy("Label layouts")
    menu_name = "shipping_label_layouts"
    menu_order = 130
    menu_hook = SHIPPING_SUBMENU_HOOK
    list_display = ["name", "size", "is_default", "updated_at"]
    search_backend_name = None
    base_form_class = LabelLayoutForm
    form_fields = ["name", "size", "fields", "logo", "item_lines", "is_default"]

    def get_permissions_to_register(self):
        return Permission.objects.none()


register_snippet(LabelLayoutViewSet)


class ShippingGroup(ViewSetGroup):
    submenu_hook = SHIPPING_SUBMENU_HOOK
    menu_label = gettext_lazy("Shipping")
    menu_name = "shipping"
    menu_icon = "mail"
    menu_order = 450
    items = (
        ShipmentDeskViewSet("shipping_desk", url_prefix="shipping/desk"),
        WarehouseViewSet("shipping_warehouses", url_prefix="shipping/warehouses"),
        CourierContractViewSet("shipping_contracts", url_prefix="shipping/contracts"),
    )


@hooks.register("register_admin_viewset")
def register_shipping_group():
    return ShippingGroup()


class CouriersMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_area_right(request.user, "shipping", "view")


@hooks.register(SHIPPING_SUBMENU_HOOK)
def register_couriers_menu_item():
    return CouriersMenuItem(_("Couriers"), reverse("shipping_couriers"), icon_name="list-ul", order=120)


# Print log (로그 관리) ------------------------------------------------------------------------------


class PrintLogIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.print_logs()


def _exact(row):
    return localtime(row.created_at).strftime("%Y-%m-%d %H:%M:%S")


def _skipped(row):
    return str(len(row.skipped or [])) if row.skipped else ""


class PrintLogViewSet(ModelViewSet):
    model = PrintLog
    icon = "print"
    menu_label = gettext_lazy("Print log")
    menu_name = "shipping_print_log"
    menu_order = 150
    menu_hook = LOGS_SUBMENU_HOOK
    exclude_form_fields = []
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    index_view_class = PrintLogIndexView
    list_filter = ["kind", "reprint"]
    search_fields = ["username", "layout_name"]
    list_display = [
        Column("created_at", label=gettext_lazy("time"), accessor=_exact),
        "username",
        "kind",
        "layout_name",
        "printed",
        Column("skipped", label=gettext_lazy("skipped"), accessor=_skipped),
        "reprint",
        "new_numbers",
        "pages",
    ]

    def get_permissions_to_register(self):
        return Permission.objects.none()


@hooks.register("register_admin_viewset")
def register_print_log():
    return PrintLogViewSet("shipping_print_log", url_prefix="logs/prints")
