"""Admin pieces: personal data of orders.

- /admin/orders/<id>/personal-data/: the order's personal data in full after a reason (pii_views).
- Two read-only lists in the "Logs" menu group (modules.accounts): personal data views, and the
  retention runs. They join the group through its submenu hook ``register_logs_menu_item``.
"""

import django_filters
from django.urls import path
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.permissions import register_permission_policy

from modules.accounts.permissions import AreaPermissionPolicy
from modules.accounts.wagtail_hooks import _ReadOnlyLogViewSet

from . import pii_views
from .pii import PERSONAL_FIELDS, personal_field_labels, pii_reveals, retention_runs
from .pii_models import PersonalDataReveal, RetentionRun

LOGS_SUBMENU_HOOK = "register_logs_menu_item"

register_permission_policy(
    PersonalDataReveal, AreaPermissionPolicy(PersonalDataReveal, area="logs", read_only=True)
)
register_permission_policy(RetentionRun, AreaPermissionPolicy(RetentionRun, area="logs", read_only=True))


@hooks.register("register_admin_urls")
def register_pii_urls():
    return [
        path(
            "orders/<int:order_id>/personal-data/",
            pii_views.order_personal_data,
            name="orders_personal_data",
        ),
    ]


def _exact(field, fmt="%Y-%m-%d %H:%M:%S"):
    # Logs are evidence: the exact local time, not "2 hours ago".
    return lambda row: localtime(getattr(row, field)).strftime(fmt) if getattr(row, field) else ""


def _field_labels(reveal: PersonalDataReveal) -> str:
    if set(reveal.fields or []) == set(PERSONAL_FIELDS):
        return gettext("All")
    labels = personal_field_labels()
    return ", ".join(str(labels.get(name, name)) for name in reveal.fields or [])


def _reveal_usernames():
    return [
        (name, name)
        for name in PersonalDataReveal.objects.order_by("username").values_list("username", flat=True).distinct()
    ]


class PersonalDataRevealFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)
    username = django_filters.ChoiceFilter(label=gettext_lazy("User"), choices=_reveal_usernames)
    order_number = django_filters.CharFilter(label=gettext_lazy("Channel order number"), lookup_expr="exact")

    class Meta:
        model = PersonalDataReveal
        fields = ["created_at", "username", "order_number"]


class RetentionRunFilterSet(WagtailFilterSet):
    started_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)
    dry_run = django_filters.BooleanFilter(label=gettext_lazy("Dry run"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=RetentionRun.Status.choices)

    class Meta:
        model = RetentionRun
        fields = ["started_at", "dry_run", "status"]


class _LogViewSet(_ReadOnlyLogViewSet):
    """The read-only log lists of the Logs group (the area policy refuses add/change/delete), joining
    it through its submenu hook."""

    menu_hook = LOGS_SUBMENU_HOOK


class PersonalDataRevealIndexView(IndexView):
    def get_base_queryset(self):
        return pii_reveals()


class RetentionRunIndexView(IndexView):
    def get_base_queryset(self):
        return retention_runs()


class PersonalDataRevealViewSet(_LogViewSet):
    model = PersonalDataReveal
    icon = "view"
    menu_label = gettext_lazy("Personal data views")
    menu_name = "personal-data-views"
    menu_order = 130
    index_view_class = PersonalDataRevealIndexView
    filterset_class = PersonalDataRevealFilterSet
    search_fields = ["username", "order_number", "reason"]
    list_display = [
        Column("created_at", label=gettext_lazy("time"), accessor=_exact("created_at")),
        "username",
        "store_name",
        "order_number",
        Column("fields", label=gettext_lazy("fields shown"), accessor=_field_labels),
        "reason",
        "ip",
    ]
    inspect_view_fields = ["created_at", "username", "store_name", "order_number", "fields", "reason", "ip"]


class RetentionRunViewSet(_LogViewSet):
    model = RetentionRun
    icon = "calendar-alt"
    menu_label = gettext_lazy("Personal data retention")
    menu_name = "personal-data-retention"
    menu_order = 140
    index_view_class = RetentionRunIndexView
    filterset_class = RetentionRunFilterSet
    list_display = [
        Column("started_at", label=gettext_lazy("started at"), accessor=_exact("started_at", "%Y-%m-%d %H:%M")),
        Column("trigger", label=gettext_lazy("started by"), accessor="get_trigger_display"),
        BooleanColumn("dry_run", label=gettext_lazy("dry run")),
        Column("months", label=gettext_lazy("months")),
        Column("cutoff", label=gettext_lazy("closed before"), accessor=_exact("cutoff", "%Y-%m-%d")),
        Column("orders_masked", label=gettext_lazy("orders")),
        Column("events_masked", label=gettext_lazy("history")),
        Column("lines_cleaned", label=gettext_lazy("order lines")),
        Column("claims_cleaned", label=gettext_lazy("claims")),
        StatusTagColumn(
            "status",
            label=gettext_lazy("status"),
            accessor="get_status_display",
            primary=lambda run: run.status == RetentionRun.Status.DONE,
        ),
    ]
    inspect_view_fields = [
        "started_at",
        "finished_at",
        "trigger",
        "dry_run",
        "months",
        "cutoff",
        "status",
        "orders_masked",
        "events_masked",
        "lines_cleaned",
        "claims_cleaned",
        "message",
    ]


@hooks.register("register_admin_viewset")
def register_pii_log_viewsets():
    return [
        PersonalDataRevealViewSet("personal-data-views", url_prefix="logs/personal-data-views"),
        RetentionRunViewSet("personal-data-retention", url_prefix="logs/personal-data-retention"),
    ]
