"""manage.py stock_reconcile [--fix] [--pull]: recompute stock from the ledger and compare with the channels."""

from django.core.management.base import BaseCommand

from modules.inventory.models import ReconcileRun
from modules.inventory.reconcile import stock_reconcile


class Command(BaseCommand):
    help = "Recompute every stock level from the movement ledger, report drift, compare with the channels."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="set drifted levels back to the ledger's sums")
        parser.add_argument("--pull", action="store_true", help="pull each stock-synced store's listings first")

    def handle(self, *args, fix=False, pull=False, **options):
        run = stock_reconcile(trigger=ReconcileRun.Trigger.COMMAND, fix=fix, pull=pull)
        self.stdout.write(
            f"{run.levels_checked} levels checked, {run.drift_count} with drift"
            f"{' (corrected)' if run.fixed else ''}; {run.options_checked} channel options compared, "
            f"{run.channel_mismatches} differ"
        )
        for item in run.drift[:50]:
            self.stdout.write(
                f"  drift {item['sku']} @ {item['warehouse']}: {item['field']} level={item['level']} "
                f"ledger={item['ledger']}"
            )
        for item in run.mismatches[:50]:
            if "pull_error" in item:
                self.stdout.write(f"  pull failed: {item['pull_error']}")
            else:
                self.stdout.write(
                    f"  channel {item['store']} {item['listing']} {item['option']}: ours={item['ours']} "
                    f"channel={item['channel']}"
                )
        if run.drift_count and not fix:
            self.stderr.write("drift found: run with --fix to set the levels back to the ledger")
