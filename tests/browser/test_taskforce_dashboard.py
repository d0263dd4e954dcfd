"""A taskforce analyst opens the national dashboard, an authority's page with its charts
and tables, and a measure across England; a police analyst records an online-abuse
suspect. Every page load is checked by axe (see pages.Site.check)."""

from __future__ import annotations

import pytest

from safeguarding.taskforce.actions import set_neighbours
from safeguarding.taskforce.models import OnlineAbuseSuspect
from safeguarding.taskforce.refresh import refresh
from tests.browser.pages import Site
from tests.factories import Area
from tests.taskforce.conftest import build_picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_taskforce_analyst_reads_the_dashboard(site: Site, area: Area) -> None:
    build_picture(area)
    set_neighbours(actor=None, area=area.council, neighbours=[area.other_council])
    refresh(full=True)
    site.sign_in_with_session(area.taskforce_analyst)
    site.open("/")
    site.follow("National dashboard", within=site.navigation())
    assert site.heading() == "National dashboard"
    site.page.get_by_label("Financial year").select_option("2025")
    site.submit("Show figures")
    table = site.page.get_by_role("table", name="By local authority, April 2025 to March 2026")
    assert "Testshire Council" in table.inner_text()
    assert "fewer than 5" in table.inner_text()

    site.follow("Testshire Council")
    assert site.heading() == "Testshire Council"
    chart = site.page.get_by_role("img", name="Referrals", exact=True)
    assert chart.count() == 1
    site.page.get_by_text("Referrals as a table").click()
    trend = site.page.get_by_role("table", name="Referrals in Testshire Council")
    assert "Apr to Jun 2025" in trend.inner_text()
    site.page.get_by_label("Trends by").select_option("month")
    site.submit("Show figures")
    site.page.get_by_text("Referrals as a table").click()
    months = site.page.get_by_role("table", name="Referrals in Testshire Council").inner_text()
    assert "Jun 2025\tfewer than 5" in months
    assert "May 2025\tnot shown" in months

    site.follow("Back to the national dashboard")
    site.follow("Referrals")
    assert site.heading() == "Referrals"
    assert site.page.get_by_role("img", name="Referrals in England", exact=True).count() == 1

    # Every force's online-abuse pipeline, as counts: never a suspect.
    site.follow("Online abuse pipeline", within=site.navigation())
    assert site.heading() == "Online abuse pipeline by force"
    site.page.get_by_label("Financial year").select_option("2025")
    site.submit("Show figures")
    pipeline = site.page.get_by_role("table", name="By police force, April 2025 to March 2026")
    assert "Online abuse suspects identified" in pipeline.inner_text()
    assert "SUS-" not in site.page.content()


def test_police_analyst_records_a_suspect(site: Site, area: Area) -> None:
    site.sign_in_with_session(area.police_analyst)
    site.open("/taskforce/online-abuse/")
    assert site.heading() == "Online abuse suspects"
    site.follow("Record a suspect", button=True)
    site.submit("Save", status=400)
    assert site.error_messages() == [
        "Enter the centre's referral reference",
        "Enter your force's reference for the suspect",
        "Enter the date the suspect was identified",
    ]
    site.fill("The centre's referral reference", "NCA-2025-0412")
    site.fill("Your force's reference for the suspect", "TEST/OA/1187")
    site.fill_date("Date the suspect was identified", 3, 3, 2025)
    site.fill_date("Date allocated to your force", 4, 3, 2025)
    site.submit("Save")
    assert site.heading() == "Online abuse suspects"
    assert OnlineAbuseSuspect.objects.get().suspect_reference == "TEST/OA/1187"
    site.follow("TEST/OA/1187")
    assert site.heading() == "Update the stages reached"


def test_taskforce_analyst_reads_the_therapy_waits_of_a_year(site: Site, area: Area) -> None:
    """Whole financial years, as the dashboard publishes them: the analyst chooses one."""
    from django.utils import timezone

    from safeguarding.therapy.queries import financial_year

    site.sign_in_with_session(area.taskforce_analyst)
    site.open("/")
    site.follow("Therapy waits", within=site.navigation())
    assert site.heading() == "Waits for therapy"
    last = financial_year(timezone.localdate()) - 1
    site.page.get_by_label("Year (1 April to 31 March)").select_option(str(last))
    site.submit("Show")
    assert f"1 April {last} to 31 March {last + 1}" in site.page.inner_text("main")
