"""The audit chain detects every kind of tampering: edit, delete, reorder, insert, truncate."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from safeguarding.audit.chain import compute_hash, payload_text, record, verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.cli import main

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]


def _write_entries(count: int = 5) -> list[AuditEntry]:
    return [
        record(
            AuditVerb.PERSON_VIEWED,
            actor=None,
            target_type=TargetType.PERSON,
            target_id=f"p{i}",
            reason="test",
        )
        for i in range(count)
    ]


class TamperingAsDatabaseOwner:
    """Switches off the append-only triggers, as a database administrator could."""

    def __enter__(self) -> TamperingAsDatabaseOwner:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
            else:
                cursor.execute("DROP TRIGGER audit_entry_no_update")
                cursor.execute("DROP TRIGGER audit_entry_no_delete")
                cursor.execute("DROP TRIGGER audit_head_forward_only")
                cursor.execute("DROP TRIGGER audit_head_no_delete")
        return self

    def execute(self, sql: str, params: list[object] | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])

    def __exit__(self, *exc: object) -> None:
        from importlib import import_module

        triggers = import_module("safeguarding.audit.migrations.0002_append_only_triggers")
        head = import_module("safeguarding.audit.migrations.0009_head_moves_forward_only")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_audithead ENABLE TRIGGER USER")
            else:
                for statement in [*triggers.SQLITE_FORWARD, *head.SQLITE_FORWARD]:
                    cursor.execute(statement)


def test_an_untouched_chain_verifies():
    _write_entries(5)
    result = verify_chain()
    assert result.ok
    assert result.entries_checked == 5


def test_the_database_refuses_update_and_delete(settings):
    entry = _write_entries(1)[0]
    settings.AUDIT_ALLOW_PURGE = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET safeguarding.audit_purge = ''")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditentry")
        with connection.cursor() as cursor:
            cursor.execute("SET safeguarding.audit_purge = 'allowed'")
    assert AuditEntry.objects.get(pk=entry.pk).reason == entry.reason
    assert readable_reason(AuditEntry.objects.get(pk=entry.pk)).text == "test"


def test_an_edited_entry_is_detected():
    entries = _write_entries(5)
    with TamperingAsDatabaseOwner() as db:
        db.execute(
            "UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["innocent", entries[2].pk]
        )
    result = verify_chain()
    assert not result.ok
    assert result.problem is not None
    assert result.problem.sequence == entries[2].sequence
    assert "altered" in result.problem.message


def test_a_deleted_entry_is_detected():
    entries = _write_entries(5)
    with TamperingAsDatabaseOwner() as db:
        db.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == entries[2].sequence
    assert "missing" in result.problem.message


def test_entries_removed_from_the_end_are_detected():
    entries = _write_entries(5)
    with TamperingAsDatabaseOwner() as db:
        db.execute("DELETE FROM audit_auditentry WHERE sequence >= %s", [entries[3].sequence])
    result = verify_chain()
    assert result.problem is not None
    assert "removed from the end" in result.problem.message


def test_reordered_entries_are_detected():
    entries = _write_entries(5)
    first, second = entries[1], entries[2]
    with TamperingAsDatabaseOwner() as db:
        # Swap the contents of two entries, keeping each one's own hash: the order is wrong.
        db.execute("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [10**12, first.pk])
        db.execute(
            "UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk]
        )
        db.execute(
            "UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk]
        )
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == first.sequence


def test_an_inserted_entry_is_detected_even_with_a_plausible_hash():
    entries = _write_entries(4)
    forged_previous = entries[1].entry_hash
    with TamperingAsDatabaseOwner() as db:
        # Make room after entry 2 and insert a forged entry whose hash is computed with the
        # wrong key, as someone without the HMAC key would have to.
        for entry in reversed(entries[2:]):
            db.execute(
                "UPDATE audit_auditentry SET sequence = %s WHERE id = %s",
                [entry.sequence + 1, entry.pk],
            )
        db.execute(
            "INSERT INTO audit_auditentry (sequence, occurred_at, actor_id, actor_label, "
            "agency_code, verb, target_type, target_id, reason, legal_basis, payload, "
            "previous_hash, entry_hash) VALUES (%s, %s, NULL, 'forger', '', 'person-viewed', "
            "'person', 'x', '', '', '{}', %s, %s)",
            [entries[1].sequence + 1, entries[1].occurred_at, forged_previous, "f" * 64],
        )
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == entries[1].sequence + 1


def test_hashes_depend_on_the_secret_key(settings):
    entry = _write_entries(1)[0]
    fields = dict(  # noqa: C408 - keyword arguments, as compute_hash takes them
        previous_hash=entry.previous_hash,
        sequence=entry.sequence,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        agency_code=entry.agency_code,
        verb=entry.verb,
        target_type=entry.target_type,
        target_id=entry.target_id,
        reason=entry.reason,
        legal_basis=entry.legal_basis,
        payload=entry.payload,
    )
    assert compute_hash(**fields) == entry.entry_hash
    settings.AUDIT_HMAC_KEY = "another key"
    assert compute_hash(**fields) != entry.entry_hash


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"agency_record_id": "POL-1", "persons": ["p1", "p1"]},
        {"b": [1, 2.5, -0.0, None, True], "a": {"é": 'line\u2028break "quoted"'}},
        {"on": date(2026, 3, 2), "pair": ("x", "y")},
        {10: "ten", 9: "nine"},
        {"nested": [{3: "c", 20: "t"}]},
    ],
)
def test_an_entry_hash_is_the_hmac_of_the_canonical_json_of_its_fields(settings, payload):
    # The hash is worked out from the payload's canonical text without encoding the
    # payload again: it must still be exactly the HMAC of the whole entry's canonical JSON,
    # the payload as the database returns it.
    def canonical(value: object) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)

    stored = json.loads(canonical(payload))
    fields = {
        "previous_hash": "ab" * 32,
        "sequence": 12,
        "occurred_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        "actor_id": None,
        "actor_label": 'système "x"',
        "agency_code": "POL-TEST",
        "verb": "concern-recorded",
        "target_type": "concern",
        "target_id": "id\n",
        "reason": "",
        "legal_basis": "a basis",
    }
    message = canonical(
        {
            **fields,
            "occurred_at": fields["occurred_at"].isoformat(timespec="microseconds"),
            "payload": stored,
        }
    )
    expected = hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), message.encode(), hashlib.sha256
    ).hexdigest()

    assert payload_text(payload) == canonical(stored)
    assert compute_hash(**fields, payload=stored) == expected


def test_verify_audit_command_exit_codes(capsys):
    entries = _write_entries(3)
    assert main(["verify-audit", "--quiet"]) == 0
    assert "3 audit entries verified" in capsys.readouterr().out
    with TamperingAsDatabaseOwner() as db:
        db.execute(
            "UPDATE audit_auditentry SET actor_label = %s WHERE id = %s",
            ["someone-else", entries[1].pk],
        )
    assert main(["verify-audit", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"entry #{entries[1].sequence} was altered" in err
