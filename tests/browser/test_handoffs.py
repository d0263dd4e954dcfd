"""Hand-offs between agencies, walked from sign-in by the people at each end: what one
sends lands on the other's home page (their work list and notifications), and the answer
comes back to the sender. Every page load is checked by axe (see pages.Site.check)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from safeguarding.networks.actions import rebuild_networks
from safeguarding.notifications.models import Notification
from tests.browser.conftest import VIEWPORT
from tests.browser.pages import Site
from tests.collaboration.helpers import adult_held_by_police, ask_about
from tests.factories import Area
from tests.fund.conftest import apply, build_setting, scored
from tests.inspections.helpers import make_inspectorates, schedule
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SiteMaker = Callable[[dict[str, int]], Site]


def work_list(site: Site, key: str) -> str:
    """The text of one work list on the home page."""
    return site.page.locator(f"#work-list-{key}").inner_text()


def test_school_refers_the_mash_decides_and_the_school_sees_the_outcome(
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
    school.open("/")
    assert "Maisie Thornton" in work_list(school, "referrals")
    assert "Awaiting decision" in work_list(school, "referrals")

    mash = new_site(VIEWPORT)
    mash.sign_in(area.mash)
    queue = mash.page.locator("#work-list-triage-queue")
    assert "Maisie Thornton" in queue.inner_text()
    mash.follow(f"Neglect from {area.school.name}", within=queue)
    mash.page.get_by_label("Early help", exact=True).check()
    mash.fill("Rationale", "Needs support at home; no sign of significant harm at present.")
    mash.submit("Record decision")
    assert "Early help" in mash.page.locator(".govuk-summary-list").inner_text()
    mash.open("/")
    assert "Maisie Thornton" not in work_list(mash, "triage-queue")

    school.open("/")
    banner = school.page.get_by_role("region", name="Important").inner_text()
    assert "Outcome of your referral: Early help" in banner
    assert "Early help" in work_list(school, "referrals")
    school.follow("Your referrals", within=school.navigation())
    table = school.page.get_by_role("table", name="Referrals and their outcomes").inner_text()
    assert "Maisie Thornton" in table
    assert "Early help" in table


def test_a_network_alert_reaches_the_mash_and_the_police_once(
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
    # Built again with nothing new: nobody is told a second time.
    rebuild_networks()
    for user in (area.mash, area.police_analyst):
        assert Notification.objects.filter(recipient=user, subject__contains="Network").count() == 1
        site = new_site(VIEWPORT)
        site.sign_in(user)
        alerts = site.page.locator("#work-list-network-alerts")
        assert alerts.locator("tbody tr").count() == 1
        assert "3 children known to" in alerts.inner_text()
        site.follow(alerts.get_by_role("link").first.inner_text(), within=alerts)
        assert site.heading().startswith("Network")
    # The other council's MASH and force were not involved.
    assert not Notification.objects.filter(recipient=area.other_mash).exists()


def test_a_request_between_forces_is_answered_and_the_asker_sees_the_answer(
    new_site: SiteMaker, area: Area
) -> None:
    ask_about(area, adult_held_by_police(area))

    other = new_site(VIEWPORT)
    other.sign_in(area.other_police_analyst)
    requests = other.page.locator("#work-list-collaboration")
    assert "Darren Pike" in requests.inner_text()
    other.follow(f"From {area.police.name}: share what you hold", within=requests)
    other.submit("Accept")
    other.fill(
        "What your force holds or did",
        "Arrested here in 2024 for harbouring a missing child; released under investigation.",
    )
    other.submit("Send answer")
    other.open("/")
    assert "Darren Pike" not in work_list(other, "collaboration")

    asker = new_site(VIEWPORT)
    asker.sign_in(area.police_analyst)
    mine = asker.page.locator("#work-list-collaboration")
    assert "Answered" in mine.inner_text()
    asker.follow(f"Your request to {area.other_police.name} was answered", within=mine)
    assert "Arrested here in 2024" in asker.page.locator(".govuk-summary-list").inner_text()


def test_an_inspection_action_reaches_its_owner(new_site: SiteMaker, area: Area) -> None:
    inspectorates = make_inspectorates()
    inspection = schedule(area, inspectorates)
    today = timezone.localdate()

    inspector = new_site(VIEWPORT)
    inspector.sign_in(inspectorates.ofsted_inspector)
    assert inspection.title in work_list(inspector, "inspections")
    inspector.follow(inspection.title, within=inspector.page.locator("#work-list-inspections"))
    inspector.follow("Record a finding", button=True)
    inspector.page.get_by_label("Area for priority action", exact=True).check()
    inspector.fill("Finding", "Strategy discussions often go ahead without the police.")
    inspector.submit("Record finding")
    inspector.fill("What must be done", "Invite the police to every strategy discussion.")
    inspector.field("Owner").select_option(label=f"manager, {area.council.name}")
    inspector.fill_date("Due by", today.day, today.month, today.year + 1)
    inspector.submit("Add action")

    owner = new_site(VIEWPORT)
    owner.sign_in(area.manager)
    assert "An inspection action is yours" in (
        owner.page.get_by_role("region", name="Important").inner_text()
    )
    actions = owner.page.locator("#work-list-inspection-actions")
    owner.follow("Invite the police to every strategy discussion.", within=actions)
    assert owner.heading() == "Inspection action"


def test_a_fund_award_reaches_the_applicant(new_site: SiteMaker, area: Area) -> None:
    setting = build_setting(area)
    application = scored(setting, apply(setting, name="Counselling for survivors"))

    administrator = new_site(VIEWPORT)
    administrator.sign_in(setting.administrator)
    waiting = administrator.page.locator("#work-list-fund-applications")
    assert "Scored" in waiting.inner_text()
    administrator.follow(application.project_name, within=waiting)
    administrator.submit("Award grant")
    administrator.open("/")
    assert application.project_name not in work_list(administrator, "fund-applications")

    applicant = new_site(VIEWPORT)
    applicant.sign_in(setting.applicant)
    banner = applicant.page.get_by_role("region", name="Important").inner_text()
    assert f"Grant awarded: {application.project_name}" in banner
    assert "Awarded" in work_list(applicant, "fund-applications")
    applicant.follow(
        application.project_name, within=applicant.page.locator("#work-list-fund-applications")
    )
    assert applicant.heading() == application.project_name
