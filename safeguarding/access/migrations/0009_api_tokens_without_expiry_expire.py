"""Tokens issued before an expiry was required have none: each is given one, 90 days from
the day this migration runs, so that the systems using them keep working while their
administrators issue replacements (docs/operators/api-tokens.md)."""

from datetime import timedelta

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

# How long a token without an expiry goes on working after the upgrade.
GRACE_DAYS = 90


def give_every_token_an_expiry(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    api_token = apps.get_model("access", "ApiToken")
    api_token.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=GRACE_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("access", "0008_break_glass_reviews")]

    # Nothing to undo: the field still allows an empty expiry until the next migration.
    operations = [migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop)]
