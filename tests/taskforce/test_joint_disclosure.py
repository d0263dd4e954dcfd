"""Disclosure control across pages: the taskforce analyst holds the dashboard, its CSV
downloads, the helpline statistics and the therapy waits of the same year, and an inspector
holds the dashboard and the data pack of the authority inspected. The attacker
(tests/taskforce/attacker.py) solves everything one reader holds at once, with the sums that
tie one page to another (an area's helpline reports on the dashboard are its row in the
helpline statistics; the therapy waits' totals are England's), and no suppressed count may
come out as one value."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.helpline import actions as helpline_actions
from safeguarding.helpline import statistics as helpline_statistics
from safeguarding.people.models import Person
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import Figure
from safeguarding.taskforce.refresh import DATA_PACK_MEASURES, refresh
from safeguarding.therapy.actions import ReferralDetails, refer_for_therapy
from safeguarding.therapy.models import ServiceType
from safeguarding.therapy.queries import breach_figures
from tests.factories import Area, child_details, make_agency, make_concern
from tests.helpline.conftest import (  # noqa: F401 - fixtures used by name in this module
    Helpline,
    _fast_helpline,
    details,
    helpline,
)
from tests.taskforce.attacker import Published, given_away
from tests.taskforce.test_disclosure import _dashboard_tables, _downloads

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _year() -> int:
    """The last complete financial year: every day of it is past."""
    return m.financial_year(timezone.localdate()) - 1


def _helpline_reports(area: Area, year: int) -> None:
    """13 reports about the council in April, 2 in May and 6 in July. Protected apart, the
    dashboard hides England's April to protect May, and the helpline statistics hide July
    instead and show April: together they give May away."""
    for month, count in ((4, 13), (5, 2), (7, 6)):
        for day in range(count):
            helpline_actions.submit_report(
                details(area), today=date(year, month, 1) + timedelta(days=day)
            )


def _child(area: Area, number: int) -> Person:
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details("Child", f"Number{number}", born=date(2013, 1, number % 28 + 1)),
    )
    return concern.involvements.get(role="child").person


def _therapy_referrals(area: Area, year: int) -> None:
    """Three children of the council waiting at the NHS trust since May, eight of the other
    council at a charity since June (two started in time)."""
    charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-1", name="Helping Hands")
    for number in range(1, 12):
        council = area.council if number < 4 else area.other_council
        refer_for_therapy(
            actor=area.dsl,
            details=ReferralDetails(
                person_id=_child(area, number).pk,
                provider=area.nhs if number < 4 else charity,
                service_type=ServiceType.CAMHS,
                authority=council,
                referred_on=date(year, 5 if number < 4 else 6, number),
            ),
        )


def _merged(tables: list[Published]) -> Published:
    merged = Published()
    for table in tables:
        merged.bounds.update(table.bounds)
        merged.suppressed.update(table.suppressed)
        merged.sums += table.sums
    return merged


def _dashboard(client, year: int) -> tuple[Published, set[Hashable]]:
    """Every dashboard table of the year as one system, and the keys of the year's cells."""
    cells = _downloads(client, year)
    return _merged(_dashboard_tables(year, cells)), set(cells)


def _start(year: int) -> str:
    return date(year, 4, 1).isoformat()


def _add_helpline(published: Published, year: int) -> None:
    """The helpline statistics of every helpline, as the taskforce reads them, tied to the
    dashboard's helpline reports: an area's row is its figure for the year, and a month's
    reports are England's for that month and those about no known area."""
    figures = helpline_statistics.figures(None, year, today=timezone.localdate())
    codes = dict(Agency.objects.values_list("name", "code"))
    kinds = dict(Agency.objects.values_list("name", "kind"))
    received = ("helpline", "received")
    published.shown(received, figures.received)
    for name, rows in (("month", figures.by_month), ("category", figures.by_category)):
        for row in rows:
            published.shown(("helpline", name, row.label), row.count)
        published.add_sum(received, [("helpline", name, row.label) for row in rows])
    area_rows = []
    elsewhere = []
    for row in figures.by_area:
        if row.label in codes and kinds[row.label] in {
            AgencyKind.LOCAL_AUTHORITY,
            AgencyKind.POLICE_FORCE,
        }:
            key: Hashable = (codes[row.label], "year", _start(year), m.HELPLINE_REPORTS)
        else:
            key = ("helpline", "area", row.label)
            elsewhere.append(key)
        published.shown(key, row.count)
        area_rows.append(key)
    published.add_sum(received, area_rows)
    # Reports about an agency that is not an area count for England only; reports about no
    # known area for neither, month by month.
    other_year = ("OTHER", "year", _start(year), m.HELPLINE_REPORTS)
    published.add_sum(other_year, [key for key in elsewhere if key[2] != "Not known"])
    unknown = [key for key in elsewhere if key[2] == "Not known"]
    months = m.months_of_year(year)
    not_known = [("NOT-KNOWN", month.isoformat()) for month in months]
    for key in not_known:
        published.bounds[key] = (0, None)
    if unknown:
        published.add_sum(unknown[0], not_known)
    else:
        for key in not_known:
            published.bounds[key] = (0, 0)
    for label, month in zip(helpline_statistics.MONTHS, months, strict=True):
        england = ("ENGLAND", "month", month.isoformat(), m.HELPLINE_REPORTS)
        published.add_sum(("helpline", "month", label), [england, ("NOT-KNOWN", month.isoformat())])


def _add_therapy(published: Published, year: int) -> None:
    """The therapy waits of the year, tied to the dashboard: an authority's row is its
    figures for the year, the totals are England's."""
    figures = breach_figures(year=year)
    codes = dict(Agency.objects.values_list("name", "code"))
    start = _start(year)
    for measure, column in ((m.THERAPY_REFERRALS, "referrals"), (m.THERAPY_BREACHES, "breaches")):
        england = ("ENGLAND", "year", start, measure)
        published.add_sum(england, [("therapy", "total", column)])
        published.shown(("therapy", "total", column), getattr(figures.total, column))
        for row in figures.by_authority:
            published.shown((codes[row.name], "year", start, measure), getattr(row, column))
        providers = []
        for row in figures.by_provider:
            key = ("therapy", row.name, column)
            published.shown(key, getattr(row, column))
            providers.append(key)
        published.add_sum(("therapy", "total", column), providers)


def _only_of_known(published: Published, key: Hashable) -> bool:
    """Whether ``key`` is the total of a sum whose parts are all known exactly (England
    in a month when only the inspected authority's count is not shown): it tells the
    reader nothing of any child they do not know already."""
    return any(
        total == key
        and all((bounds := published.bounds.get(part, (0, 0)))[0] == bounds[1] for part in parts)
        for total, parts in published.sums
    )


def test_the_taskforce_cannot_work_out_a_count_from_every_page_it_reads_together(
    area: Area,
    helpline: Helpline,  # noqa: F811 - the helpline fixture, imported above
    client_for,
) -> None:
    year = _year()
    _helpline_reports(area, year)
    _therapy_referrals(area, year)
    refresh(full=True)
    published, _ = _dashboard(client_for(area.taskforce_analyst), year)
    _add_helpline(published, year)
    _add_therapy(published, year)
    assert published.suppressed  # the test means something only if something was suppressed
    assert given_away(published) == {}


def test_the_pages_show_one_count_alike_wherever_each_shows_it(
    area: Area,
    helpline: Helpline,  # noqa: F811 - the helpline fixture, imported above
    client_for,
) -> None:
    """Where the dashboard and another page publish the same count, both show it, or both
    hide it."""
    year = _year()
    _helpline_reports(area, year)
    _therapy_referrals(area, year)
    refresh(full=True)
    cells = _downloads(client_for(area.taskforce_analyst), year)
    start = _start(year)
    figures = helpline_statistics.figures(None, year, today=timezone.localdate())
    for row in figures.by_area:
        if row.label == area.council.name:
            assert cells[(area.council.code, "year", start, m.HELPLINE_REPORTS)] == row.count
    therapy = breach_figures(year=year)
    for row in therapy.by_authority:
        code = Agency.objects.get(name=row.name).code
        assert cells.get((code, "year", start, m.THERAPY_REFERRALS), "0") == row.referrals
        assert cells.get((code, "year", start, m.THERAPY_BREACHES), "0") == row.breaches
    assert cells[("ENGLAND", "year", start, m.THERAPY_REFERRALS)] == therapy.total.referrals


def test_an_inspector_who_knows_one_authority_cannot_work_out_another(
    area: Area, client_for
) -> None:
    """An inspector holds the data pack of the authority inspected beside the dashboard:
    every child of the contacts, referrals, assessments, enquiries and plans it lists, so
    each of those counts of that authority. With them known exactly, no count from 1 to 4
    of another area may be worked out (a larger count hidden only to protect the
    authority's own small counts protects nothing from a reader who knows them)."""
    from tests.taskforce.conftest import build_picture

    build_picture(area)
    refresh(full=True)
    checked = 0
    for year in sorted({f.year for f in Figure.objects.all()}):
        cells = _downloads(client_for(area.taskforce_analyst), year)
        for measure, table in zip(m.MEASURES, _dashboard_tables(year, cells), strict=True):
            if measure.key not in DATA_PACK_MEASURES:
                continue
            for council in Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY):
                known = Published(
                    bounds=dict(table.bounds), suppressed=dict(table.suppressed), sums=table.sums
                )
                for key in list(known.suppressed):
                    if key[0] == council.code:  # type: ignore[index] - a CSV key
                        value = Figure.objects.get(
                            area=council,
                            year=year,
                            period_kind=key[1],  # type: ignore[index] - a CSV key
                            period_start=key[2],  # type: ignore[index] - a CSV key
                            measure=key[3],  # type: ignore[index] - a CSV key
                        ).value
                        known.bounds[key] = (value, value)
                        del known.suppressed[key]
                        checked += 1
                pinned = {
                    key: value
                    for key, value in given_away(known).items()
                    if not _only_of_known(known, key) and value < 5
                }
                assert pinned == {}, (year, council.code)
    assert checked  # the test means something only if an inspected authority had one hidden


def test_no_count_is_given_away_by_the_years_read_together(
    area: Area,
    helpline: Helpline,  # noqa: F811 - the helpline fixture, imported above
    client_for,
) -> None:
    """The pages offer several years side by side: every year's dashboard, helpline
    statistics and therapy waits held at once, as one system, give nothing away. No page
    publishes a total over several years or a rolling period (the therapy waits were the
    last 12 months, which two days apart differ by a day's referrals), so one year's counts
    can never be taken from another's."""
    year = _year()
    for each in (year - 1, year):
        _helpline_reports(area, each)
    _therapy_referrals(area, year - 1)
    refresh(full=True)
    client = client_for(area.taskforce_analyst)
    tables = []
    for each in (year - 1, year):
        published, _ = _dashboard(client, each)
        _add_helpline(published, each)
        tables.append(published)
    therapy_year, _ = _dashboard(client, year - 1)
    _add_therapy(therapy_year, year - 1)
    tables.append(therapy_year)
    together = _merged(tables)
    assert together.suppressed
    assert given_away(together) == {}
