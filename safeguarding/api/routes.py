"""The REST API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from safeguarding.api import agencies, casework, collaboration, concerns, persons
from safeguarding.api.auth import ApiTokenAuth
from safeguarding.api.errors import install_error_handlers

DESCRIPTION = """\
For agency systems sharing concerns about children. Every endpoint needs an API token
(`Authorization: Bearer <token>`), issued to a system account by a system administrator.

A token sees exactly what its agency's staff see in the web service (need-to-know): a
person or concern outside it answers 404, exactly as one that does not exist. Every read
and write of personal data is recorded in the audit log.

Errors are `{"detail": "<message>"}`; invalid requests (422) list each problem as
`{"loc": [...], "msg": "...", "type": "..."}`, where `loc` is the path to the field in
the request.
"""


class SafeguardingApi(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # Personal data must not be kept by any cache between the hub and the client.
        response["Cache-Control"] = "no-store"
        return response


api = SafeguardingApi(
    title="Safeguarding Hub API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    auth=ApiTokenAuth(),
)
install_error_handlers(api)
api.add_router("/agencies", agencies.router)
api.add_router("/persons", persons.router)
api.add_router("/persons", casework.router)
api.add_router("/concerns", concerns.router)
api.add_router("/collaboration", collaboration.router)
