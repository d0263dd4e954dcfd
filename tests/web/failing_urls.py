"""The service's URLs plus one view that fails, for tests of what a failure looks like."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from safeguarding.config import urls as service


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unexpected failure with a secret detail: Amelia Hartley")


urlpatterns = [path("fails/", fails), *service.urlpatterns]
handler404 = service.handler404
handler500 = service.handler500
