"""Disclosure control that holds: an attacker (tests/taskforce/attacker.py) solves every
published table at once (totals, breakdowns, England and its areas, years and their months,
one download and the other) and no suppressed count may come out as one value."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import date

import pytest

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.govuk.statistics import suppress
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import MonthlyCount
from safeguarding.taskforce.queries import national_capacity, years_available
from safeguarding.taskforce.refresh import refresh
from tests.factories import Area
from tests.taskforce.attacker import Published, given_away
from tests.taskforce.conftest import build_picture
from tests.taskforce.generated import build_generated

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

AREA_KINDS = {AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE}


def test_the_attacker_finds_a_count_that_primary_suppression_alone_gives_away():
    """Shown as "fewer than 5" beside its total and the other parts, 3 is 55 - 40 - 12."""
    published = Published()
    parts = {"a": 3, "b": 40, "c": 12}
    for key, value in parts.items():
        published.shown(key, suppress(value))
    published.shown("total", suppress(sum(parts.values())))
    published.add_sum("total", list(parts))
    assert given_away(published) == {"a": 3}


def test_the_attacker_finds_small_counts_pinned_by_their_range():
    """Two "fewer than 5" with a shown total of 2 must both be 1."""
    published = Published()
    published.shown("a", "fewer than 5")
    published.shown("b", "fewer than 5")
    published.shown("total", "2")
    published.add_sum("total", ["a", "b"])
    assert given_away(published) == {"a": 1, "b": 1}


def _downloads(client, year: int) -> dict[tuple[str, str, str, str], str]:
    """Both CSV downloads of a year (authorities, forces), as one attacker would hold them."""
    cells: dict[tuple[str, str, str, str], str] = {}
    for kind in ("authority", "force"):
        response = client.get(f"/taskforce/export.csv?kind={kind}&year={year}")
        assert response.status_code == 200
        for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]:
            key = (row[0], row[3], row[4], row[5])
            assert cells.setdefault(key, row[7]) == row[7], key  # the two agree on England
            cells[key] = row[7]
    return cells


def _dashboard_tables(year: int, cells: dict[tuple[str, str, str, str], str]) -> list[Published]:
    """One table per measure: every area's and England's cells for the year, what agencies
    that are not areas count (known to the attacker), and every sum between them."""
    kinds = dict(Agency.objects.values_list("pk", "kind"))
    codes = [
        code for code, kind in Agency.objects.values_list("code", "kind") if kind in AREA_KINDS
    ]
    months = m.months_of_year(year)
    quarters = months[::3]
    other: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for agency, month, measure, value in MonthlyCount.objects.filter(
        month__gte=months[0], month__lte=months[-1]
    ).values_list("agency_id", "month", "measure", "value"):
        if kinds[agency] not in AREA_KINDS:
            other[measure][month] += value
    tables = []
    for measure in m.MEASURES:
        published = Published()

        # Plain strings, as the CSV holds them (an enum member hashes apart from its value).
        def key(code: str, kind: str, start: date, measure: str = measure.key) -> Hashable:
            return (code, kind, start.isoformat(), measure)

        periods: list[tuple[str, date, list[date]]] = [("year", months[0], months)]
        if measure.chart:
            periods += [("quarter", q, months[i * 3 : i * 3 + 3]) for i, q in enumerate(quarters)]
            periods += [("month", month, [month]) for month in months]
        for kind, start, in_period in periods:
            for code in ["ENGLAND", *codes]:
                here = key(code, kind, start)
                published.shown(here, cells.get(here, "0"))  # type: ignore[arg-type] - a CSV key
                if kind == "year" and measure.chart:
                    published.add_sum(here, [key(code, "quarter", q) for q in quarters])
                if kind == "quarter":
                    published.add_sum(here, [key(code, "month", mo) for mo in in_period])
            outside = key("OTHER", kind, start)
            published.known(outside, sum(other[measure.key].get(mo, 0) for mo in in_period))
            published.add_sum(
                key("ENGLAND", kind, start), [key(c, kind, start) for c in codes] + [outside]
            )
        tables.append(published)
    return tables


def _picture(area: Area) -> None:
    build_picture(area)


def _generated(area: Area) -> None:
    build_generated(area)


@pytest.mark.parametrize("build", [_picture, _generated], ids=["picture", "generated"])
def test_no_suppressed_dashboard_figure_can_be_worked_out(
    area: Area, client_for, build: Callable[[Area], None]
):
    build(area)
    refresh(full=True)
    client = client_for(area.taskforce_analyst)
    suppressed = 0
    for year in years_available():
        cells = _downloads(client, year)
        suppressed += sum(text in {"fewer than 5", "not shown"} for text in cells.values())
        for published in _dashboard_tables(year, cells):
            assert given_away(published) == {}, year
    assert suppressed > 0  # the test means something only if something was suppressed


def test_no_suppressed_capacity_figure_can_be_worked_out(area: Area):
    build_picture(area)
    rows, england = national_capacity(area.taskforce_analyst)
    for column in ("officers", "open_cases", "overdue"):
        published = Published()
        # Rounded to base 5: each shown count stands for a range.
        for row in rows:
            published.rounded(row.code, getattr(row, column))
        published.rounded("ENGLAND", getattr(england, column))
        published.add_sum("ENGLAND", [row.code for row in rows])
        assert given_away(published) == {}, column
    for row in [*rows, england]:
        if row.per_officer not in {"not shown", "no officers"}:
            # A ratio is shown only beside the two counts it is made of.
            assert "fewer" not in row.officers + row.open_cases
            assert "not shown" not in row.officers + row.open_cases
            # Worked out from the counts as shown, so it undoes no rounding.
            cases, officers = (int(x.replace(",", "")) for x in (row.open_cases, row.officers))
            assert row.per_officer == f"{cases / officers:.1f}"
