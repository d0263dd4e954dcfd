"""One error format for the whole API, and the handlers that produce it.

Every error body is ``{"detail": "<message>"}``, except invalid input (422), whose
``detail`` lists each problem with where it is (``loc``) and what is wrong (``msg``).
Nothing a client sends should ever reach Django's HTML error pages.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# One body for every refused or absent record, so that a 404 never tells a client whether
# a record exists outside its need-to-know.
NOT_FOUND_MESSAGE = "Not found"
MISSING_ROUTE_MESSAGE = "There is no such endpoint: the API is described at /api/v1/openapi.json"
BODY_TOO_LARGE_MESSAGE = "The request body is too large"
FORBIDDEN_MESSAGE = "Your role does not allow this"
SERVER_ERROR_MESSAGE = "Something went wrong on the server; the request was not completed"


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ProblemOut]


def _described(schema: type[Schema], description: str) -> dict[str, Any]:
    return {"schema": schema, "description": description}


# Descriptions for the error responses each operation documents (see responses()).
ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    400: _described(ErrorOut, "The request body is not valid JSON"),
    401: _described(ErrorOut, "No API token, or one that is wrong, revoked or expired"),
    403: _described(ErrorOut, "The token's role may not do this"),
    404: _described(
        ErrorOut,
        "No such record, or one outside the token holder's need-to-know: the two "
        "are indistinguishable by design",
    ),
    413: _described(ErrorOut, "The request body is too large"),
    422: _described(ValidationErrorOut, "The request is not valid: each problem is listed"),
}


def responses(
    success: dict[int, tuple[Any, str]], *errors: int
) -> tuple[dict[int, Any], dict[str, Any]]:
    """The ``response`` map of an operation that needs a token, and the ``openapi_extra``
    describing each status: ``success`` maps a status to its schema and description."""
    response_map: dict[int, Any] = {}
    descriptions: dict[int, Any] = {}
    for status, (schema, description) in success.items():
        response_map[status] = schema
        descriptions[status] = {"description": description}
    for status in (401, *errors):
        response_map[status] = ERROR_RESPONSES[status]["schema"]
        descriptions[status] = {"description": ERROR_RESPONSES[status]["description"]}
    return response_map, {"responses": descriptions}


def json_error(status: int, detail: object, **headers: str) -> HttpResponse:
    """An error response for views outside ninja's operations (missing routes, methods)."""
    response = HttpResponse(
        json.dumps({"detail": detail}), status=status, content_type="application/json"
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _problem(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": kind}


# Where in the request body each key of a person's validation errors comes from.
PERSON_FIELD_FOR_ERROR_KEY = {
    "name": None,  # given and family name together: the error is about the details as a whole
    "phone": "phones",
    "vehicle": "vehicles",
    "postcode": "addresses",
}


def location_of(key: str) -> list[str | int]:
    """The body location of a domain error key: ``persons.2.identifier_nhs`` (persons
    counted from 1, as the web shows them) becomes ``["body", "persons", 1, "details",
    "identifiers"]`` (counted from 0, as in the JSON body and in schema errors)."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "persons" and parts[1].isdigit():
        loc: list[str | int] = ["body", "persons", int(parts[1]) - 1, "details"]
        field = parts[2]
        if field.startswith("identifier_"):
            loc.append("identifiers")
        elif field in PERSON_FIELD_FOR_ERROR_KEY:
            mapped = PERSON_FIELD_FOR_ERROR_KEY[field]
            if mapped is not None:
                loc.append(mapped)
        else:
            loc.append(field)
        return loc
    if key == "__all__":
        return ["body"]
    return ["body", key]


def domain_problems(error: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        return [
            _problem(location_of(key), message, "invalid")
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [_problem(["body"], message, "invalid") for message in error.messages]


# Every operation names its body parameter ``body``; ninja puts that name in each error's
# loc, after "body", and it is dropped so that a loc is the path within the JSON body.
BODY_PARAMETER = "body"


def schema_problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        if loc[:2] == ["body", BODY_PARAMETER]:
            loc = ["body", *loc[2:]]
        kind = str(error.get("type", "invalid"))
        message = str(error.get("msg", "Invalid value"))
        if loc == ["body"] and kind == "missing":
            message = "Send a JSON object in the request body"
        problems.append(_problem(loc, message, kind))
    return problems


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: object) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, schema_problems(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_domain_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, domain_problems(exc))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or FORBIDDEN_MESSAGE)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, NOT_FOUND_MESSAGE)

    @api.exception_handler(RequestDataTooBig)
    def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, BODY_TOO_LARGE_MESSAGE)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja reports any failure to read the body as one 400; say which it was.
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):
            return on_body_too_large(request, cause)
        if isinstance(cause, ValueError):  # JSONDecodeError and UnicodeDecodeError
            return respond(request, 400, f"The request body is not valid JSON: {cause}")
        if cause is not None:  # such as RecursionError, for JSON nested too deeply to read
            return respond(request, 400, "The request body could not be read as JSON")
        response = respond(request, exc.status_code, exc.message)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return respond(request, 500, SERVER_ERROR_MESSAGE)
