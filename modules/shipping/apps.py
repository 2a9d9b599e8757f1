from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "modules.shipping"
    label = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        # The invoice target list of the Excel engine: its real columns and the invoice importer.
        from .excel import register

        register()
