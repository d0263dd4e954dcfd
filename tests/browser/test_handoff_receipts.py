"""Receipts of hand-offs, walked from sign-in: what a school sends shows it "Not yet
opened", then "Received" at the time the MASH opened it, then "Acted on" with the
decision; a network alert shows each agency told what the others are doing about it.
Every page load is checked by axe (see pages.Site.check)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from safeguarding.concerns.models import ConcernCategory
from safeguarding.networks.actions import rebuild_networks
from safeguarding.reportingduty.actions import NotificationDetails, notify_authority
from safeguarding.reportingduty.models import AbuseReport, NotificationMethod
from safeguarding.worklists.models import Receipt
from tests.browser.conftest import VIEWPORT
from tests.browser.pages import Site
from tests.factories import Area, child_details, make_concern
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SiteMaker = Callable[[dict[str, int]], Site]


def _receipt_text(site: Site) -> str:
    table = site.page.get_by_role("table", name="Referrals and their outcomes")
    return table.get_by_role("list").first.inner_text()


def test_the_school_sees_its_referral_received_then_acted_on(
    new_site: SiteMaker, area: Area
) -> None:
    school = new_site(VIEWPORT)
    school.sign_in(area.dsl)
    school.follow("Record a concern", within=school.navigation())
    school.fill("Child's given name", "Maisie")
    school.fill("Child's family name", "Thornton")
    school.fill_date("Child's date of birth", 4, 2, 2015)
    school.page.get_by_label("Female", exact=True).check()
    school.field("Category of concern").select_option(label="Neglect")
    school.fill("What happened?", "Arrived hungry every day this week; no coat in the rain.")
    school.submit("Record concern")
    school.follow("Your referrals", within=school.navigation())
    sent = _receipt_text(school)
    assert f"to {area.council.name}" in sent
    assert "Not yet opened" in sent

    mash = new_site(VIEWPORT)
    mash.sign_in(area.mash)
    queue = mash.page.locator("#work-list-triage-queue")
    mash.follow(f"Neglect from {area.school.name}", within=queue)

    receipt = Receipt.objects.get(kind="referral", from_agency=area.school)
    assert receipt.received_at is not None
    school.open("/mash/referrals/")
    received = _receipt_text(school)
    assert f"Received {timezone.localtime(receipt.received_at):%-d %b %Y %H:%M}" in received
    assert "Not yet opened" not in received
    assert "Acted on" not in received

    mash.page.get_by_label("Early help", exact=True).check()
    mash.fill("Rationale", "Needs support at home; no sign of significant harm at present.")
    mash.submit("Record decision")

    receipt.refresh_from_db()
    assert receipt.acted_at is not None
    school.open("/mash/referrals/")
    acted = _receipt_text(school)
    when = f"{timezone.localtime(receipt.acted_at):%-d %b %Y %H:%M}"
    assert f"Acted on {when} (Decision: early help)" in acted


def test_the_mash_responds_to_a_network_alert_and_the_police_see_it(
    new_site: SiteMaker, area: Area
) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()

    mash = new_site(VIEWPORT)
    mash.sign_in(area.mash)
    alerts = mash.page.locator("#work-list-network-alerts")
    mash.follow(alerts.get_by_role("link").first.inner_text(), within=alerts)
    mash.page.get_by_label("Acting on it", exact=True).check()
    mash.submit("Send response")
    assert "Your agency's response has been recorded." in (
        mash.page.get_by_role("alert", name="Success").inner_text()
    )
    assert "Acting on it," in mash.page.locator("[data-response]").inner_text()

    police = new_site(VIEWPORT)
    police.sign_in(area.police_analyst)
    alerts = police.page.locator("#work-list-network-alerts")
    police.follow(alerts.get_by_role("link").first.inner_text(), within=alerts)
    council = police.page.get_by_role("list", name=f"What became of it at {area.council.name}")
    assert "(Acting on it)" in council.inner_text()
    force = police.page.get_by_role("list", name=f"What became of it at {area.police.name}")
    assert "Received " in force.inner_text()
    assert "Acted on" not in force.inner_text()


def test_the_police_respond_to_a_report_under_the_duty_and_the_school_sees_it(
    new_site: SiteMaker, area: Area
) -> None:
    concern = make_concern(
        area.dsl,
        local_authority=area.other_council,
        child=child_details("Maya", "Thornton"),
        category=ConcernCategory.SEXUAL_ABUSE,
        summary="Maya told her teacher that her swimming coach touched her.",
    )
    report = AbuseReport.objects.get(concern=concern)
    notify_authority(
        actor=area.dsl,
        report=report,
        details=NotificationDetails(
            recipient=area.police,
            notified_on=timezone.localdate(),
            method=NotificationMethod.PHONE,
            reference="CAD 1182",
            involved=[],
        ),
    )

    police = new_site(VIEWPORT)
    police.sign_in(area.police_analyst)
    duty = police.page.locator("#work-list-duty-to-report")
    assert "Maya Thornton" in duty.inner_text()
    police.follow(f"Reported by {area.school.name}", within=duty)
    police.submit("Send response", status=400)  # nothing chosen: the error is on the form
    assert police.error_messages() == ["Choose what your agency is doing about it"]
    police.page.get_by_label("Acting on it", exact=True).check()
    police.submit("Send response")
    assert "Acting on it," in police.page.locator("[data-response]").inner_text()

    school = new_site(VIEWPORT)
    school.sign_in(area.dsl)
    school.open(f"/reporting-duty/{report.pk}/")
    told = school.page.get_by_role("list", name=f"What became of it at {area.police.name}")
    assert "Received " in told.inner_text()
    assert "(Acting on it)" in told.inner_text()
