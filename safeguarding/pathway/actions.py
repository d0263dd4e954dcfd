"""Recording pathway events: each meets, starts or stops clocks by the rules in events.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, BreakGlassGrant, User
from safeguarding.access.policy import break_glass_only, does_case_work
from safeguarding.audit.chain import PendingEntry, record_many
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import (
    ClockMeeting,
    ClockStart,
    ClockStop,
    limit_for,
    plan_clock_meetings,
    plan_clock_stops,
    plan_clocks,
)
from safeguarding.clocks.calendar import add_months
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType, Limit
from safeguarding.pathway.events import RULES, EventType, may_record, who_records
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.queries import people_to_access, person_viewed
from safeguarding.writes.rows import in_chunks
from safeguarding.writes.unit import WriteRun, Writes, apply

NOTES_MAX_LENGTH = 10_000


@dataclass
class EventDetails:
    person_id: uuid.UUID | str
    event_type: str
    occurred_on: date
    outcome: str = ""
    notes: str = ""


def _authority_for(actor: User) -> Agency:
    """The local authority whose clocks an actor's events run on: their own, or the one
    whose MASH their agency sends to (a school's file transfer)."""
    agency = actor.agency
    if agency is None:
        raise PermissionDenied("You need an agency to record pathway events")
    if agency.kind == AgencyKind.LOCAL_AUTHORITY:
        return agency
    if agency.home_authority is not None:
        return agency.home_authority
    raise PermissionDenied("Your agency has no local authority to record events for")


def refusal(actor: User, event_type: str) -> str | None:
    """Why ``actor``'s agency and role may not record ``event_type``, or None if they may.
    Unknown event types are left to validation."""
    if event_type not in RULES or actor.agency is None:
        return None
    if may_record(event_type, actor.agency.kind, actor.role):
        return None
    return (
        f"Your agency and role cannot record “{EventType(event_type).label}”: "
        f"it is recorded by {who_records(event_type)}"
    )


BREAK_GLASS_READ_ONLY = (
    "You are viewing this record with break-glass access, which is read-only. "
    "Ask an agency that holds the record to record the event"
)


def _read_by_break_glass(actor: User, person_ids: list[uuid.UUID]) -> bool:
    """Whether ``actor`` sees any of the people only by break-glass: one look-up for the
    batch, then the full check for the few with a grant."""
    granted: set[uuid.UUID] = set()
    for chunk in in_chunks(person_ids):
        granted.update(
            BreakGlassGrant.objects.filter(
                person_id__in=chunk, user=actor, expires_at__gt=timezone.now()
            ).values_list("person_id", flat=True)
        )
    return any(break_glass_only(actor, person_id) is not None for person_id in granted)


def _next_lac_clocks(became: date | None, met_types: set[str], occurred_on: date) -> list[str]:
    """After a looked-after review or visit, which one is next (Care Planning Regulations
    2010: reviews at 20 working days, 3 months, then 6-monthly; visits at 1 week, 6-weekly in
    the first year, then 3-monthly). ``became``: when the child last became looked after."""
    next_clocks: list[str] = []
    if ClockType.FIRST_LAC_REVIEW in met_types:
        next_clocks.append(ClockType.SECOND_LAC_REVIEW)
    elif met_types & {ClockType.SECOND_LAC_REVIEW, ClockType.LATER_LAC_REVIEW}:
        next_clocks.append(ClockType.LATER_LAC_REVIEW)
    if met_types & {ClockType.FIRST_LAC_VISIT, ClockType.LAC_VISIT_FIRST_YEAR, ClockType.LAC_VISIT}:
        first_year = became is not None and occurred_on < add_months(became, 12)
        next_clocks.append(ClockType.LAC_VISIT_FIRST_YEAR if first_year else ClockType.LAC_VISIT)
    return next_clocks


def _event_errors(details: EventDetails, today: date) -> dict[str, list[str]]:
    rule = RULES.get(details.event_type)
    errors: dict[str, list[str]] = {}
    if rule is None:
        errors["event_type"] = ["Choose what happened"]
    elif rule.outcomes and details.outcome not in rule.outcomes:
        errors["outcome"] = ["Choose the outcome"]
    elif not rule.outcomes and details.outcome:
        errors["outcome"] = ["This event has no outcome to choose"]
    if details.occurred_on > today:
        errors["occurred_on"] = ["The date must be today or in the past"]
    if len(details.notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"]
    return errors


@dataclass(eq=False)
class _Running:
    """A clock open while a batch is planned: one running already (``clock``), or one an
    earlier event of the batch starts (``start``: its place among the batch's starts).
    Compared by identity."""

    clock_type: str
    started_on: date
    due_on: date
    order: tuple[int, int]
    clock: Clock | None = None
    start: int | None = None


@dataclass
class _Planned:
    """What one event of a batch does to the clocks."""

    event: PathwayEvent
    met: list[_Running]
    stopped: list[_Running]
    starts: list[str]


def _running_clocks(
    person_ids: list[uuid.UUID], authority: Agency
) -> dict[uuid.UUID, list[_Running]]:
    running: dict[uuid.UUID, list[_Running]] = {person_id: [] for person_id in person_ids}
    for chunk in in_chunks(person_ids):
        for clock in Clock.objects.filter(
            person_id__in=chunk, authority=authority, met_on__isnull=True, cancelled_on__isnull=True
        ).order_by("pk"):
            assert clock.person_id is not None
            running[clock.person_id].append(
                _Running(clock.clock_type, clock.started_on, clock.due_on, (0, clock.pk), clock)
            )
    return running


def _became_looked_after(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    became: dict[uuid.UUID, date] = {}
    for chunk in in_chunks(person_ids):
        became.update(
            PathwayEvent.objects.filter(
                person_id__in=chunk, event_type=EventType.BECAME_LOOKED_AFTER
            )
            .values("person_id")
            .annotate(last=Max("occurred_on"))
            .values_list("person_id", "last")
        )
    return became


def record_events(*, actor: User, events: Sequence[EventDetails]) -> list[PathwayEvent]:
    """Record events on children's pathways, as one batch, and move the clocks each
    governs, as that many events recorded one at a time in the same order would: an event
    may meet a clock that an earlier one in the batch started. Every event is checked
    before any is written; the first that fails stops the batch."""
    if not does_case_work(actor):
        raise PermissionDenied("Your role does not record pathway events")
    people = people_to_access(actor, [details.person_id for details in events])
    authority = _authority_for(actor)
    purpose = "record a pathway event"
    today = timezone.localdate()

    def log_reads(count: int) -> None:
        # The people were read to check the events: that stays in the log.
        record_many(
            [
                person_viewed(actor, people[uuid.UUID(str(read.person_id))], purpose=purpose)
                for read in events[:count]
            ]
        )

    # Break-glass opens a record to read, never to write (nor to attribute an event to an
    # authority that never saw it).
    if _read_by_break_glass(actor, list(people)):
        log_reads(len(events))
        raise PermissionDenied(BREAK_GLASS_READ_ONLY)
    for index, details in enumerate(events):
        refused = refusal(actor, details.event_type)
        if refused is not None:
            log_reads(index + 1)
            raise PermissionDenied(refused)
        errors = _event_errors(details, today)
        if errors:
            log_reads(index + 1)
            raise ValidationError(errors)
    with transaction.atomic():
        person_ids = list(people)
        running = _running_clocks(person_ids, authority)
        became = (
            _became_looked_after(person_ids)
            if any(d.event_type in (EventType.LAC_REVIEW, EventType.LAC_VISIT) for d in events)
            else {}
        )
        limits: dict[str, Limit] = {}
        starts: list[ClockStart] = []
        planned: list[_Planned] = []
        for details in events:
            person = people[uuid.UUID(str(details.person_id))]
            rule = RULES[details.event_type]
            on = details.occurred_on
            event = PathwayEvent(
                person=person,
                authority=authority,
                agency=actor.agency,
                event_type=details.event_type,
                outcome=details.outcome,
                occurred_on=on,
                notes=details.notes.strip(),
                recorded_by=actor,
            )
            clocks = running[person.pk]
            # An event entered late, dated before a clock started (a second referral's
            # visit recorded after the first's conference), cannot meet that clock.
            met: list[_Running] = []
            met_types: set[str] = set()
            for clock in sorted(
                (c for c in clocks if c.clock_type in rule.meets and c.started_on <= on),
                key=lambda c: (c.due_on, c.order),
            ):
                if clock.clock_type not in met_types:
                    met.append(clock)
                    met_types.add(clock.clock_type)
            stop_types = rule.stops + rule.stops_on_outcome.get(details.outcome, [])
            stopped = [c for c in clocks if c not in met and c.clock_type in stop_types]
            clocks[:] = [c for c in clocks if c not in met and c not in stopped]
            # A clock that runs on from the one the event meets (the next visit, the next
            # review) runs on only when the event met one.
            started = [
                clock_type
                for clock_type in rule.starts + rule.starts_on_outcome.get(details.outcome, [])
                if met_types or clock_type not in rule.meets
            ]
            if details.event_type in (EventType.LAC_REVIEW, EventType.LAC_VISIT):
                started += _next_lac_clocks(became.get(person.pk), met_types, on)
            if details.event_type == EventType.BECAME_LOOKED_AFTER:
                became[person.pk] = max(on, became.get(person.pk, on))
            for clock_type in started:
                if clock_type not in limits:
                    limits[clock_type] = limit_for(authority, clock_type)
                clocks.append(
                    _Running(
                        clock_type,
                        on,
                        limits[clock_type].due(on),
                        (1, len(starts)),
                        start=len(starts),
                    )
                )
                starts.append(
                    ClockStart(
                        clock_type=clock_type,
                        authority=authority,
                        subject=f"event:{event.pk}",
                        started_on=on,
                        accountable=actor,
                        person_id=person.pk,
                        actor=actor,
                    )
                )
            planned.append(_Planned(event, met, stopped, started))
        _apply_events(actor, planned, starts, purpose)
    return [item.event for item in planned]


def _apply_events(
    actor: User, planned: list[_Planned], starts: list[ClockStart], purpose: str
) -> None:
    """Write what record_events planned, each event's audit entries in the order one event
    alone writes them: the read of the child, the clocks met, stopped and started, then
    the event."""
    writes = Writes()
    # The clocks the batch starts, planned first so that later events can meet them; their
    # entries join each event's own.
    started = Writes()
    new_clocks = plan_clocks(starts, started, WriteRun())

    def clock(running: _Running) -> Clock:
        return running.clock if running.clock is not None else new_clocks[running.start or 0]

    writes.add_objects(PathwayEvent, [item.event for item in planned])
    for item in planned:
        writes.audit(person_viewed(actor, item.event.person, purpose=purpose), about=item.event.pk)
    plan_clock_meetings(
        [
            ClockMeeting(clock(c), item.event.occurred_on, actor, about=item.event.pk)
            for item in planned
            for c in item.met
        ],
        writes,
    )
    plan_clock_stops(
        [
            ClockStop(
                clock(c),
                item.event.occurred_on,
                reason=item.event.get_event_type_display(),
                actor=actor,
                about=item.event.pk,
            )
            for item in planned
            for c in item.stopped
        ],
        writes,
    )
    writes.tables += started.tables
    owners = [item.event.pk for item in planned for _ in item.starts]
    for entry, owner in zip(started.entries, owners, strict=True):
        writes.audit(entry, about=owner)
    for item in planned:
        event = item.event
        writes.audit(
            PendingEntry(
                AuditVerb.PATHWAY_EVENT_RECORDED,
                actor=actor,
                target_type=TargetType.PERSON,
                target_id=event.person_id,
                payload={
                    "event": str(event.pk),
                    "type": event.event_type,
                    "outcome": event.outcome,
                    "met": sorted({c.clock_type for c in item.met}),
                    "started": item.starts,
                },
            ),
            about=event.pk,
        )
    apply(writes)


def record_event(*, actor: User, details: EventDetails) -> PathwayEvent:
    """Record an event on a child's pathway, and move the clocks it governs: a batch of
    one."""
    (event,) = record_events(actor=actor, events=[details])
    return event
