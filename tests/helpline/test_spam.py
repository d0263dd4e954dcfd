"""Slice 4: spam screening with a honeypot and a signed minimum fill time; suspect reports
are quarantined, never deleted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.helpline import spam
from safeguarding.helpline.models import Report, Status
from tests.factories import Area
from tests.helpline.conftest import Helpline, hidden


def _send(client: Client, area: Area, **extra: str) -> Report:
    page = client.get("/helpline/report/")
    posted = {
        "what_happened": "Buy cheap watches",
        "when": "Now",
        "started": hidden(page, "started"),
        "website": "",
    }
    posted.update(extra)
    details = client.post("/helpline/report/", posted)
    client.post(
        "/helpline/report/known-as/", {"draft": hidden(details, "draft"), "known_as": "anonymous"}
    )
    return Report.objects.get()


def test_a_filled_honeypot_quarantines(client: Client, helpline: Helpline, area: Area):
    assert _send(client, area, website="http://spam.example").status == Status.QUARANTINED


def test_a_forged_start_time_quarantines(client: Client, helpline: Helpline, area: Area):
    assert _send(client, area, started="12345").status == Status.QUARANTINED


def test_a_form_sent_fast_is_not_quarantined_for_speed_alone(
    client: Client, helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    # Someone who wrote it elsewhere and pasted it in: every other check passes.
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 60)
    assert _send(client, area).status == Status.NEW


def test_a_form_sent_fast_with_another_sign_is_quarantined(
    client: Client, helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 60)
    assert _send(client, area, website="x").status == Status.QUARANTINED


def test_a_quarantined_reporter_is_promised_no_date(client: Client, helpline: Helpline, area: Area):
    page = client.get("/helpline/report/")
    details_page = client.post(
        "/helpline/report/",
        {
            "what_happened": "A referral about a boy sat unread for weeks",
            "area": area.council.pk,
            "when": "Autumn term",
            "started": hidden(page, "started"),
            "website": "x",
        },
    )
    receipt_page = client.post(
        "/helpline/report/known-as/",
        {"draft": hidden(details_page, "draft"), "known_as": "anonymous"},
    ).content.decode()
    assert "You will hear from a caseworker by" not in receipt_page
    assert "We cannot yet say when they will reply" in receipt_page


def test_a_person_is_not_quarantined(client: Client, helpline: Helpline, area: Area):
    assert _send(client, area).status == Status.NEW


def test_quarantined_reports_wait_for_a_person_and_can_be_released(
    client: Client, helpline: Helpline, area: Area, client_for: Callable[[User], Client]
):
    report = _send(client, area, website="x")
    staff = client_for(helpline.caseworker)
    assert report.reference not in staff.get("/helpline/staff/").content.decode()
    assert report.reference in staff.get("/helpline/staff/quarantine/").content.decode()
    staff.post(f"/helpline/staff/reports/{report.pk}/release/")
    assert Report.objects.get(pk=report.pk).status == Status.NEW
    assert report.reference in staff.get("/helpline/staff/").content.decode()


def test_the_clock_command_starts_clocks(helpline: Helpline, area: Area, client: Client):
    _send(client, area)
    out = StringIO()
    call_command("helpline_clocks", stdout=out)
    # Not on the day it came: the audit entry would narrow it to less than its day.
    assert "Clocks started for 0 report(s)." in out.getvalue()
    Report.objects.update(received_on=timezone.localdate() - timedelta(days=1))
    call_command("helpline_clocks", stdout=out)
    assert "Clocks started for 1 report(s)." in out.getvalue()


def test_the_recovery_key_command_prints_two_shares(helpline: Helpline):
    out = StringIO()
    call_command("helpline_recovery_key", helpline.agency.code, stdout=out)
    shares = [line.rsplit(" ", 1)[-1] for line in out.getvalue().splitlines()[:2]]
    assert len(shares) == 2
    assert all(len(share) == 64 for share in shares)
