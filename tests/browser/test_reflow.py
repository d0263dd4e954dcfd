"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide (400% zoom of a 1280px window) pages must
not scroll sideways. Wide tables may scroll inside their own pane. Site.check fails any
page wider than the window, and axe runs as on every other page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safeguarding.concerns.models import ConcernCategory
from tests.browser.pages import Site, screenshot_path
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def narrow_site(new_site: Callable[[dict[str, int]], Site]) -> Site:
    return new_site(NARROW)


def test_case_work_pages_reflow_at_320_pixels(narrow_site: Site, area: Area) -> None:
    site = narrow_site
    child = area.child_known_to_school()
    make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details("Tyler-Jay", "Montgomery-Smythe"),
        category=ConcernCategory.CRIMINAL_EXPLOITATION,
    )
    site.sign_in_with_session(area.mash)
    menu = site.page.get_by_role("button", name="Menu")
    assert menu.is_visible()  # The navigation folds away behind a toggle.
    menu.click()
    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Hartley")
    site.submit("Search")
    site.open(f"/people/{child.pk}/")
    site.page.screenshot(path=screenshot_path("person-page-320"), full_page=True)
    site.open(f"/concerns/new/?person={child.pk}")
    site.submit("Record concern")
    site.open("/people/break-glass/")


def test_staff_and_figures_pages_reflow_at_320_pixels(narrow_site: Site, area: Area) -> None:
    site = narrow_site
    site.sign_in_with_session(area.admin)
    site.open("/admin/staff/")
    site.open("/admin/agencies/")
    site.open("/admin/staff/new/")
    site.submit("Add member of staff")
    site.open("/notifications/")
    site.page.context.clear_cookies()

    make_concern(area.dsl, local_authority=area.council, child=child_details())
    site.sign_in_with_session(area.taskforce_analyst)
    pane = site.page.get_by_role("region", name="Concerns by area and category")
    # The table scrolls inside its pane, which keyboard users can reach to scroll.
    assert pane.evaluate("el => el.scrollWidth > el.clientWidth")
    assert pane.get_attribute("tabindex") == "0"
    site.page.context.clear_cookies()

    site.sign_in_with_session(area.auditor)
    site.open("/audit/")


def test_mash_pages_reflow_at_320_pixels(narrow_site: Site, area: Area) -> None:
    site = narrow_site
    contact = make_concern(
        area.dsl, local_authority=area.council, child=child_details("Isla", "Brennan")
    ).contact
    child = contact.concern.involvements.get(role="child").person
    site.sign_in_with_session(area.mash)
    site.open("/mash/")
    site.open(f"/mash/contacts/{contact.pk}/")
    site.field("Agency to ask").select_option(label=area.police.name)
    site.fill("What do you need to know?", "Any incidents at the home address this year?")
    site.submit("Send request")
    site.open("/clocks/")
    site.open(f"/people/{child.pk}/chronology/")
    site.open(f"/people/{child.pk}/events/new/")
    site.page.context.clear_cookies()

    site.sign_in_with_session(area.manager)
    site.open("/clocks/limits/")
    site.page.context.clear_cookies()

    site.sign_in_with_session(area.police_analyst)
    site.open("/mash/requests/")
    site.follow("Any incidents at the home address this year?")
