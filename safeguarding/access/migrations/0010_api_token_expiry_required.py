from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("access", "0009_api_tokens_without_expiry_expire")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
