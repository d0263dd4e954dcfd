"""Pathway events move the statutory clocks: from strategy discussion to plan and reviews."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.pathway.actions import EventDetails, record_event, record_events
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person
from tests.batches import written
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def child(area: Area) -> Person:
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    return concern.involvements.get(role="child").person


def _event(area: Area, child: Person, event_type: str, on: date, outcome: str = ""):
    return record_event(
        actor=area.practitioner,
        details=EventDetails(
            person_id=child.pk, event_type=event_type, occurred_on=on, outcome=outcome
        ),
    )


def _open(child: Person) -> dict[str, date]:
    return {
        c.clock_type: c.due_on
        for c in Clock.objects.filter(
            person=child, met_on__isnull=True, cancelled_on__isnull=True
        ).exclude(clock_type=ClockType.REFERRAL_DECISION)
    }


def test_child_protection_pathway_clocks(area: Area, child: Person):
    _event(area, child, "strategy-discussion", date(2025, 12, 15), "s47")
    assert _open(child) == {ClockType.INITIAL_CONFERENCE: date(2026, 1, 8)}

    _event(area, child, "initial-conference", date(2026, 1, 7), "plan")
    icpc = Clock.objects.get(person=child, clock_type=ClockType.INITIAL_CONFERENCE)
    assert icpc.state() == ClockState.MET
    assert _open(child) == {
        ClockType.FIRST_CORE_GROUP: date(2026, 1, 21),
        ClockType.FIRST_REVIEW_CONFERENCE: date(2026, 4, 7),
        ClockType.CP_VISIT: date(2026, 1, 21),
    }

    _event(area, child, "core-group", date(2026, 1, 16))
    _event(area, child, "cp-visit", date(2026, 1, 19))
    assert _open(child)[ClockType.CP_VISIT] == date(2026, 2, 2)

    _event(area, child, "review-conference", date(2026, 4, 2), "plan-continues")
    assert _open(child)[ClockType.REVIEW_CONFERENCE] == date(2026, 10, 2)

    _event(area, child, "review-conference", date(2026, 10, 1), "plan-ends")
    assert _open(child) == {}


def test_looked_after_reviews_and_visits(area: Area, child: Person):
    _event(area, child, "became-looked-after", date(2025, 12, 1))
    assert _open(child) == {
        ClockType.FIRST_LAC_REVIEW: date(2025, 12, 31),
        ClockType.FIRST_LAC_VISIT: date(2025, 12, 8),
    }
    _event(area, child, "lac-visit", date(2025, 12, 7))
    assert _open(child)[ClockType.LAC_VISIT_FIRST_YEAR] == date(2026, 1, 18)
    _event(area, child, "lac-review", date(2025, 12, 22))
    assert _open(child)[ClockType.SECOND_LAC_REVIEW] == date(2026, 3, 22)
    _event(area, child, "lac-review", date(2026, 3, 20))
    assert _open(child)[ClockType.LATER_LAC_REVIEW] == date(2026, 9, 20)
    _event(area, child, "ceased-looked-after", date(2026, 4, 1))
    assert _open(child) == {}


def test_outcome_is_required_where_the_event_has_one(area: Area, child: Person):
    with pytest.raises(ValidationError) as error:
        _event(area, child, "initial-conference", date(2026, 11, 2))
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError):
        _event(area, child, "core-group", date(2026, 11, 2), "plan")
    with pytest.raises(ValidationError):
        _event(area, child, "not-an-event", date(2026, 11, 2))


def test_events_need_sight_of_the_child(area: Area, child: Person):
    with pytest.raises(Http404):
        record_event(
            actor=area.health,
            details=EventDetails(
                person_id=child.pk, event_type="cp-visit", occurred_on=date(2026, 11, 2)
            ),
        )
    with pytest.raises(PermissionDenied):
        record_event(
            actor=area.auditor,
            details=EventDetails(
                person_id=child.pk, event_type="cp-visit", occurred_on=date(2026, 11, 2)
            ),
        )


def test_serious_incident_notification_then_rapid_review(area: Area, child: Person):
    _event(area, child, "serious-incident", date(2025, 12, 22))
    assert _open(child) == {ClockType.SERIOUS_INCIDENT_NOTIFICATION: date(2025, 12, 31)}
    _event(area, child, "panel-notified", date(2025, 12, 24))
    assert _open(child) == {ClockType.RAPID_REVIEW: date(2026, 1, 19)}


def test_future_dates_are_refused(area: Area, child: Person):
    with pytest.raises(ValidationError) as error:
        _event(area, child, "cp-visit", date(2099, 1, 1))
    assert "occurred_on" in error.value.message_dict


def test_an_event_entered_late_does_not_meet_a_clock_started_after_it(area: Area, child: Person):
    # The first conference starts the visits clock; a visit dated before it, entered later
    # (from a second referral's pathway), is recorded without meeting that clock.
    _event(area, child, "strategy-discussion", date(2025, 12, 15), "s47")
    _event(area, child, "initial-conference", date(2026, 1, 7), "plan")

    _event(area, child, "cp-visit", date(2026, 1, 5))

    plan_visits = Clock.objects.get(
        person=child, clock_type=ClockType.CP_VISIT, started_on=date(2026, 1, 7)
    )
    assert plan_visits.state() != ClockState.MET


def _history(first: Person, second: Person) -> list[EventDetails]:
    """Two children's pathways, interleaved: later events meet clocks that earlier ones in
    the same list start, one stops them, and a late visit meets nothing."""

    def event(person: Person, event_type: str, on: date, outcome: str = "") -> EventDetails:
        return EventDetails(
            person_id=person.pk, event_type=event_type, occurred_on=on, outcome=outcome
        )

    return [
        event(first, "strategy-discussion", date(2025, 12, 15), "s47"),
        event(second, "became-looked-after", date(2025, 12, 1)),
        event(first, "initial-conference", date(2026, 1, 7), "plan"),
        event(second, "lac-visit", date(2025, 12, 7)),
        event(first, "cp-visit", date(2026, 1, 5)),
        event(first, "core-group", date(2026, 1, 16)),
        event(second, "lac-review", date(2025, 12, 22)),
        event(first, "cp-visit", date(2026, 1, 19)),
        event(first, "review-conference", date(2026, 4, 2), "plan-continues"),
        event(second, "lac-visit", date(2026, 1, 15)),
        event(first, "review-conference", date(2026, 10, 1), "plan-ends"),
    ]


def _pathway_state() -> list[object]:
    return [
        *PathwayEvent.objects.order_by("person", "occurred_on", "event_type").values_list(
            "person", "authority", "event_type", "outcome", "occurred_on", "notes", "recorded_by"
        ),
        *Clock.objects.order_by("person", "started_on", "clock_type", "subject").values_list(
            "clock_type",
            "subject",
            "person",
            "started_on",
            "due_on",
            "met_on",
            "cancelled_on",
            "accountable",
        ),
    ]


def test_a_batch_of_events_writes_what_the_same_events_one_at_a_time_do(area: Area, child: Person):
    second = (
        make_concern(
            area.practitioner, local_authority=area.council, child=child_details("Noah", "Webb")
        )
        .involvements.get(role="child")
        .person
    )
    history = _history(child, second)

    def one_at_a_time() -> None:
        for details in history:
            record_event(actor=area.practitioner, details=details)

    state, log = written(one_at_a_time, _pathway_state)
    together = written(
        lambda: record_events(actor=area.practitioner, events=history), _pathway_state
    )

    assert together == (state, log)
    recorded = [row for row in log if row[0] == AuditVerb.PATHWAY_EVENT_RECORDED]
    assert [row[-1]["type"] for row in recorded] == [item.event_type for item in history]
    late_visit = recorded[4][-1]
    assert (late_visit["met"], late_visit["started"]) == ([], [])
    views = [row for row in log if row[0] == AuditVerb.PERSON_VIEWED]
    assert len(views) == len(history)
    open_clocks = [row for row in state[len(history) :] if row[5] is None and row[6] is None]
    assert {row[0] for row in open_clocks} == {
        ClockType.REFERRAL_DECISION,
        ClockType.LAC_VISIT_FIRST_YEAR,
        ClockType.SECOND_LAC_REVIEW,
    }


def test_a_batch_with_one_bad_event_records_nothing(area: Area, child: Person):
    history = _history(child, child)
    history[3] = EventDetails(
        person_id=child.pk, event_type="cp-visit", occurred_on=date(2099, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        record_events(actor=area.practitioner, events=history)
    assert "occurred_on" in error.value.message_dict
    assert not PathwayEvent.objects.exists()
    assert not AuditEntry.objects.filter(verb=AuditVerb.PATHWAY_EVENT_RECORDED).exists()
