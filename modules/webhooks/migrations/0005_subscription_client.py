import django.db.models.deletion
from django.db import migrations, models


def drop_subscriptions_without_client(apps, schema_editor):
    # Only development data can have none: subscriptions existed before API clients for one day.
    apps.get_model("webhooks", "WebhookSubscription").objects.filter(client__isnull=True).delete()


# Non-null in 0006: on PostgreSQL an ALTER after the delete in the same transaction fails
# ("pending trigger events"), so the two steps are two migrations.
class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("webhooks", "0004_delivery_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhooksubscription",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="webhook_subscriptions",
                to="api.apiclient",
                verbose_name="API client",
            ),
        ),
        migrations.RunPython(drop_subscriptions_without_client, migrations.RunPython.noop),
    ]
