"""A large file on PostgreSQL is checked in a process of its own while it is recorded
(importer._CheckedApart): the result must be the one reading the whole file first gives,
whatever the checking process finds and whenever it finds it.

Each test forces the path with ``check_apart=True`` on a small file, in small chunks and
batches so that batches are written before the checking process has reached the end.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns import importer
from safeguarding.concerns.importer import ImportReport, import_concerns
from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person, PersonSearchKey
from safeguarding.writes import unit
from tests.concerns.test_bulk_import import (
    assert_same,
    concern,
    held_before_import,
    linkage_file,
    outcome,
    per_row,
    person,
    write_jsonl,
)
from tests.factories import Area

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="checked apart on PostgreSQL"),
]


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two concerns and batches of three: recording starts before checking ends."""
    monkeypatch.setattr(importer, "CHECKED_CHUNK", 2)
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)


@pytest.fixture
def never_read_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts reads of the file in this process (the path that checks before recording)."""
    calls: list[int] = []
    original = importer._read

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "_read", counted)
    return calls


def apart(path: Path) -> Any:
    return lambda: import_concerns(path, "POL-TEST", check_apart=True)


def read_first(path: Path) -> Any:
    return lambda: import_concerns(path, "POL-TEST", check_apart=False)


def written() -> tuple[int, ...]:
    return (
        Concern.objects.count(),
        Person.objects.count(),
        PersonSearchKey.objects.count(),
        AuditEntry.objects.count(),
    )


def problems(report: ImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


def test_a_file_checked_apart_is_recorded_as_row_by_row(
    area: Area, tmp_path: Path, small_steps: None, never_read_here: list[int]
) -> None:
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))
    never_read_here.clear()

    report, apart_state = outcome(apart(path))

    assert report.ok, report.problems
    assert (report.created, report.updated, report.concerns_read, report.rows_read) == (
        11,
        0,
        11,
        11,
    )
    assert never_read_here == []  # every concern came from the checking process
    assert_same(apart_state, row_state)
    verbs = [entry[0] for entry in apart_state["audit"]]
    assert verbs.count(AuditVerb.CONCERN_RECORDED) == 11
    assert verbs[-1] == AuditVerb.DATA_IMPORTED


def test_a_problem_found_late_rejects_the_whole_file_with_nothing_written(
    area: Area, tmp_path: Path, small_steps: None
) -> None:
    rows = [concern(f"POL-{n}", [person("child", "Noah", f"Reid{n}")]) for n in range(1, 10)]
    rows[7]["category"] = "not-a-category"  # row 8: batches before it are already written
    path = write_jsonl(tmp_path / "concerns.jsonl", rows)
    before = written()

    report = import_concerns(path, "POL-TEST", check_apart=True)

    assert not report.committed
    assert (report.created, report.updated) == (0, 0)
    assert problems(report) == problems(read_first(path)())
    assert [problem.row for problem in report.problems] == [8]
    assert written() == before
    assert verify_chain().ok


def test_a_record_id_given_twice_is_reported_as_when_read_first(
    area: Area, tmp_path: Path, small_steps: None
) -> None:
    rows = [concern(f"POL-{n}", [person("child", "Ava", f"Lane{n}")]) for n in range(1, 8)]
    rows[6]["record_id"] = "POL-2"
    path = write_jsonl(tmp_path / "concerns.jsonl", rows)
    before = written()

    rejects = tmp_path / "rejects.jsonl"
    report = import_concerns(path, "POL-TEST", check_apart=True, rejects_path=rejects)

    assert not report.committed
    assert problems(report) == problems(read_first(path)())
    assert {problem.row for problem in report.problems} == {2, 7}
    assert written() == before
    # The checking process sends a good line without its record; a problem found here
    # reads it again, so the rejects file holds each record as sent.
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(entry["row"], entry["record"]) for entry in rejected] == [
        (2, rows[1]),
        (7, rows[6]),
    ]


def test_a_file_that_updates_what_is_held_is_recorded_batch_by_batch(
    area: Area, tmp_path: Path, small_steps: None
) -> None:
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    first = import_concerns(path, "POL-TEST", check_apart=True)
    assert (first.created, first.updated) == (11, 0)
    concerns_after_first = Concern.objects.count()

    again_apart, apart_state = outcome(apart(path))
    again_read_first, read_first_state = outcome(read_first(path))

    assert again_apart.ok, again_apart.problems
    assert (again_apart.created, again_apart.updated) == (0, 11)
    assert (again_read_first.created, again_read_first.updated) == (0, 11)
    assert_same(apart_state, read_first_state)
    assert Concern.objects.count() == concerns_after_first


def test_lines_that_are_not_utf8_reject_the_file_as_when_read_first(
    area: Area, tmp_path: Path, small_steps: None
) -> None:
    good = [
        json.dumps(concern(f"POL-{n}", [person("child", "Isla", f"Moss{n}")])).encode()
        for n in range(1, 7)
    ]
    good[4] = good[4].replace(b"Moss5", b"Mo\xe9ss5")  # Latin-1, on line 5
    path = tmp_path / "concerns.jsonl"
    path.write_bytes(b"\n".join(good) + b"\n")
    before = written()

    report = import_concerns(path, "POL-TEST", check_apart=True)

    assert report.file_problems
    assert "line 5 is not valid UTF-8" in problems(report)[0]
    assert problems(report) == problems(read_first(path)())
    assert written() == before


def test_a_checking_process_that_dies_leaves_the_file_read_here(
    area: Area,
    tmp_path: Path,
    small_steps: None,
    never_read_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))
    never_read_here.clear()
    # The child runs what the parent's module holds when it forks: it dies at once.
    monkeypatch.setattr(importer, "_check_apart", lambda *args: os._exit(3))

    report, apart_state = outcome(apart(path))

    assert report.ok, report.problems
    assert report.created == 11
    assert never_read_here == [1]
    assert_same(apart_state, row_state)


def test_a_write_refused_while_checking_falls_back_to_the_same_result(
    area: Area, tmp_path: Path, small_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_before_import(area)
    path = linkage_file(tmp_path / "concerns.jsonl")
    _, row_state = outcome(per_row(path))
    original = unit._apply_chained
    writers: list[str] = []

    def fail_second(prepared: Any) -> None:
        writers.append(threading.current_thread().name)
        if len(writers) == 2:
            raise IntegrityError("a concurrent import took a record id")
        original(prepared)

    monkeypatch.setattr(unit, "_apply_chained", fail_second)

    report, apart_state = outcome(apart(path))

    assert report.ok, report.problems
    assert report.created == 11
    assert writers[:2] == ["batch-writer", "batch-writer"]
    assert_same(apart_state, row_state)
    assert verify_chain().ok


def test_a_csv_file_checked_apart_is_recorded_as_when_read_first(
    area: Area, tmp_path: Path, small_steps: None
) -> None:
    header = "record_id,recorded_at,category,summary,local_authority,role,given_name,family_name"
    lines = [header]
    for n in range(1, 6):
        base = f"POL-{n},2026-03-01T14:30:00+00:00,neglect,Seen hungry ({n}).,LA-TEST"
        lines += [f"{base},child,Amelia,Hartley{n}", f"{base},parent,Karen,Hartley{n}"]
    path = tmp_path / "concerns.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    report, apart_state = outcome(apart(path))
    first_report, read_first_state = outcome(read_first(path))

    assert report.ok, report.problems
    assert (report.created, report.rows_read, report.concerns_read) == (5, 10, 5)
    assert (first_report.created, first_report.rows_read) == (5, 10)
    assert_same(apart_state, read_first_state)


def test_files_are_checked_apart_only_when_large_and_whole_on_postgresql(tmp_path: Path) -> None:
    whole = ImportReport(path=tmp_path, agency_code="POL-TEST", file_format="jsonl", partial=False)
    partial = ImportReport(path=tmp_path, agency_code="POL-TEST", file_format="jsonl", partial=True)
    large, small = importer.CHECK_APART_BYTES, importer.CHECK_APART_BYTES - 1

    assert importer._checks_apart(whole, large, None)
    assert not importer._checks_apart(whole, small, None)
    assert importer._checks_apart(whole, small, True)
    assert not importer._checks_apart(whole, large, False)
    assert not importer._checks_apart(partial, large, True)
