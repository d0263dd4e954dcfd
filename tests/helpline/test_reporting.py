"""Slice 1: the public reporting pages, the receipt, and the return journey."""

from __future__ import annotations

import math
import re

import pytest
from django.test import Client

from safeguarding.helpline import actions, receipts, throttle
from safeguarding.helpline.models import Message, Report
from tests.factories import Area
from tests.helpline.conftest import Helpline, hidden, receipt_in, submit_through_pages


def test_receipts_carry_at_least_64_bits():
    assert receipts.RECEIPT_DIGITS * math.log2(10) >= 64
    assert len({receipts.new_receipt() for _ in range(1000)}) == 1000


def test_the_receipt_page_is_never_cached(client: Client, helpline: Helpline, area: Area):
    page = client.get("/helpline/report/")
    details = client.post(
        "/helpline/report/",
        {"what_happened": "Nothing was done", "when": "May", "started": hidden(page, "started")},
    )
    receipt_page = client.post(
        "/helpline/report/known-as/", {"draft": hidden(details, "draft"), "known_as": "anonymous"}
    )
    assert "no-store" in receipt_page["Cache-Control"]


def test_the_automatic_acknowledgement_waits_for_the_reporter(
    client: Client, helpline: Helpline, area: Area
):
    receipt = submit_through_pages(client, area)
    page = client.post("/helpline/return/", {"receipt": receipt})
    assert "Thank you for your report" in page.content.decode()


def test_public_pages_need_no_sign_in_and_set_no_cookie(
    client: Client, helpline: Helpline, area: Area
):
    for path in ("/helpline/", "/helpline/report/", "/helpline/return/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, path
    submit_through_pages(client, area)
    assert not client.cookies


def test_a_report_is_sent_and_the_receipt_is_shown_once(
    client: Client, helpline: Helpline, area: Area
):
    receipt = submit_through_pages(client, area)
    report = Report.objects.get()
    digits = receipts.normalise(receipt)
    assert len(digits) == 20
    # Stored only as a verifier derived from an Argon2id secret, never in clear.
    assert report.receipt_hash.startswith("v2$")
    assert digits not in report.receipt_hash
    secret = receipts.secret(digits, bytes(report.receipt_salt))
    assert report.receipt_hash == receipts.verifier(secret)
    assert list(report.named_agencies.all()) == [area.school]


def test_questions_show_an_error_summary(client: Client, helpline: Helpline):
    page = client.get("/helpline/report/")
    response = client.post("/helpline/report/", {"started": hidden(page, "started")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#id_what_happened"' in body
    assert "Enter when it happened" in body
    assert "<title>Error: " in body


def test_a_known_reporter_must_give_a_name_and_contact(
    client: Client, helpline: Helpline, area: Area
):
    page = client.get("/helpline/report/")
    details = client.post(
        "/helpline/report/",
        {"what_happened": "Nothing was done", "when": "May", "started": hidden(page, "started")},
    )
    response = client.post(
        "/helpline/report/known-as/", {"draft": hidden(details, "draft"), "known_as": "open"}
    )
    assert response.status_code == 400
    assert "Enter your name, or choose to be anonymous" in response.content.decode()
    assert not Report.objects.exists()


def test_the_saved_confirmation_is_required_and_shows_the_receipt_again(
    client: Client, helpline: Helpline, area: Area
):
    page = client.get("/helpline/report/")
    details = client.post(
        "/helpline/report/",
        {"what_happened": "Nothing was done", "when": "May", "started": hidden(page, "started")},
    )
    receipt_page = client.post(
        "/helpline/report/known-as/", {"draft": hidden(details, "draft"), "known_as": "anonymous"}
    )
    response = client.post(
        "/helpline/report/receipt-saved/", {"token": hidden(receipt_page, "token")}
    )
    assert response.status_code == 400
    assert "Confirm that you have saved your receipt" in response.content.decode()
    assert receipt_in(response) == receipt_in(receipt_page)


def test_a_tampered_draft_opens_nothing(client: Client, helpline: Helpline):
    response = client.post("/helpline/report/known-as/", {"draft": "AAAA", "known_as": "anonymous"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_reporter_returns_reads_replies_and_adds_information(
    client: Client, helpline: Helpline, area: Area
):
    receipt = submit_through_pages(client, area)
    report = Report.objects.get()
    private = actions.unlock_staff_key(
        actor=helpline.caseworker, password="correct-horse-battery-staple"
    )
    opened = actions.open_report(actor=helpline.caseworker, report=report, private_key=private)
    actions.send_reply(
        actor=helpline.caseworker, opened=opened, text="Thank you: we are looking into it"
    )

    page = client.post("/helpline/return/", {"receipt": receipt})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Thank you: we are looking into it" in body
    assert "You will hear by" in body
    added = client.post(
        "/helpline/return/conversation/",
        {"pass": hidden(page, "pass"), "text": "The log was kept in the office safe"},
    )
    assert added.status_code == 200
    assert "The log was kept in the office safe" in added.content.decode()
    message = Message.objects.get(sender=Message.Sender.REPORTER)
    assert opened.message_text(message) == "The log was kept in the office safe"


def test_receipts_survive_spaces_and_dashes(client: Client, helpline: Helpline, area: Area):
    receipt = submit_through_pages(client, area)
    messy = "-".join(receipt.split(" "))
    assert client.post("/helpline/return/", {"receipt": messy}).status_code == 200


def test_a_wrong_receipt_opens_nothing_and_is_throttled(
    client: Client, helpline: Helpline, area: Area
):
    receipt = submit_through_pages(client, area)
    wrong = "1" * 20 if receipts.normalise(receipt) != "1" * 20 else "2" * 20
    for _ in range(throttle.FAILURES_PER_HOUR):
        response = client.post("/helpline/return/", {"receipt": wrong})
        assert response.status_code == 400
        assert "does not match a report" in response.content.decode()
    # Now even the right receipt waits: the throttle does not reveal which guesses are right.
    blocked = client.post("/helpline/return/", {"receipt": receipt})
    assert blocked.status_code == 429
    # Another address is not affected.
    other = client.post("/helpline/return/", {"receipt": receipt}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_the_throttle_keeps_no_address(client: Client, helpline: Helpline):
    client.post("/helpline/return/", {"receipt": "0" * 20}, REMOTE_ADDR="192.0.2.44")
    keys = [str(key) for key in throttle.store()._cache]
    assert any("helpline-rate:" in key for key in keys)
    assert all("192.0.2.44" not in key for key in keys)
    assert all(re.search(r"helpline-rate:[0-9a-f]{64}$", key) for key in keys if "rate" in key)


@pytest.mark.parametrize("path", ["/helpline/return/conversation/"])
def test_an_expired_or_forged_pass_opens_nothing(client: Client, helpline: Helpline, path: str):
    response = client.post(path, {"pass": "bm90IGEgcGFzcw==", "text": "hello"})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_without_a_helpline_agency_the_reporter_is_told_and_nothing_is_kept(
    client: Client, area: Area
):
    page = client.get("/helpline/report/")
    details = client.post(
        "/helpline/report/",
        {"what_happened": "Nothing was done", "when": "May", "started": hidden(page, "started")},
    )
    response = client.post(
        "/helpline/report/known-as/", {"draft": hidden(details, "draft"), "known_as": "anonymous"}
    )
    assert response.status_code == 503
    assert "the helpline is unavailable" in response.content.decode()
    assert not Report.objects.exists()
