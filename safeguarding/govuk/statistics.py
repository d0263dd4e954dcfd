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
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

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


def protect(table: Table) -> list[str]:
    """What to show of each cell: SHOWN, SMALL or HIDDEN. Unpublished cells come back as
    SHOWN or SMALL and are never displayed.

    First each sum is made safe on its own (quick, and enough for most tables); then the
    whole table is audited as an attacker would solve it, every sum at once
    (``pinned_cells``), and for each count still given away one more count is hidden, until
    none is."""
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
    while pinned := pinned_cells(table, shown):
        changed = []
        for cell in pinned:
            chosen = _complement_across(table, shown, sums_of, cell)
            if chosen is not None and shown[chosen] != HIDDEN:
                hidden[chosen] = True
                shown[chosen] = HIDDEN
                changed.append(chosen)
        if not changed:
            break
        _make_each_sum_safe(
            table, shown, hidden, sums_of, {i for cell in changed for i in sums_of[cell]}
        )
    return shown


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
    table: Table, shown: list[str], sums_of: list[list[int]], cell: int
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
        if table.published[other] and shown[other] != HIDDEN
    }
    ranked = sorted(
        candidates,
        key=lambda c: (shown[c] == SMALL, values[c] == 0, values[c], c),
    )
    return ranked[0] if ranked else None


def pinned_cells(table: Table, shown: list[str]) -> list[int]:
    """The published cells not shown whose value every sum together pins to one whole
    number: for each, the least and greatest value it could take are found by linear
    programming, given the counts shown, 1 to 4 for "fewer than 5", 0 or more for "not
    shown", and unpublished cells as known (1 to 4 when small). Only the cells not known
    are variables, so a table of large counts is quick."""
    values = table.values
    lowest: dict[int, float] = {}
    highest: dict[int, float | None] = {}
    for cell, value in enumerate(values):
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
        if math.ceil(least.fun - 1e-6) == math.floor(-most.fun + 1e-6):
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
