"""Clocks: state, local limits that recompute open clocks, reminders and escalation."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safeguarding.access.models import Agency
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main
from safeguarding.clocks import actions as clock_actions
from safeguarding.clocks.actions import (
    RecomputeResult,
    escalate_clocks,
    explain_delay,
    meet_clock,
    set_clock_limit,
    start_clock,
    stop_clock,
)
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.queries import TeamRow, team_dashboard
from safeguarding.clocks.rules import DEFAULT_LIMITS, ClockType, Limit
from safeguarding.notifications.models import Notification
from tests.factories import Area, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _clock(area: Area, start: date, clock_type: str = ClockType.REFERRAL_DECISION) -> Clock:
    return start_clock(
        clock_type=clock_type,
        authority=area.council,
        subject="test:1",
        started_on=start,
        accountable=area.practitioner,
    )


def test_clock_states_through_its_life(area: Area):
    clock = _clock(area, date(2026, 12, 14), ClockType.INITIAL_CONFERENCE)
    assert clock.due_on == date(2027, 1, 7)
    assert clock.state(date(2026, 12, 20)) == ClockState.DUE
    assert clock.state(date(2027, 1, 6)) == ClockState.DUE_SOON
    assert clock.state(date(2027, 1, 7)) == ClockState.DUE_SOON
    assert clock.state(date(2027, 1, 8)) == ClockState.OVERDUE
    meet_clock(clock=clock, met_on=date(2027, 1, 6))
    assert clock.state(date(2027, 2, 1)) == ClockState.MET


def test_meeting_late_is_recorded_as_late(area: Area):
    clock = _clock(area, date(2026, 12, 24))
    meet_clock(clock=clock, met_on=date(2026, 12, 30))
    assert clock.state() == ClockState.MET_LATE
    entry = AuditEntry.objects.get(verb=AuditVerb.CLOCK_MET, target_id=str(clock.pk))
    assert entry.payload["late"] is True


def test_a_local_limit_recomputes_open_clocks_only(area: Area):
    open_one = _clock(area, date(2026, 3, 2), ClockType.ASSESSMENT)
    met_one = _clock(area, date(2026, 3, 2), ClockType.ASSESSMENT)
    meet_clock(clock=met_one, met_on=date(2026, 3, 20))
    other_authority = start_clock(
        clock_type=ClockType.ASSESSMENT,
        authority=area.other_council,
        subject="x:1",
        started_on=date(2026, 3, 2),
        accountable=None,
    )
    assert open_one.due_on == date(2026, 5, 7)
    result = set_clock_limit(
        actor=None,
        authority=area.council,
        clock_type=ClockType.ASSESSMENT,
        amount=35,
        unit="working-days",
    )
    assert result.clocks_updated == 1
    open_one.refresh_from_db()
    met_one.refresh_from_db()
    other_authority.refresh_from_db()
    # 35 working days from 2 March 2026, across Easter: 22 April.
    assert open_one.due_on == date(2026, 4, 22)
    assert met_one.due_on == date(2026, 5, 7)
    assert other_authority.due_on == date(2026, 5, 7)
    # New clocks use the local limit too.
    assert _clock(area, date(2026, 3, 2), ClockType.ASSESSMENT).due_on == date(2026, 4, 22)


def test_a_local_limit_recomputes_every_start_date_in_chunks(area: Area, monkeypatch):
    # Three start dates per statement, so that seven start dates take three statements.
    monkeypatch.setattr(clock_actions, "DUE_DATES_PER_UPDATE", 3)
    starts = [
        date(2026, 12, 18),
        date(2026, 12, 21),
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 29),
        date(2027, 11, 30),
        date(2028, 2, 29),
    ]
    reviews = [_clock(area, start, ClockType.FIRST_REVIEW_CONFERENCE) for start in starts]
    twice = _clock(area, starts[0], ClockType.FIRST_REVIEW_CONFERENCE)
    stopped = _clock(area, starts[1], ClockType.FIRST_REVIEW_CONFERENCE)
    stop_clock(clock=stopped, on=starts[1], actor=None, reason="The plan ended")
    visits = _clock(area, starts[2], ClockType.CP_VISIT)
    result = set_clock_limit(
        actor=None,
        authority=area.council,
        clock_type=ClockType.FIRST_REVIEW_CONFERENCE,
        amount=2,
        unit="months",
    )
    assert result == RecomputeResult(clocks_updated=8, start_dates=7)
    for clock in [*reviews, twice, stopped, visits]:
        clock.refresh_from_db()
    # Two calendar months, month ends included: 31 December 2026 to 28 February 2027,
    # 29 February 2028 to 29 April 2028.
    assert [clock.due_on for clock in reviews] == [
        date(2027, 2, 18),
        date(2027, 2, 21),
        date(2027, 2, 24),
        date(2027, 2, 28),
        date(2027, 3, 29),
        date(2028, 1, 30),
        date(2028, 4, 29),
    ]
    assert twice.due_on == date(2027, 2, 18)
    # Stopped clocks and clocks of other types keep their due dates.
    assert stopped.due_on == Limit(3, "months").due(starts[1])
    assert visits.due_on == DEFAULT_LIMITS[ClockType.CP_VISIT].due(starts[2])


def test_the_team_dashboard_counts_open_clocks_by_type_and_worker(area: Area):
    today = date(2027, 1, 6)  # a Wednesday: due soon means due today or on Thursday

    def clock(clock_type: str, due_on: date, accountable=None, authority=None) -> Clock:
        made = start_clock(
            clock_type=clock_type,
            authority=authority or area.council,
            subject="test:dashboard",
            started_on=date(2026, 12, 1),
            accountable=accountable,
        )
        Clock.objects.filter(pk=made.pk).update(due_on=due_on)
        return made

    worker, mash = area.practitioner, area.mash
    clock(ClockType.ASSESSMENT, date(2027, 1, 5), worker)  # overdue
    clock(ClockType.ASSESSMENT, date(2027, 1, 6), worker)  # due soon: today
    clock(ClockType.ASSESSMENT, date(2027, 1, 7), mash)  # due soon: next working day
    clock(ClockType.ASSESSMENT, date(2027, 1, 8), worker)  # due
    clock(ClockType.CP_VISIT, date(2026, 12, 20))  # overdue, not allocated
    clock(ClockType.CP_VISIT, date(2027, 2, 1))  # due, not allocated
    met = clock(ClockType.CP_VISIT, date(2026, 12, 20), worker)
    meet_clock(clock=met, met_on=date(2026, 12, 19))
    stopped = clock(ClockType.ASSESSMENT, date(2026, 12, 20), worker)
    stop_clock(clock=stopped, on=date(2026, 12, 19), actor=None, reason="Case closed")
    clock(ClockType.ASSESSMENT, date(2026, 12, 20), authority=area.other_council)

    dashboard = team_dashboard(worker, today=today)

    def counts(rows: list[TeamRow]) -> dict[str, tuple[int, int, int]]:
        return {row.label: (row.open, row.overdue, row.due_soon) for row in rows}

    assert counts(dashboard.by_type) == {
        "Child and family assessment": (4, 1, 2),
        "Visit to a child on a protection plan": (2, 1, 0),
    }
    assert counts(dashboard.by_worker) == {
        worker.display_name: (3, 1, 1),
        mash.display_name: (1, 0, 1),
    }
    assert counts([dashboard.unallocated]) == {"Not yet allocated": (2, 1, 0)}
    # Rows with something overdue come first.
    assert dashboard.by_worker[0].label == worker.display_name


def test_invalid_limits_are_refused(area: Area):
    with pytest.raises(ValidationError):
        set_clock_limit(
            actor=None, authority=area.council, clock_type="nope", amount=1, unit="working-days"
        )
    with pytest.raises(ValidationError):
        set_clock_limit(
            actor=None,
            authority=area.council,
            clock_type="assessment",
            amount=-1,
            unit="working-days",
        )


def test_reminder_the_working_day_before_then_escalation(area: Area):
    senior = make_user("team-manager", area.council, username="director")
    Agency.objects.filter(pk=area.council.pk).update(designated_senior_manager=senior)
    area.practitioner.manager = area.manager
    area.practitioner.save()
    clock = _clock(area, date(2026, 12, 14), ClockType.INITIAL_CONFERENCE)  # due 7 Jan 2027

    assert escalate_clocks(today=date(2027, 1, 5)).reminded == 0
    assert escalate_clocks(today=date(2027, 1, 6)).reminded == 1
    assert escalate_clocks(today=date(2027, 1, 6)).reminded == 0  # once only
    reminder = Notification.objects.get(recipient=area.practitioner)
    assert "due 7 January 2027" in reminder.subject

    assert escalate_clocks(today=date(2027, 1, 7)).escalated == 0
    assert escalate_clocks(today=date(2027, 1, 8)).escalated == 1
    assert escalate_clocks(today=date(2027, 1, 9)).escalated == 0
    missed = Notification.objects.filter(subject__startswith="Missed")
    assert {n.recipient for n in missed} == {area.practitioner, area.manager, senior}

    with pytest.raises(ValidationError):
        explain_delay(actor=area.practitioner, clock=clock, reason="late")
    explain_delay(
        actor=area.practitioner,
        clock=clock,
        reason="Conference chair was ill; rearranged for 12 January",
    )
    clock.refresh_from_db()
    assert clock.delay_reason.startswith("Conference chair")


def test_deadline_command(capsys):
    assert main(["clocks", "deadline", "referral-decision", "2025-12-24"]) == 0
    assert capsys.readouterr().out.strip() == "2025-12-29"
    assert main(["clocks", "deadline", "first-review-conference", "2027-11-30"]) == 0
    assert capsys.readouterr().out.strip() == "2028-02-29"
    assert main(["clocks", "deadline", "no-such-clock", "2026-01-01"]) == 2
    assert "unknown clock" in capsys.readouterr().err
    assert main(["clocks", "deadline", "assessment", "not-a-date"]) == 2


def test_deadline_command_uses_the_authority_limit(area: Area, capsys):
    set_clock_limit(
        actor=None, authority=area.council, clock_type="assessment", amount=35, unit="working-days"
    )
    assert main(["clocks", "deadline", "assessment", "2026-03-02", "--authority", "LA-TEST"]) == 0
    assert capsys.readouterr().out.strip() == "2026-04-22"


def test_worker_runs_one_idempotent_pass(area: Area, capsys):
    clock = _clock(area, date(2025, 1, 6))
    assert main(["worker", "--once"]) == 0
    assert "1 escalation(s)" in capsys.readouterr().out
    assert main(["worker", "--once"]) == 0
    assert "0 escalation(s)" in capsys.readouterr().out
    clock.refresh_from_db()
    assert clock.escalated_at is not None
