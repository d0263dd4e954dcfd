"""`safeguarding erase` and `safeguarding legal-hold ...`: operators' commands for
erasure and legal holds. Kept here so that cli.py only wires the commands in.

Exit codes: 0 done; 1 refused because a legal hold applies (the hold is named); 2 the
input is wrong (no such person or hold, a reason too short), each problem on standard
error.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

EXIT_HELD = 1
EXIT_INPUT = 2


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    erase = sub.add_parser(
        "erase",
        help="Erase everything held about a person, unless a legal hold applies.",
        description="Erase everything every part of the service holds about the person "
        "PERSON_ID (their record, concerns naming them alone, MASH contacts, pathway events, "
        "case work, clocks, networks...), in one transaction: all of it or none. Mentions "
        "of them in records kept for others are replaced by [erased], and so are they in "
        "the audit log's sealed reasons. The audit log keeps an entry of the erasure, by "
        "id. Refused (exit 1), naming the hold, while a legal "
        "hold applies; exit 2 for wrong input.",
    )
    erase.add_argument("person_id", metavar="PERSON_ID", help="the person's record id (UUID)")
    erase.add_argument(
        "--reason",
        required=True,
        help="why the person is erased (at least 10 characters; name no one)",
    )
    erase.set_defaults(handler=cmd_erase)

    retention = sub.add_parser(
        "retention",
        help="The retention schedule: erase what is due, tell agencies ahead.",
        description="The retention schedule (docs/operators/retention.md).",
    )
    retention_actions = retention.add_subparsers(
        dest="retention_command", required=True, metavar="ACTION"
    )
    run = retention_actions.add_parser(
        "run",
        help="Erase the people whose records have all passed their retention period.",
        description="Find each person whose records have all passed their retention "
        "period and erase them, one transaction each, unless a legal hold applies; tell "
        "the agencies holding records due within the notice period "
        "(SAFEGUARDING_RETENTION_NOTICE_DAYS, 30 by default), once. Running it again "
        "erases and tells no one twice. The worker runs it once a day.",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="say what would be done, and change nothing"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=cmd_retention_run)

    access = sub.add_parser(
        "subject-access",
        help="Write everything held about a person as a PDF and a JSON file.",
        description="Assemble everything every part of the service holds about the person "
        "PERSON_ID, other people's names replaced by [third party], and write it to DIR as "
        "subject-access-PERSON_ID.pdf (tagged, for reading aloud) and .json. With "
        "--request, the items withheld on that request are left out and listed with their "
        "exemption. Audited. Exit 2 for wrong input.",
    )
    access.add_argument("person_id", metavar="PERSON_ID", help="the person's record id (UUID)")
    access.add_argument("--output", required=True, metavar="DIR", help="the folder to write to")
    access.add_argument("--request", help="a subject access request's id, for its withholdings")
    access.set_defaults(handler=cmd_subject_access)

    hold = sub.add_parser(
        "legal-hold",
        help="Place, release and list legal holds.",
        description="Legal holds keep records from erasure and from the retention run "
        "until released.",
    )
    actions = hold.add_subparsers(dest="hold_command", required=True, metavar="ACTION")
    place = actions.add_parser(
        "place",
        help="Hold one person's records, or a class of records.",
        description="Hold one person's records (--person), or a class of records: an "
        "agency's (--agency), one kind of record (--kind), recorded in a range of days "
        "(--from, --to), or any combination. Prints the hold's id.",
    )
    place.add_argument("--reference", required=True, help="the inquiry's or claim's reference")
    place.add_argument("--reason", required=True, help="why the records must be kept")
    place.add_argument("--person", help="a person's record id")
    place.add_argument("--agency", help="an agency's code")
    place.add_argument("--kind", help="a kind of record, such as concern or pathway-event")
    place.add_argument("--from", dest="recorded_from", type=_day, help="first day recorded")
    place.add_argument("--to", dest="recorded_to", type=_day, help="last day recorded")
    place.set_defaults(handler=cmd_hold_place)
    release = actions.add_parser("release", help="Release a hold, with the reason.")
    release.add_argument("hold_id", help="the hold's id, as `legal-hold list` shows")
    release.add_argument("--reason", required=True, help="why the hold is released")
    release.set_defaults(handler=cmd_hold_release)
    listed = actions.add_parser("list", help="List the holds in force (--all: released too).")
    listed.add_argument("--all", action="store_true", help="include released holds")
    listed.set_defaults(handler=cmd_hold_list)


def _problems(error: Exception) -> None:
    from django.core.exceptions import ValidationError

    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages:
        print(f"error: {message}", file=sys.stderr)


def cmd_erase(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.audit.redaction import redacted_among
    from safeguarding.retention.actions import HeldError, erase_person

    try:
        erasure = erase_person(args.person_id, actor=None, reason=args.reason)
    except HeldError as error:
        _problems(error)
        return EXIT_HELD
    except ValidationError as error:
        _problems(error)
        return EXIT_INPUT
    total = sum(erasure.removed.values())
    print(f"Erased person {erasure.person_id}: {total:,} row(s) removed or changed.")
    for name, count in sorted(erasure.removed.items()):
        if count:
            print(f"  {name}: {count:,}")
    redacted = redacted_among(erasure.log_entries_naming)
    if redacted:
        entries = ", ".join(f"#{n}" for n in sorted(redacted))
        print(f"  audit reasons redacted: entries {entries}")
    kept = [n for n in erasure.log_entries_naming if n not in redacted]
    if kept:
        entries = ", ".join(f"#{n}" for n in kept)
        print(
            f"warning: the audit log's reasons, written before reasons were sealed, still "
            f"name them in entries {entries}.",
            file=sys.stderr,
        )
    return 0


def cmd_retention_run(args: argparse.Namespace) -> int:
    _django()
    from tqdm import tqdm

    from safeguarding.retention.run import run_retention

    with tqdm(desc="Checking retention", unit="person", disable=args.quiet) as bar:

        def set_total(count: int) -> None:
            bar.total = count
            bar.refresh()

        result = run_retention(dry_run=args.dry_run, progress=bar.update, total=set_total)
    print(f"{'Dry run: ' if args.dry_run else ''}{result.summary()}.")
    for person_id in result.held:
        print(f"  kept by a legal hold: {person_id}")
    if args.dry_run:
        for person_id in result.erased:
            print(f"  would be erased: {person_id}")
    return 0


def cmd_subject_access(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from safeguarding.retention.subject_access import bundle_pdf, produce_bundle

    try:
        bundle = produce_bundle(args.person_id, actor=None, request_id=args.request)
    except ValidationError as error:
        _problems(error)
        return EXIT_INPUT
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"subject-access-{bundle.person_id}"
    stem.with_suffix(".json").write_text(bundle.as_json(), encoding="utf-8")
    stem.with_suffix(".pdf").write_bytes(bundle_pdf(bundle))
    print(
        f"{len(bundle.items):,} item(s), {len(bundle.withheld):,} withheld, "
        f"{bundle.redactions:,} third-party name(s) redacted: {stem}.pdf and {stem}.json"
    )
    return 0


def cmd_hold_place(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.retention.actions import HoldDetails, place_hold

    try:
        hold = place_hold(
            actor=None,
            details=HoldDetails(
                reference=args.reference,
                reason=args.reason,
                person_id=args.person,
                agency_code=args.agency or "",
                kind=args.kind or "",
                recorded_from=args.recorded_from,
                recorded_to=args.recorded_to,
            ),
        )
    except ValidationError as error:
        _problems(error)
        return EXIT_INPUT
    print(hold.pk)
    return 0


def cmd_hold_release(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.retention.actions import release_hold

    try:
        hold = release_hold(args.hold_id, actor=None, reason=args.reason)
    except ValidationError as error:
        _problems(error)
        return EXIT_INPUT
    print(f"Released legal hold {hold.reference}.")
    return 0


def cmd_hold_list(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.retention.queries import holds_for_listing

    for hold in holds_for_listing(actor=None, include_released=args.all):
        scope = hold.scope
        state = "in force" if hold.is_open else f"released {hold.released_at:%Y-%m-%d}"
        print(f"{hold.pk}  {hold.reference}  {scope}  {state}")
    return 0
