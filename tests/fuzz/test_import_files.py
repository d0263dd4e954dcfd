"""Whole import files of mixed rows, through the batch path: good rows, duplicated record
ids, truncated lines, huge fields, wrong types and bad encodings, in JSON Lines and CSV.

Whatever the file, the importer never crashes; without --partial it imports all of a file
or none of it; with --partial it imports exactly the concerns it reports and rejects the
rest whole; and the audit chain still verifies.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.concerns import importer
from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

KINDS = ["good", "good", "good", "duplicate", "truncated", "huge", "wrong-type", "bad-bytes"]
CSV_HEADER = [
    "agency",
    "record_id",
    "recorded_at",
    "category",
    "summary",
    "local_authority",
    "role",
    "kind",
    "given_name",
    "family_name",
    "date_of_birth",
]


def _row(number: int) -> dict[str, object]:
    return {
        "record_id": f"FZ-{number:05d}",
        "recorded_at": "2026-10-01T10:00:00+01:00",
        "category": "neglect",
        "summary": "Seen hungry at the school gate before breakfast club.",
        "local_authority": "LA-TEST",
        "persons": [
            {
                "role": "child",
                "given_name": "Ash",
                "family_name": f"Fuzzby{number}",
                "date_of_birth": "2015-02-03",
            }
        ],
    }


def _jsonl_line(kind: str, number: int, huge: int) -> bytes:
    row = _row(number)
    if kind == "duplicate":
        row = _row(max(number - 1, 0))
        row["summary"] = "Sent again with a different summary."
    elif kind == "huge":
        row["summary"] = "x" * huge
    elif kind == "wrong-type":
        row["category"] = 7
        row["persons"] = "child"
    line = json.dumps(row).encode()
    if kind == "truncated":
        line = line[: len(line) // 2]
    elif kind == "bad-bytes":
        line = line.replace(b"Ash", b"A\xff\xfesh")
    return line


def _csv_line(kind: str, number: int, huge: int) -> bytes:
    row = _row(number)
    person = row["persons"][0]
    values = [
        "POL-TEST",
        row["record_id"],
        row["recorded_at"],
        row["category"],
        row["summary"],
        row["local_authority"],
        person["role"],
        "",
        person["given_name"],
        person["family_name"],
        person["date_of_birth"],
    ]
    if kind == "duplicate":
        values[1] = f"FZ-{max(number - 1, 0):05d}"
        values[8] = "Other"
    elif kind == "huge":
        values[4] = "x" * huge
    elif kind == "wrong-type":
        values[10] = "the third of February"
        values[3] = "7"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    line = out.getvalue().encode()
    if kind == "truncated":
        line = line[: len(line) // 2] + b"\n"
    elif kind == "bad-bytes":
        line = line.replace(b"Ash", b"A\xff\xfesh")
    return line


def _file(kinds: list[str], fmt: str, huge: int) -> bytes:
    if fmt == "jsonl":
        return b"\n".join(_jsonl_line(kind, n, huge) for n, kind in enumerate(kinds)) + b"\n"
    header = (",".join(CSV_HEADER) + "\n").encode()
    return header + b"".join(_csv_line(kind, n, huge) for n, kind in enumerate(kinds))


def _state() -> tuple[int, int, int]:
    return Concern.objects.count(), Person.objects.count(), AuditEntry.objects.count()


files = st.fixed_dictionaries(
    {
        "kinds": st.lists(st.sampled_from(KINDS), min_size=1, max_size=12),
        "fmt": st.sampled_from(["jsonl", "csv"]),
        "huge": st.sampled_from([5_000, 70_000, 1_100_000]),
        "partial": st.booleans(),
    }
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=files)
def test_a_malformed_file_is_imported_whole_or_not_at_all(
    area: Area, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: dict[str, object]
):
    # Small batches, so that a file crosses several of them.
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    kinds: list[str] = case["kinds"]
    fmt = str(case["fmt"])
    path = tmp_path / f"concerns.{fmt}"
    path.write_bytes(_file(kinds, fmt, int(case["huge"])))
    rejects = tmp_path / "rejects.txt"
    rejects.unlink(missing_ok=True)
    before = _state()
    before_concerns = Concern.objects.count()

    report = importer.import_concerns(
        path, "POL-TEST", partial=bool(case["partial"]), rejects_path=rejects
    )

    made = Concern.objects.count() - before_concerns
    if not report.committed:
        assert _state() == before
    elif not report.partial:
        assert report.ok
        assert made == report.created
        assert report.created + report.updated == report.concerns_read
    else:
        assert made == report.created
        assert report.created + report.updated + len(report.rejected) == report.concerns_read
    assert all(rejected.problems for rejected in report.rejected)
    assert verify_chain().ok
