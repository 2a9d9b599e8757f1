from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from integrations.sandbox.control import control
from modules.channels.adapters import base_url_for
from modules.channels.models import Store


class Command(BaseCommand):
    help = (
        "Script the running marketplace sandbox behind a store: create orders, a claim or an inquiry, "
        "set fault knobs, or show its state. Example: manage.py sandbox orders --store 1 --count 20"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["orders", "claim", "inquiry", "faults", "state"])
        parser.add_argument("--store", type=int, help="store id (default: every store pointing at a sandbox)")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--kind", default="cancel", choices=["cancel", "return", "exchange"])
        parser.add_argument("--rate-429", type=float)
        parser.add_argument("--rate-500", type=float)
        parser.add_argument("--latency-ms", type=int)
        parser.add_argument("--repeat-rate", type=float)

    def handle(self, *args, action, store, count, kind, **options):
        stores = Store.objects.filter(pk=store) if store else Store.objects.filter(api_base_url__contains="127.0.0.1")
        if not stores:
            raise CommandError(_("No store points at a sandbox (api base URL on 127.0.0.1)."))
        for item in stores:
            url = base_url_for(item)
            if action == "orders":
                result = control(url, "orders", {"count": count})
            elif action == "claim":
                result = control(url, "claims", {"kind": kind})
            elif action == "inquiry":
                result = control(url, "inquiries", {})
            elif action == "faults":
                knobs = {
                    name: options[name]
                    for name in ("rate_429", "rate_500", "latency_ms", "repeat_rate")
                    if options.get(name) is not None
                }
                result = control(url, "faults", knobs)
            else:
                result = control(url, "state", method="GET")
            self.stdout.write(f"{item}: {result}")
