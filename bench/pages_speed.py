"""How fast the busiest pages answer with national-scale data loaded.

Loads the national data set (bench/data.py: 1,000,000 concerns at --scale 1), starts the
real application server (`safeguarding serve --no-migrate`) on a free loopback port against
that database, signs in through the real sign-in pages (password, then a TOTP code) as a
MASH triage officer and as a practitioner at the busiest local authority, then requests:

  * the MASH triage queue (/mash/), as the triage officer
  * person pages (/people/<id>/) of a fixed sample of children the user may see, as the
    triage officer and as the practitioner
  * the same children's chronologies (/people/<id>/chronology/), as the practitioner
  * the deadlines dashboard (/clocks/): the authority's open clocks by type and worker
  * the home page (/), where every sign-in lands, as both (a tenth as many requests)

each a fixed number of times from a fixed number of client threads (keep-alive HTTP/1.1,
loopback only), after a few warm-up requests. Reports latency percentiles as the client
saw them (the product's target: p95 under 300 ms with 1,000,000 concerns loaded), the
server's own time for the same requests (from its request log), and requests per second.
Each page is also requested once with a single client, for its cost without contention.

Finally each page is rendered once in-process with its SQL captured, and the slowest
statements are explained (EXPLAIN ANALYZE on PostgreSQL): the report goes next to the
results, for finding why a page is slow.

    .venv/bin/python -m bench.pages_speed --scale 0.05
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from bench.data import BenchDatabase, Loaded, bench_database, configure, load

if TYPE_CHECKING:
    from safeguarding.access.models import User

TARGET_P95_MS = 300.0
REQUESTS = 200
CONCURRENCY = 4
WARM_UP = 20
SEQUENTIAL_REQUESTS = 30
HOME_SHARE = 0.1  # of the requests per page, for the home page
SAMPLE_CHILDREN = 200
SEED = 2026
SERVER_START_SECONDS = 120
# One application server per core, as docs/operators/deployment.md advises: each is one
# Python process, and one process runs Python on one core at a time.
SERVERS = os.cpu_count() or 1
LOG_LINE = re.compile(r"safeguarding\.requests (GET|POST) (\S+) (\d{3}) (\d+)ms")


# ---------------------------------------------------------------------------------------
# Staff who sign in


@dataclass
class Account:
    username: str
    password: str
    totp_secret: str
    user_id: int
    # TOTP steps already used: the service accepts each step once per account.
    used_steps: set[int] = field(default_factory=set)

    def next_code(self) -> str:
        """A code for a time step this account has not used, waiting for one if needed."""
        import pyotp

        totp = pyotp.TOTP(self.totp_secret)
        while True:
            step = int(time.time()) // totp.interval
            if step not in self.used_steps and step > max(self.used_steps, default=0):
                self.used_steps.add(step)
                return str(totp.at(step * totp.interval))
            time.sleep(1)


def create_account(username: str, role: str, authority_code: str) -> Account:
    import pyotp

    from safeguarding.access.actions import create_user
    from safeguarding.access.models import Agency

    password = secrets.token_urlsafe(18)
    totp_secret = pyotp.random_base32()
    user = create_user(
        actor=None,
        username=username,
        password=password,
        role=role,
        agency=Agency.objects.get(code=authority_code),
        given_name="Bench",
        family_name=role.replace("-", " ").title(),
        totp_secret=totp_secret,
        check_password_strength=False,
    )
    return Account(username, password, totp_secret, user.pk)


def sample_children(user: User, count: int, rng: random.Random) -> list[str]:
    """A fixed sample of the children ``user`` may see, through the service's own
    need-to-know rule."""
    from safeguarding.people.models import PersonKind
    from safeguarding.people.queries import visible_persons

    ids = list(
        visible_persons(user)
        .filter(kind=PersonKind.CHILD)
        .order_by("id")
        .values_list("id", flat=True)[:20_000]
    )
    return [str(person_id) for person_id in rng.sample(ids, min(count, len(ids)))]


# ---------------------------------------------------------------------------------------
# The server and its clients


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    log: Path


@contextmanager
def app_servers(database: BenchDatabase, directory: Path, count: int) -> Iterator[list[Server]]:
    """``count`` application servers, as a proxy would balance between."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(app_server(database, directory, name=f"server-{number}"))
            for number in range(1, count + 1)
        ]


@contextmanager
def app_server(
    database: BenchDatabase, directory: Path, *, name: str = "server"
) -> Iterator[Server]:
    """`safeguarding serve` on a free loopback port against the bench database."""
    port = _free_port()
    log = directory / f"{name}.log"
    command = Path(sys.executable).with_name("safeguarding")
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "SAFEGUARDING_VAR_DIR": str(directory / "var"),  # shared, as servers share var/
        "SAFEGUARDING_LOG_LEVEL": "INFO",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(command), "serve", "--no-migrate", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: see {log}\n{log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start in {SERVER_START_SECONDS} s")
            time.sleep(0.5)
        yield Server(port=port, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browser:
    """One keep-alive connection with its own cookies, like one browser tab."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Status, Location header and body."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed an idle keep-alive connection: open another, once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def close(self) -> None:
        self.connection.close()


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    return match.group(1)


def sign_in(port: int, account: Account) -> dict[str, str]:
    """Sign in through the real pages; returns the signed-in session's cookies."""
    browser = Browser(port)
    try:
        status, _, page = browser.request("GET", "/sign-in/")
        status, location, _ = browser.request(
            "POST",
            "/sign-in/",
            {
                "csrfmiddlewaretoken": _csrf_token(page),
                "username": account.username,
                "password": account.password,
            },
        )
        if status != 302 or "security-code" not in location:
            raise RuntimeError(f"password step failed for {account.username}: {status}")
        status, _, page = browser.request("GET", location)
        status, location, _ = browser.request(
            "POST",
            location,
            {"csrfmiddlewaretoken": _csrf_token(page), "code": account.next_code()},
        )
        if status != 302 or location != "/":
            raise RuntimeError(f"security code step failed for {account.username}: {status}")
        return browser.cookies
    finally:
        browser.close()


# ---------------------------------------------------------------------------------------
# Measuring


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(share / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _server_times(log: Path, offset: int, paths: set[str]) -> list[float]:
    with log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    return [
        float(match.group(4))
        for match in LOG_LINE.finditer(text)
        if match.group(2) in paths and match.group(3) == "200"
    ]


@dataclass
class Measurement:
    latencies_ms: list[float]
    seconds: float
    errors: int
    server_ms: list[float]

    def figures(self, name: str) -> dict[str, float]:
        count = len(self.latencies_ms)
        return {
            f"{name}_requests": float(count),
            f"{name}_errors": float(self.errors),
            f"{name}_p50_ms": _percentile(self.latencies_ms, 50),
            f"{name}_p95_ms": _percentile(self.latencies_ms, 95),
            f"{name}_p99_ms": _percentile(self.latencies_ms, 99),
            f"{name}_max_ms": max(self.latencies_ms, default=0.0),
            f"{name}_requests_per_second": count / self.seconds if self.seconds else 0.0,
            f"{name}_server_p50_ms": _percentile(self.server_ms, 50),
            f"{name}_server_p95_ms": _percentile(self.server_ms, 95),
        }


def measure(
    servers: list[Server],
    cookies: dict[str, str],
    paths: list[str],
    *,
    requests: int,
    concurrency: int,
    warm_up: int,
    label: str,
    progress: bool,
) -> Measurement:
    """Request ``paths`` in turn, ``requests`` times in all, from ``concurrency`` threads,
    each keeping to one of ``servers`` (in turn), as a balancing proxy would."""
    from tqdm import tqdm

    for server in servers:
        warm = Browser(server.port, cookies)
        for path in itertools.islice(itertools.cycle(paths), warm_up):
            warm.request("GET", path)
        warm.close()
    offsets = [server.log.stat().st_size for server in servers]
    turns = iter(itertools.islice(itertools.cycle(paths), requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    bar = tqdm(total=requests, desc=label, unit="req", disable=not progress)

    def client(server: Server) -> None:
        nonlocal errors
        browser = Browser(server.port, cookies)
        try:
            while True:
                with lock:
                    path = next(turns, None)
                if path is None:
                    return
                started = time.perf_counter()
                status, _, _ = browser.request("GET", path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 200:
                        latencies.append(elapsed)
                    else:
                        errors += 1
                    bar.update(1)
        finally:
            browser.close()

    threads = [
        threading.Thread(target=client, args=(servers[number % len(servers)],))
        for number in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    bar.close()
    time.sleep(0.2)  # let the server's last log lines reach the file
    server_ms = [
        time_ms
        for server, offset in zip(servers, offsets, strict=True)
        for time_ms in _server_times(server.log, offset, set(paths))
    ]
    return Measurement(latencies, seconds, errors, server_ms)


# ---------------------------------------------------------------------------------------
# Which statements make a page slow


def explain_pages(pages: list[tuple[str, User, str]], *, slowest: int = 3) -> str:
    """Render each page once in-process with its SQL captured and list its statements; on
    PostgreSQL, run EXPLAIN ANALYZE on each SELECT and show the plans of the slowest by
    execution time (wall-clock times of a busy machine mislead; the plans do not). On
    SQLite, which times no plan, show EXPLAIN QUERY PLAN for the slowest by wall clock."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safeguarding.access.middleware import SESSION_STARTED_KEY

    lines: list[str] = []
    for label, user, path in pages:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_STARTED_KEY] = time.time()
        session.save()
        client.get(path)  # warm the caches, as the timed runs are
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        queries = captured.captured_queries
        total = sum(float(q["time"]) for q in queries) * 1000
        lines += [
            f"== {label}: GET {path} -> {response.status_code} in {elapsed:.0f} ms, "
            f"{len(queries)} statements, {total:.0f} ms in the database (wall clock)",
            "",
        ]
        lines += [f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:200]}" for q in queries]
        lines.append("")
        if connection.vendor == "sqlite":
            selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
            selects.sort(key=lambda q: -float(q["time"]))
            for query in selects[:slowest]:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                    plan = "\n".join(f"{row[0]:>4} {row[1]:>4}  {row[-1]}" for row in cursor)
                lines += [
                    f"-- EXPLAIN QUERY PLAN: {float(query['time']) * 1000:.1f} ms wall clock",
                    query["sql"],
                    plan,
                    "",
                ]
            continue
        if connection.vendor != "postgresql":
            continue
        plans: list[tuple[float, str, str]] = []
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "FOR UPDATE" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            match = re.search(r"Execution Time: ([\d.]+) ms", plan)
            plans.append((float(match.group(1)) if match else 0.0, sql, plan))
        plans.sort(key=lambda item: -item[0])
        for executed, sql, plan in plans[:slowest]:
            lines += [f"-- EXPLAIN ANALYZE: executes in {executed:.1f} ms", sql, plan, ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The benchmark


def _measure_all(
    loaded: Loaded,
    database: BenchDatabase,
    *,
    requests: int,
    concurrency: int,
    servers: int,
    progress: bool,
    report_dir: Path | None,
) -> dict[str, float]:
    from safeguarding.access.models import User
    from safeguarding.access.roles import Role
    from safeguarding.mash.models import Contact

    rng = random.Random(SEED)
    suffix = uuid.uuid4().hex[:6]
    mash = create_account(f"bench-mash-{suffix}", Role.MASH_TRIAGE, loaded.authority_code)
    worker = create_account(f"bench-sw-{suffix}", Role.PRACTITIONER, loaded.authority_code)
    mash_user = User.objects.select_related("agency").get(pk=mash.user_id)
    worker_user = User.objects.select_related("agency").get(pk=worker.user_id)
    mash_children = sample_children(mash_user, SAMPLE_CHILDREN, rng)
    worker_children = sample_children(worker_user, SAMPLE_CHILDREN, rng)
    if not mash_children or not worker_children:
        raise RuntimeError("the busiest authority has no children to sample: load more data")
    queue_length = Contact.objects.filter(authority=mash_user.agency, decision="").count()
    scenarios = [
        ("queue", mash, ["/mash/"], 1.0),
        ("person_mash", mash, [f"/people/{p}/" for p in mash_children], 1.0),
        ("person_practitioner", worker, [f"/people/{p}/" for p in worker_children], 1.0),
        ("chronology", worker, [f"/people/{p}/chronology/" for p in worker_children], 1.0),
        # The team's deadlines: every open clock of the authority, counted.
        ("deadlines", mash, ["/clocks/"], 1.0),
        # Where every sign-in lands: measured with fewer requests, being slower.
        ("home_mash", mash, ["/"], HOME_SHARE),
        ("home_practitioner", worker, ["/"], HOME_SHARE),
    ]
    results: dict[str, float] = {
        "concerns_loaded": float(loaded.counts["concern"]),
        "queue_contacts_waiting": float(queue_length),
        "person_sample": float(len(mash_children) + len(worker_children)),
        "concurrency": float(concurrency),
        "servers": float(servers),
        "target_p95_ms": TARGET_P95_MS,
    }
    with (
        tempfile.TemporaryDirectory(prefix="safeguarding-bench-serve-") as directory,
        app_servers(database, Path(directory), servers) as running,
    ):
        # Sessions live in the database: signed in through one server, valid on all.
        sessions = {mash.username: sign_in(running[0].port, mash)}
        sessions[worker.username] = sign_in(running[0].port, worker)
        for name, account, paths, share in scenarios:
            cookies = sessions[account.username]
            count = max(concurrency * 2, round(requests * share))
            single = measure(
                running[:1],
                cookies,
                paths,
                requests=min(SEQUENTIAL_REQUESTS, count),
                concurrency=1,
                warm_up=min(WARM_UP, max(2, count // 10)),
                label=f"{name} (1 client)",
                progress=progress,
            )
            results[f"{name}_single_p50_ms"] = _percentile(single.latencies_ms, 50)
            results[f"{name}_single_p95_ms"] = _percentile(single.latencies_ms, 95)
            loaded_run = measure(
                running,
                cookies,
                paths,
                requests=count,
                concurrency=concurrency,
                warm_up=0,
                label=f"{name} ({concurrency} clients)",
                progress=progress,
            )
            results |= loaded_run.figures(name)
    if report_dir is not None:
        try:
            report = explain_pages(
                [
                    ("triage queue", mash_user, "/mash/"),
                    ("person page (MASH)", mash_user, f"/people/{_busiest(mash_children)}/"),
                    ("person page (practitioner)", worker_user, f"/people/{worker_children[0]}/"),
                    (
                        "chronology",
                        worker_user,
                        f"/people/{_busiest(worker_children)}/chronology/",
                    ),
                    ("deadlines dashboard", mash_user, "/clocks/"),
                    ("home page (MASH)", mash_user, "/"),
                    ("home page (practitioner)", worker_user, "/"),
                ]
            )
            report_dir.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = report_dir / f"{stamp}-{loaded.vendor}-pages-sql.txt"
            path.write_text(report, encoding="utf-8")
            print(f"SQL of each page: {path}")
        except Exception as error:  # the timings stand without the explanation
            print(f"Could not explain the pages' SQL: {error!r}", file=sys.stderr)
    return results


def _busiest(children: list[str]) -> str:
    """The sampled child named in the most concerns: the longest timeline."""
    from django.db.models import Count

    from safeguarding.concerns.models import ConcernPerson

    row = (
        ConcernPerson.objects.filter(person_id__in=children)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return str(row["person_id"]) if row else children[0]


def run(
    scale: float = 1.0,
    *,
    loaded: Loaded | None = None,
    database: BenchDatabase | None = None,
    requests: int = REQUESTS,
    concurrency: int = CONCURRENCY,
    servers: int = SERVERS,
    progress: bool = True,
    report_dir: Path | None = None,
) -> dict[str, float]:
    """Latency of the triage queue and person pages; loads the data unless given it."""
    configure()
    if loaded is not None and database is not None:
        return _measure_all(
            loaded,
            database,
            requests=requests,
            concurrency=concurrency,
            servers=servers,
            progress=progress,
            report_dir=report_dir,
        )
    with bench_database() as fresh:
        return _measure_all(
            load(scale, progress=progress),
            fresh,
            requests=requests,
            concurrency=concurrency,
            servers=servers,
            progress=progress,
            report_dir=report_dir,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages_speed", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1,000,000 concerns per 1.0")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per page")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--servers",
        type=int,
        default=SERVERS,
        help=f"application servers ({SERVERS}: one per core)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    configure(args.database)
    args.out.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    result = run(
        args.scale,
        requests=args.requests,
        concurrency=args.concurrency,
        servers=args.servers,
        report_dir=args.out,
    )
    after = os.getloadavg()
    for key, value in result.items():
        print(f"{key}: {value:,.1f}")
    print("load average before: " + ", ".join(f"{v:.2f}" for v in before))
    print("load average after:  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
