"""The Idempotency-Key header: a retried POST, whose first answer the client never saw,
records nothing more and gets the first answer again."""

from __future__ import annotations

import uuid

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import Concern
from tests.api.test_record_concern import concern
from tests.factories import Area, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _without_record_id(area: Area) -> dict[str, object]:
    # Without an agency record id, nothing else tells a retry from a new concern.
    body = concern(area)
    body["agency_record_id"] = ""
    return body


def test_a_retried_post_with_the_same_key_records_one_concern(area: Area, api_as) -> None:
    api = api_as(area.system)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = _without_record_id(area)
    first = api.post("/concerns", body, headers=key)
    again = api.post("/concerns", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Concern.objects.count() == 1
    # The replay is a read of the concern, audited as one.
    assert AuditEntry.objects.filter(
        verb=AuditVerb.CONCERN_VIEWED, target_id=first.json()["id"]
    ).exists()


def test_without_a_key_a_retry_records_a_second_concern(area: Area, api_as) -> None:
    api = api_as(area.system)
    api.post("/concerns", _without_record_id(area))
    api.post("/concerns", _without_record_id(area))
    assert Concern.objects.count() == 2


def test_new_keys_record_new_concerns(area: Area, api_as) -> None:
    api = api_as(area.system)
    for _ in range(2):
        response = api.post(
            "/concerns", _without_record_id(area), headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert response.status_code == 201
    assert Concern.objects.count() == 2


def test_a_key_sent_again_with_another_request_is_refused(area: Area, api_as) -> None:
    api = api_as(area.system)
    key = {"Idempotency-Key": "retry-1"}
    body = _without_record_id(area)
    api.post("/concerns", body, headers=key)
    changed = {**body, "summary": "Something else entirely happened."}
    response = api.post("/concerns", changed, headers=key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Concern.objects.count() == 1


def test_keys_belong_to_one_account(area: Area, api_as) -> None:
    other_system = make_user(
        "system-integration", area.police, username="police-system-2", totp=False
    )
    key = {"Idempotency-Key": "shared-key"}
    first = api_as(area.system).post("/concerns", _without_record_id(area), headers=key)
    other = api_as(other_system).post("/concerns", _without_record_id(area), headers=key)
    assert first.status_code == other.status_code == 201
    assert first.json()["id"] != other.json()["id"]


@pytest.mark.parametrize("key", ["", "has a space", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_refused(area: Area, api_as, key: str) -> None:
    api = api_as(area.system)
    response = api.post("/concerns", _without_record_id(area), headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert not Concern.objects.exists()
