"""A school's designated safeguarding lead refers a child, the MASH decides, and the DSL
sees the outcome of the referral but not the police intelligence about the child: who
else is involved and when, not what they recorded. Every page load is checked by axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.mash.models import Contact
from safeguarding.people.models import AgencyRecord
from tests.browser.pages import Site
from tests.factories import Area, make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTELLIGENCE = "Intelligence: Darren Pike, 41, seen collecting the child from school at night."


def test_a_dsl_refers_then_sees_the_outcome_but_not_the_police_intelligence(
    site: Site, area: Area
) -> None:
    child = area.child_known_to_school()
    AgencyRecord.objects.create(agency=area.police, person=child)
    make_concern(
        area.police_analyst, local_authority=area.council, child=child, summary=INTELLIGENCE
    )

    site.sign_in_with_session(area.dsl)
    site.open(f"/people/{child.pk}/")
    site.follow(f"Record a concern about {child.full_name}", button=True)
    day = timezone.localdate() - timedelta(days=1)
    site.field("Category of concern").select_option(label="Neglect")
    site.fill("What happened?", "Came to school hungry three days running; no coat.")
    site.fill_date("When did it happen, or when were you told?", day.day, day.month, day.year)
    site.submit("Record concern")
    site.sign_out()

    referral = Contact.objects.get(concern__agency=area.school, concern__summary__startswith="Came")
    site.sign_in_with_session(area.mash)
    site.open(f"/mash/contacts/{referral.pk}/")
    # The MASH, at the authority, reads the police intelligence in full.
    assert INTELLIGENCE in site.page.inner_text("main")
    site.page.get_by_label("Early help", exact=True).check()
    site.fill("Rationale", "Needs support; the police picture is being looked at separately.")
    site.submit("Record decision")
    site.sign_out()

    site.sign_in_with_session(area.dsl)
    site.open(f"/people/{child.pk}/")
    timeline = site.page.locator(".moj-timeline").inner_text()
    assert "Came to school hungry" in timeline
    assert "Outcome: the MASH decided “Early help”" in timeline
    # The police were involved, and when; not what they recorded, nor the rationale.
    assert f"{area.police.name} were involved on" in timeline
    assert "Darren Pike" not in site.page.inner_text("main")
    assert "Intelligence" not in timeline
    assert "being looked at separately" not in timeline
