"""Admin for listings (채널상품): list, edit, save-and-push with a live log, pull, push queue."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from modules.accounts.permissions import AreaPermissionPolicy
from modules.catalog.forms import add_validation_error

from . import listing_views
from .listing_selectors import listing_changes, listing_tasks, listings
from .models import Listing, ListingChange, ListingTask, Store

register_permission_policy(Listing, AreaPermissionPolicy(Listing, area="products"))
register_permission_policy(ListingChange, AreaPermissionPolicy(ListingChange, area="products", read_only=True))
register_permission_policy(ListingTask, AreaPermissionPolicy(ListingTask, area="products", read_only=True))


@hooks.register("register_admin_urls")
def register_listing_urls():
    return [
        path("listings/tasks/<int:task_id>/", listing_views.task_detail, name="listings_task"),
        path("listings/tasks/<int:task_id>/log/", listing_views.task_log_json, name="listings_task_log"),
        path("listings/<int:listing_id>/push/", listing_views.push_listing, name="listings_push"),
        path("listings/pull/", listing_views.pull_listings, name="listings_pull"),
        path("listings/queue/send/", listing_views.send_queue, name="listings_send_queue"),
        path("listings/export/", listing_views.export_listings, name="listings_export"),
    ]


class _AreaViewSet(ModelViewSet):
    copy_view_enabled = False
    search_backend_name = None

    def get_permissions_to_register(self):
        return Permission.objects.none()


# Listings ----------------------------------------------------------------------------------------


class ListingFilterSet(WagtailFilterSet):
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), queryset=Store.objects.all())
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=Listing.State.choices)
    push_state = django_filters.ChoiceFilter(label=gettext_lazy("Last push"), choices=Listing.PushState.choices)
    linked = django_filters.ChoiceFilter(
        label=gettext_lazy("Linked to a product"),
        choices=[("yes", gettext_lazy("Linked")), ("no", gettext_lazy("Not linked"))],
        method="filter_linked",
    )

    class Meta:
        model = Listing
        fields = ["store", "state", "push_state", "linked"]

    def filter_linked(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(product__isnull=False)
        if value == "no":
            return queryset.filter(product__isnull=True)
        return queryset


class ListingForm(WagtailAdminModelForm):
    """The listing page; the options table (extra price, on sale, quantity per option) is read from
    the POST by the view, since its rows come from the product's SKUs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "product" in self.fields:
            from modules.catalog.selectors import products

            self.fields["product"].queryset = products()
            if self.instance.pk and self.instance.product_id:
                self.fields["product"].disabled = True
        if "store" in self.fields and self.instance.pk:
            self.fields["store"].disabled = True
        for name in ("outbound_address", "return_address"):
            if name in self.fields:
                queryset = self.fields[name].queryset.filter(address_type=name).select_related("store")
                if self.instance.pk:
                    queryset = queryset.filter(store_id=self.instance.store_id)
                self.fields[name].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        store = cleaned.get("store") or getattr(self.instance, "store", None)
        product = cleaned.get("product")
        exists = Listing.objects.filter(store=store, product=product).exists() if store and product else False
        if exists and not self.instance.pk:
            self.add_error("product", _("This product is already listed on this store."))
        return cleaned


def _option_edits(request, listing) -> dict[int, dict]:
    """The options table of the form: option-<id>-extra_price / -on_sale / -stock."""
    edits: dict[int, dict] = {}
    if listing.pk is None:
        return edits
    errors = []
    for option in listing.options.all():
        prefix = f"option-{option.pk}-"
        if prefix + "present" not in request.POST:
            continue
        edit = {"on_sale": request.POST.get(prefix + "on_sale") == "on"}
        for key in ("extra_price", "stock"):
            raw = (request.POST.get(prefix + key) or "").replace(",", "").strip()
            try:
                value = int(raw or 0)
            except ValueError:
                errors.append(
                    _("Option %(option)s: %(field)s must be a whole number.")
                    % {
                        "option": option.option_text or "-",
                        "field": _("extra price") if key == "extra_price" else _("quantity"),
                    }
                )
                continue
            if key == "stock" and value < 0:
                errors.append(
                    _("Option %(option)s: quantity cannot be negative.") % {"option": option.option_text or "-"}
                )
                continue
            edit[key] = value
        edits[option.pk] = edit
    if errors:
        raise ValidationError({"options": errors})
    return edits


class _ListingSaveMixin:
    def form_valid(self, form):
        adding = form.instance.pk is None
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            if adding:
                form.instance.pk = None
                form.instance._state.adding = True
            add_validation_error(form, exc, fallback_fields={"store": "__all__"})
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def save_instance(self):
        from .listing_services import listing_push, listing_save

        listing = self.form.save(commit=False)
        listing_save(listing=listing, option_edits=_option_edits(self.request, listing), user=self.request.user)
        self.push_task = None
        if self.request.POST.get("listing_action") == "push":
            self.push_task = listing_push(listing=listing, user=self.request.user)
        return listing

    def get_success_url(self):
        if getattr(self, "push_task", None) is not None:
            return reverse("listings_task", args=[self.push_task.pk])
        if self.object and self.request.POST.get("listing_action") != "push":
            return reverse("listings:edit", args=[self.object.pk])
        return super().get_success_url()


class ListingCreateView(_ListingSaveMixin, CreateView):
    template_name = "channels/listings/edit.html"


class ListingEditView(_ListingSaveMixin, EditView):
    template_name = "channels/listings/edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listing_options"] = list(self.object.options.select_related("sku").order_by("sort_order", "id"))
        context["recent_tasks"] = list(self.object.tasks.order_by("-id")[:5])
        context["pending_changes"] = self.object.changes.filter(status=ListingChange.Status.PENDING).count()
        return context


class ListingIndexView(IndexView):
    def get_base_queryset(self):
        return listings()

    @cached_property
    def header_more_buttons(self):
        from modules.accounts.areas import user_has_area_right

        buttons = list(super().header_more_buttons)
        query = self.request.GET.urlencode()
        buttons.append(
            HeaderButton(
                _("Download Excel"),
                url=reverse("listings_export") + (f"?{query}" if query else ""),
                icon_name="download",
            )
        )
        if user_has_area_right(self.request.user, "products", "edit"):
            buttons.append(
                HeaderButton(
                    _("Edit by Excel"),
                    url=reverse("spreadsheets_import", args=["channel_products"]),
                    icon_name="upload",
                )
            )
            buttons.append(HeaderButton(_("Pull from a store"), url=reverse("listings_pull"), icon_name="download"))
            buttons.append(
                HeaderButton(_("Import channel products"), url=reverse("channels_migration"), icon_name="upload")
            )
        return buttons


def _product_cell(listing):
    return listing.product.name if listing.product_id else _("(not linked)")


class ListingViewSet(_AreaViewSet):
    model = Listing
    icon = "list-ul"
    menu_label = gettext_lazy("Channel products")
    menu_name = "listings"
    menu_order = 100
    filterset_class = ListingFilterSet
    index_view_class = ListingIndexView
    add_view_class = ListingCreateView
    edit_view_class = ListingEditView
    list_per_page = 50
    search_fields = ["name", "channel_product_id", "channel_seller_code", "product__name", "product__seller_code"]
    list_display = [
        Column("display_name", label=gettext_lazy("Name")),
        Column("store", label=gettext_lazy("Store")),
        Column("product", label=gettext_lazy("Product"), accessor=_product_cell),
        Column("channel_product_id", label=gettext_lazy("Channel product number")),
        Column("sale_price", label=gettext_lazy("Sale price")),
        StatusTagColumn(
            "state",
            label=gettext_lazy("State"),
            accessor="get_state_display",
            primary=lambda listing: listing.state == "on_sale",
        ),
        Column("push_state", label=gettext_lazy("Last push"), accessor="get_push_state_display"),
        Column("updated_at", label=gettext_lazy("Updated")),
    ]

    def get_edit_handler(self):
        sale = ObjectList(
            [
                FieldRowPanel([FieldPanel("store"), FieldPanel("product")]),
                FieldPanel("name"),
                FieldPanel("channel_category_id"),
                FieldRowPanel([FieldPanel("sale_price"), FieldPanel("market_price")]),
                FieldRowPanel([FieldPanel("max_per_order"), FieldPanel("max_per_person")]),
                FieldRowPanel([FieldPanel("sale_start"), FieldPanel("sale_end")]),
                FieldPanel("link_stock"),
            ],
            heading=gettext_lazy("Sale"),
        )
        shipping = ObjectList(
            [
                MultiFieldPanel(
                    [
                        FieldPanel("shipping_fee_type"),
                        FieldRowPanel(
                            [FieldPanel("shipping_fee"), FieldPanel("free_threshold"), FieldPanel("per_quantity")]
                        ),
                        FieldRowPanel([FieldPanel("jeju_fee"), FieldPanel("remote_fee")]),
                    ],
                    heading=gettext_lazy("Shipping fee"),
                ),
                MultiFieldPanel(
                    [
                        FieldRowPanel([FieldPanel("courier"), FieldPanel("lead_days")]),
                        FieldRowPanel([FieldPanel("outbound_address"), FieldPanel("return_address")]),
                        FieldRowPanel([FieldPanel("return_fee"), FieldPanel("exchange_fee")]),
                    ],
                    heading=gettext_lazy("Dispatch and returns"),
                ),
            ],
            heading=gettext_lazy("Shipping"),
        )
        service = ObjectList([FieldPanel("as_phone"), FieldPanel("as_info")], heading=gettext_lazy("A/S"))
        return TabbedInterface([sale, shipping, service], base_form_class=ListingForm).bind_to_model(Listing)


# Push queue and tasks -----------------------------------------------------------------------------


class ListingChangeFilterSet(WagtailFilterSet):
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), queryset=Store.objects.all())
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=ListingChange.Status.choices)
    field = django_filters.ChoiceFilter(label=gettext_lazy("What"), choices=ListingChange.Field.choices)

    class Meta:
        model = ListingChange
        fields = ["store", "status", "field"]


class ListingChangeIndexView(IndexView):
    template_name = "channels/listings/queue_index.html"

    def get_base_queryset(self):
        return listing_changes()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue_stores"] = list(Store.objects.filter(is_linked=True).order_by("marketplace", "name"))
        return context


class ListingChangeViewSet(_AreaViewSet):
    model = ListingChange
    icon = "repeat"
    menu_label = gettext_lazy("Push queue")
    menu_name = "listing_queue"
    menu_order = 110
    exclude_form_fields = []
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ListingChangeIndexView
    filterset_class = ListingChangeFilterSet
    list_per_page = 100
    list_display = [
        Column("listing", label=gettext_lazy("Channel product")),
        Column("option", label=gettext_lazy("Option")),
        Column("field", label=gettext_lazy("What"), accessor="get_field_display"),
        Column("old_value", label=gettext_lazy("Old")),
        Column("value", label=gettext_lazy("New")),
        StatusTagColumn(
            "status", label=gettext_lazy("Status"), accessor="get_status_display", primary=lambda c: c.status == "sent"
        ),
        Column("message", label=gettext_lazy("Channel's answer")),
        Column("updated_at", label=gettext_lazy("Updated")),
    ]


class ListingTaskIndexView(IndexView):
    def get_base_queryset(self):
        return listing_tasks()

    def get_edit_url(self, instance):
        return reverse("listings_task", args=[instance.pk])


class ListingTaskFilterSet(WagtailFilterSet):
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), queryset=Store.objects.all())
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=ListingTask.Kind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=ListingTask.Status.choices)

    class Meta:
        model = ListingTask
        fields = ["store", "kind", "status"]


class ListingTaskViewSet(_AreaViewSet):
    model = ListingTask
    icon = "history"
    menu_label = gettext_lazy("Push and pull log")
    menu_name = "listing_tasks"
    menu_order = 120
    exclude_form_fields = []
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ListingTaskIndexView
    filterset_class = ListingTaskFilterSet
    list_per_page = 100
    list_display = [
        TitleColumn("pk", label="#", get_url=lambda t: reverse("listings_task", args=[t.pk])),
        Column("store", label=gettext_lazy("Store")),
        Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
        Column("listing", label=gettext_lazy("Channel product")),
        StatusTagColumn(
            "status", label=gettext_lazy("Status"), accessor="get_status_display", primary=lambda t: t.status == "done"
        ),
        Column("succeeded", label=gettext_lazy("Succeeded")),
        Column("failed", label=gettext_lazy("Failed")),
        Column("user", label=gettext_lazy("User")),
        Column("created_at", label=gettext_lazy("Created")),
    ]


LISTINGS_SUBMENU_HOOK = "register_listings_menu_item"


class ListingGroup(ViewSetGroup):
    submenu_hook = LISTINGS_SUBMENU_HOOK
    menu_label = gettext_lazy("Channel products")
    menu_name = "channel_products"
    menu_icon = "list-ul"
    menu_order = 360
    items = (
        ListingViewSet("listings", url_prefix="listings/products"),
        ListingChangeViewSet("listing_queue", url_prefix="listings/queue"),
        ListingTaskViewSet("listing_tasks", url_prefix="listings/tasks-log"),
    )


@hooks.register("register_admin_viewset")
def register_listing_group():
    return ListingGroup()
