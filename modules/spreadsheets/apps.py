from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "modules.spreadsheets"
    label = "spreadsheets"
    verbose_name = _("Excel layouts and uploads")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The four built-in kinds register on import of the registry.
        from . import layouts  # noqa: F401
