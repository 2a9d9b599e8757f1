from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from . import views
from .areas import user_has_area_right
from .filters import AccessLogFilterSet, LoginLogFilterSet
from .forms import AllowedIPForm
from .group_panel import AreaRightsForm
from .models import AccessLog, AllowedIP, LoginLog
from .net import client_ip
from .permissions import AreaPermissionPolicy
from .selectors import access_logs, login_logs
from .services import allowed_ip_would_lock_out, allowed_ips_changed

register_permission_policy(AllowedIP, AreaPermissionPolicy(AllowedIP, area="settings"))
register_permission_policy(AccessLog, AreaPermissionPolicy(AccessLog, area="logs", read_only=True))
register_permission_policy(LoginLog, AreaPermissionPolicy(LoginLog, area="logs", read_only=True))


@hooks.register("register_group_permission_panel")
def register_area_rights_panel():
    return AreaRightsForm


@hooks.register("register_admin_urls")
def register_account_urls():
    return [
        path("account/two-factor/", views.two_factor, name="accounts_two_factor"),
        path("security/accounts/", views.account_security, name="accounts_security"),
        path("security/accounts/<int:user_id>/unlock/", views.account_unlock_view, name="accounts_unlock"),
        path(
            "security/accounts/<int:user_id>/reset-2fa/",
            views.two_factor_reset_view,
            name="accounts_two_factor_reset",
        ),
    ]


@hooks.register("register_account_menu_item")
def register_two_factor_account_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": _("Two-factor login"),
        "help_text": _("Set up the authenticator app and backup codes for signing in."),
    }


class SecurityMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_area_right(request.user, "settings", "edit")


@hooks.register("register_settings_menu_item")
def register_security_menu_item():
    return SecurityMenuItem(
        gettext_lazy("Account security"),
        reverse("accounts_security"),
        icon_name="lock",
        order=610,
        name="account-security",
    )


# Allowed IPs -------------------------------------------------------------------------------


class _AllowedIPFormMixin:
    """Gives the form the client's address and the rest of the list, to catch self-lockout."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        others = AllowedIP.objects.all()
        if getattr(self, "object", None) is not None and self.object.pk:
            others = others.exclude(pk=self.object.pk)
        kwargs["client_ip"] = client_ip(self.request)
        kwargs["other_networks"] = [item.as_network() for item in others]
        kwargs.pop("for_user", None)
        return kwargs

    def save_instance(self):
        instance = super().save_instance()
        transaction.on_commit(allowed_ips_changed)
        return instance


class AllowedIPIndexView(IndexView):
    def get_base_queryset(self):
        return AllowedIP.objects.select_related("created_by")


class AllowedIPCreateView(_AllowedIPFormMixin, CreateView):
    pass


class AllowedIPEditView(_AllowedIPFormMixin, EditView):
    pass


class AllowedIPDeleteView(DeleteView):
    template_name = "accounts/allowedip_confirm_delete.html"

    def _would_lock_out(self) -> bool:
        remaining = [ip.as_network() for ip in AllowedIP.objects.exclude(pk=self.object.pk)]
        return allowed_ip_would_lock_out(address=client_ip(self.request), networks_after=remaining)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockout_warning"] = self._would_lock_out()
        context["client_ip"] = client_ip(self.request)
        return context

    def form_valid(self, form):
        if self._would_lock_out() and not self.request.POST.get("confirm_lockout"):
            messages.error(self.request, _("Tick the box to confirm that your own address will be blocked."))
            return redirect(self.get_delete_url())
        return super().form_valid(form)

    def delete_action(self):
        with transaction.atomic():
            super().delete_action()
            transaction.on_commit(allowed_ips_changed)


class _AreaViewSet(ModelViewSet):
    """Access comes from the menu rights panel, so the model's own permissions stay off the group page."""

    def get_permissions_to_register(self):
        return Permission.objects.none()


class AllowedIPViewSet(_AreaViewSet):
    model = AllowedIP
    icon = "globe"
    menu_label = gettext_lazy("Allowed IPs")
    menu_name = "allowed-ips"  # stable whatever the language (a slug of the label is not)
    add_to_settings_menu = True
    menu_order = 620
    form_fields = ["network", "memo"]
    list_display = ["network", "memo", Column("created_by", label=gettext_lazy("added by")), "created_at"]
    search_fields = ["network", "memo"]
    search_backend_name = None
    copy_view_enabled = False
    index_view_class = AllowedIPIndexView
    add_view_class = AllowedIPCreateView
    edit_view_class = AllowedIPEditView
    delete_view_class = AllowedIPDeleteView

    def get_form_class(self, for_update=False):
        return AllowedIPForm


@hooks.register("register_admin_viewset")
def register_allowed_ip_viewset():
    return AllowedIPViewSet("allowed-ips")


# Logs ------------------------------------------------------------------------------------


def _exact_time_column():
    # Logs are evidence: show the exact local time, not "2 hours ago".
    return Column(
        "created_at",
        label=gettext_lazy("time"),
        accessor=lambda log: localtime(log.created_at).strftime("%Y-%m-%d %H:%M:%S"),
    )


class _ReadOnlyLogViewSet(_AreaViewSet):
    """Read-only lists: no add/edit/delete, rows open in the inspect view."""

    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    list_per_page = 50
    exclude_form_fields = []


class AccessLogIndexView(IndexView):
    def get_base_queryset(self):
        return access_logs()


class LoginLogIndexView(IndexView):
    def get_base_queryset(self):
        return login_logs()


class AccessLogViewSet(_ReadOnlyLogViewSet):
    model = AccessLog
    icon = "list-ul"
    menu_label = gettext_lazy("Admin access log")
    menu_name = "access-log"
    menu_order = 100
    list_display = [
        _exact_time_column(),
        "username",
        "method",
        "path",
        "status",
        "ip",
    ]
    filterset_class = AccessLogFilterSet
    search_fields = ["path", "username"]
    inspect_view_fields = ["created_at", "username", "method", "path", "status", "ip"]
    index_view_class = AccessLogIndexView


class LoginLogViewSet(_ReadOnlyLogViewSet):
    model = LoginLog
    icon = "key"
    menu_label = gettext_lazy("Login log")
    menu_name = "login-log"
    menu_order = 110
    list_display = [
        _exact_time_column(),
        "username",
        StatusTagColumn(
            "get_reason_display",
            label=gettext_lazy("result"),
            primary=lambda log: log.success,
        ),
        "ip",
        "note",
    ]
    filterset_class = LoginLogFilterSet
    search_fields = ["username", "ip"]
    inspect_view_fields = ["created_at", "username", "success", "reason", "ip", "user_agent", "note"]
    index_view_class = LoginLogIndexView


def _personal_data_downloads():
    # The personal-data download log belongs to the Excel engine; it is listed with the other logs.
    from modules.spreadsheets.wagtail_hooks import PersonalDataDownloadViewSet

    return PersonalDataDownloadViewSet("personal-data-downloads")


class LogsGroup(ViewSetGroup):
    submenu_hook = "register_logs_menu_item"  # other modules add their logs (e.g. personal data views)
    menu_label = gettext_lazy("Logs")
    menu_name = "logs"
    menu_icon = "history"
    menu_order = 900
    items = (AccessLogViewSet("access-log"), LoginLogViewSet("login-log"), _personal_data_downloads())


@hooks.register("register_admin_viewset")
def register_logs_group():
    return LogsGroup()

