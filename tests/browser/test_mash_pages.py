"""The MASH's pages, deadlines, chronologies and pathway events, walked through their forms
(with errors first) by the roles that use them. Every page load is checked by axe."""

from __future__ import annotations

import pytest

from safeguarding.mash.models import Contact
from tests.browser.pages import Site
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contact(area: Area) -> Contact:
    return make_concern(
        area.dsl, local_authority=area.council, child=child_details("Isla", "Brennan")
    ).contact


def test_triage_a_contact_with_a_partner_agency(site: Site, area: Area, contact: Contact) -> None:
    child = contact.concern.involvements.get(role="child").person
    site.sign_in_with_session(area.mash)
    site.follow("Triage queue", within=site.navigation())
    assert site.page.get_by_role("table", name="1 awaiting a decision").is_visible()
    site.follow("Isla Brennan")
    assert site.heading() == f"Neglect from {area.school.name}"

    site.submit("Record decision", status=400)
    assert site.error_messages() == ["Choose the decision", "Explain the decision"]
    site.fill("Rationale", "Too short")
    site.submit("Record decision", status=400)
    assert site.error_messages() == [
        "Choose the decision",
        "Explain the decision in at least 20 characters",
    ]

    site.field("Agency to ask").select_option(label=area.police.name)
    site.fill("What do you need to know?", "Any incidents at the home address this year?")
    site.submit("Send request")
    assert (
        "Awaiting answer"
        in site.page.get_by_role("table", name="Requests to partner agencies").inner_text()
    )
    site.page.get_by_label("Red", exact=True).check()
    site.submit("Save rating")
    site.field("Allocate to").select_option(label=area.mash.display_name)
    site.submit("Allocate")

    site.follow("Deadlines", within=site.navigation())
    site.follow("Referral decision")
    assert site.heading() == "Referral decision"
    site.open(f"/people/{child.pk}/chronology/")
    site.follow("Significant events")
    site.open(f"/people/{child.pk}/events/new/")
    site.submit("Record event")
    assert site.error_messages() == ["Choose what happened", "Enter the date it happened"]
    site.sign_out()

    site.sign_in_with_session(area.police_analyst)
    site.follow("Information requests", within=site.navigation())
    site.follow("Any incidents at the home address this year?")
    site.submit("Send answer")
    assert site.error_messages() == ["Enter what your agency holds, or that it holds nothing"]
    site.fill("What does your agency hold?", "One call-out in March: a neighbour dispute.")
    site.submit("Send answer")
    assert site.heading() == "Information requests"
    site.sign_out()

    site.sign_in_with_session(area.mash)
    site.open(f"/mash/contacts/{contact.pk}/")
    site.page.get_by_label("Early help", exact=True).check()
    site.fill("Rationale", "Needs support but no risk of significant harm; police hold little.")
    site.submit("Record decision")
    assert "Early help" in site.page.locator(".govuk-summary-list").inner_text()


def test_team_manager_sets_a_deadline_limit(site: Site, area: Area, contact: Contact) -> None:
    site.sign_in_with_session(area.manager)
    site.follow("Deadline limits", within=site.navigation())
    assert site.heading() == f"Deadline limits for {area.council.name}"
    site.submit("Save limit")
    assert site.error_messages() == [
        "Choose the deadline to change",
        "Enter the limit",
        "Choose the unit",
    ]
    site.field("Deadline").select_option(label="Referral decision")
    site.fill("Limit", "2")
    site.page.get_by_label("working days", exact=True).check()
    site.submit("Save limit")
    banner = site.page.get_by_role("alert").filter(has_text="Limit saved")
    assert "1 open deadline recalculated" in banner.inner_text()
