"""The times of the demo's past events, for its audit entries.

The demo writes two years of history in about a minute, so every audit entry is written
now; each entry about a past event also carries that event's own time
(safeguarding.audit.chain.event_times), which the "who knew what, when" report shows. The
generator tells this what it is about to write: a concern's time by its record id, a
contact's decision by the contact, a child's pathway events in the order they are sent."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

from django.utils import timezone

from safeguarding.audit.chain import PendingEntry, event_times
from safeguarding.audit.verbs import AuditVerb

# The purposes the pathway and case work give the reads of a child as they record.
PATHWAY_READ = "record a pathway event"
CASEWORK_READ = "record case work"


def _day(day: date) -> datetime:
    # A past event known by its day only: the start of the working day.
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


class History:
    def __init__(self) -> None:
        self.concerns: dict[str, datetime] = {}
        self.decisions: dict[str, datetime] = {}
        # A child's events and the reads of the child that record them, in the order sent.
        self.events: dict[str, deque[date]] = defaultdict(deque)
        self.reads: dict[str, deque[date]] = defaultdict(deque)
        self.casework: dict[str, datetime] = {}

    def concern(self, record_id: str, when: datetime) -> None:
        self.concerns[record_id] = when

    def decision(self, contact_id: object, when: datetime) -> None:
        self.decisions[str(contact_id)] = when

    def pathway(self, events: Iterable[tuple[object, date]]) -> None:
        for person_id, day in events:
            self.events[str(person_id)].append(day)
            self.reads[str(person_id)].append(day)

    def case_work(self, person_id: object, when: datetime) -> None:
        """A child's case work, read and recorded as the referral arrived."""
        self.casework[str(person_id)] = when

    def __call__(self, entries: Sequence[PendingEntry]) -> list[datetime | None]:
        return [self._time(entry) for entry in entries]

    def _time(self, entry: PendingEntry) -> datetime | None:
        payload = entry.payload or {}
        target = str(entry.target_id)
        if entry.verb in {AuditVerb.CONCERN_RECORDED, AuditVerb.CONCERN_UPDATED}:
            return self.concerns.get(str(payload.get("agency_record_id", "")))
        if entry.verb == AuditVerb.CONTACT_DECIDED:
            return self.decisions.get(target)
        if entry.verb == AuditVerb.CLOCK_MET and isinstance(payload.get("met_on"), str):
            return _day(date.fromisoformat(payload["met_on"]))
        if entry.verb == AuditVerb.PATHWAY_EVENT_RECORDED and self.events.get(target):
            return _day(self.events[target].popleft())
        if (
            entry.verb == AuditVerb.PERSON_VIEWED
            and entry.reason == PATHWAY_READ
            and self.reads.get(target)
        ):
            return _day(self.reads[target].popleft())
        if entry.verb == AuditVerb.PERSON_VIEWED and entry.reason == CASEWORK_READ:
            return self.casework.get(target)
        return None


_current: ContextVar[History | None] = ContextVar("demo_history", default=None)


def current() -> History:
    """The history of the demo being built (a throwaway one outside a build: the demo's
    builders run alone in tests too)."""
    return _current.get() or History()


@contextmanager
def recording(history: History) -> Iterator[None]:
    """Build the demo inside: its builders tell ``history`` the times of what they write,
    and the audit entries carry them."""
    token = _current.set(history)
    try:
        with event_times(history):
            yield
    finally:
        _current.reset(token)
