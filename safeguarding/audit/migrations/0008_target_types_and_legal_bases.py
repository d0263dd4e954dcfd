from django.db import migrations

import safeguarding.vocabulary


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_restore_sqlite_triggers"),
    ]

    # Target types and legal bases become closed vocabularies (audit/vocabulary.py). The
    # columns are unchanged (still varchar), so only Django's state changes: altering them in
    # the database would make SQLite rebuild the table, dropping the audit log's triggers.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="target_type",
                    field=safeguarding.vocabulary.VocabularyField(blank=True, max_length=40),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="legal_basis",
                    field=safeguarding.vocabulary.VocabularyField(blank=True, max_length=200),
                ),
            ],
            database_operations=[],
        ),
    ]
