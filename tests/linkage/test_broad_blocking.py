"""Broad blocking rules (the date of birth alone, a name's sound alone) are used only
where the records can afford them, counted on the records themselves by Splink's
blocking analysis; and the prior's recall comes from the trained model. The real Splink
model and counts run (no database)."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Any

from safeguarding.linkage.engine import (
    BROAD_BLOCKING_RULES,
    BROAD_RULE_BUDGET,
    BROAD_RULE_FLOOR,
    Engine,
    RuleChoice,
    affordable_rules,
    describe_rule,
    prior_recall,
    scored_pairs,
)
from safeguarding.linkage.records import RawPerson, prepare
from safeguarding.linkage.synthetic import generate


def _name(rng: random.Random) -> str:
    """A made-up name, so that names seldom sound alike and only the date is broad."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def _born_in_one_year(count: int, *, seed: int, days: int = 365) -> list[dict[str, Any]]:
    """``count`` people born in the first ``days`` days of 2015, each birthday shared by
    about ``count`` / ``days``, every one of whom the date of birth alone would compare
    with every other: about ``count`` / (2 x ``days``) pairs a record."""
    rng = random.Random(seed)
    return [
        prepare(
            RawPerson(
                unique_id=f"p{number}",
                given_name=_name(rng),
                family_name=_name(rng),
                date_of_birth=date(2015, 1, 1) + timedelta(days=rng.randrange(days)),
            )
        )
        for number in range(count)
    ]


def _choices(records: list[dict[str, Any]], *, floor: int | None = None) -> dict[str, RuleChoice]:
    with Engine.open("duckdb") as engine:
        table = engine.register(records)
        return {
            choice.rule: choice
            for _group, choice in affordable_rules(table, len(records), floor=floor)
        }


def test_the_date_of_birth_alone_is_admitted_for_a_small_agency_and_refused_for_many() -> None:
    small = _choices(_born_in_one_year(2_000, seed=1))
    large = _choices(_born_in_one_year(30_000, seed=1))
    assert list(small) == list(large) == [describe_rule(group) for group in BROAD_BLOCKING_RULES]
    # 2,000 people over 365 days: about 3 pairs a record. 30,000: about 41, over budget
    # (1.2 million pairs, more than the floor too).
    assert small["dob"].admitted
    assert not large["dob"].admitted
    assert large["dob"].pairs > BROAD_RULE_FLOOR
    # A rule that does not fit does not stop the next: made-up names seldom sound alike.
    assert large["family_metaphone"].admitted


def test_the_floor_admits_for_a_small_agency_what_the_budget_a_record_refuses() -> None:
    """2,000 people born over 20 days: the date alone makes about 50 pairs a record, over
    the 30 a record, but 100,000 pairs in all, which any run can afford."""
    records = _born_in_one_year(2_000, seed=3, days=20)
    by_the_record = _choices(records, floor=0)
    with_the_floor = _choices(records)
    dob = with_the_floor["dob"]
    assert dob.pairs == by_the_record["dob"].pairs
    assert BROAD_RULE_BUDGET * len(records) < dob.pairs <= BROAD_RULE_FLOOR
    assert not by_the_record["dob"].admitted
    assert dob.admitted
    # At national scale the budget a record is the larger: the floor changes nothing.
    assert BROAD_RULE_FLOOR < BROAD_RULE_BUDGET * 20_000


def test_counts_are_the_pairs_the_rules_make_together() -> None:
    records = _born_in_one_year(3_000, seed=2)
    with Engine.open("duckdb") as engine:
        table = engine.register(records)
        choices = [choice for _group, choice in affordable_rules(table, len(records))]
    by_day: dict[str, int] = {}
    for record in records:
        by_day[record["dob"]] = by_day.get(record["dob"], 0) + 1
    assert choices[0].rule == "dob"
    assert choices[0].pairs == sum(n * (n - 1) // 2 for n in by_day.values())
    assert choices[0].pairs_per_record <= BROAD_RULE_BUDGET
    # Cumulative: each admitted rule's count includes the pairs of those before it.
    admitted = [choice.pairs for choice in choices if choice.admitted]
    assert admitted == sorted(admitted)


def test_an_admitted_broad_rule_compares_a_pair_no_other_rule_reaches() -> None:
    """Both names changed, the date of birth kept: only the date alone compares them."""
    records, _ = generate(1500, seed=31)
    born = date(2013, 2, 9)
    first = prepare(
        RawPerson(unique_id="first", given_name="Ngozi", family_name="Adeyemi", date_of_birth=born)
    )
    second = prepare(
        RawPerson(
            unique_id="second", given_name="Zofia", family_name="Kowalczyk", date_of_birth=born
        )
    )
    with Engine.open("duckdb") as engine:
        table = engine.register([*records, first, second])
        model = engine.train(table)
        choices = engine.rule_choices[table.templated_name]
        linker, predictions = engine.predict(table, model, threshold=0.0)
        pairs = scored_pairs(linker, predictions)
    assert any(choice.rule == "dob" and choice.admitted for choice in choices)
    (pair,) = [pair for pair in pairs if {pair.left_id, pair.right_id} == {"first", "second"}]
    # Compared, and not a match on a shared date alone.
    assert pair.match_probability < 0.5


def test_the_prior_rules_recall_comes_from_the_model() -> None:
    def comparison(column: str, exact_m: float) -> dict[str, Any]:
        return {
            "output_column_name": column,
            "comparison_levels": [
                {"is_null_level": True},
                {"m_probability": exact_m},
                {"m_probability": 1 - exact_m},
            ],
        }

    model = {
        "comparisons": [
            comparison("given_name", 0.8),
            comparison("family_name", 0.5),
            comparison("dob", 0.9),
            comparison("nhs_number", 0.95),
        ]
    }
    everyone = {"given_name": 1.0, "family_name": 1.0, "dob": 1.0, "nhs_number": 0.5}
    names = prior_recall(model, [("given_name", "family_name", "dob")], everyone)
    assert names is not None
    assert abs(names - 0.8 * 0.5 * 0.9) < 1e-9
    # Either rule: found unless both miss; half the records hold an NHS number.
    both = prior_recall(model, [("nhs_number",), ("given_name", "family_name", "dob")], everyone)
    assert both is not None
    assert abs(both - (1 - (1 - 0.95 * 0.25) * (1 - 0.36))) < 1e-9
    # A rule on a column with no exact level keeps the assumed recall.
    assert prior_recall(model, [("given_name", "family_name", "postcode")], everyone) is None
