"""Admin wiring of the webhooks: subscriptions (secret shown once on create or rotation) and the
deliveries with their attempts and a redeliver button, in their own "Webhooks" menu group.

Rights: the settings area's view right to look, its edit right to change subscriptions,
redeliver and make new secrets (AreaPermissionPolicy); deliveries are read-only records.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy
from modules.api.models import ApiClient

from . import selectors, views
from .forms import SubscriptionForm
from .models import DeliveryStatus, EventType, WebhookDelivery, WebhookSubscription
from .services import subscription_create, subscription_update

WEBHOOKS_SUBMENU_HOOK = "register_webhooks_menu_item"
AREA = views.AREA

register_permission_policy(WebhookSubscription, AreaPermissionPolicy(WebhookSubscription, area=AREA))
register_permission_policy(WebhookDelivery, AreaPermissionPolicy(WebhookDelivery, area=AREA, read_only=True))


@hooks.register("register_admin_urls")
def register_webhook_urls():
    return [
        path("webhooks/delivery/<int:delivery_id>/", views.delivery_page, name="webhooks_delivery"),
        path(
            "webhooks/delivery/<int:delivery_id>/redeliver/",
            views.delivery_redeliver_view,
            name="webhooks_delivery_redeliver",
        ),
        path(
            "webhooks/subscription/<int:subscription_id>/rotate/",
            views.subscription_rotate_view,
            name="webhooks_subscription_rotate",
        ),
    ]


class _AreaViewSet(ModelViewSet):
    copy_view_enabled = False
    search_backend_name = None
    inspect_view_enabled = False
    menu_hook = WEBHOOKS_SUBMENU_HOOK
    exclude_form_fields = []

    def get_permissions_to_register(self):
        return Permission.objects.none()


# Subscriptions -------------------------------------------------------------------------------------


class SubscriptionCreateView(CreateView):
    def save_instance(self):
        subscription, self.secret = subscription_create(subscription=self.form.instance, user=self.request.user)
        return subscription

    def save_action(self):
        # No redirect: the secret is rendered into this one response and never shown again.
        return views.secret_page(self.request, subscription=self.object, secret=self.secret)


class SubscriptionEditView(EditView):
    def save_instance(self):
        return subscription_update(subscription=self.form.instance)


class SubscriptionIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.subscription_list()

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ActionMenuItem(
                _("Deliveries"),
                url=reverse("webhook_deliveries:index") + f"?subscription={instance.pk}",
                icon_name="list-ul",
                priority=5,
            )
        )
        if user_has_area_right(self.request.user, AREA, "edit"):
            buttons.append(
                ActionMenuItem(
                    _("New secret"),
                    url=reverse("webhooks_subscription_rotate", args=[instance.pk]),
                    icon_name="key",
                    priority=6,
                )
            )
        return buttons


EVENT_LABELS = dict(EventType.choices)


def _events_cell(subscription):
    return ", ".join(str(EVENT_LABELS.get(event, event)) for event in subscription.events or [])


def _active_cell(subscription):
    return _("Active") if subscription.is_active else _("Inactive")


def _counts_cell(subscription):
    if not (subscription.open_count or subscription.gave_up_count):
        return "-"
    return format_html("{} {} · {} {}", subscription.open_count, _("open"), subscription.gave_up_count, _("gave up"))


class SubscriptionViewSet(_AreaViewSet):
    model = WebhookSubscription
    icon = "link"
    menu_label = gettext_lazy("Subscriptions")
    menu_name = "webhook_subscriptions"
    menu_order = 10
    index_view_class = SubscriptionIndexView
    add_view_class = SubscriptionCreateView
    edit_view_class = SubscriptionEditView
    search_fields = ["name", "url", "client__name"]
    list_filter = ["is_active", "client"]
    edit_handler = ObjectList(
        [FieldPanel("client"), FieldPanel("name"), FieldPanel("url"), FieldPanel("events"), FieldPanel("is_active")],
        base_form_class=SubscriptionForm,
    )
    list_display = [
        Column("url", label=gettext_lazy("Endpoint"), accessor=lambda s: s.name or s.url),
        Column("client", label=gettext_lazy("API client"), accessor=lambda s: str(s.client)),
        Column("events", label=gettext_lazy("Events"), accessor=_events_cell),
        Column("is_active", label=gettext_lazy("Active"), accessor=_active_cell),
        Column("secret", label=gettext_lazy("Secret"), accessor=lambda s: s.secret_hint),
        Column("deliveries", label=gettext_lazy("Deliveries"), accessor=_counts_cell),
    ]


# Deliveries ----------------------------------------------------------------------------------------


class DeliveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=DeliveryStatus.choices)
    event_type = django_filters.ChoiceFilter(label=gettext_lazy("Event"), choices=EventType.choices)
    subscription = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Subscription"), queryset=WebhookSubscription.objects.order_by("id")
    )
    client = django_filters.ModelChoiceFilter(
        label=gettext_lazy("API client"), queryset=ApiClient.objects.order_by("name"), field_name="subscription__client"
    )
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Created"), widget=DateRangePickerWidget)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event_type", "client", "subscription", "created_at"]


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.delivery_list()

    def get_edit_url(self, instance):
        return reverse("webhooks_delivery", args=[instance.pk])


STATUS_CSS = {
    DeliveryStatus.SUCCEEDED: "w-status w-status--primary",
    DeliveryStatus.FAILED: "w-status w-status--label",
    DeliveryStatus.GAVE_UP: "w-status w-status--label",
}


def _when(value):
    return localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _status_cell(delivery):
    return format_html(
        '<span class="{}">{}</span>', STATUS_CSS.get(delivery.status, "w-status"), delivery.get_status_display()
    )


def _answer_cell(delivery):
    if delivery.last_status_code:
        return format_html("<code>{}</code>", delivery.last_status_code)
    return delivery.last_error[:80] or "-"


class DeliveryViewSet(_AreaViewSet):
    model = WebhookDelivery
    icon = "resubmit"
    menu_label = gettext_lazy("Deliveries")
    menu_name = "webhook_deliveries"
    menu_order = 20
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    index_view_class = DeliveryIndexView
    filterset_class = DeliveryFilterSet
    list_per_page = 50
    list_display = [
        Column("event_type", label=gettext_lazy("Event"), accessor="get_event_type_display"),
        Column(
            "subscription",
            label=gettext_lazy("Subscription"),
            accessor=lambda d: f"{d.subscription.client} · {d.subscription}",
        ),
        Column("status", label=gettext_lazy("Status"), accessor=_status_cell),
        Column("attempt_count", label=gettext_lazy("Attempts")),
        Column("answer", label=gettext_lazy("Last answer"), accessor=_answer_cell),
        Column("last_attempt_at", label=gettext_lazy("Last attempt"), accessor=lambda d: _when(d.last_attempt_at)),
        Column("next_attempt_at", label=gettext_lazy("Next attempt"), accessor=lambda d: _when(d.next_attempt_at)),
        Column("created_at", label=gettext_lazy("Created"), accessor=lambda d: _when(d.created_at)),
    ]


class WebhooksGroup(ViewSetGroup):
    submenu_hook = WEBHOOKS_SUBMENU_HOOK
    menu_label = gettext_lazy("Webhooks")
    menu_name = "webhooks"
    menu_icon = "resubmit"
    menu_order = 860
    items = (
        SubscriptionViewSet("webhook_subscriptions", url_prefix="webhooks/subscriptions"),
        DeliveryViewSet("webhook_deliveries", url_prefix="webhooks/deliveries"),
    )


@hooks.register("register_admin_viewset")
def register_webhooks_group():
    return WebhooksGroup()
