"""verify-audit names the first bad entry for any alteration, reads only, and checks the
log's end against signed checkpoints kept outside the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.checkpoints import read_checkpoints, write_checkpoint
from safeguarding.audit.models import AuditEntry, AuditHead
from safeguarding.cli import main
from safeguarding.scheduled import run_pass
from tests.audit.test_chain import TamperingAsDatabaseOwner, _write_entries

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]


def _entry_count() -> int:
    return AuditEntry.objects.count()


def test_verify_audit_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    _write_entries(3)
    assert main(["verify-audit", "--quiet"]) == 0
    assert main(["verify-audit", "--quiet"]) == 0
    assert _entry_count() == 3
    assert AuditHead.objects.get(pk=1).last_sequence == 3


def test_an_altered_time_is_named_not_a_crash(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _write_entries(4)
    # SQLite keeps the time as text, which can be made unreadable; PostgreSQL only lets
    # it be moved.
    altered = "not a time" if connection.vendor == "sqlite" else "2001-01-01 00:00:00+00"
    with TamperingAsDatabaseOwner() as db:
        db.execute(
            "UPDATE audit_auditentry SET occurred_at = %s WHERE id = %s", [altered, entries[2].pk]
        )
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == entries[2].sequence
    assert "altered" in result.problem.message
    assert main(["verify-audit", "--quiet"]) == 1
    assert f"entry #{entries[2].sequence} was altered" in capsys.readouterr().err


@pytest.mark.parametrize("altered", ["[1, 2]", '"text"', "null", "{}"])
def test_an_altered_payload_is_named(altered: str) -> None:
    # Both databases hold only valid JSON in the column; any that is not an object, or
    # another object, must be named.
    entries = _write_entries(3)
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with TamperingAsDatabaseOwner() as db:
        db.execute(
            f"UPDATE audit_auditentry SET payload = {placeholder} WHERE id = %s",
            [altered if altered != "{}" else '{"added": 1}', entries[1].pk],
        )
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == entries[1].sequence
    assert "altered" in result.problem.message


def test_an_altered_actor_id_is_named() -> None:
    entries = _write_entries(3)
    with TamperingAsDatabaseOwner() as db:
        db.execute("UPDATE audit_auditentry SET actor_id = 7 WHERE id = %s", [entries[0].pk])
    result = verify_chain()
    assert result.problem is not None
    assert result.problem.sequence == entries[0].sequence


def test_the_application_cannot_move_the_head_back_or_remove_it(settings) -> None:
    _write_entries(3)
    settings.AUDIT_ALLOW_PURGE = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET safeguarding.audit_purge = ''")
    try:
        first = AuditEntry.objects.get(sequence=1)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditHead.objects.filter(pk=1).update(last_sequence=1, last_hash=first.entry_hash)
        with pytest.raises(DatabaseError), transaction.atomic():
            # Forward, but to an entry that does not exist.
            AuditHead.objects.filter(pk=1).update(last_sequence=9, last_hash="f" * 64)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditHead.objects.filter(pk=1).delete()
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET safeguarding.audit_purge = 'allowed'")
    assert AuditHead.objects.get(pk=1).last_sequence == 3


def _cut_the_end_and_rewrite_the_head(entries: list[AuditEntry], keep: int) -> None:
    with TamperingAsDatabaseOwner() as db:
        db.execute("DELETE FROM audit_auditentry WHERE sequence > %s", [keep])
        db.execute(
            "UPDATE audit_audithead SET last_sequence = %s, last_hash = %s WHERE id = 1",
            [keep, entries[keep - 1].entry_hash],
        )


def test_a_log_cut_short_with_its_head_rewritten_fails_against_a_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    entries = _write_entries(3)
    write_checkpoint(checkpoints)
    entries += _write_entries(2)
    write_checkpoint(checkpoints)
    _cut_the_end_and_rewrite_the_head(entries, keep=3)
    # The chain and its head agree: only the checkpoint kept outside shows the cut.
    assert verify_chain().ok
    found = read_checkpoints(checkpoints)
    assert found.problem is None
    result = verify_chain(checkpoints=found.checkpoints)
    assert result.problem is not None
    assert result.problem.sequence == 4
    assert "reach #5" in result.problem.message
    assert main(["verify-audit", "--quiet", "--checkpoints", str(checkpoints)]) == 1
    assert "entries were removed from the end and the head rewritten" in capsys.readouterr().err


def test_a_rewritten_entry_under_a_checkpoint_is_named(tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    entries = _write_entries(4)
    write_checkpoint(checkpoints)
    # Someone holding the database rewrites the last entry and the head to match, with a
    # hash they cannot compute; the chain names the entry first.
    with TamperingAsDatabaseOwner() as db:
        db.execute(
            "UPDATE audit_auditentry SET entry_hash = %s WHERE id = %s",
            ["e" * 64, entries[3].pk],
        )
        db.execute("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", ["e" * 64])
    result = verify_chain(checkpoints=read_checkpoints(checkpoints).checkpoints)
    assert result.problem is not None
    assert result.problem.sequence == entries[3].sequence


@pytest.mark.parametrize("forgery", ["signature", "sequence", "garbage", "backwards"])
def test_a_checkpoint_file_that_was_altered_fails(
    tmp_path: Path, forgery: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    _write_entries(2)
    write_checkpoint(checkpoints)
    _write_entries(1)
    write_checkpoint(checkpoints)
    lines = checkpoints.read_text().splitlines()
    last = json.loads(lines[-1])
    if forgery == "signature":
        last["signature"] = "0" * 64
        lines[-1] = json.dumps(last)
    elif forgery == "sequence":
        last["sequence"] = 2
        lines[-1] = json.dumps(last)
    elif forgery == "garbage":
        lines.append("{not a checkpoint")
    else:
        lines = [lines[1], lines[0]]
    checkpoints.write_text("\n".join(lines) + "\n")
    found = read_checkpoints(checkpoints)
    assert found.problem is not None
    assert main(["verify-audit", "--quiet", "--checkpoints", str(checkpoints)]) == 1
    assert "line " in capsys.readouterr().err


def test_checkpoints_match_an_untouched_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    _write_entries(2)
    assert main(["audit-checkpoint", "--file", str(checkpoints)]) == 0
    _write_entries(2)
    assert main(["audit-checkpoint", "--file", str(checkpoints)]) == 0
    capsys.readouterr()
    assert main(["verify-audit", "--quiet", "--checkpoints", str(checkpoints)]) == 0
    assert "2 checkpoint(s) matched" in capsys.readouterr().out


def test_the_worker_takes_a_checkpoint_on_every_pass(tmp_path: Path, settings) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(checkpoints)
    _write_entries(2)
    assert run_pass().counts["audit checkpoint(s)"] == 1
    found = read_checkpoints(checkpoints)
    assert found.problem is None
    assert found.checkpoints[-1].sequence == AuditHead.objects.get(pk=1).last_sequence
