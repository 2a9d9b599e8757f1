"""Admin for bundles (합포장): the Bundles list in the Orders menu and the bundle page.

The list is a ModelViewSet registered on its own whose menu item joins the Orders group through the
group's submenu hook (the order desk owns the group). Its rows show the receiver masked; the bundle
page carries the actions (merge, split, partial shipment, visit pickup, delay notice).
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, OuterRef
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from modules.accounts.permissions import AreaPermissionPolicy
from modules.channels.models import MARKETPLACE_LABELS, Store

from . import bundle_views
from .bundles import bundle_summaries, bundles_open, bundles_queryset, bundles_search, bundles_sent
from .desk_hooks import ORDERS_SUBMENU_HOOK, _AreaViewSet
from .models import Bundle, OrderLine

# Bundles change only through the services behind the bundle page (each change an OrderEvent), so
# the generic add/edit/delete views refuse everyone; the page checks the orders edit right itself.
register_permission_policy(Bundle, AreaPermissionPolicy(Bundle, area="orders", read_only=True))


@hooks.register("register_admin_urls")
def register_bundle_urls():
    return [
        path("bundles/<int:bundle_id>/", bundle_views.bundle_page, name="orders_bundle"),
        path("bundles/regroup/", bundle_views.bundles_regroup_view, name="orders_bundles_regroup"),
    ]


class BundleFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Bundle number, order number or phone"), method="filter_q")
    shipping = django_filters.ChoiceFilter(
        label=gettext_lazy("Shipping"),
        choices=[("open", gettext_lazy("To ship")), ("sent", pgettext_lazy("parcel", "Sent"))],
        method="filter_shipping",
    )
    marketplace = django_filters.ChoiceFilter(
        label=gettext_lazy("Marketplace"),
        choices=[(m.value, label) for m, label in MARKETPLACE_LABELS.items()],
        method="filter_marketplace",
    )
    store = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Store"), queryset=Store.objects.order_by("marketplace", "name"), method="filter_store"
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=[
            ("combined", gettext_lazy("Several orders")),
            ("manual", gettext_lazy("Arranged by hand")),
            ("visit_pickup", gettext_lazy("Visit pickup")),
        ],
        method="filter_kind",
    )

    class Meta:
        model = Bundle
        fields = ["q", "shipping", "marketplace", "store", "kind"]

    def filter_q(self, queryset, name, value):
        return bundles_search(queryset, value)

    def filter_shipping(self, queryset, name, value):
        return bundles_open(queryset) if value == "open" else bundles_sent(queryset) if value == "sent" else queryset

    def filter_marketplace(self, queryset, name, value):
        return queryset.filter(Exists(OrderLine.objects.filter(bundle=OuterRef("pk"), store__marketplace=value)))

    def filter_store(self, queryset, name, value):
        return queryset.filter(Exists(OrderLine.objects.filter(bundle=OuterRef("pk"), store=value)))

    def filter_kind(self, queryset, name, value):
        if value == "combined":
            return queryset.annotate(order_count=Count("lines__order", distinct=True)).filter(order_count__gte=2)
        if value == "manual":
            return queryset.filter(manual=True)
        if value == "visit_pickup":
            return queryset.filter(visit_pickup=True)
        return queryset


class BundleIndexView(IndexView):
    def get_base_queryset(self):
        return bundles_queryset()

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
        return reverse("orders_bundle", args=[instance.pk])

    @cached_property
    def header_more_buttons(self):
        from modules.accounts.areas import user_has_area_right

        buttons = list(super().header_more_buttons)
        if user_has_area_right(self.request.user, "orders", "edit"):
            buttons.append(
                HeaderButton(_("Regroup open orders"), url=reverse("orders_bundles_regroup"), icon_name="rotate")
            )
        return buttons


def _number_cell(bundle):
    # A plain link: the title column of Wagtail breaks short numbers over two lines.
    return format_html(
        '<a href="{}" class="w-whitespace-nowrap"><strong>{}</strong></a>',
        reverse("orders_bundle", args=[bundle.pk]),
        bundle,
    )


def _receiver_cell(bundle):
    summary = bundle.summary
    return format_html("{}<br><small>{}</small>", summary.receiver or "-", summary.phone)


def _orders_cell(bundle):
    numbers = bundle.summary.order_numbers
    shown = ", ".join(numbers[:3]) + (f" … (+{len(numbers) - 3})" if len(numbers) > 3 else "")
    return format_html("{}<br><small>{}</small>", len(numbers), shown)


def _lines_cell(bundle):
    summary = bundle.summary
    if summary.to_ship == summary.lines:
        return str(summary.lines)
    return _("%(lines)s (%(to_ship)s to ship)") % {"lines": summary.lines, "to_ship": summary.to_ship}


def _flags_cell(bundle):
    tags = []
    if bundle.visit_pickup:
        tags.append(("w-status w-status--primary", _("Visit pickup")))
    if bundle.manual:
        tags.append(("w-status", _("By hand")))
    if not bundle.summary.to_ship:
        tags.append(("w-status w-status--label", pgettext("parcel", "Sent")))
    return format_html_join(" ", '<span class="{}">{}</span>', tags) or "-"


class BundleViewSet(_AreaViewSet):
    model = Bundle
    icon = "tasks"
    menu_label = gettext_lazy("Bundles")
    menu_name = "order_bundles"
    menu_order = 300
    menu_hook = ORDERS_SUBMENU_HOOK
    index_view_class = BundleIndexView
    filterset_class = BundleFilterSet
    list_per_page = 50
    list_display = [
        Column("number", label=gettext_lazy("Bundle"), accessor=_number_cell),
        Column("receiver", label=gettext_lazy("Receiver"), accessor=_receiver_cell),
        Column("address", label=gettext_lazy("Address"), accessor=lambda b: b.summary.address or "-"),
        Column("orders", label=gettext_lazy("Orders"), accessor=_orders_cell),
        Column("lines", label=gettext_lazy("Lines"), accessor=_lines_cell),
        Column("stores", label=gettext_lazy("Store"), accessor=lambda b: ", ".join(b.summary.stores) or "-"),
        Column("ship_by", label=gettext_lazy("Ship by"), accessor=lambda b: b.summary.ship_by or "-"),
        Column("flags", label=gettext_lazy("Status"), accessor=_flags_cell),
    ]


@hooks.register("register_admin_viewset")
def register_bundle_viewset():
    return BundleViewSet("order_bundles", url_prefix="bundles/list")
