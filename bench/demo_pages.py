"""How fast the pages answer on the demo area, on SQLite, as `make run` serves them.

`make run` serves the demo area (`safeguarding setup`: one council, about 2,000 children and
10,000 concerns) from a SQLite file. This benchmark measures the pages on such a file:

  * every demo user's home page: each signs in through the real sign-in pages (password,
    then a TOTP code), as the `pages` benchmark's staff do
  * the busiest pages: the MASH triage queue and the contacts it links to, person pages and
    chronologies of a fixed sample of children, the deadlines dashboard, notifications, the
    networks list and the networks it links to, the taskforce dashboard
  * every other page in each demo user's navigation

Each page is requested a fixed number of times from a fixed number of client threads
spread over the application servers (one per core), after a few warm-up requests, and its
count, p50, p95 and max latency are printed against the target of p95 under 300 ms.

The demo file is built at demo scale when absent (`safeguarding demo`'s code, seed 2026;
15 to 25 minutes) and kept for the next run; or give the file of your own with --demo. It
is only read: the benchmark runs on a copy, in which it gives each demo user a password and
security code of its own. Then it renders each page once in-process with its SQL captured
and writes the slowest statements' query plans next to the results.

    .venv/bin/python -m bench --database sqlite --only pages
    .venv/bin/python -m bench.demo_pages --demo /path/to/safeguarding.sqlite3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.data import BenchDatabase, configure
from bench.pages_speed import (
    CONCURRENCY,
    SEED,
    SERVERS,
    TARGET_P95_MS,
    Account,
    Browser,
    app_servers,
    explain_pages,
    measure,
    sample_children,
    sign_in,
)

if TYPE_CHECKING:
    from safeguarding.access.models import User

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DEMO = RESULTS / "demo.sqlite3"
DEMO_SEED = 2026
DEMO_SCALE = 1.0
REQUESTS = 40  # per page
WARM_UP = 2  # per page and server
SAMPLE_CHILDREN = 50
LINKED = 10  # detail pages taken from a list page's links
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    username: str
    paths: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# The demo file


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included), read-only
    on the source."""
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_connection = sqlite3.connect(target)
    try:
        source_connection.backup(target_connection)
    finally:
        target_connection.close()
        source_connection.close()


@contextmanager
def using_database(path: Path) -> Iterator[BenchDatabase]:
    """Point Django's default connection at the SQLite file ``path``, migrated."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = str(path)
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield BenchDatabase(vendor="sqlite", name=str(path), url=f"sqlite:///{path}")
    finally:
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original


def build_demo_file(path: Path, *, progress: bool) -> None:
    """The demo area at demo scale, as `safeguarding setup` builds it, into ``path``.
    Built beside it and renamed when complete, so an interrupted build leaves nothing."""
    from safeguarding.demo.generator import build_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"Building the demo area into {path} (15 to 25 minutes)...", file=sys.stderr)
    with using_database(partial):
        build_demo(seed=DEMO_SEED, scale=DEMO_SCALE, progress=progress)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # One file, complete: copied rather than renamed with its log beside it, and out of
    # write-ahead logging, so that reading it later leaves no log files beside it.
    copy_database(partial, path)
    built = sqlite3.connect(path)
    try:
        built.execute("PRAGMA journal_mode=DELETE")
    finally:
        built.close()
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------
# Who signs in, and what they open


def demo_users() -> list[User]:
    """Every member of staff in the demo file who signs in to the web pages: the demo
    area's users first (safeguarding/demo/area.py), in its order, then any others the
    demo built (the inspectors). Agencies' systems use the API only."""
    from safeguarding.access.models import User
    from safeguarding.access.roles import Role
    from safeguarding.demo.area import USERS

    order = {demo.username: number for number, demo in enumerate(USERS)}
    users = list(
        User.objects.filter(is_active=True)
        .exclude(role=Role.SYSTEM_INTEGRATION)
        .select_related("agency")
    )
    missing = set(order) - {user.username for user in users}
    if missing:
        raise RuntimeError(f"the demo file lacks demo users: {', '.join(sorted(missing))}")
    return sorted(users, key=lambda user: (order.get(user.username, len(order)), user.username))


def prepare_accounts(users: list[User]) -> dict[str, Account]:
    """Give each user a password and security code of the benchmark's own, in the copy:
    the demo's codes are encrypted with the key of the var/ that built it."""
    import pyotp
    from django.contrib.auth.hashers import make_password

    from safeguarding.access.second_factor import store_secret

    password = secrets.token_urlsafe(18)
    password_hash = make_password(password)
    accounts = {}
    for user in users:
        totp_secret = pyotp.random_base32()
        store_secret(user, totp_secret)
        user.password = password_hash
        user.totp_confirmed = True
        user.totp_last_step = 0
        user.failed_sign_ins = 0
        user.locked_until = None
        user.must_change_password = False
        user.save(
            update_fields=[
                "password",
                "totp_secret_encrypted",
                "totp_confirmed",
                "totp_last_step",
                "failed_sign_ins",
                "locked_until",
                "must_change_password",
            ]
        )
        accounts[user.username] = Account(user.username, password, totp_secret, user.pk)
    return accounts


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _first(users: list[User], role: str, *, at_local_authority: bool = False) -> User | None:
    for user in users:
        if user.role != role:
            continue
        if at_local_authority and not (user.agency and user.agency.is_local_authority):
            continue
        return user
    return None


def busiest_pages(users: list[User], rng: random.Random) -> list[Page]:
    """The pages staff open most, each as the demo user who opens them. Detail pages found
    through a list page's links (contacts, networks) are added after signing in."""
    from safeguarding.access.roles import Role

    mash = _first(users, Role.MASH_TRIAGE, at_local_authority=True)
    worker = _first(users, Role.PRACTITIONER, at_local_authority=True)
    taskforce = _first(users, Role.TASKFORCE_ANALYST)
    pages: list[Page] = []
    if mash is not None:
        children = sample_children(mash, SAMPLE_CHILDREN, rng)
        pages += [
            Page("queue", "Triage queue", mash.username, ("/mash/",)),
            Page(
                "person_mash",
                "Person pages",
                mash.username,
                tuple(f"/people/{child}/" for child in children),
            ),
            Page("deadlines", "Deadlines dashboard", mash.username, ("/clocks/",)),
        ]
    if worker is not None:
        children = sample_children(worker, SAMPLE_CHILDREN, rng)
        pages += [
            Page(
                "person_practitioner",
                "Person pages",
                worker.username,
                tuple(f"/people/{child}/" for child in children),
            ),
            Page(
                "chronology",
                "Chronologies",
                worker.username,
                tuple(f"/people/{child}/chronology/" for child in children),
            ),
            Page("notifications", "Notifications", worker.username, ("/notifications/",)),
        ]
    if taskforce is not None:
        pages.append(
            Page("taskforce_dashboard", "National dashboard", taskforce.username, ("/taskforce/",))
        )
    return pages


# (key, label, role, list page, pattern of its links): detail pages taken from a list.
LINKED_PAGES = (
    ("contact", "MASH contact pages", "mash-triage", "/mash/", rf"/mash/contacts/{UUID}/"),
    ("networks", "Networks list", "police-analyst", "/networks/", None),
    ("network", "Network pages", "police-analyst", "/networks/", rf"/networks/{UUID}/"),
)


def linked_pages(users: list[User], port: int, sessions: dict[str, dict[str, str]]) -> list[Page]:
    """Detail pages as staff reach them: the first links of their list page."""
    pages = []
    for key, label, role, list_path, pattern in LINKED_PAGES:
        user = _first(users, role)
        if user is None:
            continue
        if pattern is None:
            pages.append(Page(key, label, user.username, (list_path,)))
            continue
        browser = Browser(port, sessions[user.username])
        try:
            status, _, body = browser.request("GET", list_path)
        finally:
            browser.close()
        links = list(dict.fromkeys(re.findall(f'href="({pattern})"', body)))[:LINKED]
        if status == 200 and links:
            pages.append(Page(key, label, user.username, tuple(links)))
    return pages


def home_and_navigation_pages(users: list[User], measured: list[Page]) -> list[Page]:
    """Each user's home page, then every other page in each user's navigation not
    measured already for that user."""
    from django.urls import reverse

    from safeguarding.web.navigation import items_for

    homes = [
        Page(f"home_{_slug(user.username)}", "Home page", user.username, ("/",)) for user in users
    ]
    seen = {(page.username, path) for page in [*measured, *homes] for path in page.paths}
    navigation = []
    for user in users:
        for item in items_for(user):
            path = reverse(item.url_name)
            if (user.username, path) in seen:
                continue
            seen.add((user.username, path))
            navigation.append(
                Page(
                    f"nav_{_slug(user.username)}_{_slug(item.url_name)}",
                    item.text,
                    user.username,
                    (path,),
                )
            )
    return homes + navigation


# ---------------------------------------------------------------------------------------
# The benchmark


def _table(pages: list[Page], results: dict[str, float]) -> str:
    lines = [
        f"| Page | Signed in as | Paths | Requests | Errors | p50 | p95 | max | "
        f"p95 < {TARGET_P95_MS:.0f} ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in pages:
        key = page.key
        if f"{key}_requests" not in results:
            continue
        p95 = results[f"{key}_p95_ms"]
        paths = page.paths[0] if len(page.paths) == 1 else f"{len(page.paths)} pages"
        lines.append(
            f"| {page.label} (`{key}`) | {page.username} | {paths} | "
            f"{results[f'{key}_requests']:.0f} | {results[f'{key}_errors']:.0f} | "
            f"{results[f'{key}_p50_ms']:.0f} ms | {p95:.0f} ms | "
            f"{results[f'{key}_max_ms']:.0f} ms | {'yes' if p95 < TARGET_P95_MS else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def _measure_all(
    database: BenchDatabase,
    *,
    requests: int,
    concurrency: int,
    servers: int,
    progress: bool,
    report_dir: Path | None,
) -> dict[str, float]:
    from safeguarding.access.models import User
    from safeguarding.concerns.models import Concern
    from safeguarding.people.models import Person, PersonKind

    rng = random.Random(SEED)
    users = demo_users()
    accounts = prepare_accounts(users)
    pages = busiest_pages(users, rng)
    results: dict[str, float] = {
        "concerns": float(Concern.objects.count()),
        "children": float(Person.objects.filter(kind=PersonKind.CHILD).count()),
        "users_signed_in": float(len(users)),
        "concurrency": float(concurrency),
        "servers": float(servers),
        "target_p95_ms": TARGET_P95_MS,
    }
    with (
        tempfile.TemporaryDirectory(prefix="safeguarding-bench-serve-") as directory,
        app_servers(database, Path(directory), servers) as running,
    ):
        # Sessions live in the database: signed in through one server, valid on all.
        sessions = {
            user.username: sign_in(running[0].port, accounts[user.username]) for user in users
        }
        pages += linked_pages(users, running[0].port, sessions)
        pages += home_and_navigation_pages(users, pages)
        results["pages"] = float(len(pages))
        for page in pages:
            outcome = measure(
                running,
                sessions[page.username],
                list(page.paths),
                requests=max(concurrency, requests),
                concurrency=concurrency,
                warm_up=WARM_UP,
                label=f"{page.key} ({page.username})",
                progress=progress,
            )
            figures = outcome.figures(page.key)
            for measure_name in ("requests", "errors", "p50_ms", "p95_ms", "max_ms"):
                results[f"{page.key}_{measure_name}"] = figures[f"{page.key}_{measure_name}"]
    table = _table(pages, results)
    print()
    print(table)
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (report_dir / f"{stamp}-sqlite-demo-pages.md").write_text(table, encoding="utf-8")
        by_name = {
            user.username: User.objects.select_related("agency").get(pk=user.pk) for user in users
        }
        explained = [
            (f"{page.label} ({page.key}), {page.username}", by_name[page.username], path)
            for page in pages
            for path in page.paths[:1]
        ]
        try:
            path = report_dir / f"{stamp}-sqlite-demo-pages-sql.txt"
            path.write_text(explain_pages(explained), encoding="utf-8")
            print(f"SQL of each page: {path}")
        except Exception as error:  # the timings stand without the explanation
            print(f"Could not explain the pages' SQL: {error!r}", file=sys.stderr)
    return results


def run(
    demo: Path | None = None,
    *,
    requests: int = REQUESTS,
    concurrency: int = CONCURRENCY,
    servers: int = SERVERS,
    progress: bool = True,
    report_dir: Path | None = None,
) -> dict[str, float]:
    """Latency of every demo user's home page and the busiest pages on a copy of the demo
    file ``demo`` (default bench/results/demo.sqlite3, built when absent)."""
    configure("sqlite")
    source = demo or DEFAULT_DEMO
    if not source.exists():
        if demo is not None:
            print(f"{source} does not exist: building the demo area there.", file=sys.stderr)
        build_demo_file(source, progress=progress)
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-demo-") as directory:
        copy = Path(directory) / "demo.sqlite3"
        copy_database(source, copy)
        with using_database(copy) as database:
            results = _measure_all(
                database,
                requests=requests,
                concurrency=concurrency,
                servers=servers,
                progress=progress,
                report_dir=report_dir,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.demo_pages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo",
        type=Path,
        default=None,
        help=f"the demo's SQLite file, only read (default {DEFAULT_DEMO}, built when absent)",
    )
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"per page ({REQUESTS})")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--servers",
        type=int,
        default=SERVERS,
        help=f"application servers ({SERVERS}: one per core)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    before = os.getloadavg()
    run(
        args.demo,
        requests=args.requests,
        concurrency=args.concurrency,
        servers=args.servers,
        progress=not args.quiet,
        report_dir=args.out,
    )
    after = os.getloadavg()
    print("load average before: " + ", ".join(f"{v:.2f}" for v in before))
    print("load average after:  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
