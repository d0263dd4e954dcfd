"""Run the benchmarks and write a results table (Markdown and JSON) into bench/results/.

    .venv/bin/python -m bench                              # everything, PostgreSQL, scale 1
    .venv/bin/python -m bench --database sqlite --only pages   # the demo area, as `make run`
    .venv/bin/python -m bench --scale 0.05 --database sqlite
    .venv/bin/python -m bench --only pages clocks
    .venv/bin/python -m bench --only linkage_compare --scale 0.1
    .venv/bin/python -m bench --only linkage_external --database sqlite

Benchmarks:
  data       load the national data set (bench/data.py): 1,000,000 concerns per scale 1.0
  pages      triage queue, person, chronology and deadlines pages through the real server
             (bench/pages_speed.py); with --database sqlite, on the demo area instead:
             every demo user's home page, the busiest pages and every page in each
             user's navigation (bench/demo_pages.py)
  api        concerns POSTed to /api/v1 by 50 locust clients against the real server
             (bench/api_speed.py)
  clocks     recompute every open clock through set_clock_limit (bench/clocks_speed.py)
  import     `safeguarding import` against COPY (bench/import_speed.py): 20,000 concerns
             per scale 1.0, in a database of its own
  linkage    bench/linkage_speed.py, when present
  dashboard  bench/dashboard_speed.py, when present
  networks   build and rank the networks over about 1,000,000 links, in memory
             (bench/networks_speed.py)
  linkage_compare
             only when named in --only: person resolution four ways on the same records
             (bench/linkage_compare.py): 1,000,000 records per scale 1.0
  linkage_external
             only when named in --only: person resolution on the FEBRL labelled sets
             four ways (bench/linkage_external.py); fixed sizes, the scale is unused

pages, api and clocks read the data set, so they load it first (once for all three); with
--database sqlite, pages reads the demo area instead (--demo, or bench/results/demo.sqlite3
built at demo scale when absent), on a copy. Every benchmark creates and drops its own
database (PostgreSQL: on the server DATABASE_URL names, or the local default; SQLite: a
temporary file) and its own var directory: a developer's database and var/ are never
changed. The load average is recorded before and after each benchmark: on a shared
machine, read the figures with it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCHMARKS = ("data", "pages", "api", "clocks", "import", "linkage", "dashboard", "networks")
NEEDS_DATA = frozenset({"data", "pages", "api", "clocks"})
# Run only when --only names them: each takes several minutes at scale 1.
OPT_IN = ("linkage_compare", "linkage_external")
# Benchmarks that run on their own, each a module with run(scale) -> figures.
SEPARATE = {
    "import": "bench.import_speed",
    "linkage": "bench.linkage_speed",
    "dashboard": "bench.dashboard_speed",
    "networks": "bench.networks_speed",
    "linkage_compare": "bench.linkage_compare",
    "linkage_external": "bench.linkage_external",
}
# A separate benchmark's function of the scale when it is not run().
ENTRY_POINTS = {"linkage_compare": "figures", "linkage_external": "figures"}
# Bulk import on PostgreSQL, audit included (issue 3).
TARGET_IMPORT_PER_SECOND = 1000.0
# Figures of the pages benchmarks that end so but are not a page's p95 under load.
NOT_PAGE_P95 = ("_single_p95_ms", "_server_p95_ms")
RESULTS = Path(__file__).resolve().parent / "results"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    name: str
    figures: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    note: str = ""
    failed: bool = False


def _timed(name: str, work: Callable[[], dict[str, float]]) -> Outcome:
    outcome = Outcome(name, load_before=os.getloadavg())
    started = time.perf_counter()
    try:
        outcome.figures = work()
    except Exception as error:  # one failing benchmark must not lose the others' figures
        traceback.print_exc()
        outcome.failed = True
        outcome.note = f"failed: {type(error).__name__}: {error}"[:300]
    outcome.seconds = time.perf_counter() - started
    outcome.load_after = os.getloadavg()
    return outcome


# ---------------------------------------------------------------------------------------
# About the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} (with uncommitted changes)" if dirty else commit


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def machine() -> dict[str, Any]:
    import django

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "memory_gib": round(_memory_gib(), 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": _database_version(),
        "commit": _git_commit(),
    }


# ---------------------------------------------------------------------------------------
# Results


def _value(key: str, value: float) -> str:
    if key.endswith("_ms"):
        return f"{value:,.0f} ms" if value >= 10 else f"{value:.2f} ms"
    if key.endswith("_seconds") or key == "seconds":
        return f"{value:,.1f} s"
    if key.endswith("per_second"):
        return f"{value:,.0f}/s"
    if key.startswith("ratio") or key.endswith("_ratio"):
        return f"{value:.1f}x"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def targets(outcomes: list[Outcome]) -> list[tuple[str, str, str, bool]]:
    """(measure, measured, target, met) for the product's stated targets."""
    from bench.pages_speed import TARGET_P95_MS

    checks = []
    for outcome in outcomes:
        if outcome.failed:
            continue
        if outcome.name == "pages":
            # Every page measured: pages_speed's seven, or the demo area's pages.
            for key, measured in outcome.figures.items():
                if (
                    not key.endswith("_p95_ms")
                    or key.endswith(NOT_PAGE_P95)
                    or key == "target_p95_ms"
                ):
                    continue
                checks.append(
                    (
                        f"pages {key}",
                        f"{measured:,.0f} ms",
                        f"< {TARGET_P95_MS:,.0f} ms",
                        measured < TARGET_P95_MS,
                    )
                )
        if outcome.name == "import" and "concerns_per_second" in outcome.figures:
            measured = outcome.figures["concerns_per_second"]
            checks.append(
                (
                    "import concerns_per_second",
                    f"{measured:,.0f}/s",
                    f">= {TARGET_IMPORT_PER_SECOND:,.0f}/s",
                    measured >= TARGET_IMPORT_PER_SECOND,
                )
            )
    return checks


def markdown(meta: dict[str, Any], outcomes: list[Outcome]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['host']}, {meta['cpu']}, {meta['cores']} cores, "
        f"{meta['memory_gib']} GiB; {meta['os']}",
        f"- Software: Python {meta['python']}, Django {meta['django']}, {meta['database']}",
        f"- Commit: {meta['commit']}",
        f"- Command: `{meta['command']}`",
        f"- Scale: {meta['scale']:g}",
        *([f"- Pages on the demo area: {meta['demo']}"] if meta.get("demo") else []),
        "",
        "| Benchmark | Took | Load average before (1 / 5 / 15 min) | After | Note |",
        "|---|---:|---|---|---|",
    ]
    for outcome in outcomes:
        lines.append(
            f"| {outcome.name} | {outcome.seconds:,.0f} s | {_load(outcome.load_before)} | "
            f"{_load(outcome.load_after)} | {outcome.note} |"
        )
    checks = targets(outcomes)
    if checks:
        lines += ["", "| Target | Measured | Target | Met |", "|---|---:|---:|---|"]
        for key, measured, target, met in checks:
            lines.append(f"| {key} | {measured} | {target} | {'yes' if met else 'no'} |")
    lines += ["", "| Benchmark | Measure | Value |", "|---|---|---:|"]
    for outcome in outcomes:
        for key, value in outcome.figures.items():
            lines.append(f"| {outcome.name} | {key} | {_value(key, value)} |")
    return "\n".join(lines) + "\n"


def write_results(meta: dict[str, Any], outcomes: list[Outcome], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    vendor = "postgresql" if meta["database"].startswith("PostgreSQL") else "sqlite"
    data = [] if meta.get("demo_only") else [f"scale{meta['scale']:g}"]
    base = "-".join([stamp, vendor, *data, *(["demo"] if meta.get("demo") else [])])
    markdown_path, json_path = out / f"{base}.md", out / f"{base}.json"
    document = {
        "meta": meta,
        "targets": [
            {"measure": key, "measured": measured, "target": target, "met": met}
            for key, measured, target, met in targets(outcomes)
        ],
        "benchmarks": {
            outcome.name: {
                "figures": outcome.figures,
                "seconds": outcome.seconds,
                "load_average_before": outcome.load_before,
                "load_average_after": outcome.load_after,
                "note": outcome.note,
                "failed": outcome.failed,
            }
            for outcome in outcomes
        },
    }
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    markdown_path.write_text(markdown(meta, outcomes))
    return markdown_path


# ---------------------------------------------------------------------------------------
# Running


def _separate(name: str) -> tuple[Callable[[float], dict[str, float]] | None, str]:
    """The run() of a benchmark that runs on its own, or why it is not there."""
    module_name = SEPARATE[name]
    if importlib.util.find_spec(module_name) is None:
        return None, f"skipped: {module_name.replace('.', '/')}.py is not present"
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return None, f"skipped: {module_name} does not import ({error})"
    entry_point = ENTRY_POINTS.get(name, "run")
    run = getattr(module, entry_point, None)
    if not callable(run):
        return None, f"skipped: {module_name} has no {entry_point}(scale)"
    return run, ""


@dataclass(frozen=True)
class Options:
    scale: float
    out: Path
    requests: int
    concurrency: int
    servers: int
    users: int
    api_seconds: int
    progress: bool
    database: str = "postgres"
    # The demo's SQLite file for the pages with --database sqlite; None: the default.
    demo: Path | None = None

    @property
    def pages_on_demo(self) -> bool:
        return self.database == "sqlite"


def _on_data(chosen: list[str], options: Options) -> list[Outcome]:
    """Load the data set once, run the benchmarks that read it, drop it."""
    from bench import api_speed, clocks_speed, data, pages_speed

    outcomes: list[Outcome] = []
    scale, progress = options.scale, options.progress
    with data.bench_database() as database:
        loaded: data.Loaded | None = None

        def load() -> dict[str, float]:
            nonlocal loaded
            loaded = data.load(scale, progress=progress)
            return data.summary(loaded)

        outcomes.append(_timed("data", load))
        if loaded is None:
            return outcomes + [
                Outcome(name, note="skipped: the data set did not load", failed=True)
                for name in ("pages", "api", "clocks")
                if name in chosen
            ]
        present = loaded
        if "pages" in chosen:
            outcomes.append(
                _timed(
                    "pages",
                    lambda: pages_speed.run(
                        scale,
                        loaded=present,
                        database=database,
                        requests=options.requests,
                        concurrency=options.concurrency,
                        servers=options.servers,
                        progress=progress,
                        report_dir=options.out,
                    ),
                )
            )
        # After the pages: it adds concerns.
        if "api" in chosen:
            outcomes.append(
                _timed(
                    "api",
                    lambda: api_speed.run(
                        scale,
                        loaded=present,
                        database=database,
                        users=options.users,
                        seconds=options.api_seconds,
                        progress=progress,
                    ),
                )
            )
        # Last: it rewrites a million rows.
        if "clocks" in chosen:
            outcomes.append(
                _timed(
                    "clocks",
                    lambda: clocks_speed.run(
                        scale, loaded=present, progress=progress, report_dir=options.out
                    ),
                )
            )
    return outcomes


def on_national_data(chosen: list[str], options: Options) -> list[str]:
    """The chosen benchmarks that read the national data set: on SQLite the pages read
    the demo area instead."""
    return [
        name
        for name in chosen
        if name in NEEDS_DATA and not (name == "pages" and options.pages_on_demo)
    ]


def _on_demo(options: Options) -> Outcome:
    from bench import demo_pages

    return _timed(
        "pages",
        lambda: demo_pages.run(
            options.demo,
            requests=options.requests,
            concurrency=options.concurrency,
            servers=options.servers,
            progress=options.progress,
            report_dir=options.out,
        ),
    )


def run_benchmarks(chosen: list[str], options: Options) -> list[Outcome]:
    outcomes: list[Outcome] = []
    if "pages" in chosen and options.pages_on_demo:
        outcomes.append(_on_demo(options))
    national = on_national_data(chosen, options)
    if national:
        outcomes += _on_data(national, options)
    for name in SEPARATE:
        if name not in chosen:
            continue
        separate_run, note = _separate(name)
        if separate_run is None:
            outcomes.append(Outcome(name, note=note))
            print(f"{name}: {note}", file=sys.stderr)
        else:
            outcomes.append(_timed(name, functools.partial(separate_run, options.scale)))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    from bench.api_speed import SECONDS, USERS
    from bench.demo_pages import DEFAULT_DEMO
    from bench.demo_pages import REQUESTS as DEMO_REQUESTS
    from bench.pages_speed import CONCURRENCY, REQUESTS, SERVERS

    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 is national scale (default 1)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=BENCHMARKS + OPT_IN,
        metavar="NAME",
        help=", ".join(BENCHMARKS + OPT_IN) + f" ({', '.join(OPT_IN)}: only when named)",
    )
    parser.add_argument(
        "--database",
        choices=("postgres", "postgresql", "sqlite"),
        default="postgres",
        help="postgres (or postgresql, the default): the national data set on PostgreSQL; "
        "sqlite: the pages on the demo area, the other benchmarks on a SQLite file",
    )
    parser.add_argument(
        "--demo",
        type=Path,
        default=None,
        help="pages with --database sqlite: the demo's SQLite file, only read "
        f"(default {DEFAULT_DEMO.relative_to(PROJECT_ROOT)}, built at demo scale when absent)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="default bench/results/")
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help=f"pages: requests per page ({REQUESTS}; on the demo area {DEMO_REQUESTS})",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=CONCURRENCY,
        help=f"pages: client threads ({CONCURRENCY})",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=SERVERS,
        help=f"pages: application servers, clients spread over them ({SERVERS}: one per core)",
    )
    parser.add_argument(
        "--users", type=int, default=USERS, help=f"api: concurrent locust clients ({USERS})"
    )
    parser.add_argument(
        "--api-seconds", type=int, default=SECONDS, help=f"api: how long to send ({SECONDS})"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    database = "postgres" if args.database == "postgresql" else args.database
    if args.demo is not None and database != "sqlite":
        parser.error("--demo is for the pages on SQLite: add --database sqlite")
    chosen = [
        name
        for name in BENCHMARKS + OPT_IN
        if (name in args.only if args.only is not None else name in BENCHMARKS)
    ]

    from bench.data import configure

    configure(database)
    args.out.mkdir(parents=True, exist_ok=True)
    meta = machine()
    meta["command"] = shlex.join(["python", "-m", "bench", *(argv or sys.argv[1:])])
    meta["scale"] = args.scale
    meta["load_average_at_start"] = os.getloadavg()
    if "pages" in chosen and database == "sqlite":
        meta["demo"] = str(args.demo or DEFAULT_DEMO)
    options = Options(
        scale=args.scale,
        out=args.out,
        requests=args.requests
        if args.requests is not None
        else (DEMO_REQUESTS if database == "sqlite" else REQUESTS),
        concurrency=args.concurrency,
        servers=args.servers,
        users=args.users,
        api_seconds=args.api_seconds,
        progress=not args.quiet,
        database=database,
        demo=args.demo,
    )
    meta["demo_only"] = bool(meta.get("demo")) and not on_national_data(chosen, options)
    outcomes = run_benchmarks(chosen, options)
    meta["load_average_at_end"] = os.getloadavg()
    path = write_results(meta, outcomes, args.out)
    print()
    print(path.read_text())
    print(f"Written: {path} and {path.with_name(path.stem + '.json')}")
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
