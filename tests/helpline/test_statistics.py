"""Helpline statistics for the taskforce and the prescribed person's annual report: counts
only, small counts suppressed, one click to HTML and PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.helpline import actions, statistics
from safeguarding.helpline.models import Disclosure, Report
from tests.factories import PASSWORD, Area
from tests.helpline.conftest import Helpline, details
from tests.taskforce.attacker import Published, given_away

ClientFor = Callable[[User], Client]
SECRET = "The deputy head rewrote the safeguarding log on a Sunday"


def _reports(helpline: Helpline, area: Area) -> list[Report]:
    """Seven reports in the year from 1 April 2025: six qualifying disclosures, two of them
    referred on, one urgent; one from a member of the public."""
    made = [
        actions.submit_report(
            details(area, what_happened=SECRET), today=date(2025, 4 + index, 3)
        ).report
        for index in range(7)
    ]
    actions.submit_report(details(area), today=date(2025, 3, 31))  # the year before
    private = actions.unlock_staff_key(actor=helpline.caseworker, password=PASSWORD)
    for index, report in enumerate(made):
        actions.categorise_report(
            actor=helpline.caseworker,
            report=report,
            category="falsified-records" if index < 5 else "ignored-disclosure",
            disclosure=Disclosure.QUALIFYING if index < 6 else Disclosure.NOT_QUALIFYING,
        )
    for report in made[:2]:
        opened = actions.open_report(actor=helpline.caseworker, report=report, private_key=private)
        actions.route_referral(
            actor=helpline.caseworker,
            opened=opened,
            to_agency=area.council if report == made[0] else area.police,
            fields=["what_happened"],
            legal_basis="public-task-safeguarding",
        )
    actions.mark_child_in_danger(
        actor=helpline.caseworker, report=made[2], summary="A child is at risk at home tonight"
    )
    return made


def test_the_years_figures_are_counted_and_small_counts_suppressed(
    helpline: Helpline, area: Area
) -> None:
    _reports(helpline, area)
    figures = statistics.figures(None, 2025, today=date(2026, 5, 1))
    # One report in each of seven months: the dashboard shows the area's reports by month
    # too, each "fewer than 5", and seven of them adding up to 7 would each be 1, so the
    # year's 7 is hidden, here and on the dashboard.
    assert figures.received == "not shown"
    assert figures.qualifying == "6"
    # Two referred and one urgent: three, which is shown as "fewer than 5".
    assert figures.further_action == "fewer than 5"
    categories = {row.label: row.count for row in figures.by_category}
    # 7 received, 2 of them "fewer than 5": the 5 would give the 2 away, so it is hidden.
    assert categories["Records falsified or destroyed"] == "not shown"
    assert categories["Disclosure ignored"] == "fewer than 5"
    assert categories["Other bad practice"] == "0"
    areas = {row.label: row.count for row in figures.by_area}
    assert areas == {area.council.name: "not shown"}
    assert statistics.year_of(date(2026, 3, 31)) == 2025
    assert statistics.year_of(date(2026, 4, 1)) == 2026


def test_the_taskforce_reads_counts_but_never_content(
    helpline: Helpline, area: Area, client_for: ClientFor
) -> None:
    made = _reports(helpline, area)
    page = client_for(area.taskforce_analyst).get("/helpline/statistics/", {"year": "2025"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Records falsified or destroyed" in body
    assert "fewer than 5" in body
    assert SECRET not in body
    assert all(report.reference not in body for report in made)
    assert AuditEntry.objects.filter(verb="helpline-statistics-viewed").exists()


@pytest.mark.parametrize("role", ["mash", "dsl", "police_analyst", "admin"])
def test_case_workers_and_administrators_cannot_read_helpline_statistics(
    helpline: Helpline, area: Area, client_for: ClientFor, role: str
) -> None:
    client = client_for(getattr(area, role))
    assert client.get("/helpline/statistics/").status_code == 403
    assert client.get("/helpline/statistics/annual-report/2025/").status_code == 403


def test_the_annual_report_in_one_click_as_a_page_and_a_pdf(
    helpline: Helpline, area: Area, client_for: ClientFor
) -> None:
    _reports(helpline, area)
    client = client_for(helpline.caseworker)
    page = client.get("/helpline/statistics/annual-report/2025/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Prescribed Persons (Reports on Disclosures of Information) Regulations 2017" in body
    assert "data-qualifying>6<" in body
    assert "data-further-action>fewer than 5<" in body
    assert "How the disclosures affected our functions" in body
    assert SECRET not in body
    pdf = client.get("/helpline/statistics/annual-report/2025/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "helpline-annual-report-2025.pdf" in pdf["Content-Disposition"]
    formats = [
        entry.payload["format"]
        for entry in AuditEntry.objects.filter(verb="helpline-annual-report")
    ]
    assert sorted(formats) == ["html", "pdf"]


def test_the_demo_builder_fills_the_queue_and_the_figures(helpline: Helpline, area: Area) -> None:
    from safeguarding.demo.helpline import build_helpline_demo

    added = build_helpline_demo(
        count=12, helpline_code="HELP", username="caseworker", password=PASSWORD
    )
    assert added == 12
    assert Report.objects.filter(helpline=helpline.agency).count() == 12
    assert build_helpline_demo(helpline_code="HELP", username="caseworker") == 0
    today = timezone.localdate()
    year = statistics.year_of(today)
    totals = [
        statistics.figures(helpline.agency, y, today=today).received for y in (year, year - 1)
    ]
    assert totals != ["0", "0"]


def _published(figures: statistics.Figures, view: str, published: Published) -> None:
    """One view's figures as the attacker reads them, with the sums that hold in it."""
    published.shown((view, "received"), figures.received)
    for name, rows in (
        ("month", figures.by_month),
        ("category", figures.by_category),
        ("area", figures.by_area),
        ("status", [r for r in figures.by_outcome if not r.label.startswith("Referred")]),
    ):
        for row in rows:
            published.shown((view, name, row.label), row.count)
        published.add_sum((view, "received"), [(view, name, row.label) for row in rows])
    for row in figures.compliance:
        parts = [(view, row.label, part) for part in ("on-time", "late", "missed", "open")]
        for key, text in zip(
            parts, (row.met_on_time, row.met_late, row.missed, row.open), strict=True
        ):
            published.shown(key, text)
        published.shown((view, row.label, "due"), row.due)
        published.add_sum((view, row.label, "due"), parts)


def test_no_suppressed_helpline_figure_can_be_worked_out_from_either_view(
    helpline: Helpline, area: Area
) -> None:
    """The taskforce sees every helpline together, the helpline's staff their own: the
    attacker holds both, and that each helpline's counts add up to the national ones."""
    _reports(helpline, area)
    today = date(2026, 5, 1)
    published = Published()
    national = statistics.figures(None, 2025, today=today)
    own = statistics.figures(helpline.agency, 2025, today=today)
    _published(national, "national", published)
    _published(own, "own", published)
    for key in list(published.bounds):
        if key[0] == "national":
            published.add_sum(key, [("own", *key[1:])])
    suppressed = [key for key in published.suppressed if key[0] == "national"]
    assert suppressed  # the test means something only if something was suppressed
    assert given_away(published) == {}


def test_primary_suppression_alone_would_give_a_helpline_count_away() -> None:
    """What the figures looked like before: 7 received, 5 and "fewer than 5" by category."""
    published = Published()
    published.shown("received", "7")
    published.shown("falsified", "5")
    published.shown("ignored", "fewer than 5")
    published.shown("other", "0")
    published.add_sum("received", ["falsified", "ignored", "other"])
    assert given_away(published) == {"ignored": 2}
