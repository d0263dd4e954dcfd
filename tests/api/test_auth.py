"""Bearer-token authentication: every endpoint with data needs a live token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.access import actions as access_actions
from safeguarding.access.models import ApiToken
from safeguarding.audit.models import AuditEntry
from tests.api.conftest import API, MISSING_PERSON_ID, ApiClient
from tests.factories import Area

pytestmark = pytest.mark.django_db

# Every documented operation, with a body where it takes one.
OPERATIONS = [
    ("GET", "/agencies", None),
    ("POST", "/persons/search", {"name": "Amelia Hartley"}),
    ("GET", "/persons/{id}", None),
    ("GET", "/persons/{id}/concerns", None),
    ("POST", "/concerns", {"category": "neglect"}),
    ("GET", "/concerns/{id}", None),
]


def _call(api: ApiClient, method: str, template: str, body: object):
    return api.call(method, template, body, id=MISSING_PERSON_ID)


def _refused(response, words: str) -> None:
    assert response.status_code == 401
    assert words in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "template", "body"), OPERATIONS)
def test_no_token(anonymous_api: ApiClient, method, template, body):
    _refused(_call(anonymous_api, method, template, body), "Send an API token")


@pytest.mark.parametrize(("method", "template", "body"), OPERATIONS)
def test_wrong_token(area: Area, openapi, method, template, body):
    api = ApiClient(openapi, "sgh_" + "x" * 43, Client())
    _refused(_call(api, method, template, body), "not valid")


@pytest.mark.parametrize(
    "header",
    [
        "Basic ZGxzOnBhc3N3b3Jk",
        "Bearer",
        "Bearer    ",
        "sgh_abc",
        "Token sgh_abc",
    ],
)
def test_malformed_authorization_header(area: Area, header):
    response = Client().get(f"{API}/agencies", headers={"Authorization": header})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_token_without_the_prefix_or_overlong(area: Area):
    for token in ["not-a-hub-token", "sgh_" + "a" * 5000]:
        response = Client().get(f"{API}/agencies", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_revoked_token(area: Area, api_as):
    api = api_as(area.system)
    assert api.get("/agencies").status_code == 200
    ApiToken.objects.filter(user=area.system).update(revoked_at=timezone.now())
    _refused(api.get("/agencies"), "not valid")


def test_expired_token(area: Area, api_as):
    api = api_as(area.system)
    assert api.get("/agencies").status_code == 200
    ApiToken.objects.filter(user=area.system).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _refused(api.get("/agencies"), "not valid")


def test_token_of_a_deactivated_account(area: Area, api_as):
    api = api_as(area.system)
    access_actions.deactivate_user(actor=None, user=area.system)
    _refused(api.get("/agencies"), "not valid")


def test_refused_request_reads_nothing(area: Area, openapi):
    child = area.child_known_to_school()
    before = AuditEntry.objects.count()
    response = ApiClient(openapi, "sgh_wrong", Client()).get("/persons/{id}", id=child.pk)
    _refused(response, "not valid")
    assert child.family_name not in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_token_use_is_recorded_on_the_token(area: Area, api_as):
    api = api_as(area.system)
    api.get("/agencies")
    assert ApiToken.objects.get(user=area.system).last_used_at is not None


def test_responses_are_not_cached(area: Area, api_as):
    child = area.child_known_to_school()
    response = api_as(area.dsl).get("/persons/{id}", id=child.pk)
    assert response["Cache-Control"] == "no-store"


def test_token_requests_need_no_csrf_token(area: Area, tokens):
    """A system is not a browser: its POSTs carry a bearer token, not a CSRF cookie."""
    area.child_known_to_school()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/persons/search",
        {"name": "Amelia Hartley"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['dsl']}"},
    )
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_a_signed_in_browser_session_is_not_a_token(area: Area, client_for):
    """The web session of a member of staff does not open the API."""
    child = area.child_known_to_school()
    response = client_for(area.dsl).get(f"{API}/persons/{child.pk}")
    assert response.status_code == 401
