"""Whatever a client sends, the answer is a clear 4xx in the API's JSON error format."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api.conftest import API, MISSING_PERSON_ID
from tests.factories import Area

pytestmark = pytest.mark.django_db

VALID_CONCERN = {
    "category": "neglect",
    "summary": "Seen hungry.",
    "recorded_at": "2025-01-06T09:00:00Z",
    "local_authority": "LA-TEST",
    "persons": [
        {"role": "child", "details": {"given_name": "A", "family_name": "B", "kind": "child"}}
    ],
}


def _concern(**changes: object) -> str:
    return json.dumps({**VALID_CONCERN, **changes})


def _person(**changes: object) -> str:
    details = {**VALID_CONCERN["persons"][0]["details"], **changes}
    return _concern(persons=[{"role": "child", "details": details}])


# (method, path under /api/v1, raw body or None, expected status)
MALFORMED = [
    ("POST", "/persons/search", "not json", 400),
    ("POST", "/persons/search", '{"name": "Amelia"', 400),
    ("POST", "/persons/search", b"\xff\xfe\x00", 400),
    ("POST", "/persons/search", "", 422),
    ("POST", "/persons/search", "[]", 422),
    ("POST", "/persons/search", '"Amelia"', 422),
    ("POST", "/persons/search", "null", 422),
    ("POST", "/persons/search", "{}", 422),
    ("POST", "/persons/search", '{"name": "   "}', 422),
    ("POST", "/persons/search", '{"name": 5}', 422),
    ("POST", "/persons/search", '{"name": ["Amelia"]}', 422),
    ("POST", "/persons/search", json.dumps({"name": "x" * 100_000}), 422),
    ("POST", "/persons/search", '{"name": "Ame\\u0000lia"}', 422),
    ("POST", "/persons/search", '{"name": "Ame\\ud800lia"}', 422),
    ("POST", "/persons/search", '{"identifier": "\\u0000"}', 422),
    ("POST", "/persons/search", '{"date_of_birth": "2014-02-30"}', 422),
    ("POST", "/persons/search", '{"date_of_birth": "0001-01-01"}', 422),
    ("POST", "/persons/search", '{"date_of_birth": 20140517}', 422),
    ("POST", "/persons/search", '{"name": "Amelia", "surname": "Hartley"}', 422),
    ("POST", "/persons/search", '{"name": "A"}' + " " * 3_000_000, 413),
    ("POST", "/persons/search", "[" * 200_000 + "]" * 200_000, 400),
    ("POST", "/persons/search", '{"name": ' * 100_000, 400),
    ("POST", "/concerns", "{}", 422),
    ("POST", "/concerns", "{{{{", 400),
    ("POST", "/concerns", _concern(category="NEGLECT"), 422),
    ("POST", "/concerns", _concern(category=None), 422),
    ("POST", "/concerns", _concern(summary="x" * 1_000_000), 422),
    ("POST", "/concerns", _concern(summary="Hungry\x00"), 422),
    ("POST", "/concerns", _concern(recorded_at="2025-01-06T09:00:00"), 422),
    ("POST", "/concerns", _concern(recorded_at="0001-01-01T00:00:00+01:00"), 422),
    ("POST", "/concerns", _concern(recorded_at="9999-12-31T23:59:59-14:00"), 422),
    ("POST", "/concerns", _concern(recorded_at="2025-13-01T00:00:00Z"), 422),
    ("POST", "/concerns", _concern(recorded_at=1736154000), 422),
    ("POST", "/concerns", _concern(local_authority="L" * 10_000), 422),
    ("POST", "/concerns", _concern(local_authority=["LA-TEST"]), 422),
    ("POST", "/concerns", _concern(agency_record_id="R" * 65), 422),
    ("POST", "/concerns", _concern(persons="child"), 422),
    ("POST", "/concerns", _concern(persons=[]), 422),
    ("POST", "/concerns", _concern(persons=[None]), 422),
    ("POST", "/concerns", _concern(persons=VALID_CONCERN["persons"] * 1_000), 422),
    ("POST", "/concerns", _concern(persons=[{"role": "child", "person_id": "../../etc"}]), 422),
    (
        "POST",
        "/concerns",
        _concern(
            persons=[
                {
                    "role": "child",
                    "person_id": MISSING_PERSON_ID,
                    "details": VALID_CONCERN["persons"][0]["details"],
                }
            ]
        ),
        422,
    ),
    ("POST", "/concerns", _person(kind="alien"), 422),
    ("POST", "/concerns", _person(sex="x"), 422),
    ("POST", "/concerns", _person(given_name="G" * 101), 422),
    ("POST", "/concerns", _person(given_name="Amelia\nHartley"), 422),
    ("POST", "/concerns", _person(date_of_birth="2100-01-01"), 422),
    ("POST", "/concerns", _person(date_of_birth_is_estimated="perhaps"), 422),
    ("POST", "/concerns", _person(identifiers=[{"scheme": "passport", "value": "1"}]), 422),
    ("POST", "/concerns", _person(identifiers=[{"scheme": "nhs", "value": "1" * 10_000}]), 422),
    ("POST", "/concerns", _person(identifiers=[{"scheme": "nhs"}]), 422),
    ("POST", "/concerns", _person(identifiers=[{"scheme": "upn", "value": "A1"}]), 422),
    ("POST", "/concerns", _person(other_names=[{"kind": "alias", "name": None}]), 422),
    ("POST", "/concerns", _person(addresses=[{"line_1": "1 Road", "postcode": "ZZZ"}]), 422),
    ("POST", "/concerns", _person(addresses=[{"line_1": "", "postcode": "TE1 1AA"}]), 422),
    ("POST", "/concerns", _person(phones=["+44 7700 900982"] * 11), 422),
    ("POST", "/concerns", _person(phones=["not a phone"]), 422),
    ("POST", "/concerns", _person(phones=[7700900982]), 422),
    ("POST", "/concerns", _person(vehicles=["!!!!"]), 422),
    ("GET", "/persons/not-a-uuid", None, 404),
    ("GET", "/persons/" + "9" * 5000, None, 404),
    ("GET", "/persons/%00", None, 404),
    ("GET", "/persons/" + MISSING_PERSON_ID.upper() + "/concerns", None, 404),
    ("GET", "/persons/'%20OR%201=1--/concerns", None, 404),
    ("GET", "/concerns/123", None, 404),
    ("GET", "/concerns/" + MISSING_PERSON_ID, None, 404),
    ("GET", "/concerns", None, 405),
    ("DELETE", "/persons/" + MISSING_PERSON_ID, None, 405),
    ("PUT", "/concerns/" + MISSING_PERSON_ID, "{}", 405),
    ("GET", "/persons/search", None, 405),
    ("POST", "/openapi.json", "{}", 405),
    ("GET", "/", None, 404),
    ("GET", "/people", None, 404),
    ("GET", "/persons/", None, 404),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    MALFORMED,
    ids=[f"{m} {p[:40]} {i}" for i, (m, p, _, _) in enumerate(MALFORMED)],
)
def test_malformed_request_gets_a_clear_client_error(
    area: Area, tokens, method, path, body, status
):
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {tokens['dsl']}"}
    if body is None:
        response = client.generic(method, API + path, headers=headers)
    else:
        response = client.generic(
            method, API + path, body, content_type="application/json", headers=headers
        )
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert detail
    if status == 422:
        assert all(problem["loc"][0] == "body" and problem["msg"] for problem in detail)
    else:
        assert isinstance(detail, str)


def test_invalid_and_unseen_ids_share_one_answer(area: Area, tokens):
    child = area.child_known_to_school()
    client = Client()
    headers = {"Authorization": f"Bearer {tokens['police_analyst']}"}
    bodies = {
        client.get(f"{API}/persons/{path}", headers=headers).content
        for path in [child.pk, "not-a-uuid", MISSING_PERSON_ID, "9" * 5000]
    }
    assert bodies == {b'{"detail": "Not found"}'}
