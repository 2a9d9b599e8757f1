"""Admin for channel product migration (상품 가져오기 from a channel's Excel export).

The menu item goes into the "Channel products" group, which collects extra items through its
``submenu_hook``.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from modules.accounts.areas import user_has_area_right

from . import migration_views
from .listing_hooks import LISTINGS_SUBMENU_HOOK


@hooks.register("register_admin_urls")
def register_migration_urls():
    return [
        path("channels/migration/", migration_views.migration_upload, name="channels_migration"),
        path(
            "channels/migration/<str:token>/",
            migration_views.migration_preview_view,
            name="channels_migration_preview",
        ),
        path(
            "channels/migration/<str:token>/result/",
            migration_views.migration_result_view,
            name="channels_migration_result",
        ),
    ]


class MigrationMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_area_right(request.user, "products", "edit")


@hooks.register(LISTINGS_SUBMENU_HOOK)
def register_migration_menu_item():
    return MigrationMenuItem(
        gettext_lazy("Import channel products"),
        reverse("channels_migration"),
        icon_name="upload",
        name="channel-product-migration",
        order=900,
    )
