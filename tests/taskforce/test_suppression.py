"""Small-number suppression, primary and secondary, on tables whose sums are published."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguarding.govuk.statistics import Table, display, protect
from safeguarding.taskforce.models import Shown
from tests.taskforce.attacker import Published, given_away


def _table(parts: list[int]) -> tuple[Table, list[int], int]:
    table = Table()
    cells = [table.add(value) for value in parts]
    total = table.add(sum(parts))
    table.add_sum(total, cells)
    return table, cells, total


def _recoverable(table: Table, shown: list[str]) -> set[int]:
    """Hidden cells whose value an attacker can pin down from one published sum, trying
    every value the shown labels allow (1-4 for "fewer than 5", 0-60 for "not shown")."""
    pinned = set()
    for total, parts in table.sums:
        hidden = [c for c in parts if shown[c] != Shown.SHOWN]
        if not hidden or shown[total] != Shown.SHOWN:
            continue
        target = table.values[total] - sum(
            table.values[c] for c in parts if shown[c] == Shown.SHOWN
        )
        ranges = [range(1, 5) if shown[c] == Shown.SMALL else range(61) for c in hidden]
        solutions = [combo for combo in itertools.product(*ranges) if sum(combo) == target]
        for index, cell in enumerate(hidden):
            if shown[cell] == Shown.SMALL and len({combo[index] for combo in solutions}) == 1:
                pinned.add(cell)
    return pinned


def test_counts_from_1_to_4_are_fewer_than_5_and_0_is_shown():
    table = Table()
    cells = [table.add(value) for value in (0, 1, 4, 5, 120)]
    shown = protect(table)
    assert [display(table.values[c], shown[c]) for c in cells] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "120",
    ]


def test_a_lone_small_count_is_protected_by_hiding_the_next_smallest():
    table, cells, total = _table([3, 40, 12, 0])
    shown = protect(table)
    assert shown[cells[0]] == Shown.SMALL
    # 12 is the smallest other non-zero count: hiding the 0 would hide nothing.
    assert shown[cells[2]] == Shown.HIDDEN
    assert shown[cells[1]] == Shown.SHOWN
    assert shown[cells[3]] == Shown.SHOWN
    assert shown[total] == Shown.SHOWN
    assert display(table.values[cells[2]], shown[cells[2]]) == "not shown"


def test_two_small_counts_that_pin_each_other_get_a_third_hidden():
    # 1 + 1 = 2 can only be 1 and 1.
    table, cells, _ = _table([1, 1, 30, 50])
    shown = protect(table)
    assert shown[cells[2]] == Shown.HIDDEN
    assert shown[cells[3]] == Shown.SHOWN


def test_two_small_counts_that_do_not_pin_each_other_are_enough():
    table, cells, _ = _table([2, 3, 30, 50])
    shown = protect(table)
    assert [shown[c] for c in cells] == [Shown.SMALL, Shown.SMALL, Shown.SHOWN, Shown.SHOWN]


def test_a_small_total_hides_a_part_so_it_cannot_be_added_up():
    table, cells, total = _table([2, 0, 0])
    shown = protect(table)
    assert shown[total] == Shown.SMALL
    assert shown[cells[0]] == Shown.SMALL


def test_protection_carries_across_crossing_sums():
    """A grid: rows and columns both add up. Hiding a cell for one row must not expose it
    through its column."""
    grid = [[2, 10, 9], [8, 7, 20], [30, 6, 11]]
    table = Table()
    cell = [[table.add(v) for v in row] for row in grid]
    rows = [table.add(sum(row)) for row in grid]
    columns = [table.add(sum(grid[r][c] for r in range(3))) for c in range(3)]
    for r in range(3):
        table.add_sum(rows[r], cell[r])
    for c in range(3):
        table.add_sum(columns[c], [cell[r][c] for r in range(3)])
    shown = protect(table)
    assert _recoverable(table, shown) == set()
    for total, parts in table.sums:
        hidden = [x for x in (total, *parts) if shown[x] != Shown.SHOWN]
        assert len(hidden) != 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=25), min_size=1, max_size=6))
def test_no_small_count_can_be_recovered_from_a_published_total(parts):
    table, cells, _ = _table(parts)
    shown = protect(table)
    for cell, value in zip(cells, parts, strict=True):
        if 0 < value < 5:
            # "fewer than 5", or "not shown" where several would be pinned by their range.
            assert shown[cell] in {Shown.SMALL, Shown.HIDDEN}
    assert _recoverable(table, shown) == set()
    published = Published()
    for cell in (*cells, table.sums[0][0]):
        published.shown(cell, display(table.values[cell], shown[cell]))
    published.add_sum(table.sums[0][0], cells)
    assert given_away(published) == {}


def test_seven_small_counts_adding_up_to_seven_keep_their_total():
    """Each of seven "fewer than 5" that add up to 7 must be 1: one is shown as "not
    shown" instead (it could be 0), rather than hiding the total."""
    table, cells, total = _table([1] * 7 + [0] * 5)
    shown = protect(table)
    assert shown[total] == Shown.SHOWN
    assert sum(shown[c] == Shown.HIDDEN for c in cells[:7]) >= 1


def test_rounding_to_base_5_keeps_0_and_small_counts_apart():
    from safeguarding.govuk.statistics import display_rounded, round_to_base

    assert [round_to_base(n) for n in (0, 2, 3, 7, 8, 12, 13, 1002)] == [
        0,
        0,
        5,
        5,
        10,
        10,
        15,
        1000,
    ]
    assert [display_rounded(n, Shown.SHOWN) for n in (0, 5, 6, 7, 8, 1234)] == [
        "0",
        "5",
        "5",
        "5",
        "10",
        "1,235",
    ]
    assert display_rounded(3, Shown.SMALL) == "fewer than 5"
    assert display_rounded(12, Shown.HIDDEN) == "not shown"
