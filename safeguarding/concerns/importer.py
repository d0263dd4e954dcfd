"""Bulk import of concerns from an agency's own system: JSON Lines or CSV.

The format is in docs/users/import-format.md. An import runs in two passes. The first
reads and checks every row without writing anything, so that a bad file is rejected whole
with every problem listed by row. The second records the concerns as the agency's system
account, with the same validation, linkage, need-to-know and audit entries as
record_concern gives the API: a whole file a thousand concerns at a time in one
transaction (concerns.actions.record_concern_file), with --partial one concern per
transaction, so that each good one commits whatever becomes of the others.
``import_concerns`` does the work and returns an ImportReport, for the command line, the
API or a task worker alike;
``run_import_command`` only formats it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import multiprocessing
import os
import pickle
import queue
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from tqdm import tqdm

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.concerns.actions import (
    BATCH_SIZE,
    ConcernStream,
    record_concern_file,
    save_concern,
)
from safeguarding.concerns.import_schema import (
    ConcernDraft,
    Problem,
    check_csv_concern,
    check_csv_header,
    check_jsonl_record,
)

FORMATS = ("jsonl", "csv")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# A longest plausible line: a 10,000-character summary escaped as \uXXXX is 60 kB.
MAX_LINE_BYTES = 1024 * 1024
# Stop listing undecodable lines after this many: the whole file needs re-saving anyway.
MAX_ENCODING_PROBLEMS = 20
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A whole-file import of at least this many bytes on PostgreSQL is checked in a process of
# its own while it is recorded (about 400 concerns; below it, starting the process costs
# more than it saves), the checked concerns passed on this many at a time.
CHECK_APART_BYTES = 256 * 1024
CHECKED_CHUNK = 250
# Checked chunks held while they wait to be recorded (about 25,000 concerns, 20 MB): the
# child need never wait for the recording, and a national file is not held whole.
CHUNKS_AHEAD = 100


class ImportUsageError(Exception):
    """The import cannot start: a missing file, an unknown agency, a bad option."""


class MissingSystemAccount(Exception):  # noqa: N818 - reads as the condition it reports
    """The agency has no active system-integration account to import as."""

    def __init__(self, agency_code: str) -> None:
        self.agency_code = agency_code
        super().__init__(
            f"agency {agency_code} has no active system account (role system-integration) to "
            f"import as. Create one with:\n  safeguarding create-user "
            f"{agency_code.lower()}-system --role system-integration --agency {agency_code}"
        )


@dataclass
class RejectedConcern:
    """A concern that was not imported, with its rows, reasons and the record as sent."""

    row: int | None
    rows: list[int]
    problems: list[Problem]
    record: Any = None

    def reasons(self) -> list[str]:
        # A reason on the concern's first row needs no row number; one on another row of
        # the same CSV concern says which.
        return [p.reason if p.row in (None, self.row) else str(p) for p in self.problems]


@dataclass
class ImportReport:
    path: Path
    agency_code: str
    file_format: str
    partial: bool
    sha256: str = ""
    rows_read: int = 0  # non-blank lines (JSON Lines) or data rows (CSV)
    concerns_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[RejectedConcern] = field(default_factory=list)
    # Problems with the file as a whole (encoding, CSV header...): nothing was imported.
    file_problems: list[Problem] = field(default_factory=list)
    rejects_path: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.file_problems and not self.rejected

    @property
    def committed(self) -> bool:
        """Whether this import wrote to the database."""
        return not self.file_problems and (self.partial or not self.rejected)

    @property
    def problems(self) -> list[Problem]:
        if self.file_problems:
            return list(self.file_problems)
        found = [problem for concern in self.rejected for problem in concern.problems]
        return sorted(found, key=lambda problem: problem.row or 0)

    def audit_payload(self) -> dict[str, object]:
        # Counts and a fingerprint of the file, never its content: the content is personal
        # data and each concern already has its own audit entry.
        return {
            "format": self.file_format,
            "sha256": self.sha256,
            "partial": self.partial,
            "rows_read": self.rows_read,
            "concerns_read": self.concerns_read,
            "created": self.created,
            "updated": self.updated,
            "rejected": len(self.rejected),
        }


@dataclass
class _Item:
    """One concern as read from the file: one JSON line, or one CSV block of rows."""

    row: int
    rows: list[int]
    record: Any
    record_id: str = ""
    draft: ConcernDraft | None = None
    problems: list[Problem] = field(default_factory=list)


class _FileRejected(Exception):  # noqa: N818 - control flow, not an error for callers
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _whole_file(message: str, row: int | None = None) -> _FileRejected:
    return _FileRejected([Problem(row, "", message)])


class _RollBack(Exception):  # noqa: N818 - control flow inside this module, not an error
    pass


# ---------------------------------------------------------------------------------------
# Reading the file


class _Lines:
    """Decoded lines of a binary file, numbered from 1, with encoding problems collected.

    The file is split on b"\\n" before decoding, so that line numbers match what an editor
    shows and a JSON string holding U+2028 does not split a row."""

    def __init__(
        self, handle: IO[bytes], problems: list[Problem], bar: tqdm[Any] | None = None
    ) -> None:
        self.handle = handle
        self.problems = problems
        self.bar = bar
        self.number = 0

    def __iter__(self) -> Iterator[str | None]:
        """Each line's text, or None for a line over MAX_LINE_BYTES (skipped unread)."""
        while True:
            raw = self.handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self.number += 1
            if self.bar is not None:
                self.bar.update(len(raw))
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                self._skip_rest_of_line()
                yield None
                continue
            if self.number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            yield self._decode(raw)

    def _skip_rest_of_line(self) -> None:
        while True:
            chunk = self.handle.readline(MAX_LINE_BYTES)
            if self.bar is not None:
                self.bar.update(len(chunk))
            if not chunk or chunk.endswith(b"\n"):
                return

    def _decode(self, raw: bytes) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            column = len(raw[: error.start].decode("utf-8", "replace")) + 1
            self._encoding_problem(
                f"line {self.number} is not valid UTF-8 (byte 0x{raw[error.start]:02X} at "
                f"character {column}); the file may be saved as Latin-1 or Windows-1252: save "
                "it as UTF-8 and import it again"
            )
            return raw.decode("utf-8", "replace")
        if "\x00" in text:
            self._encoding_problem(
                f"line {self.number} contains NUL bytes: the file is probably UTF-16 or not a "
                "text file; save it as UTF-8 and import it again"
            )
        return text

    def _encoding_problem(self, message: str) -> None:
        # Reported by line, not row: in CSV a row can span several lines.
        self.problems.append(Problem(None, "", message))
        if len(self.problems) >= MAX_ENCODING_PROBLEMS:
            self.problems.append(
                Problem(None, "", f"stopped reading after {MAX_ENCODING_PROBLEMS} such lines")
            )
            raise _FileRejected(self.problems)


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) < len(pairs):
        # json.loads would silently keep the last value; a sender's bug is likelier.
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(f"the field {key!r} appears twice in one object")
            seen.add(key)
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_jsonl(
    lines: _Lines, check: Callable[[object, int], tuple[ConcernDraft | None, list[Problem]]]
) -> Iterator[_Item]:
    for text in lines:
        row = lines.number
        if text is None:
            yield _Item(
                row,
                [row],
                None,
                problems=[
                    Problem(
                        row,
                        "",
                        f"the line is longer than {MAX_LINE_BYTES // 1024:,} KiB and was not read",
                    )
                ],
            )
            continue
        if not text.strip():
            continue  # blank lines are allowed, and still counted for row numbers
        text = text.rstrip("\r\n")
        try:
            record = json.loads(
                text,
                object_pairs_hook=_object_without_duplicate_keys,
                parse_constant=_refuse_constant,
            )
        except json.JSONDecodeError as error:
            yield _Item(
                row,
                [row],
                text,
                problems=[
                    Problem(row, "", f"is not valid JSON: {error.msg} (at character {error.colno})")
                ],
            )
            continue
        except RecursionError:
            yield _Item(row, [row], text, problems=[Problem(row, "", "is nested too deeply")])
            continue
        except ValueError as error:  # duplicate keys, NaN, integers too long to read
            yield _Item(row, [row], text, problems=[Problem(row, "", f"is not valid: {error}")])
            continue
        draft, problems = check(record, row)
        record_id = record.get("record_id") if isinstance(record, dict) else None
        yield _Item(
            row,
            [row],
            record,
            record_id=record_id.strip() if isinstance(record_id, str) else "",
            draft=draft,
            problems=problems,
        )


def _read_csv(
    lines: _Lines, agency_code: str, local_authority_exists: Callable[[str], bool]
) -> Iterator[_Item]:
    def source() -> Iterator[str]:
        for text in lines:
            if text is None:
                raise _whole_file(
                    f"line {lines.number} is longer than {MAX_LINE_BYTES // 1024:,} KiB; the "
                    "file cannot be read"
                )
            yield text

    # strict: a stray quote is a sender's bug to report, not something to guess around.
    reader = csv.reader(source(), strict=True)
    names: list[str] | None = None
    block: list[tuple[int, dict[str, str]]] = []
    block_problems: list[Problem] = []
    block_id = ""
    previous_end = 0

    def finish() -> _Item:
        problems = list(block_problems)
        draft = check_csv_concern(
            block,
            agency_code=agency_code,
            local_authority_exists=local_authority_exists,
            problems=problems,
        )
        rows = [row for row, _ in block]
        return _Item(
            rows[0],
            rows,
            [values for _, values in block],
            record_id=block_id,
            draft=None if problems else draft,
            problems=problems,
        )

    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise _whole_file(
                f"the CSV cannot be read past here: {error}. Check for a stray or unclosed "
                "quote, or a value too large",
                row=previous_end + 1,
            ) from None
        row, previous_end = previous_end + 1, lines.number
        if not any(value.strip() for value in values):
            continue  # a blank line, or a spreadsheet's empty row of commas
        if names is None:
            names, header_problems = check_csv_header(values)
            if header_problems:
                raise _FileRejected(header_problems)
            continue
        row_values: dict[str, str] = dict(zip(names, values, strict=False))
        row_problems = []
        if len(values) != len(names):
            row_problems.append(
                Problem(
                    row, "", f"has {len(values)} values but the header has {len(names)} columns"
                )
            )
            if len(values) > len(names):
                row_values["_extra_values"] = ",".join(values[len(names) :])
        record_id = row_values.get("record_id", "").strip()
        if not record_id and block:
            # Attach it to the concern above: importing that concern without a person the
            # sender meant to include would be worse than rejecting it.
            row_problems.append(
                Problem(
                    row, "record_id", "is required on every row; repeat the concern's record id"
                )
            )
        elif record_id != block_id or not block:
            if block:
                yield finish()
            block, block_problems, block_id = [], [], record_id
        block.append((row, row_values))
        block_problems.extend(row_problems)
    if names is None:
        empty = lines.number == 0
        raise _whole_file(
            "the file is empty" if empty else "the file has no header row, only blank lines"
        )
    if block:
        yield finish()


def _mark_duplicates(items: list[_Item], file_format: str) -> None:
    by_id: dict[str, list[_Item]] = {}
    for item in items:
        if item.record_id:
            by_id.setdefault(item.record_id, []).append(item)
    for record_id, same in by_id.items():
        if len(same) < 2:
            continue
        for item in same:
            others = [row for other in same if other is not item for row in other.rows]
            where = ("row " if len(others) == 1 else "rows ") + ", ".join(map(str, others))
            message = f"{record_id!r} is also used at {where}; each record id may appear once"
            if file_format == "csv":
                message += " (a concern's rows must be consecutive)"
            item.problems.append(Problem(item.row, "record_id", message))
            item.draft = None


# ---------------------------------------------------------------------------------------
# Recording


def _add_error(item: _Item, error: Exception) -> None:
    """Note why recording ``item`` failed, in the words of the check that refused it."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    item.problems.append(Problem(item.row, key, message))
        else:
            item.problems.extend(Problem(item.row, "", m) for m in error.messages)
    elif isinstance(error, PermissionDenied):
        item.problems.append(Problem(item.row, "", f"refused: {error}"))
    else:
        item.problems.append(Problem(item.row, "", f"could not be saved: {error}"))


def _record_one(actor: User, item: _Item) -> bool | None:
    """Record one concern in its own savepoint: True if new, False if updated, None (with
    the reasons added to the item) if it failed."""
    assert item.draft is not None
    try:
        with transaction.atomic():
            return save_concern(
                actor=actor, details=item.draft.details, persons_checked=True
            ).created
    except (ValidationError, PermissionDenied, DatabaseError) as error:
        _add_error(item, error)
        return None


def _rejected(item: _Item) -> RejectedConcern:
    return RejectedConcern(item.row, item.rows, item.problems, item.record)


def _import(actor: User, items: list[_Item], report: ImportReport, bar: tqdm[Any]) -> None:
    good = [item for item in items if item.draft is not None and not item.problems]
    report.rejected = [_rejected(item) for item in items if item.draft is None or item.problems]
    if report.rejected and not report.partial:
        return  # the whole file is rejected: nothing to write

    def record_each() -> None:
        for item in good:
            created = _record_one(actor, item)
            if created is None:
                report.rejected.append(_rejected(item))
            elif created:
                report.created += 1
            else:
                report.updated += 1
            bar.update(1)

    def record_in_batches() -> None:
        # A constant number of queries per batch instead of dozens per concern.
        drafts = [item.draft.details for item in good if item.draft is not None]
        outcomes = record_concern_file(
            actor=actor, concerns=drafts, batch_size=BATCH_SIZE, progress=bar.update
        )
        for item, outcome in zip(good, outcomes, strict=True):
            if outcome.error is not None:
                _add_error(item, outcome.error)
                report.rejected.append(_rejected(item))
            elif outcome.created:
                report.created += 1
            else:
                report.updated += 1

    if report.partial:
        # Each concern commits on its own, so that a long import does not hold the audit
        # log's head row (and so every other audited action) for its whole length.
        record_each()
        with transaction.atomic():
            _record_import(actor, report)
    else:
        try:
            with transaction.atomic():
                record_in_batches()
                if report.rejected:
                    raise _RollBack
                _record_import(actor, report)
        except _RollBack:
            report.created = report.updated = 0
    report.rejected.sort(key=lambda rejected: rejected.row or 0)


def _record_import(actor: User, report: ImportReport) -> None:
    record(
        AuditVerb.DATA_IMPORTED,
        actor=actor,
        target_type=TargetType.IMPORT_FILE,
        target_id=report.sha256,
        legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING_SPECIAL_CATEGORY,
        payload=report.audit_payload(),
    )


# ---------------------------------------------------------------------------------------
# Checking apart: a large file checked in a process of its own while it is recorded


class _CheckedApart:
    """The file's concerns, checked in a child process and received in order, a chunk at
    a time, while this process records them. The child only reads the file, checks it
    and sends what it found: it is given the active local authorities' codes rather
    than a database connection. After the last chunk, ``file_problems`` holds what
    rejects the file as a whole (lines that are not UTF-8, a CSV that cannot be read
    past some row), and ``finished`` says whether the child reported its end; when it
    did not (it died), the caller reads the file again here."""

    def __init__(self, path: Path, report: ImportReport) -> None:
        authorities = frozenset(
            Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).values_list(
                "code", flat=True
            )
        )
        # fork: the child starts at once, with the code already imported, and never
        # touches the database or the parent's threads' state (it leaves with os._exit).
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_check_apart,
            args=(path, report.file_format, report.agency_code, authorities, sending),
            name="import-checker",
            daemon=True,
        )
        with warnings.catch_warnings():
            # Python warns that forking a process with threads may deadlock the child if
            # another thread holds a lock it then needs; the child takes none of theirs.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.process.start()
        sending.close()
        self.file_problems: list[Problem] = []
        self.finished = False
        self.ended = False
        # A pipe holds less than one chunk: a thread takes each from it as it comes, so
        # that the child checks on ahead instead of waiting to be asked for the next.
        self.arrived: queue.Queue[bytes | None] = queue.Queue(maxsize=CHUNKS_AHEAD)
        self.stopping = threading.Event()
        self.receiver = threading.Thread(target=self._receive, name="import-receiver", daemon=True)
        self.receiver.start()

    def _receive(self) -> None:
        """Move the child's messages, as bytes, into ``arrived``; then None."""
        try:
            while not self.stopping.is_set():
                try:
                    message: bytes | None = self.receiving.recv_bytes()
                except (EOFError, OSError):
                    return
                self._hand_on(message)
        finally:
            self._hand_on(None)

    def _hand_on(self, message: bytes | None) -> None:
        while not self.stopping.is_set():
            try:
                self.arrived.put(message, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[list[_Item]]:
        """Every chunk that has arrived, as one list, waiting only when none has: the
        recording then reads for as many concerns at once as it can."""
        while not self.ended:
            items: list[_Item] = []
            message = self.arrived.get()
            while True:
                if message is None:
                    self.ended = True  # the child died without reporting its end
                    break
                kind, content = pickle.loads(message)  # noqa: S301 - sent by our own child process
                if kind != "items":
                    self.file_problems = content
                    self.finished = self.ended = True
                    break
                items += content
                try:
                    message = self.arrived.get_nowait()
                except queue.Empty:
                    break
            if items:
                yield items

    def close(self) -> None:
        self.stopping.set()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.join()
        self.receiving.close()


def _check_apart(
    path: Path,
    file_format: str,
    agency_code: str,
    authorities: frozenset[str],
    send: Connection,
) -> None:
    """The child's work: the file's items in chunks, then ("end", file problems)."""
    encoding_problems: list[Problem] = []
    chunk: list[_Item] = []
    try:
        with path.open("rb") as handle:
            for item in _items(
                handle, file_format, agency_code, authorities.__contains__, encoding_problems
            ):
                if file_format == "jsonl" and not item.problems:
                    # Sent without the record as read, which is needed only to report a
                    # problem found later; the parent reads it again then (_with_records).
                    item.record = None
                chunk.append(item)
                if len(chunk) == CHECKED_CHUNK:
                    send.send(("items", chunk))
                    chunk = []
        send.send(("items", chunk))
        send.send(("end", encoding_problems))
    except _FileRejected as rejected:
        send.send(("end", encoding_problems or rejected.problems))
    except OSError as error:
        send.send(("end", [_unreadable(error)]))
    finally:
        send.close()


def _record_while_checking(
    actor: User, path: Path, report: ImportReport, *, size: int, progress: bool
) -> tuple[bool, list[_Item] | None]:
    """Record a whole file's concerns as the checking process passes them on, in one
    transaction: (True, None) once recorded. Anything that would not be recorded by
    reading the whole file first (a problem, a record id given twice or held already, a
    write refused) rolls this attempt back, and returns (False, every item read) for
    the file to be recorded, or rejected, as if read first: (False, None) when it is
    rejected as a whole (report.file_problems)."""
    agency = actor.agency
    assert agency is not None
    checked = _CheckedApart(path, report)
    items: list[_Item] = []
    try:
        with tqdm(desc="Importing", unit="concern", disable=not progress) as bar:
            try:
                with transaction.atomic():
                    with ConcernStream(
                        actor, agency, batch_size=BATCH_SIZE, progress=bar.update
                    ) as stream:
                        recording = True
                        for chunk in checked:
                            items += chunk
                            recording = recording and _record_chunk(stream, chunk)
                        if not recording or not checked.finished or checked.file_problems:
                            raise _RollBack
                    found = _finish_reading(items, report, checked.file_problems, size=size)
                    if (
                        found is None
                        or stream.refused
                        or len(stream.outcomes) != len(items)
                        or any(outcome.error is not None for outcome in stream.outcomes)
                    ):
                        raise _RollBack
                    report.created = sum(outcome.created for outcome in stream.outcomes)
                    _record_import(actor, report)
                    return True, None
            except (_RollBack, DatabaseError):
                pass
        for chunk in checked:  # what was left unread when the attempt stopped
            items += chunk
    finally:
        checked.close()
    if not checked.finished:
        return False, _read(path, report, size=size, progress=progress)
    report.created = 0
    if checked.file_problems:  # rejected whole: no record is reported
        return False, _finish_reading(items, report, checked.file_problems, size=size)
    return False, _finish_reading(_with_records(path, items), report, [], size=size)


def _with_records(path: Path, items: list[_Item]) -> list[_Item]:
    """``items`` with the records the checking process left out (see _check_apart) read
    again from their lines, for a file recorded, or rejected, after all."""
    wanted = {item.row: item for item in items if item.record is None and item.draft is not None}
    if wanted:
        with path.open("rb") as handle:
            lines = _Lines(handle, [])  # the file had no encoding problem, or it is rejected
            for text in lines:
                item = wanted.get(lines.number)
                if item is not None and text is not None:
                    item.record = json.loads(text, object_pairs_hook=_object_without_duplicate_keys)
    return items


def _record_chunk(stream: ConcernStream, chunk: list[_Item]) -> bool:
    """Add a chunk of checked items to ``stream``; False if any cannot be recorded so."""
    drafts = [item.draft for item in chunk if item.draft is not None and not item.problems]
    if len(drafts) < len(chunk):
        return False
    return stream.add([draft.details for draft in drafts])


def _checks_apart(report: ImportReport, size: int, check_apart: bool | None) -> bool:
    """Whether to check the file in a process of its own while recording it: for a
    whole-file import on PostgreSQL (where batches are written while the next is
    planned), of a file large enough to gain from it, unless the caller says."""
    if report.partial or connection.vendor != "postgresql":
        return False
    return size >= CHECK_APART_BYTES if check_apart is None else check_apart


# ---------------------------------------------------------------------------------------
# The entry point


def _choose_format(path: Path, file_format: str | None) -> str:
    if file_format:
        if file_format not in FORMATS:
            raise ImportUsageError(f"unknown format {file_format!r}: use jsonl or csv")
        return file_format
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ImportUsageError(
            f"cannot tell the format of {path.name} from its extension: "
            "use --format jsonl or --format csv"
        )
    return found


def _system_account(agency_code: str) -> User:
    code = agency_code.strip().upper()
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ImportUsageError(f"no agency with code {agency_code!r}")
    if not agency.is_active:
        raise ImportUsageError(f"agency {code} is not active")
    user = (
        User.objects.select_related("agency")
        .filter(agency=agency, role=Role.SYSTEM_INTEGRATION, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise MissingSystemAccount(code)
    return user


def _open_rejects(rejects_path: Path, source: Path) -> IO[str]:
    if rejects_path.exists() and rejects_path.resolve() == source.resolve():
        raise ImportUsageError("the rejects file must not be the file being imported")
    if rejects_path.is_dir():
        raise ImportUsageError(f"{rejects_path} is a directory; give a file name for --rejects")
    try:
        # Rejected rows are personal data: readable by the operator only.
        descriptor = os.open(rejects_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
    except OSError as error:
        raise ImportUsageError(
            f"cannot write the rejects file {rejects_path}: {error.strerror}"
        ) from None
    return open(descriptor, "w", encoding="utf-8")


def _json_line(entry: dict[str, Any]) -> str:
    try:
        return json.dumps(entry, ensure_ascii=False).encode("utf-8").decode("utf-8") + "\n"
    except UnicodeEncodeError:  # a lone surrogate escaped in the original JSON
        return json.dumps(entry) + "\n"


def write_rejects(report: ImportReport, handle: IO[str]) -> None:
    """JSON Lines of {"row", "rows", "reasons", "record"}: one line per rejected concern, or
    per problem with the file as a whole."""
    if report.file_problems:
        for problem in report.file_problems:
            handle.write(
                _json_line(
                    {"row": problem.row, "rows": [], "reasons": [problem.reason], "record": None}
                )
            )
        return
    for rejected in report.rejected:
        handle.write(
            _json_line(
                {
                    "row": rejected.row,
                    "rows": rejected.rows,
                    "reasons": rejected.reasons(),
                    "record": rejected.record,
                }
            )
        )


def import_concerns(
    path: Path | str,
    agency_code: str,
    *,
    file_format: str | None = None,
    partial: bool = False,
    rejects_path: Path | str | None = None,
    progress: bool = False,
    check_apart: bool | None = None,
) -> ImportReport:
    """Import the concerns in ``path`` as ``agency_code``'s system account.

    Without ``partial``, any problem rejects the whole file and nothing is written. With
    it, good concerns are imported and the rest are listed in the report (and in
    ``rejects_path``, required then). A whole-file import on PostgreSQL of a file of
    CHECK_APART_BYTES or more (or any, with ``check_apart``) is checked in a process of
    its own while it is recorded, to the same result. Raises ImportUsageError when the
    import cannot start and MissingSystemAccount when the agency has no system
    account."""
    path = Path(path)
    if not path.exists():
        raise ImportUsageError(f"no such file: {path}")
    if path.is_dir():
        raise ImportUsageError(f"{path} is a directory, not a file")
    chosen_format = _choose_format(path, file_format)
    if partial and rejects_path is None:
        raise ImportUsageError("--partial needs --rejects FILE, where rejected rows are written")
    actor = _system_account(agency_code)
    assert actor.agency is not None
    code = actor.agency.code
    try:
        with path.open("rb") as handle:
            sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
            size = handle.tell()
    except OSError as error:
        raise ImportUsageError(f"cannot read {path}: {error.strerror}") from None
    rejects = _open_rejects(Path(rejects_path), path) if rejects_path is not None else None
    report = ImportReport(
        path=path,
        agency_code=code,
        file_format=chosen_format,
        partial=partial,
        sha256=sha256,
        rejects_path=Path(rejects_path) if rejects_path else None,
    )
    try:
        if _checks_apart(report, size, check_apart):
            recorded, items = _record_while_checking(
                actor, path, report, size=size, progress=progress
            )
        else:
            recorded, items = False, _read(path, report, size=size, progress=progress)
        if not recorded and items is not None:
            with tqdm(
                total=len(items), desc="Importing", unit="concern", disable=not progress
            ) as bar:
                _import(actor, items, report, bar)
        if rejects is not None:
            write_rejects(report, rejects)
    finally:
        if rejects is not None:
            rejects.close()
    return report


def _read(path: Path, report: ImportReport, *, size: int, progress: bool) -> list[_Item] | None:
    """Every concern in the file, checked; None (with report.file_problems) if the file
    as a whole cannot be read."""
    cache: dict[str, bool] = {}

    def local_authority_exists(code: str) -> bool:
        if code not in cache:
            cache[code] = Agency.objects.filter(
                code=code, kind=AgencyKind.LOCAL_AUTHORITY, is_active=True
            ).exists()
        return cache[code]

    encoding_problems: list[Problem] = []
    try:
        with (
            path.open("rb") as handle,
            tqdm(
                total=size, desc="Checking", unit="B", unit_scale=True, disable=not progress
            ) as bar,
        ):
            items = list(
                _items(
                    handle,
                    report.file_format,
                    report.agency_code,
                    local_authority_exists,
                    encoding_problems,
                    bar,
                )
            )
    except _FileRejected as rejected:
        report.file_problems = encoding_problems or rejected.problems
        return None
    except OSError as error:
        report.file_problems = [_unreadable(error)]
        return None
    return _finish_reading(items, report, encoding_problems, size=size)


def _unreadable(error: OSError) -> Problem:
    return Problem(None, "", f"the file could not be read: {error}")


def _items(
    handle: IO[bytes],
    file_format: str,
    agency_code: str,
    local_authority_exists: Callable[[str], bool],
    encoding_problems: list[Problem],
    bar: tqdm[Any] | None = None,
) -> Iterator[_Item]:
    """Each concern in the open file, checked, in order. Raises _FileRejected when the
    file as a whole cannot be read; collects lines that are not UTF-8 in
    ``encoding_problems``."""
    if handle.read(2) in UTF16_BOMS:
        raise _whole_file("the file is UTF-16 encoded: save it as UTF-8 and import it again")
    handle.seek(0)
    lines = _Lines(handle, encoding_problems, bar)
    if file_format == "jsonl":
        yield from _read_jsonl(
            lines,
            lambda record, row: check_jsonl_record(
                record,
                row,
                agency_code=agency_code,
                local_authority_exists=local_authority_exists,
            ),
        )
    else:
        yield from _read_csv(lines, agency_code, local_authority_exists)


def _finish_reading(
    items: list[_Item], report: ImportReport, encoding_problems: list[Problem], *, size: int
) -> list[_Item] | None:
    """``items``, every one read, with the problems only the whole file shows (a record
    id used twice) marked; None, with report.file_problems, if the file is rejected
    whole."""
    if report.file_format == "jsonl":
        report.rows_read = len(items)
    else:
        report.rows_read = sum(len(item.rows) for item in items)
    if encoding_problems:
        report.file_problems = encoding_problems
        return None
    if not items:
        what = (
            "is empty"
            if size == 0
            else "has no concerns in it, only "
            + ("a header row" if report.file_format == "csv" else "blank lines")
        )
        report.file_problems = [Problem(None, "", f"the file {what}")]
        return None
    _mark_duplicates(items, report.file_format)
    report.concerns_read = len(items)
    return items


# ---------------------------------------------------------------------------------------
# The command line


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary(report: ImportReport) -> str:
    read = _plural(report.concerns_read, "concern")
    if report.file_format == "csv":
        read += f" in {_plural(report.rows_read, 'row')}"
    if report.file_problems:
        return "The file was rejected and nothing was imported."
    if report.rejected and not report.partial:
        good = report.concerns_read - len(report.rejected)
        return (
            f"Read {read}: {len(report.rejected):,} with problems, so the file was "
            f"rejected and nothing was imported. Correct them and import the file again, "
            f"or use --partial --rejects FILE to import the other {good:,}."
        )
    text = (
        f"Read {read}: {report.created:,} imported as new, {report.updated:,} updated, "
        f"{len(report.rejected):,} rejected."
    )
    if report.partial and report.rejects_path is not None:
        text += f" Rejected rows and reasons are in {report.rejects_path}."
    return text


def run_import_command(args: argparse.Namespace) -> int:
    """`safeguarding import`: exit 0 when everything was imported, 1 when rows were
    rejected (or the agency has no system account), 2 when the import could not start."""
    progress = not args.quiet and sys.stderr.isatty()
    try:
        report = import_concerns(
            args.file,
            args.agency,
            file_format=args.format,
            partial=args.partial,
            rejects_path=args.rejects,
            progress=progress,
        )
    except ImportUsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except MissingSystemAccount as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(summary(report), file=sys.stdout if report.committed else sys.stderr)
    return 0 if report.ok else 1
