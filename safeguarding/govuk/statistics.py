"""How published counts are shown to roles that see aggregates only, and the disclosure
control that keeps a suppressed count from being worked out.

A count from 1 to 4 could identify a child, so it is shown as "fewer than 5" (primary
suppression). A published total would then give it away whenever every other part of the
total is shown, so more counts are hidden (secondary suppression) until, in every sum
published (a total and the parts that add up to it), either nothing is hidden or at least
two counts are, and the hidden ones cannot be pinned down by their range: two hidden counts
of "fewer than 5" that add up to 2 must both be 1. This follows the Government Statistical
Service's guidance on statistical disclosure control for tables.

Cells that are never published, but that add to a published total (clocks held by agencies
that are not areas, for example), take part too: one of 1 to 4 is protected like a
published small count; a larger one is assumed known.

Every page that publishes counts with their totals or parts builds a Table of them and
shows what protect() allows; a count shown alone, with nothing that adds up to it, may use
suppress().

Pages that publish the same count (the national dashboard and the helpline statistics both
give an area's helpline reports for a year; the dashboard and the therapy waits both give
an authority's referrals) build one Table together, with add_series() for the dashboard's
part, so that one pass decides what each shows: a count is shown, or hidden, alike
wherever it appears, and no page's figures undo what another hides.

Some readers know part of a table exactly: an inspector holds the data pack of the
authority inspected, every child of it. protect() takes such groups of cells
(``known_groups``) and checks the table again with each group known, hiding more until
nothing else is given away by it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

# Counts this small could identify a child, so they are shown as "fewer than 5".
SUPPRESSION_THRESHOLD = 5
SHOWN = "shown"
# Random directions tried before searching each suppressed cell's range on its own.
PROBES = 6
SMALL = "small"
HIDDEN = "hidden"


def suppress(count: int) -> str:
    return "fewer than 5" if 0 < count < SUPPRESSION_THRESHOLD else f"{count:,}"


@dataclass
class Table:
    values: list[int] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    # (total, parts): the total is the sum of the parts.
    sums: list[tuple[int, list[int]]] = field(default_factory=list)

    def add(self, value: int, *, published: bool = True) -> int:
        self.values.append(value)
        self.published.append(published)
        return len(self.values) - 1

    def add_sum(self, total: int, parts: list[int]) -> None:
        if parts:
            self.sums.append((total, parts))


def is_small(value: int) -> bool:
    return 0 < value < SUPPRESSION_THRESHOLD


def protect(table: Table, known_groups: Sequence[Iterable[int]] = ()) -> list[str]:
    """What to show of each cell: SHOWN, SMALL or HIDDEN. Unpublished cells come back as
    SHOWN or SMALL and are never displayed.

    First each sum is made safe on its own (quick, and enough for most tables); then the
    whole table is audited as an attacker would solve it, every sum at once
    (``pinned_cells``), and for each count still given away one more count is hidden, until
    none is. Then again with each of ``known_groups`` known to the attacker (the cells one
    reader knows exactly), until no group gives away a count outside it."""
    values = table.values
    shown: list[str] = [SMALL if is_small(value) else SHOWN for value in values]
    hidden = [is_small(value) for value in values]
    if not any(hidden) or not table.sums:
        return shown
    sums_of: list[list[int]] = [[] for _ in values]
    for index, (total, parts) in enumerate(table.sums):
        for cell in (total, *parts):
            sums_of[cell].append(index)
    _make_each_sum_safe(table, shown, hidden, sums_of, range(len(table.sums)))
    groups = [frozenset(group) for group in known_groups]
    _audit(table, shown, hidden, sums_of, frozenset())
    # A group's knowledge can expose a count only through a sum that holds both a count
    # the group hides and one it does not. Hiding more only widens what the others could
    # be, but a count hidden for one group can be known to another: after any group hides
    # more, the groups are checked again until none does.
    while any(_audit(table, shown, hidden, sums_of, group) for group in groups):
        pass
    return shown


def _audit(
    table: Table,
    shown: list[str],
    hidden: list[bool],
    sums_of: list[list[int]],
    known: frozenset[int],
) -> bool:
    """Hide more until no count outside ``known`` is pinned with ``known`` known. Whether
    anything more was hidden."""
    if known and not _group_matters(table, shown, sums_of, known):
        return False
    more = False
    while pinned := pinned_cells(table, shown, _with_totals_of(table, shown, known)):
        changed = []
        for cell in pinned:
            chosen = _complement_across(table, shown, sums_of, cell, known)
            if chosen is not None and shown[chosen] != HIDDEN:
                hidden[chosen] = True
                shown[chosen] = HIDDEN
                changed.append(chosen)
        if not changed:
            break
        more = True
        _make_each_sum_safe(
            table, shown, hidden, sums_of, {i for cell in changed for i in sums_of[cell]}
        )
    return more


def _with_totals_of(table: Table, shown: list[str], known: frozenset[int]) -> frozenset[int]:
    """``known`` and every total that adds up only counts known or shown (England's count
    in a month when only the inspected authority's is not shown), and the totals of those
    in turn: working them out tells the reader nothing of anyone they do not know already,
    and hiding more could not stop it."""
    if not known:
        return known
    result = set(known)

    def clear(cell: int) -> bool:
        if cell in result:
            return True
        if table.published[cell]:
            return shown[cell] == SHOWN
        return not is_small(table.values[cell])

    grown = True
    while grown:
        grown = False
        for total, parts in table.sums:
            if total not in result and all(clear(part) for part in parts):
                result.add(total)
                grown = True
    return frozenset(result)


def _group_matters(
    table: Table, shown: list[str], sums_of: list[list[int]], known: frozenset[int]
) -> bool:
    """Whether some sum holds a count of ``known`` not shown and another count not shown
    outside it: otherwise knowing the group tells nothing of what else is hidden."""
    for cell in known:
        if shown[cell] == SHOWN:
            continue
        for index in sums_of[cell]:
            total, parts = table.sums[index]
            if any(
                other not in known and table.published[other] and shown[other] != SHOWN
                for other in (total, *parts)
            ):
                return True
    return False


def _make_each_sum_safe(
    table: Table,
    shown: list[str],
    hidden: list[bool],
    sums_of: list[list[int]],
    to_check: Iterable[int],
) -> None:
    # Check the sums given, then again only the sums that hold a newly hidden cell.
    pending = sorted(to_check, reverse=True)
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        total, parts = table.sums[index]
        hidden_cells = [cell for cell in (total, *parts) if hidden[cell]]
        if not hidden_cells or not _exposed(table, shown, hidden_cells, total):
            continue
        chosen = _complement(table, shown, hidden, total, parts)
        if chosen is None:
            continue
        hidden[chosen] = True
        shown[chosen] = HIDDEN
        for other in (index, *sums_of[chosen]):
            if other not in queued:
                queued.add(other)
                pending.append(other)


def _complement_across(
    table: Table,
    shown: list[str],
    sums_of: list[list[int]],
    cell: int,
    known: frozenset[int] = frozenset(),
) -> int | None:
    """For a count the whole table still gives away, the cell to hide as well, from the
    sums that hold it: the smallest non-zero count shown, else a 0 shown (once hidden, it
    could be more), else a "fewer than 5" (once "not shown", it could be 0: several of
    them with a small total are otherwise each pinned to 1)."""
    values = table.values
    candidates = {
        other
        for index in sums_of[cell]
        for other in (table.sums[index][0], *table.sums[index][1])
        if table.published[other]
        and shown[other] != HIDDEN
        and other not in known
        and (values[other] != 0 or _could_be_more(table, shown, sums_of, other))
    }
    # A part before a total: hiding England's count, or a year's, costs every reader most.
    totals = {table.sums[index][0] for index in sums_of[cell]}
    ranked = sorted(
        candidates,
        key=lambda c: (c in totals, shown[c] == SMALL, values[c] == 0, values[c], c),
    )
    return ranked[0] if ranked else None


def _could_be_more(table: Table, shown: list[str], sums_of: list[list[int]], cell: int) -> bool:
    """Whether a 0, once hidden, could be read as more: not if a sum holding it has every
    other count shown (an area's month of 0 in a quarter of 0)."""
    for index in sums_of[cell]:
        total, parts = table.sums[index]
        if all(
            other == cell or (table.published[other] and shown[other] == SHOWN)
            for other in (total, *parts)
        ):
            return False
    return True


def pinned_cells(table: Table, shown: list[str], known: frozenset[int] = frozenset()) -> list[int]:
    """The published cells not shown whose value every sum together pins to one whole
    number: for each, the least and greatest value it could take are found by linear
    programming, given the counts shown, 1 to 4 for "fewer than 5", 0 or more for "not
    shown", unpublished cells as known (1 to 4 when small) and the cells of ``known`` as
    known exactly. Only the cells not known are variables, so a table of large counts is
    quick."""
    values = table.values
    lowest: dict[int, float] = {}
    highest: dict[int, float | None] = {}
    for cell, value in enumerate(values):
        if cell in known:
            continue
        if table.published[cell] and shown[cell] == HIDDEN:
            lowest[cell], highest[cell] = 0, None
        elif shown[cell] == SMALL or (not table.published[cell] and is_small(value)):
            lowest[cell], highest[cell] = 1, SUPPRESSION_THRESHOLD - 1
    variables = list(lowest)
    targets = [c for c in variables if table.published[c]]
    if not targets:
        return []
    # Imported here: only tables with suppressed counts need the solver.
    import numpy as np
    from scipy.optimize import linprog

    position = {cell: index for index, cell in enumerate(variables)}
    rows, constants = [], []
    for total, parts in table.sums:
        row = np.zeros(len(variables))
        constant = 0.0
        for cell, sign in ((total, 1), *((part, -1) for part in parts)):
            if cell in position:
                row[position[cell]] += sign
            else:
                constant -= sign * values[cell]
        if row.any():
            rows.append(row)
            constants.append(constant)
    if not rows:
        return []
    a_eq, b_eq = np.array(rows), np.array(constants)
    bounds = [(lowest[c], highest[c]) for c in variables]
    # A few solutions in random directions first: a cell seen at two values with a whole
    # number between them is not pinned, and needs no search of its own.
    seen_low = np.full(len(variables), np.inf)
    seen_high = np.full(len(variables), -np.inf)
    directions = np.random.default_rng(len(variables)).standard_normal((PROBES, len(variables)))
    for direction in (*directions, *-directions):
        solution = linprog(direction, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if solution.status == 0:
            seen_low = np.minimum(seen_low, solution.x)
            seen_high = np.maximum(seen_high, solution.x)
    pinned = []
    for cell in targets:
        index = position[cell]
        low, high = seen_low[index], seen_high[index]
        if (
            np.isfinite(low)
            and np.isfinite(high)
            and math.ceil(low - 1e-6) < math.floor(high + 1e-6)
        ):
            continue
        objective = np.zeros(len(variables))
        objective[index] = 1
        least = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        most = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if least.status != 0 or most.status != 0:
            continue  # unbounded above: not pinned
        # A count that can only be 0 gives nothing away: 0 is published as 0.
        if math.ceil(least.fun - 1e-6) == math.floor(-most.fun + 1e-6) > 0:
            pinned.append(cell)
    return pinned


def _exposed(table: Table, shown: list[str], hidden_cells: list[int], total: int) -> bool:
    """Whether the published sum gives a hidden count away: it is the only one hidden, or a
    "fewer than 5" among them is pinned to one value by the known sum of those hidden
    (two of them adding up to 2 must both be 1; a "fewer than 5" hidden beside 0 is its
    sum)."""
    if len(hidden_cells) == 1:
        return True
    if total in hidden_cells:
        return False
    hidden_sum = sum(table.values[cell] for cell in hidden_cells)
    top = SUPPRESSION_THRESHOLD - 1
    small = [cell for cell in hidden_cells if shown[cell] == SMALL]
    if not small:
        return False
    # For any one "fewer than 5": every other hidden count is at least 1 if "fewer than
    # 5" (else 0), and at most 4 if all of them are (else unbounded). The same bounds hold
    # for each, so one check does.
    others = len(hidden_cells) - 1
    highest = min(top, hidden_sum - (len(small) - 1))
    lowest = max(1, hidden_sum - top * others) if len(small) == len(hidden_cells) else 1
    return highest <= lowest


def _complement(
    table: Table, shown: list[str], hidden: list[bool], total: int, parts: list[int]
) -> int | None:
    """The cell to hide as well: the smallest non-zero part still shown (a hidden 0 hides
    nothing); else a "fewer than 5" part, shown as "not shown" instead (so it could be 0:
    seven of them adding up to 7 would otherwise each be 1), which keeps the total; else
    the total; else a part of 0."""
    values = table.values
    candidates = [c for c in parts if table.published[c] and not hidden[c]]
    nonzero = [c for c in candidates if values[c] > 0]
    if nonzero:
        return min(nonzero, key=lambda c: (values[c], c))
    small = [c for c in parts if table.published[c] and shown[c] == SMALL]
    if len(small) > 1:
        return min(small, key=lambda c: (values[c], c))
    if table.published[total] and not hidden[total] and values[total] > 0:
        return total
    if candidates:
        return min(candidates)
    return None


def display(value: int, shown: str) -> str:
    """A count as the dashboard shows it."""
    if shown == SMALL:
        return "fewer than 5"
    if shown == HIDDEN:
        return "not shown"
    return f"{value:,}"


# A count by area and period, as the national dashboard publishes it ----------------------

YEAR, QUARTER, MONTH = "year", "quarter", "month"
# A series (an area, England, or what is counted elsewhere), a period kind and its start.
SeriesCell = tuple[Hashable, str, date]


def add_series(
    table: Table,
    series: dict[Hashable, tuple[dict[date, int], bool]],
    total: Hashable,
    months: list[date],
    *,
    by_period: bool,
    year_cells: dict[Hashable, int] | None = None,
) -> dict[SeriesCell, int]:
    """Add a count published by area and period to ``table``: each series' monthly values
    (and whether it is published) over the twelve ``months`` of a financial year, its year,
    and, when ``by_period``, its quarters and months, with the sums that hold between them:
    a year is its quarters, a quarter its months, and the series ``total`` is all the
    others at every period. A series whose year is already a cell of ``table`` (another
    page shows the same count) names it in ``year_cells``, so both show it alike. Returns
    the cells by (series, period kind, period start)."""
    quarters = months[::3]
    cell: dict[SeriesCell, int] = {}
    for key, (values, published) in series.items():
        year_value = sum(values.get(month, 0) for month in months)
        if year_cells is not None and key in year_cells:
            cell[(key, YEAR, months[0])] = year_cells[key]
        else:
            cell[(key, YEAR, months[0])] = table.add(year_value, published=published)
        if not by_period:
            continue
        for month in months:
            cell[(key, MONTH, month)] = table.add(values.get(month, 0), published=published)
        for number, quarter in enumerate(quarters):
            in_quarter = months[number * 3 : number * 3 + 3]
            cell[(key, QUARTER, quarter)] = table.add(
                sum(values.get(month, 0) for month in in_quarter), published=published
            )
            if published:
                table.add_sum(
                    cell[(key, QUARTER, quarter)], [cell[(key, MONTH, m)] for m in in_quarter]
                )
        if published:
            table.add_sum(cell[(key, YEAR, months[0])], [cell[(key, QUARTER, q)] for q in quarters])
    periods: list[tuple[str, date]] = [(YEAR, months[0])]
    if by_period:
        periods += [(MONTH, month) for month in months] + [(QUARTER, q) for q in quarters]
    for kind, start in periods:
        table.add_sum(
            cell[(total, kind, start)],
            [cell[(key, kind, start)] for key in series if key != total],
        )
    return cell


def group_by_series(cells: dict[SeriesCell, int], keys: Iterable[Hashable]) -> list[list[int]]:
    """The cells of each series of ``keys``: what one reader who knows that series (an
    inspector, of the authority inspected) holds."""
    wanted = set(keys)
    groups: dict[Hashable, list[int]] = {}
    for (key, _, _), index in cells.items():
        if key in wanted:
            groups.setdefault(key, []).append(index)
    return list(groups.values())


# Rounding -------------------------------------------------------------------------------

ROUNDING_BASE = 5


def round_to_base(count: int, base: int = ROUNDING_BASE) -> int:
    """``count`` rounded to the nearest multiple of ``base``, halves up (12 is 10, 13 is
    15)."""
    return ((count + base // 2) // base) * base


def display_rounded(value: int, shown: str) -> str:
    """A count as a page that rounds shows it: 0 as 0, 1 to 4 as "fewer than 5", a count
    hidden as "not shown", and any other rounded to the nearest 5 (never below 5), as the
    Government Statistical Service's guidance offers for figures published again and again
    from records that change: the difference between two days' figures no longer tells
    how many children one change was about."""
    if shown != SHOWN or value == 0:
        return display(value, shown)
    return f"{max(ROUNDING_BASE, round_to_base(value)):,}"
