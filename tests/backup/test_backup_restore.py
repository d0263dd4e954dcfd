"""A backup restores to an identical database whose audit chain verifies."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from safeguarding.backup import BackupError, backup
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]

ROOT = Path(__file__).resolve().parents[2]


def _cli(database_url: str, *args: str, var: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "safeguarding.config.settings",
        "SAFEGUARDING_VAR_DIR": str(var),
        # The secrets travel beside the backup, never in it: the restored service is given
        # the same ones.
        "SAFEGUARDING_AUDIT_KEY": settings.AUDIT_HMAC_KEY,
        "SAFEGUARDING_SECRET_KEY": settings.SECRET_KEY,
        "SAFEGUARDING_FIELD_KEY": settings.FIELD_KEY,
    }
    return subprocess.run(
        [sys.executable, "-m", "safeguarding.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _all_rows(cursor: Any, tables: list[str], vendor: str) -> dict[str, list[str]]:
    """Every row of every table as the database's own text for it, so that both sides are
    compared without any driver's type conversion."""
    contents = {}
    for table in tables:
        if vendor == "postgresql":
            cursor.execute(f'SELECT "{table}"::text FROM "{table}"')
        else:
            cursor.execute(f'PRAGMA table_info("{table}")')
            columns = " || '|' || ".join(f'quote("{row[1]}")' for row in cursor.fetchall())
            cursor.execute(f'SELECT {columns} FROM "{table}"')
        contents[table] = sorted(str(row[0]) for row in cursor.fetchall())
    return contents


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


@pytest.fixture
def records(area: Area) -> int:
    area.child_known_to_school()
    for number in range(3):
        make_concern(
            area.police_analyst,
            local_authority=area.council,
            child=child_details(given=f"Sam{number}", family="Brook"),
            summary="Found alone at the station at night",
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditentry")
        return int(cursor.fetchone()[0])


def _check_restored(original: dict[str, list[str]], restored: dict[str, list[str]]) -> None:
    assert sorted(restored) == sorted(original)
    for table, rows in original.items():
        assert restored[table] == rows, f"{table} differs after restore"


def test_a_backup_restores_to_an_identical_database_whose_audit_chain_verifies(
    records: int, tmp_path: Path
):
    assert records > 10
    file = tmp_path / "hub.backup"
    result = backup(file)
    assert result.size > 0
    tables = _tables()
    with connection.cursor() as cursor:
        original = _all_rows(cursor, tables, connection.vendor)
    var = tmp_path / "var"

    if connection.vendor == "postgresql":
        import psycopg

        url = os.environ["DATABASE_URL"]
        name = f"restore_{os.getpid()}"
        target = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        try:
            restored_run = _cli(target, "restore", str(file), var=var)
            assert restored_run.returncode == 0, restored_run.stderr
            with psycopg.connect(target) as copy, copy.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'UTC'")  # as the service's own connections
                restored = _all_rows(cursor, tables, "postgresql")
            verified = _cli(target, "verify-audit", "--quiet", var=var)
            again = _cli(target, "restore", str(file), var=var)
        finally:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        copy_path = tmp_path / "restored.sqlite3"
        target = f"sqlite:///{copy_path}"
        restored_run = _cli(target, "restore", str(file), var=var)
        assert restored_run.returncode == 0, restored_run.stderr
        with sqlite3.connect(copy_path) as copy:
            restored = _all_rows(copy.cursor(), tables, "sqlite")
        verified = _cli(target, "verify-audit", "--quiet", var=var)
        again = _cli(target, "restore", str(file), var=var)

    _check_restored(original, restored)
    assert len(restored["audit_auditentry"]) == records
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith(f"OK: {records:,} audit entries verified")
    # A restore never mixes a backup with data already in the database.
    assert again.returncode == 1
    assert "already has" in again.stderr


def test_a_backup_never_overwrites_a_file(records: int, tmp_path: Path):
    file = tmp_path / "taken.backup"
    file.write_text("something else")
    with pytest.raises(BackupError, match="already exists"):
        backup(file)
    assert file.read_text() == "something else"


def test_the_commands_say_what_they_do(tmp_path: Path):
    for command in ("backup", "restore"):
        shown = _cli("sqlite:///unused", command, "--help", var=tmp_path)
        assert shown.returncode == 0
        assert "FILE" in shown.stdout or "file" in shown.stdout
