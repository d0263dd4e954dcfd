"""`safeguarding taskforce ...`: refresh the dashboard's figures, and set the areas it
compares. Kept here so that cli.py only wires the commands in."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    taskforce = sub.add_parser(
        "taskforce",
        help="National dashboard: refresh its figures, set comparison areas.",
        description="National dashboard: refresh its figures, set comparison areas.",
    )
    actions = taskforce.add_subparsers(dest="taskforce_command", required=True, metavar="ACTION")
    refresh = actions.add_parser(
        "refresh",
        help="Recount recent months (or, with --full, everything) and republish the figures.",
        description="Recount the recent months (TASKFORCE_REFRESH_MONTHS, default 3) and "
        "republish the financial years they fall in. --full recounts every month.",
    )
    refresh.add_argument("--full", action="store_true", help="recount every month")
    refresh.add_argument("--quiet", action="store_true", help="no progress bar")
    refresh.set_defaults(handler=cmd_refresh)
    areas = actions.add_parser(
        "comparison-areas",
        help="Set similar areas and force areas from a CSV file.",
        description="Read a CSV file of code pairs. 'area_code,neighbour_code' makes the "
        "second a similar area of the first (local authorities with local authorities, "
        "forces with forces); 'authority_code,force_code' records that the force polices "
        "the authority's area. Each area's similar areas are replaced by those in the file.",
    )
    areas.add_argument("file", type=Path, help="the CSV file")
    areas.set_defaults(handler=cmd_comparison_areas)


def cmd_refresh(args: argparse.Namespace) -> int:
    _django()
    from tqdm import tqdm

    from safeguarding.taskforce.refresh import refresh

    with tqdm(total=1, desc="Refreshing figures", unit="pass", disable=args.quiet) as bar:
        result = refresh(full=args.full)
        bar.update(1)
    print(f"Refreshed: {result.summary()}.")
    return 0


def cmd_comparison_areas(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.taskforce.actions import import_comparison_file

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        count = import_comparison_file(actor=None, text=text)
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2
    print(f"Similar areas set for {count:,} area(s).")
    return 0


def worker_job() -> str:
    """The worker's pass: refresh the figures if the last refresh is old enough."""
    from safeguarding.taskforce.refresh import refresh_if_due

    result = refresh_if_due()
    return "dashboard figures up to date" if result is None else "dashboard figures refreshed"
