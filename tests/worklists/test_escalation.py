"""Escalation of hand-offs nobody opened: counted in working days from the day sent,
escalated once, told to the receiving agency's managers in one notification each (the
national taskforce where the agency has none), and shown to the sender."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.notifications.models import Notification
from safeguarding.scheduled import escalate_hand_offs, run_pass
from safeguarding.worklists.actions import Sent, record_received, record_sent
from safeguarding.worklists.models import Receipt
from tests.factories import Area, child_details, make_agency, make_concern, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _send(area: Area, item: str, day: date, to: int | None = None) -> None:
    record_sent(
        "information-request",
        [Sent(item, to or area.council.pk, area.school.pk, at(day))],
        actor=area.dsl,
    )


def _escalated() -> set[str]:
    return set(Receipt.objects.filter(escalated_at__isnull=False).values_list("item_id", flat=True))


def test_counted_in_working_days_over_a_weekend(area: Area) -> None:
    # Friday 4 December 2026: Monday 7th is one working day on, Tuesday 8th two.
    _send(area, "friday", date(2026, 12, 4))
    assert escalate_hand_offs(date(2026, 12, 6), after=2) == 0
    assert escalate_hand_offs(date(2026, 12, 7), after=2) == 0
    assert escalate_hand_offs(date(2026, 12, 8), after=2) == 1
    assert _escalated() == {"friday"}


def test_bank_holidays_are_not_working_days(area: Area) -> None:
    # Thursday 24 December 2026: Christmas Day and the Boxing Day substitute (Monday 28th)
    # are not working days, so two working days on is Wednesday 30th.
    _send(area, "christmas-eve", date(2026, 12, 24))
    assert escalate_hand_offs(date(2026, 12, 29), after=2) == 0
    assert escalate_hand_offs(date(2026, 12, 30), after=2) == 1


def test_running_twice_escalates_once_and_tells_once(area: Area) -> None:
    _send(area, "one", date(2026, 11, 2))
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 1
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 0
    assert escalate_hand_offs(date(2026, 11, 11), after=2) == 0
    told = Notification.objects.get(recipient=area.manager)
    assert told.subject == (
        "Not opened in 2 working days: the MASH asks a partner agency what it holds about a child"
    )
    assert told.body.startswith("Sent to Testshire Council on 2 November 2026 and not yet opened")
    escalated = AuditEntry.objects.filter(verb=AuditVerb.HAND_OFF_ESCALATED, target_id="one")
    assert escalated.count() == 1


def test_what_was_opened_in_time_is_not_escalated(area: Area) -> None:
    _send(area, "opened", date(2026, 11, 2))
    assert record_received("information-request", "opened", actor=area.manager)
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 0
    assert not Notification.objects.filter(subject__contains="not opened").exists()


def test_each_manager_is_told_once_for_all_their_agency_s_items(area: Area) -> None:
    lead = make_user(Role.TEAM_MANAGER, area.council, username="second-manager")
    for item in ("a", "b", "c"):
        _send(area, item, date(2026, 11, 2))
    _send(area, "police", date(2026, 11, 2), to=area.police.pk)
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 4

    for manager in (area.manager, lead):
        told = Notification.objects.filter(recipient=manager)
        assert told.count() == 1
        assert told.get().count == 3
        assert told.get().subject == "3 hand-offs to your agency not opened in time"
    # Those who triage are not managers: their own work list already shows each item.
    assert not Notification.objects.filter(recipient=area.mash).exists()
    # The force has no manager here, so the national taskforce is told of its one.
    told = Notification.objects.get(recipient=area.taskforce_analyst)
    assert told.count == 1
    assert str(area.police.name) in told.body
    assert not Notification.objects.filter(recipient=area.police_analyst).exists()


def test_an_agency_with_a_manager_does_not_trouble_the_taskforce(area: Area) -> None:
    _send(area, "council", date(2026, 11, 2))
    escalate_hand_offs(date(2026, 11, 10), after=2)
    assert not Notification.objects.filter(recipient=area.taskforce_analyst).exists()


def test_an_inspectorate_s_hand_off_goes_to_the_taskforce(area: Area) -> None:
    inspectorate = make_agency(AgencyKind.NATIONAL_BODY, code="NAT-OFSTED")
    make_user(Role.INSPECTOR, inspectorate, username="inspector")
    _send(area, "inspectorate", date(2026, 11, 2), to=inspectorate.pk)
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 1
    assert Notification.objects.filter(recipient=area.taskforce_analyst).count() == 1


def test_the_setting_is_the_default(area: Area, settings: object) -> None:
    settings.HAND_OFF_ESCALATION_WORKING_DAYS = 5  # type: ignore[attr-defined]  # pytest-django's settings fixture
    # Monday 2 November 2026: five working days on is Monday 9th.
    _send(area, "monday", date(2026, 11, 2))
    assert escalate_hand_offs(date(2026, 11, 6)) == 0
    assert escalate_hand_offs(date(2026, 11, 9)) == 1


def test_the_worker_pass_escalates(area: Area) -> None:
    _send(area, "worker", date(2026, 11, 2))
    result = run_pass(date(2026, 11, 10))
    assert result.counts["hand-off(s) not opened in time escalated"] == 1
    assert _escalated() == {"worker"}


def test_the_sender_sees_the_escalation(area: Area, client_for: Callable[[User], Client]) -> None:
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details("Ava"))
    receipt = Receipt.objects.get(kind="referral", item_id=str(concern.contact.pk))
    Receipt.objects.filter(pk=receipt.pk).update(sent_at=at(date(2026, 11, 2)))
    assert escalate_hand_offs(date(2026, 11, 10), after=2) == 1
    page = client_for(area.dsl).get(reverse("mash:referrals")).content.decode()
    assert "Not yet opened" in page
    receipt.refresh_from_db()
    assert receipt.escalated_at is not None
    assert f"Escalated on {timezone.localtime(receipt.escalated_at):%-d %b %Y}" in page
