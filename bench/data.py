"""National-scale synthetic data for the read benchmarks, loaded in bulk.

At ``--scale 1``: 153 local authorities with their police forces, NHS bodies and schools;
about 200,000 children, their parents and some adults of concern; 1,000,000 concerns over
about eight years with their involvements, agency records, names, identifiers, contacts and
search keys; a MASH contact for every concern (all but the last three weeks' mostly decided);
and about 1,000,000 open clocks over a few thousand start dates, from the contacts, their
decisions and pathway events. Every name, number and place is generated: NHS numbers from
the 999 test range, phone numbers from Ofcom's drama range.

This is fixture data for measuring reads, so it bypasses the domain actions and writes rows
directly, in the shapes the actions write (the same subjects, limits, agency records and
search keys). It writes no audit entries: the audit chain starts empty and stays valid.

Rows are generated into tab-separated spool files, then loaded table by table: on
PostgreSQL with COPY, after dropping the tables' secondary indexes and foreign keys, which
are then rebuilt and re-validated by PostgreSQL itself (as pg_restore does); on SQLite with
executemany in one transaction per table, foreign keys checked at each commit.

The data goes into a database of its own, never a developer's: on PostgreSQL the database
``safeguarding_bench_reads_<process id>`` on the server DATABASE_URL names, created and
dropped here; on SQLite a temporary file.

    .venv/bin/python -m bench.data --scale 0.01 --database sqlite
"""

from __future__ import annotations

import argparse
import atexit
import functools
import itertools
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from django.db.models import Model

CONCERNS_PER_SCALE = 1_000_000
CHILDREN_PER_SCALE = 200_000
OPEN_CLOCKS_PER_SCALE = 1_000_000
AUTHORITIES = 153  # England's children's services authorities
POLICE_FORCES = 39
NHS_BODIES = 42
SCHOOLS_PER_AUTHORITY = 3
HISTORY_DAYS = 3000  # about eight years: a few thousand distinct start dates
# Contacts received in the last three weeks may still be waiting for a decision.
QUEUE_DAYS = 21
UNDECIDED_SHARE = 0.6
# Assessment and strategy clocks started longer ago than this have been met.
DECISION_CLOCKS_OPEN_DAYS = 120
# No child attracts more than this many times the concerns of the least-known child.
MAX_CHILD_WEIGHT = 40.0
BENCH_DATABASE = "safeguarding_bench_reads"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SECRET_VARIABLES = ("SAFEGUARDING_SECRET_KEY", "SAFEGUARDING_AUDIT_KEY", "SAFEGUARDING_FIELD_KEY")
SEED = 2026
NULL = "\\N"
LONDON = ZoneInfo("Europe/London")
SPOOL_ORDER = (
    "agency",
    "user",
    "person",
    "identifier",
    "personname",
    "address",
    "phone",
    "vehicle",
    "searchkey",
    "agencyrecord",
    "concern",
    "involvement",
    "contact",
    "event",
    "clock",
)


# ---------------------------------------------------------------------------------------
# The process and the database


def configure(database: str | None = None) -> str:
    """Set up Django for a benchmark run and return the database vendor.

    ``database`` is "postgres" (the server DATABASE_URL names, or the local default) or
    "sqlite"; None keeps DATABASE_URL as it is. The run gets its own var directory and
    secrets, so that nothing is read from or written to the developer's var/."""
    from django.conf import settings

    if settings.configured:
        from django.db import connection

        return str(connection.vendor)
    if os.environ.get("SAFEGUARDING_ENV", "").lower() == "production":
        raise SystemExit("Benchmarks create and drop databases: never run them in production.")
    var_dir = tempfile.mkdtemp(prefix="safeguarding-bench-var-")
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    os.environ["SAFEGUARDING_VAR_DIR"] = var_dir
    for name in SECRET_VARIABLES:
        os.environ.setdefault(name, secrets.token_urlsafe(48))
    current = os.environ.get("DATABASE_URL", "")
    if database == "sqlite":
        # Never opened: bench_database() points the connection at a file of its own.
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir}/unused.sqlite3"
    elif database == "postgres" and not current.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = DEFAULT_POSTGRES_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()
    from django.db import connection

    return str(connection.vendor)


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str
    name: str
    # For the application server the pages benchmark starts.
    url: str


def _postgres_url(name: str) -> str:
    from django.db import connection

    params = connection.settings_dict
    auth = quote(params.get("USER") or "postgres", safe="")
    if params.get("PASSWORD"):
        auth += ":" + quote(params["PASSWORD"], safe="")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


def _drop_postgres_database(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bench_database() -> Iterator[BenchDatabase]:
    """Point Django's default connection at a new, migrated database of its own for the
    duration, and drop it afterwards."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    original = connection.settings_dict["NAME"]
    vendor = connection.vendor
    temporary = tempfile.TemporaryDirectory(prefix="safeguarding-bench-db-")
    if vendor == "postgresql":
        name = f"{BENCH_DATABASE}_{os.getpid()}"
        _drop_postgres_database(name)  # left by an interrupted run of the same id
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = _postgres_url(name)
    else:
        name = str(Path(temporary.name) / "bench.sqlite3")
        url = f"sqlite:///{name}"
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield BenchDatabase(vendor=vendor, name=name, url=url)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original
        if vendor == "postgresql":
            _drop_postgres_database(name)
        temporary.cleanup()


# ---------------------------------------------------------------------------------------
# Spool files


class Spool:
    """One table's rows as COPY text: tab-separated, NULL as \\N. Generated text never
    holds a tab, newline or backslash, so no value needs escaping.

    Columns the generator does not name but whose field has a constant default (a flag a
    newer migration added, say) are written with that default, as Django would."""

    def __init__(
        self, directory: Path, model: type[Model], columns: tuple[str, ...], fmt: Formats
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        defaults = _constant_defaults(model, columns, fmt)
        self.columns = columns + tuple(defaults)
        self.suffix = "".join("\t" + value for value in defaults.values()) + "\n"
        self.path = directory / f"{self.table}.tsv"
        self.handle: TextIO = self.path.open("w", encoding="utf-8", buffering=1 << 20)
        self.rows = 0

    def add(self, *values: str) -> None:
        self.handle.write("\t".join(values) + self.suffix)
        self.rows += 1

    def close(self) -> None:
        self.handle.close()


def _constant_defaults(
    model: type[Model], columns: tuple[str, ...], fmt: Formats
) -> dict[str, str]:
    """The columns not in ``columns`` whose field has a constant boolean, number or text
    default, with that default as COPY text."""
    from django.db.models.fields import AutoFieldMixin

    defaults: dict[str, str] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.column in columns or isinstance(model_field, AutoFieldMixin):
            continue
        if not model_field.has_default() or callable(model_field.default):
            continue
        value = model_field.default
        if isinstance(value, bool):
            defaults[model_field.column] = fmt.flag(value)
        elif isinstance(value, int | str) and not any(c in str(value) for c in "\t\n\\"):
            defaults[model_field.column] = str(value)
    return defaults


class Formats:
    """Values as each database stores them (Django keeps SQLite datetimes as naive UTC
    text and booleans as integers; UUIDs as 32 hex digits, which PostgreSQL also reads)."""

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def moment(self, value: datetime) -> str:
        if self.sqlite:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return value.isoformat()

    def flag(self, value: bool) -> str:
        if self.sqlite:
            return "1" if value else "0"
        return "t" if value else "f"


def _clean(text: str) -> str:
    return " ".join(text.replace("\\", "/").split())


# ---------------------------------------------------------------------------------------
# Generation


class PlannedPerson:
    """A person the generated concerns may name; written only if one does."""

    __slots__ = (
        "address",
        "created",
        "dob",
        "estimated",
        "family",
        "given",
        "held",
        "id",
        "identifiers",
        "kind",
        "of_concern",
        "other_names",
        "phones",
        "registrar",
        "sex",
        "vehicles",
    )

    def __init__(self, person_id: str, kind: str, given: str, family: str, sex: str) -> None:
        self.id = person_id
        self.kind = kind
        self.given = given
        self.family = family
        self.sex = sex
        self.dob: date | None = None
        self.estimated = False
        self.identifiers: list[tuple[str, str]] = []
        self.other_names: list[tuple[str, str]] = []
        self.address: tuple[str, str, str] | None = None
        self.phones: list[str] = []
        self.vehicles: list[str] = []
        # The agency whose concern first named the person registers them (register_person).
        self.registrar = 0
        self.created: datetime | None = None
        # Agencies holding a record, and since when (ensure_agency_record).
        self.held: dict[int, datetime] = {}
        self.of_concern = False


@dataclass
class Area:
    """The agencies and recording staff of one local authority's area."""

    authority: int
    police: int
    nhs: int
    schools: list[int]
    mash_user: int
    worker: int  # the social worker who records the authority's own concerns and events
    children: list[int] = field(default_factory=list)
    adults: list[PlannedPerson] = field(default_factory=list)


@dataclass
class Loaded:
    """What load() wrote, for the benchmarks that read it."""

    vendor: str
    scale: float
    counts: dict[str, int]
    seconds: dict[str, float]
    # The busiest authority: the one the pages benchmark signs in at.
    authority_code: str


class Generator:
    def __init__(self, scale: float, vendor: str, directory: Path, *, progress: bool) -> None:
        from faker import Faker

        self.scale = scale
        self.fmt = Formats(vendor)
        self.directory = directory
        self.progress = progress
        self.rng = random.Random(SEED)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = self.now.astimezone(LONDON).date()
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.spools: dict[str, Spool] = {}
        self.areas: list[Area] = []
        self.agency_codes: dict[int, str] = {}
        self.recorder: dict[int, int] = {}  # agency id -> the user who records its concerns
        self.children: list[PlannedPerson] = []
        self.parents: list[list[PlannedPerson]] = []
        self.open_clocks = 0
        self._due: dict[tuple[str, date], date] = {}
        self._keys: dict[str, set[str]] = {}
        self._pools()

    # Pools of generated text, sampled rather than generated per row (Faker is slow).
    def _pools(self) -> None:
        from safeguarding.demo.generator import SUMMARIES
        from safeguarding.people.identifiers import normalise_postcode

        fake = self.fake
        self.female_names = [_clean(fake.first_name_female()) for _ in range(3000)]
        self.male_names = [_clean(fake.first_name_male()) for _ in range(3000)]
        self.given_names = self.female_names + self.male_names
        self.family_names = [_clean(fake.last_name()) for _ in range(5000)]
        self.streets = [_clean(fake.street_address().replace("\n", ", ")) for _ in range(20000)]
        self.towns = [_clean(fake.city()) for _ in range(2000)]
        self.postcodes = [normalise_postcode(fake.postcode()) for _ in range(20000)]
        self.paragraphs = [_clean(fake.paragraph(nb_sentences=3)) for _ in range(5000)]
        self.summaries = {str(key): value for key, value in SUMMARIES.items()}

    def spool(self, name: str, model: type[Model], columns: tuple[str, ...]) -> Spool:
        self.spools[name] = Spool(self.directory, model, columns, self.fmt)
        return self.spools[name]

    def uuid_hex(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def due(self, clock_type: str, start: date) -> date:
        from safeguarding.clocks.rules import DEFAULT_LIMITS

        key = (clock_type, start)
        if key not in self._due:
            self._due[key] = DEFAULT_LIMITS[clock_type].due(start)
        return self._due[key]

    def search_keys(self, name: str) -> set[str]:
        from safeguarding.people.names import phonetic_keys

        if name not in self._keys:
            self._keys[name] = phonetic_keys(name)
        return self._keys[name]

    # -- agencies and staff -------------------------------------------------------------

    def agencies_and_staff(self) -> None:
        from safeguarding.access.models import Agency, AgencyKind, User
        from safeguarding.access.roles import Role

        rng, fmt = self.rng, self.fmt
        agencies = self.spool(
            "agency",
            Agency,
            (
                "id",
                "code",
                "name",
                "kind",
                "area_name",
                "is_active",
                "home_authority_id",
                "designated_senior_manager_id",
                "dfe_number",
            ),
        )
        users = self.spool(
            "user",
            User,
            (
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "role",
                "totp_secret_encrypted",
                "totp_confirmed",
                "totp_last_step",
                "failed_sign_ins",
                "locked_until",
                "manager_id",
                "agency_id",
            ),
        )
        next_agency = iter(range(1, 1_000_000))
        next_user = iter(range(1, 1_000_000))
        places = list(dict.fromkeys(self.towns))

        def agency(code: str, name: str, kind: str, area: str, home: int | None) -> int:
            agency_id = next(next_agency)
            agencies.add(
                str(agency_id),
                code,
                name,
                kind,
                area,
                fmt.flag(True),
                str(home) if home else NULL,
                NULL,
                # Fictional DfE numbers for authorities: none real is above 938.
                f"{900 + agency_id % 100}" if kind == AgencyKind.LOCAL_AUTHORITY else "",
            )
            self.agency_codes[agency_id] = code
            return agency_id

        def user(username: str, role: str, agency_id: int) -> int:
            user_id = next(next_user)
            users.add(
                str(user_id),
                # An unusable password, as make_password(None) writes: these staff never
                # sign in; the pages benchmark creates its own through create_user.
                "!" + secrets.token_hex(20),
                NULL,
                fmt.flag(False),
                username,
                rng.choice(self.given_names),
                rng.choice(self.family_names),
                "",
                fmt.flag(False),
                fmt.flag(True),
                fmt.moment(self.start),
                role,
                "",
                fmt.flag(False),
                "0",
                "0",
                NULL,
                NULL,
                str(agency_id),
            )
            return user_id

        authorities = []
        for number in range(1, AUTHORITIES + 1):
            place = places[(number - 1) % len(places)]
            authorities.append(
                agency(
                    f"LA-{number:03d}",
                    f"{place} Council Children's Services",
                    AgencyKind.LOCAL_AUTHORITY,
                    place,
                    None,
                )
            )
        # Forces and NHS bodies each cover several authorities.
        police = [
            agency(
                f"POL-{number:02d}",
                f"{places[number % len(places)]} Police",
                AgencyKind.POLICE_FORCE,
                "",
                authorities[number - 1],
            )
            for number in range(1, POLICE_FORCES + 1)
        ]
        nhs = [
            agency(
                f"NHS-{number:02d}",
                f"{places[(number * 7) % len(places)]} NHS Foundation Trust",
                AgencyKind.NHS_BODY,
                "",
                authorities[number - 1],
            )
            for number in range(1, NHS_BODIES + 1)
        ]
        agency("NAT-TASKFORCE", "National Taskforce", AgencyKind.NATIONAL_BODY, "", None)
        for index, authority in enumerate(authorities):
            schools = [
                agency(
                    f"SCH-{index + 1:03d}-{school}",
                    f"{rng.choice(self.family_names)} {kind}",
                    AgencyKind.SCHOOL,
                    "",
                    authority,
                )
                for school, kind in enumerate(("Primary School", "Academy", "High School"))
            ]
            self.areas.append(
                Area(
                    authority=authority,
                    police=police[index % POLICE_FORCES],
                    nhs=nhs[index % NHS_BODIES],
                    schools=schools,
                    mash_user=user(f"mash-{index + 1:03d}", Role.MASH_TRIAGE, authority),
                    worker=user(f"sw-{index + 1:03d}", Role.PRACTITIONER, authority),
                )
            )
            self.recorder[authority] = self.areas[-1].worker
            for school in schools:
                self.recorder[school] = user(
                    f"dsl-{self.agency_codes[school].lower()}",
                    Role.DESIGNATED_SAFEGUARDING_LEAD,
                    school,
                )
        for force in police:
            self.recorder[force] = user(
                f"system-{self.agency_codes[force].lower()}", Role.SYSTEM_INTEGRATION, force
            )
        for body in nhs:
            self.recorder[body] = user(
                f"health-{self.agency_codes[body].lower()}", Role.PRACTITIONER, body
            )

    # -- people -------------------------------------------------------------------------

    def people(self) -> None:
        from safeguarding.demo.generator import (
            drama_phone,
            fictional_upn,
            registration,
            test_range_nhs_number,
        )
        from safeguarding.people.identifiers import IdentifierScheme
        from safeguarding.people.models import PersonKind, Sex

        rng = self.rng
        count = max(AUTHORITIES, round(CHILDREN_PER_SCALE * self.scale))
        # Authorities differ in size: the largest has a few per cent of England's children.
        sizes = sorted((rng.lognormvariate(0, 0.6) for _ in self.areas), reverse=True)
        homes = rng.choices(range(len(self.areas)), weights=sizes, k=count)
        nhs_numbers: set[str] = set()
        for index, home in enumerate(homes):
            female = rng.random() < 0.5
            given = rng.choice(self.female_names if female else self.male_names)
            family = rng.choice(self.family_names)
            child = PlannedPerson(
                self.uuid_hex(),
                PersonKind.CHILD,
                given,
                family,
                Sex.FEMALE if female else Sex.MALE,
            )
            child.dob = self.today - timedelta(days=rng.randrange(365, 365 * 17))
            if rng.random() < 0.9:
                number = test_range_nhs_number(rng)
                while number in nhs_numbers:
                    number = test_range_nhs_number(rng)
                nhs_numbers.add(number)
                child.identifiers.append((IdentifierScheme.NHS_NUMBER, number))
            if child.dob < self.today - timedelta(days=365 * 4) and rng.random() < 0.8:
                child.identifiers.append((IdentifierScheme.UNIQUE_PUPIL_NUMBER, fictional_upn(rng)))
            child.address = (
                rng.choice(self.streets),
                rng.choice(self.towns),
                rng.choice(self.postcodes),
            )
            if rng.random() < 0.15:
                child.other_names.append(("nickname", given[:3] + "z"))
            parents = []
            for _ in range(rng.choice((1, 1, 2))):
                parent = PlannedPerson(
                    self.uuid_hex(),
                    PersonKind.ADULT,
                    rng.choice(self.given_names),
                    family,
                    Sex.UNKNOWN,
                )
                parent.dob = child.dob - timedelta(days=rng.randrange(365 * 18, 365 * 40))
                parent.address = child.address
                if rng.random() < 0.6:
                    parent.phones.append(_e164(drama_phone(rng)))
                parents.append(parent)
            self.children.append(child)
            self.parents.append(parents)
            self.areas[home].children.append(index)
        for area in self.areas:
            for _ in range(max(1, len(area.children) // 20)):
                adult = PlannedPerson(
                    self.uuid_hex(),
                    PersonKind.ADULT,
                    rng.choice(self.male_names),
                    rng.choice(self.family_names),
                    Sex.MALE,
                )
                adult.dob = date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 30))
                adult.estimated = rng.random() < 0.5
                adult.of_concern = True
                adult.phones.append(_e164(drama_phone(rng)))
                if rng.random() < 0.7:
                    adult.vehicles.append(registration(rng).replace(" ", ""))
                if rng.random() < 0.4:
                    adult.other_names.append(("alias", rng.choice(self.male_names)))
                area.adults.append(adult)

    # -- concerns, contacts and their clocks --------------------------------------------

    def concerns(self) -> None:
        from tqdm import tqdm

        from safeguarding.clocks.models import Clock
        from safeguarding.clocks.rules import ClockType
        from safeguarding.concerns.models import Concern, ConcernCategory, ConcernPerson
        from safeguarding.demo.generator import CATEGORY_WEIGHTS, DECISION_WEIGHTS, RATIONALES
        from safeguarding.mash.actions import CLOCKS_STARTED_BY
        from safeguarding.mash.models import Contact
        from safeguarding.pathway.events import EventType, Outcome
        from safeguarding.pathway.models import PathwayEvent

        rng, fmt = self.rng, self.fmt
        concerns = self.spool(
            "concern",
            Concern,
            (
                "id",
                "agency_record_id",
                "recorded_at",
                "received_at",
                "category",
                "summary",
                "agency_id",
                "local_authority_id",
                "recorded_by_id",
            ),
        )
        involvements = self.spool("involvement", ConcernPerson, ("role", "concern_id", "person_id"))
        contacts = self.spool(
            "contact",
            Contact,
            (
                "id",
                "received_at",
                "rag",
                "decision",
                "rationale",
                "decided_at",
                "allocated_to_id",
                "authority_id",
                "concern_id",
                "decided_by_id",
            ),
        )
        events = self.spool("event", PathwayEvent, EVENT_COLUMNS)
        clocks = self.spool("clock", Clock, CLOCK_COLUMNS)
        count = max(len(self.children), round(CONCERNS_PER_SCALE * self.scale))
        # Every child is named at least once; beyond that a few children attract many
        # concerns (capped, so that no timeline runs to thousands).
        weights = [min(rng.paretovariate(1.5), MAX_CHILD_WEIGHT) for _ in self.children]
        sequence = list(range(len(self.children)))
        sequence += rng.choices(sequence, weights=weights, k=count - len(sequence))
        rng.shuffle(sequence)
        span = (self.now - self.start).total_seconds() - 3600
        moments = sorted(rng.random() * span for _ in range(count))
        categories = rng.choices(
            [str(c) for c in CATEGORY_WEIGHTS], weights=list(CATEGORY_WEIGHTS.values()), k=count
        )
        decisions = list(DECISION_WEIGHTS)
        decision_weights = list(DECISION_WEIGHTS.values())
        exploitation = {ConcernCategory.SEXUAL_EXPLOITATION, ConcernCategory.CRIMINAL_EXPLOITATION}
        area_of = {child: area for area in self.areas for child in area.children}
        record_numbers: dict[int, int] = {}
        queue_from = self.now - timedelta(days=QUEUE_DAYS)
        decision_clocks_met_before = self.today - timedelta(days=DECISION_CLOCKS_OPEN_DAYS)
        for number in tqdm(
            range(count), desc="Generating concerns", unit="concern", disable=not self.progress
        ):
            child_index = sequence[number]
            child = self.children[child_index]
            area = area_of[child_index]
            roll = rng.random()
            agency = (
                area.police
                if roll < 0.35
                else rng.choice(area.schools)
                if roll < 0.6
                else area.nhs
                if roll < 0.8
                else area.authority
            )
            category = categories[number]
            named: list[tuple[str, PlannedPerson]] = [("child", child)]
            parents = self.parents[child_index]
            if parents and rng.random() < 0.6:
                named.append(("parent", rng.choice(parents)))
            if category in exploitation and rng.random() < 0.7:
                named.append(("adult-of-concern", rng.choice(area.adults)))
            recorded_at = self.start + timedelta(seconds=moments[number])
            received_at = min(recorded_at + timedelta(seconds=rng.randrange(60, 3600)), self.now)
            record_numbers[agency] = record_numbers.get(agency, 0) + 1
            concern_id = self.uuid_hex()
            concerns.add(
                concern_id,
                f"{self.agency_codes[agency]}-{record_numbers[agency]:08d}",
                fmt.moment(recorded_at),
                fmt.moment(received_at),
                category,
                self.summaries[category].format(child=child.given)
                + " "
                + rng.choice(self.paragraphs),
                str(agency),
                str(area.authority),
                str(self.recorder[agency]),
            )
            for role, person in named:
                involvements.add(role, concern_id, person.id)
                if not person.registrar:
                    person.registrar = agency
                    person.created = received_at
                person.held.setdefault(agency, received_at)

            # The contact at the authority's MASH, and its one-working-day decision clock.
            contact_uuid = uuid.UUID(self.uuid_hex())
            subject = f"contact:{contact_uuid}"
            received_on = received_at.astimezone(LONDON).date()
            undecided = received_at >= queue_from and rng.random() < UNDECIDED_SHARE
            allocated = area.mash_user if rng.random() < (0.3 if undecided else 0.5) else 0
            if undecided:
                decision = ""
                decided_at = None
                rag = rng.choice(("unrated", "unrated", "unrated", "red", "amber", "green"))
            else:
                decision = rng.choices(decisions, weights=decision_weights)[0]
                delay = timedelta(hours=rng.choice((1, 2, 3, 5, 20, 26, 70)))
                decided_at = min(received_at + delay, self.now)
                rag = rng.choice(("unrated", "unrated", "red", "amber", "green"))
            contacts.add(
                contact_uuid.hex,
                fmt.moment(received_at),
                rag,
                decision,
                RATIONALES[decision] if decision else "",
                fmt.moment(decided_at) if decided_at else NULL,
                str(allocated) if allocated else NULL,
                str(area.authority),
                concern_id,
                str(area.mash_user) if decision else NULL,
            )
            decided_on = decided_at.astimezone(LONDON).date() if decided_at else None
            self.clock(
                clocks,
                ClockType.REFERRAL_DECISION,
                area.authority,
                child.id,
                subject,
                received_on,
                accountable=allocated,
                met_on=decided_on,
            )
            # The clocks a decision starts; the pathway events that met the older ones.
            for clock_type in CLOCKS_STARTED_BY.get(decision, []):
                met_on = None
                if received_on < decision_clocks_met_before:
                    if clock_type == ClockType.ASSESSMENT:
                        event_type, outcome = EventType.ASSESSMENT_COMPLETED, Outcome.NONE
                        met_on = _add_working_days(received_on, rng.randint(20, 52))
                    else:
                        event_type, outcome = EventType.STRATEGY_DISCUSSION, Outcome.NO_S47
                        met_on = _add_working_days(received_on, rng.choice((0, 1, 1, 2)))
                    self.event(events, area, child.id, event_type, outcome, met_on)
                self.clock(
                    clocks,
                    clock_type,
                    area.authority,
                    child.id,
                    subject,
                    received_on,
                    accountable=allocated or area.mash_user,
                    met_on=met_on,
                )

    def clock(
        self,
        spool: Spool,
        clock_type: str,
        authority: int,
        person_id: str,
        subject: str,
        started_on: date,
        *,
        accountable: int,
        met_on: date | None,
    ) -> None:
        """One clock, as start_clock writes it (and meet_clock, if met)."""
        spool.add(
            clock_type,
            subject,
            started_on.isoformat(),
            self.due(clock_type, started_on).isoformat(),
            met_on.isoformat() if met_on else NULL,
            NULL,
            NULL,
            NULL,
            "",
            str(accountable) if accountable else NULL,
            str(authority),
            person_id,
        )
        if met_on is None:
            self.open_clocks += 1

    def event(
        self, spool: Spool, area: Area, person_id: str, event_type: str, outcome: str, on: date
    ) -> str:
        """One pathway event recorded by the authority's social worker; returns its id."""
        event_id = self.uuid_hex()
        recorded_at = datetime.combine(on, datetime.min.time(), LONDON) + timedelta(
            hours=self.rng.randint(9, 17)
        )
        spool.add(
            event_id,
            person_id,
            str(area.authority),
            event_type,
            outcome,
            on.isoformat(),
            "",
            str(area.worker),
            self.fmt.moment(min(recorded_at, self.now)),
            str(area.authority),  # the social worker's agency records it
        )
        return event_id

    def pathway(self) -> None:
        """Events that started the clocks still running on children in plans, in care or
        named in allegations, up to the open clocks wanted."""
        from tqdm import tqdm

        from safeguarding.pathway.events import RULES, EventType, Outcome

        rng = self.rng
        events, clocks = self.spools["event"], self.spools["clock"]
        wanted = round(OPEN_CLOCKS_PER_SCALE * self.scale) - self.open_clocks
        kinds = [
            (EventType.CP_VISIT, Outcome.NONE),
            (EventType.INITIAL_CONFERENCE, Outcome.PLAN),
            (EventType.BECAME_LOOKED_AFTER, Outcome.NONE),
            (EventType.ALLEGATION_AGAINST_STAFF, Outcome.NONE),
        ]
        kind_weights = [40, 25, 25, 10]
        sizes = list(itertools.accumulate(len(area.children) for area in self.areas))
        bar = tqdm(
            total=max(wanted, 0), desc="Generating open clocks", unit="clock",
            disable=not self.progress,
        )  # fmt: skip
        while self.open_clocks < round(OPEN_CLOCKS_PER_SCALE * self.scale):
            area = rng.choices(self.areas, cum_weights=sizes)[0]
            child = self.children[rng.choice(area.children)]
            event_type, outcome = rng.choices(kinds, weights=kind_weights)[0]
            on = self.today - timedelta(days=rng.randrange(HISTORY_DAYS))
            rule = RULES[event_type]
            started = rule.starts + rule.starts_on_outcome.get(outcome, [])
            event_id = self.event(events, area, child.id, event_type, outcome, on)
            for clock_type in started:
                self.clock(
                    clocks,
                    clock_type,
                    area.authority,
                    child.id,
                    f"event:{uuid.UUID(event_id)}",
                    on,
                    accountable=area.worker,
                    met_on=None,
                )
            bar.update(len(started))
        bar.close()

    def people_rows(self) -> None:
        """Everyone a concern named, with what their registering agency recorded."""
        from safeguarding.people.identifiers import IdentifierScheme
        from safeguarding.people.models import (
            Address,
            AgencyRecord,
            Identifier,
            Person,
            PersonName,
            PersonSearchKey,
            Phone,
            Vehicle,
        )

        fmt = self.fmt
        persons = self.spool(
            "person",
            Person,
            (
                "id",
                "kind",
                "given_name",
                "family_name",
                "date_of_birth",
                "date_of_birth_is_estimated",
                "sex",
                "created_at",
            ),
        )
        identifiers = self.spool(
            "identifier", Identifier, ("scheme", "value", "issuing_agency_id", "person_id")
        )
        names = self.spool("personname", PersonName, ("kind", "name", "person_id"))
        addresses = self.spool(
            "address",
            Address,
            ("line_1", "town", "postcode", "recorded_at", "recorded_by_id", "person_id"),
        )
        phones = self.spool("phone", Phone, ("number", "person_id", "recorded_by_id"))
        vehicles = self.spool(
            "vehicle", Vehicle, ("registration", "description", "person_id", "recorded_by_id")
        )
        keys = self.spool("searchkey", PersonSearchKey, ("key", "person_id"))
        records = self.spool(
            "agencyrecord",
            AgencyRecord,
            ("agency_record_id", "created_at", "agency_id", "person_id"),
        )
        police_codes = {code for code in self.agency_codes.values() if code.startswith("POL-")}

        def everyone() -> Iterator[PlannedPerson]:
            yield from self.children
            for parents in self.parents:
                yield from parents
            for area in self.areas:
                yield from area.adults

        for person in everyone():
            if not person.registrar:
                continue  # never named in a concern, so never recorded
            assert person.created is not None
            created = fmt.moment(person.created)
            registrar = str(person.registrar)
            persons.add(
                person.id,
                person.kind,
                person.given,
                person.family,
                person.dob.isoformat() if person.dob else NULL,
                fmt.flag(person.estimated),
                person.sex,
                created,
            )
            held = list(person.identifiers)
            if person.of_concern and self.agency_codes[person.registrar] in police_codes:
                # An adult of concern registered by a police force carries its reference.
                held.append(
                    (
                        IdentifierScheme.POLICE_REFERENCE,
                        f"{self.agency_codes[person.registrar]}/{person.id[:8].upper()}",
                    )
                )
            for scheme, value in held:
                issuer = (
                    registrar
                    if scheme in (IdentifierScheme.POLICE_REFERENCE, IdentifierScheme.AGENCY_LOCAL)
                    else NULL
                )
                identifiers.add(scheme, value, issuer, person.id)
            for kind, name in person.other_names:
                names.add(kind, name, person.id)
            if person.address:
                line_1, town, postcode = person.address
                addresses.add(line_1, town, postcode, created, registrar, person.id)
            for number in person.phones:
                phones.add(number, person.id, registrar)
            for registration in person.vehicles:
                vehicles.add(registration, "", person.id, registrar)
            search_keys: set[str] = set()
            for name in [person.given, person.family, *(n for _, n in person.other_names)]:
                search_keys |= self.search_keys(name)
            for key in sorted(search_keys):
                keys.add(key, person.id)
            for agency, since in person.held.items():
                records.add("", fmt.moment(since), str(agency), person.id)

    def run(self) -> dict[str, int]:
        # Column lists are checked against the models so that a new column fails loudly.
        self.agencies_and_staff()
        self.people()
        self.concerns()
        self.pathway()
        self.people_rows()
        for spool in self.spools.values():
            spool.close()
            _check_columns(spool)
        return {name: spool.rows for name, spool in self.spools.items()}


CLOCK_COLUMNS = (
    "clock_type",
    "subject",
    "started_on",
    "due_on",
    "met_on",
    "cancelled_on",
    "reminded_at",
    "escalated_at",
    "delay_reason",
    "accountable_id",
    "authority_id",
    "person_id",
)
EVENT_COLUMNS = (
    "id",
    "person_id",
    "authority_id",
    "event_type",
    "outcome",
    "occurred_on",
    "notes",
    "recorded_by_id",
    "recorded_at",
    "agency_id",
)


def _check_columns(spool: Spool) -> None:
    """Every column the model has without a default must be written: a benchmark must
    fail, not load half-formed rows, when a model gains a column."""
    from django.db.models import NOT_PROVIDED
    from django.db.models.fields import AutoFieldMixin

    for model_field in spool.model._meta.concrete_fields:
        column = model_field.column
        if column in spool.columns or isinstance(model_field, AutoFieldMixin):
            continue
        if model_field.null or model_field.db_default is not NOT_PROVIDED:
            continue
        raise RuntimeError(
            f"bench/data.py does not write {spool.table}.{column}: add it to the generator"
        )


def _e164(number: str) -> str:
    from safeguarding.people.identifiers import normalise_phone

    return normalise_phone(number)


@functools.cache
def _add_working_days(start: date, count: int) -> date:
    from safeguarding.clocks.calendar import add_working_days

    return add_working_days(start, count)


# ---------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class Rebuild:
    """A secondary index or constraint dropped for the load, and the SQL that restores it."""

    table: str
    name: str
    is_constraint: bool
    definition: str

    @property
    def drop(self) -> str:
        if self.is_constraint:
            return f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{self.name}"'
        return f'DROP INDEX "{self.name}"'

    @property
    def create(self) -> str:
        if self.is_constraint:
            return f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" {self.definition}'
        return self.definition


def _postgres_rebuilds(tables: list[str]) -> list[Rebuild]:
    """The loaded tables' secondary indexes, unique constraints and foreign keys (primary
    keys and check constraints stay), in the order to restore them: indexes, then unique
    constraints, then foreign keys."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, "
            "pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.conrelid::regclass::text = i.tablename)",
            [tables],
        )
        indexes = cursor.fetchall()
    return (
        [Rebuild(table, name, False, definition) for table, name, definition in indexes]
        + [Rebuild(t, n, True, d) for t, n, kind, d in constraints if kind == "u"]
        + [Rebuild(t, n, True, d) for t, n, kind, d in constraints if kind == "f"]
    )


def _load_postgres(spools: list[Spool], *, progress: bool) -> dict[str, float]:
    from django.db import connection
    from tqdm import tqdm

    seconds: dict[str, float] = {}
    tables = [spool.table for spool in spools]
    rebuilds = _postgres_rebuilds(tables)
    connection.ensure_connection()
    raw = connection.connection
    with connection.cursor() as cursor:
        # Room for index builds; the server's own settings are left alone.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for rebuild in reversed(rebuilds):
            cursor.execute(rebuild.drop)
    started = time.perf_counter()
    total = sum(spool.path.stat().st_size for spool in spools)
    with tqdm(total=total, desc="COPY", unit="B", unit_scale=True, disable=not progress) as bar:
        for spool in spools:
            bar.set_postfix_str(spool.table)
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f'COPY "{spool.table}" ({", ".join(spool.columns)}) FROM STDIN'
                ) as copy,
                spool.path.open("rb") as handle,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
                    bar.update(len(chunk))
    seconds["copy_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for rebuild in tqdm(rebuilds, desc="Indexes and keys", unit="index", disable=not progress):
            cursor.execute(rebuild.create)
    seconds["index_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    seconds["analyze_seconds"] = time.perf_counter() - started
    return seconds


def _rows(path: Path) -> Iterator[list[str | None]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield [None if value == NULL else value for value in line.rstrip("\n").split("\t")]


def _load_sqlite(spools: list[Spool], *, progress: bool) -> dict[str, float]:
    from django.db import connection, transaction
    from tqdm import tqdm

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    batch = 50_000
    with tqdm(
        total=sum(spool.rows for spool in spools),
        desc="INSERT",
        unit="row",
        disable=not progress,
    ) as bar:
        for spool in spools:
            bar.set_postfix_str(spool.table)
            sql = (
                f'INSERT INTO "{spool.table}" ({", ".join(spool.columns)}) '
                f"VALUES ({', '.join(['%s'] * len(spool.columns))})"
            )
            # One transaction per table: deferred foreign keys are checked at its commit.
            with transaction.atomic(), connection.cursor() as cursor:
                rows: list[list[str | None]] = []
                for row in _rows(spool.path):
                    rows.append(row)
                    if len(rows) == batch:
                        cursor.executemany(sql, rows)
                        bar.update(len(rows))
                        rows = []
                cursor.executemany(sql, rows)
                bar.update(len(rows))
    seconds["copy_seconds"] = time.perf_counter() - started
    seconds["index_seconds"] = 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds["analyze_seconds"] = time.perf_counter() - started
    return seconds


def _reset_sequences(spools: list[Spool]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), [s.model for s in spools])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def load(scale: float = 1.0, *, progress: bool = True) -> Loaded:
    """Generate and load the national data set into the current (empty, migrated)
    database, and say how long each step took."""
    from django.db import connection

    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-spool-") as directory:
        started = time.perf_counter()
        generator = Generator(scale, vendor, Path(directory), progress=progress)
        counts = generator.run()
        seconds = {"generate_seconds": time.perf_counter() - started}
        spools = [generator.spools[name] for name in SPOOL_ORDER]
        loader: Callable[..., dict[str, float]] = (
            _load_postgres if vendor == "postgresql" else _load_sqlite
        )
        seconds |= loader(spools, progress=progress)
        _reset_sequences(spools)
    seconds["total_seconds"] = time.perf_counter() - started
    counts["open_clocks"] = generator.open_clocks
    return Loaded(
        vendor=vendor,
        scale=scale,
        counts=counts,
        seconds=seconds,
        authority_code=generator.agency_codes[generator.areas[0].authority],
    )


def summary(loaded: Loaded) -> dict[str, float]:
    """The load's figures for the results table."""
    rows = sum(value for key, value in loaded.counts.items() if key != "open_clocks")
    result: dict[str, float] = {
        "concerns": float(loaded.counts["concern"]),
        "persons": float(loaded.counts["person"]),
        "involvements": float(loaded.counts["involvement"]),
        "contacts": float(loaded.counts["contact"]),
        "clocks": float(loaded.counts["clock"]),
        "open_clocks": float(loaded.counts["open_clocks"]),
        "rows": float(rows),
    }
    result |= loaded.seconds
    load_seconds = loaded.seconds["copy_seconds"] + loaded.seconds["index_seconds"]
    result["rows_loaded_per_second"] = rows / load_seconds if load_seconds else 0.0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.data", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1,000,000 concerns per 1.0")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args(argv)
    configure(args.database)
    before = os.getloadavg()
    with bench_database():
        loaded = load(args.scale)
        figures = summary(loaded)
    after = os.getloadavg()
    for key, value in figures.items():
        print(f"{key}: {value:,.1f}")
    print("load average before: " + ", ".join(f"{v:.2f}" for v in before))
    print("load average after:  " + ", ".join(f"{v:.2f}" for v in after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
