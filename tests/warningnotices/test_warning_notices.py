"""Child abduction warning notices: ages against the kind, the end at each child's 16th or
18th birthday, who sees the register, breaches, reviews and the end of a notice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.models import ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.notifications.models import Notification
from safeguarding.people import grants
from safeguarding.people.actions import ensure_agency_record
from safeguarding.people.models import Person
from safeguarding.warningnotices.actions import (
    BreachDetails,
    NamedPerson,
    NoticeDetails,
    end_notice,
    expire_notices,
    issue_notice,
    record_breach,
    record_copy_given,
    review_notice,
)
from safeguarding.warningnotices.models import (
    EndReason,
    NoticeKind,
    WarningNotice,
    WithheldBy,
    birthday,
)
from tests.factories import Area, adult_details, child_details, make_concern, nhs_number_for

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

TODAY = timezone.localdate


def _child(given: str = "Amelia", family: str = "Hartley", born: date | None = None):
    return NamedPerson(details=child_details(given, family, born=born or date(2014, 5, 17)))


def _adult(given: str = "Darren", family: str = "Pike", born: date | None = date(1985, 3, 2)):
    return NamedPerson(details=adult_details(given, family, date_of_birth=born))


def _issue(
    area: Area,
    *,
    kind: str = NoticeKind.UNDER_16,
    children: list[NamedPerson] | None = None,
    adult: NamedPerson | None = None,
    served_on: date | None = None,
    actor=None,
    copies: list[tuple[str, date]] | None = None,
) -> WarningNotice:
    return issue_notice(
        actor=actor or area.police_analyst,
        details=NoticeDetails(
            kind=kind,
            adult=adult or _adult(),
            children=children if children is not None else [_child()],
            served_on=served_on or TODAY(),
            serving_officer="PC 4411 Jo Baxter",
            withheld_by=WithheldBy.PARENT,
            withheld_by_details="The child's mother",
            conditions="Do not contact Amelia or allow her into your company or home.",
            copies=copies or [],
        ),
    )


# Ages against the kind of notice --------------------------------------------------------


def test_a_child_under_16_may_be_named_in_a_notice_under_the_1984_act(area: Area):
    served = date(2026, 5, 16)  # the day before Amelia turns 12
    notice = _issue(area, served_on=served)
    assert notice.kind == NoticeKind.UNDER_16
    (named,) = notice.children.all()
    assert named.covered_until == date(2030, 5, 17)
    assert notice.expires_on == date(2030, 5, 17)


@pytest.mark.parametrize(
    ("kind", "born", "allowed"),
    [
        (NoticeKind.UNDER_16, date(2010, 11, 2), True),  # 15 on the day served
        (NoticeKind.UNDER_16, date(2010, 11, 1), False),  # 16 that very day
        (NoticeKind.UNDER_16, date(2009, 6, 1), False),
        (NoticeKind.IN_CARE, date(2009, 6, 1), True),  # 17, in care
        (NoticeKind.IN_CARE, date(2008, 11, 2), True),  # 17 until tomorrow
        (NoticeKind.IN_CARE, date(2008, 11, 1), False),  # 18 that very day
    ],
)
def test_the_childs_age_on_the_day_served_must_suit_the_kind(
    area: Area, kind: str, born: date, allowed: bool
):
    served = date(2026, 11, 1)
    if allowed:
        notice = _issue(area, kind=kind, children=[_child(born=born)], served_on=served)
        assert notice.children.get().covered_until == birthday(
            born, 16 if kind == "under-16" else 18
        )
        return
    with pytest.raises(ValidationError) as error:
        _issue(area, kind=kind, children=[_child(born=born)], served_on=served)
    (message,) = error.value.message_dict["children.1"]
    limit = 16 if kind == NoticeKind.UNDER_16 else 18
    assert f"covers children under {limit}" in message
    assert not WarningNotice.objects.exists()


def test_a_childs_date_of_birth_is_required(area: Area):
    with pytest.raises(ValidationError) as error:
        _issue(
            area,
            children=[_child(), NamedPerson(details=child_details("Leo", "Hartley", born=None))],
        )
    assert "Record Leo Hartley's date of birth" in error.value.message_dict["children.2"][0]


def test_the_adult_must_be_an_adult_and_the_children_children(area: Area):
    with pytest.raises(ValidationError) as error:
        _issue(
            area,
            adult=_adult(born=TODAY() - timedelta(days=17 * 366)),
            children=[
                NamedPerson(details=adult_details("Grown", "Up", date_of_birth=date(1990, 1, 1)))
            ],
        )
    assert "under 18 on the date served" in error.value.message_dict["adult"][0]
    assert "recorded as an adult, not a child" in error.value.message_dict["children.1"][0]


def test_notice_rules(area: Area):
    with pytest.raises(ValidationError) as error:
        issue_notice(
            actor=area.police_analyst,
            details=NoticeDetails(
                kind="forever",
                adult=_adult(),
                children=[],
                served_on=TODAY() + timedelta(days=1),
                serving_officer=" ",
                withheld_by="neighbour",
                conditions="",
            ),
        )
    assert set(error.value.message_dict) == {
        "kind",
        "served_on",
        "serving_officer",
        "withheld_by",
        "conditions",
        "children",
    }


@pytest.mark.parametrize(
    "role",
    ["practitioner", "manager", "mash", "dsl", "health", "taskforce_analyst", "auditor", "admin"],
)
def test_only_the_police_issue_notices(area: Area, role: str):
    with pytest.raises(PermissionDenied):
        _issue(area, actor=getattr(area, role))


# The end of a notice -----------------------------------------------------------------


def test_birthdays_including_29_february():
    assert birthday(date(2014, 5, 17), 16) == date(2030, 5, 17)
    # Born on a leap day: the 16th birthday is a leap day too; the 18th falls on 1 March.
    assert birthday(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert birthday(date(2012, 2, 29), 18) == date(2030, 3, 1)
    # 2100 is not a leap year.
    assert birthday(date(2084, 2, 29), 16) == date(2100, 3, 1)


def test_the_end_date_agrees_with_how_ages_are_counted():
    child = Person(given_name="Leap", family_name="Day", date_of_birth=date(2012, 2, 29))
    end = birthday(child.date_of_birth, 18)
    assert child.age_on(end - timedelta(days=1)) == 17
    assert child.age_on(end) == 18


def test_each_child_is_covered_to_their_own_birthday_and_the_notice_to_the_last(area: Area):
    notice = _issue(
        area,
        kind=NoticeKind.IN_CARE,
        children=[_child("Leap", "Day", born=date(2012, 2, 29)), _child(born=date(2014, 5, 17))],
    )
    covered = {named.child.given_name: named.covered_until for named in notice.children.all()}
    assert covered == {"Leap": date(2030, 3, 1), "Amelia": date(2032, 5, 17)}
    assert notice.expires_on == date(2032, 5, 17)
    under_16 = _issue(area, children=[_child("Leap", "Twice", born=date(2012, 2, 29))])
    assert under_16.expires_on == date(2028, 2, 29)


def test_a_notice_expires_when_the_last_child_reaches_the_age_limit(area: Area):
    notice = _issue(area, children=[_child(born=date(2010, 12, 1))], served_on=date(2026, 11, 1))
    assert notice.expires_on == date(2026, 12, 1)
    assert notice.is_in_force(date(2026, 11, 30))
    assert not notice.is_in_force(date(2026, 12, 1))
    assert expire_notices(today=date(2026, 11, 30)) == 0
    assert expire_notices(today=date(2026, 12, 1)) == 1
    assert expire_notices(today=date(2026, 12, 2)) == 0  # once only
    notice.refresh_from_db()
    assert (notice.ended_on, notice.end_reason) == (date(2026, 12, 1), EndReason.AGE_REACHED)
    assert notice.review_clock is not None
    notice.review_clock.refresh_from_db()
    assert notice.review_clock.state() == ClockState.CANCELLED
    assert (
        AuditEntry.objects.filter(
            verb=AuditVerb.WARNING_NOTICE_ENDED, target_id=str(notice.pk), actor_id=None
        ).count()
        == 1
    )


def test_revoking_a_notice(area: Area):
    notice = _issue(area)
    with pytest.raises(PermissionDenied):
        end_notice(
            actor=area.other_police_analyst,
            notice=notice,
            ended_on=TODAY(),
            reason="Not ours to revoke",
        )
    with pytest.raises(ValidationError, match="why the notice is revoked"):
        end_notice(actor=area.police_analyst, notice=notice, ended_on=TODAY(), reason=" ")
    end_notice(
        actor=area.police_analyst,
        notice=notice,
        ended_on=TODAY(),
        reason="The family court granted contact.",
    )
    notice.refresh_from_db()
    assert notice.status() == "Revoked"
    assert not notice.is_in_force()
    entry = AuditEntry.objects.get(verb=AuditVerb.WARNING_NOTICE_ENDED)
    assert readable_reason(entry).text == "The family court granted contact."
    with pytest.raises(ValidationError, match="no longer in force"):
        end_notice(actor=area.police_analyst, notice=notice, ended_on=TODAY(), reason="Again")


def test_the_review_clock_runs_six_months_and_a_review_sets_the_next(area: Area):
    served = date(2026, 5, 29)
    notice = _issue(area, served_on=served)
    clock = notice.review_clock
    assert clock is not None
    assert (clock.clock_type, clock.due_on) == (ClockType.WARNING_NOTICE_REVIEW, date(2026, 11, 29))
    assert clock.authority == area.police
    assert clock.person is None  # a notice must not show on the adult's record to others
    with pytest.raises(PermissionDenied):
        review_notice(actor=area.other_police_analyst, notice=notice, reviewed_on=TODAY())
    review_notice(actor=area.police_analyst, notice=notice, reviewed_on=date(2026, 11, 2))
    clock.refresh_from_db()
    assert clock.state() == ClockState.MET
    assert notice.review_clock.due_on == date(2027, 5, 2)
    assert notice.last_reviewed_on == date(2026, 11, 2)


def test_copies_at_issue_and_after(area: Area):
    notice = _issue(area, copies=[("The child's mother", TODAY())])
    record_copy_given(
        actor=area.police_analyst, notice=notice, sent_to="Testshire Council", sent_on=TODAY()
    )
    assert list(notice.copies.values_list("sent_to", flat=True)) == [
        "The child's mother",
        "Testshire Council",
    ]
    later = AuditEntry.objects.filter(verb=AuditVerb.WARNING_NOTICE_ISSUED).last()
    assert later is not None
    assert later.payload["sent_to"] == "Testshire Council"
    with pytest.raises(PermissionDenied):
        record_copy_given(
            actor=area.other_police_analyst, notice=notice, sent_to="Someone", sent_on=TODAY()
        )
    with pytest.raises(ValidationError):
        record_copy_given(
            actor=area.police_analyst,
            notice=notice,
            sent_to="Early",
            sent_on=notice.served_on - timedelta(days=1),
        )


# Breaches ------------------------------------------------------------------------------


def test_any_force_records_a_breach_and_the_issuing_force_is_told(area: Area):
    notice = _issue(area, served_on=TODAY() - timedelta(days=30))
    breach = record_breach(
        actor=area.other_police_analyst,
        notice=notice,
        breach=BreachDetails(
            occurred_on=TODAY() - timedelta(days=2),
            place="Outside Otherton Academy",
            details="Seen waiting at the gate and walking away with Amelia.",
            supports_sexual_risk_order=True,
        ),
    )
    assert breach.recording_force == area.other_police
    assert breach.supports_sexual_risk_order is True
    entry = AuditEntry.objects.get(verb=AuditVerb.WARNING_NOTICE_BREACHED)
    assert entry.payload["supports_sexual_risk_order"] is True
    told = Notification.objects.get(recipient=area.police_analyst)
    assert "sexual risk order" in told.body
    assert "Pike" not in told.body
    assert "Amelia" not in told.body


def test_a_breach_must_fall_while_the_notice_is_in_force(area: Area):
    notice = _issue(area, served_on=TODAY() - timedelta(days=5))
    for day in (TODAY() - timedelta(days=6), TODAY() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            record_breach(
                actor=area.police_analyst,
                notice=notice,
                breach=BreachDetails(occurred_on=day, place="Park", details="Seen together."),
            )
    with pytest.raises(PermissionDenied):
        record_breach(
            actor=area.dsl,
            notice=notice,
            breach=BreachDetails(occurred_on=TODAY(), place="School", details="At the gate."),
        )


# Who sees the register -------------------------------------------------------------------


@pytest.fixture
def known_child(area: Area) -> Person:
    """A child known to the school, the council and the police, by NHS number."""
    child = area.child_known_to_school()
    for recorder in (area.practitioner, area.police_analyst):
        make_concern(
            recorder,
            local_authority=area.council,
            child=child_details(nhs_number=nhs_number_for(1)),
        )
        # Matching joins each concern to the child but opens no record: each agency holds
        # its own record of the child.
        assert recorder.agency is not None
        ensure_agency_record(child, recorder.agency)
    return child


@pytest.fixture
def notice(area: Area, known_child: Person) -> WarningNotice:
    return _issue(area, children=[NamedPerson(person_id=known_child.pk)])


SEES_NOTICE = {
    "police_analyst": True,
    "other_police_analyst": True,
    "practitioner": True,
    "manager": True,
    "mash": True,
}


@pytest.mark.parametrize(
    "role",
    [
        "police_analyst",
        "other_police_analyst",
        "practitioner",
        "manager",
        "mash",
        "other_mash",
        "dsl",
        "health",
        "taskforce_analyst",
        "auditor",
        "admin",
    ],
)
def test_who_sees_a_notice(area: Area, client_for, notice: WarningNotice, role: str):
    client = client_for(getattr(area, role))
    response = client.get(reverse("warningnotices:notice", args=[notice.pk]))
    if SEES_NOTICE.get(role):
        assert response.status_code == 200
        assert "Darren Pike" in response.content.decode()
        assert AuditEntry.objects.filter(
            verb=AuditVerb.WARNING_NOTICE_VIEWED,
            target_id=str(notice.pk),
            actor_id=getattr(area, role).pk,
        ).exists()
        listing = client.get(reverse("warningnotices:register")).content.decode()
        assert "Darren Pike" in listing
    else:
        assert response.status_code in {403, 404}
        assert "Darren Pike" not in response.content.decode()
        register = client.get(reverse("warningnotices:register"))
        assert "Darren Pike" not in register.content.decode()


def test_a_case_role_on_a_named_child_opens_the_notice(
    area: Area, client_for, notice: WarningNotice, known_child
):
    url = reverse("warningnotices:notice", args=[notice.pk])
    assert client_for(area.health).get(url).status_code == 404
    role = grants.assign_case_role(
        actor=area.manager, user=area.health, person_id=known_child.pk, kind="core-group"
    )
    assert client_for(area.health).get(url).status_code == 200
    from safeguarding.access.models import CaseRole

    CaseRole.objects.filter(pk=role.pk).update(ended_at=timezone.now())
    assert client_for(area.health).get(url).status_code == 404


def test_the_school_that_knows_the_child_does_not_see_the_notice(
    area: Area, client_for, notice: WarningNotice, known_child: Person
):
    # The school sees the child's record, but not the register.
    client = client_for(area.dsl)
    assert client.get(reverse("web:person", args=[known_child.pk])).status_code == 200
    assert client.get(reverse("warningnotices:notice", args=[notice.pk])).status_code == 404
    for action in ("breach", "copy", "review", "end"):
        assert client.post(reverse(f"warningnotices:{action}", args=[notice.pk])).status_code == 403


def test_social_workers_are_told_of_a_notice(area: Area, known_child: Person):
    _issue(area, children=[NamedPerson(person_id=known_child.pk)])
    # The council holds a record on the child: its team managers are told.
    assert Notification.objects.filter(recipient=area.manager).count() == 1
    assert not Notification.objects.filter(recipient=area.dsl).exists()


# Pages ----------------------------------------------------------------------------------


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _form(**extra: str) -> dict[str, str]:
    return {
        "child_count": "1",
        "kind": NoticeKind.UNDER_16,
        "adult-given_name": "Darren",
        "adult-family_name": "Pike",
        **_date("adult-date_of_birth", date(1985, 3, 2)),
        "child-1-given_name": "Amelia",
        "child-1-family_name": "Hartley",
        **_date("child-1-date_of_birth", date(2014, 5, 17)),
        **_date("served_on", TODAY()),
        "serving_officer": "PC 4411 Jo Baxter",
        "withheld_by": WithheldBy.PARENT,
        "conditions": "Do not contact Amelia.",
        "action": "issue",
        **extra,
    }


def test_issue_through_the_page(area: Area, client_for):
    client = client_for(area.police_analyst)
    assert client.get(reverse("warningnotices:issue")).status_code == 200
    response = client.post(reverse("warningnotices:issue"), _form())
    notice = WarningNotice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("warningnotices:notice", args=[notice.pk])
    assert notice.adult.full_name == "Darren Pike"
    assert [n.child.full_name for n in notice.children.all()] == ["Amelia Hartley"]
    page = client.get(response.url).content.decode()
    assert "17 May 2030 (16th birthday)" in page


def test_add_another_child_then_issue(area: Area, client_for):
    client = client_for(area.police_analyst)
    more = client.post(reverse("warningnotices:issue"), _form(action="add-child"))
    assert more.status_code == 200
    page = more.content.decode()
    assert "Second child&#x27;s given name" in page
    assert 'name="child_count" value="2"' in page
    assert not WarningNotice.objects.exists()
    response = client.post(
        reverse("warningnotices:issue"),
        _form(
            **{
                "child_count": "2",
                "child-2-given_name": "Leo",
                "child-2-family_name": "Hartley",
                **_date("child-2-date_of_birth", date(2009, 1, 1)),
            }
        ),
    )
    assert response.status_code == 400
    assert "Leo Hartley was 17 on the date served" in response.content.decode()
    response = client.post(
        reverse("warningnotices:issue"),
        _form(
            **{
                "child_count": "2",
                "kind": NoticeKind.IN_CARE,
                "child-2-given_name": "Leo",
                "child-2-family_name": "Hartley",
                **_date("child-2-date_of_birth", date(2009, 1, 1)),
            }
        ),
    )
    assert response.status_code == 302
    assert WarningNotice.objects.get().children.count() == 2


def test_issue_page_errors(area: Area, client_for):
    response = client_for(area.police_analyst).post(
        reverse("warningnotices:issue"), {"child_count": "1", "action": "issue"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for message in (
        "Choose the kind of notice",
        "Enter the adult&#x27;s given name",
        "Enter the first child&#x27;s date of birth",
        "Enter the date the notice was served",
    ):
        assert message in page


def test_issue_from_a_childs_record(area: Area, client_for, known_child: Person):
    client = client_for(area.police_analyst)
    url = reverse("warningnotices:issue") + f"?child={known_child.pk}"
    page = client.get(url).content.decode()
    assert "Amelia Hartley, born 17 May 2014" in page
    assert "First child&#x27;s given name" not in page
    form = {key: value for key, value in _form().items() if not key.startswith("child-")}
    response = client.post(url, {**form, "child_count": "0"})
    assert response.status_code == 302
    assert WarningNotice.objects.get().children.get().child == known_child


@pytest.mark.parametrize("role", ["practitioner", "dsl", "health", "taskforce_analyst"])
def test_issue_page_is_for_the_police(area: Area, client_for, role: str):
    assert client_for(getattr(area, role)).get(reverse("warningnotices:issue")).status_code == 403


def test_breach_review_copy_and_revoke_through_the_page(area: Area, client_for):
    notice = _issue(area, served_on=TODAY() - timedelta(days=10))
    other = client_for(area.other_police_analyst)
    page = other.get(reverse("warningnotices:notice", args=[notice.pk])).content.decode()
    assert "Record a breach" in page
    assert "Revoke the notice" not in page  # only the issuing force
    response = other.post(
        reverse("warningnotices:breach", args=[notice.pk]),
        {
            **_date("occurred_on", TODAY()),
            "place": "Bus station",
            "details": "With Amelia.",
            "supports_sexual_risk_order": "on",
        },
    )
    assert response.status_code == 302
    assert notice.breaches.get().supports_sexual_risk_order is True
    assert (
        other.post(
            reverse("warningnotices:end", args=[notice.pk]),
            {**_date("ended_on", TODAY()), "reason": "Not ours"},
        ).status_code
        == 403
    )

    issuing = client_for(area.police_analyst)
    assert (
        issuing.post(
            reverse("warningnotices:copy", args=[notice.pk]),
            {"sent_to": "Head teacher", **_date("sent_on", TODAY())},
        ).status_code
        == 302
    )
    assert (
        issuing.post(
            reverse("warningnotices:review", args=[notice.pk]), _date("reviewed_on", TODAY())
        ).status_code
        == 302
    )
    bad = issuing.post(reverse("warningnotices:end", args=[notice.pk]), _date("ended_on", TODAY()))
    assert bad.status_code == 400
    assert "Enter why the notice is revoked" in bad.content.decode()
    assert (
        issuing.post(
            reverse("warningnotices:end", args=[notice.pk]),
            {**_date("ended_on", TODAY()), "reason": "Court order for contact."},
        ).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.end_reason == EndReason.REVOKED


def test_views_read_notices_only_through_the_queries():
    import ast
    from pathlib import Path

    import safeguarding.warningnotices.views as views

    tree = ast.parse(Path(views.__file__).read_text())
    assert [
        n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "objects"
    ] == []


def test_each_child_is_named_once(area: Area):
    with pytest.raises(ValidationError, match="Name each child once"):
        _issue(area, children=[_child(), _child("AMELIA", "Hartley")])


def test_the_person_page_offers_a_notice_to_the_police_only(
    area: Area, client_for, known_child: Person
):
    url = reverse("web:person", args=[known_child.pk])
    issue = reverse("warningnotices:issue")
    police_page = client_for(area.police_analyst).get(url).content.decode()
    assert f"{issue}?child={known_child.pk}" in police_page
    assert reverse("therapy:refer", args=[known_child.pk]) in police_page
    council_page = client_for(area.practitioner).get(url).content.decode()
    assert issue not in council_page
    # The link opens the form with the child already named.
    form = client_for(area.police_analyst).get(f"{issue}?child={known_child.pk}")
    assert form.status_code == 200
    assert known_child.given_name in form.content.decode()
