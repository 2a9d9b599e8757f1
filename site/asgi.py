"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from oms_site.env import exit_on_env_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms_site.settings.dev")

with exit_on_env_error():
    application = get_asgi_application()
