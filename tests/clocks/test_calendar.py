"""Clock rules against dates worked out by hand on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.clocks.calendar import add_months, add_working_days, is_working_day
from safeguarding.clocks.rules import DEFAULT_LIMITS, ClockType


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        (date(2025, 12, 23), 1, date(2025, 12, 24), "an ordinary Tuesday"),
        (date(2025, 12, 24), 1, date(2025, 12, 29), "Christmas Day, Boxing Day, the weekend"),
        (date(2026, 12, 24), 1, date(2026, 12, 29), "Boxing Day 2026 is observed on Monday 28th"),
        (date(2025, 12, 31), 1, date(2026, 1, 2), "New Year's Day"),
        (date(2026, 4, 2), 1, date(2026, 4, 7), "Good Friday and Easter Monday"),
        (date(2026, 5, 1), 1, date(2026, 5, 5), "Early May bank holiday"),
        (date(2026, 5, 22), 1, date(2026, 5, 26), "Spring bank holiday"),
        (date(2026, 11, 28), 1, date(2026, 11, 30), "a Saturday start is still day 0"),
        (date(2026, 12, 14), 15, date(2027, 1, 7), "ICPC over Christmas and New Year"),
        (date(2026, 3, 2), 45, date(2026, 5, 7), "assessment across Easter and early May"),
    ],
)
def test_working_days(start, days, due, why):
    assert add_working_days(start, days) == due, why


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 2, 28), 3, date(2026, 5, 28)),
    ],
)
def test_calendar_months_clamp_to_month_end(start, months, due):
    assert add_months(start, months) == due


def test_christmas_and_good_friday_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert is_working_day(date(2026, 11, 30))


def test_every_clock_has_a_default_limit():
    assert set(DEFAULT_LIMITS) == set(ClockType.values)


def test_defaults_follow_the_statutory_guidance():
    assert DEFAULT_LIMITS[ClockType.INITIAL_CONFERENCE].due(date(2026, 12, 14)) == date(2027, 1, 7)
    assert DEFAULT_LIMITS[ClockType.FIRST_REVIEW_CONFERENCE].due(date(2026, 11, 30)) == date(
        2027, 2, 28
    )
    assert DEFAULT_LIMITS[ClockType.FIRST_LAC_VISIT].due(date(2026, 12, 1)) == date(2026, 12, 8)
    assert DEFAULT_LIMITS[ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT].due(date(2026, 12, 24)) == date(
        2026, 12, 31
    )
