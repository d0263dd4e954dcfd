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

from dataclasses import dataclass, field

# Counts this small could identify a child, so they are shown as "fewer than 5".
SUPPRESSION_THRESHOLD = 5
SHOWN = "shown"
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
    """What to show of each cell: SHOWN, SMALL or HIDDEN. Unpublished
    cells come back as SHOWN or SMALL and are never displayed."""
    values = table.values
    shown: list[str] = [SMALL if is_small(value) else SHOWN for value in values]
    hidden = [is_small(value) for value in values]
    # Check every sum once, then again only the sums that hold a newly hidden cell.
    sums_of: list[list[int]] = [[] for _ in values]
    for index, (total, parts) in enumerate(table.sums):
        for cell in (total, *parts):
            sums_of[cell].append(index)
    pending = list(range(len(table.sums) - 1, -1, -1)) if any(hidden) and table.sums else []
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        total, parts = table.sums[index]
        hidden_cells = [cell for cell in (total, *parts) if hidden[cell]]
        if not hidden_cells or not _exposed(table, shown, hidden_cells, total):
            continue
        chosen = _complement(table, hidden, total, parts)
        if chosen is None:
            continue
        hidden[chosen] = True
        shown[chosen] = HIDDEN
        for other in (index, *sums_of[chosen]):
            if other not in queued:
                queued.add(other)
                pending.append(other)
    return shown


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


def _complement(table: Table, hidden: list[bool], total: int, parts: list[int]) -> int | None:
    """The cell to hide as well: the smallest non-zero part still shown (a hidden 0 hides
    nothing), else a part of 0, else the total."""
    values = table.values
    candidates = [c for c in parts if table.published[c] and not hidden[c]]
    nonzero = [c for c in candidates if values[c] > 0]
    if nonzero:
        return min(nonzero, key=lambda c: (values[c], c))
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
