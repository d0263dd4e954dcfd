"""Backing up the database to one file, and restoring it into an empty database.

PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore --single-transaction``, which
must be installed and of the server's major version or later. SQLite uses its online backup
API, which copies a consistent snapshot while the service keeps running.

The file holds the whole database, audit log included, and nothing else: the secrets that
the audit chain, the helpline and the second-factor secrets depend on
(SAFEGUARDING_AUDIT_KEY, SAFEGUARDING_HELPLINE_PEPPER, SAFEGUARDING_FIELD_KEY,
SAFEGUARDING_SECRET_KEY) live in the environment and are kept apart from backups; see
docs/operators/backup-and-restore.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str


def _settings(alias: str) -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def _vendor(alias: str) -> str:
    return str(connections[alias].vendor)


def _postgres_environment(settings: dict[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            environment[variable] = str(settings[key])
    return environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client of the server's version "
            "(on Debian, the postgresql-client package)"
        )
    return path


def _run(command: list[str], environment: dict[str, str]) -> None:
    finished = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        command, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(finished.stderr.strip() or f"{command[0]} failed")


def backup(path: Path, *, alias: str = "default") -> BackupResult:
    """Write a consistent copy of the whole database to ``path``."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    vendor = _vendor(alias)
    settings = _settings(alias)
    if vendor == "postgresql":
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path)],
            _postgres_environment(settings),
        )
    elif vendor == "sqlite":
        # Through the service's own connection, so that any SQLite database it can open
        # (a file, or a test's in-memory one) is copied the same way.
        connection = connections[alias]
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"backing up a {vendor} database is not supported")
    return BackupResult(path=path, size=path.stat().st_size, vendor=vendor)


def restore(path: Path, *, alias: str = "default") -> None:
    """Load a backup into the configured database, which must be empty (no tables): a
    restore never mixes a backup with data already there."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    connection = connections[alias]
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"the database already has {len(existing)} table(s): restore into a new, empty "
            "database, then point the service at it"
        )
    connection.close()
    vendor = _vendor(alias)
    settings = _settings(alias)
    if vendor == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--single-transaction",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                str(settings["NAME"]),
                str(path),
            ],
            _postgres_environment(settings),
        )
    elif vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(settings["NAME"]))
        try:
            with target:
                source.backup(target)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite backup: {error}") from error
        finally:
            target.close()
            source.close()
    else:
        raise BackupError(f"restoring a {vendor} database is not supported")
