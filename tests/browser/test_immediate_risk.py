"""A school flags a disclosure as immediate risk: the MASH hears at once, finds the contact
at the top of its queue above an older red one, and reads when the child disclosed apart
from when the school recorded it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from safeguarding.mash.models import Contact, Rag
from tests.browser.pages import Site
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_immediate_risk_disclosure_reaches_the_top_of_the_queue_at_once(
    site: Site, area: Area
) -> None:
    older = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Theo", "Marchetti"),
        recorded_at=timezone.now() - timedelta(days=1),
    )
    Contact.objects.filter(concern=older).update(rag=Rag.RED)

    # The school's safeguarding lead records a disclosure made yesterday morning.
    site.sign_in(area.dsl)
    site.follow("Record a concern", within=site.navigation())
    site.fill("Child's given name", "Isla")
    site.fill("Child's family name", "Brennan")
    site.page.get_by_label("Female", exact=True).check()
    site.field("Category of concern").select_option(label="Sexual abuse")
    site.fill("What happened?", "Isla told her form tutor that her mum's friend touched her.")
    yesterday = timezone.localdate() - timedelta(days=1)
    site.fill_date(
        "When did it happen, or when were you told?",
        yesterday.day,
        yesterday.month,
        yesterday.year,
    )
    site.fill("Time (optional)", "08:15")
    site.page.get_by_label(
        "The child is at immediate risk, or the police have been called", exact=True
    ).check()
    site.submit("Record concern")
    # The school is told where its concern went.
    assert f"Your concern has been sent to {area.council.name}'s MASH" in site.page.inner_text(
        "main"
    )
    site.sign_out()

    # The MASH officer is told on signing in, without the child's name in the message.
    site.sign_in(area.mash)
    banner = site.page.locator(".govuk-notification-banner", has_text="unread notification")
    assert "Immediate risk: a new contact needs a decision now" in banner.inner_text()
    assert "Isla" not in banner.inner_text()
    site.follow("Immediate risk: a new contact needs a decision now", within=banner)
    main = site.page.inner_text("main")
    assert "says the child is at immediate risk or the police have been called" in main
    happened = site.page.locator(".govuk-summary-list__row", has_text="Happened or disclosed")
    assert f"{date_format(yesterday, 'j F Y')} at 08:15" in happened.inner_text()

    # In the queue it stands above the older red contact.
    site.follow("Back to the triage queue")
    rows = site.page.get_by_role("table", name="2 awaiting a decision").locator("tbody tr")
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Immediate risk" in first
    assert "Isla Brennan" in first
    assert "Theo Marchetti" in second
    assert "Immediate risk" not in second
