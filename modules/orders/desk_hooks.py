"""Admin pieces of the order desk (주문 > 주문확인/처리): the order list with date presets, filters,
search and bulk actions; the "needs matching" queue; the order page and its forms; Excel.

The "Orders" menu group is made here. Other order pieces (claims desk, bundles …) add their own
menu items to it through its submenu hook ``ORDERS_SUBMENU_HOOK``, or their viewsets to
``OrdersGroup.items``.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy
from modules.core.masking import mask_name, mask_phone

from . import desk_views
from .filters import PERIOD_DAYS, MatchQueueFilterSet, OrderFilterSet
from .models import CLAIM_TYPE_LABELS, Order, OrderLine
from .selectors import lines_needing_match, orders_for_desk, orders_search
from .status import OrderState

ORDERS_SUBMENU_HOOK = "register_orders_menu_item"

# Read-only for Wagtail's generic views (no add, edit or delete forms for any user): every change
# to an order goes through the actions service, from the desk's own views.
register_permission_policy(Order, AreaPermissionPolicy(Order, area="orders", read_only=True))
register_permission_policy(OrderLine, AreaPermissionPolicy(OrderLine, area="orders", read_only=True))


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [
        path("orders/<int:order_id>/", desk_views.order_detail, name="orders_detail"),
        path("orders/<int:order_id>/reveal/", desk_views.order_reveal, name="orders_reveal"),
        path("orders/<int:order_id>/receiver/", desk_views.receiver_edit, name="orders_receiver"),
        path("orders/lines/<int:line_id>/match/", desk_views.line_match_view, name="orders_line_match"),
        path("orders/export/", desk_views.export_orders, name="orders_export"),
    ]


for _action in desk_views.bulk_actions():
    hooks.register("register_bulk_action", _action)


class _AreaViewSet(ModelViewSet):
    """Access comes from the menu rights (orders area), so no model permissions on the group page."""

    copy_view_enabled = False
    search_backend_name = None
    inspect_view_enabled = False
    exclude_form_fields = []

    def get_permissions_to_register(self):
        return Permission.objects.none()


# The order list -------------------------------------------------------------------------------------


def _when(value):
    return date_format(localtime(value), "Y-m-d H:i") if value else ""


def _items(order) -> str:
    name = " ".join(part for part in (order.first_product or "", order.first_option or "") if part) or "-"
    more = (order.line_count or 0) - 1
    return _("%(name)s and %(count)s more") % {"name": name, "count": more} if more > 0 else name


def _receiver(order) -> str:
    # Masked for everyone in lists; the order page shows it in full after a logged reveal.
    return " ".join(part for part in (mask_name(order.receiver_name), mask_phone(order.receiver_phone1)) if part)


def _amount(order) -> str:
    return f"{order.total_amount:,}"


class FlagsColumn(Column):
    cell_template_name = "orders/desk/flags_cell.html"

    def get_value(self, order):
        flags = []
        if order.needs_attention:
            flags.append(("critical", _("Needs attention")))
        if order.open_claim:
            label = CLAIM_TYPE_LABELS.get(order.open_claim, order.open_claim)
            flags.append(("warning", _("%(claim)s requested") % {"claim": label}))
        if order.unmatched:
            flags.append(("warning", _("No SKU")))
        if order.push_refused:
            flags.append(("critical", _("Channel refused")))
        if order.receiver_edited_at:
            flags.append(("info", _("Receiver edited")))
        return flags


class OrderIndexView(IndexView):
    template_name = "orders/desk/index.html"
    results_template_name = "orders/desk/index_results.html"
    default_ordering = ["-ordered_at", "-id"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail's own ?export=csv would bypass the layouts and the personal data log.
        self.is_export = False

    def get_base_queryset(self):
        return orders_for_desk()

    def search_queryset(self, queryset):
        return orders_search(queryset, self.search_query) if self.is_searching else queryset

    def get_edit_url(self, instance):
        return reverse("orders_detail", args=[instance.pk])

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="order"), *super().columns]

    @cached_property
    def header_more_buttons(self):
        from modules.spreadsheets.selectors import layouts_for_kind

        buttons = list(super().header_more_buttons)
        query = self.request.GET.copy()
        for key in ("p", "layout", "_w_filter_fragment"):
            query.pop(key, None)
        layouts = list(layouts_for_kind("order_list").only("pk", "name"))
        if not layouts:
            buttons.append(
                HeaderButton(
                    _("Download Excel"), url=reverse("orders_export") + "?" + query.urlencode(), icon_name="download"
                )
            )
        for layout in layouts:
            query["layout"] = layout.pk
            buttons.append(
                HeaderButton(
                    _("Download Excel: %(layout)s") % {"layout": layout.name},
                    url=reverse("orders_export") + "?" + query.urlencode(),
                    icon_name="download",
                )
            )
        if user_has_area_right(self.request.user, "orders", "edit"):
            buttons.append(
                HeaderButton(
                    _("Change states by Excel"),
                    url=reverse("spreadsheets_import", args=["order_list"]),
                    icon_name="upload",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("p", "period", "ordered_from", "ordered_to", "_w_filter_fragment"):
            query.pop(key, None)
        current = self.request.GET.get("period", "")
        presets = []
        for days in PERIOD_DAYS:
            query["period"] = str(days)
            presets.append((days, "?" + query.urlencode(), current == str(days)))
        query.pop("period", None)
        context["period_presets"] = presets
        context["period_all_url"] = "?" + query.urlencode()
        context["period_all_active"] = not (
            current or self.request.GET.get("ordered_from") or self.request.GET.get("ordered_to")
        )
        return context


def _title(order) -> str:
    return order.channel_order_id


class OrderViewSet(_AreaViewSet):
    model = Order
    icon = "list-ul"
    menu_label = gettext_lazy("Order list")
    menu_name = "order-list"
    menu_order = 10
    index_view_class = OrderIndexView
    filterset_class = OrderFilterSet
    list_per_page = 50
    search_fields = ["channel_order_id"]  # searching itself is orders_search (phones by digits, tracking …)
    list_display = [
        TitleColumn(
            "channel_order_id",
            label=gettext_lazy("Order number"),
            get_url=lambda order: reverse("orders_detail", args=[order.pk]),
            get_title_id=lambda order: f"order_{order.pk}_title",
        ),
        Column("pk", label=gettext_lazy("No.")),
        Column("store", label=gettext_lazy("Store")),
        Column(
            "ordered_at", label=gettext_lazy("Ordered"), accessor=lambda o: _when(o.ordered_at), sort_key="ordered_at"
        ),
        Column("items", label=gettext_lazy("Items"), accessor=_items),
        Column("receiver", label=gettext_lazy("Receiver"), accessor=_receiver),
        Column("total_amount", label=gettext_lazy("Amount"), accessor=_amount, sort_key="total_amount"),
        StatusTagColumn(
            "state",
            label=gettext_lazy("State"),
            accessor="get_state_display",
            primary=lambda o: o.state in (OrderState.NEW, OrderState.ACKNOWLEDGED),
        ),
        FlagsColumn("flags", label=gettext_lazy("Flags")),
    ]


# The "needs matching" queue -----------------------------------------------------------------------------


class MatchCellColumn(Column):
    cell_template_name = "orders/desk/match_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["next"] = request.get_full_path() if request else ""
        return context


class MatchQueueIndexView(IndexView):
    default_ordering = ["-order__ordered_at", "order_id", "id"]
    page_title = gettext_lazy("Needs matching")

    def get_base_queryset(self):
        return lines_needing_match(include_closed=self.request.GET.get("closed") == "true")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        from django.db.models import Q

        query = self.search_query
        return queryset.filter(
            Q(product_name__icontains=query)
            | Q(option_name__icontains=query)
            | Q(seller_code__icontains=query)
            | Q(order__channel_order_id__icontains=query)
        )

    def get_edit_url(self, instance):
        return reverse("orders_line_match", args=[instance.pk])


def _line_order(line) -> str:
    return line.order.channel_order_id


def _product(line) -> str:
    return format_html("{}<br><small>{}</small>", line.product_name or "-", line.option_name or "")


def _codes(line) -> str:
    parts = [(_("seller code"), line.seller_code), (_("option id"), line.channel_option_id)]
    return format_html_join(" · ", "{}: <code>{}</code>", ((label, value) for label, value in parts if value))


class MatchQueueViewSet(_AreaViewSet):
    model = OrderLine
    icon = "link"
    menu_label = gettext_lazy("Needs matching")
    menu_name = "order-matching"
    menu_order = 20
    index_view_class = MatchQueueIndexView
    filterset_class = MatchQueueFilterSet
    list_per_page = 50
    search_fields = ["product_name"]
    list_display = [
        TitleColumn(
            "order",
            label=gettext_lazy("Order number"),
            accessor=_line_order,
            get_url=lambda line: reverse("orders_detail", args=[line.order_id]),
        ),
        Column("store", label=gettext_lazy("Store")),
        Column("ordered_at", label=gettext_lazy("Ordered"), accessor=lambda line: _when(line.order.ordered_at)),
        Column("product", label=gettext_lazy("Product"), accessor=_product),
        Column("codes", label=gettext_lazy("Channel codes"), accessor=_codes),
        Column("quantity", label=gettext_lazy("Qty")),
        Column("same_option", label=gettext_lazy("Waiting with this option")),
        MatchCellColumn("match", label=gettext_lazy("Match SKU")),
    ]


# Menu ---------------------------------------------------------------------------------------------------


class _EditMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_area_right(request.user, "orders", "edit")


@hooks.register(ORDERS_SUBMENU_HOOK)
def register_excel_menu_item():
    return _EditMenuItem(
        gettext_lazy("Change states by Excel"),
        reverse("spreadsheets_import", args=["order_list"]),
        icon_name="upload",
        name="orders-excel-states",
        order=900,
    )


class OrdersGroup(ViewSetGroup):
    submenu_hook = ORDERS_SUBMENU_HOOK
    menu_label = gettext_lazy("Orders")
    menu_name = "orders"
    menu_icon = "clipboard-list"
    menu_order = 400
    items = (
        OrderViewSet("orders", url_prefix="orders"),
        MatchQueueViewSet("order_matching", url_prefix="orders/matching"),
    )


@hooks.register("register_admin_viewset")
def register_orders_group():
    return OrdersGroup()
