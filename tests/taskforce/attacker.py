"""An attacker on published tables: from what a page shows ("fewer than 5", "not shown",
counts, or counts rounded to base 5) and the sums anyone can see hold between its cells (a
total and its parts, England and its areas, a year and its months, one view and another),
work out the least and greatest value every suppressed cell could take, by linear
programming over all the sums at once. A suppressed cell whose least and greatest whole
values agree has been given away.

The attacker is generous to itself: cells that add to a total but are never published
(what agencies that are not areas record) are taken as known, as the suppression assumes.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

FEWER_THAN_5 = "fewer than 5"
NOT_SHOWN = "not shown"


@dataclass
class Published:
    # Each cell: its lowest and highest possible value (None: no upper bound).
    bounds: dict[Hashable, tuple[float, float | None]] = field(default_factory=dict)
    suppressed: dict[Hashable, str] = field(default_factory=dict)
    sums: list[tuple[Hashable, list[Hashable]]] = field(default_factory=list)

    def shown(self, key: Hashable, text: str) -> None:
        """A cell as published: a count, "fewer than 5" or "not shown"."""
        if text == FEWER_THAN_5:
            self.bounds[key] = (1, 4)
            self.suppressed[key] = text
        elif text == NOT_SHOWN:
            self.bounds[key] = (0, None)
            self.suppressed[key] = text
        else:
            value = int(text.replace(",", ""))
            self.bounds[key] = (value, value)

    def rounded(self, key: Hashable, text: str) -> None:
        """A cell published rounded to the nearest 5: a count shown as 10 is 8 to 12 (and
        at least 5: 1 to 4 are "fewer than 5"); 0 is 0."""
        if text in {FEWER_THAN_5, NOT_SHOWN}:
            self.shown(key, text)
            return
        value = int(text.replace(",", ""))
        self.bounds[key] = (max(5, value - 2), value + 2) if value else (0, 0)

    def known(self, key: Hashable, value: int) -> None:
        """A cell never published, that the attacker is assumed to know (a count of 1 to 4
        is only known to be small)."""
        self.bounds[key] = (1, 4) if 0 < value < 5 else (value, value)

    def add_sum(self, total: Hashable, parts: list[Hashable]) -> None:
        self.sums.append((total, parts))


def given_away(published: Published) -> dict[Hashable, int]:
    """Every suppressed cell pinned to one whole value, with that value."""
    keys = list(published.bounds)
    index = {key: position for position, key in enumerate(keys)}
    for total, parts in published.sums:
        for key in (total, *parts):
            if key not in index:  # a cell missing from a view is a shown 0
                index[key] = len(keys)
                keys.append(key)
                published.bounds[key] = (0, 0)
    rows = []
    for total, parts in published.sums:
        row = np.zeros(len(keys))
        row[index[total]] += 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)
    a_eq = np.array(rows) if rows else None
    b_eq = np.zeros(len(rows)) if rows else None
    bounds = [published.bounds[key] for key in keys]
    pinned: dict[Hashable, int] = {}
    for key in published.suppressed:
        objective = np.zeros(len(keys))
        objective[index[key]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, f"the published figures contradict each other at {key}"
        if high.status == 3:  # unbounded above
            continue
        least, most = math.ceil(low.fun - 1e-6), math.floor(-high.fun + 1e-6)
        # A 0 worked out gives nothing away: a 0 is published as 0 (a "not shown" that
        # can only be 0 protects nothing, which shows up as another count given away).
        if least == most and least > 0:
            pinned[key] = least
    return pinned
