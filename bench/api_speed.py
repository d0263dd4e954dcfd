"""How many concerns the API records per second, and how long each takes, under load.

Loads the national data set (bench/data.py), so that every new concern is linked against
a national-scale register, starts the real application server (`safeguarding serve
--no-migrate`, waitress) on a free loopback port, issues an API token to a new agency
system account of a police force, then runs locust headless (bench/locustfile.py): 50
simulated agency systems POST new concerns to /api/v1/concerns back to back, for a fixed
time, on loopback only. Every concern is recorded, linked, audited and sent to the MASH,
with its decision clock started, exactly as in service.

Reports requests per second, latency percentiles (p50, p95, p99 and the slowest, as
locust's client saw them), failures (any answer but 201 Created), and checks that the
database gained exactly as many concerns as were acknowledged.

    .venv/bin/python -m bench.api_speed --scale 0.01 --seconds 30
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.data import BenchDatabase, Loaded, bench_database, configure, load
from bench.pages_speed import app_server

USERS = 50
SECONDS = 60
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
REQUEST_NAME = "POST /api/v1/concerns"


def _token(loaded: Loaded) -> tuple[str, str]:
    """A token for a new system account of the busiest authority's police force, and the
    authority's code."""
    from safeguarding.access.actions import create_user, issue_api_token
    from safeguarding.access.models import Agency, AgencyKind
    from safeguarding.access.roles import Role

    authority = Agency.objects.get(code=loaded.authority_code)
    force = (
        Agency.objects.filter(kind=AgencyKind.POLICE_FORCE, home_authority=authority).first()
        or Agency.objects.filter(kind=AgencyKind.POLICE_FORCE).order_by("pk").first()
    )
    if force is None:
        raise RuntimeError("the data set has no police force")
    user = create_user(
        actor=None,
        username=f"bench-api-{uuid.uuid4().hex[:6]}",
        password=secrets.token_urlsafe(18),
        role=Role.SYSTEM_INTEGRATION,
        agency=force,
        check_password_strength=False,
    )
    return issue_api_token(actor=None, user=user, name="benchmark"), authority.code


def _concerns() -> int:
    from safeguarding.concerns.models import Concern

    return Concern.objects.count()


def _stats(prefix: Path) -> dict[str, str]:
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == REQUEST_NAME:
                return row
    raise RuntimeError("locust recorded no requests")


def _measure(
    loaded: Loaded, database: BenchDatabase, *, users: int, seconds: int, progress: bool
) -> dict[str, float]:
    token, authority = _token(loaded)
    before = _concerns()
    with (
        tempfile.TemporaryDirectory(prefix="safeguarding-bench-api-") as directory,
        app_server(database, Path(directory)) as server,
    ):
        prefix = Path(directory) / "api"
        command = [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--host",
            f"http://127.0.0.1:{server.port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        env = {**os.environ, "BENCH_API_TOKEN": token, "BENCH_API_AUTHORITY": authority}
        started = time.perf_counter()
        # Locust exits 1 when any request failed: the figures say how many.
        result = subprocess.run(
            command,
            env=env,
            stdout=None if progress else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if progress else subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if result.returncode not in (0, 1):
            raise RuntimeError(f"locust stopped with exit code {result.returncode}")
        row = _stats(prefix)
    requests = float(row["Request Count"])
    failures = float(row["Failure Count"])
    recorded = float(_concerns() - before)
    # Requests still in flight when locust stops may be recorded but never counted: at most
    # one per client.
    if not requests - failures <= recorded <= requests - failures + users:
        raise RuntimeError(
            f"{requests - failures:.0f} concerns acknowledged but {recorded:.0f} recorded"
        )
    return {
        "concerns_loaded": float(loaded.counts["concern"]),
        "users": float(users),
        "seconds": elapsed,
        "requests": requests,
        "failures": failures,
        "concerns_recorded": recorded,
        "requests_per_second": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "max_ms": float(row["Max Response Time"]),
        "mean_ms": float(row["Average Response Time"]),
    }


def run(
    scale: float = 1.0,
    *,
    loaded: Loaded | None = None,
    database: BenchDatabase | None = None,
    users: int = USERS,
    seconds: int = SECONDS,
    progress: bool = True,
) -> dict[str, float]:
    """API intake under ``users`` concurrent clients; loads the data unless given it."""
    configure()
    if loaded is not None and database is not None:
        return _measure(loaded, database, users=users, seconds=seconds, progress=progress)
    with bench_database() as fresh:
        return _measure(
            load(scale, progress=progress), fresh, users=users, seconds=seconds, progress=progress
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api_speed", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1,000,000 concerns per 1.0")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--users", type=int, default=USERS, help="concurrent clients")
    parser.add_argument("--seconds", type=int, default=SECONDS, help="how long to send")
    args = parser.parse_args(argv)
    configure(args.database)
    before = os.getloadavg()
    result = run(args.scale, users=args.users, seconds=args.seconds)
    after = os.getloadavg()
    for key, value in result.items():
        print(f"{key}: {value:,.1f}")
    print("load average before: " + ", ".join(f"{v:.2f}" for v in before))
    print("load average after:  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
