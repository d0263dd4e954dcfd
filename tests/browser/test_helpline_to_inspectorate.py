"""A hand-off from the helpline to an inspectorate, from sign-in: the reporter sends a
report; the caseworker, alerted, refers it to the inspectorate; the inspector is told,
finds the referral in the work list on their home page and reads it; the caseworker
answers and the reporter reads the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.helpline import actions, spam, throttle
from safeguarding.helpline.models import Report
from tests.browser.pages import Site
from tests.factories import PASSWORD, Area, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_helpline(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HELPLINE_KDF_TIME_COST = 1
    settings.HELPLINE_KDF_MEMORY_KIB = 256
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 0)
    throttle.reset()


def test_a_helpline_referral_reaches_the_inspector(site: Site, new_site, area: Area) -> None:
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, helpline, username="caseworker")
    inspectorate = make_agency(AgencyKind.NATIONAL_BODY, code="NAT-INSP", name="Inspectorate")
    inspector = make_user(Role.INSPECTOR, inspectorate, username="inspector")
    actions.create_recovery_key(actor=None, helpline=helpline)
    actions.unlock_staff_key(actor=caseworker, password=PASSWORD)

    # The reporter, anonymously.
    site.open("/helpline/")
    site.follow("Start now", button=True)
    site.fill(
        "What happened?",
        "The council's duty team closed three referrals about the same family without a visit",
    )
    site.page.get_by_label(area.school.name, exact=True).check()
    site.field("Which area did it happen in? (optional)").select_option(label=area.council.name)
    site.fill("When did it happen?", "This term")
    site.submit("Continue")
    site.page.get_by_label("Anonymous", exact=True).check()
    site.submit("Send report")
    receipt = site.page.locator("[data-receipt]").inner_text().strip()
    site.page.get_by_label("I have saved my receipt", exact=True).check()
    site.submit("Continue")
    assert actions.start_pending_clocks(actor=None, today=timezone.localdate() + timedelta(1))

    # The caseworker refers it to the inspectorate.
    staff = new_site({"width": 1280, "height": 900})
    staff.sign_in_with_session(caseworker)
    staff.open("/helpline/staff/")
    staff.follow("Unlock your helpline key")
    staff.fill("Your password", PASSWORD)
    staff.submit("Unlock")
    reference = Report.objects.get().reference
    staff.follow(reference)
    staff.field("Send to").select_option(label="Inspectorate")
    staff.page.get_by_label("What happened", exact=True).check()
    staff.page.get_by_label(
        "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding children)",
        exact=True,
    ).check()
    staff.submit("Send referral")
    # The sender sees where it went and who there was told.
    assert "Sent to Inspectorate" in staff.page.content()

    # The inspector is told, and finds it in the work list on their home page.
    inspecting = new_site({"width": 1280, "height": 900})
    inspecting.sign_in(inspector)
    work = inspecting.page.locator("main")
    assert "Referrals from the helpline" in work.inner_text()
    inspecting.follow(f"Referral of report {reference}")
    assert "closed three referrals about the same family" in inspecting.page.content()
    inspecting.open("/notifications/")
    assert "helpline" in inspecting.page.inner_text("main").lower()

    # The caseworker answers; the reporter reads it.
    staff.fill("Reply to the reporter", "Thank you. We have passed this to the inspectorate.")
    staff.submit("Send reply")
    site.open("/helpline/return/")
    site.fill("Your receipt", receipt)
    site.submit("Continue")
    assert "passed this to the inspectorate" in site.page.content()
