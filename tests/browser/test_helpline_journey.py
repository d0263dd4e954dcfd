"""A report's whole life in a real browser, with a clock the test moves: the reporter
sends it; the next day the caseworker is alerted, unlocks their key, marks a passage and
sends a redacted referral, which the council's MASH reads; the reporter reads the answer;
the report is closed, and its content is deleted once the retention period has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.helpline import actions, lifecycle, spam, throttle
from safeguarding.helpline.models import Report, RoutedReferral
from tests.browser.pages import Site
from tests.factories import PASSWORD, Area, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_helpline(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HELPLINE_KDF_TIME_COST = 1
    settings.HELPLINE_KDF_MEMORY_KIB = 256
    settings.HELPLINE_RETENTION_DAYS = 90
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 0)
    throttle.reset()


def test_report_alert_unlock_redact_refer_answer_close_and_delete(
    site: Site, new_site, area: Area
) -> None:
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, helpline, username="caseworker")
    actions.create_recovery_key(actor=None, helpline=helpline)
    actions.unlock_staff_key(actor=caseworker, password=PASSWORD)

    # The reporter: name fields stay hidden for an anonymous report; a way out is there.
    site.open("/sign-in/")
    site.follow("report bad practice in protecting children")
    assert site.page.get_by_role("button", name="Emergency Exit this page").is_visible()
    site.follow("Start now", button=True)
    site.fill(
        "What happened?",
        "Mrs Jones, the school nurse, heard a boy say he was hit at home and wrote nothing",
    )
    site.page.get_by_label(area.school.name, exact=True).check()
    site.field("Which area did it happen in? (optional)").select_option(label=area.council.name)
    site.fill("When did it happen?", "In the spring term")
    site.submit("Continue")
    assert not site.field("Your name (only if you are not anonymous)").is_visible()
    site.page.get_by_label("Confidential (known to the helpline only)", exact=True).check()
    assert site.field("Your name (only if you are not anonymous)").is_visible()
    site.page.get_by_label("Anonymous", exact=True).check()
    assert not site.field("Your name (only if you are not anonymous)").is_visible()
    site.submit("Send report")
    receipt = site.page.locator("[data-receipt]").inner_text().strip()
    site.page.get_by_label("I have saved my receipt", exact=True).check()
    site.submit("Continue")

    # The next day the batch takes the report in and alerts the caseworker, without content.
    today = timezone.localdate()
    assert actions.start_pending_clocks(actor=None, today=today + timedelta(days=1)) == 1
    staff = new_site({"width": 1280, "height": 900})
    staff.sign_in_with_session(caseworker)
    staff.open("/notifications/")
    assert "1 new helpline report" in staff.page.content()
    assert "Mrs Jones" not in staff.page.content()

    # Unlock, read, mark a passage and send the redacted referral to the council.
    staff.open("/helpline/staff/")
    staff.follow("Unlock your helpline key")
    staff.fill("Your password", PASSWORD)
    staff.submit("Unlock")
    report = Report.objects.get()
    staff.follow(report.reference)
    assert "Mrs Jones" in staff.page.content()
    staff.field("Send to").select_option(label=area.council.name)
    staff.page.get_by_label("What happened", exact=True).check()
    staff.page.get_by_label(
        "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding children)",
        exact=True,
    ).check()
    staff.fill("Passages to take out (optional)", "Mrs Jones, the school nurse,")
    staff.submit("Send referral")
    assert f"Sent to {area.council.name}" in staff.page.content()
    assert "1 passage taken out" in staff.page.content()
    staff.fill("Reply to the reporter", "Thank you. We have passed this to the council's MASH.")
    staff.submit("Send reply")

    # The MASH reads the referral: the marked passage never left the helpline.
    mash = new_site({"width": 1280, "height": 900})
    mash.sign_in_with_session(area.mash)
    mash.open("/helpline/referrals/")  # where the notification of referrals leads
    routed = RoutedReferral.objects.get()
    assert f'href="/helpline/referrals/{routed.pk}/"' in mash.page.content()
    mash.open(f"/helpline/referrals/{routed.pk}/")
    assert "[redacted]" in mash.page.content()
    assert "Mrs Jones" not in mash.page.content()
    assert "heard a boy say he was hit at home" in mash.page.content()

    # The reporter reads the answer.
    site.open("/helpline/return/")
    site.fill("Your receipt", receipt)
    site.submit("Continue")
    assert "passed this to the council" in site.page.content()
    assert area.school.name in site.page.locator("[data-named]").inner_text()

    # Closed with its outcome; warned of, then deleted once the retention period passes.
    staff.open(f"/helpline/staff/reports/{report.pk}/")
    staff.page.get_by_label("Referred to an organisation that can act", exact=True).check()
    staff.submit("Close the report")
    report.refresh_from_db()
    assert report.closed_on == today
    deleted_on = today + timedelta(days=90)
    assert f"will be deleted on {deleted_on:%-d %B %Y}" in staff.page.content()
    assert lifecycle.daily(deleted_on - timedelta(days=14)).warned == 1
    assert lifecycle.daily(deleted_on - timedelta(days=1)).shredded == 0
    assert lifecycle.daily(deleted_on).shredded == 1
    staff.open(f"/helpline/staff/reports/{report.pk}/")
    assert f"were deleted on {deleted_on:%-d %B %Y}" in staff.page.content()
    assert "Mrs Jones" not in staff.page.content()

    # The receipt opens nothing any more.
    site.open("/helpline/return/")
    site.fill("Your receipt", receipt)
    site.submit("Continue", status=400)
    assert site.error_messages() == ["Check your receipt: it does not match a report"]
