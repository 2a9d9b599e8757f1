from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "modules.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # The order list of the Excel engine: its real columns and the status-change importer.
        from .excel import register

        register()
