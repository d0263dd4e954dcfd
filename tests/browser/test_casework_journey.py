"""A council social worker records a referral through to a child protection plan in census
codes through the case-work pages (meeting the page's errors on the way), then the
authority's performance team finds the child in the CIN census preview with no problems
and downloads the return. Every page load is checked by axe (see pages.Site.check)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from safeguarding.casework.models import ChildProfile
from tests.browser.pages import Site
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EPISODE = "to the referral of 6 May 2025"


def test_a_referral_through_to_a_plan_reaches_the_return(site: Site, area: Area) -> None:
    child = (
        make_concern(area.practitioner, local_authority=area.council, child=child_details("Amelia"))
        .involvements.get(role="child")
        .person
    )

    site.sign_in(area.practitioner)
    site.open(f"/people/{child.pk}/")
    site.follow("Case work (referrals, assessments and plans in census codes)")
    assert site.heading() == "Case work"
    site.follow("Record a referral", button=True)
    assert site.heading() == "Record a referral"
    site.submit("Save referral", status=400)
    assert site.error_messages() == [
        "Enter the referral date",
        "Choose who made the referral",
        "Choose the child's primary need",
    ]
    site.fill_date("Referral date", 6, 5, 2025)
    site.field("Who made the referral?").select_option("2A")
    site.field("Primary need").select_option("N1")
    site.submit("Save referral")
    assert site.heading() == "Case work"

    site.follow(f"Add an assessment {EPISODE}")
    site.fill_date("Assessment start date", 7, 5, 2025)
    site.fill_date("Date authorised", 20, 6, 2025)
    site.page.get_by_label("3B: Domestic abuse: concerns about the parent or carer").check()
    site.field("The child was seen").check()
    site.field("The child was seen alone").check()
    # Authorised without the child's voice: refused, beside the field.
    site.submit("Save assessment", status=400)
    assert site.error_messages() == ["Record the child's wishes and feelings"]
    site.fill("The child's wishes and feelings", "Wants to stay at her school and see her nan.")
    site.submit("Save assessment")

    site.follow(f"Add a section 47 enquiry {EPISODE}")
    site.fill_date("Enquiry start date", 8, 5, 2025)
    site.field("Outcome of the enquiry").select_option("conference")
    site.fill_date("Initial conference target date", 29, 5, 2025)
    site.fill_date("Initial conference date", 28, 5, 2025)
    site.field("Outcome of the initial conference").select_option("plan")
    site.submit("Save section 47 enquiry")

    site.follow(f"Add a child protection plan {EPISODE}")
    site.fill_date("Plan start date", 28, 5, 2025)
    site.field("Initial category of abuse").select_option("NEG")
    site.submit("Save child protection plan")
    assert "Initial category NEG: Neglect" in site.page.locator("main").inner_text()

    site.follow("Change ethnicity and disabilities")
    site.field("Ethnicity").select_option("WBRI")
    site.page.get_by_label("No disability", exact=True).check()
    site.submit("Save characteristics")
    la_child_id = ChildProfile.objects.get(person=child).la_child_id
    assert la_child_id in site.page.locator("main").inner_text()
    site.sign_out()

    # The performance team: the child is in the return, which has no problems.
    site.sign_in(area.manager)
    site.follow("Statutory returns", within=site.navigation())
    assert site.heading() == "Statutory returns"
    site.field("Collection year").select_option("2025-26")
    site.submit("Show the return")
    main = site.page.locator("main")
    assert "No problems" in main.inner_text()
    modules = site.page.locator("#modules").inner_text()
    assert "Children\t1" in modules or "Children\n1" in modules
    site.page.get_by_text("The 1 children in this return").click()
    [returned] = site.page.locator("#children").get_by_role("link").all()
    assert returned.inner_text().startswith(la_child_id)
    with site.page.expect_download() as download:
        site.page.get_by_role("button", name="Download the 2025-26 CIN census (XML)").click()
    assert download.value.suggested_filename == "CIN-census-LA-TEST-2025-26.xml"
    root = ET.fromstring(Path(download.value.path()).read_bytes())
    child_ids = [element.text for element in root.iter("LAchildID")]
    assert child_ids == [la_child_id]
    plan = root.find(".//ChildProtectionPlans")
    assert plan is not None
    assert plan.findtext("InitialCategoryOfAbuse") == "NEG"
