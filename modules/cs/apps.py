from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsConfig(AppConfig):
    name = "modules.cs"
    label = "cs"
    verbose_name = _("Customer service")
