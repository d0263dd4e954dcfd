"""Security headers that Django's SecurityMiddleware does not set on every response."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("safeguarding.requests")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django sends HSTS only over HTTPS; behind a TLS-terminating proxy the app sees
        # HTTP, so it is sent on every response (browsers ignore it over plain HTTP).
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
        response.headers.setdefault("Strict-Transport-Security", hsts)
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        # Static files are served before the clickjacking middleware sees them.
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


class RequestLogMiddleware:
    """One line per request: method, path, status and time taken. Never the query string,
    the body, the user agent or the client's address: paths hold opaque ids only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        request_logger.info(
            "%s %s %d %.0fms", request.method, request.path, response.status_code, elapsed_ms
        )
        return response
