"""Appending to and verifying the audit chain."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from safeguarding.audit.models import AuditEntry, AuditHead
from safeguarding.audit.redaction import redaction_problem
from safeguarding.audit.sealing import KEEP_KEY, keep_keys, seal
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType

if TYPE_CHECKING:
    from safeguarding.audit.checkpoints import Checkpoint

GENESIS_HASH = "0" * 64


class ActorAgency(Protocol):
    @property
    def code(self) -> str: ...


class Actor(Protocol):
    """What an entry needs of whoever acted: a member of staff (access's User), described
    here so that the log, below access, imports nothing of it. None is the system."""

    @property
    def pk(self) -> Any: ...

    @property
    def agency(self) -> ActorAgency | None: ...

    def get_username(self) -> str: ...


# One encoder for every canonical form: json.dumps with these arguments builds a new
# encoder on each call, and an import hashes a few entries per concern.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def _canonical(entry_fields: dict[str, Any]) -> bytes:
    return _encode(entry_fields).encode()


def compute_hash(
    *,
    previous_hash: str,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    agency_code: str,
    verb: str,
    target_type: str,
    target_id: str,
    reason: str,
    legal_basis: str,
    payload: dict[str, Any],
) -> str:
    """The HMAC of the canonical JSON of every field of an entry."""
    return _hash(
        _message(
            previous_hash=previous_hash,
            sequence=sequence,
            occurred_at=occurred_at.isoformat(timespec="microseconds"),
            actor_id=actor_id,
            actor_label=actor_label,
            agency_code=agency_code,
            verb=verb,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            legal_basis=legal_basis,
            payload_text=_encode(payload),
        )
    )


def _message(
    *,
    previous_hash: str,
    sequence: int,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    agency_code: str,
    verb: str,
    target_type: str,
    target_id: str,
    reason: str,
    legal_basis: str,
    payload_text: str,
) -> bytes:
    """The canonical JSON of every field, ``payload_text`` (the payload's canonical JSON)
    included as it is rather than encoded again: the keys before "payload" in sorted
    order, the payload, then the keys after it."""
    before = _before_payload(actor_id, actor_label, agency_code, legal_basis, occurred_at)
    return _joined(
        before,
        payload_text,
        previous_hash=previous_hash,
        reason=reason,
        sequence=sequence,
        target_id=target_id,
        target_type=target_type,
        verb=verb,
    )


def _before_payload(
    actor_id: int | None, actor_label: str, agency_code: str, legal_basis: str, occurred_at: str
) -> str:
    """The canonical JSON of the fields whose keys sort before "payload", without its
    closing brace: the same for every entry of a batch by one actor on one legal basis."""
    return _encode(
        {
            "actor_id": actor_id,
            "actor_label": actor_label,
            "agency_code": agency_code,
            "legal_basis": legal_basis,
            "occurred_at": occurred_at,
        }
    )[:-1]


def _joined(
    before: str,
    payload_text: str,
    *,
    previous_hash: str,
    reason: str,
    sequence: int,
    target_id: str,
    target_type: str,
    verb: str,
) -> bytes:
    after = _encode(
        {
            "previous_hash": previous_hash,
            "reason": reason,
            "sequence": sequence,
            "target_id": target_id,
            "target_type": target_type,
            "verb": verb,
        }
    )
    return f'{before},"payload":{payload_text},{after[1:]}'.encode()


def _hash(message: bytes) -> str:
    return hmac.digest(settings.AUDIT_HMAC_KEY.encode(), message, "sha256").hex()


def _entry_hash(entry: AuditEntry, previous_hash: str) -> str:
    return compute_hash(
        previous_hash=previous_hash,
        sequence=entry.sequence,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        agency_code=entry.agency_code,
        verb=entry.verb,
        target_type=entry.target_type,
        target_id=entry.target_id,
        reason=entry.reason,
        legal_basis=entry.legal_basis,
        payload=entry.payload,
    )


def _normalised_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so that what is hashed is exactly what the database returns.
    result: dict[str, Any] = json.loads(_canonical(payload or {}))
    return result


def payload_text(payload: dict[str, Any] | None) -> str:
    """The canonical JSON of ``payload`` as the database will return it: what the hash
    covers, and on PostgreSQL what is stored. Encoded once; encoded again from what it
    decodes to only when some key is not a string (JSON turns such keys into strings,
    which may change their sorted order)."""
    if not payload:
        return "{}"  # most entries: a person created, a clock started
    text = _encode(payload)
    if not _string_keys(payload):
        text = _encode(json.loads(text))
    return text


def _string_keys(value: object) -> bool:
    """Whether every key of every mapping in ``value`` is a string."""
    if isinstance(value, dict):
        return all(
            isinstance(key, str)
            and (not isinstance(item, dict | list | tuple) or _string_keys(item))
            for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return all(_string_keys(item) for item in value if isinstance(item, dict | list | tuple))
    return True


def _text(member: TargetType | LegalBasis | None) -> str:
    """What the log stores for a vocabulary member: its value, or nothing."""
    return "" if member is None else str(member)


def record(
    verb: AuditVerb,
    *,
    actor: Actor | None,
    target_type: TargetType | None = None,
    target_id: object = "",
    reason: str = "",
    legal_basis: LegalBasis | None = None,
    payload: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (or a new one). No savepoint: the entry
    stands or falls with the change it records.

    Every read and write of personal data comes through here, so it is written in three
    plain SQL statements rather than through the ORM: locking the head row, inserting the
    entry and moving the head (the ORM's query building cost more than the database work).
    A non-empty reason is stored sealed (sealing.py): its key is inserted with the head's
    move on PostgreSQL, in a fourth statement on SQLite."""
    if _event_times.get() is not None:
        (pending,) = with_event_times(
            [PendingEntry(verb, actor, target_type, target_id, reason, legal_basis, payload)]
        )
        payload = pending.payload
    with transaction.atomic(savepoint=False):
        previous_sequence, previous_hash = locked_head()
        sequence = previous_sequence + 1
        # A reason is staff-written text: stored sealed, its key outside the chain.
        key = None
        if reason:
            reason, key = seal(reason, sequence)
        entry = AuditEntry(
            sequence=sequence,
            occurred_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor_label or (actor.get_username() if actor is not None else "system"),
            agency_code=(
                actor.agency.code if actor is not None and actor.agency is not None else ""
            ),
            verb=str(verb),
            target_type=_text(target_type),
            target_id=str(target_id),
            reason=reason,
            legal_basis=_text(legal_basis),
            payload=_normalised_payload(payload),
            previous_hash=previous_hash,
        )
        entry.entry_hash = _entry_hash(entry, previous_hash)
        ops = connection.ops
        payload_value = ops.adapt_json_value(entry.payload, None)
        placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        with connection.cursor() as cursor:
            cursor.execute(
                # Table names are the models' own constants; every value is a parameter.
                f"INSERT INTO {ENTRY_TABLE} (sequence, occurred_at, actor_id, actor_label, "  # noqa: S608 - constant table names
                "agency_code, verb, target_type, target_id, reason, legal_basis, payload, "
                f"previous_hash, entry_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                f"{placeholder}, %s, %s) RETURNING id",
                [
                    entry.sequence,
                    ops.adapt_datetimefield_value(entry.occurred_at),
                    entry.actor_id,
                    entry.actor_label,
                    entry.agency_code,
                    entry.verb,
                    entry.target_type,
                    entry.target_id,
                    entry.reason,
                    entry.legal_basis,
                    payload_value,
                    entry.previous_hash,
                    entry.entry_hash,
                ],
            )
            entry.pk = cursor.fetchone()[0]
            move_head = f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s WHERE id = 1"  # noqa: S608 - constant table names
            moved: list[int | str | bytes] = [entry.sequence, entry.entry_hash]
            if key is not None and connection.vendor == "postgresql":
                # The key goes in with the head's move: no more round trips while the head
                # is locked. (SQLite has no INSERT in WITH, and no round trips.)
                move_head = f"WITH sealed AS ({KEEP_KEY}) {move_head}"
                moved = [entry.sequence, key, *moved]
                key = None
            cursor.execute(move_head, moved)
        if key is not None:
            keep_keys([(entry.sequence, key)])
        entry._state.adding = False
        return entry


@dataclass(frozen=True)
class PendingEntry:
    """One entry for record_many: the same arguments as record()."""

    verb: AuditVerb
    actor: Actor | None
    target_type: TargetType | None = None
    target_id: object = ""
    reason: str = ""
    legal_basis: LegalBasis | None = None
    payload: dict[str, Any] | None = None
    actor_label: str | None = None


# History loaded after the fact ---------------------------------------------------------
#
# An entry's occurred_at is when it was written, and the chain keeps those in order. A
# loader of past records (the demo's generator) writes, at one moment, entries about events
# that happened months apart: each such entry also carries the event's own time, in its
# payload under EVENT_AT, so that it is covered by the entry's hash like the rest. The
# "who knew what, when" report reads the event's time where there is one. Only loaders set
# it (event_times below); nothing a person does in the service can.

EVENT_AT = "event_at"
EventTimes = Callable[[Sequence[PendingEntry]], Sequence[datetime | None]]
_event_times: ContextVar[EventTimes | None] = ContextVar("audit_event_times", default=None)


@contextmanager
def event_times(resolve: EventTimes) -> Iterator[None]:
    """While loading history: every entry written inside is given the time of the event
    it records, as ``resolve`` works it out for each entry of a batch (None: the time of
    writing is the event's)."""
    token = _event_times.set(resolve)
    try:
        yield
    finally:
        _event_times.reset(token)


def with_event_times(entries: Sequence[PendingEntry]) -> Sequence[PendingEntry]:
    resolve = _event_times.get()
    if resolve is None or not entries:
        return entries
    return [
        entry
        if when is None
        else replace(entry, payload={**(entry.payload or {}), EVENT_AT: when.isoformat()})
        for entry, when in zip(entries, resolve(entries), strict=True)
    ]


def event_time(entry: AuditEntry) -> datetime:
    """When the event an entry records happened: its own time where a loader of history
    gave one, else the time the entry was written."""
    raw = entry.payload.get(EVENT_AT) if isinstance(entry.payload, dict) else None
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    return parsed or entry.occurred_at


_COLUMNS = (
    "sequence, occurred_at, actor_id, actor_label, agency_code, verb, target_type, target_id, "
    "reason, legal_basis, payload, previous_hash, entry_hash"
)
_PLACEHOLDERS = ", ".join(["%s"] * 13)


def record_many(entries: Sequence[PendingEntry]) -> int:
    """Append ``entries`` in order, in the caller's transaction (or a new one), as that many
    calls of record() would, but locking and moving the head once and writing the rows in
    one statement (COPY on PostgreSQL, executemany elsewhere), and the keys of their
    sealed reasons in one more. Every entry shares the moment of writing. Returns the
    sequence number of the last entry (the head's, if ``entries`` is empty)."""
    with transaction.atomic(savepoint=False):
        head = locked_head()
        if not entries:
            return head[0]
        chained = chain_entries(entries, head)
        write_chained(chained)
        return chained.head[0]


@dataclass(frozen=True)
class ChainedEntries:
    """Entries with their sequence numbers and hashes worked out, ready to write after the
    head they were chained from."""

    after: tuple[int, str]  # the (sequence, hash) they follow
    rows: list[tuple[Any, ...]]  # in _COLUMNS, as the database driver takes them
    head: tuple[int, str]  # the (sequence, hash) of the last
    keys: list[tuple[int, bytes]] = field(default_factory=list)  # of sealed reasons


def chain_entries(entries: Sequence[PendingEntry], after: tuple[int, str]) -> ChainedEntries:
    """Work out the rows that append ``entries`` after the head ``after``, sharing this
    moment. Reads nothing from the database: the caller holds the head (see
    write_chained)."""
    sequence, previous_hash = after
    entries = with_event_times(entries)
    occurred_at = timezone.now()
    hashed_at = occurred_at.isoformat(timespec="microseconds")
    ops = connection.ops
    stored_at = ops.adapt_datetimefield_value(occurred_at)
    # PostgreSQL takes the payload's canonical text for its jsonb column as it is; elsewhere
    # the payload is stored as the per-entry path stores it.
    as_text = connection.vendor == "postgresql"
    actors: dict[int | None, tuple[int | None, str, str]] = {}
    # What every entry of the batch by one actor on one legal basis hashes the same way,
    # and the key, worked out once (as _hash and _message do per entry).
    befores: dict[tuple[int | None, str, str, str], str] = {}
    hmac_key = settings.AUDIT_HMAC_KEY.encode()
    rows: list[tuple[Any, ...]] = []
    keys: list[tuple[int, bytes]] = []
    for pending in entries:
        sequence += 1
        # Only a non-empty reason is sealed: most entries (an import's) carry none.
        reason = pending.reason
        if reason:
            reason, key = seal(reason, sequence)
            keys.append((sequence, key))
        actor = pending.actor
        if actor is None:
            actor_id, actor_label, agency_code = None, "system", ""
        else:
            # Looked up once per actor: a batch has one or two.
            if actor.pk not in actors:
                agency = actor.agency
                actors[actor.pk] = (
                    actor.pk,
                    actor.get_username(),
                    agency.code if agency is not None else "",
                )
            actor_id, actor_label, agency_code = actors[actor.pk]
        actor_label = pending.actor_label or actor_label
        verb = str(pending.verb)
        target_type = _text(pending.target_type)
        target_id = str(pending.target_id)
        legal_basis = _text(pending.legal_basis)
        text = payload_text(pending.payload)
        shared = (actor_id, actor_label, agency_code, legal_basis)
        before = befores.get(shared)
        if before is None:
            before = befores[shared] = _before_payload(*shared, hashed_at)
        entry_hash = hmac.digest(
            hmac_key,
            _joined(
                before,
                text,
                previous_hash=previous_hash,
                reason=reason,
                sequence=sequence,
                target_id=target_id,
                target_type=target_type,
                verb=verb,
            ),
            "sha256",
        ).hex()
        rows.append(
            (
                sequence,
                stored_at,
                actor_id,
                actor_label,
                agency_code,
                verb,
                target_type,
                target_id,
                reason,
                legal_basis,
                text
                if as_text
                else ops.adapt_json_value(_normalised_payload(pending.payload), None),
                previous_hash,
                entry_hash,
            )
        )
        previous_hash = entry_hash
    return ChainedEntries(after, rows, (sequence, previous_hash), keys)


def write_chained(chained: ChainedEntries) -> None:
    """Write ``chained`` and move the head to its last entry. The caller must hold the head
    (record_many locks it) and it must still be ``chained.after``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one statement, and far less parsing than a long multi-row INSERT.
            with cursor.cursor.copy(f"COPY {ENTRY_TABLE} ({_COLUMNS}) FROM STDIN") as copy:
                for row in chained.rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {ENTRY_TABLE} ({_COLUMNS}) VALUES ({_PLACEHOLDERS})",  # noqa: S608 - constant table names
                chained.rows,
            )
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s WHERE id = 1",  # noqa: S608 - constant table names
            list(chained.head),
        )
    keep_keys(chained.keys)


ENTRY_TABLE = AuditEntry._meta.db_table
HEAD_TABLE = AuditHead._meta.db_table


def locked_head() -> tuple[int, str]:
    """The last sequence and hash, with the head row locked until the transaction ends (on
    SQLite, the IMMEDIATE transaction already holds the database's write lock)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_sequence, last_hash FROM {HEAD_TABLE} WHERE id = 1{lock}")  # noqa: S608 - constant table names
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {HEAD_TABLE} (id, last_sequence, last_hash) VALUES (1, 0, %s)",  # noqa: S608 - constant table names
                [GENESIS_HASH],
            )
            return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    message: str
    # A redacted copy of a reason, outside the chain, is at fault: every entry verified.
    in_redaction: bool = False


@dataclass(frozen=True)
class VerificationResult:
    entries_checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the database holds it, before anything is trusted: every column as the
    driver returns it, so that a value that no longer parses is reported, not raised."""

    sequence: Any
    occurred_at: Any
    actor_id: Any
    actor_label: Any
    agency_code: Any
    verb: Any
    target_type: Any
    target_id: Any
    reason: Any
    legal_basis: Any
    payload: Any
    previous_hash: Any
    entry_hash: Any


def _stored_entries(up_to: int, batch_size: int = 5000) -> Iterator[StoredEntry]:
    """Every entry up to ``up_to``, in order of sequence, read by plain SQL: the ORM would
    convert the time and the payload on reading and stop at the first that does not parse."""
    last = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_COLUMNS} FROM {ENTRY_TABLE} "  # noqa: S608 - constant table names
                "WHERE sequence > %s AND sequence <= %s ORDER BY sequence LIMIT %s",
                [last, up_to, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        for row in rows:
            yield StoredEntry(*row)
        last = rows[-1][0]


def _stored_time(value: Any) -> str:
    """The time as the hash covers it; ValueError if the stored value does not parse."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(value)
        value = parsed
    if not isinstance(value, datetime):
        raise ValueError(value)
    if timezone.is_naive(value):
        # SQLite stores the time in UTC without its offset.
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(UTC).isoformat(timespec="microseconds"))


def _stored_payload(value: Any) -> str:
    """The payload's canonical text; ValueError if it is not a JSON object."""
    payload = json.loads(value) if isinstance(value, str | bytes) else value
    if not isinstance(payload, dict):
        raise ValueError(value)
    return _encode(payload)


def _stored_hash(entry: StoredEntry, previous_hash: str) -> str:
    """The hash ``entry`` should carry; ValueError (or TypeError) for a value that no longer
    has the type the chain wrote."""
    actor_id = entry.actor_id
    if actor_id is not None and not isinstance(actor_id, int):
        raise ValueError(actor_id)
    texts = (
        entry.actor_label,
        entry.agency_code,
        entry.verb,
        entry.target_type,
        entry.target_id,
        entry.reason,
        entry.legal_basis,
    )
    if not all(isinstance(text, str) for text in texts):
        raise ValueError(texts)
    return _hash(
        _message(
            previous_hash=previous_hash,
            sequence=entry.sequence,
            occurred_at=_stored_time(entry.occurred_at),
            actor_id=actor_id,
            actor_label=entry.actor_label,
            agency_code=entry.agency_code,
            verb=entry.verb,
            target_type=entry.target_type,
            target_id=entry.target_id,
            reason=entry.reason,
            legal_basis=entry.legal_basis,
            payload_text=_stored_payload(entry.payload),
        )
    )


def _readable_head() -> tuple[int, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_sequence, last_hash FROM {HEAD_TABLE} WHERE id = 1")  # noqa: S608 - constant table names
        row = cursor.fetchone()
    if row is None:
        return None
    return int(row[0]), str(row[1])


def _entries_exist() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {ENTRY_TABLE} LIMIT 1")  # noqa: S608 - constant table names
        return cursor.fetchone() is not None


def verify_chain(
    progress: Any = None, checkpoints: Sequence[Checkpoint] = ()
) -> VerificationResult:
    """Check every entry from the first; stop at the first one that does not hold. Reads
    only: it writes nothing, not even an entry of its own.

    The head is read first: entries appended while the check runs are left for the next
    check, and the log must reach the head exactly. ``checkpoints`` (checked signatures of
    earlier heads, kept outside the database: see checkpoints.py) must each name an entry
    the log still holds, with the same hash: a log cut short with its head rewritten to
    match still fails against a checkpoint taken before the cut. Last, every redacted
    copy of a sealed reason must match the digest its erasure's entry recorded
    (redaction.py)."""
    head = _readable_head()
    if head is None:
        if _entries_exist():
            return VerificationResult(
                0,
                ChainProblem(
                    None,
                    "the audit head is missing: the log's end cannot be "
                    "checked, and entries may have been removed",
                ),
            )
        head = (0, GENESIS_HASH)
    anchors = {checkpoint.sequence: checkpoint for checkpoint in checkpoints}
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for entry in _stored_entries(head[0]):
        sequence = entry.sequence
        if sequence != expected_sequence:
            return VerificationResult(
                checked,
                ChainProblem(
                    sequence,
                    f"entry #{sequence} follows #{expected_sequence - 1}: "
                    f"entry #{expected_sequence} is missing or the log was reordered",
                ),
            )
        if entry.previous_hash != previous_hash:
            return VerificationResult(
                checked,
                ChainProblem(
                    sequence,
                    f"entry #{sequence} does not follow on from entry "
                    f"#{sequence - 1}: an entry was inserted, removed or reordered",
                ),
            )
        try:
            expected_hash = _stored_hash(entry, previous_hash)
        except (ValueError, TypeError):
            return VerificationResult(
                checked,
                ChainProblem(
                    sequence,
                    f"entry #{sequence} was altered: a value in it no longer reads "
                    "as the log wrote it",
                ),
            )
        if not isinstance(entry.entry_hash, str) or not hmac.compare_digest(
            expected_hash, entry.entry_hash
        ):
            return VerificationResult(
                checked, ChainProblem(sequence, f"entry #{sequence} was altered")
            )
        anchor = anchors.get(sequence)
        if anchor is not None and not hmac.compare_digest(anchor.entry_hash, entry.entry_hash):
            return VerificationResult(
                checked,
                ChainProblem(
                    sequence,
                    f"entry #{sequence} is not the entry the checkpoint of "
                    f"{anchor.taken_at} saw: the log was rewritten from there",
                ),
            )
        previous_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
        if progress is not None:
            progress.update(1)
    if head != (checked, previous_hash):
        return VerificationResult(
            checked,
            ChainProblem(
                checked + 1,
                f"the log ends at #{checked} but was written up to #{head[0]}: "
                "entries were removed from the end",
            ),
        )
    beyond = [checkpoint for checkpoint in checkpoints if checkpoint.sequence > checked]
    if beyond:
        latest = max(beyond, key=lambda checkpoint: checkpoint.sequence)
        return VerificationResult(
            checked,
            ChainProblem(
                checked + 1,
                f"the log ends at #{checked} but the checkpoint of {latest.taken_at} saw it "
                f"reach #{latest.sequence}: entries were removed from the end and the head "
                "rewritten",
            ),
        )
    # The redacted copies of reasons, outside the chain, against the erasures' entries.
    redaction = redaction_problem(checked)
    if redaction is not None:
        return VerificationResult(
            checked, ChainProblem(redaction.sequence, redaction.message, in_redaction=True)
        )
    return VerificationResult(checked, None)
