from django.contrib import messages
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from integrations.channels.registry import ADAPTERS, adapter_class
from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy

from . import views
from .forms import StoreForm, credential_field_name
from .models import Store, SyncRun
from .selectors import store_freshness, sync_runs

register_permission_policy(Store, AreaPermissionPolicy(Store, area="channels"))
register_permission_policy(SyncRun, AreaPermissionPolicy(SyncRun, area="channels", read_only=True))


@hooks.register("register_admin_urls")
def register_channel_urls():
    return [
        path("channels/stores/<int:store_id>/collect/", views.collect_now, name="channels_collect_now"),
        path("channels/runs/progress/", views.runs_progress, name="channels_runs_progress"),
        path("channels/stores/<int:store_id>/verify/", views.verify_store, name="channels_verify_store"),
    ]


def _credential_panels():
    panels = []
    for marketplace in ADAPTERS:
        for spec in adapter_class(marketplace).credential_fields:
            panels.append(FieldPanel(credential_field_name(marketplace, spec.name)))
    return panels


class _SaveThroughServiceMixin:
    """Saves through store_save (credentials merged, schedules refreshed) and shows the channel's answer."""

    def save_instance(self):
        from .services import store_save

        result = store_save(store=self.form.instance, credentials=self.form.credentials_input(), verify=True)
        self.verify_result = result
        return self.form.instance

    def save_action(self):
        response = super().save_action()
        result = getattr(self, "verify_result", None)
        if result is not None:
            if result.ok:
                messages.success(self.request, _("Connection checked: %(message)s") % {"message": result.message})
            else:
                messages.warning(
                    self.request,
                    _("Saved, but the marketplace refused the credentials: %(message)s") % {"message": result.message},
                )
        return response


class StoreCreateView(_SaveThroughServiceMixin, CreateView):
    pass


class StoreEditView(_SaveThroughServiceMixin, EditView):
    pass


class StoreIndexView(IndexView):
    def get_base_queryset(self):
        return Store.objects.all()

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if user_has_area_right(self.request.user, "channels", "edit"):
            buttons.append(
                ActionMenuItem(
                    _("Collect now"),
                    url=reverse("channels_collect_now", args=[instance.pk]),
                    icon_name="download",
                    priority=5,
                )
            )
            buttons.append(
                ActionMenuItem(
                    _("Check connection"),
                    url=reverse("channels_verify_store", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=6,
                )
            )
        return buttons


def _auth_status_tag(store):
    return store.auth_status == Store.AuthStatus.OK


class StoreViewSet(ModelViewSet):
    model = Store
    icon = "site"
    menu_label = gettext_lazy("Stores")
    menu_name = "stores"
    menu_order = 100
    copy_view_enabled = False
    search_fields = ["name", "seller_id"]
    search_backend_name = None
    list_filter = ["marketplace", "is_linked", "auth_status"]
    index_view_class = StoreIndexView
    add_view_class = StoreCreateView
    edit_view_class = StoreEditView
    list_display = [
        "name",
        "marketplace",
        "seller_id",
        StatusTagColumn("get_auth_status_display", label=gettext_lazy("connection"), primary=_auth_status_tag),
        "auth_message",
        Column("is_linked", label=gettext_lazy("linked"), accessor=lambda s: _("On") if s.is_linked else _("Off")),
    ]

    def get_edit_handler(self):
        # Built on first use: the credential fields come from the adapters, imported lazily.
        edit_handler = TabbedInterface(
            [
                ObjectList(
                    [
                        FieldPanel("marketplace"),
                        FieldRowPanel([FieldPanel("name"), FieldPanel("seller_id")]),
                        FieldPanel("api_base_url"),
                        FieldRowPanel([FieldPanel("representative_category"), FieldPanel("settlement_cycle")]),
                        FieldPanel("memo"),
                    ],
                    heading=gettext_lazy("Store"),
                ),
                ObjectList(_credential_panels(), heading=gettext_lazy("API credentials")),
                ObjectList(
                    [
                        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_title")]),
                        FieldPanel("contact_email"),
                        FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_mobile")]),
                    ],
                    heading=gettext_lazy("Contact person"),
                ),
                ObjectList(
                    [
                        FieldPanel("is_linked"),
                        FieldPanel("auto_acknowledge"),
                        MultiFieldPanel(
                            [FieldPanel("product_api"), FieldPanel("order_api"), FieldPanel("cs_api")],
                            heading=gettext_lazy("APIs"),
                        ),
                        MultiFieldPanel(
                            [
                                FieldPanel("stock_sync"),
                                FieldPanel("price_sync"),
                                FieldPanel("status_sync"),
                                FieldPanel("auto_extend_sale_period"),
                            ],
                            heading=gettext_lazy("Push to the channel"),
                        ),
                        MultiFieldPanel(
                            [
                                FieldRowPanel([FieldPanel("order_sync_minutes"), FieldPanel("claim_sync_minutes")]),
                                FieldRowPanel(
                                    [FieldPanel("inquiry_sync_minutes"), FieldPanel("settlement_sync_minutes")]
                                ),
                                FieldPanel("template_sync_minutes"),
                            ],
                            heading=gettext_lazy("Collection schedule"),
                        ),
                    ],
                    heading=gettext_lazy("Sync"),
                ),
            ],
            base_form_class=StoreForm,
        )
        return edit_handler.bind_to_model(self.model)

    def get_permissions_to_register(self):
        return Permission.objects.none()


class SyncRunIndexView(IndexView):
    def get_base_queryset(self):
        return sync_runs()


def _run_time(run):
    return localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S")


class SyncRunViewSet(ModelViewSet):
    model = SyncRun
    icon = "history"
    menu_label = gettext_lazy("Sync log")
    menu_name = "sync-log"
    menu_order = 110
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    exclude_form_fields = []
    index_view_class = SyncRunIndexView
    list_filter = ["kind", "status", "trigger", "store"]
    list_display = [
        Column("started_at", label=gettext_lazy("started"), accessor=_run_time),
        Column("store", label=gettext_lazy("store")),
        "kind",
        StatusTagColumn(
            "get_status_display", label=gettext_lazy("status"), primary=lambda r: r.status == SyncRun.Status.SUCCEEDED
        ),
        "fetched",
        "created",
        "updated",
        "flagged",
        Column("error_count", label=gettext_lazy("errors")),
        "message",
    ]
    inspect_view_fields = [
        "store",
        "kind",
        "trigger",
        "status",
        "window_start",
        "window_end",
        "started_at",
        "finished_at",
        "pages",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "flagged",
        "message",
    ]

    def get_permissions_to_register(self):
        return Permission.objects.none()


class ChannelsGroup(ViewSetGroup):
    menu_label = gettext_lazy("Sales channels")
    menu_name = "channels"
    menu_icon = "site"
    menu_order = 300
    items = (StoreViewSet("stores"), SyncRunViewSet("sync-runs"))


@hooks.register("register_admin_viewset")
def register_channels_group():
    return ChannelsGroup()


class FreshnessPanel(Component):
    """Per store: last success per kind, lag, next run, last error."""

    name = "channel_freshness"
    order = 20
    template_name = "channels/freshness_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["stores"] = store_freshness()
        context["can_collect"] = user_has_area_right(self.request.user, "channels", "edit")
        return context


@hooks.register("construct_homepage_panels")
def add_freshness_panel(request, panels):
    if user_has_area_right(request.user, "channels", "view"):
        panels.append(FreshnessPanel(request))


# Listings (채널상품) and the channel product migration register their own admin pieces.
from . import listing_hooks, migration_hooks  # noqa: E402,F401
