"""The refresh's figures against figures worked out by hand (conftest.build_picture)."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import Figure, PeriodKind, Shown
from safeguarding.taskforce.refresh import refresh
from tests.taskforce.conftest import YEAR, Picture

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def figure(area, measure: str, kind: str = PeriodKind.YEAR, start: date | None = None):
    """(value, shown) of one published figure; (0, shown) when none is kept."""
    row = Figure.objects.filter(
        area=area,
        measure=measure,
        period_kind=kind,
        period_start=start or m.year_start(YEAR),
    ).first()
    return (row.value, row.shown) if row else (0, Shown.SHOWN)


def test_year_counts_match_the_hand_count(picture: Picture):
    refresh(full=True)
    area = picture.area
    council, other = area.council, area.other_council
    assert figure(council, m.CONTACTS)[0] == 8
    assert figure(council, m.REFERRALS)[0] == 7
    assert figure(other, m.REFERRALS)[0] == 8
    assert figure(None, m.REFERRALS)[0] == 7 + 8 + 9
    assert figure(council, m.RE_REFERRALS) == (2, Shown.SMALL)
    assert figure(council, m.EXPLOITATION) == (1, Shown.SMALL)
    assert figure(council, m.ASSESSMENTS) == (5, Shown.SHOWN)
    assert figure(council, m.SECTION_47) == (2, Shown.SMALL)
    assert figure(council, m.PLANS) == (1, Shown.SMALL)
    assert figure(council, m.clock_due("strategy-discussion"))[0] == 4
    assert figure(council, m.clock_on_time("strategy-discussion"))[0] == 1
    # Concerns count for the agency that recorded them: the council's practitioner
    # recorded Testshire's 8 in the year, Otherton's MASH its 8.
    assert figure(council, m.CONCERNS_RECORDED)[0] == 8
    assert figure(other, m.CONCERNS_RECORDED)[0] == 8
    # A force's figures are what it records, never an authority's referrals.
    assert figure(area.police, m.REFERRALS)[0] == 0
    assert figure(area.police, m.CONCERNS_RECORDED)[0] == 0
    assert figure(area.police, m.SUSPECTS_IDENTIFIED) == (6, Shown.SHOWN)
    # Not charted, so published by year only: the months cannot cost the year its figure.
    assert figure(area.police, m.SUSPECTS_ARRESTED) == (4, Shown.SMALL)
    assert figure(None, m.SUSPECTS_ARRESTED) == (4, Shown.SMALL)
    assert not Figure.objects.filter(measure=m.SUSPECTS_ARRESTED, period_kind="month").exists()
    assert figure(area.police, m.SUSPECTS_CHARGED) == (2, Shown.SMALL)
    assert figure(council, m.SUSPECTS_IDENTIFIED)[0] == 0


def test_months_and_quarters_add_up(picture: Picture):
    refresh(full=True)
    council = picture.area.council
    assert figure(council, m.REFERRALS, PeriodKind.MONTH, date(2025, 5, 1))[0] == 6
    assert figure(council, m.REFERRALS, PeriodKind.MONTH, date(2025, 6, 1)) == (1, Shown.SMALL)
    assert figure(council, m.REFERRALS, PeriodKind.QUARTER, date(2025, 4, 1))[0] == 7
    # The quarter's total would give June's 1 away beside May's 6 and April's 0: May is
    # hidden too (the 0 would hide nothing).
    assert figure(council, m.REFERRALS, PeriodKind.MONTH, date(2025, 5, 1))[1] == Shown.HIDDEN
    # The next year's referral about Amelia is no re-referral: over 12 months later.
    assert figure(council, m.RE_REFERRALS, PeriodKind.YEAR, date(2026, 4, 1))[0] == 0
    assert figure(council, m.REFERRALS, PeriodKind.YEAR, date(2026, 4, 1)) == (1, Shown.SMALL)


def test_england_totals_with_a_small_area_hide_a_second_area(picture: Picture):
    """Exploitation: Testshire 1, everyone else 0, England 1. England's total is itself
    small; every cell that adds to it stays hidden."""
    refresh(full=True)
    assert figure(None, m.EXPLOITATION) == (1, Shown.SMALL)
    assert figure(picture.area.council, m.EXPLOITATION) == (1, Shown.SMALL)


def test_an_incremental_refresh_republishes_recent_years_only(picture: Picture):
    refresh(full=True)
    before = Figure.objects.filter(year=YEAR).count()
    result = refresh(today=date(2026, 11, 29))
    assert result.years == [2026]
    assert Figure.objects.filter(year=YEAR).count() == before
