"""The working-day calendar of England: no Saturdays, Sundays or England and Wales bank
holidays (Christmas Day, Good Friday and substitute days included), from the `holidays`
package rather than a hand-kept list."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, count: int) -> date:
    """The ``count``th working day after ``start``; ``start`` itself is day 0, whatever it
    is. With ``count`` 0, the same day if a working day, else the next working day."""
    day = start
    if count == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_months(start: date, count: int) -> date:
    """Calendar months, clamped to the month's end: 30 November + 3 months is 28 February
    (29 in a leap year)."""
    result: date = start + relativedelta(months=count)
    return result


def add_weeks(start: date, count: int) -> date:
    return start + timedelta(weeks=count)


def add_days(start: date, count: int) -> date:
    return start + timedelta(days=count)


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
