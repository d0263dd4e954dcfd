"""The benchmark command runs end to end at a tiny scale and writes its results table.

It runs in a process of its own, as an operator would run it, on a SQLite file of its own:
the figures mean nothing at this scale, and no test looks at them as timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_runner_loads_data_recomputes_clocks_and_writes_results(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "0.001",
            "--database",
            "sqlite",
            "--only",
            "clocks",
            "--quiet",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [json_path] = tmp_path.glob("*-sqlite-scale0.001.json")
    [markdown_path] = tmp_path.glob("*-sqlite-scale0.001.md")
    results = json.loads(json_path.read_text())
    assert results["meta"]["database"].startswith("SQLite")
    assert len(results["meta"]["load_average_at_start"]) == 3
    benchmarks = results["benchmarks"]
    assert list(benchmarks) == ["data", "clocks"]
    assert not any(benchmark["failed"] for benchmark in benchmarks.values())
    data = benchmarks["data"]["figures"]
    assert data["concerns"] == 1000
    clocks = benchmarks["clocks"]["figures"]
    # Every open clock was recomputed once, to the due date its new limit gives.
    assert clocks["clocks_recomputed"] == clocks["open_clocks"] == data["open_clocks"]
    assert clocks["wrong_due_dates_in_sample"] == 0
    table = markdown_path.read_text()
    assert "| clocks | clocks_recomputed |" in table
    assert "| Benchmark | Took | Load average before (1 / 5 / 15 min) | After | Note |" in table
