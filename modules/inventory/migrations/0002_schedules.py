from django.db import migrations
from django.utils import timezone

SCHEDULES = {
    # 04:30 Asia/Seoul: stock recomputed from the ledger and compared with the channels, before work starts.
    "inventory.reconcile": {"func": "modules.inventory.tasks.stock_reconcile", "schedule_type": "C",
                            "cron": "30 4 * * *"},
    # A safety net under the debounced one-off run: marked SKUs are pushed within 5 minutes even if
    # the one-off schedule was lost (a worker stopped between the commit and the schedule).
    "inventory.allocation_sweep": {"func": "modules.inventory.tasks.allocation_refresh_dirty", "schedule_type": "I",
                                   "minutes": 5},
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, fields in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults={**fields, "repeats": -1, "next_run": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
