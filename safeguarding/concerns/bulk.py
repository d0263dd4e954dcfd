"""Recording imported concerns: one at a time, or a whole batch at once.

``save_imported`` is the per-row path: the importer's own linkage (a person this agency
already holds under its police reference or local id, or on re-import a person the concern
named before), then save_concern. It costs a few dozen small queries and one audit append
per entry for each concern.

``record_batch`` gives the same result for a batch of concerns with a constant number of
queries. It reads up front everything the batch could link to, replays the per-row rules
in memory in file order (so that a person named again later in the batch resolves as the
per-row path would resolve them, to the record created earlier in the batch), then writes
each table with one bulk INSERT and the audit entries with record_many, in the same order
and with the same content as the per-row path. Updates of concerns already held are rare
and go through save_imported.

``record_file`` records a whole file. When every concern in it is new, it reads what the
file could link to once, then builds each batch in memory while a writer thread writes the
batch before over the same connection and transaction: the database's work (its share of
the time is about two fifths) then overlaps Python's instead of following it.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from itertools import batched
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignKey, Model, Q
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.audit.chain import (
    ChainedEntries,
    PendingEntry,
    chain_entries,
    locked_head,
    record_many,
    write_chained,
)
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import deadline, limit_for
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType, Limit
from safeguarding.concerns.actions import (
    LEGAL_BASIS,
    NATIONAL_CANDIDATES,
    NATIONAL_SCHEMES,
    ConcernDetails,
    NamedPerson,
    RecordedConcern,
    _same_person,
    apply_concern_details,
    check_may_record,
    concern_audit_payload,
    concern_errors,
    concern_record_id,
    national_identifiers,
    national_match,
    save_concern,
)
from safeguarding.concerns.models import Concern, ConcernPerson, PersonRole
from safeguarding.mash.models import Contact
from safeguarding.people.actions import (
    AGENCY_REFERENCE_SCHEMES,
    PERSON_LEGAL_BASIS,
    DetailRows,
    HeldDetails,
    PersonDetails,
    add_person_details,
    detail_rows,
    new_person,
    search_keys_for,
)
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
from safeguarding.people.queries import visible_persons

# Concerns per batch: large enough that the per-batch queries cost little per concern,
# small enough that a batch's rows and audit entries sit comfortably in memory.
BATCH_SIZE = 1000
# Values per IN (...) list, well under SQLite's limit of 32,766 query parameters.
_IN_LIST_SIZE = 5000


# ---------------------------------------------------------------------------------------
# One at a time


def _held_under_own_reference(actor: User, details: PersonDetails) -> Person | None:
    """The person this agency already holds under the same police reference or local id:
    the agency's own key for its own records links its rows across imports."""
    references = Q()
    for scheme, value in details.identifiers:
        if scheme in AGENCY_REFERENCE_SCHEMES:
            references |= Q(scheme=scheme, value=value)
    if not references:
        return None
    # Look the few holders up by the indexed identifier first: as a subquery, the
    # need-to-know filter would be evaluated for every person on record.
    holders = list(
        Identifier.objects.filter(references, issuing_agency=actor.agency_id).values_list(
            "person_id", flat=True
        )[:5]
    )
    if not holders:
        return None
    for person in visible_persons(actor).filter(pk__in=holders):
        if _same_person(details, person):
            return person
    return None


def _already_named(
    details: PersonDetails, role: str, concern: Concern, taken: set[object]
) -> Person | None:
    """On re-import, the person the concern already names in the same role."""
    national = {(s, v) for s, v in details.identifiers if s in NATIONAL_SCHEMES}
    for involvement in concern.involvements.select_related("person"):
        person = involvement.person
        if involvement.role != role or person.pk in taken or not _same_person(details, person):
            continue
        held = {
            (s, v)
            for s, v in person.identifiers.filter(scheme__in=NATIONAL_SCHEMES).values_list(
                "scheme", "value"
            )
        }
        if any(scheme == s and value != v for s, v in held for scheme, value in national):
            continue  # a different NHS number or UPN: a different person of the same name
        return person
    return None


def link_known_persons(
    actor: User, persons: list[NamedPerson], existing: Concern | None
) -> list[NamedPerson]:
    """Name people the agency already holds by their record, adding any new details, so
    that a re-sent record or a person in many records does not become many records.
    (save_concern itself links only by NHS number or UPN.)"""
    assert actor.agency is not None
    linked = []
    taken: set[object] = set()
    for named in persons:
        details = named.details
        assert details is not None
        person = _held_under_own_reference(actor, details)
        if person is None and existing is not None:
            person = _already_named(details, named.role, existing, taken)
        if person is None or person.pk in taken:
            linked.append(named)
            continue
        taken.add(person.pk)
        add_person_details(person, details, agency=actor.agency)
        linked.append(NamedPerson(role=named.role, person_id=person.pk))
    return linked


def save_imported(actor: User, details: ConcernDetails) -> RecordedConcern:
    """Record one imported concern, naming its persons by their details: the per-row
    path. Raises what save_concern raises."""
    existing = Concern.objects.filter(
        agency=actor.agency, agency_record_id=details.agency_record_id.strip()
    ).first()
    persons = link_known_persons(actor, details.persons, existing)
    return save_concern(actor=actor, details=replace(details, persons=persons))


# ---------------------------------------------------------------------------------------
# A batch at once


@dataclass
class Outcome:
    """What became of one concern of a batch: whether it was new, or the error that
    stopped it (a ValidationError, PermissionDenied or DatabaseError, as save_imported
    raises them). A failed concern wrote nothing; the others stand."""

    created: bool = False
    error: Exception | None = None


def record_batch(actor: User, batch: Sequence[ConcernDetails]) -> list[Outcome]:
    """Record ``batch``, in order, with the result save_imported would give for each in
    turn, in the caller's transaction (or a new one). The persons' details must be as the
    import's checks leave them, validated and normalised by the rules of
    PersonDetails.validate, which is not run again on new concerns."""
    outcomes = [Outcome() for _ in batch]
    agency = _agency_or_refuse(actor, outcomes)
    if agency is None:
        return outcomes
    record_ids = [concern_record_id(details) for details in batch]
    known = _existing_record_ids(agency, record_ids)
    run: list[int] = []
    with transaction.atomic():
        for index, details in enumerate(batch):
            # An update, a record id repeated in the batch, or a person named by their
            # record rather than details takes the per-row path, after the concerns
            # before it, so that each concern sees what the ones before it wrote.
            if record_ids[index] in known or any(n.details is None for n in details.persons):
                _record_new(actor, agency, batch, record_ids, run, outcomes)
                run = []
                _save_one(actor, details, outcomes[index])
            else:
                run.append(index)
            known.add(record_ids[index])
        _record_new(actor, agency, batch, record_ids, run, outcomes)
    return outcomes


def _agency_or_refuse(actor: User, outcomes: list[Outcome]) -> Agency | None:
    """The actor's agency; None, with every outcome refused, if they may not record."""
    try:
        return check_may_record(actor)
    except PermissionDenied as error:
        for outcome in outcomes:
            outcome.error = error
        return None


def _save_one(actor: User, details: ConcernDetails, outcome: Outcome) -> None:
    try:
        with transaction.atomic():
            outcome.created = save_imported(actor, details).created
    except (ValidationError, PermissionDenied, DatabaseError) as error:
        outcome.error = error


def _existing_record_ids(agency: Agency, record_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in batched(dict.fromkeys(record_ids), _IN_LIST_SIZE):
        found.update(
            Concern.objects.filter(agency=agency, agency_record_id__in=chunk).values_list(
                "agency_record_id", flat=True
            )
        )
    return found


# A new concern ready to record: its index in the batch, details, authority and record id.
_Ready = tuple[int, ConcernDetails, Agency, str]


def _ready(
    batch: Sequence[ConcernDetails],
    record_ids: list[str],
    indexes: Sequence[int],
    outcomes: list[Outcome],
) -> list[_Ready]:
    """The new concerns at ``indexes`` that pass the checks save_concern makes; the
    others' outcomes get their errors."""
    codes = {batch[index].local_authority_code for index in indexes}
    authorities = {
        authority.code: authority
        for authority in Agency.objects.filter(
            code__in=codes, kind=AgencyKind.LOCAL_AUTHORITY, is_active=True
        )
    }
    ready = []
    for index in indexes:
        details = batch[index]
        authority = authorities.get(details.local_authority_code)
        errors = concern_errors(details, authority, persons_checked=True)
        if errors:
            outcomes[index].error = ValidationError(errors)
            continue
        assert authority is not None
        ready.append((index, details, authority, record_ids[index]))
    return ready


def _record_new(
    actor: User,
    agency: Agency,
    batch: Sequence[ConcernDetails],
    record_ids: list[str],
    indexes: list[int],
    outcomes: list[Outcome],
) -> None:
    """Record the new concerns at ``indexes`` set by set, setting their outcomes."""
    if not indexes:
        return
    ready = _ready(batch, record_ids, indexes, outcomes)
    if not ready:
        return
    try:
        with transaction.atomic():
            _Run(actor, agency).record(ready)
    except DatabaseError:
        # Rare (a concurrent import of the same records, say): recording each on its own
        # names the concern at fault, as the per-row path would.
        for index, details, _, _ in ready:
            _save_one(actor, details, outcomes[index])
        return
    for index, _, _, _ in ready:
        outcomes[index].created = True


# ---------------------------------------------------------------------------------------
# A whole file at once


def record_file(
    actor: User,
    concerns: Sequence[ConcernDetails],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] = lambda count: None,
) -> list[Outcome]:
    """Record a whole file's ``concerns``, in order, with the result record_batch gives
    batch by batch, in the caller's transaction. ``progress`` is told how many concerns
    each step recorded.

    On PostgreSQL, when every concern is new and names its persons by their details (a
    first load, the common case), the persons they could link to are read once, up front;
    then each batch is built and made ready to write while a writer thread writes the
    batch before over the same connection. The database's work then overlaps Python's
    instead of following it. Otherwise, or if the database refuses a write, batch by
    batch with record_batch."""
    outcomes = [Outcome() for _ in concerns]
    agency = _agency_or_refuse(actor, outcomes)
    if agency is None:
        return outcomes
    record_ids = [concern_record_id(details) for details in concerns]
    counted = 0

    def count(done: int) -> None:
        nonlocal counted
        counted += done
        progress(done)

    if (
        connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
        and len(set(record_ids)) == len(record_ids)
        and all(named.details is not None for details in concerns for named in details.persons)
        and not _existing_record_ids(agency, record_ids)
        and _record_overlapped(actor, agency, concerns, record_ids, outcomes, batch_size, count)
    ):
        return outcomes
    progress(-counted)  # what was counted was rolled back: start again
    outcomes = []
    for batch in batched(concerns, batch_size):
        outcomes += record_batch(actor, batch)
        progress(len(batch))
    return outcomes


def _record_overlapped(
    actor: User,
    agency: Agency,
    concerns: Sequence[ConcernDetails],
    record_ids: list[str],
    outcomes: list[Outcome],
    batch_size: int,
    progress: Callable[[int], object],
) -> bool:
    """Record new ``concerns``, preparing each batch while the one before is written;
    False (with nothing written) if the database refused a write."""
    ready = _ready(concerns, record_ids, range(len(concerns)), outcomes)
    authorities = {authority.pk: authority for _, _, authority, _ in ready}
    run = _Run(
        actor,
        agency,
        limits={
            pk: limit_for(authority, ClockType.REFERRAL_DECISION)
            for pk, authority in authorities.items()
        },
    )
    run.read_known(ready)
    db = connections[DEFAULT_DB_ALIAS]
    try:
        with transaction.atomic():
            # Everything the batches need from the database is read before the writer
            # starts: the head of the audit chain and the clocks' ids.
            head = locked_head()
            clock_ids = iter(_reserve_ids(Clock, len(ready)))
            with _ImmediateConstraints(db), _Writer(db) as writer:
                for chunk in _overlapped_batches(ready, batch_size):
                    if writer.failed:
                        break
                    prepared = _prepare(actor, run.build(chunk), clock_ids, head)
                    head = prepared.chained.head
                    writer.write(prepared)
                    progress(len(chunk))
    except DatabaseError:
        return False
    for index, _, _, _ in ready:
        outcomes[index].created = True
    progress(len(concerns) - len(ready))
    return True


def _overlapped_batches(ready: list[_Ready], batch_size: int) -> Iterator[list[_Ready]]:
    """``ready`` in batches of ``batch_size``, but for a first batch a tenth of that size:
    nothing is written while the first batch is prepared, so the smaller it is, the
    sooner the writer starts."""
    first = max(1, batch_size // 10)
    if ready[:first]:
        yield ready[:first]
    for batch in batched(ready[first:], batch_size):
        yield list(batch)


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new ids from the sequence of ``model``'s automatic primary key, in order
    (PostgreSQL)."""
    db = connections[DEFAULT_DB_ALIAS]
    pk = model._meta.pk
    assert pk is not None
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [db.ops.quote_name(model._meta.db_table), pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


class _ImmediateConstraints:
    """On PostgreSQL, check foreign keys as each statement ends rather than at commit, so
    that the checks run in the writer thread while the next batch is prepared, not all at
    once at the end. Restores the deferred checking Django's foreign keys are declared
    with."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db

    def __enter__(self) -> None:
        with self.db.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if exc_type is None:
            with self.db.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class _Writer:
    """A thread writing prepared batches in order over the caller's own connection (so in
    its transaction) while the caller prepares the next. The caller must not use the
    connection until the block ends; at most one batch waits to be written."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db
        self.queue: queue.Queue[_Prepared | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def __enter__(self) -> _Writer:
        self.db.inc_thread_sharing()
        self.thread.start()
        return self

    def write(self, prepared: _Prepared) -> None:
        self.queue.put(prepared)

    def _run(self) -> None:
        connections[self.db.alias] = self.db
        while (prepared := self.queue.get()) is not None:
            if self.error is None:
                try:
                    _write_prepared(prepared)
                except BaseException as error:
                    self.error = error

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        self.queue.put(None)
        self.thread.join()
        self.db.dec_thread_sharing()
        if exc is None and self.error is not None:
            raise self.error


_CLOCK_COLUMNS = (
    "clock_type",
    "authority",
    "subject",
    "person",
    "started_on",
    "due_on",
    "accountable",
)
# What add_person_details compares against, per table: (name, model, columns).
_HELD_COLUMNS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("names", PersonName, ("name",)),
    ("addresses", Address, ("line_1", "postcode")),
    ("phones", Phone, ("number",)),
    ("vehicles", Vehicle, ("registration",)),
    ("keys", PersonSearchKey, ("key",)),
    ("records", AgencyRecord, ("agency_id",)),
)


@dataclass
class _Known:
    """A person as the per-row path would find them in the database at this point of the
    batch: what they hold, whether this agency holds a record on them and may see them."""

    person: Person
    held: HeldDetails
    other_names: list[str]  # every other name on record, for the search keys
    keys: set[str]
    holds_record: bool
    visible: bool


@dataclass
class _Recorded:
    concern: Concern
    involvements: list[tuple[Person, str]]  # (person, role), in order, without repeats
    registered: list[Person]  # created for this concern, in order
    contact_id: uuid.UUID
    clock: tuple[Any, ...]  # the MASH decision clock's row, in _CLOCK_COLUMNS
    clock_id: int | None = None


def _name_order(known: _Known) -> tuple[str, str]:
    # Person's default ordering, as the per-row look-ups return candidates.
    return (known.person.family_name, known.person.given_name)


@dataclass
class _Rows:
    """One batch's rows to write, as plain values in the columns _write_batch names, and
    its concerns."""

    persons: list[Person] = field(default_factory=list)
    identifiers: list[tuple[Any, ...]] = field(default_factory=list)
    names: list[tuple[Any, ...]] = field(default_factory=list)
    addresses: list[tuple[Any, ...]] = field(default_factory=list)
    phones: list[tuple[Any, ...]] = field(default_factory=list)
    vehicles: list[tuple[Any, ...]] = field(default_factory=list)
    keys: list[tuple[Any, ...]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)
    recorded: list[_Recorded] = field(default_factory=list)


@dataclass
class _Run:
    """New concerns recorded together: the persons they could link to, and what linking
    and registering adds, batch by batch."""

    actor: User
    agency: Agency
    # The MASH decision limit of each authority, when read up front (else read as needed).
    limits: dict[int, Limit] | None = None
    known: dict[uuid.UUID, _Known] = field(default_factory=dict)
    # Holders of each NHS number and UPN, whoever issued it; and of each of this agency's
    # own references.
    national: defaultdict[tuple[str, str], list[uuid.UUID]] = field(
        default_factory=lambda: defaultdict(list)
    )
    own: defaultdict[tuple[str, str], list[uuid.UUID]] = field(
        default_factory=lambda: defaultdict(list)
    )
    rows: _Rows = field(default_factory=_Rows)
    due_dates: dict[tuple[int, date], date] = field(default_factory=dict)

    def record(self, ready: list[_Ready]) -> None:
        """Link, build and write ``ready`` as one batch."""
        self.read_known(ready)
        _write_batch(self.actor, self.build(ready))

    def build(self, ready: list[_Ready]) -> _Rows:
        """The rows that record ``ready``, linking to the persons known to this run and
        to those the batches before registered."""
        for _, details, authority, record_id in ready:
            self.rows.recorded.append(self._concern(details, authority, record_id))
        built, self.rows = self.rows, _Rows()
        return built

    def read_known(self, ready: list[_Ready]) -> None:
        self._read_known(
            {
                pair
                for _, details, _, _ in ready
                for named in details.persons
                if named.details is not None
                for pair in named.details.identifiers
            }
        )

    # Reading what the batch could link to ----------------------------------------------

    def _read_known(self, pairs: set[tuple[str, str]]) -> None:
        """Everyone holding one of ``pairs`` that the per-row look-ups could find: the
        holders of an NHS number or UPN, and of this agency's own references."""
        if not pairs:
            return
        schemes = sorted({scheme for scheme, _ in pairs})
        held: defaultdict[uuid.UUID, set[tuple[str, str]]] = defaultdict(set)
        candidates: dict[uuid.UUID, None] = {}
        for chunk in batched(sorted({value for _, value in pairs}), _IN_LIST_SIZE):
            rows = Identifier.objects.filter(scheme__in=schemes, value__in=chunk).values_list(
                "person_id", "scheme", "value", "issuing_agency_id"
            )
            for person_id, scheme, value, issuer in rows:
                pair = (scheme, value)
                if pair not in pairs:
                    continue
                held[person_id].add(pair)
                if scheme in NATIONAL_SCHEMES:
                    self.national[pair].append(person_id)
                    candidates[person_id] = None
                elif scheme in AGENCY_REFERENCE_SCHEMES and issuer == self.agency.pk:
                    self.own[pair].append(person_id)
                    candidates[person_id] = None
        if not candidates:
            return
        found: dict[uuid.UUID, Person] = {}
        visible: set[uuid.UUID] = set()
        related: defaultdict[str, defaultdict[uuid.UUID, list[Any]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for person_ids in batched(candidates, _IN_LIST_SIZE):
            found.update((person.pk, person) for person in Person.objects.filter(pk__in=person_ids))
            visible.update(
                visible_persons(self.actor).filter(pk__in=person_ids).values_list("pk", flat=True)
            )
            for name, model, columns in _HELD_COLUMNS:
                held_rows = model.objects.filter(person_id__in=person_ids)
                if model is AgencyRecord:
                    held_rows = held_rows.filter(agency=self.agency)
                for person_id, *values in held_rows.values_list("person_id", *columns):
                    related[name][person_id].append(
                        values[0] if len(values) == 1 else tuple(values)
                    )
        for person_id, person in found.items():
            names = related["names"][person_id]
            self.known[person_id] = _Known(
                person=person,
                held=HeldDetails(
                    identifiers=held[person_id],
                    names=set(names),
                    addresses=set(related["addresses"][person_id]),
                    phones=set(related["phones"][person_id]),
                    vehicles=set(related["vehicles"][person_id]),
                ),
                other_names=list(names),
                keys=set(related["keys"][person_id]),
                holds_record=bool(related["records"][person_id]),
                visible=person_id in visible,
            )

    # Replaying the per-row rules -------------------------------------------------------

    def _held_under_own_reference(self, details: PersonDetails) -> _Known | None:
        """As _held_under_own_reference, among the persons known to this run."""
        holders = dict.fromkeys(
            person_id
            for pair in details.identifiers
            if pair[0] in AGENCY_REFERENCE_SCHEMES
            for person_id in self.own.get(pair, ())
        )
        visible = sorted(
            (self.known[person_id] for person_id in holders if self.known[person_id].visible),
            key=_name_order,
        )
        for known in visible:
            if _same_person(details, known.person):
                return known
        return None

    def _find_by_national_identifier(self, details: PersonDetails) -> _Known | None:
        """As concerns.actions._find_by_national_identifier, among the persons known to
        this run."""
        holders = dict.fromkeys(
            person_id
            for pair in national_identifiers(details)
            for person_id in self.national.get(pair, ())
        )
        candidates = sorted((self.known[person_id] for person_id in holders), key=_name_order)
        person = national_match(
            details, [known.person for known in candidates[:NATIONAL_CANDIDATES]]
        )
        return self.known[person.pk] if person is not None else None

    def _take(self, known: _Known, rows: DetailRows) -> None:
        """Queue ``rows`` for writing and note them as held, as the database would."""
        person_id = known.person.pk
        agency_id = self.agency.pk
        for scheme, value, issuer in rows.identifiers:
            pair = (scheme, value)
            known.held.identifiers.add(pair)
            if scheme in NATIONAL_SCHEMES:
                self.national[pair].append(person_id)
            elif scheme in AGENCY_REFERENCE_SCHEMES:
                self.own[pair].append(person_id)
            self.rows.identifiers.append((person_id, scheme, value, issuer.pk if issuer else None))
        for kind, name in rows.names:
            known.held.names.add(name)
            known.other_names.append(name)
            self.rows.names.append((person_id, kind, name))
        for line_1, town, postcode in rows.addresses:
            known.held.addresses.add((line_1, postcode))
            self.rows.addresses.append((person_id, line_1, town, postcode, agency_id))
        for number in rows.phones:
            known.held.phones.add(number)
            self.rows.phones.append((person_id, number, agency_id))
        for registration in rows.vehicles:
            known.held.vehicles.add(registration)
            self.rows.vehicles.append((person_id, registration, agency_id))

    def _add_keys(self, known: _Known, keys: set[str]) -> None:
        new = keys - known.keys
        person_id = known.person.pk
        self.rows.keys += [(person_id, key) for key in sorted(new)]
        known.keys |= new

    def _add_person_details(self, known: _Known, details: PersonDetails) -> None:
        """As add_person_details on a person already held."""
        self._take(known, detail_rows(details, agency=self.agency, held=known.held))
        self._add_keys(known, search_keys_for(known.person, known.other_names))

    def _register_person(self, details: PersonDetails) -> _Known:
        """As register_person, for details already validated."""
        person = new_person(details)
        known = _Known(person, HeldDetails(), [], set(), holds_record=True, visible=True)
        self.rows.persons.append(person)
        self._take(known, detail_rows(details, agency=self.agency, held=HeldDetails()))
        if known.held.identifiers:
            # Only an identifier finds a person again: one without needs no keeping.
            self.known[person.pk] = known
        self._add_keys(known, search_keys_for(person, [name for _, name in details.other_names]))
        self.rows.records.append((self.agency.pk, person.pk, ""))
        return known

    def _ensure_agency_record(self, known: _Known) -> None:
        if not known.holds_record:
            self.rows.records.append((self.agency.pk, known.person.pk, ""))
            known.holds_record = known.visible = True

    def _concern(self, details: ConcernDetails, authority: Agency, record_id: str) -> _Recorded:
        """As save_imported for a new concern."""
        concern = Concern(agency=self.agency, agency_record_id=record_id, recorded_by=self.actor)
        if details.received_at is not None:
            concern.received_at = details.received_at
        apply_concern_details(concern, details, authority)
        # The importer's linkage by this agency's own references comes first...
        linked: list[_Known | None] = []
        taken: set[uuid.UUID] = set()
        for named in details.persons:
            assert named.details is not None
            known = self._held_under_own_reference(named.details)
            if known is None or known.person.pk in taken:
                linked.append(None)
                continue
            taken.add(known.person.pk)
            self._add_person_details(known, named.details)
            linked.append(known)
        # ...then save_concern resolves each person in turn.
        persons: list[tuple[Person, str]] = []
        registered: list[Person] = []
        for named, found in zip(details.persons, linked, strict=True):
            assert named.details is not None
            known = found
            if known is None:
                known = self._find_by_national_identifier(named.details)
                if known is not None:
                    self._add_person_details(known, named.details)
            if known is None:
                known = self._register_person(named.details)
                registered.append(known.person)
            else:
                self._ensure_agency_record(known)
            persons.append((known.person, named.role))
        involved = list(dict.fromkeys(persons))
        # As open_contact: the contact, and its decision clock on the first child named.
        contact_id = uuid.uuid4()
        child = next((person for person, role in involved if role == PersonRole.CHILD), None)
        started_on = timezone.localdate(concern.received_at)
        clock = (
            ClockType.REFERRAL_DECISION,
            authority.pk,
            f"contact:{contact_id}",  # Contact.subject
            child.pk if child is not None else None,
            started_on,
            self._due_on(authority, started_on),
            None,
        )
        return _Recorded(concern, involved, registered, contact_id, clock)

    def _due_on(self, authority: Agency, started_on: date) -> date:
        key = (authority.pk, started_on)
        if key not in self.due_dates:
            if self.limits is None:
                due = deadline(ClockType.REFERRAL_DECISION, started_on, authority)
            else:
                due = self.limits[authority.pk].due(started_on)
            self.due_dates[key] = due
        return self.due_dates[key]


# ---------------------------------------------------------------------------------------
# Writing a batch


# A table's rows: the model, the fields the rows give values for (None: the rows are unsaved
# model instances), and the rows.
_TableRows = tuple[type[Model], Sequence[str] | None, Sequence[Any]]


def _tables(rows: _Rows) -> list[_TableRows]:
    """A batch's rows table by table, in an order that writes every row after the rows it
    refers to (foreign keys are checked as each statement ends while recording a file)."""
    recorded = rows.recorded
    return [
        (Person, None, rows.persons),
        (Identifier, ("person", "scheme", "value", "issuing_agency"), rows.identifiers),
        (PersonName, ("person", "kind", "name"), rows.names),
        (Address, ("person", "line_1", "town", "postcode", "recorded_by"), rows.addresses),
        (Phone, ("person", "number", "recorded_by"), rows.phones),
        (Vehicle, ("person", "registration", "recorded_by"), rows.vehicles),
        (PersonSearchKey, ("person", "key"), rows.keys),
        (AgencyRecord, ("agency", "person", "agency_record_id"), rows.records),
        (Concern, None, [item.concern for item in recorded]),
        (
            ConcernPerson,
            ("concern", "person", "role"),
            [
                (item.concern.pk, person.pk, role)
                for item in recorded
                for person, role in item.involvements
            ],
        ),
        (
            Contact,
            ("id", "concern", "authority", "received_at"),
            [
                (
                    item.contact_id,
                    item.concern.pk,
                    item.concern.local_authority_id,
                    item.concern.received_at,
                )
                for item in recorded
            ],
        ),
    ]


def _write_batch(actor: User, rows: _Rows) -> None:
    """Write one batch's rows, run the registers that watch every concern and append its
    audit entries."""
    db = connections[DEFAULT_DB_ALIAS]
    for model, names, items in _tables(rows):
        if items:
            _write_rows(db, *_table_values(db, model, names, items))
    recorded = rows.recorded
    # The clocks' ids name them in the audit log.
    clock_ids = _insert_returning_ids(Clock, _CLOCK_COLUMNS, [item.clock for item in recorded])
    for item, clock_id in zip(recorded, clock_ids, strict=True):
        item.clock_id = clock_id
    _watch(recorded)
    record_many([entry for item in recorded for entry in _entries(actor, item)])


def _watch(recorded: list[_Recorded]) -> None:
    """Run the registers that watch every concern, as save_concern calls them. The warning
    notice check runs only for the few concerns that may name a notice's adult."""
    from safeguarding.reportingduty.alerts import on_concern_recorded as duty_check
    from safeguarding.warningnotices.alerts import (
        concerns_that_may_name_notice_adults,
    )
    from safeguarding.warningnotices.alerts import on_concern_recorded as notice_check

    may_alert = concerns_that_may_name_notice_adults([item.concern.pk for item in recorded])
    for item in recorded:
        if item.concern.pk in may_alert:
            notice_check(item.concern)
        duty_check(item.concern)


@dataclass
class _Prepared:
    """A batch made ready to write by the thread that built it, so that the writer thread
    has little Python left to do: each table's rows as the driver takes them, and the audit
    entries chained from the head the batch before leaves."""

    tables: list[tuple[type[Model], list[Field[Any, Any]], list[list[Any]]]]
    recorded: list[_Recorded]
    entries: list[PendingEntry]
    chained: ChainedEntries


def _prepare(
    actor: User, rows: _Rows, clock_ids: Iterator[int], after: tuple[int, str]
) -> _Prepared:
    """Make ``rows`` ready to write: the clocks take ids reserved beforehand, and the audit
    entries follow the head ``after``."""
    db = connections[DEFAULT_DB_ALIAS]
    tables = [
        _table_values(db, model, names, items) for model, names, items in _tables(rows) if items
    ]
    recorded = rows.recorded
    ids = [next(clock_ids) for _ in recorded]
    for item, clock_id in zip(recorded, ids, strict=True):
        item.clock_id = clock_id
    clocks = _with_ids(Clock, _CLOCK_COLUMNS, [item.clock for item in recorded], ids)
    tables.append(_table_values(db, Clock, *clocks))
    entries = [entry for item in recorded for entry in _entries(actor, item)]
    return _Prepared(tables, recorded, entries, chain_entries(entries, after))


def _write_prepared(prepared: _Prepared) -> None:
    db = connections[DEFAULT_DB_ALIAS]
    for model, columns, values in prepared.tables:
        _write_rows(db, model, columns, values)
    _watch(prepared.recorded)
    # A warning notice alert appends entries of its own: the entries chained in advance
    # then no longer follow the head, and are chained again.
    if locked_head() == prepared.chained.after:
        write_chained(prepared.chained)
    else:
        record_many(prepared.entries)


def _entries(actor: User, item: _Recorded) -> Iterator[PendingEntry]:
    """The entries the per-row path writes for one concern, in its order: each person
    registered, the MASH decision clock (as start_clock), then the concern."""
    for person in item.registered:
        yield PendingEntry(
            AuditVerb.PERSON_CREATED,
            actor=actor,
            target_type="person",
            target_id=person.pk,
            legal_basis=PERSON_LEGAL_BASIS,
        )
    clock_type, _, subject, _, _, due_on, _ = item.clock
    yield PendingEntry(
        AuditVerb.CLOCK_STARTED,
        actor=None,
        target_type="clock",
        target_id=item.clock_id,
        payload={"type": clock_type, "subject": subject, "due_on": due_on.isoformat()},
    )
    yield PendingEntry(
        AuditVerb.CONCERN_RECORDED,
        actor=actor,
        target_type="concern",
        target_id=item.concern.pk,
        legal_basis=LEGAL_BASIS,
        payload=concern_audit_payload(
            item.concern.agency_record_id, [person for person, _ in item.involvements]
        ),
    )


# ---------------------------------------------------------------------------------------
# Writing rows without the ORM's per-object work (tens of rows per concern)


def _columns(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    """The fields ``names`` give values for, then every other stored field but an
    automatic primary key."""
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    rest = [
        column
        for column in meta.concrete_fields
        if column not in given and not isinstance(column, AutoFieldMixin)
    ]
    return [*given, *rest]  # type: ignore[list-item]


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


def _insert(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows``, values for the fields ``names`` (foreign keys by primary key). The
    model's other fields take their defaults, evaluated once: the rows of one batch are
    written at the same moment."""
    if rows:
        db = connections[DEFAULT_DB_ALIAS]
        _write_rows(db, model, _columns(model, names), _prepared(db, model, names, rows))


def _prepared(
    db: BaseDatabaseWrapper, model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[list[Any]]:
    """``rows`` with the defaults of the other columns, as the driver takes them."""
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
    values = []
    for row in rows:
        full = [*row, *defaults]
        for index, prepare in prepared:
            full[index] = prepare(full[index])
        values.append(full)
    return values


def _column_list(db: BaseDatabaseWrapper, columns: Sequence[Field[Any, Any]]) -> str:
    return ", ".join(db.ops.quote_name(str(column.column)) for column in columns)


def _insert_returning_ids(
    model: type[Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> list[int]:
    """As _insert, for a model with an automatic primary key: the new rows' ids, in order."""
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    pk = model._meta.pk
    assert pk is not None
    table = db.ops.quote_name(model._meta.db_table)
    if db.vendor == "postgresql":
        # Take the ids from the table's sequence first, so that COPY can write the rows.
        ids = _reserve_ids(model, len(rows))
        _insert(model, *_with_ids(model, names, rows, ids))
        return ids
    # Elsewhere a multi-row INSERT ... RETURNING, which gives the ids in the order of the
    # rows (as bulk_create relies on), in statements within SQLite's parameter limit.
    columns = _columns(model, names)
    width = len(columns)
    full = _prepared(db, model, names, rows)
    ids = []
    with db.cursor() as cursor:
        for chunk in batched(full, max(1, _IN_LIST_SIZE // width)):
            cursor.execute(
                f"INSERT INTO {table} ({_column_list(db, columns)}) VALUES "  # noqa: S608
                + ", ".join([f"({', '.join(['%s'] * width)})"] * len(chunk))
                + f" RETURNING {db.ops.quote_name(str(pk.column))}",
                [value for row in chunk for value in row],
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _with_ids(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]], ids: list[int]
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """``names`` and ``rows`` with the primary key first, taking ``ids`` in order."""
    pk = model._meta.pk
    assert pk is not None
    return (pk.name, *names), [(id_, *row) for id_, row in zip(ids, rows, strict=True)]


def _table_values(
    db: BaseDatabaseWrapper, model: type[Model], names: Sequence[str] | None, items: Sequence[Any]
) -> tuple[type[Model], list[Field[Any, Any]], list[list[Any]]]:
    """The columns and values that insert ``items``: rows of values for the fields
    ``names``, or (``names`` None) unsaved objects whose primary keys are set."""
    if names is None:
        return _object_rows(db, model, items)
    return model, _columns(model, names), _prepared(db, model, names, items)


def _object_rows(
    db: BaseDatabaseWrapper, model: type[Model], objects: Sequence[Model]
) -> tuple[type[Model], list[Field[Any, Any]], list[list[Any]]]:
    """The columns and values that insert ``objects``, which count as saved from now."""
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
    return model, columns, values


def _write_rows(
    db: BaseDatabaseWrapper,
    model: type[Model],
    columns: Sequence[Field[Any, Any]],
    rows: list[list[Any]],
) -> None:
    table = db.ops.quote_name(model._meta.db_table)
    names = _column_list(db, columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY is PostgreSQL's fastest way in; the driver adapts each value.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )
