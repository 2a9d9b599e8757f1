"""Admin wiring: the layouts snippet (settings), the import screens, the personal-data download log."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy

from . import views
from .layouts import all_kinds
from .models import ExcelLayout, PersonalDataDownload
from .services import layout_make_sole_default

register_permission_policy(ExcelLayout, AreaPermissionPolicy(ExcelLayout, area="settings"))
register_permission_policy(
    PersonalDataDownload, AreaPermissionPolicy(PersonalDataDownload, area="logs", read_only=True)
)


@hooks.register("register_admin_urls")
def register_spreadsheet_urls():
    return [
        path("spreadsheets/import/", views.import_index, name="spreadsheets_import_index"),
        path("spreadsheets/import/<slug:kind>/", views.import_upload, name="spreadsheets_import"),
        path("spreadsheets/import/<slug:kind>/template/", views.import_template, name="spreadsheets_import_template"),
        path("spreadsheets/jobs/<int:job_id>/", views.import_job_detail, name="spreadsheets_import_job"),
        path(
            "spreadsheets/jobs/<int:job_id>/confirm/", views.import_job_confirm_view, name="spreadsheets_import_confirm"
        ),
        path("spreadsheets/jobs/<int:job_id>/cancel/", views.import_job_cancel_view, name="spreadsheets_import_cancel"),
        path(
            "spreadsheets/jobs/<int:job_id>/progress/",
            views.import_job_progress_view,
            name="spreadsheets_import_progress",
        ),
        path(
            "spreadsheets/jobs/<int:job_id>/errors/",
            views.import_job_errors_download,
            name="spreadsheets_import_errors",
        ),
    ]


# Excel layouts (환경설정 > 엑셀 양식) ------------------------------------------------------------


class _DefaultLayoutMixin:
    """Saving a layout as the default takes the mark off the kind's previous default."""

    def save_instance(self):
        instance = super().save_instance()
        layout_make_sole_default(layout=instance)
        return instance


class ExcelLayoutCreateView(_DefaultLayoutMixin, CreateView):
    pass


class ExcelLayoutEditView(_DefaultLayoutMixin, EditView):
    pass


class ExcelLayoutViewSet(SnippetViewSet):
    model = ExcelLayout
    icon = "table"
    menu_label = gettext_lazy("Excel layouts")
    menu_name = "excel-layouts"
    add_to_settings_menu = True
    menu_order = 640
    list_display = ["name", "kind", "is_default", "updated_at"]
    list_filter = ["kind", "is_default"]
    search_fields = ["name"]
    search_backend_name = None
    add_view_class = ExcelLayoutCreateView
    edit_view_class = ExcelLayoutEditView

    def get_permissions_to_register(self):
        return Permission.objects.none()


register_snippet(ExcelLayoutViewSet)


# Excel uploads ------------------------------------------------------------------------------


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return any(
            spec.importer is not None and user_has_area_right(request.user, spec.area, "view") for spec in all_kinds()
        )


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Excel uploads"),
        reverse("spreadsheets_import_index"),
        icon_name="upload",
        order=880,
        name="excel-uploads",
    )


# Personal data download log (로그관리) --------------------------------------------------------


def _exact_time(log):
    return localtime(log.created_at).strftime("%Y-%m-%d %H:%M:%S")


class PersonalDataDownloadViewSet(ModelViewSet):
    """Read-only: rows open in the inspect view. Listed in the "Logs" menu group (modules.accounts)."""

    model = PersonalDataDownload
    icon = "download"
    menu_label = gettext_lazy("Personal data downloads")
    menu_name = "personal-data-downloads"
    menu_order = 120
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    list_per_page = 50
    exclude_form_fields = []
    list_display = [
        Column("created_at", label=gettext_lazy("time"), accessor=_exact_time),
        "username",
        "kind",
        "layout_name",
        "rows",
        "reason",
        "ip",
    ]
    list_filter = ["kind"]
    search_fields = ["username", "reason", "description", "layout_name"]
    inspect_view_fields = [
        "created_at",
        "username",
        "kind",
        "layout_name",
        "description",
        "personal_fields",
        "file_format",
        "rows",
        "reason",
        "ip",
    ]

    def get_permissions_to_register(self):
        return Permission.objects.none()
