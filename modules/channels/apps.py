from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "modules.channels"
    label = "channels"
    verbose_name = _("Sales channels")

    def ready(self):
        from . import listing_excel

        listing_excel.register()
