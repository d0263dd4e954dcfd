"""Recording pathway events: each meets, starts or stops clocks by the rules in events.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import meet_clock, start_clock, stop_clock
from safeguarding.clocks.calendar import add_months
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.pathway.events import RULES, EventType
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.queries import access_person

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


def _next_lac_clocks(person_id: uuid.UUID, met_types: set[str], occurred_on: date) -> list[str]:
    """After a looked-after review or visit, which one is next (Care Planning Regulations
    2010: reviews at 20 working days, 3 months, then 6-monthly; visits at 1 week, 6-weekly in
    the first year, then 3-monthly)."""
    next_clocks: list[str] = []
    if ClockType.FIRST_LAC_REVIEW in met_types:
        next_clocks.append(ClockType.SECOND_LAC_REVIEW)
    elif met_types & {ClockType.SECOND_LAC_REVIEW, ClockType.LATER_LAC_REVIEW}:
        next_clocks.append(ClockType.LATER_LAC_REVIEW)
    if met_types & {ClockType.FIRST_LAC_VISIT, ClockType.LAC_VISIT_FIRST_YEAR, ClockType.LAC_VISIT}:
        became = (
            PathwayEvent.objects.filter(
                person_id=person_id, event_type=EventType.BECAME_LOOKED_AFTER
            )
            .order_by("-occurred_on")
            .values_list("occurred_on", flat=True)
            .first()
        )
        first_year = became is not None and occurred_on < add_months(became, 12)
        next_clocks.append(ClockType.LAC_VISIT_FIRST_YEAR if first_year else ClockType.LAC_VISIT)
    return next_clocks


def record_event(*, actor: User, details: EventDetails) -> PathwayEvent:
    """Record an event on a child's pathway, and move the clocks it governs."""
    if not does_case_work(actor):
        raise PermissionDenied("Your role does not record pathway events")
    person = access_person(actor, details.person_id, purpose="record a pathway event")
    authority = _authority_for(actor)
    rule = RULES.get(details.event_type)
    errors: dict[str, list[str]] = {}
    if rule is None:
        errors["event_type"] = ["Choose what happened"]
    elif rule.outcomes and details.outcome not in rule.outcomes:
        errors["outcome"] = ["Choose the outcome"]
    elif not rule.outcomes and details.outcome:
        errors["outcome"] = ["This event has no outcome to choose"]
    if details.occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The date must be today or in the past"]
    if len(details.notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    assert rule is not None
    with transaction.atomic():
        event = PathwayEvent.objects.create(
            person=person,
            authority=authority,
            event_type=details.event_type,
            outcome=details.outcome,
            occurred_on=details.occurred_on,
            notes=details.notes.strip(),
            recorded_by=actor,
        )
        open_clocks = Clock.objects.filter(
            person=person, authority=authority, met_on__isnull=True, cancelled_on__isnull=True
        )
        met_types: set[str] = set()
        # An event entered late, dated before a clock started (a second referral's visit
        # recorded after the first's conference), cannot meet that clock.
        met_by_event = open_clocks.filter(
            clock_type__in=rule.meets, started_on__lte=details.occurred_on
        )
        for clock in met_by_event.order_by("due_on"):
            if clock.clock_type in met_types:
                continue
            meet_clock(clock=clock, met_on=details.occurred_on, actor=actor)
            met_types.add(clock.clock_type)
        stops = rule.stops + rule.stops_on_outcome.get(details.outcome, [])
        for clock in open_clocks.filter(clock_type__in=stops):
            stop_clock(
                clock=clock,
                on=details.occurred_on,
                actor=actor,
                reason=event.get_event_type_display(),
            )
        starts = rule.starts + rule.starts_on_outcome.get(details.outcome, [])
        if details.event_type in (EventType.LAC_REVIEW, EventType.LAC_VISIT):
            starts = starts + _next_lac_clocks(person.pk, met_types, details.occurred_on)
        for clock_type in starts:
            start_clock(
                clock_type=clock_type,
                authority=authority,
                subject=f"event:{event.pk}",
                started_on=details.occurred_on,
                accountable=actor,
                person=person,
                actor=actor,
            )
        record(
            AuditVerb.PATHWAY_EVENT_RECORDED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=person.pk,
            payload={
                "event": str(event.pk),
                "type": details.event_type,
                "outcome": details.outcome,
                "met": sorted(met_types),
                "started": starts,
            },
        )
    return event
