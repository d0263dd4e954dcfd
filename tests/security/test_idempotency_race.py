"""The same Idempotency-Key sent twice at once, from two connections: one concern, and both
answers name it; the same key with another request at once: one concern, and a clear 422.

PostgreSQL only: SQLite's in-memory test database refuses a second writer rather than
making it wait, which is not the situation under test. To be sure both requests are past
the check for an earlier use of the key before either records anything, the test holds the
concerns table locked until both are waiting on it, then lets them go."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from safeguarding.access.actions import issue_api_token
from safeguarding.concerns.models import Concern
from tests.api.test_record_concern import concern
from tests.factories import Area

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 60


def _body(area: Area, summary: str) -> dict[str, Any]:
    # Without an agency record id, only the key tells a retry from a new concern.
    return concern(area, summary=summary, agency_record_id="")


def _send_at_once(token: str, key: str, bodies: list[dict[str, Any]]) -> list[Any]:
    """POST each body with ``key`` from its own thread (and database connection), all held
    at the concerns table until every one is waiting there."""
    answers: list[Any] = [None] * len(bodies)
    failures: list[str] = []

    def send(index: int) -> None:
        try:
            answers[index] = Client().post(
                "/api/v1/concerns",
                bodies[index],
                "application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )
        except Exception as error:  # reported by the assertion below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Concern._meta.db_table} IN EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        waiting = 0
        for _ in range(WAIT_SECONDS * 10):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [Concern._meta.db_table],
            )
            waiting = cursor.fetchone()[0]
            if waiting == len(bodies) or not all(thread.is_alive() for thread in threads):
                break
            threading.Event().wait(0.1)
        assert waiting == len(bodies), ("the requests never met at the concerns table", answers)
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    return answers


@pytest.fixture
def token(area: Area) -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that makes concurrent writers wait")
    return issue_api_token(actor=None, user=area.system, name="race")


def test_the_same_key_at_once_records_one_concern(area: Area, token: str) -> None:
    body = _body(area, "Found carrying cash and two phones at 2am near the station.")
    first, second = _send_at_once(token, str(uuid.uuid4()), [body, body])
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert list(Concern.objects.values_list("pk", flat=True)) == [uuid.UUID(first.json()["id"])]


def test_the_same_key_with_another_request_at_once_is_refused(area: Area, token: str) -> None:
    bodies = [
        _body(area, "Found carrying cash and two phones at 2am near the station."),
        _body(area, "Something else entirely happened."),
    ]
    answers = _send_at_once(token, "race-key-1", bodies)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 422]
    (refused,) = [answer for answer in answers if answer.status_code == 422]
    assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    (recorded,) = [answer for answer in answers if answer.status_code == 201]
    assert list(Concern.objects.values_list("pk", flat=True)) == [uuid.UUID(recorded.json()["id"])]
