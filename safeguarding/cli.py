"""The `safeguarding` command: set up, serve, build demo data, import, verify the audit log.

Exit codes: 0 success, 1 the check or import found a problem, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _collect_static() -> None:
    """Gather the built stylesheet and the front-end packages' assets for WhiteNoise."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def cmd_setup(args: argparse.Namespace) -> int:
    """Create or upgrade the database, collect static files, and (outside production) load
    the demo area into an empty database."""
    _django()
    from safeguarding.environment import is_production

    _migrate(verbosity=1 if args.verbose else 0)
    from safeguarding.access.models import Agency

    _collect_static()
    if args.demo and not is_production() and not Agency.objects.exists():
        return cmd_demo(args)
    print("Database ready.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    _migrate()
    from safeguarding.access.models import Agency
    from safeguarding.demo.generator import DEMO_PASSWORD, build_demo

    if Agency.objects.filter(code="LA-NORTHBRIDGE").exists():
        print(
            "The demo area is already loaded. Use a fresh database to rebuild it.", file=sys.stderr
        )
        return 1
    result = build_demo(seed=args.seed, scale=args.scale, progress=not args.quiet)
    print(
        f"\nDemo area ready: {result.agencies} agencies, {result.children:,} children, "
        f"{result.concerns:,} concerns."
    )
    print(f"\nSign in at http://127.0.0.1:8000/ with password '{DEMO_PASSWORD}' as:")
    for user, totp_secret in result.users:
        agency = f", {user.agency_code}" if user.agency_code else ""
        print(f"  {user.username:<16} {user.role}{agency}   authenticator key {totp_secret}")
    print(
        "\nFor the security code, add the key to an authenticator app, or run "
        "`safeguarding totp USERNAME` (demo and development only)."
    )
    print(f"API token for the Northbridge Police records system: {result.api_token}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    if args.migrate:
        _migrate()
    from waitress import serve

    from safeguarding.config.wsgi import application

    print(
        f"Serving Safeguarding Hub on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True
    )
    from django.conf import settings

    proxy: dict[str, str] = {}
    if settings.SAFEGUARDING_TRUSTED_PROXY:
        # Behind a TLS-terminating proxy: believe its X-Forwarded-* headers, and no others'.
        proxy = {
            "trusted_proxy": settings.SAFEGUARDING_TRUSTED_PROXY,
            "trusted_proxy_headers": "x-forwarded-proto x-forwarded-for x-forwarded-host",
        }
    serve(
        application,
        host=args.host,
        port=args.port,
        threads=args.threads,
        ident="",
        clear_untrusted_proxy_headers=True,
        **proxy,
    )
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    """Check the chain end to end, and against the checkpoints kept outside the database.
    Reads only: it writes nothing, so that what it finds is reported whatever the state of
    the log (the run itself is in the operator's own records, such as cron's)."""
    _django()
    from pathlib import Path

    from django.conf import settings
    from tqdm import tqdm

    from safeguarding.audit.chain import verify_chain
    from safeguarding.audit.checkpoints import read_checkpoints
    from safeguarding.audit.models import AuditHead

    checkpoints_file = args.checkpoints or settings.AUDIT_CHECKPOINT_FILE
    checkpoints = []
    if checkpoints_file:
        found = read_checkpoints(Path(checkpoints_file))
        # A file not yet written (a new installation) is a warning unless asked for by name.
        if found.problem is not None and (args.checkpoints or not found.missing):
            print(f"FAILED: {found.problem}.", file=sys.stderr)
            return 1
        if found.problem is not None:
            # To standard error, as every warning: standard output carries the result.
            print(
                f"warning: {found.problem}; the log's end is checked against its head only.",
                file=sys.stderr,
            )
        checkpoints = found.checkpoints
    head = AuditHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first()
    with tqdm(
        total=head or 0, desc="Verifying audit log", unit="entry", disable=args.quiet
    ) as progress:
        result = verify_chain(progress=progress, checkpoints=checkpoints)
    if result.problem is not None:
        verified = (
            f"All {result.entries_checked:,} entries verified"
            if result.problem.in_redaction
            else f"{result.entries_checked:,} entries before it verified"
        )
        print(f"FAILED: {result.problem.message}. {verified}.", file=sys.stderr)
        return 1
    against = f", {len(checkpoints):,} checkpoint(s) matched" if checkpoints else ""
    print(f"OK: {result.entries_checked:,} audit entries verified, chain intact{against}.")
    return 0


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    """Append a signed checkpoint of the audit head to the checkpoint file (the worker does
    so on every pass; cron can too)."""
    _django()
    from pathlib import Path

    from django.conf import settings

    from safeguarding.audit.checkpoints import write_checkpoint

    target = args.file or settings.AUDIT_CHECKPOINT_FILE
    if not target:
        print(
            "error: no checkpoint file: set SAFEGUARDING_AUDIT_CHECKPOINT_FILE or give --file",
            file=sys.stderr,
        )
        return 2
    try:
        checkpoint = write_checkpoint(Path(target))
    except OSError as error:
        print(f"error: cannot append to {target}: {error}", file=sys.stderr)
        return 1
    print(f"Checkpoint of entry #{checkpoint.sequence:,} appended to {target}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.concerns.importer import run_import_command

    return run_import_command(args)


def cmd_totp(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.access import second_factor
    from safeguarding.access.models import User
    from safeguarding.environment import is_production

    if is_production():
        print("This command is for demonstration and development only.", file=sys.stderr)
        return 2
    user = User.objects.filter(username=args.username.lower()).first()
    totp_secret = second_factor.read_secret(user) if user else None
    if totp_secret is None:
        print(f"No enrolled user called '{args.username}'.", file=sys.stderr)
        return 1
    print(second_factor.current_code(totp_secret))
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    _django()
    import getpass

    from django.core.exceptions import ValidationError

    from safeguarding.access.actions import create_user
    from safeguarding.access.models import Agency

    agency = Agency.objects.filter(code=args.agency.upper()).first() if args.agency else None
    if args.agency and agency is None:
        print(f"No agency with code '{args.agency}'.", file=sys.stderr)
        return 1
    from safeguarding.access.roles import Role

    system_account = args.role == Role.SYSTEM_INTEGRATION
    if system_account:
        # Agency systems never sign in to the web: they use API tokens (issue-token).
        import secrets

        password = secrets.token_urlsafe(48)
    else:
        password = os.environ.get("SAFEGUARDING_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
    try:
        user = create_user(
            actor=None,
            username=args.username,
            password=password,
            role=args.role,
            agency=agency,
            email=args.email or "",
            given_name=args.given_name or "",
            family_name=args.family_name or "",
            temporary_password=not system_account,
        )
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 1
    if system_account:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        print(
            f"Created system account {user.username}. Issue it a token with "
            f"`safeguarding issue-token {user.username}`."
        )
    else:
        print(
            f"Created {user.username} ({user.get_role_display()}). They set up their security "
            "code at first sign-in."
        )
    return 0


def cmd_create_agency(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.access.actions import create_agency
    from safeguarding.access.models import Agency

    home = None
    if args.home_authority:
        home = Agency.objects.filter(code=args.home_authority.upper()).first()
        if home is None:
            print(f"error: no agency with code '{args.home_authority}'", file=sys.stderr)
            return 1
    try:
        agency = create_agency(
            actor=None,
            code=args.code,
            name=args.name,
            kind=args.kind,
            area_name=args.area or "",
            home_authority=home,
            dfe_number=args.dfe_number,
        )
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 1
    print(f"Created {agency.code}: {agency.name}.")
    return 0


def cmd_set_dfe_number(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.access.actions import set_dfe_number
    from safeguarding.access.models import Agency

    agency = Agency.objects.filter(code=args.code.upper()).first()
    if agency is None:
        print(f"error: no agency with code '{args.code}'", file=sys.stderr)
        return 1
    try:
        set_dfe_number(actor=None, agency=agency, number=args.number)
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 1
    print(f"{agency.code}'s DfE number is {agency.dfe_number}.")
    return 0


def cmd_reset_second_factor(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.access.actions import reset_second_factor
    from safeguarding.access.models import User

    user = User.objects.filter(username=args.username.lower()).first()
    if user is None:
        print(f"error: no user called '{args.username}'", file=sys.stderr)
        return 1
    reset_second_factor(actor=None, user=user)
    print(f"{user.username} will set up a new security code at their next sign-in.")
    return 0


def cmd_issue_token(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.access.actions import issue_api_token
    from safeguarding.access.models import User
    from safeguarding.access.roles import Role

    user = User.objects.filter(username=args.username.lower(), is_active=True).first()
    if user is None:
        print(f"No active user called '{args.username}'.", file=sys.stderr)
        return 1
    if user.role != Role.SYSTEM_INTEGRATION:
        # A token acts without a second factor: only an agency's system account may hold one.
        print(
            f"error: {user.username} is a person's account ({user.get_role_display()}). "
            "Tokens are for agency system accounts: create one with "
            "`safeguarding create-user NAME --role system-integration --agency CODE`.",
            file=sys.stderr,
        )
        return 1
    try:
        token = issue_api_token(actor=None, user=user, name=args.name, days_valid=args.days)
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_list_tokens(args: argparse.Namespace) -> int:
    """The tokens of one account, with the id that `revoke-token` takes."""
    _django()
    from django.utils import timezone

    from safeguarding.access.models import ApiToken, User

    user = User.objects.filter(username=args.username.lower()).first()
    if user is None:
        print(f"error: no user called '{args.username}'", file=sys.stderr)
        return 1
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=user).order_by("created_at")
    if not tokens:
        print(f"{user.username} holds no tokens.")
    for token in tokens:
        if token.revoked_at is not None:
            state = f"revoked {token.revoked_at:%Y-%m-%d}"
        elif token.expires_at <= now:
            state = f"expired {token.expires_at:%Y-%m-%d}"
        else:
            state = f"works until {token.expires_at:%Y-%m-%d}"
        used = f"last used {token.last_used_at:%Y-%m-%d}" if token.last_used_at else "never used"
        print(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t{used}")
    return 0


def cmd_revoke_token(args: argparse.Namespace) -> int:
    """Stop one token working at once; the account's other tokens go on working."""
    _django()
    from safeguarding.access.actions import revoke_api_token

    if not revoke_api_token(actor=None, token_id=args.token_id):
        print(f"error: no working token with id {args.token_id}", file=sys.stderr)
        return 1
    print(f"Token {args.token_id} revoked.")
    return 0


def cmd_clocks_deadline(args: argparse.Namespace) -> int:
    _django()
    from datetime import date

    from django.core.exceptions import ValidationError

    from safeguarding.access.models import Agency
    from safeguarding.clocks.actions import deadline, limit_for
    from safeguarding.clocks.rules import ClockType

    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        print(f"error: START must be a date like 2026-11-30, not '{args.start}'", file=sys.stderr)
        return 2
    authority = None
    if args.authority:
        authority = Agency.objects.filter(code=args.authority.upper()).first()
        if authority is None:
            print(f"error: no agency with code '{args.authority}'", file=sys.stderr)
            return 2
    try:
        due = deadline(args.clock, start, authority)
    except ValidationError:
        names = ", ".join(ClockType.values)
        print(f"error: unknown clock '{args.clock}'. Clocks: {names}", file=sys.stderr)
        return 2
    if args.explain:
        limit = limit_for(authority, args.clock)
        print(
            f"{ClockType(args.clock).label}: {limit.describe()} from {start:%A %-d %B %Y} "
            f"(day 0) is due {due:%A %-d %B %Y}"
        )
    else:
        print(due.isoformat())
    return 0


def cmd_clocks_escalate(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.clocks.actions import escalate_clocks
    from safeguarding.reportingduty.actions import flag_missed_deadlines

    # Missed duty-to-report deadlines first: their own alert spares the clock's escalation.
    flagged = flag_missed_deadlines()
    result = escalate_clocks()
    print(
        f"{result.reminded} reminder(s) sent, {result.escalated} missed clock(s) escalated, "
        f"{flagged} missed duty-to-report deadline(s) flagged."
    )
    return 0


def cmd_clocks_set_limit(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from safeguarding.access.models import Agency
    from safeguarding.clocks.actions import set_clock_limit

    authority = Agency.objects.filter(code=args.authority.upper()).first()
    if authority is None:
        print(f"error: no agency with code '{args.authority}'", file=sys.stderr)
        return 2
    try:
        result = set_clock_limit(
            actor=None,
            authority=authority,
            clock_type=args.clock,
            amount=args.amount,
            unit=args.unit,
        )
    except ValidationError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2
    print(f"Limit set. {result.clocks_updated:,} open clock(s) recomputed.")
    return 0


def cmd_networks(args: argparse.Namespace) -> int:
    """List exploitation networks with their members and the evidence for each link;
    --rebuild rebuilds them (and raises alerts) first. The listing is audited."""
    _django()
    from tqdm import tqdm

    from safeguarding.networks.actions import rebuild_networks
    from safeguarding.networks.export import as_csv, as_json
    from safeguarding.networks.queries import export_networks

    if args.rebuild:
        with tqdm(total=4, desc="Building networks", unit="stage", disable=args.quiet) as bar:
            result = rebuild_networks(force=True, step=lambda _stage: bar.update(1))
        print(result.summary(), file=sys.stderr)
        if args.format is None and args.output is None:
            return 0
    networks = export_networks(limit=args.limit)
    text = as_csv(networks) if args.format == "csv" else as_json(networks)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        print(f"{len(networks):,} network(s) written to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_inspection_actions_overdue(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.inspections.actions import notify_overdue_actions

    told = notify_overdue_actions()
    print(f"{told} overdue inspection action(s) notified.")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the scheduled work (safeguarding/scheduled.py: helpline clocks, missed reporting
    deadlines, expired warning notices, clock reminders and escalation) every --interval
    seconds. Each pass is idempotent, so running two workers, or restarting one, is harmless."""
    _django()
    import signal
    import threading

    from django.db import close_old_connections, connection

    from safeguarding.scheduled import run_pass
    from safeguarding.taskforce.command import worker_job as taskforce_job

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    while True:
        # Drop a connection the database has closed, or one past its age, between passes
        # (never inside a transaction: a caller's, such as a test's, keeps its connection).
        if not connection.in_atomic_block:
            close_old_connections()
        result = run_pass()
        print(f"worker: {result.summary()}, {taskforce_job()}", flush=True)
        if args.once or stopping.wait(args.interval):
            return 0


def cmd_link(args: argparse.Namespace) -> int:
    _django()
    from safeguarding.linkage.command import run

    return run(args)


def cmd_backup(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from safeguarding.backup import BackupError, backup

    try:
        result = backup(Path(args.file))
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Backed up the {result.vendor} database to {result.path} ({result.size:,} bytes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from safeguarding.backup import BackupError, restore

    try:
        restore(Path(args.file))
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("Restored. Check it with `safeguarding verify-audit` before serving from it.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguarding manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safeguarding",
        description="Safeguarding Hub: concerns from every agency in one place.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def demo_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="random seed; the same seed builds the same area (default 2026)",
        )
        command.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="size multiplier: 1 is about 2,000 children and 10,000 concerns (default 1)",
        )
        command.add_argument("--quiet", action="store_true", help="no progress bar")

    setup = add(
        "setup", cmd_setup, "Create or upgrade the database; load the demo area into an empty one."
    )
    setup.add_argument(
        "--no-demo",
        dest="demo",
        action="store_false",
        help="do not load demo data into an empty database",
    )
    setup.add_argument("--verbose", action="store_true", help="list each migration")
    demo_options(setup)

    serve = add("serve", cmd_serve, "Serve the web application and API.")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.add_argument(
        "--no-migrate",
        dest="migrate",
        action="store_false",
        help="do not apply pending migrations first",
    )

    demo_options(add("demo", cmd_demo, "Build the fictional demo area with synthetic data."))

    importer = add("import", cmd_import, "Import concerns from a JSON Lines or CSV file.")
    importer.add_argument("file", help="the file to import (.jsonl or .csv)")
    importer.add_argument(
        "--agency", required=True, help="code of the agency whose records these are"
    )
    importer.add_argument(
        "--format",
        choices=["jsonl", "csv"],
        help="file format (default: from the file's extension)",
    )
    importer.add_argument(
        "--partial",
        action="store_true",
        help="import the good rows and write rejected rows to --rejects",
    )
    importer.add_argument("--rejects", help="where --partial writes rejected rows and reasons")
    importer.add_argument("--quiet", action="store_true", help="no progress bar")

    verify = add(
        "verify-audit",
        cmd_verify_audit,
        "Check the whole audit chain; exit 1 naming the first bad entry.",
    )
    verify.add_argument("--quiet", action="store_true", help="no progress bar")
    verify.add_argument(
        "--checkpoints",
        help="the checkpoint file to check against (default SAFEGUARDING_AUDIT_CHECKPOINT_FILE)",
    )
    checkpoint = add(
        "audit-checkpoint",
        cmd_audit_checkpoint,
        "Append a signed checkpoint of the audit log's head to the checkpoint file.",
    )
    checkpoint.add_argument(
        "--file", help="the file to append to (default SAFEGUARDING_AUDIT_CHECKPOINT_FILE)"
    )

    totp = add(
        "totp", cmd_totp, "Print a user's current security code (demo and development only)."
    )
    totp.add_argument("username")

    create = add(
        "create-user",
        cmd_create_user,
        "Create a member of staff (password from SAFEGUARDING_NEW_USER_PASSWORD or a prompt).",
    )
    create.add_argument("username")
    create.add_argument("--role", required=True, help="role code, e.g. system-admin")
    create.add_argument("--agency", help="agency code")
    create.add_argument("--email")
    create.add_argument("--given-name")
    create.add_argument("--family-name")

    from safeguarding.access.agency_kinds import AgencyKind

    new_agency = add("create-agency", cmd_create_agency, "Create an agency.")
    new_agency.add_argument("code", help="a short unique code, e.g. LA-NORTHBRIDGE")
    new_agency.add_argument("name")
    new_agency.add_argument("--kind", required=True, choices=AgencyKind.values)
    new_agency.add_argument("--area", help="the area it serves")
    new_agency.add_argument(
        "--home-authority", help="code of the local authority whose MASH receives its concerns"
    )
    new_agency.add_argument(
        "--dfe-number", default="", help="a local authority's three-digit DfE number, e.g. 935"
    )
    dfe = add(
        "set-dfe-number",
        cmd_set_dfe_number,
        "Record a local authority's three-digit DfE number, which its returns carry.",
    )
    dfe.add_argument("code", help="the local authority's agency code")
    dfe.add_argument("number", help="three digits, e.g. 935")

    reset = add(
        "reset-second-factor",
        cmd_reset_second_factor,
        "Make a user set up a new security code at next sign-in (lost phone).",
    )
    reset.add_argument("username")

    token = add("issue-token", cmd_issue_token, "Issue an API token for an agency system account.")
    token.add_argument("username")
    token.add_argument("--name", default="api token", help="what the token is for")
    token.add_argument(
        "--days", type=int, default=365, help="days until it expires, 1 to 730 (default 365)"
    )
    tokens = add("list-tokens", cmd_list_tokens, "List an account's API tokens and their ids.")
    tokens.add_argument("username")
    revoke = add("revoke-token", cmd_revoke_token, "Revoke one API token, by its id.")
    revoke.add_argument("token_id", type=int, help="the id `list-tokens` shows")

    add(
        "inspection-actions-overdue",
        cmd_inspection_actions_overdue,
        "Tell the owners of overdue joint-inspection actions, their managers and the area's "
        "senior manager, once for each action (run every morning).",
    )
    clocks = sub.add_parser(
        "clocks",
        help="Statutory clocks: due dates, escalation, limits.",
        description="Statutory clocks: due dates, escalation, limits.",
    )
    clock_sub = clocks.add_subparsers(dest="clocks_command", required=True, metavar="ACTION")
    due = clock_sub.add_parser(
        "deadline",
        help="Print the due date of a clock started on START.",
        description="Print the due date of a clock started on START "
        "(day 0), using the authority's limit if it has one.",
    )
    due.set_defaults(handler=cmd_clocks_deadline)
    due.add_argument("clock", help="clock type, e.g. referral-decision, initial-conference")
    due.add_argument("start", help="start date, e.g. 2026-12-24")
    due.add_argument("--authority", help="local authority code, for its own limits")
    due.add_argument("--explain", action="store_true", help="say how the date was reached")
    escalate = clock_sub.add_parser(
        "escalate", help="Send reminders and escalate missed clocks (run every morning)."
    )
    escalate.set_defaults(handler=cmd_clocks_escalate)
    set_limit = clock_sub.add_parser(
        "set-limit", help="Set an authority's limit for a clock and recompute its open clocks."
    )
    set_limit.set_defaults(handler=cmd_clocks_set_limit)
    set_limit.add_argument("clock")
    set_limit.add_argument("amount", type=int)
    set_limit.add_argument(
        "unit", choices=["working-days", "days", "weeks", "months", "school-days"]
    )
    set_limit.add_argument("--authority", required=True)

    worker = add("worker", cmd_worker, "Run scheduled work: clock reminders and escalation.")
    worker.add_argument(
        "--interval", type=int, default=300, help="seconds between passes (default 300)"
    )
    worker.add_argument("--once", action="store_true", help="run one pass and exit")

    networks = add(
        "networks",
        cmd_networks,
        "List exploitation networks, their members and the evidence for each link.",
    )
    networks.add_argument("--format", choices=["json", "csv"], help="output format (default json)")
    networks.add_argument("--output", help="write to this file instead of the screen")
    networks.add_argument(
        "--rebuild", action="store_true", help="rebuild the networks and raise alerts first"
    )
    networks.add_argument("--limit", type=int, help="only the N highest-risk networks")
    networks.add_argument("--quiet", action="store_true", help="no progress bar")

    from safeguarding.linkage.command import add_arguments as link_arguments

    link_arguments(
        add(
            "link",
            cmd_link,
            "Link agencies' records of the same person: new records against resolved ones.",
        )
    )

    from safeguarding.taskforce.command import add_arguments as taskforce_arguments

    taskforce_arguments(sub)

    from safeguarding.returns.command import add_arguments as returns_arguments

    returns_arguments(sub)

    from safeguarding.retention.command import add_arguments as retention_arguments

    retention_arguments(sub)

    saved = add(
        "backup", cmd_backup, "Copy the whole database to FILE (pg_dump, or SQLite's backup)."
    )
    saved.add_argument("file", help="the backup file to write; it must not exist")
    restored = add(
        "restore", cmd_restore, "Load a backup FILE into the configured, empty database."
    )
    restored.add_argument("file", help="a file written by `safeguarding backup`")

    manage = add("manage", cmd_manage, "Run a Django management command (for operators).")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
