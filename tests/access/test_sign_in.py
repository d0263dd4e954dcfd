"""Sign-in: password then a TOTP code, lock-out, replay, session limits, CSRF, headers."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from safeguarding.access.middleware import SESSION_STARTED_KEY
from safeguarding.access.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from tests.factories import PASSWORD, TOTP_SECRET, Area, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _password_step(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("access:sign-in"), {"username": username, "password": password})


def _code_at(offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(TOTP_SECRET)
    return totp.at(time.time() + offset_steps * totp.interval)


def test_passwords_are_hashed_with_argon2(area: Area):
    assert identify_hasher(area.practitioner.password).algorithm == "argon2"
    assert PASSWORD not in area.practitioner.password


def test_sign_in_needs_password_then_code(area: Area):
    client = Client()
    response = _password_step(client, "practitioner")
    assert response.status_code == 302
    assert response.url == reverse("access:second-factor")
    # Not signed in yet: pages still redirect to sign-in.
    assert client.get("/").url == reverse("access:sign-in")
    response = client.post(reverse("access:second-factor"), {"code": _code_at()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(verb=AuditVerb.SIGNED_IN, actor_label="practitioner").exists()


def test_wrong_password_gives_one_message_for_unknown_and_known_users(area: Area):
    wrong = _password_step(Client(), "practitioner", "not-the-password").content.decode()
    unknown = _password_step(Client(), "nobody-here", "not-the-password").content.decode()
    assert "Enter a correct username and password" in wrong
    assert "Enter a correct username and password" in unknown
    assert 'class="govuk-error-summary"' in wrong


def test_a_code_cannot_be_replayed(area: Area):
    first = Client()
    _password_step(first, "practitioner")
    code = _code_at()
    assert first.post(reverse("access:second-factor"), {"code": code}).status_code == 302
    second = Client()
    _password_step(second, "practitioner")
    replay = second.post(reverse("access:second-factor"), {"code": code})
    assert replay.status_code == 200
    assert "already been used" in replay.content.decode()


def test_repeated_failures_lock_the_account(area: Area, settings):
    settings.SIGN_IN_MAX_FAILURES = 3
    for _ in range(3):
        _password_step(Client(), "practitioner", "wrong password!")
    user = User.objects.get(username="practitioner")
    assert user.is_locked()
    # Even the right password is refused while locked, with the lock-out message.
    response = _password_step(Client(), "practitioner")
    assert "locked" in response.content.decode()
    assert AuditEntry.objects.filter(verb=AuditVerb.ACCOUNT_LOCKED).count() == 1


def test_wrong_codes_count_toward_lock_out(area: Area, settings):
    settings.SIGN_IN_MAX_FAILURES = 2
    client = Client()
    _password_step(client, "practitioner")
    client.post(reverse("access:second-factor"), {"code": "000000"})
    response = client.post(reverse("access:second-factor"), {"code": "111111"})
    assert response.status_code == 403
    assert User.objects.get(username="practitioner").is_locked()


def test_admin_can_unlock(area: Area, client_for, settings):
    settings.SIGN_IN_MAX_FAILURES = 1
    _password_step(Client(), "practitioner", "wrong password!")
    assert User.objects.get(username="practitioner").is_locked()
    client_for(area.admin).post(reverse("access:user-unlock", args=[area.practitioner.pk]))
    assert not User.objects.get(username="practitioner").is_locked()


def test_system_accounts_cannot_sign_in_to_the_web(area: Area):
    response = _password_step(Client(), "police-system")
    assert "Enter a correct username and password" in response.content.decode()


def test_first_sign_in_enrols_the_second_factor(area: Area):
    make_user("practitioner", area.council, username="newstarter", totp=False)
    client = Client()
    response = _password_step(client, "newstarter")
    assert response.url == reverse("access:enrol")
    page = client.get(reverse("access:enrol"))
    secret = client.session["pending_totp_secret"]
    assert "data:image/svg+xml" in page.content.decode()
    response = client.post(reverse("access:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    user = User.objects.get(username="newstarter")
    assert user.totp_confirmed
    assert secret not in user.totp_secret_encrypted  # stored encrypted


def test_session_id_changes_at_sign_in(area: Area):
    client = Client()
    client.get(reverse("access:sign-in"))
    client.cookies["sghub_session"] = "attacker-chosen-session-id"
    _password_step(client, "practitioner")
    client.post(reverse("access:second-factor"), {"code": _code_at()})
    assert client.cookies["sghub_session"].value != "attacker-chosen-session-id"
    assert client.get("/").status_code == 200


def test_sessions_end_after_the_maximum_age(area: Area, client_for):
    client = client_for(area.practitioner)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 11 * 3600
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("access:sign-in")


def test_idle_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_csrf_is_enforced(area: Area):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("access:sign-in"), {"username": "practitioner", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_sign_out_ends_the_session(area: Area, client_for):
    client = client_for(area.practitioner)
    assert client.post(reverse("access:sign-out")).status_code == 200
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sign-in/",
        "/healthz",
        "/people/",
        "/no-such-page/",
        "/static/build/app.css",
        "/api/v1/openapi.json",
    ],
)
def test_security_headers_on_every_response(area: Area, client_for, path):
    response = client_for(area.practitioner).get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_signed_in_pages_are_not_cached(area: Area, client_for):
    assert client_for(area.practitioner).get("/").headers["Cache-Control"] == "no-store"


def test_request_log_has_no_query_string_or_client_details(area: Area, client_for, caplog):
    import logging

    client = client_for(area.practitioner)
    with caplog.at_level(logging.INFO, logger="safeguarding.requests"):
        client.get(
            "/?secret-term=Hartley", HTTP_USER_AGENT="Known-Agent/1.0", REMOTE_ADDR="203.0.113.9"
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "safeguarding.requests"]
    assert lines
    assert lines[0].startswith("GET / 200 ")
    assert not any(term in " ".join(lines) for term in ("Hartley", "Known-Agent", "203.0.113.9"))
