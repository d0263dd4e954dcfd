"""A unit of work for set-based domain actions.

An action that writes many records at once does it in two steps. It *plans*: it builds
the rows to insert, table by table, and the audit entries that record them, into a
``Writes``; this is Python's work, and reads nothing but what the ``WriteRun`` it is given
lets it read. Then the ``Writes`` is *applied*: its rows inserted (COPY on PostgreSQL), the
checks that must see them run, and its audit entries appended. A single record through the
web or the API is a batch of one and takes the same two steps.

Keeping the steps apart lets a long import plan one batch while a writer thread applies
the one before over the same connection and transaction (``Pipeline``): the database's
work then overlaps Python's instead of following it.
"""

from __future__ import annotations

import contextvars
import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from safeguarding.audit.chain import (
    ChainedEntries,
    PendingEntry,
    chain_entries,
    locked_head,
    record_many,
    write_chained,
)
from safeguarding.writes.rows import TableRows, insert, object_rows, reserve_ids, value_rows

# Ids reserved at a time while a pipeline's writer may be using the connection: reserving
# waits for the writer to finish its batch, so enough for a whole file of the usual size
# is taken at once (an unused id is only a gap in the sequence).
_POOLED_IDS = 50_000
# How long a thread keeps Python's interpreter lock while another waits for it, while a
# pipeline runs (5 ms by default). The writer thread waits on the database, then needs
# the lock for a moment to send the next rows; with the default it queues behind the
# planning thread up to 5 ms each time, thousands of times in a large file. Measured on
# 20,000 concerns (bench.import_speed): 970 a second at 5 ms, 1,018 to 1,152 at 0.5 ms.
_SWITCH_INTERVAL = 0.0005


@dataclass
class Writes:
    """What one batch writes: the few changes that are not inserts (``steps``: an update of
    a record held already), then rows table by table, in the order added (so a row comes
    after the rows it refers to), then checks that must see those rows, then the audit
    entries, in order."""

    steps: list[Callable[[], object]] = field(default_factory=list)
    tables: list[TableRows] = field(default_factory=list)
    checks: list[Callable[[], object]] = field(default_factory=list)
    # Entries by the record they are about, in the order of each record's first entry.
    _entries: dict[object, list[PendingEntry]] = field(default_factory=dict)

    def add_values(
        self, model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Rows of values for the fields ``names`` of ``model``; the others take defaults."""
        if rows:
            self.tables.append(value_rows(model, names, rows))

    def add_objects(self, model: type[Model], objects: Sequence[Model]) -> None:
        """Unsaved ``objects`` of ``model`` whose primary keys are set."""
        if objects:
            self.tables.append(object_rows(model, objects))

    def audit(self, entry: PendingEntry, *, about: object = None) -> None:
        """Append ``entry``. Entries ``about`` the same record (a concern, say) are written
        together, in the order of that record's first entry, so that a batch's log reads as
        the same records written one at a time would."""
        self._entries.setdefault(about if about is not None else object(), []).append(entry)

    @property
    def entries(self) -> list[PendingEntry]:
        return [entry for entries in self._entries.values() for entry in entries]

    def first(self, step: Callable[[], object]) -> None:
        """Run ``step`` before the rows are inserted."""
        self.steps.append(step)

    def then(self, check: Callable[[], object]) -> None:
        """Run ``check`` once the rows are written, before the audit entries: work that
        reads the new rows (and may write and audit on its own)."""
        self.checks.append(check)


class WriteRun:
    """What the batches of one run of writes share: ids reserved ahead, values a planner
    read once (its ``cache``), and the guard for reading while a pipeline's writer may be
    using the connection."""

    def __init__(self) -> None:
        self._ids: dict[type[Model], Iterator[int]] = {}
        self._left: dict[type[Model], int] = {}
        self.caches: dict[str, Any] = {}
        self.pooled = 0  # ids reserved at a time beyond those asked for (0: exactly those)
        self.lock: threading.Lock | None = None

    def reading(self) -> AbstractContextManager[object]:
        """Hold this while planning reads the database."""
        return self.lock if self.lock is not None else nullcontext()

    def cache[T](self, name: str, make: Callable[[], T]) -> T:
        """The value a planner keeps under ``name`` for the whole run."""
        if name not in self.caches:
            self.caches[name] = make()
        found: T = self.caches[name]
        return found

    def ids(self, model: type[Model], count: int) -> list[int]:
        """``count`` new primary keys of ``model``, in order."""
        if count <= 0:
            return []
        left = self._left.get(model, 0)
        if left < count:
            with self.reading():
                fresh = reserve_ids(model, count - left + self.pooled)
            held = list(self._ids.get(model, iter(())))
            self._ids[model] = iter([*held, *fresh])
            left = len(held) + len(fresh)
        self._left[model] = left - count
        source = self._ids[model]
        return [next(source) for _ in range(count)]


def apply(writes: Writes) -> None:
    """Write ``writes`` in the caller's transaction (or a new one)."""
    with transaction.atomic(savepoint=False):
        for step in writes.steps:
            step()
        for table in writes.tables:
            insert(table)
        for check in writes.checks:
            check()
        record_many(writes.entries)


@dataclass
class _Chained:
    writes: Writes
    chained: ChainedEntries


class Pipeline:
    """Apply batches in order over the caller's connection and transaction from a writer
    thread, while the caller plans the next (PostgreSQL). The caller must not use the
    connection inside the block but through ``run.reading()``; at most one batch waits.

    Foreign keys are checked as each statement ends rather than at commit, so that the
    checks run in the writer while the next batch is planned, not all at once at the end;
    the audit entries are chained by the caller from the head the batch before left."""

    def __init__(self, run: WriteRun) -> None:
        self.run = run
        self.db: BaseDatabaseWrapper = connections[DEFAULT_DB_ALIAS]
        self.queue: queue.Queue[_Chained | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        # The writer runs in the caller's context (an audit loader's event times, say).
        self.thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._write,),
            name="batch-writer",
            daemon=True,
        )
        self.head: tuple[int, str] = (0, "")
        self.switch_interval = sys.getswitchinterval()

    @property
    def failed(self) -> bool:
        return self.error is not None

    def __enter__(self) -> Pipeline:
        self.head = locked_head()
        with self.db.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.run.lock = threading.Lock()
        self.run.pooled = _POOLED_IDS
        self.db.inc_thread_sharing()
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.switch_interval, _SWITCH_INTERVAL))
        self.thread.start()
        return self

    def submit(self, writes: Writes) -> None:
        chained = chain_entries(writes.entries, self.head)
        self.head = chained.head
        self.queue.put(_Chained(writes, chained))

    def _write(self) -> None:
        connections[self.db.alias] = self.db
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                assert self.run.lock is not None
                with self.run.lock:
                    _apply_chained(item)
            except BaseException as error:
                self.error = error

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        self.queue.put(None)
        self.thread.join()
        sys.setswitchinterval(self.switch_interval)
        self.db.dec_thread_sharing()
        self.run.lock = None
        self.run.pooled = 0
        if exc is None and self.error is not None:
            raise self.error
        if exc is None:
            with self.db.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _apply_chained(item: _Chained) -> None:
    for step in item.writes.steps:
        step()
    for table in item.writes.tables:
        insert(table)
    for check in item.writes.checks:
        check()
    # A check that audits on its own (a warning notice's alert) moves the head: the
    # entries chained in advance then no longer follow it, and are chained again.
    if locked_head() == item.chained.after:
        write_chained(item.chained)
    else:
        record_many(item.writes.entries)
