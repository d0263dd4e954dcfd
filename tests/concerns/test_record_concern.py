"""Recording concerns: validation, idempotency, deterministic linkage, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.policy import may_see_person
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.factories import (
    Area,
    adult_details,
    child_details,
    make_concern,
    nhs_number_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_a_concern_is_recorded_with_its_people_and_audited(area: Area):
    concern = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(),
        others=[("adult-of-concern", adult_details(phones=["07700 900111"], vehicles=["ab12cde"]))],
    )
    assert concern.agency == area.police
    roles = {i.role: i.person for i in concern.involvements.all()}
    assert set(roles) == {"child", "adult-of-concern"}
    adult = roles["adult-of-concern"]
    assert list(adult.phones.values_list("number", flat=True)) == ["+447700900111"]
    assert list(adult.vehicles.values_list("registration", flat=True)) == ["AB12CDE"]
    entry = AuditEntry.objects.get(verb=AuditVerb.CONCERN_RECORDED, target_id=str(concern.pk))
    assert set(entry.payload["persons"]) == {str(p.pk) for p in roles.values()}


def test_the_same_agency_record_id_updates_instead_of_duplicating(area: Area):
    first = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(),
        agency_record_id="SCH-001",
        summary="First version",
    )
    again = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(),
        agency_record_id="SCH-001",
        summary="Corrected version",
    )
    assert again.pk == first.pk
    assert Concern.objects.filter(agency=area.school).count() == 1
    assert Concern.objects.get(pk=first.pk).summary == "Corrected version"
    assert AuditEntry.objects.filter(verb=AuditVerb.CONCERN_UPDATED).count() == 1


def test_re_sending_does_not_duplicate_people_without_national_identifiers(area: Area):
    first = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(),
        others=[("adult-of-concern", adult_details())],
        agency_record_id="POL-7",
    )
    again = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(),
        others=[("adult-of-concern", adult_details())],
        agency_record_id="POL-7",
    )
    assert {i.person_id for i in again.involvements.all()} == {
        i.person_id for i in first.involvements.all()
    }
    assert Person.objects.count() == 2


def test_revoked_tokens_stop_working(area: Area):
    from safeguarding.access.actions import issue_api_token, revoke_api_token, user_for_api_token
    from safeguarding.access.models import ApiToken

    token = issue_api_token(actor=None, user=area.system, name="records system")
    assert user_for_api_token(token) == area.system
    revoke_api_token(actor=area.admin, token_id=ApiToken.objects.get().pk)
    assert user_for_api_token(token) is None
    with pytest.raises(PermissionDenied):
        revoke_api_token(actor=area.dsl, token_id=ApiToken.objects.get().pk)


def test_the_same_record_id_from_another_agency_is_a_different_concern(area: Area):
    make_concern(
        area.dsl, local_authority=area.council, child=child_details(), agency_record_id="REF-1"
    )
    make_concern(
        area.health, local_authority=area.council, child=child_details(), agency_record_id="REF-1"
    )
    assert Concern.objects.filter(agency_record_id="REF-1").count() == 2


def test_an_nhs_number_with_name_and_birth_date_links_agencies_records(area: Area):
    nhs = nhs_number_for(7)
    school = make_concern(
        area.dsl, local_authority=area.council, child=child_details(nhs_number=nhs)
    )
    police = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Amelia", "Hartly", nhs_number=nhs),
    )
    child = school.involvements.get(role="child").person
    assert police.involvements.get(role="child").person == child
    # The concerns are joined on one child, whose record the match does not open: the
    # school, which held it, sees the police's concern on the timeline; the police see
    # their own concern, not the school's record.
    assert set(child.agency_records.values_list("agency__code", flat=True)) == {"SCH-TEST"}
    assert not may_see_person(area.police_analyst, child.pk)


def test_an_nhs_number_alone_does_not_attach_to_someone_else(area: Area):
    nhs = nhs_number_for(8)
    make_concern(area.dsl, local_authority=area.council, child=child_details(nhs_number=nhs))
    guessed = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Zach", "Ingram", nhs_number=nhs),
    )
    assert Person.objects.filter(identifiers__value=nhs).count() == 2
    assert guessed.involvements.get(role="child").person.given_name == "Zach"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": "bogus"}, "category", "Choose the category of concern"),
        ({"summary": "  "}, "summary", "Enter what happened"),
        ({"summary": "x" * 10_001}, "summary", "10,000 characters or fewer"),
        ({"local_authority": "NOPE"}, "local_authority", "Choose the local authority"),
        ({"future": True}, "recorded_at", "today or in the past"),
        ({"nhs": "943 476 5918"}, "persons.1.identifier_nhs", "check digit"),
    ],
)
def test_validation_names_the_field_and_saves_nothing(area: Area, change, field, message):
    from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern

    details = ConcernDetails(
        category=change.get("category", "neglect"),
        summary=change.get("summary", "Seen hungry."),
        recorded_at=timezone.now() + (timedelta(days=2) if change.get("future") else timedelta()),
        local_authority_code=change.get("local_authority", "LA-TEST"),
        persons=[NamedPerson(role="child", details=child_details(nhs_number=change.get("nhs")))],
    )
    before = (Concern.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        record_concern(actor=area.dsl, details=details)
    assert field in error.value.message_dict
    assert any(message in text for text in error.value.message_dict[field])
    assert (Concern.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == before


def test_a_concern_must_name_a_child(area: Area):
    from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern

    with pytest.raises(ValidationError) as error:
        record_concern(
            actor=area.dsl,
            details=ConcernDetails(
                category="neglect",
                summary="x",
                recorded_at=timezone.now(),
                local_authority_code="LA-TEST",
                persons=[NamedPerson(role="parent", details=adult_details())],
            ),
        )
    assert "Name the child the concern is about" in error.value.message_dict["persons"]


@pytest.mark.parametrize("role", ["taskforce_analyst", "auditor", "admin"])
def test_roles_without_case_work_cannot_record(area: Area, role):
    with pytest.raises(PermissionDenied):
        make_concern(getattr(area, role), local_authority=area.council, child=child_details())


def test_the_web_form_records_a_concern_for_a_new_child(area: Area, client_for):
    client = client_for(area.dsl)
    today = timezone.localdate()
    response = client.post(
        reverse("concerns:record"),
        {
            "child-given_name": "Ruby",
            "child-family_name": "Okoro",
            "child-sex": "female",
            "child-date_of_birth_0": "3",
            "child-date_of_birth_1": "4",
            "child-date_of_birth_2": "2015",
            "child-nhs_number": "",
            "child-unique_pupil_number": "",
            "category": "neglect",
            "summary": "Ruby said there is no food at home.",
            "disclosed_on_0": today.day,
            "disclosed_on_1": today.month,
            "disclosed_on_2": today.year,
            "local_authority": area.council.pk,
            "agency_record_id": "",
            "other-given_name": "",
            "other-family_name": "",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name="Ruby")
    assert response.url == reverse("web:person", args=[person.pk])
    page = client.get(response.url).content.decode()
    assert "Ruby said there is no food at home." in page


def test_the_web_form_shows_every_error_in_the_summary(area: Area, client_for):
    response = client_for(area.dsl).post(
        reverse("concerns:record"),
        {
            "child-given_name": "",
            "child-family_name": "",
            "child-nhs_number": "943 476 5918",
            "category": "",
            "summary": "",
            "disclosed_on_0": "31",
            "disclosed_on_1": "2",
            "disclosed_on_2": "2025",
            "other-given_name": "Someone",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for message in (
        "Enter the child&#x27;s given name",
        "check digit",
        "Choose the category of concern",
        "Enter what happened",
        "must be a real date",
        "Choose the other person&#x27;s role",
    ):
        assert message in page, message
    assert Concern.objects.count() == 0
