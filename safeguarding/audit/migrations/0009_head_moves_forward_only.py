"""Protect the audit head as the entries are protected.

The head row may only move forward, to an entry that exists with exactly that hash, and
cannot be deleted (except on a connection with the purge flag, as for the entries). So the
application's own connection cannot cut the log short and rewrite the head to match; a
database owner who switches the triggers off is caught by the checkpoints kept outside
the database (audit/checkpoints.py).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_head_moves_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        IF current_setting('safeguarding.audit_purge', true) = 'allowed' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'the audit head cannot be removed: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id = OLD.id
       AND NEW.last_sequence > OLD.last_sequence
       AND EXISTS (SELECT 1 FROM audit_auditentry
                   WHERE sequence = NEW.last_sequence AND entry_hash = NEW.last_hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit head moves forward only, to an entry the log holds'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_moves_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_moves_forward_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead;
DROP FUNCTION IF EXISTS audit_head_moves_forward_only();
"""
# audit_purge_allowed() is registered on each SQLite connection (audit/apps.py).
SQLITE_FORWARD = [
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
       WHEN NEW.id != OLD.id
         OR NEW.last_sequence <= OLD.last_sequence
         OR NOT EXISTS (SELECT 1 FROM audit_auditentry
                        WHERE sequence = NEW.last_sequence AND entry_hash = NEW.last_hash)
       BEGIN SELECT RAISE(ABORT,
           'the audit head moves forward only, to an entry the log holds'); END;""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
       WHEN audit_purge_allowed() = 0
       BEGIN SELECT RAISE(ABORT, 'the audit head cannot be removed: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_forward_only;",
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_target_types_and_legal_bases")]
    operations = [migrations.RunPython(forward, reverse)]
