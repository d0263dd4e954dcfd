"""CSRF on every form of the web service, and a fresh session key at sign-in."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls.converters import IntConverter, UUIDConverter

from tests.factories import PASSWORD, TOTP_SECRET, Area
from tests.security.urlconf import all_routes

pytestmark = pytest.mark.django_db

# The helpline's public pages are exempt on purpose: they set no cookie at all, use no
# signed-in identity, and carry their state in sealed hidden fields (see
# docs/developers/helpline-security.md). The API takes bearer tokens, never cookies.
CSRF_EXEMPT = {
    "helpline:helpline-report",
    "helpline:helpline-known-as",
    "helpline:helpline-receipt-saved",
    "helpline:helpline-return",
    "helpline:helpline-conversation",
}


def _dummy(converter: object) -> object:
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    return "x"


def test_every_post_without_a_csrf_token_is_refused(area: Area, client_for):
    signed_in = client_for(area.admin)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = signed_in.cookies
    checked = []
    for route in all_routes():
        if route.is_api or route.name in CSRF_EXEMPT:
            continue
        path = route.fill({name: _dummy(c) for name, c in route.converters.items()})
        response = strict.post(path, {"anything": "x"})
        assert response.status_code == 403, f"POST {path} answered {response.status_code}"
        assert "Your form could not be sent" in response.content.decode(), path
        checked.append(path)
    assert len(checked) > 50
    assert "/sign-in/" in checked  # sign-in itself, against login CSRF


def test_the_exempt_pages_are_exactly_the_helpline_public_ones():
    names = {route.name for route in all_routes()}
    assert names >= CSRF_EXEMPT
    assert all(name.startswith("helpline:helpline-") for name in CSRF_EXEMPT)


def test_a_session_key_planted_before_sign_in_is_not_the_one_signed_in(area: Area):
    planted = SessionStore()
    planted.create()
    victim = Client()
    victim.cookies["sghub_session"] = planted.session_key
    victim.post("/sign-in/", {"username": "practitioner", "password": PASSWORD})
    after_password = victim.cookies["sghub_session"].value
    code = pyotp.TOTP(TOTP_SECRET).at(time.time())
    assert victim.post("/sign-in/security-code/", {"code": code}).status_code == 302
    signed_in_key = victim.cookies["sghub_session"].value
    assert victim.get("/").status_code == 200

    assert planted.session_key not in {after_password, signed_in_key}
    assert after_password != signed_in_key
    # The attacker who planted the key holds nothing.
    attacker = Client()
    attacker.cookies["sghub_session"] = planted.session_key
    assert attacker.get("/").status_code == 302
