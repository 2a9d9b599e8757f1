from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from .selectors import system_health

# Wagtail's page tree and its help link mean nothing in an order admin.
HIDDEN_MAIN_MENU_ITEMS = {"explorer", "help", "documents"}


class SystemHealthPanel(Component):
    name = "system_health"
    order = 10
    template_name = "core/system_health_panel.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["checks"] = system_health()
        context["title"] = _("System health")
        return context


@hooks.register("construct_homepage_panels")
def dashboard_panels(request, panels):
    # Page-oriented panels (recent edits, moderation, locked pages) are replaced by ours.
    panels[:] = [SystemHealthPanel()]


@hooks.register("construct_homepage_summary_items")
def dashboard_summary_items(request, summary_items):
    summary_items[:] = []


@hooks.register("construct_main_menu")
def hide_page_menu_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MAIN_MENU_ITEMS]


@hooks.register("insert_global_admin_css")
def jangteo_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("jangteo/admin.css"))
