"""Sending a report again (a retry after a lost response, a double click) makes one report."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguarding.helpline import actions, receipts
from safeguarding.helpline.models import Report
from tests.factories import Area
from tests.helpline.conftest import Helpline, details, hidden, receipt_in

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _known_as_post(client: Client, area: Area) -> dict[str, str]:
    page = client.get("/helpline/report/")
    answers = client.post(
        "/helpline/report/",
        {
            "what_happened": "A referral sat unread for a month",
            "named_agencies": [area.school.pk],
            "area": area.council.pk,
            "when": "Autumn term",
            "started": hidden(page, "started"),
        },
    )
    return {"draft": hidden(answers, "draft"), "known_as": "anonymous"}


def test_a_retried_send_shows_the_same_receipt_and_keeps_one_report(
    client: Client, helpline: Helpline, area: Area
):
    form = _known_as_post(client, area)
    first = client.post("/helpline/report/known-as/", form)
    again = client.post("/helpline/report/known-as/", form)
    assert first.status_code == again.status_code == 200
    assert receipt_in(first) == receipt_in(again)
    assert Report.objects.count() == 1
    report = Report.objects.get()
    assert report.messages.count() == 1  # the automatic acknowledgement, once
    opened = actions.open_with_receipt(receipt_in(again))
    assert opened is not None
    assert opened.report == report


def test_each_filling_in_of_the_form_is_its_own_report(
    client: Client, helpline: Helpline, area: Area
):
    first = client.post("/helpline/report/known-as/", _known_as_post(client, area))
    second = client.post("/helpline/report/known-as/", _known_as_post(client, area))
    assert receipt_in(first) != receipt_in(second)
    assert Report.objects.count() == 2


def test_the_submission_id_is_kept_only_as_a_peppered_digest(helpline: Helpline, area: Area):
    submission = receipts.new_submission()
    sent = actions.submit_report(details(area, submission=submission))
    stored = Report.objects.get()
    assert stored.submission_digest == receipts.submission_digest(submission)
    assert submission not in stored.submission_digest
    assert sent.receipt == receipts.receipt_for_submission(submission)
    assert len(sent.receipt) == receipts.RECEIPT_DIGITS


def test_a_send_that_loses_the_race_returns_the_winners_report(
    helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    submission = receipts.new_submission()
    winner = actions.submit_report(details(area, submission=submission))
    # As if the other send had not committed yet when this one looked.
    looked_up = Report.objects.none()
    original_filter = Report.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args: object, **kwargs: object):
        calls["n"] += 1
        return looked_up if calls["n"] == 1 else original_filter(*args, **kwargs)

    monkeypatch.setattr(Report.objects, "filter", first_lookup_misses)
    loser = actions.submit_report(details(area, submission=submission))
    assert loser.report.pk == winner.report.pk
    assert loser.receipt == winner.receipt
    assert Report.objects.count() == 1


def test_reports_without_a_submission_id_still_get_a_random_receipt(helpline: Helpline, area: Area):
    first = actions.submit_report(details(area))
    second = actions.submit_report(details(area))
    assert first.receipt != second.receipt
    assert Report.objects.count() == 2
