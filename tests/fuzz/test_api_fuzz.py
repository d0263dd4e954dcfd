"""Fuzzing the API from its own OpenAPI document with Schemathesis.

For every operation in /api/v1/openapi.json, Schemathesis generates requests, valid and
not, and sends them through the whole Django stack (WSGI, middleware, ninja) with a real
token. Every answer must be a non-5xx, listed in the document for that operation, and match
its schema, content type and headers. The example count is bounded so the suite stays fast;
raise EXAMPLES_PER_OPERATION for a longer hunt.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from safeguarding.access.actions import issue_api_token
from safeguarding.config.wsgi import application
from tests.factories import Area

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

EXAMPLES_PER_OPERATION = 10
# Left out: "a request the schema allows must be accepted". The API also applies rules a
# JSON schema cannot state (the local authority must exist, a person_id must be one the
# token may see, dates from 1900, no control characters): those answer a documented 422.
# Every other check runs, including that requests the schema forbids are refused.
LEFT_OUT = [positive_data_acceptance]


@pytest.fixture(autouse=True)
def _one_connection_per_test() -> Iterator[None]:
    """Schemathesis calls the WSGI application itself, which closes the database connection
    after each request; the test's transaction needs it kept, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(area: Area) -> str:
    area.child_known_to_school()
    return issue_api_token(actor=None, user=area.system, name="fuzz", days_valid=1)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=LEFT_OUT)
