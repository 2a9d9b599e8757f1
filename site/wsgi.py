"""WSGI entry point: `gunicorn oms_site.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

from oms_site.env import exit_on_env_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms_site.settings.dev")

with exit_on_env_error():
    application = get_wsgi_application()
