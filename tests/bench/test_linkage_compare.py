"""The linkage comparison resolves the same records four ways and scores each against the
truth. The figures are checked for what each method must do, never for time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench import linkage_compare
from safeguarding.linkage.synthetic import generate

RECORDS = 2000
SEED = 11


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return linkage_compare.run(RECORDS, seed=SEED)


def by_method(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {
        str(row["method"]): {key: float(value) for key, value in row.items() if key != "method"}
        for row in rows
    }


def test_every_method_is_scored_on_the_same_records(rows: list[dict[str, Any]]) -> None:
    assert [row["method"] for row in rows] == [name for name, _ in linkage_compare.METHODS]
    assert len({row["true_pairs"] for row in rows}) == 1
    for row in by_method(rows).values():
        assert row["true_pairs"] > 0
        assert row["predicted_pairs"] >= 0
        assert row["seconds"] >= 0
        for measure in ("precision", "recall", "f1"):
            assert 0.0 <= row[measure] <= 1.0


def test_every_method_finds_true_pairs_and_resolving_finds_more_than_exact_matching(
    rows: list[dict[str, Any]],
) -> None:
    methods = by_method(rows)
    exact = methods.pop("exact name and DOB")
    assert exact["recall"] > 0
    for name, row in methods.items():
        # Typos, nicknames and swapped dates defeat exact matching; a model that only
        # found what exact matching finds would be no better than it.
        assert row["recall"] > exact["recall"], name
        assert row["f1"] > exact["f1"], name
        # Exact agreement on name and date of birth is the surest evidence there is.
        assert exact["precision"] >= row["precision"], name


def test_exact_matching_groups_records_by_name_and_date_of_birth() -> None:
    records, _truth = generate(300, seed=SEED)
    clusters = linkage_compare.exact_name_and_dob(records)

    assert set(clusters) == {record["unique_id"] for record in records}
    undated = [record["unique_id"] for record in records if record["dob"] is None]
    assert undated
    sizes = Counter(clusters.values())
    assert all(sizes[clusters[unique_id]] == 1 for unique_id in undated)
    keys = Counter(
        (record["given_name"], record["family_name"], record["dob"])
        for record in records
        if record["dob"] is not None
    )
    assert sorted(sizes.values()) == sorted([1] * len(undated) + list(keys.values()))


def test_connected_components_joins_chains_of_pairs() -> None:
    clusters = linkage_compare.connected_components(
        ["a", "b", "c", "d", "e"], [("c", "b"), ("b", "a"), ("d", "e")]
    )

    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d"}


def test_the_table_has_a_row_per_method(rows: list[dict[str, Any]]) -> None:
    lines = linkage_compare.table(rows).splitlines()

    assert lines[0] == "| Method | Seconds | Predicted pairs | Precision | Recall | F1 |"
    assert [line.split(" | ")[0] for line in lines[2:]] == [
        f"| {name}" for name, _ in linkage_compare.METHODS
    ]


def test_the_benchmark_command_runs_the_comparison_only_when_named(tmp_path: Path) -> None:
    from bench.__main__ import BENCHMARKS, OPT_IN, Options, run_benchmarks

    assert "linkage_compare" in OPT_IN
    assert "linkage_compare" not in BENCHMARKS
    options = Options(
        scale=1000 / linkage_compare.FULL_SCALE_RECORDS,
        out=tmp_path,
        requests=1,
        concurrency=1,
        servers=1,
        users=1,
        api_seconds=1,
        progress=False,
    )

    [outcome] = run_benchmarks(["linkage_compare"], options)

    assert not outcome.failed, outcome.note
    assert outcome.figures["records"] == 1000
    for name, _ in linkage_compare.METHODS:
        key = name.lower().replace(" ", "_")
        assert 0.0 < outcome.figures[f"{key}_recall"] <= 1.0
        assert 0.0 <= outcome.figures[f"{key}_precision"] <= 1.0
