import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def attribute_to_recorders(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Events recorded before attribution are the recording user's agency's."""
    event_model = apps.get_model("pathway", "PathwayEvent")
    user_model = apps.get_model("access", "User")
    event_model.objects.update(
        agency_id=models.Subquery(
            user_model.objects.filter(pk=models.OuterRef("recorded_by_id")).values("agency_id")[:1]
        )
    )
    # A recorder without an agency (none can record today): the authority keeps it.
    event_model.objects.filter(agency__isnull=True).update(agency_id=models.F("authority_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("pathway", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pathwayevent",
            name="agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.agency",
            ),
        ),
        migrations.RunPython(attribute_to_recorders, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pathwayevent",
            name="agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="access.agency"
            ),
        ),
    ]
