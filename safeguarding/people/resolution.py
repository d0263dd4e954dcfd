"""Deciding "same person": the one set of rules every entry point (the web form, the API,
bulk files, the demo) uses to resolve a person named in a record to one already held, or
to a new person. Documented for users in docs/users/guide.md ("When two records are the
same person").

A person named by details is, in this order:
1. on a record sent again, the person it named before in the same role, if the names and
   dates of birth agree and no NHS number or unique pupil number disagrees;
2. the person this agency already holds under the same police reference or local id of
   its own, if the names and dates of birth agree;
3. a person anyone holds under the same NHS number or unique pupil number whose date of
   birth is the same and whose name agrees closely;
4. otherwise a new person, held by this agency.
A person found by rule 1 or 2 is taken once per record: named twice, the second is
resolved by rules 3 and 4. A person named by their record must be one the actor may see.
Whoever is found gains the details they lacked, and this agency holds a record on them.

Matching never grants access by itself: rules 1 and 2 find only people this agency holds,
and rule 3 needs a national identifier, a date of birth and a name to agree.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from rapidfuzz import fuzz

from safeguarding.access.models import Agency, User
from safeguarding.audit.chain import PendingEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.people.details import (
    AGENCY_REFERENCE_SCHEMES,
    DetailRows,
    HeldDetails,
    PersonDetails,
    detail_rows,
    new_person,
    search_keys_for,
)
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
from safeguarding.people.names import fold
from safeguarding.people.queries import visible_persons
from safeguarding.writes.rows import in_chunks
from safeguarding.writes.unit import WriteRun, Writes

# The names must agree at least this closely (rapidfuzz's token sort ratio, 0 to 100).
NAME_AGREEMENT_THRESHOLD = 80
NATIONAL_SCHEMES = (IdentifierScheme.NHS_NUMBER, IdentifierScheme.UNIQUE_PUPIL_NUMBER)
# How many holders of a national identifier are compared, in name order.
NATIONAL_CANDIDATES = 5


@dataclass
class NamedPerson:
    """A person named in a record, in a role: an existing record the actor can see, or
    details."""

    role: str
    person_id: uuid.UUID | None = None
    details: PersonDetails | None = None


def same_person(details: PersonDetails, person: Person) -> bool:
    """Whether ``details`` describe ``person``: the names agree closely and the dates of
    birth do not disagree."""
    if details.date_of_birth and person.date_of_birth not in (None, details.date_of_birth):
        return False
    wanted = fold(f"{details.given_name} {details.family_name}")
    return fuzz.token_sort_ratio(wanted, fold(person.full_name)) >= NAME_AGREEMENT_THRESHOLD


def national_identifiers(details: PersonDetails) -> list[tuple[str, str]]:
    return [(scheme, value) for scheme, value in details.identifiers if scheme in NATIONAL_SCHEMES]


def national_match(details: PersonDetails, candidates: Iterable[Person]) -> Person | None:
    """The first of ``candidates`` (holders of one of the national identifiers in
    ``details``, in name order) whose date of birth and name agree with ``details``."""
    for person in candidates:
        # Both dates of birth must be known and equal: an identifier and a name alone
        # must not open a child's whole record to whoever sends them.
        if (
            details.date_of_birth
            and person.date_of_birth == details.date_of_birth
            and same_person(details, person)
        ):
            return person
    return None


# What detail_rows compares against, per table: (name, model, columns).
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
    """A person as the database will hold them once this run's rows are written: what they
    hold, whether this agency holds a record on them, and whether the actor may see them."""

    person: Person
    held: HeldDetails
    other_names: list[str]  # every other name on record, for the search keys
    keys: set[str]
    holds_record: bool
    visible: bool


def _name_order(known: _Known) -> tuple[str, str]:
    # Person's default ordering, as a look-up in the database returns candidates.
    return (known.person.family_name, known.person.given_name)


@dataclass
class _Rows:
    persons: list[Person] = field(default_factory=list)
    identifiers: list[tuple[Any, ...]] = field(default_factory=list)
    names: list[tuple[Any, ...]] = field(default_factory=list)
    addresses: list[tuple[Any, ...]] = field(default_factory=list)
    phones: list[tuple[Any, ...]] = field(default_factory=list)
    vehicles: list[tuple[Any, ...]] = field(default_factory=list)
    keys: list[tuple[Any, ...]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)


class PersonResolver:
    """Resolves the persons named in a run of records by the rules above, remembering what
    each batch adds so that a person named again later in the run resolves as the
    database would then answer. ``read`` what a batch could link to, ``resolve`` each
    record's persons in order, then ``plan`` the batch's rows."""

    def __init__(self, actor: User, agency: Agency, run: WriteRun) -> None:
        self.actor = actor
        self.agency = agency
        self.run = run
        self.known: dict[uuid.UUID, _Known] = {}
        # Holders of each NHS number and UPN, whoever issued it; and of each of this
        # agency's own references.
        self.national: defaultdict[tuple[str, str], list[uuid.UUID]] = defaultdict(list)
        self.own: defaultdict[tuple[str, str], list[uuid.UUID]] = defaultdict(list)
        self.rows = _Rows()
        self.created: list[Person] = []

    # Reading what the records could link to --------------------------------------------

    def read(self, named: Iterable[NamedPerson], person_ids: Iterable[uuid.UUID] = ()) -> None:
        """Read everyone ``named`` could resolve to, and the persons ``person_ids`` (named
        before on records sent again)."""
        pairs: set[tuple[str, str]] = set()
        wanted = set(person_ids)
        for person in named:
            if person.details is not None:
                pairs.update(person.details.identifiers)
            if person.person_id is not None:
                wanted.add(person.person_id)
        with self.run.reading():
            held = self._read_holders(pairs)
            self._load({*held, *wanted} - self.known.keys(), held)

    def _read_holders(self, pairs: set[tuple[str, str]]) -> dict[uuid.UUID, set[tuple[str, str]]]:
        """The holders of an NHS number or UPN in ``pairs``, and of this agency's own
        references in it, with the pairs each holds."""
        held: defaultdict[uuid.UUID, set[tuple[str, str]]] = defaultdict(set)
        if not pairs:
            return held
        schemes = sorted({scheme for scheme, _ in pairs})
        for chunk in in_chunks(sorted({value for _, value in pairs})):
            rows = Identifier.objects.filter(scheme__in=schemes, value__one_of=chunk).values_list(
                "person_id", "scheme", "value", "issuing_agency_id"
            )
            for person_id, scheme, value, issuer in rows:
                pair = (scheme, value)
                if pair not in pairs or person_id in self.known:
                    continue
                if scheme in NATIONAL_SCHEMES:
                    self.national[pair].append(person_id)
                    held[person_id].add(pair)
                elif scheme in AGENCY_REFERENCE_SCHEMES and issuer == self.agency.pk:
                    self.own[pair].append(person_id)
                    held[person_id].add(pair)
        return held

    def _load(
        self, person_ids: set[uuid.UUID], held: dict[uuid.UUID, set[tuple[str, str]]]
    ) -> None:
        """Read ``person_ids`` with what each holds."""
        if not person_ids:
            return
        found: dict[uuid.UUID, Person] = {}
        visible: set[uuid.UUID] = set()
        related: defaultdict[str, defaultdict[uuid.UUID, list[Any]]] = defaultdict(
            lambda: defaultdict(list)
        )
        identifiers: defaultdict[uuid.UUID, set[tuple[str, str]]] = defaultdict(set)
        own: defaultdict[uuid.UUID, set[tuple[str, str]]] = defaultdict(set)
        for chunk in in_chunks(sorted(person_ids)):
            found.update((person.pk, person) for person in Person.objects.filter(pk__one_of=chunk))
            visible.update(
                visible_persons(self.actor).filter(pk__one_of=chunk).values_list("pk", flat=True)
            )
            for person_id, scheme, value, issuer in Identifier.objects.filter(
                person_id__one_of=chunk
            ).values_list("person_id", "scheme", "value", "issuing_agency_id"):
                identifiers[person_id].add((scheme, value))
                if scheme in AGENCY_REFERENCE_SCHEMES and issuer == self.agency.pk:
                    own[person_id].add((scheme, value))
            for name, model, columns in _HELD_COLUMNS:
                rows = model.objects.filter(person_id__one_of=chunk)
                if model is AgencyRecord:
                    rows = rows.filter(agency=self.agency)
                for person_id, *values in rows.values_list("person_id", *columns):
                    related[name][person_id].append(
                        values[0] if len(values) == 1 else tuple(values)
                    )
        for person_id, person in found.items():
            names = related["names"][person_id]
            asked = held.get(person_id, set())
            # Identifiers held but not asked about are noted too, so that a later batch
            # naming one finds this person here (the database is not asked again).
            for pair in identifiers[person_id] - asked:
                if pair[0] in NATIONAL_SCHEMES:
                    self.national[pair].append(person_id)
            for pair in own[person_id] - asked:
                self.own[pair].append(person_id)
            self.known[person_id] = _Known(
                person=person,
                held=HeldDetails(
                    identifiers=identifiers[person_id],
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

    # The rules --------------------------------------------------------------------------

    def resolve(
        self, named: Sequence[NamedPerson], previously: Sequence[tuple[uuid.UUID, str]] = ()
    ) -> tuple[list[Person], list[Person]]:
        """The persons ``named`` resolve to, in order, and those of them new; ``previously``
        are the (person, role) a record sent again named before. Raises ValidationError if
        a person named by their record cannot be seen by the actor."""
        # Checked before anything is resolved, so that a refused record adds nothing.
        for item in named:
            if item.details is None:
                known = self.known.get(item.person_id) if item.person_id else None
                if known is None or not known.visible:
                    raise ValidationError({"persons": ["A named person could not be found"]})
        persons: list[Person] = []
        created: list[Person] = []
        taken: set[uuid.UUID] = set()
        for item in named:
            # Matching joins the concern to a person held elsewhere, but never opens that
            # person's record: an agency whose details matched someone it could not see
            # holds no record on them, and sees what it recorded (its concern), no more.
            matched_unseen = False
            if item.details is None:
                assert item.person_id is not None
                known = self.known[item.person_id]
            else:
                details = item.details
                known = self._named_before(details, item.role, previously, taken)
                if known is None:
                    known = self._held_under_own_reference(details, taken)
                if known is not None:
                    taken.add(known.person.pk)
                else:
                    known = self._national_match(details)
                    matched_unseen = known is not None and not known.visible
                if known is None:
                    known = self._register(details)
                    created.append(known.person)
                else:
                    self._add_details(known, details)
            if not matched_unseen:
                self._ensure_agency_record(known)
            persons.append(known.person)
        return persons, created

    def _named_before(
        self,
        details: PersonDetails,
        role: str,
        previously: Sequence[tuple[uuid.UUID, str]],
        taken: set[uuid.UUID],
    ) -> _Known | None:
        national = national_identifiers(details)
        for person_id, named_role in previously:
            known = self.known.get(person_id)
            if known is None or named_role != role or person_id in taken:
                continue
            if not same_person(details, known.person):
                continue
            held = [pair for pair in known.held.identifiers if pair[0] in NATIONAL_SCHEMES]
            if any(s == scheme and v != value for s, v in held for scheme, value in national):
                continue  # a different NHS number or UPN: a different person of that name
            return known
        return None

    def _held_under_own_reference(
        self, details: PersonDetails, taken: set[uuid.UUID]
    ) -> _Known | None:
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
            if same_person(details, known.person):
                return None if known.person.pk in taken else known
        return None

    def _national_match(self, details: PersonDetails) -> _Known | None:
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

    # What resolving adds ----------------------------------------------------------------

    def _take(self, known: _Known, rows: DetailRows) -> None:
        """Queue ``rows`` for writing and note them as held, as the database will."""
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
        self.rows.keys += [(known.person.pk, key) for key in sorted(new)]
        known.keys |= new

    def _add_details(self, known: _Known, details: PersonDetails) -> None:
        self._take(known, detail_rows(details, agency=self.agency, held=known.held))
        self._add_keys(known, search_keys_for(known.person, known.other_names))

    def register(self, details: PersonDetails) -> Person:
        """A new person for ``details``, held by this agency, without matching."""
        known = self._register(details)
        self._ensure_agency_record(known)
        return known.person

    def _register(self, details: PersonDetails) -> _Known:
        person = new_person(details)
        known = _Known(person, HeldDetails(), [], set(), holds_record=False, visible=True)
        self.known[person.pk] = known
        self.rows.persons.append(person)
        self.created.append(person)
        self._take(known, detail_rows(details, agency=self.agency, held=HeldDetails()))
        self._add_keys(known, search_keys_for(person, [name for _, name in details.other_names]))
        return known

    def _ensure_agency_record(self, known: _Known) -> None:
        if not known.holds_record:
            self.rows.records.append((self.agency.pk, known.person.pk, ""))
            known.holds_record = known.visible = True

    # Planning the rows ------------------------------------------------------------------

    def plan(self, writes: Writes) -> None:
        """Add the rows resolving has added since the last plan to ``writes``, persons
        first; the audit entries of new persons are the caller's (see person_created)."""
        rows, self.rows = self.rows, _Rows()
        self.created = []
        writes.add_objects(Person, rows.persons)
        writes.add_values(
            Identifier, ("person", "scheme", "value", "issuing_agency"), rows.identifiers
        )
        writes.add_values(PersonName, ("person", "kind", "name"), rows.names)
        writes.add_values(
            Address, ("person", "line_1", "town", "postcode", "recorded_by"), rows.addresses
        )
        writes.add_values(Phone, ("person", "number", "recorded_by"), rows.phones)
        writes.add_values(Vehicle, ("person", "registration", "recorded_by"), rows.vehicles)
        writes.add_values(PersonSearchKey, ("person", "key"), rows.keys)
        writes.add_values(AgencyRecord, ("agency", "person", "agency_record_id"), rows.records)


def person_created(actor: User, person: Person) -> PendingEntry:
    """The audit entry of a person registered by ``actor``."""
    return PendingEntry(
        AuditVerb.PERSON_CREATED,
        actor=actor,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
    )
