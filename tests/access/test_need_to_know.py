"""Who sees a person, through the web, for every role: allowed, or 404 as if absent."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from safeguarding.access.models import CaseRole
from safeguarding.access.policy import agencies_holding, registered_holdings
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.notifications.models import Notification
from safeguarding.people import grants
from safeguarding.people.queries import visible_persons
from tests.factories import Area, adult_details, child_details, make_concern

pytestmark = pytest.mark.django_db

# Who may see a child known only to the school in Testshire, whose concern went to
# Testshire's MASH. Everyone else gets 404.
# The council's team manager triages and decides contacts at its MASH, as its triage
# officer does.
SEES_SCHOOL_CHILD = {"dsl": True, "mash": True, "manager": True}
ROLES = [
    "practitioner",
    "manager",
    "mash",
    "other_mash",
    "dsl",
    "police_analyst",
    "other_police_analyst",
    "health",
    "taskforce_analyst",
    "auditor",
    "admin",
]


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_person_page_for_every_role(area: Area, client_for, role):
    child = area.child_known_to_school()
    user = getattr(area, role)
    response = client_for(user).get(reverse("web:person", args=[child.pk]))
    expected = 200 if SEES_SCHOOL_CHILD.get(role) else 404
    assert response.status_code == expected
    if expected == 404:
        assert child.full_name not in response.content.decode()
        # The refusal looks exactly like a record that does not exist.
        missing = client_for(user).get(
            reverse("web:person", args=["00000000-0000-4000-8000-000000000000"])
        )
        assert missing.status_code == 404
        assert _without_csrf(missing.content) == _without_csrf(response.content)


@pytest.mark.parametrize("role", ROLES)
def test_record_concern_form_never_reveals_an_unseen_person(area: Area, client_for, role):
    child = area.child_known_to_school()
    user = getattr(area, role)
    response = client_for(user).get(reverse("concerns:record") + f"?person={child.pk}")
    body = response.content.decode()
    if SEES_SCHOOL_CHILD.get(role):
        assert response.status_code == 200
        assert child.full_name in body
    else:
        assert child.full_name not in body
        assert response.status_code in {200, 403}


@pytest.mark.parametrize("role", ROLES)
def test_search_only_finds_visible_people(area: Area, client_for, role):
    area.child_known_to_school()
    user = getattr(area, role)
    response = client_for(user).post(reverse("people:search"), {"name": "Amelia Hartly"})
    if role in {"taskforce_analyst", "auditor", "admin"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    child = area.school.records.get().person
    found = reverse("web:person", args=[child.pk]) in response.content.decode()
    assert found == bool(SEES_SCHOOL_CHILD.get(role))


@pytest.mark.parametrize("role", ROLES)
def test_home_page_lists_only_visible_concerns(area: Area, client_for, role):
    area.child_known_to_school()
    response = client_for(getattr(area, role)).get("/")
    assert response.status_code == 200
    assert ("Amelia Hartley" in response.content.decode()) == bool(SEES_SCHOOL_CHILD.get(role))


def test_agency_record_gives_sight_and_other_agencies_stay_blind(area: Area):
    concern = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Kai", "Morton"),
        others=[("adult-of-concern", adult_details())],
    )
    child = concern.involvements.get(role="child").person
    assert visible_persons(area.police_analyst).filter(pk=child.pk).exists()
    assert not visible_persons(area.other_police_analyst).filter(pk=child.pk).exists()
    assert not visible_persons(area.health).filter(pk=child.pk).exists()


def test_case_role_gives_sight_until_it_ends(area: Area):
    child = area.child_known_to_school()
    assert not visible_persons(area.health).filter(pk=child.pk).exists()
    role = grants.assign_case_role(
        actor=area.mash, user=area.health, person_id=child.pk, kind=CaseRole.Kind.CORE_GROUP
    )
    assert visible_persons(area.health).filter(pk=child.pk).exists()
    CaseRole.objects.filter(pk=role.pk).update(ended_at=role.started_at)
    assert not visible_persons(area.health).filter(pk=child.pk).exists()


def test_mash_sees_concerns_sent_to_it_not_to_another_authority(area: Area):
    concern = make_concern(
        area.police_analyst,
        local_authority=area.other_council,
        child=child_details("Maya", "Quinn"),
    )
    child = concern.involvements.get(role="child").person
    assert visible_persons(area.other_mash).filter(pk=child.pk).exists()
    assert not visible_persons(area.mash).filter(pk=child.pk).exists()


def test_the_apps_that_hold_records_register_their_holdings():
    """Need-to-know reads agency records and concerns sent to a MASH through the holdings
    their apps register at start-up: a holding missing would hide people silently."""
    assert sorted(registered_holdings()) == ["concerns.sent_to_mash", "people.agency_records"]


def test_break_glass_notices_go_to_every_agency_holding_a_record(area: Area):
    concern = make_concern(
        area.police_analyst, local_authority=area.other_council, child=child_details("Ada", "Lim")
    )
    child = concern.involvements.get(role="child").person
    assert agencies_holding(child.pk) == {area.police_analyst.agency_id, area.other_council.pk}


def test_every_person_page_view_is_audited(area: Area, client_for):
    child = area.child_known_to_school()
    client = client_for(area.dsl)
    before = AuditEntry.objects.filter(
        verb=AuditVerb.PERSON_VIEWED, target_id=str(child.pk)
    ).count()
    for _ in range(3):
        assert client.get(reverse("web:person", args=[child.pk])).status_code == 200
    entries = AuditEntry.objects.filter(verb=AuditVerb.PERSON_VIEWED, target_id=str(child.pk))
    assert entries.count() == before + 3
    assert set(entries.values_list("actor_label", flat=True)) == {"dsl"}


def test_break_glass_needs_a_reason_is_audited_and_tells_the_owning_agency(
    area: Area, client_for, django_capture_on_commit_callbacks
):
    child = area.child_known_to_school()
    nurse = area.health
    client = client_for(nurse)
    detail = reverse("web:person", args=[child.pk])
    assert client.get(detail).status_code == 404

    short = client.post(reverse("people:break-glass"), {"reason": "need it", "name": "Amelia"})
    assert "at least 20 characters" in short.content.decode()

    reason = "Child brought to A&E unconscious; need history of concerns now"
    found = client.post(reverse("people:break-glass"), {"reason": reason, "name": "Amelia"})
    assert "Amelia Hartley" in found.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(reverse("people:break-glass-open", args=[child.pk]))
    assert opened.status_code == 302
    assert client.get(detail).status_code == 200

    grant = AuditEntry.objects.get(verb=AuditVerb.BREAK_GLASS_GRANTED, target_id=str(child.pk))
    assert readable_reason(grant).text == reason
    assert grant.actor_label == nurse.username
    # The school holds a record and the council's MASH received the concern: the school's
    # DSL and the council's team manager are told; nobody at unrelated agencies is.
    notified = {n.recipient for n in Notification.objects.filter(subject__icontains="break-glass")}
    assert notified == {area.manager, area.dsl}
    assert any("manager@testshire.example" in m.to for m in mail.outbox)
    assert all(child.full_name not in m.body for m in mail.outbox)


def test_roles_without_case_work_cannot_break_glass(area: Area, client_for):
    for user in (area.taskforce_analyst, area.auditor, area.admin):
        assert client_for(user).get(reverse("people:break-glass")).status_code == 403
