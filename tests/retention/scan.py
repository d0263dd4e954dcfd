"""Looking for text in every row of every table, and in the bytes of a SQLite file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.db import connection


def _text(value: object) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def tables_mentioning(terms: Iterable[str]) -> Counter[str]:
    """For each table, how many of its rows hold any of ``terms`` (ignoring case) in any
    column, read as the database returns it: text, JSON, bytes and all."""
    wanted = [term.lower() for term in terms]
    found: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(_text(value) for value in row).lower()
                if any(term in text for term in wanted):
                    found[table] += 1
    return found


def file_mentions(path: Path, terms: Iterable[str]) -> list[str]:
    """The terms found anywhere in the bytes of the file, as UTF-8 (ignoring case)."""
    content = path.read_bytes().lower()
    return [term for term in terms if term.lower().encode() in content]
