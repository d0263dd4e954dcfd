"""Probing need-to-know as an attacker with a valid account would: the names on the home
page, and matching a child by identifiers to open a record held elsewhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguarding.access.actions import issue_api_token
from safeguarding.access.models import AgencyKind
from safeguarding.access.policy import may_see_person
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import ConcernPerson
from safeguarding.people.models import AgencyRecord
from tests.factories import (
    Area,
    child_details,
    make_agency,
    make_concern,
    make_user,
    nhs_number_for,
)

pytestmark = pytest.mark.django_db


def test_the_home_page_names_only_people_the_user_may_see(area: Area, client_for) -> None:
    child = area.child_known_to_school()
    # The police record a concern naming the school's pupil (matched by NHS number) and a
    # sibling the school holds nothing on.
    make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(nhs_number=nhs_number_for(1)),
        others=[("sibling", child_details("Tobias", "Quenby", born=date(2011, 2, 3)))],
        summary="Both children seen out late with an adult of concern.",
    )
    sibling = ConcernPerson.objects.get(person__given_name="Tobias").person
    assert not may_see_person(area.dsl, sibling.pk)
    page = client_for(area.dsl).get("/").content.decode()
    assert "Amelia" in page
    assert "Tobias" not in page
    assert str(sibling.pk) not in page
    listed = AuditEntry.objects.filter(verb=AuditVerb.CONCERNS_LISTED).latest("sequence")
    # The entry names whose names the page showed.
    assert listed.payload["persons"] == [str(child.pk)]


def _police_only_child(area: Area):
    concern = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Imogen", "Thackeray", nhs_number=nhs_number_for(41)),
        summary="Police intelligence: the child is being groomed by a named adult.",
    )
    return concern.involvements.get().person


def test_matching_a_child_by_identifiers_does_not_open_the_record(area: Area, client_for) -> None:
    child = _police_only_child(area)
    charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-TEST")
    worker = make_user(Role.PRACTITIONER, charity, username="charity-worker")
    system = make_user(Role.SYSTEM_INTEGRATION, charity, username="charity-system", totp=False)
    assert not may_see_person(worker, child.pk)
    token = issue_api_token(actor=None, user=system, name="charity records")
    headers = {"Authorization": f"Bearer {token}"}
    client = client_for(worker)
    # The same NHS number and date of birth, and a near name: the concern joins the child.
    response = client.post(
        "/api/v1/concerns",
        {
            "category": "cse",
            "summary": "Told our youth worker about an older boyfriend.",
            "recorded_at": "2026-11-30T10:00:00+00:00",
            "local_authority": area.council.code,
            "agency_record_id": "YW-1",
            "persons": [
                {
                    "role": "child",
                    "details": {
                        "given_name": "Imogen",
                        "family_name": "Thackery",
                        "kind": "child",
                        "date_of_birth": "2014-05-17",
                        "identifiers": [{"scheme": "nhs", "value": nhs_number_for(41)}],
                    },
                }
            ],
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["persons"][0]["person_id"] == str(child.pk)
    # Joined, but not opened: no record held, no person through the API or the web.
    assert ConcernPerson.objects.filter(person=child, concern_id=body["id"]).exists()
    assert not AgencyRecord.objects.filter(agency=charity, person=child).exists()
    assert not may_see_person(system, child.pk)
    assert not may_see_person(worker, child.pk)
    assert client.get(f"/api/v1/persons/{child.pk}", headers=headers).status_code == 404
    assert client.get(f"/people/{child.pk}/").status_code == 404
    # What it recorded, it still sees.
    own = client.get(f"/api/v1/concerns/{body['id']}", headers=headers)
    assert own.status_code == 200
    assert "groomed" not in own.content.decode()


def test_the_web_form_leaves_a_matched_child_closed(area: Area, client_for) -> None:
    child = _police_only_child(area)
    response = client_for(area.dsl).post(
        "/concerns/new/",
        {
            "category": "neglect",
            "summary": "Arrived hungry three days running.",
            "disclosed_on_0": "30",
            "disclosed_on_1": "11",
            "disclosed_on_2": "2026",
            # The same date under the field's earlier name.
            "recorded_on_0": "30",
            "recorded_on_1": "11",
            "recorded_on_2": "2026",
            "local_authority": area.council.pk,
            "child-given_name": "Imogen",
            "child-family_name": "Thackeray",
            "child-date_of_birth_0": "17",
            "child-date_of_birth_1": "5",
            "child-date_of_birth_2": "2014",
            "child-sex": "female",
            "child-nhs_number": nhs_number_for(41),
        },
    )
    assert response.status_code == 302
    assert response.url == "/"
    assert ConcernPerson.objects.filter(person=child, concern__agency=area.school).exists()
    assert not may_see_person(area.dsl, child.pk)


def test_the_who_knew_what_report_gives_an_auditor_no_name(
    area: Area, client_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.template.loader import render_to_string

    from safeguarding.chronology import views

    child = area.child_known_to_school()
    rendered: list[str] = []

    def as_html(context: dict[str, object]) -> bytes:
        rendered.append(render_to_string("chronology/who_knew_print.html", context))
        return b"%PDF-"

    monkeypatch.setattr(views, "knowledge_pdf", as_html)
    url = reverse("chronology:who-knew-what", args=[child.pk])
    assert client_for(area.auditor).get(url).status_code == 200
    assert "Amelia" not in rendered[-1]
    assert "Hartley" not in rendered[-1]
    assert str(child.pk) in rendered[-1]
    # The MASH, with sight of the child, still has the name.
    assert client_for(area.mash).get(url).status_code == 200
    assert "Amelia Hartley" in rendered[-1]
