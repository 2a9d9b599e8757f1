#!/usr/bin/env python
"""Django's command-line utility for Jangteo (settings package: oms_site, the folder site/)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms_site.settings.dev")
    from django.core.management import execute_from_command_line

    from oms_site.env import exit_on_env_error

    with exit_on_env_error():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
