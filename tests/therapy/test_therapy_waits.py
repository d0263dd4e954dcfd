"""Therapy waits: referral starts the wait's clock (the authority's limit, or 4 weeks), the
provider records the start, and the taskforce sees breaches only as suppressed counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import set_clock_limit
from safeguarding.clocks.models import ClockState
from safeguarding.clocks.rules import ClockType, Unit
from safeguarding.notifications.models import Notification
from safeguarding.people.models import AgencyRecord, Person
from safeguarding.therapy.actions import ReferralDetails, record_therapy_start, refer_for_therapy
from safeguarding.therapy.models import ServiceType, TherapyReferral
from safeguarding.therapy.queries import breach_figures, financial_year
from tests.factories import (
    Area,
    adult_details,
    child_details,
    make_agency,
    make_concern,
    make_user,
)
from tests.taskforce.attacker import Published, given_away

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def _child(area: Area, number: int = 1) -> Person:
    """A child the school knows (so its designated safeguarding lead can refer them)."""
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details("Child", f"Number{number}", born=date(2013, 1, number % 28 + 1)),
    )
    return concern.involvements.get(role="child").person


def _refer(
    area: Area, child: Person, *, on: date | None = None, provider=None, authority=None
) -> TherapyReferral:
    return refer_for_therapy(
        actor=area.dsl,
        details=ReferralDetails(
            person_id=child.pk,
            provider=provider or area.nhs,
            service_type=ServiceType.CAMHS,
            authority=authority or area.council,
            referred_on=on or _today(),
        ),
    )


def test_a_referral_starts_a_four_week_wait_and_tells_the_provider(area: Area):
    child = _child(area)
    referral = _refer(area, child, on=date(2026, 3, 2))
    clock = referral.clock
    assert clock.clock_type == ClockType.THERAPY_WAIT
    assert (clock.started_on, clock.due_on) == (date(2026, 3, 2), date(2026, 3, 30))
    assert clock.authority == area.council
    assert clock.accountable == area.dsl
    assert clock.subject == f"therapy-referral:{referral.pk}"
    # The provider now holds a record of the child, so its staff see the child.
    assert AgencyRecord.objects.filter(agency=area.nhs, person=child).exists()
    entry = AuditEntry.objects.get(verb=AuditVerb.THERAPY_REFERRAL_RECORDED)
    assert entry.target_id == str(referral.pk)
    assert entry.payload["provider"] == area.nhs.code
    assert entry.payload["due_on"] == "2026-03-30"
    told = Notification.objects.get(recipient=area.health)
    assert told.link == f"/therapy/referrals/{referral.pk}/"
    assert child.full_name not in told.body


def test_the_wait_follows_the_authoritys_own_limit(area: Area):
    set_clock_limit(
        actor=None,
        authority=area.council,
        clock_type=ClockType.THERAPY_WAIT,
        amount=2,
        unit=Unit.WEEKS,
    )
    referral = _refer(area, _child(area), on=date(2026, 3, 2))
    assert referral.clock.due_on == date(2026, 3, 16)
    other = _refer(area, _child(area, 2), on=date(2026, 3, 2), authority=area.other_council)
    assert other.clock.due_on == date(2026, 3, 30)


def test_only_a_child_the_referrer_may_see_can_be_referred(area: Area):
    child = _child(area)
    with pytest.raises(ValidationError) as error:
        refer_for_therapy(
            actor=area.other_mash,
            details=ReferralDetails(
                person_id=child.pk,
                provider=area.nhs,
                service_type=ServiceType.CAMHS,
                authority=area.council,
                referred_on=_today(),
            ),
        )
    assert "person" in error.value.message_dict
    assert not TherapyReferral.objects.exists()


@pytest.mark.parametrize("role", ["taskforce_analyst", "auditor", "admin"])
def test_roles_without_case_work_cannot_refer(area: Area, role: str):
    with pytest.raises(PermissionDenied):
        refer_for_therapy(
            actor=getattr(area, role),
            details=ReferralDetails(
                person_id=_child(area).pk,
                provider=area.nhs,
                service_type=ServiceType.CAMHS,
                authority=area.council,
                referred_on=_today(),
            ),
        )


def test_referral_rules(area: Area):
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(),
        others=[("parent", adult_details())],
    )
    adult = concern.involvements.get(role="parent").person
    with pytest.raises(ValidationError) as error:
        refer_for_therapy(
            actor=area.dsl,
            details=ReferralDetails(
                person_id=adult.pk,
                provider=area.school,
                service_type="massage",
                authority=area.police,
                referred_on=_today() + timedelta(days=1),
            ),
        )
    assert set(error.value.message_dict) == {
        "person",
        "provider",
        "service_type",
        "authority",
        "referred_on",
    }


def test_the_provider_records_the_start_and_meets_the_clock(area: Area):
    referral = _refer(area, _child(area), on=_today() - timedelta(days=10))
    record_therapy_start(actor=area.health, referral=referral, started_on=_today())
    referral.refresh_from_db()
    assert referral.started_on == _today()
    assert referral.clock.state() == ClockState.MET
    entry = AuditEntry.objects.get(verb=AuditVerb.THERAPY_STARTED)
    assert entry.payload == {"started_on": _today().isoformat(), "days_waited": 10, "late": False}


def test_a_start_after_the_limit_is_met_late(area: Area):
    referral = _refer(area, _child(area), on=_today() - timedelta(weeks=6))
    record_therapy_start(actor=area.health, referral=referral, started_on=_today())
    referral.clock.refresh_from_db()
    assert referral.clock.state() == ClockState.MET_LATE
    assert AuditEntry.objects.get(verb=AuditVerb.THERAPY_STARTED).payload["late"] is True


def test_start_rules(area: Area):
    referral = _refer(area, _child(area), on=_today() - timedelta(days=3))
    for outsider in (area.dsl, area.practitioner, area.police_analyst):
        with pytest.raises(PermissionDenied):
            record_therapy_start(actor=outsider, referral=referral, started_on=_today())
    with pytest.raises(ValidationError, match="before the child was referred"):
        record_therapy_start(
            actor=area.health, referral=referral, started_on=_today() - timedelta(days=4)
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        record_therapy_start(
            actor=area.health, referral=referral, started_on=_today() + timedelta(days=1)
        )
    record_therapy_start(actor=area.health, referral=referral, started_on=_today())
    with pytest.raises(ValidationError, match="already started"):
        record_therapy_start(actor=area.health, referral=referral, started_on=_today())


# Pages --------------------------------------------------------------------------------


def test_refer_through_the_page(area: Area, client_for):
    child = _child(area)
    client = client_for(area.dsl)
    page = client.get(reverse("therapy:refer", args=[child.pk]))
    assert page.status_code == 200
    assert area.nhs.name in page.content.decode()
    assert area.school.name not in page.content.decode().split("Service provider")[1][:2000]
    day = _today() - timedelta(days=2)
    response = client.post(
        reverse("therapy:refer", args=[child.pk]),
        {
            "provider": area.nhs.pk,
            "service_type": ServiceType.SEXUAL_ABUSE_THERAPY,
            "authority": area.council.pk,
            "referred_on_0": day.day,
            "referred_on_1": day.month,
            "referred_on_2": day.year,
            "notes": "Nightmares since the disclosure.",
        },
    )
    referral = TherapyReferral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("therapy:referral", args=[referral.pk])
    assert referral.referred_on == day
    listing = client.get(reverse("therapy:referrals")).content.decode()
    assert child.full_name in listing


def test_refer_page_errors(area: Area, client_for):
    child = _child(area)
    response = client_for(area.dsl).post(reverse("therapy:refer", args=[child.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the provider the child is referred to" in page
    assert "Enter the date of the referral" in page


def test_refer_page_is_need_to_know(area: Area, client_for):
    child = _child(area)
    assert (
        client_for(area.other_mash).get(reverse("therapy:refer", args=[child.pk])).status_code
        == 404
    )
    assert (
        client_for(area.taskforce_analyst)
        .get(reverse("therapy:refer", args=[child.pk]))
        .status_code
        == 403
    )


def test_waiting_list_and_start_through_the_pages(area: Area, client_for):
    child = _child(area)
    referral = _refer(area, child, on=_today() - timedelta(days=30))
    provider = client_for(area.health)
    waiting = provider.get(reverse("therapy:waiting-list"))
    assert waiting.status_code == 200
    body = waiting.content.decode()
    assert child.full_name in body
    assert "Overdue" in body
    listed = AuditEntry.objects.filter(
        verb=AuditVerb.THERAPY_REFERRAL_VIEWED, target_type=TargetType.THERAPY_REFERRAL_LIST
    ).last()
    assert listed is not None
    assert listed.payload["referrals"] == [str(referral.pk)]

    detail = provider.get(reverse("therapy:referral", args=[referral.pk]))
    assert "Record the start of therapy" in detail.content.decode()
    assert AuditEntry.objects.filter(
        verb=AuditVerb.PERSON_VIEWED, target_id=str(child.pk), actor_id=area.health.pk
    ).exists()
    assert AuditEntry.objects.filter(
        verb=AuditVerb.THERAPY_REFERRAL_VIEWED, target_id=str(referral.pk)
    ).exists()
    response = provider.post(
        reverse("therapy:start", args=[referral.pk]),
        {
            "started_on_0": _today().day,
            "started_on_1": _today().month,
            "started_on_2": _today().year,
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.started_on == _today()
    assert child.full_name not in provider.get(reverse("therapy:waiting-list")).content.decode()


def test_another_providers_staff_see_neither_list_nor_referral(area: Area, client_for):
    other_trust = make_agency(AgencyKind.NHS_BODY, code="NHS-OTHER")
    from tests.factories import make_user

    other_staff = make_user("practitioner", other_trust)
    child = _child(area)
    referral = _refer(area, child)
    client = client_for(other_staff)
    assert child.full_name not in client.get(reverse("therapy:waiting-list")).content.decode()
    assert client.get(reverse("therapy:referral", args=[referral.pk])).status_code == 404
    start = client.post(
        reverse("therapy:start", args=[referral.pk]),
        {"started_on_0": "1", "started_on_1": "1", "started_on_2": "2026"},
    )
    assert start.status_code == 404


def test_the_referrer_cannot_record_the_start(area: Area, client_for):
    referral = _refer(area, _child(area))
    client = client_for(area.dsl)
    assert (
        "Record the start"
        not in client.get(reverse("therapy:referral", args=[referral.pk])).content.decode()
    )
    today = _today()
    response = client.post(
        reverse("therapy:start", args=[referral.pk]),
        {"started_on_0": today.day, "started_on_1": today.month, "started_on_2": today.year},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["dsl", "practitioner", "police_analyst", "auditor"])
def test_waiting_list_is_for_provider_staff(area: Area, client_for, role: str):
    assert client_for(getattr(area, role)).get(reverse("therapy:waiting-list")).status_code == 403


# The taskforce's figures -------------------------------------------------------------


def test_breaches_are_overdue_waits_and_late_starts(area: Area):
    on_time = _refer(area, _child(area, 1), on=_today() - timedelta(days=10))
    record_therapy_start(actor=area.health, referral=on_time, started_on=_today())
    late = _refer(area, _child(area, 2), on=_today() - timedelta(weeks=6))
    record_therapy_start(actor=area.health, referral=late, started_on=_today() - timedelta(days=1))
    _refer(area, _child(area, 3), on=_today() - timedelta(weeks=5))  # still waiting, overdue
    _refer(area, _child(area, 4), on=_today() - timedelta(days=3))  # waiting, within limit
    from safeguarding.therapy.queries import breached

    assert set(
        TherapyReferral.objects.filter(breached(_today())).values_list(
            "person__family_name", flat=True
        )
    ) == {"Number2", "Number3"}


def test_figures_suppress_counts_under_five(area: Area):
    old = _today() - timedelta(weeks=6)
    for number in range(1, 5):  # four overdue waits at the NHS trust
        _refer(area, _child(area, number), on=old)
    charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-1", name="Helping Hands")
    charity_staff = make_user(Role.PRACTITIONER, charity, username="charity")
    for number in range(5, 12):  # seven at the charity, five of them overdue
        referral = _refer(area, _child(area, number), on=old, provider=charity)
        if number >= 10:
            record_therapy_start(actor=charity_staff, referral=referral, started_on=old)
    # Whole financial years, as the national dashboard counts them.
    figures = breach_figures(year=financial_year(old))
    by_provider = {row.name: row for row in figures.by_provider}
    nhs = by_provider[area.nhs.name]
    assert (nhs.referrals, nhs.breaches, nhs.rate) == ("fewer than 5", "fewer than 5", "not shown")
    # The authority's 11 and 9 less the charity's 7 and 5 would be the trust's 4 and 4: the
    # charity's counts are hidden as well, and so is its rate.
    helping = by_provider["Helping Hands"]
    assert (helping.referrals, helping.breaches, helping.rate) == (
        "not shown",
        "not shown",
        "not shown",
    )
    (council,) = figures.by_authority
    assert (council.name, council.referrals, council.breaches, council.rate) == (
        area.council.name,
        "11",
        "9",
        "82%",
    )
    assert (figures.total.referrals, figures.total.breaches) == ("11", "9")
    published = Published()
    for prefix, rows in (("authority", figures.by_authority), ("provider", figures.by_provider)):
        for row in rows:
            published.shown((prefix, row.name, "referrals"), row.referrals)
            published.shown((prefix, row.name, "breaches"), row.breaches)
        for measure in ("referrals", "breaches"):
            published.add_sum(("total", measure), [(prefix, r.name, measure) for r in rows])
    published.shown(("total", "referrals"), figures.total.referrals)
    published.shown(("total", "breaches"), figures.total.breaches)
    assert given_away(published) == {}


def test_figures_page_is_for_the_taskforce_and_names_no_child(area: Area, client_for):
    child = _child(area)
    _refer(area, child, on=_today() - timedelta(weeks=6))
    year = financial_year(_today() - timedelta(weeks=6))
    page = client_for(area.taskforce_analyst).get(reverse("therapy:breaches"), {"year": year})
    assert page.status_code == 200
    body = page.content.decode()
    assert area.council.name in body
    assert "fewer than 5" in body
    assert child.family_name not in body
    for role in ("dsl", "police_analyst", "manager", "auditor"):
        assert client_for(getattr(area, role)).get(reverse("therapy:breaches")).status_code == 403
    # A provider's staff see the same counts, to compare their waits.
    assert client_for(area.health).get(reverse("therapy:breaches")).status_code == 200


def test_views_read_referrals_only_through_the_queries():
    """The architecture test lists the core personal-data models; referrals are personal
    data too, so the therapy views never touch a model's manager."""
    import ast
    from pathlib import Path

    import safeguarding.therapy.views as views

    tree = ast.parse(Path(views.__file__).read_text())
    managers = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert managers == []
