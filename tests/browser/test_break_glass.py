"""Break-glass: seeing a record outside need-to-know, for a stated and recorded reason."""

from __future__ import annotations

import pytest

from safeguarding.audit.models import AuditEntry
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
    granted = AuditEntry.objects.get(verb=AuditVerb.BREAK_GLASS_GRANTED)
    assert (granted.actor_label, granted.target_id, granted.reason) == (
        area.health.username,
        str(child.pk),
        REASON,
    )

    # The grant lasts: the child is now found by an ordinary search too.
    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Amelia Hartley")
    site.submit("Search")
    assert site.page.get_by_role("heading", name="1 person found").is_visible()
