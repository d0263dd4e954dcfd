"""How fast `safeguarding import` records a whole file, against the database's own bulk load.

Generates a JSON Lines file of 20,000 x scale fictional concerns (test-range NHS numbers,
drama phone numbers, ZZ registrations; about a quarter name a child already named earlier
in the file, and adults of concern recur under the force's own references), imports it
into a fresh database with import_concerns, end to end (reading, checking, recording and
auditing), then loads the same rows into a plain staging table with the same columns:
PostgreSQL's COPY, or on SQLite (which has no COPY) one executemany INSERT. Both timings
include reading and parsing the file.

The work happens in a database of its own, never the developer's: on PostgreSQL the
database ``safeguarding_bench_import_<process id>`` on the server DATABASE_URL names,
created and dropped here; on SQLite (DATABASE_URL unset or sqlite://) a temporary file.

    .venv/bin/python -m bench.import_speed --scale 1
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

CONCERNS_PER_SCALE = 20_000
BENCH_DATABASE = "safeguarding_bench_import"
SECRET_VARIABLES = ("SAFEGUARDING_SECRET_KEY", "SAFEGUARDING_AUDIT_KEY", "SAFEGUARDING_FIELD_KEY")
AGENCY_CODE = "POL-BENCH"
AUTHORITY_CODE = "LA-BENCH"
SEED = 2026
STAGING_COLUMNS = (
    "record_id",
    "recorded_at",
    "category",
    "summary",
    "local_authority",
    "persons",
)


def _django() -> None:
    """Set Django up, unless the caller has: run alone, with a var directory and secrets of
    its own, so that nothing of the developer's is read or written."""
    from django.conf import settings

    if not settings.configured:
        if os.environ.get("SAFEGUARDING_ENV", "").lower() == "production":
            raise SystemExit("Benchmarks create and drop databases: never run them in production.")
        var_dir = tempfile.mkdtemp(prefix="safeguarding-bench-var-")
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
        os.environ["SAFEGUARDING_VAR_DIR"] = var_dir
        for name in SECRET_VARIABLES:
            os.environ.setdefault(name, secrets.token_urlsafe(48))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------
# The file


def _person(role: str, **fields: Any) -> dict[str, Any]:
    # Fields left empty are left out, as a sender's system would.
    return {"role": role, **{key: value for key, value in fields.items() if value}}


def generate(path: Path, count: int, *, seed: int = SEED) -> None:
    """Write ``count`` concerns to ``path`` as JSON Lines."""
    from faker import Faker

    from safeguarding.demo.generator import (
        CATEGORY_WEIGHTS,
        SUMMARIES,
        drama_phone,
        registration,
        test_range_nhs_number,
    )

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    today = date.today()  # noqa: DTZ011 - a calendar date for dates of birth
    now = datetime.now(UTC)
    nhs_numbers: set[str] = set()
    children: list[list[dict[str, Any]]] = []  # each child with their parents
    adults: list[dict[str, Any]] = []
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())

    def new_nhs_number() -> str:
        while True:
            number = test_range_nhs_number(rng)
            if number not in nhs_numbers:
                nhs_numbers.add(number)
                return number

    def new_family() -> list[dict[str, Any]]:
        family = fake.last_name()
        female = rng.random() < 0.5
        born = today - timedelta(days=rng.randrange(365, 365 * 17))
        address = {
            "line_1": fake.street_address().replace("\n", ", "),
            "town": fake.city(),
            "postcode": fake.postcode(),
        }
        child = _person(
            "child",
            given_name=fake.first_name_female() if female else fake.first_name_male(),
            family_name=family,
            date_of_birth=born.isoformat(),
            sex="female" if female else "male",
            nhs_number=new_nhs_number() if rng.random() < 0.9 else "",
            addresses=[address],
            nicknames=[fake.first_name()] if rng.random() < 0.15 else [],
        )
        parents = [
            _person(
                "parent",
                given_name=fake.first_name(),
                family_name=family,
                date_of_birth=(
                    born - timedelta(days=rng.randrange(365 * 18, 365 * 40))
                ).isoformat(),
                phones=[drama_phone(rng)] if rng.random() < 0.6 else [],
                addresses=[address],
            )
            for _ in range(rng.choice((1, 1, 2)))
        ]
        return [child, *parents]

    def new_adult() -> dict[str, Any]:
        return _person(
            "adult-of-concern",
            given_name=fake.first_name_male(),
            family_name=fake.last_name(),
            sex="male",
            date_of_birth=(today - timedelta(days=rng.randrange(365 * 20, 365 * 50))).isoformat(),
            date_of_birth_is_estimated=rng.random() < 0.5,
            police_reference=f"BN/{rng.randrange(2015, 2027)}/{len(adults) + 1:06d}",
            phones=[drama_phone(rng)],
            vehicles=[registration(rng)] if rng.random() < 0.5 else [],
            aliases=[fake.first_name_male()] if rng.random() < 0.4 else [],
        )

    with path.open("w", encoding="utf-8") as handle:
        for number in range(1, count + 1):
            # A quarter of concerns are about a child named earlier in the file.
            if children and rng.random() < 0.25:
                family = rng.choice(children)
            else:
                family = new_family()
                children.append(family)
            persons = list(family)
            if rng.random() < 0.3:
                if adults and rng.random() < 0.5:
                    persons.append(rng.choice(adults))
                else:
                    adults.append(new_adult())
                    persons.append(adults[-1])
            category = rng.choices(categories, weights)[0]
            recorded_at = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 365))
            record = {
                "record_id": f"BN-{number:07d}",
                "recorded_at": recorded_at.isoformat(timespec="seconds"),
                "category": str(category),
                "summary": SUMMARIES[category].format(child=persons[0]["given_name"])
                + " "
                + fake.paragraph(nb_sentences=3),
                "local_authority": AUTHORITY_CODE,
                "persons": persons,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------
# The database


@contextmanager
def bench_database() -> Iterator[str]:
    """Point Django's default connection at a new, migrated database of its own for the
    duration; drop it afterwards. Yields the database vendor."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    original = connection.settings_dict["NAME"]
    vendor = connection.vendor
    temporary = tempfile.TemporaryDirectory(prefix="safeguarding-bench-")
    if vendor == "postgresql":
        name = f"{BENCH_DATABASE}_{os.getpid()}"
        _drop_postgres_database(name)  # left by an interrupted run of the same id
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(Path(temporary.name) / "bench.sqlite3")
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield vendor
    finally:
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original
        if vendor == "postgresql":
            _drop_postgres_database(name)
        temporary.cleanup()


def _drop_postgres_database(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _area() -> None:
    """The importing police force, its system account and the local authority."""
    from safeguarding.access.actions import create_agency, create_user
    from safeguarding.access.models import AgencyKind
    from safeguarding.access.roles import Role

    authority = create_agency(
        actor=None, code=AUTHORITY_CODE, name="Benchshire Council", kind=AgencyKind.LOCAL_AUTHORITY
    )
    police = create_agency(
        actor=None,
        code=AGENCY_CODE,
        name="Benchshire Police",
        kind=AgencyKind.POLICE_FORCE,
        home_authority=authority,
    )
    create_user(
        actor=None,
        username="pol-bench-system",
        password="bench-password-not-for-use",
        role=Role.SYSTEM_INTEGRATION,
        agency=police,
        check_password_strength=False,
    )


def _staging_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield tuple(
                json.dumps(record[column]) if column == "persons" else record[column]
                for column in STAGING_COLUMNS
            )


def load_staging(path: Path, vendor: str) -> float:
    """Seconds to read ``path`` and load its rows into a plain table with its columns."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE bench_staging (record_id text, recorded_at timestamptz, "
                "category text, summary text, local_authority text, persons jsonb)"
            )
        else:
            cursor.execute(
                "CREATE TABLE bench_staging (record_id text, recorded_at text, category text, "
                "summary text, local_authority text, persons text)"
            )
    start = time.perf_counter()
    with transaction.atomic():
        if vendor == "postgresql":
            raw = connection.connection
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f"COPY bench_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN"
                ) as copy,
            ):
                for row in _staging_rows(path):
                    copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO bench_staging VALUES (%s, %s, %s, %s, %s, %s)",
                    list(_staging_rows(path)),
                )
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------
# The measurement


def _children_cpu() -> float:
    """CPU seconds of this process's ended children: a large file is checked in one."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(scale: float = 1.0) -> dict[str, float]:
    """Import 20,000 x ``scale`` concerns and load the same rows with COPY; the timings."""
    _django()
    from safeguarding.concerns.importer import import_concerns

    count = max(1, round(CONCERNS_PER_SCALE * scale))
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-") as directory:
        path = Path(directory) / "concerns.jsonl"
        generate(path, count)
        with bench_database() as vendor:
            _area()
            start, cpu_start = time.perf_counter(), time.process_time()
            children_start = _children_cpu()
            report = import_concerns(path, AGENCY_CODE)
            seconds = time.perf_counter() - start
            cpu_seconds = time.process_time() - cpu_start
            checking_seconds = _children_cpu() - children_start
            if not report.ok or report.created != count:
                problems = "; ".join(str(problem) for problem in report.problems[:5])
                raise RuntimeError(f"the benchmark file did not import cleanly: {problems}")
            copy_seconds = load_staging(path, vendor)
    return {
        "concerns": float(count),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "checking_cpu_seconds": checking_seconds,
        "concerns_per_second": count / seconds,
        "copy_seconds": copy_seconds,
        "ratio_to_copy": seconds / copy_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_speed", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="20,000 concerns per 1.0")
    args = parser.parse_args(argv)
    _django()
    from django.db import connection

    vendor = connection.vendor
    before = os.getloadavg()
    result = run(args.scale)
    after = os.getloadavg()
    baseline = "COPY" if vendor == "postgresql" else "executemany INSERT"
    print(f"database: {vendor}")
    print(f"concerns: {result['concerns']:,.0f}")
    print(f"import: {result['seconds']:.2f} s, {result['concerns_per_second']:,.0f} concerns/s")
    # The service's own CPU time, every thread of it: less sensitive to other work on
    # the machine than the elapsed time, though the database server's work is not in it.
    print(f"import CPU time (this process): {result['cpu_seconds']:.2f} s")
    print(f"import CPU time (checking process): {result['checking_cpu_seconds']:.2f} s")
    print(f"{baseline} of the same rows: {result['copy_seconds']:.2f} s")
    print(f"import / {baseline}: {result['ratio_to_copy']:.1f}x")
    print("load average (1, 5, 15 min): before " + ", ".join(f"{v:.2f}" for v in before))
    print("                              after  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
