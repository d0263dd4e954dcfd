"""Put back the append-only triggers on SQLite databases that lost them.

An earlier form of migration 0006 altered the verb column in the database, which made
SQLite rebuild the audit table without its triggers. This recreates them where missing;
PostgreSQL never lost its triggers (it alters columns in place) and is left alone.
"""

from importlib import import_module

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The statements of migration 0002, whose module name is not an identifier.
SQLITE_FORWARD: list[str] = import_module(
    "safeguarding.audit.migrations.0002_append_only_triggers"
).SQLITE_FORWARD


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(
                statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
            )


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_vocabulary_without_migrations")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
