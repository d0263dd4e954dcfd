from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_networks"),
    ]

    operations = [
        migrations.AddField(
            model_name="clustermember",
            name="reason",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
