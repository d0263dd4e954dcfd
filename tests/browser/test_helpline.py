"""The helpline in a real browser: a reporter sends a report, saves the receipt, comes
back and reads a reply; a caseworker unlocks their key, reads and replies. Every page is
checked by the page object (title, CSP console errors, axe WCAG 2.2 AA)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.helpline import actions, spam, throttle
from tests.browser.pages import Site
from tests.factories import PASSWORD, Area, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_helpline(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HELPLINE_KDF_TIME_COST = 1
    settings.HELPLINE_KDF_MEMORY_KIB = 256
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 0)
    throttle.reset()


def _photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Ms Reporter"  # Artist: the working copy must not carry it
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 10)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_reporter_sends_saves_the_receipt_comes_back_and_reads_a_reply(
    site: Site, new_site, area: Area
) -> None:
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, helpline, username="caseworker")
    actions.create_recovery_key(actor=None, helpline=helpline)
    actions.unlock_staff_key(actor=caseworker, password=PASSWORD)

    # The reporter.
    site.open("/helpline/")
    assert site.heading() == "Report bad practice in protecting children"
    site.follow("Start now", button=True)
    site.submit("Continue", status=400)
    assert site.error_messages() == ["Enter what happened", "Enter when it happened"]
    site.fill("What happened?", "The DSL told a girl to stop making things up and logged nothing")
    site.page.get_by_label("Testshire Council", exact=True).first.check()
    site.field("Which area did it happen in? (optional)").select_option(label="Testshire Council")
    site.fill("When did it happen?", "Last term")
    site.submit("Continue")
    assert site.heading() == "How do you want to be known?"
    site.submit("Send report", status=400)
    site.page.get_by_label("Anonymous", exact=True).check()
    site.field("Add files (optional)").set_input_files(
        [{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    site.submit("Send report")
    receipt = site.page.locator("[data-receipt]").inner_text().strip()
    assert re.fullmatch(r"\d{4}( \d{4}){4}", receipt)
    site.submit("Continue", status=400)
    assert site.error_messages() == ["Confirm that you have saved your receipt"]
    assert site.page.locator("[data-receipt]").inner_text().strip() == receipt
    site.page.get_by_label("I have saved my receipt", exact=True).check()
    site.submit("Continue")
    assert site.heading() == "Your report has been sent"
    assert site.page.context.cookies() == []

    # The caseworker, in another browser.
    staff = new_site({"width": 1280, "height": 900})
    staff.sign_in_with_session(caseworker)
    staff.open("/helpline/staff/")
    staff.follow("Unlock your helpline key")
    staff.fill("Your password", PASSWORD)
    staff.submit("Unlock")
    assert staff.heading() == "Helpline reports"
    staff.page.locator("table a.govuk-link").first.click()
    staff.page.wait_for_load_state()
    staff.check()
    assert "logged nothing" in staff.page.content()
    files = staff.page.locator("[data-files]")
    assert "IMG_2041.jpg" in files.inner_text()
    assert "EXIF (camera, time and place)" in files.inner_text()
    with staff.page.expect_download() as download:
        files.get_by_role("link", name="Working copy of IMG_2041.jpg").click()
    assert download.value.suggested_filename == "IMG_2041 (working copy).jpg"
    assert b"Ms Reporter" not in Path(download.value.path()).read_bytes()
    staff.fill(
        "Reply to the reporter", "Thank you. We have asked the local authority to look at this."
    )
    staff.submit("Send reply")

    # The reporter comes back.
    site.open("/helpline/return/")
    site.submit("Continue", status=400)
    site.fill("Your receipt", "0000 0000 0000 0000 0001")
    site.submit("Continue", status=400)
    assert site.error_messages() == ["Check your receipt: it does not match a report"]
    site.fill("Your receipt", receipt)
    site.submit("Continue")
    assert site.heading() == "Your report"
    assert "We have asked the local authority" in site.page.content()
    assert "IMG_2041.jpg" in site.page.locator("[data-files]").inner_text()
    site.fill("Add information or reply", "She told the school nurse as well")
    site.submit("Send")
    assert "Your information has been added to your report." in site.page.content()
    assert site.page.context.cookies() == []


def test_a_caseworker_triages_routes_and_replies_and_takes_a_call(site: Site, area: Area) -> None:
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, helpline, username="caseworker")
    actions.unlock_staff_key(actor=caseworker, password=PASSWORD)
    report = actions.submit_report(
        actions.ReportDetails(
            what_happened="The deputy head deleted a pupil's disclosure from the log",
            organisations="",
            named_agencies=[area.school],
            area=area.council,
            who="",
            when="Last week",
            known_as="anonymous",
        )
    ).report

    site.sign_in_with_session(caseworker)
    site.open("/helpline/staff/")
    site.follow("Unlock your helpline key")
    site.fill("Your password", PASSWORD)
    site.submit("Unlock")
    site.follow(report.reference)
    assert "deleted a pupil" in site.page.content()

    # Triage: category and whether it is a worker's qualifying disclosure.
    site.page.get_by_label("Records falsified or destroyed", exact=True).check()
    site.page.get_by_label("A worker's qualifying disclosure", exact=True).check()
    site.submit("Save category")
    assert "Records falsified or destroyed" in site.page.content()

    # Route: errors first, then a redacted referral to the council.
    site.submit("Send referral", status=400)
    assert site.error_messages() == [
        "Choose where to send the referral",
        "Choose at least one part of the report to share",
        "Choose the legal basis for sharing",
    ]
    site.field("Send to").select_option(label="Testshire Council")
    site.page.get_by_label("What happened", exact=True).check()
    site.page.get_by_label(
        "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding children)",
        exact=True,
    ).check()
    site.submit("Send referral")
    assert "Sent to Testshire Council" in site.page.content()

    # Reply to the reporter.
    site.fill("Reply to the reporter", "Thank you. We have referred this to the local authority.")
    site.submit("Send reply")
    assert "We have referred this" in site.page.content()

    # A call: the report is taken down and the receipt shown once.
    site.open("/helpline/staff/")
    site.follow("Take a report by phone")
    site.submit("Send report", status=400)
    site.fill("What did the caller tell you happened?", "The caller says a referral was lost")
    site.fill("When did it happen?", "March")
    site.page.get_by_label("Anonymous", exact=True).check()
    site.submit("Send report")
    assert re.fullmatch(
        r"\d{4}( \d{4}){4}", site.page.locator("[data-receipt]").inner_text().strip()
    )

    # The figures and the annual report.
    site.open("/helpline/statistics/")
    assert site.heading() == "Helpline statistics"
    site.follow(site.page.locator("a", has_text="Annual report for").inner_text())
    assert site.heading() == "Annual report on whistleblowing disclosures"
