"""Person resolution across agencies: speed and pairwise accuracy on synthetic records.

Generates N person records with ground truth: people (Faker en_GB names and postcodes,
valid NHS numbers) each recorded by one to four agencies, every copy with an agency's
usual errors: typos in names, nicknames ("Bill" for "William"), day and month of birth
swapped, an approximate age instead of a date, missing fields, reformatted phone numbers.
Then it trains the model (u by random sampling, m by EM), predicts and clusters on DuckDB
(or Spark), and reports the time of each step and pairwise precision, recall and F1.

Then it links new records incrementally, as `safeguarding link` does once a model is
stored: one more record for every hundred resolved (10,000 against 1,000,000), drawn from
the same people, scored against the resolved records and among themselves with the stored
model, and each joined to the cluster of the records it matches. That is timed from
loading both tables into the backend to the last assignment, and the accuracy is measured
again over every record.

    .venv/bin/python -m bench.linkage_speed --records 1000000
    .venv/bin/python -m bench.linkage_speed --records 20000 --backend spark

Generating the records is not timed; training, prediction and clustering are. Training
includes counting the pairs of the broad blocking rules (engine.affordable_rules); which
of them the records could afford is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Any

import django

from safeguarding.linkage.components import DisjointSets
from safeguarding.linkage.engine import (
    BACKENDS,
    BROAD_RULE_BUDGET,
    BROAD_RULE_FLOOR,
    DEFAULT_AUTO_MATCH_PROBABILITY,
    Engine,
)
from safeguarding.linkage.synthetic import pairwise_accuracy

FULL_SCALE_RECORDS = 1_000_000
# New records linked incrementally, per resolved record.
NEW_PER_RESOLVED = 0.01
# Exploitation networks planted among the records (100 in 1,000,000).
NETWORKS_PER_RECORD = 0.0001


def resolve(
    records: list[dict[str, Any]],
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_AUTO_MATCH_PROBABILITY,
    spark: Any = None,
) -> tuple[dict[str, str], dict[str, float]]:
    """Train, predict and cluster; the clusters and the seconds each step took."""
    clusters, timings, _model = resolve_with_model(
        records, backend=backend, threshold=threshold, spark=spark
    )
    return clusters, timings


def resolve_with_model(
    records: list[dict[str, Any]],
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_AUTO_MATCH_PROBABILITY,
    spark: Any = None,
) -> tuple[dict[str, str], dict[str, float], dict[str, Any]]:
    """As resolve, and the trained model too, for linking new records later."""
    timings: dict[str, float] = {}
    with Engine.open(backend, spark=spark) as engine:
        table = engine.register(records)
        started = time.perf_counter()
        model = engine.train(table)
        timings["train_seconds"] = time.perf_counter() - started
        choices = engine.rule_choices.get(table.templated_name, [])
        started = time.perf_counter()
        linker, predictions = engine.predict(table, model, threshold=threshold, explain=False)
        timings["predict_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        clustered = engine.cluster(linker, predictions, threshold=threshold)
        rows = clustered.as_pyarrow_table()
        clusters = dict(
            zip(
                (str(v) for v in rows.column("unique_id").to_pylist()),
                (str(v) for v in rows.column("cluster_id").to_pylist()),
                strict=True,
            )
        )
        timings["cluster_seconds"] = time.perf_counter() - started
    timings["total_seconds"] = sum(timings.values())
    # Which broad blocking rules the records could afford (engine.affordable_rules), and
    # the seconds counting their pairs took, part of training.
    timings["broad_rules_admitted"] = sum(choice.admitted for choice in choices)
    timings["broad_rule_count_seconds"] = sum(choice.seconds for choice in choices)
    for choice in choices:
        print(
            f"broad blocking rule {choice.rule}: {choice.pairs_per_record:.1f} pairs a record "
            f"with those admitted before it, {'admitted' if choice.admitted else 'refused'} "
            f"(at most {BROAD_RULE_BUDGET} a record, or {BROAD_RULE_FLOOR:,} pairs in all)",
            file=sys.stderr,
        )
    return clusters, timings, model


def link_new(
    resolved: list[dict[str, Any]],
    new: list[dict[str, Any]],
    clusters: dict[str, str],
    model: dict[str, Any],
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_AUTO_MATCH_PROBABILITY,
    spark: Any = None,
) -> tuple[dict[str, str], float]:
    """Link ``new`` records to the ``resolved`` ones (whose clusters are known) with a
    stored model; every record's cluster afterwards, and the seconds it took."""
    started = time.perf_counter()
    with Engine.open(backend, spark=spark) as engine:
        resolved_table = engine.register(resolved)
        new_table = engine.register(new)
        pairs = engine.predict_new(resolved_table, new_table, model, threshold=threshold)
    groups = DisjointSets()

    def cluster_of(record_id: str) -> str:
        return clusters.get(record_id, f"new:{record_id}")

    for pair in pairs:
        groups.union(cluster_of(pair.left_id), cluster_of(pair.right_id))
    after = {record_id: groups.find(cluster) for record_id, cluster in clusters.items()}
    after.update(
        {record["unique_id"]: groups.find(cluster_of(record["unique_id"])) for record in new}
    )
    return after, time.perf_counter() - started


def run(scale: float, *, backend: str = "duckdb", quiet: bool = False) -> dict[str, float]:
    count = max(1000, int(FULL_SCALE_RECORDS * scale))
    new_count = max(10, int(count * NEW_PER_RESOLVED))
    started = time.perf_counter()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    django.setup()
    from safeguarding.networks.synthetic import generate_concerns, network_recovery

    data = generate_concerns(count + new_count, networks=max(5, int(NETWORKS_PER_RECORD * count)))
    records, truth = data.records, data.truth
    # The new records are a random draw: some are people already resolved, some are not.
    chosen = set(random.Random(count).sample(range(len(records)), new_count))
    resolved = [record for index, record in enumerate(records) if index not in chosen]
    new = [records[index] for index in sorted(chosen)]
    generated = time.perf_counter() - started
    if not quiet:
        print(f"generated {len(records):,} records in {generated:.1f} s", file=sys.stderr)
    clusters, timings, model = resolve_with_model(
        resolved, backend=backend, threshold=DEFAULT_AUTO_MATCH_PROBABILITY
    )
    figures = {"records": float(len(resolved)), "generate_seconds": round(generated, 1)}
    figures.update({key: round(value, 1) for key, value in timings.items()})
    resolved_truth = {record["unique_id"]: truth[record["unique_id"]] for record in resolved}
    figures.update(pairwise_accuracy(clusters, resolved_truth))
    if not quiet:
        print(f"linking {new_count:,} new records incrementally", file=sys.stderr)
    after, seconds = link_new(resolved, new, clusters, model, backend=backend)
    figures["new_records"] = float(new_count)
    figures["incremental_seconds"] = round(seconds, 1)
    figures.update(
        {f"after_{key}": value for key, value in pairwise_accuracy(after, truth).items()}
    )
    if not quiet:
        print("finding the planted networks", file=sys.stderr)
    figures.update(network_recovery(data, after))
    # For contrast: every agency's record a person of its own, and every person known.
    unresolved = network_recovery(data, {})
    figures["networks_found_whole_unresolved"] = unresolved["networks_found_whole"]
    known = network_recovery(data, {record: f"person-{n}" for record, n in truth.items()})
    figures["networks_found_whole_known"] = known["networks_found_whole"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.linkage_speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=FULL_SCALE_RECORDS, help="default 1,000,000")
    parser.add_argument("--backend", choices=BACKENDS, default="duckdb")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.records / FULL_SCALE_RECORDS, backend=args.backend, quiet=args.quiet)
    for key, value in figures.items():
        print(f"{key:>21}: {value:,.4g}" if value < 10 else f"{key:>21}: {value:,.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
