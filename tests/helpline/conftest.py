from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.helpline import actions, spam, throttle
from safeguarding.helpline.models import KnownAs
from tests.factories import PASSWORD, Area, make_agency, make_user


@pytest.fixture(autouse=True)
def _fast_helpline(settings: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The production Argon2id costs (64 MiB, 3 passes) are for attackers, not test runs.
    settings.HELPLINE_KDF_TIME_COST = 1
    settings.HELPLINE_KDF_MEMORY_KIB = 256
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 0)
    throttle.reset()
    yield
    throttle.reset()


@dataclass
class Helpline:
    agency: Agency
    caseworker: User
    colleague: User
    recovery: tuple[str, str]


def unlocked(user: User) -> bytes:
    return actions.unlock_staff_key(actor=user, password=PASSWORD)


@pytest.fixture
def helpline(area: Area) -> Helpline:
    agency = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, agency, username="caseworker")
    colleague = make_user(Role.HELPLINE_STAFF, agency, username="colleague")
    shares = actions.create_recovery_key(actor=None, helpline=agency)
    # Both have key pairs before reports arrive, so new reports are sealed to both.
    unlocked(caseworker)
    unlocked(colleague)
    return Helpline(agency, caseworker, colleague, (shares.first, shares.second))


def details(area: Area, **overrides: object) -> actions.ReportDetails:
    values: dict[str, object] = {
        "what_happened": "The head teacher shredded the disclosure log after an inspection",
        "organisations": "Testshire Academy",
        "named_agencies": [area.school],
        "area": area.council,
        "who": "The head teacher",
        "when": "Last March",
        "known_as": KnownAs.ANONYMOUS,
    }
    values.update(overrides)
    return actions.ReportDetails(**values)


def hidden(response: object, name: str) -> str:
    match = re.search(
        rf'name="{name}" value="([^"]*)"',
        response.content.decode(),
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def receipt_in(response: object) -> str:
    match = re.search(r"data-receipt>([\d ]+)<", response.content.decode())
    assert match
    return match.group(1)


def submit_through_pages(
    client: Client, area: Area, *, known_as: str = "anonymous", what: str = "", **extra: str
) -> str:
    """Walk the public pages as a reporter and return the receipt shown."""
    page = client.get("/helpline/report/", **extra)
    assert page.status_code == 200
    started = hidden(page, "started")
    details_page = client.post(
        "/helpline/report/",
        {
            "what_happened": what or "A referral about a boy at Testshire Academy sat unread",
            "named_agencies": [area.school.pk],
            "organisations": "Testshire Academy",
            "area": area.council.pk,
            "who": "The designated safeguarding lead",
            "when": "Autumn term",
            "started": started,
            "website": "",
        },
        **extra,
    )
    assert details_page.status_code == 200, details_page.content.decode()
    receipt_page = client.post(
        "/helpline/report/known-as/",
        {"draft": hidden(details_page, "draft"), "known_as": known_as, "name": "", "contact": ""},
        **extra,
    )
    assert receipt_page.status_code == 200, receipt_page.content.decode()
    saved = client.post(
        "/helpline/report/receipt-saved/",
        {"token": hidden(receipt_page, "token"), "saved": "on"},
        **extra,
    )
    assert saved.status_code == 200
    return receipt_in(receipt_page)
