"""How fast changing a local authority's clock limit recomputes its open clocks.

Loads the national data set (bench/data.py: about 1,000,000 open clocks at --scale 1,
across 153 authorities and a few thousand start dates), then, for every authority and every
clock type with open clocks, changes the authority's limit for that type through the real
action, safeguarding.clocks.actions.set_clock_limit (its transaction, its audit entry), so
that every open clock is recomputed once. Reports the total time, clocks per second, the
distinct start dates the action worked due dates out for, and the slowest call; then checks
a sample of the recomputed due dates against the new limits, and profiles one more call on
the largest authority and type.

    .venv/bin/python -m bench.clocks_speed --scale 0.05
    .venv/bin/python -m bench.clocks_speed --scale 0.05 --profile   # where the time goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bench.data import Loaded, bench_database, configure, load

if TYPE_CHECKING:
    from safeguarding.clocks.rules import Limit

SAMPLE_CHECKED = 2000
SEED = 2026


def changed_limit(clock_type: str) -> Limit:
    """A limit different from the national default, in the same unit."""
    from safeguarding.clocks.rules import DEFAULT_LIMITS, Limit

    default = DEFAULT_LIMITS[clock_type]
    return Limit(default.amount + 2, default.unit)


def open_clock_groups() -> list[tuple[int, str, int]]:
    """(authority id, clock type, open clocks) for every pair with open clocks, largest
    first."""
    from django.db.models import Count

    from safeguarding.clocks.models import Clock

    rows = (
        Clock.objects.filter(met_on__isnull=True, cancelled_on__isnull=True)
        .values_list("authority_id", "clock_type")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [(authority_id, clock_type, n) for authority_id, clock_type, n in rows]


Groups = list[tuple[int, str, int]]


def recompute_with_action(groups: Groups, *, progress: bool) -> dict[str, float]:
    from tqdm import tqdm

    from safeguarding.access.models import Agency
    from safeguarding.clocks.actions import set_clock_limit

    authorities = Agency.objects.in_bulk({authority_id for authority_id, _, _ in groups})
    clocks = start_dates = 0
    slowest = 0.0
    started = time.perf_counter()
    with tqdm(
        total=sum(n for _, _, n in groups),
        desc="set_clock_limit",
        unit="clock",
        disable=not progress,
    ) as bar:
        for authority_id, clock_type, count in groups:
            limit = changed_limit(clock_type)
            call_started = time.perf_counter()
            result = set_clock_limit(
                actor=None,
                authority=authorities[authority_id],
                clock_type=clock_type,
                amount=limit.amount,
                unit=limit.unit,
            )
            slowest = max(slowest, time.perf_counter() - call_started)
            clocks += result.clocks_updated
            start_dates += result.start_dates
            bar.update(count)
    seconds = time.perf_counter() - started
    return {
        "calls": float(len(groups)),
        "clocks_recomputed": float(clocks),
        "start_dates": float(start_dates),
        "seconds": seconds,
        "clocks_per_second": clocks / seconds if seconds else 0.0,
        "mean_call_ms": seconds * 1000 / len(groups) if groups else 0.0,
        "slowest_call_seconds": slowest,
    }


def _check_sample(groups: Groups) -> int:
    """How many of a sample of open clocks lack the due date their new limit gives."""
    from safeguarding.clocks.models import Clock

    limits = {clock_type: changed_limit(clock_type) for _, clock_type, _ in groups}
    rng = random.Random(SEED)
    rows: list[tuple[str, date, date]] = list(
        Clock.objects.filter(met_on__isnull=True, cancelled_on__isnull=True).values_list(
            "clock_type", "started_on", "due_on"
        )[:200_000]
    )
    sample = rng.sample(rows, min(SAMPLE_CHECKED, len(rows)))
    return sum(1 for t, start, due in sample if t in limits and limits[t].due(start) != due)


def profile_largest(groups: list[tuple[int, str, int]]) -> str:
    """cProfile of set_clock_limit on the largest authority and type."""
    from safeguarding.access.models import Agency
    from safeguarding.clocks.actions import set_clock_limit

    authority_id, clock_type, _ = groups[0]
    limit = changed_limit(clock_type)
    profiler = cProfile.Profile()
    # A further change, so that the profiled call recomputes every clock again.
    profiler.enable()
    set_clock_limit(
        actor=None,
        authority=Agency.objects.get(pk=authority_id),
        clock_type=clock_type,
        amount=limit.amount + 3,
        unit=limit.unit,
    )
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def _measure(*, progress: bool, report_dir: Path | None, profile: bool) -> dict[str, float]:
    from django.db import connection

    groups = open_clock_groups()
    if not groups:
        raise RuntimeError("no open clocks loaded")
    result = {
        "open_clocks": float(sum(n for _, _, n in groups)),
        "largest_group_clocks": float(groups[0][2]),
    }
    result |= recompute_with_action(groups, progress=progress)
    result["wrong_due_dates_in_sample"] = float(_check_sample(groups))
    result["sample_checked"] = float(min(SAMPLE_CHECKED, int(result["open_clocks"])))
    if profile or report_dir is not None:
        text = profile_largest(groups)
        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = report_dir / f"{stamp}-{connection.vendor}-clocks-profile.txt"
            path.write_text(text, encoding="utf-8")
            print(f"Profile of the largest recompute: {path}")
        if profile:
            print(text)
    if connection.vendor == "postgresql":
        # Leave the table as the next benchmark would find it in service.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) clocks_clock")
    return result


def run(
    scale: float = 1.0,
    *,
    loaded: Loaded | None = None,
    progress: bool = True,
    report_dir: Path | None = None,
    profile: bool = False,
) -> dict[str, float]:
    """Recompute every open clock through set_clock_limit; loads the data unless given it
    (``loaded`` says it is already in the current database)."""
    configure()
    if loaded is not None:
        return _measure(progress=progress, report_dir=report_dir, profile=profile)
    with bench_database():
        load(scale, progress=progress)
        return _measure(progress=progress, report_dir=report_dir, profile=profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clocks_speed", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1,000,000 open clocks per 1.0")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--profile", action="store_true", help="print a profile of one call")
    args = parser.parse_args(argv)
    configure(args.database)
    before = os.getloadavg()
    result = run(args.scale, profile=args.profile)
    after = os.getloadavg()
    for key, value in result.items():
        print(f"{key}: {value:,.2f}")
    print("load average before: " + ", ".join(f"{v:.2f}" for v in before))
    print("load average after:  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
