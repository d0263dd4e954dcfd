"""A police analyst records a child abduction warning notice naming an adult and a child,
through the form with its errors first, then finds it in the register. Every page load is
checked by axe (see pages.Site.check)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safeguarding.warningnotices.models import WarningNotice
from tests.browser.pages import Site
from tests.factories import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_police_analyst_records_a_warning_notice(site: Site, area: Area) -> None:
    site.sign_in_with_session(area.police_analyst)
    site.open("/warning-notices/")
    assert site.heading() == "Child abduction warning notices"
    site.follow("Record a notice", button=True)
    assert site.heading() == "Record a child abduction warning notice"

    site.submit("Record notice", status=400)
    assert site.page.title() == "Error: Record a child abduction warning notice - Safeguarding Hub"
    assert site.error_messages() == [
        "Choose the kind of notice",
        "Enter the adult's given name",
        "Enter the adult's family name",
        "Enter the first child's given name",
        "Enter the first child's family name",
        "Enter the first child's date of birth",
        "Enter the serving officer's name and number",
        "Choose who has not given permission",
        "Enter what the notice tells the adult not to do",
    ]

    site.page.get_by_label(
        "Child under 16 (Child Abduction Act 1984, section 2)", exact=True
    ).check()
    site.fill("Adult's given name", "Darren")
    site.fill("Adult's family name", "Pike")
    site.fill_date("Adult's date of birth", 2, 3, 1985)
    site.fill("First child's given name", "Amelia")
    site.fill("First child's family name", "Hartley")
    site.fill_date("First child's date of birth", 17, 5, 2008)  # too old for this kind
    site.fill("Serving officer", "PC 4411 Jo Baxter")
    site.page.get_by_label("A parent", exact=True).check()
    site.fill("Who they are (optional)", "The child's mother")
    site.fill(
        "What the notice tells the adult not to do",
        "Do not contact Amelia, or allow her into your company, your car or your home.",
    )
    site.submit("Record notice", status=400)
    (message,) = site.error_messages()
    assert "this kind of notice covers children under 16" in message
    site.error_summary().get_by_role("link").click()
    assert site.focused_id() == "id_child-1-date_of_birth_0"

    site.fill_date("First child's date of birth", 17, 5, 2014)
    site.submit("Record notice")
    notice = WarningNotice.objects.get()
    assert site.page.url.endswith(f"/warning-notices/{notice.pk}/")
    assert site.heading() == "Served on Darren Pike"
    children = site.page.get_by_role("table", name="Children named").inner_text()
    assert "Amelia Hartley" in children
    assert "17 May 2030 (16th birthday)" in children
    today = timezone.localdate()
    summary = site.page.locator(".govuk-summary-list").inner_text()
    assert f"by PC 4411 Jo Baxter, {area.police.name}" in summary

    site.submit("Record breach", status=400)
    assert site.error_messages() == [
        "Enter the date of the breach",
        "Enter where it happened",
        "Enter what happened",
    ]
    site.fill_date("Date of the breach", today.day, today.month, today.year)
    site.fill("Where it happened", "Testbury bus station")
    site.fill("What happened", "Seen with Amelia after school and left when challenged.")
    site.page.get_by_label(
        "This breach can support an application for a sexual risk order", exact=True
    ).check()
    site.submit("Record breach")
    breaches = site.page.get_by_role("table", name="Breaches").inner_text()
    assert "Testbury bus station" in breaches

    site.follow("Back to warning notices")
    register = site.page.get_by_role("table", name="In force").inner_text()
    assert "Darren Pike" in register
    assert "Amelia Hartley" in register
