"""Formula injection in CSV: every CSV the service writes goes through one writer, which
makes a cell that a spreadsheet would run as a formula inert."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from safeguarding.govuk.csvfiles import csv_writer
from safeguarding.networks.export import as_csv

SOURCE = Path(__file__).resolve().parents[2] / "safeguarding"
FORMULAS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_writer_makes_every_formula_inert(formula: str) -> None:
    buffer = io.StringIO()
    csv_writer(buffer).writerow([formula, 12, -3, "plain", None])
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert cells == ["'" + formula, "12", "-3", "plain", ""]


def _network_named(name: str) -> dict[str, Any]:
    return {
        "id": 1,
        "rank": 1,
        "score": 0.9,
        "children": 2,
        "agencies": 2,
        "members": [
            {"key": "a", "kind": "adult", "name": name, "value": ""},
            {"key": "p", "kind": "phone", "name": "", "value": "+447700900123"},
        ],
        "links": [
            {
                "source": "a",
                "target": "p",
                "kind": "uses-phone",
                "evidence": [{"concern_id": "c1", "agency": "=cmd", "category": "cse"}],
            }
        ],
    }


@pytest.mark.parametrize("formula", FORMULAS[:4])
def test_networks_csv_neutralises_names(formula: str) -> None:
    rows = list(csv.reader(io.StringIO(as_csv([_network_named(formula)]))))
    assert rows[1][7] == "'" + formula
    # A phone number starting with + is text to the reader, not a sum.
    assert rows[1][10] == "'+447700900123"
    assert rows[1][13] == "'=cmd"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)


def test_no_module_writes_csv_but_through_the_one_writer() -> None:
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if path.name != "csvfiles.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
