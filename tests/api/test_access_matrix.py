"""Who sees what through the API: the web's need-to-know rules, role by role.

A child known only to the school in Testshire, whose concern the school sent to
Testshire's MASH, is seen by the school's DSL and by Testshire's MASH. Everyone else gets
the 404 a record that does not exist gets, and roles that do no case work see nothing.
"""

from __future__ import annotations

import pytest

from safeguarding.access.models import CaseRole
from safeguarding.people import grants
from safeguarding.people.models import Person
from tests.api.conftest import ALL_ROLES, MISSING_PERSON_ID, NO_CASE_WORK_ROLES
from tests.factories import Area

pytestmark = pytest.mark.django_db

SEES_SCHOOL_CHILD = {"dsl", "mash", "manager"}
PERSON_ENDPOINTS = ["/persons/{id}", "/persons/{id}/concerns"]


def _concern_id(child: Person) -> str:
    return str(child.involvements.get().concern_id)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("template", PERSON_ENDPOINTS)
def test_person_endpoints_for_every_role(area: Area, api_as, role, template):
    child = area.child_known_to_school()
    api = api_as(getattr(area, role))
    response = api.get(template, id=child.pk)
    if role in SEES_SCHOOL_CHILD:
        assert response.status_code == 200
        assert child.family_name in response.content.decode() or template.endswith("concerns")
    else:
        assert response.status_code == 404
        assert child.family_name not in response.content.decode()
        # A refused record is indistinguishable from one that does not exist.
        missing = api.get(template, id=MISSING_PERSON_ID)
        assert missing.status_code == 404
        assert missing.content == response.content


@pytest.mark.parametrize("role", ALL_ROLES)
def test_concern_endpoint_for_every_role(area: Area, api_as, role):
    child = area.child_known_to_school()
    api = api_as(getattr(area, role))
    response = api.get("/concerns/{id}", id=_concern_id(child))
    if role in SEES_SCHOOL_CHILD:
        assert response.status_code == 200
        assert response.json()["agency"]["code"] == area.school.code
        assert response.json()["local_authority"]["code"] == area.council.code
    else:
        assert response.status_code == 404
        missing = api.get("/concerns/{id}", id=MISSING_PERSON_ID)
        assert missing.content == response.content


@pytest.mark.parametrize("role", ALL_ROLES)
def test_search_finds_only_visible_people(area: Area, api_as, role):
    child = area.child_known_to_school()
    api = api_as(getattr(area, role))
    for criteria in (
        {"name": "Amelia Hartley"},
        {"date_of_birth": "2014-05-17"},
        {"identifier": child.identifiers.get().value},
    ):
        response = api.post("/persons/search", criteria)
        if role in NO_CASE_WORK_ROLES:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        found = [result["id"] for result in response.json()]
        assert found == ([str(child.pk)] if role in SEES_SCHOOL_CHILD else [])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_list_agencies(area: Area, api_as, role):
    response = api_as(getattr(area, role)).get("/agencies")
    assert response.status_code == 200
    by_code = {agency["code"]: agency for agency in response.json()}
    assert by_code[area.school.code]["home_authority"] == area.council.code
    assert by_code[area.council.code]["kind"] == "local-authority"


def test_person_detail_lists_what_the_agencies_know(area: Area, api_as):
    child = area.child_known_to_school()
    response = api_as(area.dsl).get("/persons/{id}", id=child.pk)
    body = response.json()
    assert body["id"] == str(child.pk)
    assert (body["given_name"], body["family_name"]) == ("Amelia", "Hartley")
    assert body["date_of_birth"] == "2014-05-17"
    assert body["identifiers"] == [
        {"scheme": "nhs", "value": child.identifiers.get().value, "issuing_agency": None}
    ]
    assert body["agencies"] == [{"code": area.school.code, "name": area.school.name}]


def test_break_glass_opens_a_person_to_the_api(area: Area, api_as):
    child = area.child_known_to_school()
    api = api_as(area.police_analyst)
    assert api.get("/persons/{id}", id=child.pk).status_code == 404
    grants.grant_break_glass(
        actor=area.police_analyst,
        person_id=child.pk,
        reason="Child reported missing overnight; checking who else knows them",
    )
    assert api.get("/persons/{id}", id=child.pk).status_code == 200
    assert api.get("/persons/{id}/concerns", id=child.pk).status_code == 200
    found = api.post("/persons/search", {"name": "Amelia Hartley"}).json()
    assert [result["id"] for result in found] == [str(child.pk)]


def test_case_role_opens_a_person_to_the_api(area: Area, api_as):
    child = area.child_known_to_school()
    api = api_as(area.police_analyst)
    assert api.get("/persons/{id}", id=child.pk).status_code == 404
    grants.assign_case_role(
        actor=area.mash,
        user=area.police_analyst,
        person_id=child.pk,
        kind=CaseRole.Kind.INVESTIGATING_OFFICER,
    )
    assert api.get("/persons/{id}", id=child.pk).status_code == 200


def test_other_authoritys_mash_does_not_see_the_child(area: Area, api_as):
    child = area.child_known_to_school()
    assert api_as(area.other_mash).get("/persons/{id}", id=child.pk).status_code == 404
    assert api_as(area.mash).get("/persons/{id}", id=child.pk).status_code == 200
