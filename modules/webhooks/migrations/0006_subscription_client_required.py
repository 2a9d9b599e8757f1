import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0005_subscription_client")]

    operations = [
        migrations.AlterField(
            model_name="webhooksubscription",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="webhook_subscriptions",
                to="api.apiclient",
                verbose_name="API client",
            ),
        ),
    ]
