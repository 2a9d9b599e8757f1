from django.core.management.base import BaseCommand, CommandError

from modules.orders.pii import personal_data_mask, retention_summary
from modules.orders.pii_models import RetentionRun


class Command(BaseCommand):
    help = (
        "Mask the buyer/receiver data of orders closed longer than the retention period "
        "(company settings), as the daily task does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be masked; change nothing.")
        parser.add_argument(
            "--months", type=int, default=None, help="Retention in months instead of the company setting."
        )

    def handle(self, *args, dry_run=False, months=None, **options):
        if months is not None and months < 1:
            raise CommandError("--months must be at least 1.")
        run = personal_data_mask(months=months, dry_run=dry_run, trigger=RetentionRun.Trigger.COMMAND)
        self.stdout.write(retention_summary(run))
