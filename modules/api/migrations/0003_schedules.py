from django.db import migrations
from django.utils import timezone

SCHEDULES = {
    # 03:40 Asia/Seoul: API log rows past the retention and idempotency keys past 24 hours.
    "api.cleanup": {"func": "modules.api.tasks.api_cleanup_task", "schedule_type": "C", "cron": "40 3 * * *"},
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, fields in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults={**fields, "repeats": -1, "next_run": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_log_idempotency"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
