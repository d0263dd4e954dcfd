"""Information governance acts for its own agency only: on persons its agency holds a
record on (anyone else is answered as a person that does not exist), erasing only what no
other agency also holds, placing class holds on its own agency's records, and releasing
only the holds its own agency placed. Operators at the command line act across agencies."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import agencies_holding
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.people.corrections import Corrected, correct_person, may_correct
from safeguarding.people.models import AgencyRecord, Person
from safeguarding.retention.actions import HoldDetails, erase_person, place_hold, release_hold
from safeguarding.retention.models import LegalHold, SubjectAccessRequest
from safeguarding.retention.queries import holds_for_listing
from safeguarding.retention.subject_access import (
    extend_request,
    items_of,
    open_request,
    produce_bundle,
    withhold_item,
)
from safeguarding.retention.worklist import legal_holds, subject_access
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.django_db]

REASON = "Erasure requested under Article 17 by the adult"
NO_PERSON = "No person has this record id"
NO_REQUEST = "No subject access request has this id"


@pytest.fixture
def council_officer(area: Area) -> User:
    return make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")


@pytest.fixture
def school_officer(area: Area) -> User:
    return make_user(Role.INFORMATION_GOVERNANCE, area.school, username="school-governance")


@pytest.fixture
def foreign_officer(area: Area) -> User:
    """An officer of a council that holds nothing on the area's children."""
    return make_user(Role.INFORMATION_GOVERNANCE, area.other_council, username="foreign-ig")


def _council_only_child(area: Area) -> Person:
    """A child only the council holds: its own practitioner recorded the concern."""
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    child = concern.involvements.get(role="child").person
    assert agencies_holding(child.pk) == {area.council.pk}
    return child


def _messages(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return list(error.value.message_dict[field])


def test_a_foreign_officer_gets_the_answer_for_a_person_that_does_not_exist(
    area: Area, foreign_officer: User, client_for: Callable[[User], Client]
) -> None:
    child = area.child_known_to_school()
    assert foreign_officer.agency_id not in agencies_holding(child.pk)
    nobody = uuid.uuid4()
    for person_id in (child.pk, nobody):
        with pytest.raises(ValidationError) as opened:
            open_request(person_id, actor=foreign_officer)
        assert _messages(opened, "person_id") == [NO_PERSON]
        with pytest.raises(ValidationError) as held:
            place_hold(
                actor=foreign_officer,
                details=HoldDetails(reference="X-1", reason=REASON, person_id=person_id),
            )
        assert _messages(held, "person_id") == [NO_PERSON]
        with pytest.raises(ValidationError) as erased:
            erase_person(person_id, actor=foreign_officer, reason=REASON)
        assert _messages(erased, "person_id") == [NO_PERSON]
        with pytest.raises(ValidationError) as bundled:
            produce_bundle(person_id, actor=foreign_officer)
        assert _messages(bundled, "person_id") == [NO_PERSON]
        assert not may_correct(foreign_officer, person_id)
    with pytest.raises(PermissionDenied):
        correct_person(
            child.pk,
            actor=foreign_officer,
            corrected=Corrected("Amelia", "Other", date(2014, 5, 17), False, "female"),
            reason="Birth certificate seen at the office",
        )
    assert Person.objects.get(pk=child.pk).family_name != "Other"
    assert not SubjectAccessRequest.objects.exists()
    assert not LegalHold.objects.exists()

    client = client_for(foreign_officer)
    today = timezone.localdate()
    assert client.get(f"/records/people/{child.pk}/correct/").status_code == 404
    for path, data in (
        ("/records/erase/", {"person_id": child.pk, "reason": REASON, "confirm": "on"}),
        (
            "/records/subject-access/",
            {
                "person_id": child.pk,
                "received_on_0": today.day,
                "received_on_1": today.month,
                "received_on_2": today.year,
            },
        ),
        ("/records/holds/new/", {"reference": "X-1", "reason": REASON, "person_id": child.pk}),
    ):
        response = client.post(path, data)
        assert response.status_code == 400, path
        assert NO_PERSON in response.content.decode(), path
    assert Person.objects.filter(pk=child.pk).exists()


def test_a_foreign_officer_cannot_reach_another_agencys_request(
    area: Area,
    council_officer: User,
    foreign_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    child = area.child_known_to_school()
    request = open_request(child.pk, actor=council_officer)
    [item, *_] = items_of(request, actor=council_officer)
    for attempt in (
        lambda: items_of(request, actor=foreign_officer),
        lambda: extend_request(request.pk, actor=foreign_officer, reason="Many agencies hold"),
        lambda: withhold_item(
            request.pk, actor=foreign_officer, item_key=item.key, exemption="Serious harm test"
        ),
        lambda: produce_bundle(child.pk, actor=foreign_officer, request_id=request.pk),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages in ([NO_REQUEST], [NO_PERSON])
    request.refresh_from_db()
    assert request.extended_at is None
    assert not request.withholdings.exists()

    client = client_for(foreign_officer)
    for path in (
        f"/records/subject-access/{request.pk}/",
        f"/records/subject-access/{request.pk}/bundle.json",
        f"/records/subject-access/{request.pk}/bundle.pdf",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.post(f"/records/subject-access/{request.pk}/", {"action": "disclose"}).status_code
        == 404
    )
    listing = client.get("/records/subject-access/").content.decode()
    assert str(request.pk) not in listing
    assert str(child.pk) not in listing
    foreign_list = subject_access(foreign_officer)
    assert foreign_list is not None
    assert foreign_list.total == 0
    own_list = subject_access(council_officer)
    assert own_list is not None
    assert own_list.total == 1
    # The council's own officer still reaches it.
    own = client_for(council_officer)
    assert own.get(f"/records/subject-access/{request.pk}/").status_code == 200
    assert own.get(f"/records/subject-access/{request.pk}/bundle.json").status_code == 200


def test_an_officer_erases_only_a_person_no_other_agency_holds(
    area: Area, council_officer: User, school_officer: User, client_for: Callable[[User], Client]
) -> None:
    child = area.child_known_to_school()
    # The school holds her record, and the council through the concern sent to its MASH.
    held = agencies_holding(child.pk)
    assert held == {area.school.pk, area.council.pk}
    assert AgencyRecord.objects.filter(person=child, agency=area.school).exists()
    with pytest.raises(ValidationError) as refused:
        erase_person(child.pk, actor=council_officer, reason=REASON)
    [message] = _messages(refused, "person_id")
    assert area.school.name in message
    assert area.council.name not in message
    with pytest.raises(ValidationError) as refused_school:
        erase_person(child.pk, actor=school_officer, reason=REASON)
    [message] = _messages(refused_school, "person_id")
    assert area.council.name in message
    assert area.school.name not in message
    assert Person.objects.filter(pk=child.pk).exists()
    refusals = AuditEntry.objects.filter(verb=AuditVerb.ERASURE_REFUSED, target_id=str(child.pk))
    assert sorted(entry.payload["agencies"] for entry in refusals) == [
        [area.council.code],
        [area.school.code],
    ]
    # Through the page: the same refusal, naming the school.
    page = client_for(council_officer).post(
        "/records/erase/", {"person_id": child.pk, "reason": REASON, "confirm": "on"}
    )
    assert page.status_code == 400
    assert area.school.name in page.content.decode()
    # An operator at the command line erases across agencies.
    erase_person(child.pk, actor=None, reason=REASON)
    assert not Person.objects.filter(pk=child.pk).exists()
    # A child only the council holds: its own officer erases her.
    alone = _council_only_child(area)
    erasure = erase_person(alone.pk, actor=council_officer, reason=REASON)
    assert erasure.erased_by == council_officer
    assert not Person.objects.filter(pk=alone.pk).exists()


def test_class_holds_are_the_officers_own_agencys(
    area: Area, council_officer: User, school_officer: User, client_for: Callable[[User], Client]
) -> None:
    def class_hold(actor: User | None, agency_code: str) -> LegalHold:
        return place_hold(
            actor=actor,
            details=HoldDetails(reference="IICSA-9", reason=REASON, agency_code=agency_code),
        )

    for code in ("", area.school.code):
        with pytest.raises(ValidationError) as refused:
            class_hold(council_officer, code)
        [message] = _messages(refused, "agency_code")
        assert f"Choose your own agency, {area.council.name}" in message
    own = class_hold(council_officer, area.council.code)
    assert own.agency == area.council
    everything = class_hold(None, "")  # an operator's, across agencies
    page = client_for(council_officer).post(
        "/records/holds/new/",
        {"reference": "IICSA-9", "reason": REASON, "agency": area.school.pk},
    )
    assert page.status_code == 400
    assert "Choose your own agency" in page.content.decode()
    assert LegalHold.objects.count() == 2

    # Released only by the agency that placed it: others get "no such hold".
    for officer in (school_officer,):
        with pytest.raises(ValidationError) as refused:
            release_hold(own.pk, actor=officer, reason="The inquiry has reported")
        assert _messages(refused, "hold") == ["No legal hold has this id"]
    with pytest.raises(ValidationError):
        release_hold(everything.pk, actor=council_officer, reason="The inquiry has reported")
    assert client_for(school_officer).get(f"/records/holds/{own.pk}/release/").status_code == 404
    assert (
        client_for(council_officer).get(f"/records/holds/{everything.pk}/release/").status_code
        == 404
    )
    released = release_hold(own.pk, actor=council_officer, reason="The inquiry has reported")
    assert released.released_by == council_officer
    release_hold(everything.pk, actor=None, reason="The inquiry has reported")


def test_the_listing_shows_the_agencys_holds_and_holds_on_its_persons(
    area: Area,
    council_officer: User,
    school_officer: User,
    foreign_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    school_child = area.child_known_to_school()
    foreign_concern = make_concern(
        make_user(Role.PRACTITIONER, area.other_council, username="foreign-practitioner"),
        local_authority=area.other_council,
        child=child_details(given="Ottilie", family="Farrow"),
    )
    foreign_child = foreign_concern.involvements.get(role="child").person

    def person_hold(actor: User, person: Person, reference: str) -> LegalHold:
        return place_hold(
            actor=actor,
            details=HoldDetails(reference=reference, reason=REASON, person_id=person.pk),
        )

    by_school = person_hold(school_officer, school_child, "SCHOOL-1")
    by_foreign = person_hold(foreign_officer, foreign_child, "FOREIGN-1")
    school_class = place_hold(
        actor=school_officer,
        details=HoldDetails(reference="SCHOOL-2", reason=REASON, agency_code=area.school.code),
    )
    council_class = place_hold(
        actor=None,
        details=HoldDetails(reference="OPERATOR-1", reason=REASON, agency_code=area.council.code),
    )

    def listed(officer: User) -> set[str]:
        return {hold.reference for hold in holds_for_listing(actor=officer)}

    # The council holds the school's child through the concern sent to its MASH.
    assert listed(council_officer) == {"SCHOOL-1", "OPERATOR-1"}
    assert listed(school_officer) == {"SCHOOL-1", "SCHOOL-2"}
    assert listed(foreign_officer) == {"FOREIGN-1"}
    assert {hold.reference for hold in holds_for_listing(actor=None)} == {
        "SCHOOL-1",
        "FOREIGN-1",
        "SCHOOL-2",
        "OPERATOR-1",
    }
    work = legal_holds(council_officer)
    assert work is not None
    assert work.total == 2
    page = client_for(council_officer).get("/records/").content.decode()
    assert "SCHOOL-1" in page
    assert "OPERATOR-1" in page
    assert "FOREIGN-1" not in page
    # Shown, but released only by the agency that placed each.
    assert f"/records/holds/{by_school.pk}/release/" not in page
    assert f"/records/holds/{council_class.pk}/release/" not in page
    school_page = client_for(school_officer).get("/records/").content.decode()
    assert f"/records/holds/{by_school.pk}/release/" in school_page
    assert f"/records/holds/{school_class.pk}/release/" in school_page
    assert by_foreign.pk not in {hold.pk for hold in holds_for_listing(actor=council_officer)}


def test_an_officer_corrects_a_person_their_agency_holds(
    area: Area, council_officer: User, foreign_officer: User, client_for: Callable[[User], Client]
) -> None:
    child = area.child_known_to_school()
    assert may_correct(council_officer, child.pk)
    assert (
        client_for(council_officer).get(f"/records/people/{child.pk}/correct/").status_code == 200
    )
    rows = correct_person(
        child.pk,
        actor=council_officer,
        corrected=Corrected("Amelie", "Hartley-Smith", date(2014, 5, 18), False, "female"),
        reason="Birth certificate seen at the office",
    )
    assert rows
    assert not may_correct(foreign_officer, child.pk)
