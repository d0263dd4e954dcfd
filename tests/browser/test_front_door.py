"""The front door end to end: a school's concern reaches the MASH, is decided, and the
decision deadline shows as met. Every page load is checked by axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.pages import Site
from tests.factories import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_concern_reaches_the_mash_and_is_decided(site: Site, area: Area) -> None:
    # The school's designated safeguarding lead records a concern about a new child.
    site.sign_in(area.dsl)
    site.follow("Record a concern", within=site.navigation())
    site.fill("Child's given name", "Poppy")
    site.fill("Child's family name", "Lindqvist")
    site.fill_date("Child's date of birth", 9, 2, 2016)
    site.page.get_by_label("Female", exact=True).check()
    site.field("Category of concern").select_option(label="Neglect")
    site.fill("What happened?", "Poppy said there has been no food at home since Friday.")
    today = timezone.localdate()
    site.fill_date("When did it happen, or when were you told?", today.day, today.month, today.year)
    site.submit("Record concern")
    assert site.heading() == "Poppy Lindqvist"
    site.sign_out()

    # The MASH sees it in the triage queue, with its decision deadline running.
    site.sign_in(area.mash)
    site.follow("Triage queue", within=site.navigation())
    queue = site.page.get_by_role("table", name="1 awaiting a decision").inner_text()
    assert "Poppy Lindqvist" in queue
    assert area.school.name in queue
    site.follow("Poppy Lindqvist")
    # Received today, a one-working-day decision is always due by the next working day.
    clocks = site.page.locator(".govuk-summary-list__row", has_text="Clocks").inner_text()
    assert "Due soon" in clocks
    assert "Referral decision" in clocks

    # It decides, and the deadline is met.
    site.page.get_by_label("Child and family assessment", exact=True).check()
    site.fill("Rationale", "No food at home reported by the school; assess the family's needs.")
    site.submit("Record decision")
    assert "Child and family assessment by" in site.page.inner_text("main")
    clocks = site.page.locator(".govuk-summary-list__row", has_text="Clocks").inner_text()
    assert "Met Referral decision" in " ".join(clocks.split())
    # The decision started the 45-working-day assessment clock.
    assert "Child and family assessment" in clocks
    site.follow("Back to the triage queue")
    assert "No contacts are waiting for a decision." in site.page.inner_text("main")
