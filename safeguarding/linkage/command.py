"""`safeguarding link`: link agencies' records of people, and export the result.

Exit codes: 0 linked (and exported), 1 linking failed (the message says why), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safeguarding.linkage.engine import BACKENDS

STEPS = 4


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--export",
        metavar="FILE.csv",
        type=Path,
        help="after linking, write every agency's record of a person (agency code, agency "
        "record id, source person id) with the person id it resolved to",
    )
    command.add_argument(
        "--backend",
        choices=BACKENDS,
        default="duckdb",
        help="where pairs are scored: duckdb (embedded, default) or spark (local Spark; "
        "needs Java 17)",
    )
    command.add_argument(
        "--retrain",
        action="store_true",
        help="train a new model and compare every record again, instead of linking only "
        "new records against resolved ones with the stored model",
    )
    command.add_argument(
        "--auto-threshold",
        type=float,
        metavar="P",
        help="match probability at or above which records are merged automatically "
        "(default LINKAGE_AUTO_MATCH_PROBABILITY, 0.97)",
    )
    command.add_argument(
        "--review-threshold",
        type=float,
        metavar="P",
        help="match probability at or above which a pair goes to the review queue "
        "(default LINKAGE_REVIEW_PROBABILITY, 0.8)",
    )
    command.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from tqdm import tqdm

    from safeguarding.linkage.actions import RunOptions, export_resolution, run_linkage
    from safeguarding.linkage.engine import LinkageUnavailableError

    if args.export is not None and args.export.suffix.lower() != ".csv":
        print("The export file must end .csv", file=sys.stderr)
        return 2
    with tqdm(total=STEPS, desc="Linking", unit="step", disable=args.quiet) as progress:

        def step(message: str) -> None:
            progress.set_postfix_str(message)
            if progress.n < STEPS - 1:
                progress.update(1)

        try:
            result = run_linkage(
                actor=None,
                options=RunOptions(
                    backend=args.backend,
                    retrain=args.retrain,
                    auto_match_probability=args.auto_threshold,
                    review_probability=args.review_threshold,
                ),
                progress=step,
            )
        except (ValidationError, LinkageUnavailableError) as error:
            progress.close()
            message = "; ".join(getattr(error, "messages", [str(error)]))
            print(f"Linking failed: {message}", file=sys.stderr)
            return 1
        progress.update(STEPS - progress.n)
    print(
        f"{result.get_mode_display()}: {result.new_records:,} new record(s), "
        f"{result.pairs_scored:,} pair(s) scored, {result.merges:,} merged, "
        f"{result.queued_for_review:,} for review."
    )
    if args.export is not None:
        rows = export_resolution(actor=None, path=args.export)
        print(f"Exported {rows:,} record(s) to {args.export}.")
    return 0
