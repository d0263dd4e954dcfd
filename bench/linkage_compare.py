"""Person resolution four ways, on the same synthetic records in one run.

Generates N person records with known truth (as bench/linkage_speed.py does) and resolves
them into people with:

  project pipeline    this project's model (bench.linkage_speed.resolve): train, predict
                      and cluster at 0.97 (its automatic threshold) on DuckDB
  Splink defaults     Splink on DuckDB with its comparison library's defaults (names by
                      Jaro-Winkler, date of birth, postcode, exact sex, phone and NHS
                      number), three blocking rules, trained as Splink's tutorial does;
                      predicted and clustered at the same threshold
  recordlinkage ECM   the recordlinkage package: the same three blocking rules, binary
                      comparisons, its unsupervised ECM classifier, matched pairs joined
                      into connected components
  exact name and DOB  records with the same given name, family name and date of birth
                      are one person

and prints, for each, the seconds it took and pairwise precision, recall and F1 against
the truth. Each method starts from the same prepared records (a list of dicts) and ends
with a cluster for every record; its seconds include turning the records into the tables
it needs. Generating the records is not timed.

    .venv/bin/python -m bench.linkage_compare --records 100000
    .venv/bin/python -m bench.linkage_compare --records 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from safeguarding.linkage.engine import DEFAULT_AUTO_MATCH_PROBABILITY
from safeguarding.linkage.synthetic import SEED, generate, pairwise_accuracy

DEFAULT_RECORDS = 100_000
# Records at scale 1 of python -m bench, as for bench/linkage_speed.py.
FULL_SCALE_RECORDS = 1_000_000
# Both Splink models link at the project's automatic threshold.
THRESHOLD = DEFAULT_AUTO_MATCH_PROBABILITY
EM_MAX_PAIRS = 1e7

# The blocking rules of the two general-purpose methods: what a user of either library
# would write first for people (first name and surname; surname and date of birth; date
# of birth and postcode).
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("given_name", "family_name"),
    ("family_name", "dob"),
    ("dob", "postcode"),
)
# The plain columns that the general-purpose methods compare: no derived keys (phonetic
# codes, nickname forms, swapped dates) and one postcode and phone number per record.
PLAIN_COLUMNS = ("given_name", "family_name", "dob", "sex", "postcode", "phone", "nhs_number")

Clusters = dict[str, str]


def project_pipeline(records: list[dict[str, Any]]) -> Clusters:
    """This project's model, trained, predicted and clustered as bench.linkage_speed does."""
    from bench.linkage_speed import resolve

    clusters, _timings = resolve(records, threshold=THRESHOLD)
    return clusters


def splink_defaults(records: list[dict[str, Any]]) -> Clusters:
    """Splink as its documentation sets it up for people, with its comparison library's
    default levels and no custom ones."""
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    columns = ("unique_id", *PLAIN_COLUMNS)
    table = pa.Table.from_pylist(
        [{column: record[column] for column in columns} for record in records],
        schema=pa.schema([(column, pa.string()) for column in columns]),
    )
    connection = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection=connection)
        people = db_api.register(table, table_name="people")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("family_name"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("sex"),
                cl.PostcodeComparison("postcode"),
                cl.ExactMatch("phone"),
                cl.ExactMatch("nhs_number"),
            ],
            blocking_rules_to_generate_predictions=[block_on(*rule) for rule in BLOCKING],
        )
        linker = Linker(people, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_name", "family_name", "dob"), block_on("nhs_number")],
            recall=0.7,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
        # Blocking on date of birth alone gives about 100 pairs per record (children's
        # dates crowd into 18 years, estimated ones onto 1 January): 105 million pairs at
        # 1,000,000 records, which took more than 20 GB of memory. Splink's max_pairs
        # samples records so that EM sees about ten million; below that it changes
        # nothing.
        for rule in (block_on("given_name", "family_name"), block_on("dob")):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS
            )
        predictions = linker.inference.predict(
            threshold_match_probability=THRESHOLD, warning_mode="never"
        )
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=THRESHOLD
        )
        rows = clustered.as_pyarrow_table()
        return dict(
            zip(
                (str(value) for value in rows.column("unique_id").to_pylist()),
                (str(value) for value in rows.column("cluster_id").to_pylist()),
                strict=True,
            )
        )
    finally:
        connection.close()


def recordlinkage_ecm(records: list[dict[str, Any]]) -> Clusters:
    """The recordlinkage package's unsupervised classifier on binary comparisons."""
    try:
        import pandas as pd
        import recordlinkage
    except ImportError as error:  # pragma: no cover - a development dependency
        raise RuntimeError(
            "Install the development dependencies (pip install -e '.[dev]') for recordlinkage"
        ) from error

    frame = pd.DataFrame.from_records(
        [{column: record[column] for column in ("unique_id", *PLAIN_COLUMNS)} for record in records]
    ).set_index("unique_id")
    indexer = recordlinkage.Index()
    for rule in BLOCKING:
        indexer.add(recordlinkage.index.Block(list(rule)))
    candidates = indexer.index(frame)
    # ECM needs binary features: each comparison agrees (1) or not (0); a missing value
    # counts as not agreeing, the package's default.
    compare = recordlinkage.Compare()
    for name in ("given_name", "family_name"):
        compare.string(name, name, method="jarowinkler", threshold=0.88, label=name)
    for name in ("dob", "sex", "postcode", "phone", "nhs_number"):
        compare.exact(name, name, label=name)
    features = compare.compute(candidates, frame)
    matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    return connected_components(
        (str(record["unique_id"]) for record in records),
        ((str(left), str(right)) for left, right in matches),
    )


def exact_name_and_dob(records: list[dict[str, Any]]) -> Clusters:
    """Records with the same given name, family name and date of birth are one person;
    a record with no date of birth stands alone."""
    clusters: Clusters = {}
    for record in records:
        unique_id = str(record["unique_id"])
        if record["dob"] is None:
            clusters[unique_id] = unique_id
        else:
            clusters[unique_id] = "|".join(
                (record["given_name"] or "", record["family_name"] or "", record["dob"])
            )
    return clusters


def connected_components(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> Clusters:
    """Each id's cluster (the smallest id in it) when every pair is joined (union-find)."""
    parent = {unique_id: unique_id for unique_id in ids}

    def root(unique_id: str) -> str:
        while parent[unique_id] != unique_id:
            parent[unique_id] = parent[parent[unique_id]]
            unique_id = parent[unique_id]
        return unique_id

    for left, right in pairs:
        left_root, right_root = root(left), root(right)
        if left_root != right_root:
            parent[max(left_root, right_root)] = min(left_root, right_root)
    return {unique_id: root(unique_id) for unique_id in parent}


METHODS: tuple[tuple[str, Callable[[list[dict[str, Any]]], Clusters]], ...] = (
    ("project pipeline", project_pipeline),
    ("Splink defaults", splink_defaults),
    ("recordlinkage ECM", recordlinkage_ecm),
    ("exact name and DOB", exact_name_and_dob),
)


def _import_libraries() -> None:
    """Import every method's libraries before any is timed, so that no method pays for
    the first import of a library that another shares."""
    for name in ("duckdb", "pyarrow", "splink.comparison_library"):
        importlib.import_module(name)
    with contextlib.suppress(ImportError):  # recordlinkage_ecm says what to install
        importlib.import_module("recordlinkage")


def run(
    records_count: int = DEFAULT_RECORDS, *, seed: int = SEED, quiet: bool = True
) -> list[dict[str, Any]]:
    """One row per method: method, seconds, predicted_pairs, true_pairs, precision,
    recall, f1, all on the same ``records_count`` generated records."""
    started = time.perf_counter()
    records, truth = generate(records_count, seed=seed)
    if not quiet:
        print(
            f"generated {len(records):,} records in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    _import_libraries()
    rows: list[dict[str, Any]] = []
    for name, method in METHODS:
        started = time.perf_counter()
        clusters = method(records)
        seconds = time.perf_counter() - started
        accuracy = pairwise_accuracy(clusters, truth)
        rows.append(
            {
                "method": name,
                "seconds": round(seconds, 2),
                "predicted_pairs": int(accuracy["predicted_pairs"]),
                "true_pairs": int(accuracy["true_pairs"]),
                "precision": accuracy["precision"],
                "recall": accuracy["recall"],
                "f1": accuracy["f1"],
            }
        )
        if not quiet:
            print(f"{name}: {seconds:.1f} s", file=sys.stderr)
    return rows


def figures(scale: float) -> dict[str, float]:
    """The comparison as flat figures for ``python -m bench`` (1,000,000 records per
    scale 1)."""
    count = max(1000, int(FULL_SCALE_RECORDS * scale))
    rows = run(count)
    flat: dict[str, float] = {"records": float(count), "true_pairs": float(rows[0]["true_pairs"])}
    for row in rows:
        key = str(row["method"]).lower().replace(" ", "_")
        for measure in ("seconds", "predicted_pairs", "precision", "recall", "f1"):
            flat[f"{key}_{measure}"] = float(row[measure])
    return flat


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| Method | Seconds | Predicted pairs | Precision | Recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['method']} | {row['seconds']:,.2f} | {row['predicted_pairs']:,} | "
            f"{row['precision']:.4f} | {row['recall']:.4f} | {row['f1']:.4f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.linkage_compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS, help="default 100,000")
    parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    rows = run(args.records, seed=args.seed, quiet=args.quiet)
    print(f"{args.records:,} records, {rows[0]['true_pairs']:,} true pairs")
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
