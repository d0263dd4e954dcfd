"""Entries loaded with past records carry the event's own time beside the time of writing:
in the payload, so the hash covers it; the chain's order and its times are untouched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safeguarding.audit.chain import (
    EVENT_AT,
    PendingEntry,
    event_time,
    event_times,
    record,
    record_many,
    verify_chain,
)
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

PAST = datetime(2025, 6, 2, 10, 30, tzinfo=UTC)


def _past_for_p1(entries):
    return [PAST if str(entry.target_id) == "p1" else None for entry in entries]


def test_entries_written_while_loading_history_carry_their_events_time():
    with event_times(_past_for_p1):
        record(AuditVerb.PERSON_VIEWED, actor=None, target_type=TargetType.PERSON, target_id="p1")
        record_many(
            [
                PendingEntry(AuditVerb.PERSON_VIEWED, None, TargetType.PERSON, "p1"),
                PendingEntry(AuditVerb.PERSON_VIEWED, None, TargetType.PERSON, "p2"),
            ]
        )
    record(AuditVerb.PERSON_VIEWED, actor=None, target_type=TargetType.PERSON, target_id="p1")
    first, second, other, after = AuditEntry.objects.order_by("sequence")
    assert event_time(first) == PAST
    assert event_time(second) == PAST
    # No time given, and nothing loaded: the time of writing is the event's.
    assert EVENT_AT not in other.payload
    assert event_time(other) == other.occurred_at
    assert EVENT_AT not in after.payload
    # Written now, in order: the chain's own times are the times of writing.
    assert first.occurred_at > PAST
    assert verify_chain().ok
