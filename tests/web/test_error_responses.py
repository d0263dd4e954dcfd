"""Failures look like the service, not like a stack trace, and carry every security header."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Area


def _assert_secure(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.urls("tests.web.failing_urls")
def test_an_unexpected_failure_is_a_plain_500_page_with_every_header(area: Area, client_for):
    client = client_for(area.practitioner)
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    _assert_secure(response)
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page
    assert "Amelia Hartley" not in page
    assert "RuntimeError" not in page


def test_refusals_and_wrong_methods_carry_every_header(area: Area, client_for):
    taskforce = client_for(area.taskforce_analyst)
    refused = taskforce.get("/people/")
    assert refused.status_code in {403, 404}
    _assert_secure(refused)
    wrong_method = Client().get("/helpline/report/known-as/")  # a form that only takes POST
    assert wrong_method.status_code == 405
    _assert_secure(wrong_method)
    signed_out = Client().get("/people/")
    assert signed_out.status_code == 302
    _assert_secure(signed_out)
    helpline = Client().get("/helpline/")
    _assert_secure(helpline)
