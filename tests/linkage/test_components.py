"""Disjoint sets: the groups that pairs of matches make."""

from __future__ import annotations

from safeguarding.linkage.components import DisjointSets


def test_pairs_join_groups_transitively_and_leave_others_apart() -> None:
    groups = DisjointSets()
    for a, b in (("a", "b"), ("c", "d"), ("b", "c"), ("x", "y")):
        groups.union(a, b)
    assert len({groups.find(node) for node in "abcd"}) == 1
    assert groups.find("x") == groups.find("y") != groups.find("a")
    assert groups.find("lonely") == "lonely"


def test_joining_twice_or_to_itself_changes_nothing() -> None:
    groups = DisjointSets()
    groups.union("a", "a")
    groups.union("a", "b")
    groups.union("b", "a")
    assert groups.find("a") == groups.find("b")
    assert groups.find("c") != groups.find("a")
