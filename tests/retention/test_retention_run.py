"""The retention run: a school's child past their 25th birthday is erased, one whose
birthday is near is announced to the school once, a legal hold keeps a child past their
time, a second run does nothing more, a run stopped halfway leaves each child whole or
gone, and the operator's command and the worker run it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding.audit.chain import verify_chain
from safeguarding.cli import main as cli
from safeguarding.notifications.models import Notification
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType
from safeguarding.people.grants import assign_case_role
from safeguarding.people.models import Person
from safeguarding.records import holdings
from safeguarding.records.holdings import Erasing
from safeguarding.retention.actions import HoldDetails, place_hold
from safeguarding.retention.models import Erasure, RetentionNotice
from safeguarding.retention.run import daily, run_retention
from safeguarding.retention.schedule import Rule, rule_for, schedule
from safeguarding.scheduled import run_pass
from tests.factories import Area, adult_details, child_details, make_concern

pytestmark = [pytest.mark.django_db]

TODAY = date(2026, 12, 7)
# A school's file goes at 25; the council's contact and clocks for a school's referral are
# set here to go with it (by default the council keeps its records to 75).
SCHOOL_ONLY = {
    "local-authority:mash-contact": {"age": 25},
    "local-authority:clock": {"age": 25},
}


def _school_child(area: Area, given: str, born: date) -> Person:
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(given, "Testcase", born=born),
        summary=f"{given} disclosed at school.",
    )
    return concern.involvements.get(role="child").person


def test_an_adult_named_in_a_childs_file_is_not_erased_by_their_own_age(
    area: Area, settings: object
) -> None:
    """A school keeps the file to the child's 25th birthday, not the parent's: an age
    rule never makes an adult due; a rule of years after recording does."""
    settings.RETENTION_SCHEDULE = SCHOOL_ONLY  # type: ignore[attr-defined]  # pytest-django settings
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details("Young", "Testcase", born=date(2015, 1, 1)),
        others=[("parent", adult_details("Parent", "Testcase", date_of_birth=date(1980, 1, 1)))],
    )
    parent = concern.involvements.get(role="parent").person
    assert run_retention(today=TODAY).erased == []
    assert Person.objects.filter(pk=parent.pk).exists()
    a_year = {"age": 25, "years": 1}
    settings.RETENTION_SCHEDULE = dict.fromkeys([*SCHOOL_ONLY, "school"], a_year)  # type: ignore[attr-defined]  # as above
    later = TODAY.replace(year=TODAY.year + 2)
    assert run_retention(today=later).erased == [parent.pk]


def test_the_default_schedule_follows_the_guidance() -> None:
    rules = schedule()
    born = date(2001, 3, 4)
    assert rule_for("school", "concern", rules).keeps_until(born, None) == date(2026, 3, 4)
    assert rule_for("local-authority", "pathway-event", rules).keeps_until(born, None) == date(
        2076, 3, 4
    )
    assert rule_for("police-force", "concern", rules).keeps_until(born, None) == date(2101, 3, 4)
    # Kept when the date of birth is not known: a person must review it.
    assert rule_for("school", "concern", rules).keeps_until(None, born) is None
    assert Rule(years=6).keeps_until(None, date(2020, 2, 29)) == date(2026, 2, 28)


def test_due_children_are_erased_near_ones_announced_and_held_ones_kept(
    area: Area, settings: object
) -> None:
    settings.RETENTION_SCHEDULE = SCHOOL_ONLY  # type: ignore[attr-defined]  # pytest-django settings
    past = _school_child(area, "Pastdue", date(2000, 1, 10))  # 25 on 10 January 2025
    near = _school_child(area, "Nearly", TODAY.replace(year=TODAY.year - 25) + timedelta(days=20))
    young = _school_child(area, "Young", date(2012, 5, 1))
    held = _school_child(area, "Heldover", date(2000, 2, 2))
    place_hold(
        actor=None,
        details=HoldDetails(
            reference="CLAIM-3", reason="Claim about this child's school", person_id=held.pk
        ),
    )
    # A child the council also worked with (a strategy discussion): kept to 75 by default.
    council = _school_child(area, "Council", date(2000, 3, 3))
    assign_case_role(
        actor=area.manager, user=area.practitioner, person_id=council.pk, kind="allocated-worker"
    )
    record_event(
        actor=area.practitioner,
        details=EventDetails(
            person_id=council.pk,
            event_type=EventType.STRATEGY_DISCUSSION,
            outcome="no-s47",
            occurred_on=timezone.localdate() - timedelta(days=1),
        ),
    )

    dry = run_retention(today=TODAY, dry_run=True)
    assert dry.erased == [past.pk]
    assert Person.objects.filter(pk=past.pk).exists(), "a dry run changes nothing"
    assert not RetentionNotice.objects.exists()

    result = run_retention(today=TODAY)
    assert result.erased == [past.pk]
    assert result.held == [held.pk]
    assert set(
        Person.objects.filter(pk__in=[near.pk, young.pk, held.pk, council.pk]).values_list(
            "pk", flat=True
        )
    ) == {
        near.pk,
        young.pk,
        held.pk,
        council.pk,
    }
    assert not Person.objects.filter(pk=past.pk).exists()
    assert Erasure.objects.get().cause == Erasure.Cause.RETENTION
    # The agencies holding her record (the school, and the council whose MASH had the
    # school's concern) are told once, without her name: their managers and leads.
    notices = RetentionNotice.objects.all()
    assert {(n.person_id, n.agency) for n in notices} == {
        (near.pk, area.school),
        (near.pk, area.council),
    }
    told = Notification.objects.filter(subject__contains="due for erasure")
    assert {n.recipient for n in told} == {area.dsl, area.manager}
    for notification in told:
        assert "Nearly" not in notification.subject + notification.body
        assert notification.link == f"/people/{near.pk}/"

    again = run_retention(today=TODAY)
    assert (again.erased, again.told) == ([], 0)
    assert Notification.objects.filter(subject__contains="due for erasure").count() == 2
    assert verify_chain().ok


def test_a_run_stopped_halfway_leaves_each_child_whole_or_gone(
    area: Area, settings: object
) -> None:
    settings.RETENTION_SCHEDULE = SCHOOL_ONLY  # type: ignore[attr-defined]  # pytest-django settings
    children = [
        _school_child(area, name, date(1999, 1, 1 + n))
        for n, name in enumerate(("Alpha", "Bravo", "Charlie"))
    ]
    original = holdings._providers["therapy"]
    erased: list[object] = []

    def failing_on_the_second(erasing: Erasing) -> int:
        erased.append(erasing.person_id)
        if len(erased) == 2:
            raise RuntimeError("the worker was stopped")
        return original.erase(erasing)

    holdings._providers["therapy"] = holdings.Provider(
        "therapy", original.rank, original.held, failing_on_the_second, original.kinds
    )
    try:
        with pytest.raises(RuntimeError):
            run_retention(today=TODAY)
    finally:
        holdings._providers["therapy"] = original
    first, second, third = children  # the run goes oldest first
    assert not Person.objects.filter(pk=first.pk).exists()
    # The second was rolled back whole: her concern, contact and clocks are all there.
    sources = {item.source for item in holdings.held_about(second.pk)}
    assert {"people", "concerns", "mash", "clocks"} <= sources
    assert Person.objects.filter(pk=third.pk).exists()
    # The next run goes on where it stopped.
    assert run_retention(today=TODAY).erased == [second.pk, third.pk]
    assert verify_chain().ok


def test_the_command_and_the_worker_run_it(
    area: Area, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.RETENTION_SCHEDULE = SCHOOL_ONLY  # type: ignore[attr-defined]  # pytest-django settings
    child = _school_child(area, "Pastdue", date(1990, 1, 10))
    assert cli(["retention", "run", "--dry-run", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"would be erased: {child.pk}" in out
    assert Person.objects.filter(pk=child.pk).exists()
    result = run_pass()
    assert result.counts["person(s) erased at the end of their retention period"] == 1
    assert not Person.objects.filter(pk=child.pk).exists()
    # Once a day: a second pass the same day runs nothing.
    assert daily(timezone.localdate()) == 0


def test_the_erase_command_exit_codes(area: Area, capsys: pytest.CaptureFixture[str]) -> None:
    child = _school_child(area, "Someone", date(2012, 1, 1))
    assert cli(["erase", "not-an-id", "--reason", "Asked to by the person"]) == 2
    assert "No person has this record id" in capsys.readouterr().err
    assert (
        cli(
            [
                "legal-hold",
                "place",
                "--reference",
                "H-1",
                "--reason",
                "Inquiry into care",
                "--person",
                str(child.pk),
            ]
        )
        == 0
    )
    hold_id = capsys.readouterr().out.strip()
    assert cli(["erase", str(child.pk), "--reason", "Asked to by the person"]) == 1
    assert "H-1 (Inquiry into care)" in capsys.readouterr().err
    assert cli(["legal-hold", "release", hold_id, "--reason", "The inquiry has reported"]) == 0
    assert cli(["erase", str(child.pk), "--reason", "Asked to by the person"]) == 0
    assert f"Erased person {child.pk}" in capsys.readouterr().out
    assert not Person.objects.filter(pk=child.pk).exists()
