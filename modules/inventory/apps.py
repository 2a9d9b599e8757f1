from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "modules.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        # The Excel engine's stock kinds: inbound and adjustment uploads, the stock download.
        from .excel import register

        register()
