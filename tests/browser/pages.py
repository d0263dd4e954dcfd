"""A page object for the whole site. Every page it loads, whether by following a link,
opening an address or submitting a form, is checked the same way: the <title> names the
service, the stylesheet and scripts load from /static/ without console errors (so without
CSP violations), and axe-core finds no WCAG 2.2 AA violation."""

from __future__ import annotations

import functools
import itertools
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
from django.conf import settings
from django.test import Client
from playwright.sync_api import ConsoleMessage, Locator, Page, Response

from safeguarding.access.middleware import SESSION_STARTED_KEY
from safeguarding.access.models import User
from tests.factories import PASSWORD, TOTP_SECRET

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TITLE_SUFFIX = " - Safeguarding Hub"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# Read by the page after load; one round trip for every check that is not axe's.
PAGE_FACTS = """() => {
  // The innermost element of the heading carries the GOV.UK typography class.
  let heading = document.querySelector("h1");
  while (heading && heading.firstElementChild) heading = heading.firstElementChild;
  const sheet = [...document.styleSheets]
    .find(s => s.href && s.href.endsWith("/static/build/app.css"));
  return {
    title: document.title,
    stylesheetRules: sheet ? sheet.cssRules.length : 0,
    font: heading ? getComputedStyle(heading).fontFamily : "",
    bodyClass: document.body.className,
    h1: document.querySelectorAll("h1").length,
    // A page wider than the window scrolls sideways: the layout has broken.
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    // Error summary links whose target is missing would leave the user nowhere.
    deadErrorLinks: [...document.querySelectorAll(".govuk-error-summary a")]
      .filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
      .map(a => a.getAttribute("href")),
  };
}"""

# Screenshots are for looking at the layout, so they go outside the repository. Set
# SAFEGUARDING_SCREENSHOT_EVERY_PAGE=1 to keep one of every page checked.
SCREENSHOTS = Path(tempfile.gettempdir()) / "safeguarding-hub-screenshots"
SCREENSHOT_EVERY_PAGE = os.environ.get("SAFEGUARDING_SCREENSHOT_EVERY_PAGE") == "1"
_screenshot_numbers = itertools.count(1)


def screenshot_path(name: str) -> str:
    SCREENSHOTS.mkdir(exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


# The outermost elements reaching past the window's right edge, to say what overflows.
TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const wide = [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > limit);
  return wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5)
    .map(el => [el.tagName.toLowerCase(), ...el.classList].join("."));
}"""


@functools.cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


@dataclass(frozen=True)
class ConsoleError:
    text: str
    url: str


def totp_code(secret: str = TOTP_SECRET, *, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(at if at is not None else time.time())


def wrong_totp_code(secret: str = TOTP_SECRET) -> str:
    """A six-digit code that matches none of the steps the server accepts just now."""
    now = time.time()
    accepted = {totp_code(secret, at=now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


class Site:
    """Drives the site in one browser tab. Methods that load a page check it."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[ConsoleError] = []
        page.on("console", self._on_console)
        page.on(
            "pageerror",
            lambda error: self.console_errors.append(
                ConsoleError(f"uncaught exception: {error}", page.url)
            ),
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(ConsoleError(message.text, message.location.get("url", "")))

    # Loading pages -------------------------------------------------------------------

    def open(self, path: str, *, status: int = 200) -> Response:
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        return self._checked(response, status)

    def submit(self, button: str, *, status: int = 200, within: Locator | None = None) -> Response:
        """Press a submit button and check the page the form leads to."""
        scope = within or self.page
        with self.page.expect_navigation() as navigation:
            scope.get_by_role("button", name=button, exact=True).click()
        return self._checked(navigation.value, status)

    def follow(
        self, link: str, *, status: int = 200, within: Locator | None = None, button: bool = False
    ) -> Response:
        """Follow a link; ``button`` for a link styled and announced as a button."""
        scope = within or self.page
        with self.page.expect_navigation() as navigation:
            scope.get_by_role("button" if button else "link", name=link, exact=True).click()
        return self._checked(navigation.value, status)

    def _checked(self, response: Response | None, status: int) -> Response:
        assert response is not None, f"navigation from {self.page.url} gave no response"
        assert response.status == status, (
            f"{response.request.method} {response.url} answered {response.status}, "
            f"expected {status}"
        )
        self.check(status=status)
        return response

    # Checks --------------------------------------------------------------------------

    def check(self, *, status: int = 200) -> None:
        """Check the page now shown; called for every page load, and again after a
        script changes the page."""
        facts = self.page.evaluate(PAGE_FACTS)
        where = self.page.url
        assert facts["title"].endswith(TITLE_SUFFIX), (
            f"title {facts['title']!r} of {where} does not end with {TITLE_SUFFIX!r}"
        )
        assert facts["stylesheetRules"] > 0, f"{where}: /static/build/app.css did not load"
        assert "arial" in facts["font"].lower(), f"{where}: heading font is {facts['font']!r}"
        assert "govuk-frontend-supported" in facts["bodyClass"].split(), (
            f"{where}: GOV.UK Frontend's scripts did not run"
        )
        assert facts["h1"] == 1, f"{where} has {facts['h1']} h1 elements, expected one"
        assert facts["overflow"] <= 0, (
            f"{where} is {facts['overflow']}px wider than the window; too wide: "
            + ", ".join(self.page.evaluate(TOO_WIDE))
        )
        assert not facts["deadErrorLinks"], (
            f"{where}: error summary links to missing fields {facts['deadErrorLinks']}"
        )
        self.assert_no_console_errors(status=status)
        self.assert_accessible()
        if SCREENSHOT_EVERY_PAGE:
            name = re.sub(r"[^a-z0-9]+", "-", facts["title"].lower()).strip("-")
            self.page.screenshot(
                path=screenshot_path(f"{next(_screenshot_numbers):03d}-{name}"), full_page=True
            )

    def assert_no_console_errors(self, *, status: int = 200) -> None:
        errors = [
            error
            for error in self.console_errors
            # Chromium logs an error status of the page itself; it is expected on 404 pages.
            if not (
                status >= 400
                and error.url == self.page.url
                and error.text.startswith("Failed to load resource")
            )
        ]
        self.console_errors.clear()
        assert not errors, f"console errors on {self.page.url}:\n" + "\n".join(
            f"  {error.text} ({error.url})" for error in errors
        )

    def assert_accessible(self) -> None:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # evaluate() is not subject to the page's CSP, which forbids inline scripts.
            self.page.evaluate(axe_source())
        violations: list[dict[str, Any]] = self.page.evaluate(
            "options => axe.run(document, options).then(results => results.violations)",
            AXE_OPTIONS,
        )
        assert not violations, f"axe found accessibility violations on {self.page.url}:\n" + (
            "\n".join(
                f"  {violation['id']} ({violation['impact']}): {violation['help']}\n"
                + "\n".join(
                    f"      {node['target']}: {node.get('failureSummary', '')}".replace("\n", " ")
                    for node in violation["nodes"]
                )
                for violation in violations
            )
        )

    # Reading and filling pages -------------------------------------------------------

    def navigation(self) -> Locator:
        return self.page.get_by_role("navigation", name="Menu")

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def field(self, label: str) -> Locator:
        return self.page.get_by_label(label, exact=True)

    def fill(self, label: str, value: str) -> None:
        self.field(label).fill(value)

    def fill_date(self, legend: str, day: int | str, month: int | str, year: int | str) -> None:
        # The boxes are found through their fieldset's legend, as a screen reader would.
        group = self.page.get_by_role("group", name=legend)
        for box, value in (("Day", day), ("Month", month), ("Year", year)):
            group.get_by_label(box, exact=True).fill(str(value))

    def error_summary(self) -> Locator:
        return self.page.locator(".govuk-error-summary")

    def error_messages(self) -> list[str]:
        return [
            text.strip()
            for text in self.error_summary()
            .locator(".govuk-error-summary__list li")
            .all_inner_texts()
        ]

    def focused_id(self) -> str:
        return str(self.page.evaluate("() => document.activeElement && document.activeElement.id"))

    # Signing in ------------------------------------------------------------------------

    def enter_password(self, username: str, password: str = PASSWORD, *, status: int = 200) -> None:
        self.open("/sign-in/")
        self.fill("Username", username)
        self.fill("Password", password)
        self.submit("Continue", status=status)

    def sign_in(self, user: User) -> None:
        """Both steps, as a member of staff whose authenticator holds TOTP_SECRET."""
        self.enter_password(user.username)
        assert self.heading() == "Security code"
        self.fill("Security code", totp_code())
        self.submit("Sign in")
        assert self.page.url.endswith("/"), f"sign-in ended at {self.page.url}"

    def sign_in_with_session(self, user: User) -> None:
        """Start signed in as ``user``, skipping the sign-in pages: for tests about what
        comes after signing in. The session is made as the sign-in view makes it."""
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_STARTED_KEY] = time.time()
        session.save()
        self.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key or "",
                    "url": self.base_url,
                }
            ]
        )
        self.open("/")

    def sign_out(self) -> None:
        self.submit("Sign out")
        assert self.heading() == "You have signed out"
