"""Break-glass: seeing a record outside need-to-know, for a stated and recorded reason."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from tests.browser.pages import Site
from tests.factories import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "A&E attendance tonight; the child says she lives with an aunt we do not know."


def test_practitioner_from_another_agency_breaks_glass_to_open_a_record(
    site: Site, area: Area
) -> None:
    child = area.child_known_to_school()
    site.sign_in(area.health)  # An NHS practitioner: the NHS holds nothing on the child.

    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Amelia Hartley")
    site.submit("Search")
    assert site.page.get_by_role("heading", name="0 people found").is_visible()
    site.open(f"/people/{child.pk}/", status=404)  # Indistinguishable from no record.
    site.open("/people/")

    site.follow("Search all agencies' records in an emergency (break-glass)")
    assert site.heading() == "Break-glass search"
    site.fill("Why do you need to see records your agency is not involved with?", "Urgent")
    site.fill("Name", "Amelia Hartley")
    site.submit("Search all records")
    assert site.error_messages() == ["Explain why you need access, in at least 20 characters"]

    site.fill("Why do you need to see records your agency is not involved with?", REASON)
    site.submit("Search all records")
    results = site.page.get_by_role("table", name="1 person found")
    assert "Amelia Hartley" in results.inner_text()
    # Nothing opens by accident: the name is not a link, only the warning button opens it.
    assert results.get_by_role("link").count() == 0
    site.submit("Open record of Amelia Hartley", within=results)

    assert site.page.url.endswith(f"/people/{child.pk}/")
    assert site.heading() == "Amelia Hartley"
    banner = site.page.get_by_role("region", name="Break-glass access")
    assert "You are viewing this record using break-glass access" in banner.inner_text()
    assert REASON in banner.inner_text()
    granted = AuditEntry.objects.get(verb=AuditVerb.BREAK_GLASS_GRANTED)
    assert (granted.actor_label, granted.target_id, readable_reason(granted).text) == (
        area.health.username,
        str(child.pk),
        REASON,
    )

    # The grant lasts: the child is now found by an ordinary search too.
    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Amelia Hartley")
    site.submit("Search")
    assert site.page.get_by_role("heading", name="1 person found").is_visible()


def test_the_schools_lead_reviews_break_glass_access_to_its_pupil(site: Site, area: Area) -> None:
    """The DSL is told, with the reason, and marks the access reviewed."""
    from safeguarding.people.grants import grant_break_glass

    child = area.child_known_to_school()
    grant = grant_break_glass(actor=area.health, person_id=child.pk, reason=REASON)
    when = timezone.localtime(grant.granted_at)

    site.sign_in(area.dsl)
    site.open("/people/break-glass/reviews/")
    assert site.heading() == "Break-glass reviews"
    table = site.page.get_by_role("table", name="1 to review")
    assert REASON in table.inner_text()
    assert "Amelia Hartley" in table.inner_text()
    # The button names the access it marks, for screen readers.
    site.submit(
        f"Mark as reviewed the access by {area.health.display_name} on {when.day} {when:%B %Y}",
        within=table,
    )
    assert site.page.get_by_role("heading", name="0 to review").is_visible()
    assert site.page.locator(".govuk-tag", has_text="Reviewed").count() == 1
    assert AuditEntry.objects.filter(verb=AuditVerb.BREAK_GLASS_REVIEWED).count() == 1
