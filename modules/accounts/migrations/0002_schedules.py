from django.db import migrations
from django.utils import timezone


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="accounts.purge_expired_logs",
        defaults={
            "func": "modules.accounts.tasks.purge_expired_logs",
            "schedule_type": "C",
            "cron": "30 3 * * *",  # 03:30 Asia/Seoul, when nobody works in the admin
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="accounts.purge_expired_logs").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
