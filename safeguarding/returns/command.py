"""`safeguarding returns ...`: the statutory returns, written to files. Kept here so that
cli.py only wires the commands in."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    returns = sub.add_parser(
        "returns",
        help="Statutory returns: the CIN census and Ofsted's Annex A.",
        description="Statutory returns: the CIN census and Ofsted's Annex A.",
    )
    actions = returns.add_subparsers(dest="returns_command", required=True, metavar="RETURN")
    census = actions.add_parser(
        "cin-census",
        help="Write an authority's Children in Need census return (DfE XML).",
        description="Write the authority's Children in Need census for the collection year "
        "as the DfE's XML. If any child's record cannot make a valid return, list each "
        "with the rule it breaks and how to fix it, write nothing and exit 1.",
    )
    census.add_argument("--year", required=True, help="collection year, e.g. 2025-26")
    census.add_argument("--authority", required=True, help="local authority code")
    census.add_argument("--output", required=True, type=Path, help="the XML file to write")
    census.set_defaults(handler=cmd_cin_census)
    annex = actions.add_parser(
        "annex-a",
        help="Write Ofsted's Annex A lists for an inspection (Excel workbook).",
        description="Write the authority's Annex A lists for an inspection of local "
        "authority children's services as an Excel workbook, one sheet per list, with "
        "Ofsted's column headers. Lists the service holds no data for are written with "
        "their headers and a note.",
    )
    annex.add_argument("--authority", required=True, help="local authority code")
    annex.add_argument("--output", required=True, type=Path, help="the .xlsx file to write")
    annex.add_argument(
        "--inspection-date",
        type=date.fromisoformat,
        default=None,
        help="the inspection's first day, as 2026-03-02 (default: today)",
    )
    annex.set_defaults(handler=cmd_annex_a)


def write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` all at once: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as part:
        part.write(content)
    Path(part.name).replace(path)


def cmd_cin_census(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.access.models import Agency, AgencyKind
    from safeguarding.returns.actions import produce_cin_census
    from safeguarding.returns.cin_census import CollectionYear

    try:
        year = CollectionYear.parse(args.year)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    authority = Agency.objects.filter(code=args.authority, kind=AgencyKind.LOCAL_AUTHORITY).first()
    if authority is None:
        print(f"No local authority has the code {args.authority!r}.", file=sys.stderr)
        return 2
    census = produce_cin_census(actor=None, authority=authority, year=year)
    if not census.valid:
        for problem in census.authority_problems:
            print(f"{problem.message}; nothing was written. {problem.fix}.", file=sys.stderr)
        if census.problems:
            print(
                f"{len(census.problems)} of {census.children} children cannot be returned; "
                f"nothing was written. Fix each record and run again:",
                file=sys.stderr,
            )
        for child in census.problems:
            for problem in child.problems:
                print(
                    f"  {child.la_child_id} (person {child.person_id}): rule {problem.rule}: "
                    f"{problem.message}. {problem.fix}.",
                    file=sys.stderr,
                )
        return 1
    write_whole(args.output, census.xml)
    print(f"Wrote the {year.label} CIN census of {census.children} children to {args.output}.")
    if census.queries:
        print(f"{len(census.queries)} children have something to check before you submit:")
        for child in census.queries:
            for problem in child.problems:
                print(f"  {child.la_child_id}: query {problem.rule}: ", end="")
                print(f"{problem.message}. {problem.fix}.")
    return 0


def cmd_annex_a(args: argparse.Namespace) -> int:
    _django()
    from django.utils import timezone

    from safeguarding.access.models import Agency, AgencyKind
    from safeguarding.returns.actions import produce_annex_a

    authority = Agency.objects.filter(code=args.authority, kind=AgencyKind.LOCAL_AUTHORITY).first()
    if authority is None:
        print(f"No local authority has the code {args.authority!r}.", file=sys.stderr)
        return 2
    if args.output.suffix.lower() != ".xlsx":
        print("Give the output file the extension .xlsx.", file=sys.stderr)
        return 2
    inspection_date = args.inspection_date or timezone.localdate()
    annex = produce_annex_a(actor=None, authority=authority, inspection_date=inspection_date)
    write_whole(args.output, annex.workbook())
    counts = ", ".join(f"{name}: {len(rows)}" for name, rows in annex.rows.items() if rows)
    print(f"Wrote Annex A for {authority.code} on {inspection_date:%d %B %Y} to {args.output}")
    print(f"Rows: {counts or 'none'}.")
    return 0
