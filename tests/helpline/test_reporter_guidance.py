"""What the reporter is told and offered: the way in from the front page, the law that
protects them, reporting from a safe device, and a quick way out of every page."""

from __future__ import annotations

from django.test import Client

from safeguarding.helpline import actions
from tests.factories import Area
from tests.helpline.conftest import Helpline, details, hidden

EXIT = 'data-module="govuk-exit-this-page"'


def test_the_front_page_links_to_the_helpline(client: Client, db: None):
    page = client.get("/sign-in/").content.decode()
    assert 'href="/helpline/"' in page


def test_the_start_page_explains_the_law_and_reporting_safely(client: Client, db: None):
    page = client.get("/helpline/").content.decode()
    assert "Public Interest Disclosure Act 1998" in page
    assert "employment tribunal" in page
    assert "private or incognito" in page
    assert EXIT in page


def test_every_reporter_page_has_exit_this_page(client: Client, helpline: Helpline, area: Area):
    pages = [client.get(path) for path in ("/helpline/", "/helpline/report/", "/helpline/return/")]
    start = client.get("/helpline/report/")
    details_page = client.post(
        "/helpline/report/",
        {
            "what_happened": "A disclosure was ignored",
            "when": "Last week",
            "started": hidden(start, "started"),
        },
    )
    pages.append(details_page)
    receipt_page = client.post(
        "/helpline/report/known-as/",
        {"draft": hidden(details_page, "draft"), "known_as": "anonymous"},
    )
    pages.append(receipt_page)
    pages.append(client.post("/helpline/report/receipt-saved/", {"token": "x"}))
    for page in pages:
        assert EXIT in page.content.decode(), page.request["PATH_INFO"]
    # Staff pages do not have it: it is for people reporting.
    assert "govuk-exit-this-page" not in client.get("/sign-in/").content.decode()


def test_the_name_fields_can_be_hidden_for_an_anonymous_report(
    client: Client, helpline: Helpline, area: Area
):
    start = client.get("/helpline/report/")
    details_page = client.post(
        "/helpline/report/",
        {"what_happened": "Ignored", "when": "Now", "started": hidden(start, "started")},
    ).content.decode()
    assert "data-identity-fields" in details_page
    assert "/static/helpline/identity.mjs" in details_page


def test_the_reporter_sees_the_organisations_they_ticked(helpline: Helpline, area: Area):
    receipt = actions.submit_report(details(area, named_agencies=[area.school, area.nhs])).receipt
    page = Client().post("/helpline/return/", {"receipt": receipt}).content.decode()
    assert area.school.name in page
    assert area.nhs.name in page
