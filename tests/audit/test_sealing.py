"""Sealed reasons: a non-empty reason is stored encrypted under a key of its own, outside
the chain; pages and exports read it open; an erasure's redacted copy stands in for it
once the key is destroyed, and a copy changed afterwards fails verification. Entries
written before reasons were sealed keep their plain text, verify and read as before."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import (
    PendingEntry,
    compute_hash,
    locked_head,
    record,
    record_many,
    verify_chain,
)
from safeguarding.audit.models import AuditEntry, AuditHead, SealedReason
from safeguarding.audit.redaction import REDACTED, digest, redact_reasons
from safeguarding.audit.sealing import (
    SEALED_PREFIX,
    UNREADABLE,
    readable_reason,
    readable_reasons,
)
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.cli import main
from tests.factories import Area
from tests.retention.scan import tables_mentioning

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]

RATIONALE = "Threshold met: Perpetua Oakhollow is at risk"
REDACTED_COPY = "Threshold met: [erased] is at risk"


def _decided(reason: str = RATIONALE) -> AuditEntry:
    return record(
        AuditVerb.CONTACT_DECIDED,
        actor=None,
        target_type=TargetType.CONTACT,
        target_id="c1",
        reason=reason,
    )


def _stored(entry: AuditEntry) -> AuditEntry:
    return AuditEntry.objects.get(pk=entry.pk)


def plain_entry(
    reason: str, *, target_type: str = TargetType.CLOCK, target_id: object = "k1"
) -> AuditEntry:
    """An entry written as the log wrote them before reasons were sealed: the reason's
    text itself in the chain, and no key."""
    sequence, previous_hash = locked_head()
    entry = AuditEntry(
        sequence=sequence + 1,
        occurred_at=timezone.now(),
        actor_label="system",
        verb=AuditVerb.CLOCK_DELAY_EXPLAINED,
        target_type=target_type,
        target_id=str(target_id),
        reason=reason,
        previous_hash=previous_hash,
    )
    entry.entry_hash = compute_hash(
        previous_hash=previous_hash,
        sequence=entry.sequence,
        occurred_at=entry.occurred_at,
        actor_id=None,
        actor_label="system",
        agency_code="",
        verb=entry.verb,
        target_type=entry.target_type,
        target_id=entry.target_id,
        reason=reason,
        legal_basis="",
        payload={},
    )
    entry.save()
    AuditHead.objects.filter(pk=1).update(last_sequence=entry.sequence, last_hash=entry.entry_hash)
    return entry


def test_a_reason_is_stored_sealed_and_reads_open() -> None:
    entry = _stored(_decided())
    assert entry.reason.startswith(SEALED_PREFIX)
    # The text is in no table: the entry holds the ciphertext, the key is apart.
    assert tables_mentioning(["Oakhollow"]) == {}
    assert SealedReason.objects.get(sequence=entry.sequence).key is not None
    assert readable_reason(entry).text == RATIONALE
    assert str(readable_reason(entry)) == RATIONALE
    assert verify_chain().ok


def test_an_empty_reason_is_not_sealed() -> None:
    entry = _stored(record(AuditVerb.PERSON_VIEWED, actor=None, target_id="p1"))
    assert entry.reason == ""
    assert not SealedReason.objects.exists()
    assert readable_reason(entry).text == ""


def test_a_batch_keeps_its_keys_in_one_statement() -> None:
    entries = [
        PendingEntry(AuditVerb.PERSON_VIEWED, actor=None, target_id=f"p{number}", reason=reason)
        for number, reason in enumerate(["first purpose", "", "third purpose", ""])
    ]
    with CaptureQueriesContext(connection) as queries:
        last = record_many(entries)
    # The keys go in one statement (COPY, which the driver does not report, on
    # PostgreSQL; one executemany on SQLite), never one per entry.
    key_inserts = [q for q in queries if "audit_sealedreason" in q["sql"].lower()]
    assert len(key_inserts) <= 1
    written = list(AuditEntry.objects.filter(sequence__lte=last).order_by("sequence"))
    assert [readable_reason(entry).text for entry in written] == [
        "first purpose",
        "",
        "third purpose",
        "",
    ]
    assert set(SealedReason.objects.values_list("sequence", flat=True)) == {
        written[0].sequence,
        written[2].sequence,
    }
    assert verify_chain().ok


def test_a_page_of_reasons_is_opened_in_one_query() -> None:
    entries = [_stored(_decided(f"Reason number {number}")) for number in range(5)]
    with CaptureQueriesContext(connection) as queries:
        reasons = readable_reasons(entries)
    assert len(queries) == 1
    assert [reasons[entry.sequence].text for entry in entries] == [
        f"Reason number {number}" for number in range(5)
    ]


def test_a_sealed_reason_does_not_open_with_another_key_or_in_another_entry() -> None:
    first, second = _stored(_decided("First reason")), _stored(_decided("Second reason"))
    other_key = SealedReason.objects.get(sequence=second.sequence).key
    SealedReason.objects.filter(sequence=first.sequence).update(key=other_key)
    reason = readable_reason(first)
    assert reason.unreadable
    assert str(reason) == f"({UNREADABLE})"
    SealedReason.objects.filter(sequence=second.sequence).delete()
    assert readable_reason(second).unreadable


def test_the_page_and_the_export_show_the_reason_open(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    _decided()
    client = client_for(area.auditor)
    page = client.get("/audit/", {"target": "c1"}).content.decode()
    assert RATIONALE in page
    export = client.get("/audit/", {"target": "c1", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][8] == RATIONALE


def _erase(entry: AuditEntry, copy: str = REDACTED_COPY) -> AuditEntry:
    """What an erasure does to the log (retention/actions.py): its entry with the copy's
    digest, then the key destroyed and the copy kept."""
    erased = record(
        AuditVerb.PERSON_ERASED,
        actor=None,
        target_type=TargetType.PERSON,
        target_id="p1",
        payload={REDACTED: {str(entry.sequence): digest(copy)}},
    )
    redact_reasons({entry.sequence: copy}, by=erased.sequence)
    return erased


def test_a_redacted_reason_shows_its_copy_marked(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    entry = _stored(_decided())
    _erase(entry)
    reason = readable_reason(entry)
    assert (reason.text, reason.redacted_on) == (REDACTED_COPY, timezone.localdate())
    assert "after an erasure" in str(reason)
    assert tables_mentioning(["Oakhollow"]) == {}
    assert verify_chain().ok
    client = client_for(area.auditor)
    page = client.get("/audit/", {"target": "c1"}).content.decode()
    assert REDACTED_COPY in page
    assert f"(redacted on {timezone.localdate():%-d %B %Y} after an erasure)" in page
    export = client.get("/audit/", {"target": "c1", "format": "csv"}).content.decode()
    assert list(csv.reader(io.StringIO(export)))[1][8] == str(reason)


def test_a_changed_redacted_copy_fails_verification() -> None:
    entry = _stored(_decided())
    _erase(entry)
    SealedReason.objects.filter(sequence=entry.sequence).update(
        redacted="Threshold met: nobody is at risk"
    )
    problem = verify_chain().problem
    assert problem is not None
    assert problem.sequence == entry.sequence
    assert problem.message == (
        f"the redacted reason of entry #{entry.sequence} was altered: it does not match the "
        f"digest erasure entry #{entry.sequence + 1} recorded"
    )


def test_verify_audit_names_a_changed_redacted_copy(capsys: pytest.CaptureFixture[str]) -> None:
    entry = _stored(_decided())
    _erase(entry)
    assert main(["verify-audit", "--quiet"]) == 0
    SealedReason.objects.filter(sequence=entry.sequence).update(redacted="Nothing to see")
    assert main(["verify-audit", "--quiet"]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(f"#{entry.sequence + 1} recorded. All 2 entries verified.")
    )


def test_a_removed_redacted_copy_fails_verification() -> None:
    entry = _stored(_decided())
    erased = _erase(entry)
    SealedReason.objects.filter(sequence=entry.sequence).delete()
    problem = verify_chain().problem
    assert problem is not None
    assert f"erasure entry #{erased.sequence} redacted the reason" in problem.message


def test_a_redaction_put_back_as_an_earlier_erasure_left_it_fails_verification() -> None:
    entry = _stored(_decided())
    first = _erase(entry, "Threshold met: [erased] is at risk, says Ottilie")
    _erase(entry, "Threshold met: [erased] is at risk, says [erased]")
    assert verify_chain().ok
    SealedReason.objects.filter(sequence=entry.sequence).update(
        redacted="Threshold met: [erased] is at risk, says Ottilie", redacted_by=first.sequence
    )
    assert verify_chain().problem is not None


def test_reasons_written_before_sealing_still_verify_and_read() -> None:
    plain = plain_entry("Delayed: the family moved to Perpetua's aunt")
    sealed = _stored(_decided())
    assert verify_chain().ok
    reasons = readable_reasons([_stored(plain), sealed])
    assert reasons[plain.sequence].text == "Delayed: the family moved to Perpetua's aunt"
    assert reasons[sealed.sequence].text == RATIONALE
