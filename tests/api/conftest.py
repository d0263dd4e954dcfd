"""An API client that checks every response against the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from safeguarding.access.actions import issue_api_token
from safeguarding.access.models import User
from tests.factories import Area

API = "/api/v1"
DOCUMENT_URI = "urn:safeguarding-hub:openapi"
MISSING_PERSON_ID = "00000000-0000-4000-8000-000000000000"
# Every role in tests.factories.Area, each holding its own token.
ALL_ROLES = [
    "practitioner",
    "manager",
    "mash",
    "other_mash",
    "dsl",
    "police_analyst",
    "other_police_analyst",
    "health",
    "taskforce_analyst",
    "auditor",
    "admin",
    "system",
]
NO_CASE_WORK_ROLES = {"taskforce_analyst", "auditor", "admin"}


def _pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


@dataclass
class OpenApiDocument:
    document: dict[str, Any]

    def __post_init__(self) -> None:
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)

    def response_validator(self, template: str, method: str, status: int) -> Draft202012Validator:
        operation = self.document["paths"][API + template][method.lower()]
        assert str(status) in operation["responses"], (
            f"{method} {template} answered {status}, which the document does not list"
        )
        pointer = "/".join(
            _pointer_part(part)
            for part in (
                "paths",
                API + template,
                method.lower(),
                "responses",
                str(status),
                "content",
                "application/json",
                "schema",
            )
        )
        return Draft202012Validator(
            {"$ref": f"{DOCUMENT_URI}#/{pointer}"},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )


@pytest.fixture(scope="session")
def openapi() -> OpenApiDocument:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return OpenApiDocument(json.loads(response.content))


@dataclass
class ApiClient:
    """Calls an endpoint by its documented path template, and fails the test if the
    response's status or body does not match what the document says."""

    openapi: OpenApiDocument
    token: str | None
    client: Client

    def call(
        self,
        method: str,
        template: str,
        body: object = None,
        *,
        headers: dict[str, str] | None = None,
        **params: object,
    ) -> HttpResponse:
        path = API + template.format(**params)
        headers = {
            **(headers or {}),
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        }
        if body is None:
            response = self.client.generic(method, path, headers=headers)
        else:
            response = self.client.generic(
                method,
                path,
                json.dumps(body),
                content_type="application/json",
                headers=headers,
            )
        assert response.status_code != 500, response.content
        assert response["Content-Type"].startswith("application/json")
        validator = self.openapi.response_validator(template, method, response.status_code)
        errors = [error.message for error in validator.iter_errors(response.json())]
        assert not errors, f"{method} {template} {response.status_code}: {errors}"
        return response

    def get(self, template: str, **params: object) -> HttpResponse:
        return self.call("GET", template, **params)

    def post(
        self,
        template: str,
        body: object,
        *,
        headers: dict[str, str] | None = None,
        **params: object,
    ) -> HttpResponse:
        return self.call("POST", template, body, headers=headers, **params)


@pytest.fixture
def api_as(openapi: OpenApiDocument) -> Callable[[User], ApiClient]:
    """An API client holding a fresh token for ``user``."""

    def make(user: User) -> ApiClient:
        token = issue_api_token(actor=None, user=user, name=f"{user.username} system")
        return ApiClient(openapi, token, Client())

    return make


@pytest.fixture
def anonymous_api(openapi: OpenApiDocument) -> ApiClient:
    return ApiClient(openapi, None, Client())


@pytest.fixture
def tokens(area: Area) -> dict[str, str]:
    return {
        role: issue_api_token(actor=None, user=getattr(area, role), name=f"{role} token")
        for role in ALL_ROLES
    }
