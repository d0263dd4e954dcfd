"""Security headers that Django's SecurityMiddleware does not set on every response."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
