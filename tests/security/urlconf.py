"""Every URL pattern of the service, with its parameters, for tests that sweep them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    converters: dict[str, Any]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def fill(self, values: dict[str, Any]) -> str:
        """The path with each <converter:name> replaced by values[name]."""
        path = self.route
        for name, converter in self.converters.items():
            kind = {IntConverter: "int", UUIDConverter: "uuid"}.get(type(converter), "str")
            for placeholder in (f"<{kind}:{name}>", f"<{name}>"):
                path = path.replace(placeholder, str(values[name]))
        return "/" + path


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith("^") or "(?P" in route:
                continue  # the API's catch-all for unknown paths
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name or "")
            yield Route(route, name, dict(getattr(pattern.pattern, "converters", {})))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))


def routes_with_ids() -> list[Route]:
    return [
        route
        for route in all_routes()
        if any(isinstance(c, IntConverter | UUIDConverter) for c in route.converters.values())
    ]
