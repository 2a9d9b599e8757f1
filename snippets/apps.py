from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SnippetsConfig(AppConfig):
    """Wagtail snippets for configurable templates (delivery, address, Excel and label layouts…)."""

    name = "snippets"
    label = "snippets"
    verbose_name = _("Templates")
