"""Person resolution across agencies: speed and pairwise accuracy on synthetic records.

Generates N person records with ground truth: people (Faker en_GB names and postcodes,
valid NHS numbers) each recorded by one to four agencies, every copy with an agency's
usual errors: typos in names, nicknames ("Bill" for "William"), day and month of birth
swapped, an approximate age instead of a date, missing fields, reformatted phone numbers.
Then it trains the model (u by random sampling, m by EM), predicts and clusters on DuckDB
(or Spark), and reports the time of each step and pairwise precision, recall and F1.

    .venv/bin/python -m bench.linkage_speed --records 1000000
    .venv/bin/python -m bench.linkage_speed --records 20000 --backend spark

Generating the records is not timed; training, prediction and clustering are.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from safeguarding.linkage.engine import BACKENDS, DEFAULT_AUTO_MATCH_PROBABILITY, Engine
from safeguarding.linkage.synthetic import generate, pairwise_accuracy

FULL_SCALE_RECORDS = 1_000_000


def resolve(
    records: list[dict[str, Any]],
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_AUTO_MATCH_PROBABILITY,
    spark: Any = None,
) -> tuple[dict[str, str], dict[str, float]]:
    """Train, predict and cluster; the clusters and the seconds each step took."""
    timings: dict[str, float] = {}
    with Engine.open(backend, spark=spark) as engine:  # type: ignore[arg-type]
        table = engine.register(records)
        started = time.perf_counter()
        model = engine.train(table)
        timings["train_seconds"] = time.perf_counter() - started
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
    return clusters, timings


def run(scale: float, *, backend: str = "duckdb", quiet: bool = False) -> dict[str, float]:
    count = max(1000, int(FULL_SCALE_RECORDS * scale))
    started = time.perf_counter()
    records, truth = generate(count)
    generated = time.perf_counter() - started
    if not quiet:
        print(f"generated {len(records):,} records in {generated:.1f} s", file=sys.stderr)
    clusters, timings = resolve(records, backend=backend)
    figures = {"records": float(len(records)), "generate_seconds": round(generated, 1)}
    figures.update({key: round(value, 1) for key, value in timings.items()})
    figures.update(pairwise_accuracy(clusters, truth))
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
        print(f"{key:>18}: {value:,.4g}" if value < 10 else f"{key:>18}: {value:,.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
