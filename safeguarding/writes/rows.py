"""Inserting rows without the ORM's per-object work: COPY on PostgreSQL, executemany
elsewhere. The one place that knows how each database takes many rows at once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import batched
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignKey, Model
from django.db.models.fields import AutoFieldMixin

# Registers the one_of lookup that batch reads use (see lookups.py).
from safeguarding.writes import lookups  # noqa: F401 - imported for its registration

# Values per IN (...) list, well under SQLite's limit of 32,766 query parameters.
IN_LIST_SIZE = 5000

# Field types whose Python values the database drivers take as they are; on PostgreSQL
# psycopg also adapts UUIDs, dates and aware datetimes itself.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
_AS_IS_ON_POSTGRESQL = _AS_IS | {"DateField", "DateTimeField", "UUIDField"}


@dataclass
class TableRows:
    """Rows of one table, as the database driver takes them: the columns and, per row,
    one value per column."""

    model: type[Model]
    columns: list[Field[Any, Any]]
    values: Sequence[Sequence[Any]]


def _db() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def _columns(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    """The fields ``names`` give values for, then every other stored field but an
    automatic primary key."""
    meta = model._meta
    given: list[Field[Any, Any]] = [meta.get_field(name) for name in names]  # type: ignore[misc]  # get_field is typed to return relations too; these are concrete fields
    rest = [
        column
        for column in meta.concrete_fields
        if column not in given and not isinstance(column, AutoFieldMixin)
    ]
    return [*given, *rest]


def _preparer(column: Field[Any, Any], db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How a value of ``column`` is given to the driver, as the ORM would (None: as it is)."""
    target = column.target_field if isinstance(column, ForeignKey) else column
    kind = target.get_internal_type()
    if kind in (_AS_IS_ON_POSTGRESQL if db.vendor == "postgresql" else _AS_IS):
        return None
    if kind == "UUIDField" and not db.features.has_native_uuid_field:
        return _hex
    return partial(column.get_db_prep_save, connection=db)


def _hex(value: uuid.UUID | None) -> str | None:
    # What UUIDField.get_db_prep_value stores where the database has no uuid type.
    return None if value is None else value.hex


def value_rows(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> TableRows:
    """``rows`` of values for the fields ``names`` (foreign keys by primary key), with the
    model's other fields at their defaults, evaluated once: the rows of one batch are
    written at the same moment."""
    db = _db()
    columns = _columns(model, names)
    width = len(names)
    preparers = [_preparer(column, db) for column in columns]
    defaults = [
        value if prepare is None else prepare(value)
        for value, prepare in zip(
            (column.get_default() for column in columns[width:]), preparers[width:], strict=True
        )
    ]
    prepared = [(index, prepare) for index, prepare in enumerate(preparers[:width]) if prepare]
    if not prepared:
        # The common case on PostgreSQL, and for plain text and numbers anywhere: each row
        # is the values given and the defaults, joined without a Python loop per value.
        if not defaults:
            return TableRows(model, columns, rows)  # given in full: taken as they are
        tail = tuple(defaults)
        return TableRows(model, columns, [(*row, *tail) for row in rows])
    values = []
    for row in rows:
        full = [*row, *defaults]
        for index, prepare in prepared:
            full[index] = prepare(full[index])
        values.append(full)
    return TableRows(model, columns, values)


def object_rows(model: type[Model], objects: Sequence[Model]) -> TableRows:
    """The rows that insert unsaved ``objects`` whose primary keys are set; they count as
    saved from now."""
    db = _db()
    columns = list(model._meta.concrete_fields)
    get = attrgetter(*(column.attname for column in columns))
    prepared = [
        (index, prepare)
        for index, prepare in ((i, _preparer(column, db)) for i, column in enumerate(columns))
        if prepare is not None
    ]
    values = []
    for item in objects:
        full = list(get(item))
        for index, prepare in prepared:
            full[index] = prepare(full[index])
        values.append(full)
        item._state.adding = False
    return TableRows(model, columns, values)


def insert(table: TableRows) -> None:
    """Insert ``table``'s rows in the caller's transaction."""
    if not table.values:
        return
    db = _db()
    name = db.ops.quote_name(table.model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(str(column.column)) for column in table.columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY is PostgreSQL's fastest way in; the driver adapts each value.
            with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in table.values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({placeholders})",  # noqa: S608 - table and column names come from the models, values are parameters
                table.values,
            )


def update(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set the fields ``names`` (foreign keys by primary key) of rows of ``model`` that
    exist, in the caller's transaction: each row of ``rows`` gives the primary key, then one
    value per field. One statement, run for every row (psycopg pipelines it on
    PostgreSQL); returns the number of rows changed."""
    if not rows:
        return 0
    db = _db()
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields: list[Field[Any, Any]] = [meta.get_field(name) for name in names]  # type: ignore[misc]  # get_field is typed to return relations too; these are concrete fields
    preparers = [_preparer(column, db) for column in (*fields, pk)]
    values = [
        [
            value if prepare is None else prepare(value)
            for value, prepare in zip((*row[1:], row[0]), preparers, strict=True)
        ]
        for row in rows
    ]
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in fields)
    with db.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - table and column names come from the models, values are parameters
            f"WHERE {quote(str(pk.column))} = %s",
            values,
        )
        return int(cursor.rowcount)


def refresh_statistics() -> None:
    """Let the database's query planner see how big the tables are now. Run after loading
    many rows at once: SQLite otherwise plans as it did for the empty tables (a
    correlated count over a year of concerns then reads every concern in the year for
    each one), and PostgreSQL's autovacuum only catches up later."""
    with _db().cursor() as cursor:
        cursor.execute("ANALYZE")


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new values of ``model``'s automatic primary key, in order, taken from the
    database's own counter in the caller's transaction, so that rows can be built with
    their ids (and audited by them) before they are written."""
    if count <= 0:
        return []
    db = _db()
    pk = model._meta.pk
    assert pk is not None
    table = model._meta.db_table
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [db.ops.quote_name(table), pk.column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite's AUTOINCREMENT keeps each table's last id in sqlite_sequence, which may
        # be written; moving it on takes the write lock until the transaction ends.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, table])
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, count]
            )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        last = int(cursor.fetchone()[0])
    return list(range(last - count + 1, last + 1))


def in_chunks[T](values: Sequence[T] | set[T] | dict[T, Any]) -> list[tuple[T, ...]]:
    """``values`` in chunks small enough for one IN (...) list."""
    return list(batched(values, IN_LIST_SIZE))
