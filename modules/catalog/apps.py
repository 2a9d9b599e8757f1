from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "modules.catalog"
    label = "catalog"
    verbose_name = _("Products")

    def ready(self) -> None:
        # The SKU product list of the Excel engine: its real columns and the bulk register / edit importer.
        from .excel import register

        register()
