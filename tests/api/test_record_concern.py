"""Recording concerns through the API: creation, idempotent re-sends, validation, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.concerns.models import Concern
from safeguarding.people.models import AgencyRecord
from tests import factories
from tests.api.conftest import MISSING_PERSON_ID
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

# Through the module: imported by name, pytest would collect it as a test.
CHILD_NHS_NUMBER = factories.test_range_nhs_number_for(7)


def child(**changes: object) -> dict[str, object]:
    details: dict[str, object] = {
        "given_name": "Leo",
        "family_name": "Marsh",
        "kind": "child",
        "date_of_birth": "2012-09-03",
        "sex": "male",
        "identifiers": [{"scheme": "nhs", "value": CHILD_NHS_NUMBER}],
        "other_names": [{"kind": "nickname", "name": "Lee"}],
        "addresses": [{"line_1": "4 Quarry Lane", "town": "Testham", "postcode": "te1 4qq"}],
    }
    details.update(changes)
    return {"role": "child", "details": details}


def concern(area: Area, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "category": "cce",
        "summary": "Found carrying cash and two phones at 2am near the station.",
        "recorded_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "local_authority": area.council.code,
        "agency_record_id": "OP-2025-0001",
        "persons": [
            child(),
            {
                "role": "adult-of-concern",
                "details": {
                    "given_name": "Darren",
                    "family_name": "Pike",
                    "kind": "adult",
                    "phones": ["07700 900982"],
                    "vehicles": ["ab12 cde"],
                },
            },
        ],
    }
    body.update(changes)
    return body


def test_recording_a_concern_creates_it_and_its_people(area: Area, api_as):
    api = api_as(area.system)
    response = api.post("/concerns", concern(area))
    assert response.status_code == 201
    body = response.json()
    assert body["agency"] == {"code": area.police.code, "name": area.police.name}
    assert body["local_authority"]["code"] == area.council.code
    assert body["agency_record_id"] == "OP-2025-0001"
    assert sorted(person["role"] for person in body["persons"]) == ["adult-of-concern", "child"]

    child_id = next(p["person_id"] for p in body["persons"] if p["role"] == "child")
    adult_id = next(p["person_id"] for p in body["persons"] if p["role"] != "child")
    record = api.get("/persons/{id}", id=child_id).json()
    assert record["identifiers"] == [
        {"scheme": "nhs", "value": CHILD_NHS_NUMBER, "issuing_agency": None}
    ]
    assert record["other_names"] == [{"kind": "nickname", "name": "Lee"}]
    assert record["addresses"][0]["postcode"] == "TE1 4QQ"
    assert record["addresses"][0]["recorded_by"] == area.police.code
    adult = api.get("/persons/{id}", id=adult_id).json()
    assert adult["phones"] == [{"number": "+447700900982", "recorded_by": area.police.code}]
    assert adult["vehicles"][0]["registration"] == "AB12CDE"

    assert api.get("/concerns/{id}", id=body["id"]).json() == body
    # The concern went to Testshire's MASH, who now sees the child; Otherton's does not.
    assert api_as(area.mash).get("/persons/{id}", id=child_id).status_code == 200
    assert api_as(area.other_mash).get("/persons/{id}", id=child_id).status_code == 404


def test_sending_the_same_record_again_updates_it(area: Area, api_as):
    api = api_as(area.system)
    first = api.post("/concerns", concern(area))
    assert first.status_code == 201
    again = api.post(
        "/concerns",
        concern(
            area,
            category="missing",
            summary="Missing overnight; found next morning.",
            persons=[child()],
        ),
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["category"] == "missing"
    assert [p["role"] for p in again.json()["persons"]] == ["child"]
    assert Concern.objects.filter(agency=area.police, agency_record_id="OP-2025-0001").count() == 1
    # The child was matched, not registered twice.
    child_ids = {p["person_id"] for p in first.json()["persons"] if p["role"] == "child"}
    assert {p["person_id"] for p in again.json()["persons"]} == child_ids
    verbs = list(
        AuditEntry.objects.filter(
            target_type=TargetType.CONCERN, target_id=first.json()["id"]
        ).values_list("verb", flat=True)
    )
    assert verbs[:2] == [AuditVerb.CONCERN_RECORDED, AuditVerb.CONCERN_UPDATED]


def test_without_an_agency_record_id_each_send_is_a_new_concern(area: Area, api_as):
    api = api_as(area.system)
    body = concern(area, agency_record_id="")
    first, second = api.post("/concerns", body), api.post("/concerns", body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert first.json()["agency_record_id"].startswith("SGH-")


def test_a_concern_about_a_person_already_visible(area: Area, api_as):
    known = area.child_known_to_school()
    api = api_as(area.dsl)
    response = api.post(
        "/concerns",
        concern(
            area,
            agency_record_id="SCH-17",
            persons=[{"role": "child", "person_id": str(known.pk)}],
        ),
    )
    assert response.status_code == 201
    assert response.json()["persons"] == [{"person_id": str(known.pk), "role": "child"}]
    timeline = api.get("/persons/{id}/concerns", id=known.pk).json()
    assert len(timeline) == 2
    assert all(entry["roles"] == ["child"] for entry in timeline)


def test_timeline_shows_every_agencys_concerns(area: Area, api_as):
    """The police name the school's child by NHS number, name and date of birth: both
    agencies' concerns then appear on the child's timeline, newest first."""
    known = area.child_known_to_school()
    nhs_number = known.identifiers.get().value
    police = api_as(area.system)
    sent = police.post(
        "/concerns",
        concern(
            area,
            persons=[
                child(
                    given_name="Amelia",
                    family_name="Hartley",
                    date_of_birth="2014-05-17",
                    sex="female",
                    identifiers=[{"scheme": "nhs", "value": nhs_number}],
                )
            ],
        ),
    )
    assert sent.status_code == 201
    assert sent.json()["persons"][0]["person_id"] == str(known.pk)
    timeline = api_as(area.dsl).get("/persons/{id}/concerns", id=known.pk).json()
    assert [entry["agency"]["code"] for entry in timeline] == [area.school.code, area.police.code]
    # The school sees that the police were involved, and when, not what they recorded
    # (docs/developers/visibility.md).
    assert timeline[1]["agency_record_id"] == ""
    assert timeline[1]["summary"].startswith(f"{area.police.name} were involved on ")
    assert timeline[1]["category"] == "cce"
    # Matching joined the police's concern to the child, but opened nothing to them.
    assert not AgencyRecord.objects.filter(person=known, agency=area.police).exists()
    assert police.get("/persons/{id}", id=known.pk).status_code == 404
    assert police.get("/concerns/{id}", id=sent.json()["id"]).status_code == 200


def _problems(response) -> list[tuple[list[object], str]]:
    assert response.status_code == 422
    return [(problem["loc"], problem["msg"]) for problem in response.json()["detail"]]


def test_bad_nhs_check_digit_is_named_precisely(area: Area, api_as):
    bad = CHILD_NHS_NUMBER[:9] + str((int(CHILD_NHS_NUMBER[9]) + 1) % 10)
    response = api_as(area.system).post(
        "/concerns",
        concern(
            area,
            persons=[
                {
                    "role": "adult-of-concern",
                    "details": {"given_name": "Darren", "family_name": "Pike", "kind": "adult"},
                },
                child(identifiers=[{"scheme": "nhs", "value": bad}]),
            ],
        ),
    )
    [(loc, msg)] = _problems(response)
    assert loc == ["body", "persons", 1, "details", "identifiers"]
    assert "check digit" in msg
    assert not Concern.objects.exists()


def test_every_domain_problem_is_listed(area: Area, api_as):
    response = api_as(area.system).post(
        "/concerns",
        concern(
            area,
            local_authority="NO-SUCH-LA",
            recorded_at=(timezone.now() + timedelta(days=2)).isoformat(),
            persons=[
                {
                    "role": "parent",
                    "details": {
                        "given_name": "",
                        "family_name": "",
                        "kind": "adult",
                        "addresses": [{"line_1": "1 Road", "postcode": "not a postcode"}],
                        "phones": ["12"],
                        "vehicles": ["A"],
                    },
                }
            ],
        ),
    )
    problems = {tuple(loc): msg for loc, msg in _problems(response)}
    assert "local authority" in problems[("body", "local_authority")]
    assert "today or in the past" in problems[("body", "recorded_at")]
    assert "child" in problems[("body", "persons")]
    assert "postcode" in problems[("body", "persons", 0, "details", "addresses")]
    assert "telephone" in problems[("body", "persons", 0, "details", "phones")]
    assert "registration" in problems[("body", "persons", 0, "details", "vehicles")]
    assert "name" in problems[("body", "persons", 0, "details")]


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"category": "bad-luck"}, ["body", "category"], "Input should be"),
        ({"recorded_at": "2025-01-01T10:00:00"}, ["body", "recorded_at"], "timezone"),
        ({"recorded_at": "yesterday"}, ["body", "recorded_at"], "datetime"),
        ({"summary": ""}, ["body", "summary"], "at least 1"),
        ({"summary": "x" * 10_001}, ["body", "summary"], "at most 10000"),
        ({"persons": [{"role": "child"}]}, ["body", "persons", 0], "person_id or details"),
        (
            {"persons": [{"role": "child", "person_id": "nope"}]},
            ["body", "persons", 0, "person_id"],
            "UUID",
        ),
        (
            {"persons": [{"role": "aunt", "person_id": MISSING_PERSON_ID}]},
            ["body", "persons", 0, "role"],
            "Input should be",
        ),
        ({"local_authority": None}, ["body", "local_authority"], "string"),
        ({"colour": "red"}, ["body", "colour"], "Extra inputs are not permitted"),
    ],
)
def test_schema_problems_say_where_and_what(area: Area, api_as, change, where, words):
    problems = _problems(api_as(area.system).post("/concerns", concern(area, **change)))
    assert any(loc == where and words in msg for loc, msg in problems), problems


def test_naming_an_unseen_person_looks_like_naming_a_missing_one(area: Area, api_as):
    unseen = area.child_known_to_school()
    api = api_as(area.system)
    refused = api.post(
        "/concerns", concern(area, persons=[{"role": "child", "person_id": str(unseen.pk)}])
    )
    missing = api.post(
        "/concerns", concern(area, persons=[{"role": "child", "person_id": MISSING_PERSON_ID}])
    )
    assert (
        _problems(refused)
        == _problems(missing)
        == [(["body", "persons"], "A named person could not be found")]
    )
    assert not AgencyRecord.objects.filter(person=unseen, agency=area.police).exists()


@pytest.mark.parametrize("role", ["taskforce_analyst", "auditor", "admin"])
def test_roles_without_case_work_may_not_record(area: Area, api_as, role):
    response = api_as(getattr(area, role)).post("/concerns", concern(area))
    assert response.status_code == 403
    assert "does not allow" in response.json()["detail"]
    assert not Concern.objects.exists()


def test_every_read_and_write_is_audited(area: Area, api_as):
    api = api_as(area.system)

    def latest(*verbs: str) -> list[AuditEntry]:
        """The system's last entries, oldest first, checked to have these verbs."""
        newest_first = AuditEntry.objects.filter(actor_id=area.system.pk).order_by("-sequence")
        entries = list(reversed(newest_first[: len(verbs)]))
        assert [entry.verb for entry in entries] == list(verbs)
        return entries

    created = api.post("/concerns", concern(area)).json()
    # Recorded, then sent to the MASH as a referral, whose receipt is written with it.
    recorded, sent = latest(AuditVerb.CONCERN_RECORDED, AuditVerb.HAND_OFF_SENT)
    assert sent.payload == {"kind": "referral", "to": area.council.pk}
    assert recorded.target_id == created["id"]
    child_id = next(p["person_id"] for p in created["persons"] if p["role"] == "child")
    assert child_id in recorded.payload["persons"]

    api.post("/concerns", concern(area))
    latest(AuditVerb.CONCERN_UPDATED)

    api.get("/persons/{id}", id=child_id)
    [viewed] = latest(AuditVerb.PERSON_VIEWED)
    assert (viewed.target_type, viewed.target_id) == ("person", child_id)
    assert "API" in readable_reason(viewed).text

    api.get("/persons/{id}/concerns", id=child_id)
    _, listed = latest(AuditVerb.PERSON_VIEWED, AuditVerb.CONCERNS_LISTED)
    assert listed.payload["concerns"] == [created["id"]]

    api.get("/concerns/{id}", id=created["id"])
    [read] = latest(AuditVerb.CONCERN_VIEWED)
    assert read.target_id == created["id"]

    api.post("/persons/search", {"name": "Leo Marsh"})
    [searched] = latest(AuditVerb.PERSON_SEARCHED)
    assert searched.payload["results"] == [child_id]
    assert searched.payload["fields"] == ["name"]
    # Searched names are not written to the log.
    assert "Marsh" not in str(searched.payload)

    assert verify_chain().ok


def test_refused_reads_leave_no_record_of_disclosure(area: Area, api_as):
    child = area.child_known_to_school()
    before = AuditEntry.objects.count()
    api_as(area.other_mash).get("/persons/{id}", id=child.pk)
    issued = 1  # the token issued for other_mash
    assert AuditEntry.objects.count() == before + issued
    assert not AuditEntry.objects.filter(
        verb=AuditVerb.PERSON_VIEWED, actor_id=area.other_mash.pk
    ).exists()


def test_sending_the_same_record_again_does_not_duplicate_its_people(area: Area, api_as):
    api = api_as(area.system)
    first = api.post("/concerns", concern(area)).json()
    again = api.post("/concerns", concern(area)).json()
    assert {p["person_id"] for p in again["persons"]} == {p["person_id"] for p in first["persons"]}


# The rules that decide "same person" are the import's too (people.resolution): an
# agency's own reference names the same person again, and a re-sent record keeps apart a
# namesake whose NHS number differs.


def test_an_agencys_own_local_id_names_the_same_person_in_another_concern(area: Area, api_as):
    api = api_as(area.system)
    adult = {
        "role": "adult-of-concern",
        "details": {
            "given_name": "Wayne",
            "family_name": "Cole",
            "kind": "adult",
            "identifiers": [{"scheme": "local", "value": "P-77"}],
        },
    }
    first = api.post("/concerns", concern(area, persons=[child(), adult])).json()
    second = api.post(
        "/concerns",
        concern(area, agency_record_id="OP-2025-0002", persons=[child(), adult]),
    ).json()

    def wayne(body: dict[str, object]) -> str:
        persons = body["persons"]
        assert isinstance(persons, list)
        return next(p["person_id"] for p in persons if p["role"] == "adult-of-concern")

    assert wayne(second) == wayne(first)


def test_a_resent_record_keeps_apart_a_namesake_with_another_nhs_number(area: Area, api_as):
    api = api_as(area.system)
    first = api.post("/concerns", concern(area)).json()
    other = factories.test_range_nhs_number_for(8)
    again = api.post(
        "/concerns",
        concern(
            area,
            persons=[child(identifiers=[{"scheme": "nhs", "value": other}], date_of_birth=None)],
        ),
    ).json()

    first_child = next(p["person_id"] for p in first["persons"] if p["role"] == "child")
    again_child = next(p["person_id"] for p in again["persons"] if p["role"] == "child")
    assert again_child != first_child
