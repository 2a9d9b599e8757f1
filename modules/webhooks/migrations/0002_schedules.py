from django.db import migrations
from django.utils import timezone

SCHEDULES = {
    # New orders, order state moves, claims and stock movements become events and are posted; the
    # task stays within a minute (scan and send budgets), so runs do not pile up.
    "webhooks.scan_and_send": {"func": "modules.webhooks.tasks.webhooks_scan_and_send", "schedule_type": "I",
                               "minutes": 1},
    # 05:10 Asia/Seoul: events past the retention period go, with their deliveries and attempts.
    "webhooks.purge": {"func": "modules.webhooks.tasks.webhooks_purge", "schedule_type": "C", "cron": "10 5 * * *"},
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, fields in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults={**fields, "repeats": -1, "next_run": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
