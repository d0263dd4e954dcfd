"""Signing in with a password and a TOTP second factor, and first-time enrolment."""

from __future__ import annotations

import re

import pyotp
import pytest

from safeguarding.access.roles import Role
from tests.browser.pages import Site, totp_code, wrong_totp_code
from tests.factories import Area, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_password_and_security_code(site: Site, area: Area) -> None:
    site.open("/")  # Signed-out visitors are sent to sign in.
    assert site.page.url.endswith("/sign-in/")
    assert site.heading() == "Sign in to Safeguarding Hub"

    site.fill("Username", area.dsl.username)
    site.fill("Password", "not-the-password")
    site.submit("Continue")
    assert site.page.title() == "Error: Sign in - Safeguarding Hub"
    [message] = site.error_messages()
    assert message.startswith("Enter a correct username and password")

    site.fill("Username", area.dsl.username)
    site.fill("Password", "correct-horse-battery-staple")
    site.submit("Continue")
    assert site.page.url.endswith("/sign-in/security-code/")

    site.fill("Security code", wrong_totp_code())
    site.submit("Sign in")
    assert site.page.title() == "Error: Enter your security code - Safeguarding Hub"
    assert site.error_messages() == ["The security code is not correct or has already been used"]
    # GOV.UK Frontend moves focus to the summary so that it is read out first.
    assert site.page.evaluate(
        "() => document.activeElement.classList.contains('govuk-error-summary')"
    )
    code = site.field("Security code")
    assert code.get_attribute("aria-describedby") == "id_code-hint id_code-error"
    site.error_summary().get_by_role("link").click()
    assert site.focused_id() == "id_code"

    code.fill(totp_code())
    site.submit("Sign in")
    assert site.page.url.endswith("/")
    assert site.heading() == area.school.name
    assert "Signed in as" in site.page.locator(".govuk-phase-banner").inner_text()

    site.sign_out()
    site.open("/people/")  # The session has ended.
    assert site.page.url.endswith("/sign-in/")


def test_first_sign_in_sets_up_the_security_code(site: Site, area: Area) -> None:
    newcomer = make_user(Role.PRACTITIONER, area.council, username="newcomer", totp=False)
    site.enter_password(newcomer.username)
    assert site.page.url.endswith("/sign-in/set-up-security-code/")
    assert site.heading() == "Set up your security code"

    qr_code = site.page.get_by_role("img", name="QR code for your authenticator app")
    assert qr_code.is_visible()
    assert (qr_code.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr_code.evaluate("img => img.naturalWidth") > 0
    shown = site.page.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", shown), shown
    key = shown.replace(" ", "")

    site.fill("Security code", wrong_totp_code(key))
    site.submit("Confirm and sign in")
    assert site.error_messages() == [
        "The security code is not correct. Check your app and try again"
    ]
    assert site.page.locator("code").inner_text() == shown  # Same key until confirmed.

    site.fill("Security code", pyotp.TOTP(key).now())
    site.submit("Confirm and sign in")
    assert site.page.url.endswith("/")
    assert site.heading() == area.council.name
