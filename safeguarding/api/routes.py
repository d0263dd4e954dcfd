"""The REST API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Safeguarding Hub API",
    version="1.0.0",
    urls_namespace="api",
    docs_url=None,
)
