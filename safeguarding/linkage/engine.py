"""The linkage engine: one Splink model of a person, run on DuckDB (embedded, the default)
or Spark (national scale) with the same settings. Callers hand in prepared records
(``safeguarding.linkage.records``) and get back scored pairs and clusters; nothing outside
this module imports Splink, DuckDB or pyspark.

The model (Fellegi-Sunter): each comparison below sorts a pair of records into a level
(exact, nickname, phonetic, swapped date...). Each level has m, the chance of that level
among true matches, and u, its chance among non-matches; a pair's match weight is the sum
of log2(m/u) over the comparisons plus the prior. u is estimated from random pairs, m by
expectation maximisation over pairs blocked on other fields; nothing is set by hand.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")

# The columns of a prepared record, in order, with what each holds.
RECORD_COLUMNS: dict[str, str] = {
    "unique_id": "the record's id (a person id)",
    "given_name": "first given name, folded to lower-case ASCII",
    "given_forms": "the given name and aliases with the formal names they may be short for",
    "given_metaphone": "metaphone of the first given name",
    "family_name": "family name, folded, spaces removed",
    "family_metaphone": "metaphone of the family name",
    "family_soundex": "soundex of the family name",
    "dob": "date of birth, ISO 8601",
    "dob_swapped": "date of birth with day and month exchanged, when that is a valid date",
    "birth_year": "year of birth",
    "dob_estimated": "whether the date of birth is an estimate from an approximate age",
    "sex": "f or m; unknown is null",
    "postcode": "the most recent postcode (UK form; another country's without spaces)",
    "postcodes": "every postcode recorded",
    "districts": "the postcode districts of every UK postcode",
    "house_number": "the house number of the most recent address",
    "street": "the street of the most recent address, abbreviations written out",
    "street_metaphone": "metaphone of that street, spaces removed",
    "address_keys": "house number and street of every address",
    "town": "the town of the most recent address, folded",
    "towns": "the town of every address",
    "phone": "the most recent phone number, E.164",
    "phones": "every phone number, E.164",
    "nhs_number": "NHS number",
    "upn": "unique pupil number",
}

# Candidate pairs come from the union of these rules; each catches matches that another
# misses (a typo in the family name, a swapped date, a nickname, a missing date of birth).
BLOCKING_RULES: tuple[tuple[str, ...] | str, ...] = (
    ("nhs_number",),
    ("upn",),
    ("given_name", "family_name"),
    # Given and family name written the wrong way round.
    "l.given_name = r.family_name and l.family_name = r.given_name",
    "l.given_metaphone = r.family_metaphone and l.family_metaphone = r.given_metaphone",
    ("given_name", "family_metaphone"),
    ("given_metaphone", "family_name"),
    ("family_name", "birth_year"),
    ("given_name", "birth_year"),
    ("dob", "family_soundex"),
    ("dob", "given_metaphone"),
    ("family_metaphone", "given_metaphone", "birth_year"),
    # Pairs are taken with the left id below the right: a one-sided rule needs both ways.
    "l.dob = r.dob_swapped and l.family_soundex = r.family_soundex",
    "l.dob_swapped = r.dob and l.family_soundex = r.family_soundex",
    # One name written in the other's place, with a typo in the other.
    "l.dob = r.dob and l.given_metaphone = r.family_metaphone",
    "l.dob = r.dob and l.family_metaphone = r.given_metaphone",
    ("given_name", "substr(family_name, 1, 4)"),
    ("dob", "postcode"),
    ("postcode", "given_metaphone"),
    ("postcode", "family_metaphone"),
    ("postcode", "birth_year"),
    ("phone",),
    # The address: the same house on the same street, or the street with a name.
    ("house_number", "street_metaphone"),
    ("street", "family_metaphone"),
    ("street", "given_metaphone"),
    ("house_number", "postcode", "given_metaphone"),
    ("house_number", "town"),
    ("house_number", "postcode"),
    ("street", "postcode"),
    ("dob", "town"),
    ("dob", "street_metaphone"),
)

# Rules too broad for every data set: each compares everyone born on one day, or everyone
# whose family or given name sounds alike or begins alike, which finds the copies whose
# names were both changed, or whose date of birth was changed or left out, where no rule
# above can. A few thousand records afford them; a million do not (the date of birth
# alone is about 100 pairs a record there). Each is admitted, in this order, only while
# the pairs the admitted ones make together stay within BROAD_RULE_BUDGET pairs a record
# or BROAD_RULE_FLOOR pairs in all, whichever is more, counted on the records being
# linked (``affordable_rules``). A group of rules is admitted whole: a one-sided rule
# needs its mirror, since pairs are taken with the left id below the right.
BROAD_BLOCKING_RULES: tuple[tuple[tuple[str, ...] | str, ...], ...] = (
    (("dob",),),
    (("family_metaphone",),),
    # Each name written where the other should be, and misspelt as well: before the given
    # name's sound alone, which makes more pairs (three times as many on FEBRL 4), so that
    # a budget that affords one of the two takes the narrower.
    (
        "l.given_metaphone = r.family_metaphone",
        "l.family_metaphone = r.given_metaphone",
    ),
    (("given_metaphone",),),
    # A name misspelt past its metaphone keeps its first letters or its soundex more
    # often than its sound: "campbjell", "bartrl", "challmenor".
    (("substr(family_name, 1, 3)",),),
    (("substr(given_name, 1, 3)",),),
    (("family_soundex",),),
    # Each name written where the other should be, and misspelt past its metaphone.
    (
        "substr(l.given_name, 1, 3) = substr(r.family_name, 1, 3)",
        "substr(l.family_name, 1, 3) = substr(r.given_name, 1, 3)",
    ),
)

# Pairs a record that the broad rules may add together. Linear in the records, so the
# time a run takes stays linear: at 30 a record, 5,000 records add at most 150,000 pairs,
# scored in a second or two. At a million records the narrowest broad rule, the date of
# birth alone, makes about 100 pairs a record, so none is admitted and a national run
# costs what it did without them.
BROAD_RULE_BUDGET = 30

# Pairs the broad rules may add together in any run, however few its records: the budget
# is the larger of this and BROAD_RULE_BUDGET a record. A small agency's records afford
# more than 30 pairs a record: 500,000 pairs took DuckDB about 3 seconds to score on a
# busy two-core machine (docs/developers/linkage.md). From about 16,700 records up the
# budget a record is the larger, so the floor changes nothing at national scale.
BROAD_RULE_FLOOR = 500_000

# Above this many records the pairs are counted on a sample of them (Splink's blocking
# analysis, by a hash of the id): exact on an agency's data, an estimate within a few per
# cent at a million, in seconds rather than by building every pair.
EXACT_COUNT_RECORDS = 50_000

# What each comparison is called on the review page, by its output column.
COMPARISON_NAMES: dict[str, str] = {
    "given_name": "Given name",
    "family_name": "Family name",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcodes": "Postcode",
    "address": "Address",
    "town": "Town",
    "phones": "Phone",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
}

DEFAULT_AUTO_MATCH_PROBABILITY = 0.97
DEFAULT_REVIEW_PROBABILITY = 0.80


_TABLE_NUMBERS = itertools.count(1)


class LinkageUnavailableError(RuntimeError):
    """A backend's packages or runtime are missing; the message says what to install."""


@dataclass(frozen=True)
class LevelOutcome:
    """How one comparison came out for a pair: the level reached and its match weight."""

    comparison: str
    level: str
    match_weight: float
    agreed: bool


@dataclass(frozen=True)
class RuleChoice:
    """A broad blocking rule and whether the records could afford it: ``pairs`` is the
    number of pairs it and the broad rules admitted before it make together."""

    rule: str
    pairs: int
    records: int
    admitted: bool
    # How long counting took (part of training).
    seconds: float = 0.0

    @property
    def pairs_per_record(self) -> float:
        return self.pairs / max(self.records, 1)


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    outcomes: tuple[LevelOutcome, ...] = field(default_factory=tuple)


def _comparisons(present: frozenset[str] | None = None) -> list[Any]:
    """Every comparison whose column some records hold (all of them when ``present`` is
    None): a field no agency recorded has nothing to learn from."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    given = cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            # Term frequencies: "Olivia" agreeing says less than "Zygmunt" agreeing.
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True).configure(
                label_for_charts="Exact"
            ),
            cll.CustomLevel(
                '"given_name_l" = "family_name_r"', label_for_charts="Written as the family name"
            ),
            cll.ArrayIntersectLevel("given_forms", 1).configure(
                label_for_charts="Nickname or alias"
            ),
            cll.DamerauLevenshteinLevel("given_name", 1).configure(
                label_for_charts="One letter differs"
            ),
            cll.JaroWinklerLevel("given_name", 0.92).configure(label_for_charts="Small typo"),
            cll.ExactMatchLevel("given_metaphone").configure(label_for_charts="Sounds alike"),
            cll.JaroWinklerLevel("given_name", 0.8).configure(label_for_charts="Similar"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    family = cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True).configure(
                label_for_charts="Exact"
            ),
            cll.CustomLevel(
                '"family_name_l" = "given_name_r"', label_for_charts="Written as the given name"
            ),
            cll.DamerauLevenshteinLevel("family_name", 1).configure(
                label_for_charts="One letter differs"
            ),
            cll.JaroWinklerLevel("family_name", 0.92).configure(label_for_charts="Small typo"),
            cll.ExactMatchLevel("family_metaphone").configure(label_for_charts="Sounds alike"),
            cll.JaroWinklerLevel("family_name", 0.8).configure(label_for_charts="Similar"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.CustomLevel(
                '"dob_l" = "dob_r" and not coalesce(cast("dob_estimated_l" as boolean), false) '
                'and not coalesce(cast("dob_estimated_r" as boolean), false)',
                label_for_charts="Exact",
            ),
            cll.CustomLevel('"dob_l" = "dob_swapped_r"', label_for_charts="Day and month swapped"),
            cll.CustomLevel(
                '(cast("dob_estimated_l" as boolean) or cast("dob_estimated_r" as boolean)) '
                'and "birth_year_l" = "birth_year_r"',
                label_for_charts="Approximate age: same year",
            ),
            cll.CustomLevel(
                '(cast("dob_estimated_l" as boolean) or cast("dob_estimated_r" as boolean)) '
                'and abs("birth_year_l" - "birth_year_r") <= 1',
                label_for_charts="Approximate age: a year out",
            ),
            cll.CustomLevel(
                'levenshtein("dob_l", "dob_r") <= 1 '
                'and substr("dob_l", 1, 4) = substr("dob_r", 1, 4)',
                label_for_charts="One digit of day or month differs",
            ),
            cll.AbsoluteDateDifferenceLevel(
                "dob", threshold=10, metric="day", input_is_string=True
            ).configure(label_for_charts="Within ten days"),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="One digit differs"),
            cll.AbsoluteDateDifferenceLevel(
                "dob", threshold=1, metric="month", input_is_string=True
            ).configure(label_for_charts="Within a month"),
            cll.CustomLevel(
                'abs("birth_year_l" - "birth_year_r") <= 1',
                label_for_charts="Within a year",
            ),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="Same"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcodes",
        comparison_description="Postcode",
        comparison_levels=[
            cll.NullLevel("postcodes"),
            cll.ArrayIntersectLevel("postcodes", 1).configure(
                label_for_charts="A postcode in common"
            ),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(
                label_for_charts="One character differs"
            ),
            cll.ArrayIntersectLevel("districts", 1).configure(
                label_for_charts="Same postcode district"
            ),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phones",
        comparison_description="Phone",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ArrayIntersectLevel("phones", 1).configure(label_for_charts="A number in common"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )

    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("street"),
            cll.ArrayIntersectLevel("address_keys", 1).configure(
                label_for_charts="Same house and street"
            ),
            cll.CustomLevel(
                '"house_number_l" = "house_number_r" '
                'and "street_metaphone_l" = "street_metaphone_r"',
                label_for_charts="Same house number, street sounds alike",
            ),
            cll.ExactMatchLevel("street").configure(label_for_charts="Same street"),
            cll.JaroWinklerLevel("street", 0.88).configure(label_for_charts="Similar street"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )
    town = cl.CustomComparison(
        output_column_name="town",
        comparison_description="Town",
        comparison_levels=[
            cll.NullLevel("town"),
            cll.ArrayIntersectLevel("towns", 1).configure(label_for_charts="A town in common"),
            cll.JaroWinklerLevel("town", 0.9).configure(label_for_charts="Similar"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )

    def identifier(column: str, description: str) -> Any:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_description=description,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column).configure(label_for_charts="Same"),
                cll.ElseLevel().configure(label_for_charts="Different"),
            ],
        )

    # Each comparison with the column that must hold values for it to be learnt.
    every = [
        ("given_name", given),
        ("family_name", family),
        ("dob", dob),
        ("sex", sex),
        ("postcodes", postcode),
        ("street", address),
        ("town", town),
        ("phones", phone),
        ("nhs_number", identifier("nhs_number", "NHS number")),
        ("upn", identifier("upn", "Unique pupil number")),
    ]
    return [comparison for column, comparison in every if present is None or column in present]


def _blocking_rule(rule: tuple[str, ...] | str) -> Any:
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    return CustomRule(rule) if isinstance(rule, str) else block_on(*rule)


def _blocking_rules(
    broad: Sequence[tuple[tuple[str, ...] | str, ...]] = (),
) -> list[Any]:
    """The standard rules, then the broad groups the records could afford."""
    rules = [*BLOCKING_RULES, *(rule for group in broad for rule in group)]
    return [_blocking_rule(rule) for rule in rules]


def describe_rule(group: tuple[tuple[str, ...] | str, ...]) -> str:
    """A broad rule group as the benchmarks report it: "dob", "l.given_metaphone =
    r.family_metaphone or l.family_metaphone = r.given_metaphone"."""
    return " or ".join(rule if isinstance(rule, str) else " and ".join(rule) for rule in group)


def affordable_rules(
    records: Any,
    record_count: int,
    *,
    budget: float | None = None,
    floor: int | None = None,
    candidates: Sequence[tuple[tuple[str, ...] | str, ...]] = BROAD_BLOCKING_RULES,
) -> list[tuple[tuple[tuple[str, ...] | str, ...], RuleChoice]]:
    """Each broad rule group with whether ``records`` (a registered table of
    ``record_count`` records) can afford it: admitted in order while the pairs the
    admitted groups make together, counted by Splink's blocking analysis, stay within
    ``budget`` pairs a record or ``floor`` pairs in all, whichever is more. A group that
    does not fit is refused and the next one is tried. The count runs as SQL on the
    backend holding the records, DuckDB or Spark."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    if record_count < 2:
        return []
    limit = max(
        (BROAD_RULE_BUDGET if budget is None else budget) * record_count,
        BROAD_RULE_FLOOR if floor is None else floor,
    )
    proportion = min(1.0, EXACT_COUNT_RECORDS / record_count)
    admitted: list[tuple[str, ...] | str] = []
    choices = []
    for group in candidates:
        started = time.perf_counter()
        with warnings.catch_warnings():
            # A sampled count of a narrow rule warns that it rests on few pairs: a
            # narrow rule is well inside the budget whatever the sample says.
            warnings.simplefilter("ignore", UserWarning)
            counts = count_comparisons_from_blocking_rules(
                records,
                blocking_rules=[_blocking_rule(rule) for rule in (*admitted, *group)],
                link_type="dedupe_only",
                record_sample_proportion=proportion,
            )
        pairs = int(counts[-1]["cumulative_comparison_count"]) if counts else 0
        fits = pairs <= limit
        if fits:
            admitted.extend(group)
        choices.append(
            (
                group,
                RuleChoice(
                    rule=describe_rule(group),
                    pairs=pairs,
                    records=record_count,
                    admitted=fits,
                    seconds=time.perf_counter() - started,
                ),
            )
        )
    return choices


def settings(
    *,
    explain: bool,
    present: frozenset[str] | None = None,
    broad: Sequence[tuple[tuple[str, ...] | str, ...]] = (),
) -> Any:
    """The Splink settings; ``explain`` keeps the per-comparison columns that the review
    page shows (slower, so the benchmark leaves it off); ``present`` limits the
    comparisons to the fields the records hold; ``broad`` adds the broad blocking rule
    groups the records could afford."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=_comparisons(present),
        blocking_rules_to_generate_predictions=_blocking_rules(broad),
        retain_matching_columns=explain,
        retain_intermediate_calculation_columns=explain,
        max_iterations=20,
    )


@dataclass
class Engine:
    """One backend session. Use as ``with Engine.open("duckdb") as engine: ...``."""

    backend: Backend
    db_api: Any
    # The columns holding values in each registered table, by its name.
    present: dict[str, frozenset[str]] = field(default_factory=dict)
    # How often each name occurs in each registered table, for term frequencies.
    name_counts: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    # The records in each registered table.
    sizes: dict[str, int] = field(default_factory=dict)
    # The share of each table's records holding each column of the prior's rules.
    shares: dict[str, dict[str, float]] = field(default_factory=dict)
    # The broad blocking rules each trained table was offered, and which it could afford.
    rule_choices: dict[str, list[RuleChoice]] = field(default_factory=dict)

    @classmethod
    @contextmanager
    def open(cls, backend: Backend = "duckdb", *, spark: Any = None) -> Iterator[Engine]:
        logging.getLogger("splink").setLevel(logging.ERROR)
        if backend == "duckdb":
            try:
                import duckdb
                from splink.backends.duckdb import DuckDBAPI
            except ImportError as error:  # pragma: no cover - pinned dependency
                raise LinkageUnavailableError(
                    "Install duckdb and splink (pyproject.toml)"
                ) from error
            connection = duckdb.connect()
            try:
                yield cls(backend, DuckDBAPI(connection=connection))
            finally:
                connection.close()
            return
        if backend != "spark":
            raise LinkageUnavailableError(
                f"Unknown linkage backend {backend!r}: use duckdb or spark"
            )
        session = spark if spark is not None else spark_session()
        from splink.backends.spark import SparkAPI

        yield cls(backend, SparkAPI(spark_session=session))  # type: ignore[no-untyped-call]  # splink's SparkAPI is unannotated

    def register(self, records: Sequence[dict[str, Any]]) -> Any:
        import pyarrow as pa

        rows = list(records)
        table = pa.Table.from_pylist(rows, schema=_arrow_schema())
        # Numbered across the process: a Spark session outlives the engine that opened it.
        name = f"records_{next(_TABLE_NUMBERS)}"
        self.present[name] = columns_present(rows)
        self.sizes[name] = len(rows)
        self.shares[name] = {
            column: sum(1 for row in rows if row.get(column)) / max(len(rows), 1)
            for column in EXACT_LEVEL_COLUMNS
        }
        self.name_counts[name] = {
            column: Counter(row[column] for row in rows if row.get(column))
            for column in TERM_FREQUENCY_COLUMNS
        }
        return self.db_api.register(table, table_name=name)

    def train(self, records: Any, *, seed: int = 2026) -> dict[str, Any]:
        """Estimate the model's parameters from ``records`` (a registered table) and return
        the model as a JSON-ready dict. The comparisons and the training rules are chosen
        from the fields the records hold: an agency with no identifiers or postcodes still
        trains a model on names and dates of birth."""
        from splink import Linker, block_on
        from splink.internals.exceptions import EMTrainingException

        name = records.templated_name
        present = self.present.get(name, frozenset(RECORD_COLUMNS))
        # The broad rules the records can afford go into the model, so that scoring new
        # records later compares them the same way; retraining chooses again.
        choices = affordable_rules(records, self.sizes.get(name, 0))
        self.rule_choices[name] = [choice for _group, choice in choices]
        broad = [group for group, choice in choices if choice.admitted]
        linker = Linker(
            records, settings(explain=True, present=present, broad=broad), log_level=None
        )
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*rule) for rule in prior_rules(present)],
            recall=ASSUMED_PRIOR_RECALL,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
        # Each EM session holds some fields equal and learns m for the others; sessions
        # are added until every comparison has been learnt in one where it is free.
        unlearnt = {column for column in TRAINED_BY if column in present}
        for rule in EM_RULES:
            if not set(rule) <= present:
                continue
            learns = {column for column in unlearnt if not set(rule) & TRAINED_BY[column]}
            if not learns and rule not in EM_RULES[:3]:
                continue
            try:
                # Every blocked pair up to ten million (about a million records), a
                # sample beyond: enough to learn m, and the memory stays bounded.
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), max_pairs=1e7
                )
            except EMTrainingException:
                continue  # no pair agrees on this rule's fields: try the next
            unlearnt -= learns
        model: dict[str, Any] = linker.misc.save_model_to_json()
        # The prior again, now that the model says how many matches the deterministic
        # rules find: assuming 60% undercounts matches in records as changed as FEBRL 3's.
        recall = prior_recall(model, prior_rules(present), self.shares.get(name, {}))
        if recall is not None:
            linker.training.estimate_probability_two_random_records_match(
                [block_on(*rule) for rule in prior_rules(present)], recall=recall
            )
            model = linker.misc.save_model_to_json()
        return model

    def linker(self, records: Any, model: dict[str, Any], *, explain: bool) -> Any:
        from splink import Linker

        model = dict(model)
        # The level each comparison reached (gamma_*, kept with the matching columns) and
        # its weight (mw_*): the review page needs them, the benchmark does not.
        model["retain_matching_columns"] = explain
        model["retain_intermediate_calculation_columns"] = explain
        return Linker(records, model, log_level=None)

    def predict(
        self, records: Any, model: dict[str, Any], *, threshold: float, explain: bool = True
    ) -> Any:
        """Every blocked pair within ``records`` scoring at least ``threshold``."""
        linker = self.linker(records, model, explain=explain)
        return linker, linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )

    def predict_new(
        self, resolved: Any, new: Any, model: dict[str, Any], *, threshold: float
    ) -> list[ScoredPair]:
        """Pairs between new records and resolved ones, and among the new records, scoring
        at least ``threshold``; pairs of two resolved records are never scored again."""
        linker = self.linker(new, model, explain=True)
        self._register_term_frequencies(linker, (resolved, new))
        between = linker.inference.predict_between(
            resolved, new, threshold_match_probability=threshold, warning_mode="never"
        )
        within = linker.inference.predict_within(
            new, threshold_match_probability=threshold, warning_mode="never"
        )
        return scored_pairs(linker, between) + scored_pairs(linker, within)

    def _register_term_frequencies(self, linker: Any, tables: Sequence[Any]) -> None:
        """Name frequencies over every record, resolved and new: scoring new records
        against resolved ones computes none of its own."""
        import pyarrow as pa

        for column in TERM_FREQUENCY_COLUMNS:
            counts: Counter[str] = Counter()
            for table in tables:
                counts.update(self.name_counts.get(table.templated_name, {}).get(column, {}))
            total = sum(counts.values()) or 1
            lookup = pa.table(
                {
                    column: pa.array(list(counts), pa.string()),
                    f"tf_{column}": pa.array(
                        [count / total for count in counts.values()], pa.float64()
                    ),
                }
            )
            registered = self.db_api.register(
                lookup, table_name=f"tf_{column}_{next(_TABLE_NUMBERS)}"
            )
            linker.table_management.register_term_frequency_lookup(registered, column)

    def cluster(self, linker: Any, predictions: Any, *, threshold: float) -> Any:
        return linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )


# Which prepared columns each comparison reads (by the column that must hold values for
# it): an EM session blocked on any of them cannot learn that comparison.
TRAINED_BY: dict[str, frozenset[str]] = {
    "given_name": frozenset({"given_name", "given_metaphone", "family_name"}),
    "family_name": frozenset({"family_name", "family_metaphone", "family_soundex", "given_name"}),
    "dob": frozenset({"dob", "birth_year"}),
    "sex": frozenset({"sex"}),
    "postcodes": frozenset({"postcode"}),
    "street": frozenset({"street", "house_number", "street_metaphone"}),
    "town": frozenset({"town"}),
    "phones": frozenset({"phone"}),
    "nhs_number": frozenset({"nhs_number"}),
    "upn": frozenset({"upn"}),
}

# The columns whose exact agreement is weighed by how common the value is.
TERM_FREQUENCY_COLUMNS = ("given_name", "family_name")

# EM sessions, in order of preference: the first three whenever the records hold their
# fields, the rest only while a comparison is still unlearnt (records without a date of
# birth, or without postcodes).
EM_RULES: tuple[tuple[str, ...], ...] = (
    ("given_name", "family_name"),
    ("dob", "postcode"),
    ("dob", "family_soundex"),
    ("dob",),
    ("postcode", "birth_year"),
    ("street", "house_number"),
    ("postcode",),
    ("phone",),
)


def prior_rules(present: frozenset[str]) -> list[tuple[str, ...]]:
    """Deterministic rules for the prior: identifiers, and the full name with the date
    of birth, or with an address when no dates were recorded; only on fields present."""
    rules: list[tuple[str, ...]] = [
        rule
        for rule in (
            ("nhs_number",),
            ("upn",),
            ("given_name", "family_name", "dob"),
        )
        if set(rule) <= present
    ]
    if "dob" not in present:
        rules += [
            rule
            for rule in (
                ("given_name", "family_name", "postcode"),
                ("given_name", "family_name", "street"),
            )
            if set(rule) <= present
        ]
    fallback: list[tuple[str, ...]] = [("given_name", "family_name")]
    return rules or fallback


# The columns a prior rule may hold equal whose comparison (of the same name) has exact
# agreement as its first level. Rules on other columns (postcode, street) keep the
# assumed recall: their comparisons' first levels are not plain equality.
EXACT_LEVEL_COLUMNS = frozenset({"given_name", "family_name", "dob", "nhs_number", "upn"})

# What the deterministic rules are assumed to find of the true matches before the model
# has been trained: exact name and date agree for barely more than half of true matches
# in agencies' records (nicknames, typos, swapped and estimated dates).
ASSUMED_PRIOR_RECALL = 0.6


def prior_recall(
    model: dict[str, Any], rules: Sequence[tuple[str, ...]], shares: dict[str, float]
) -> float | None:
    """The share of true matches the prior's deterministic rules find, by the trained
    model: a rule finds a match when both records hold each of its columns (the share of
    records holding it, squared) and agree exactly (the m of the exact level), each
    column independently of the others, as the model assumes; a match is found when any
    rule finds it. None when a rule holds a column with no exact level."""
    exact: dict[str, float] = {}
    for comparison in model["comparisons"]:
        levels = [
            level for level in comparison["comparison_levels"] if not level.get("is_null_level")
        ]
        if levels and levels[0].get("m_probability") is not None:
            exact[comparison["output_column_name"]] = float(levels[0]["m_probability"])
    missed = 1.0
    for rule in rules:
        if not all(column in EXACT_LEVEL_COLUMNS and column in exact for column in rule):
            return None
        found = 1.0
        for column in rule:
            found *= exact[column] * shares.get(column, 0.0) ** 2
        missed *= 1.0 - found
    recall = 1.0 - missed
    # Dividing by a recall this small would multiply the prior many times over on one
    # uncertain estimate: keep the assumption instead.
    return recall if recall >= 0.05 else None


def columns_present(records: Sequence[dict[str, Any]]) -> frozenset[str]:
    """The columns that at least two records hold: with fewer, no pair can agree."""
    counts: dict[str, int] = dict.fromkeys(RECORD_COLUMNS, 0)
    for record in records:
        for column in RECORD_COLUMNS:
            if record.get(column) not in (None, [], ""):
                counts[column] += 1
    return frozenset(column for column, count in counts.items() if count >= 2)


def _arrow_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    texts = pa.list_(pa.string())
    return pa.schema(
        [
            ("unique_id", text),
            ("given_name", text),
            ("given_forms", texts),
            ("given_metaphone", text),
            ("family_name", text),
            ("family_metaphone", text),
            ("family_soundex", text),
            ("dob", text),
            ("dob_swapped", text),
            ("birth_year", pa.int32()),
            ("dob_estimated", pa.bool_()),
            ("sex", text),
            ("postcode", text),
            ("postcodes", texts),
            ("districts", texts),
            ("house_number", text),
            ("street", text),
            ("street_metaphone", text),
            ("address_keys", texts),
            ("town", text),
            ("towns", texts),
            ("phone", text),
            ("phones", texts),
            ("nhs_number", text),
            ("upn", text),
        ]
    )


def scored_pairs(linker: Any, predictions: Any) -> list[ScoredPair]:
    """Predictions as ScoredPair, each with the level every comparison reached."""
    levels: list[tuple[str, str, dict[int, tuple[str, bool]]]] = []
    for comparison in linker._settings_obj.comparisons:
        labels: dict[int, tuple[str, bool]] = {}
        for level in comparison.comparison_levels:
            agreed = level.label_for_charts not in {"Different", "Null"} and (
                not level.is_null_level
            )
            labels[level.comparison_vector_value] = (level.label_for_charts, agreed)
        column = comparison.output_column_name
        levels.append((column, COMPARISON_NAMES.get(column, column), labels))
    pairs = []
    for row in predictions.as_record_list():
        outcomes = []
        for column, description, labels in levels:
            gamma = row.get(f"gamma_{column}")
            if gamma is None:
                continue
            label, agreed = labels.get(int(gamma), ("Not known", False))
            if int(gamma) == -1:
                label, agreed = "Not recorded on both", False
            weight = row.get(f"mw_{column}")
            outcomes.append(
                LevelOutcome(
                    comparison=description,
                    level=label,
                    match_weight=round(float(weight), 2) if weight is not None else 0.0,
                    agreed=agreed,
                )
            )
        left, right = str(row["unique_id_l"]), str(row["unique_id_r"])
        pairs.append(
            ScoredPair(
                left_id=left,
                right_id=right,
                match_probability=float(row["match_probability"]),
                match_weight=float(row["match_weight"]),
                outcomes=tuple(outcomes),
            )
        )
    return pairs


def spark_session() -> Any:
    """A local Spark session with Splink's similarity functions; needs Java 17+."""
    import shutil
    import tempfile

    if shutil.which("java") is None:
        raise LinkageUnavailableError("The Spark backend needs Java 17 or later on the PATH")
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as error:  # pragma: no cover - pinned dependency
        raise LinkageUnavailableError(
            "Install pyspark (pyproject.toml) for the Spark backend"
        ) from error
    # Spark's Python workers must run the interpreter this process runs (PySpark refuses a
    # different minor version, and the first python3 on the PATH may be another one).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("safeguarding-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    # Splink checkpoints intermediate tables (connected components, for one).
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="safeguarding-spark-"))
    return session
