"""The OpenAPI document: public, valid, and complete."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from referencing.jsonschema import DRAFT202012

from tests.api.conftest import API, OpenApiDocument

ROUTES = {
    ("get", "/agencies"),
    ("post", "/persons/search"),
    ("get", "/persons/{id}"),
    ("get", "/persons/{id}/concerns"),
    ("get", "/persons/{id}/episodes"),
    ("post", "/persons/{id}/episodes"),
    ("put", "/persons/{id}/episodes/{episode_id}"),
    ("put", "/persons/{id}/characteristics"),
    ("post", "/concerns"),
    ("get", "/concerns/{id}"),
    ("get", "/collaboration/inbox"),
    ("get", "/collaboration/outbox"),
    ("get", "/collaboration/requests/{id}"),
    ("post", "/collaboration/requests/{id}/response"),
    ("post", "/collaboration/requests/{id}/answer"),
}


def test_document_is_public_json():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Safeguarding Hub API"


def test_every_route_is_listed(openapi: OpenApiDocument):
    listed = {
        (method, path.removeprefix(API))
        for path, operations in openapi.document["paths"].items()
        for method in operations
    }
    assert listed == ROUTES


def test_bearer_authentication_is_declared_on_every_operation(openapi: OpenApiDocument):
    schemes = openapi.document["components"]["securitySchemes"]
    [(name, scheme)] = schemes.items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for operations in openapi.document["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{name: []}]
            assert "401" in operation["responses"]


def test_operations_are_documented(openapi: OpenApiDocument):
    for path, operations in openapi.document["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            assert operation["description"], (method, path)
            assert operation["operationId"]
            for status, response in operation["responses"].items():
                assert response["description"], (method, path, status)
                assert response["content"]["application/json"]["schema"]
            if "{id}" in path:
                assert "404" in operation["responses"]
            if method == "post":
                assert {"400", "413", "422"} <= set(operation["responses"])


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


def test_schemas_are_valid_and_every_reference_resolves(openapi: OpenApiDocument):
    schemas = openapi.document["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    resolver = openapi.registry.resolver(base_uri="urn:safeguarding-hub:openapi")
    for reference in set(_references(openapi.document)):
        assert reference.startswith("#/components/schemas/")
        resolved = resolver.lookup("urn:safeguarding-hub:openapi" + reference)
        assert resolved.contents is not None


def test_path_ids_are_documented_as_uuids(openapi: OpenApiDocument):
    for path, operations in openapi.document["paths"].items():
        for operation in operations.values():
            for parameter in operation["parameters"]:
                if parameter["in"] == "header":
                    # The one header parameter: a retried POST is answered, not repeated.
                    assert parameter["name"] == "Idempotency-Key", path
                    assert not parameter["required"], path
                    continue
                assert parameter["in"] == "path", path
                assert parameter["required"], path
                assert parameter["schema"]["format"] == "uuid"


def test_errors_have_one_documented_shape(openapi: OpenApiDocument):
    schemas = openapi.document["components"]["schemas"]
    assert schemas["ErrorOut"]["required"] == ["detail"]
    problem = schemas["ProblemOut"]
    assert set(problem["required"]) == {"loc", "msg", "type"}


@pytest.mark.parametrize("schema_name", ["ConcernIn", "SearchIn"])
def test_inputs_refuse_unknown_fields(openapi: OpenApiDocument, schema_name):
    assert openapi.document["components"]["schemas"][schema_name]["additionalProperties"] is False


def test_documented_enums_match_the_domain(openapi: OpenApiDocument):
    from safeguarding.concerns.models import ConcernCategory, PersonRole

    schemas = openapi.document["components"]["schemas"]
    assert schemas["ConcernCategory"]["enum"] == list(ConcernCategory.values)
    assert schemas["PersonRole"]["enum"] == list(PersonRole.values)


def test_specification_version_matches_the_json_schema_dialect(openapi: OpenApiDocument):
    # OpenAPI 3.1 schemas are JSON Schema 2020-12, which the response checks rely on.
    assert openapi.document["openapi"].startswith("3.1")
    assert DRAFT202012.id_of({"$id": "x"}) == "x"


def test_schema_names_are_unique() -> None:
    """The OpenAPI document names each schema by its class name: two classes of one name
    would share a component, and one endpoint would be documented with the other's fields."""
    import importlib
    import pkgutil

    import ninja

    import safeguarding.api

    for module in pkgutil.iter_modules(safeguarding.api.__path__):
        importlib.import_module(f"safeguarding.api.{module.name}")

    def subclasses(cls: type) -> list[type]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))]

    ours = [cls for cls in subclasses(ninja.Schema) if cls.__module__.startswith("safeguarding.")]
    names = [cls.__name__ for cls in ours]
    assert len(ours) > 10
    assert sorted({name for name in names if names.count(name) > 1}) == []
