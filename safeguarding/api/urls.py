"""URLs under /api/v1/: ninja's routes, with every error in the API's JSON format."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path

from safeguarding.api.errors import MISSING_ROUTE_MESSAGE, json_error
from safeguarding.api.routes import api

View = Callable[..., HttpResponse]


def _json_method_not_allowed(view: View) -> View:
    """ninja answers a wrong method with a plain-text 405; answer in the API's format."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return json_error(
                405, f"Method {request.method} is not allowed here", Allow=response["Allow"]
            )
        return response

    return wrapper


def _only_get(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return json_error(405, f"Method {request.method} is not allowed here", Allow="GET")
        return view(request, *args, **kwargs)

    return wrapper


def _no_such_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    return json_error(404, MISSING_ROUTE_MESSAGE)


def _wrapped(patterns: list[Any]) -> list[Any]:
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            wrap = _only_get if pattern.name == "openapi-json" else _json_method_not_allowed
            pattern = URLPattern(
                pattern.pattern, wrap(pattern.callback), pattern.default_args, pattern.name
            )
        wrapped.append(pattern)
    return wrapped


api_patterns, api_app_name, api_namespace = api.urls
urlpatterns = [
    # Before ninja's own root view, which raises a bare Http404 (an HTML page).
    path("", _no_such_endpoint),
    path("", (_wrapped(api_patterns), api_app_name, api_namespace)),
    re_path(r"^(?P<rest>.*)$", _no_such_endpoint),
]
