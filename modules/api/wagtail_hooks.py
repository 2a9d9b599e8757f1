"""Admin of the Open API: clients (scopes, allowed IPs, rate), tokens (created only in a two-factor
session, shown once, revocable) and the call log, in one "Open API" menu group.

Rights: the settings area for clients and tokens (view to look, edit to change), the logs area's
view right for the call log, which is read-only.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy

from .forms import ApiClientForm, ApiTokenForm
from .models import ApiClient, ApiLogEntry, ApiToken
from .services import token_create, token_revoke

SUBMENU_HOOK = "register_api_menu_item"
AREA = "settings"
LOG_AREA = "logs"

register_permission_policy(ApiClient, AreaPermissionPolicy(ApiClient, area=AREA))
register_permission_policy(ApiToken, AreaPermissionPolicy(ApiToken, area=AREA))
register_permission_policy(ApiLogEntry, AreaPermissionPolicy(ApiLogEntry, area=LOG_AREA, read_only=True))


def _when(value):
    return localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class _ViewSet(ModelViewSet):
    copy_view_enabled = False
    search_backend_name = None
    inspect_view_enabled = False
    menu_hook = SUBMENU_HOOK
    exclude_form_fields = []

    def get_permissions_to_register(self):
        return Permission.objects.none()


# Clients ----------------------------------------------------------------------------------------------


class ClientCreateView(CreateView):
    def save_instance(self):
        client = self.form.save(commit=False)
        client.created_by = self.request.user
        client.save()
        return client


class ClientIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ActionMenuItem(
                _("Tokens"), url=reverse("api_tokens:index") + f"?client={instance.pk}", icon_name="key", priority=5
            )
        )
        buttons.append(
            ActionMenuItem(
                _("Call log"), url=reverse("api_log:index") + f"?client={instance.pk}", icon_name="list-ul", priority=6
            )
        )
        return buttons


class ClientViewSet(_ViewSet):
    model = ApiClient
    icon = "user"
    menu_label = gettext_lazy("API clients")
    menu_name = "api_clients"
    menu_order = 10
    add_view_class = ClientCreateView
    index_view_class = ClientIndexView
    search_fields = ["name", "description"]
    list_filter = ["is_active"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("scopes"),
            FieldPanel("allowed_ips"),
            FieldPanel("throttle_rate"),
            FieldPanel("is_active"),
        ],
        base_form_class=ApiClientForm,
    )
    list_display = [
        "name",
        Column("scopes", label=gettext_lazy("Scopes"), accessor=lambda c: ", ".join(c.scopes or []) or "-"),
        Column(
            "allowed_ips",
            label=gettext_lazy("Allowed IPs"),
            accessor=lambda c: ", ".join(c.allowed_ips.split()) or _("any"),
        ),
        Column("is_active", label=gettext_lazy("Active"), accessor=lambda c: _("Active") if c.is_active else _("Off")),
        Column("created_at", label=gettext_lazy("Created"), accessor=lambda c: _when(c.created_at)),
    ]


# Tokens -----------------------------------------------------------------------------------------------


class TokenCreateView(CreateView):
    """Only in a two-factor session; the key is rendered into the one response and stored hashed."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (hasattr(user, "is_verified") and user.is_verified()):
            return TemplateResponse(
                request, "api/needs_2fa.html", {"two_factor_url": reverse("accounts_two_factor")}, status=403
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if client := self.request.GET.get("client"):
            initial["client"] = client
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        self.new = token_create(
            client=data["client"], name=data["name"], expires_at=data.get("expires_at"), user=self.request.user
        )
        return self.new.token

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "api/token_created.html",
            {"token": self.new.token, "key": self.new.key, "back": reverse("api_tokens:index")},
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None and user_has_area_right(self.request.user, AREA, "edit"):
            buttons.append(
                ActionMenuItem(
                    _("Revoke"), url=reverse("api_token_revoke", args=[instance.pk]), icon_name="cross", priority=5
                )
            )
        return buttons


def _token_state(token):
    if token.revoked_at:
        return _("Revoked %(when)s") % {"when": _when(token.revoked_at)}
    if token.is_expired:
        return _("Expired")
    return _("Active")


class TokenViewSet(_ViewSet):
    model = ApiToken
    icon = "key"
    menu_label = gettext_lazy("API tokens")
    menu_name = "api_tokens"
    menu_order = 20
    add_view_class = TokenCreateView
    index_view_class = TokenIndexView
    edit_view_enabled = False
    delete_view_enabled = False
    search_fields = ["name", "prefix", "client__name"]
    list_filter = ["client"]
    edit_handler = ObjectList(
        [FieldPanel("client"), FieldPanel("name"), FieldPanel("expires_at")], base_form_class=ApiTokenForm
    )
    list_display = [
        Column("name", label=gettext_lazy("Name")),
        Column("client", label=gettext_lazy("API client"), accessor=lambda t: str(t.client)),
        Column("prefix", label=gettext_lazy("Token"), accessor=lambda t: f"jt_{t.prefix}_…"),
        Column("state", label=gettext_lazy("State"), accessor=_token_state),
        Column("expires_at", label=gettext_lazy("Expires"), accessor=lambda t: _when(t.expires_at)),
        Column("last_used_at", label=gettext_lazy("Last used"), accessor=lambda t: _when(t.last_used_at)),
        Column("created_at", label=gettext_lazy("Created"), accessor=lambda t: _when(t.created_at)),
    ]


@require_POST
def token_revoke_view(request, token_id: int):
    if not user_has_area_right(request.user, AREA, "edit"):
        raise PermissionDenied
    token = get_object_or_404(ApiToken, pk=token_id)
    token_revoke(token=token)
    messages.success(request, _("The token is revoked: calls with it now get 401 token_revoked."))
    return redirect("api_tokens:index")


def token_revoke_confirm(request, token_id: int):
    if request.method == "POST":
        return token_revoke_view(request, token_id)
    if not user_has_area_right(request.user, AREA, "edit"):
        raise PermissionDenied
    token = get_object_or_404(ApiToken.objects.select_related("client"), pk=token_id)
    return TemplateResponse(request, "api/revoke_confirm.html", {"token": token, "back": reverse("api_tokens:index")})


@hooks.register("register_admin_urls")
def register_api_urls():
    return [path("open-api/token/<int:token_id>/revoke/", token_revoke_confirm, name="api_token_revoke")]


# Call log ---------------------------------------------------------------------------------------------


class LogFilterSet(WagtailFilterSet):
    client = django_filters.ModelChoiceFilter(label=gettext_lazy("API client"), queryset=ApiClient.objects.all())
    status = django_filters.NumberFilter(label=gettext_lazy("Status"))
    method = django_filters.ChoiceFilter(
        label=gettext_lazy("Method"), choices=[(m, m) for m in ("GET", "POST", "PATCH", "PUT", "DELETE")]
    )
    path = django_filters.CharFilter(label=gettext_lazy("Path"), lookup_expr="startswith")
    request_id = django_filters.CharFilter(label=gettext_lazy("Request ID"))
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Time"), widget=DateRangePickerWidget)

    class Meta:
        model = ApiLogEntry
        fields = ["client", "status", "method", "path", "request_id", "created_at"]


class LogIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")


class LogViewSet(_ViewSet):
    model = ApiLogEntry
    icon = "list-ul"
    menu_label = gettext_lazy("API log")
    menu_name = "api_log"
    menu_order = 30
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    index_view_class = LogIndexView
    filterset_class = LogFilterSet
    list_per_page = 50
    list_display = [
        Column("created_at", label=gettext_lazy("Time"), accessor=lambda e: _when(e.created_at)),
        Column("client", label=gettext_lazy("API client"), accessor=lambda e: str(e.client) if e.client else "-"),
        Column("method", label=gettext_lazy("Method")),
        Column("path", label=gettext_lazy("Path")),
        Column("status", label=gettext_lazy("Status")),
        Column("error_code", label=gettext_lazy("Error code"), accessor=lambda e: e.error_code or "-"),
        Column("latency_ms", label=gettext_lazy("Latency (ms)")),
        Column("request_id", label=gettext_lazy("Request ID")),
        Column("ip", label=gettext_lazy("IP"), accessor=lambda e: e.ip or "-"),
    ]
    list_export = ["created_at", "client", "method", "path", "status", "error_code", "latency_ms", "request_id", "ip"]


class ApiGroup(ViewSetGroup):
    submenu_hook = SUBMENU_HOOK
    menu_label = gettext_lazy("Open API")
    menu_name = "open_api"
    menu_icon = "code"
    menu_order = 850
    items = (
        ClientViewSet("api_clients", url_prefix="open-api/clients"),
        TokenViewSet("api_tokens", url_prefix="open-api/tokens"),
        LogViewSet("api_log", url_prefix="open-api/log"),
    )


@hooks.register("register_admin_viewset")
def register_api_group():
    return ApiGroup()
