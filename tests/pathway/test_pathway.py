"""Pathway events move the statutory clocks: from strategy discussion to plan and reviews."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern

pytestmark = pytest.mark.django_db


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
