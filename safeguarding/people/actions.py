"""Every write to a person's record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.people.identifiers import (
    IdentifierScheme,
    normalise_identifier,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
)
from safeguarding.people.models import (
    Address,
    AgencyRecord,
    Identifier,
    Person,
    PersonKind,
    PersonName,
    PersonSearchKey,
    Phone,
    Sex,
    Vehicle,
)
from safeguarding.people.names import phonetic_keys

# Identifiers that mean something only within the agency that issued them.
AGENCY_REFERENCE_SCHEMES = (IdentifierScheme.POLICE_REFERENCE, IdentifierScheme.AGENCY_LOCAL)
PERSON_LEGAL_BASIS = "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18"
# Read once: an enum's .values builds a new list on every use.
_KINDS = tuple(PersonKind.values)
_SEXES = tuple(Sex.values)


@dataclass
class PersonDetails:
    """What an agency knows of a person, already validated at the edge."""

    given_name: str
    family_name: str
    kind: str = PersonKind.CHILD
    date_of_birth: date | None = None
    date_of_birth_is_estimated: bool = False
    sex: str = Sex.UNKNOWN
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, value)
    other_names: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)  # (line 1, town, postcode)
    phones: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Raise one ValidationError listing every problem, keyed by field."""
        errors: dict[str, list[str]] = {}
        if not self.given_name.strip() and not self.family_name.strip():
            errors.setdefault("name", []).append("Enter a given name or a family name")
        if len(self.given_name) > 100 or len(self.family_name) > 100:
            errors.setdefault("name", []).append("Names must be 100 characters or fewer")
        if self.kind not in _KINDS:
            errors.setdefault("kind", []).append("Choose whether the person is a child or adult")
        if self.sex not in _SEXES:
            errors.setdefault("sex", []).append("Choose female, male or not known")
        if self.date_of_birth and self.date_of_birth > date.today():  # noqa: DTZ011 - a calendar date
            errors.setdefault("date_of_birth", []).append("Date of birth must be in the past")
        normalised_identifiers = []
        for scheme, value in self.identifiers:
            try:
                normalised_identifiers.append((scheme, normalise_identifier(scheme, value)))
            except ValidationError as error:
                errors.setdefault(f"identifier_{scheme}", []).extend(error.messages)
        self.identifiers = normalised_identifiers
        for label, normaliser, values in (
            ("phone", normalise_phone, self.phones),
            ("vehicle", normalise_vehicle_registration, self.vehicles),
        ):
            cleaned = []
            for value in values:
                try:
                    cleaned.append(normaliser(value))
                except ValidationError as error:
                    errors.setdefault(label, []).extend(error.messages)
            values[:] = cleaned
        addresses = []
        for line_1, town, postcode in self.addresses:
            try:
                addresses.append((line_1.strip(), town.strip(), normalise_postcode(postcode)))
            except ValidationError as error:
                errors.setdefault("postcode", []).extend(error.messages)
        self.addresses = addresses
        if errors:
            raise ValidationError(errors)


def _require_case_work(actor: User) -> Agency:
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not allow recording personal data")
    return actor.agency


def search_keys_for(person: Person, other_names: Iterable[str]) -> set[str]:
    """The phonetic keys of ``person``'s own names and ``other_names``."""
    keys: set[str] = set()
    for name in [person.given_name, person.family_name, *other_names]:
        keys |= phonetic_keys(name)
    return keys


def refresh_search_keys(person: Person, new_details: PersonDetails | None = None) -> None:
    """Index every name of ``person`` phonetically. ``new_details`` gives the names of a
    person created in this transaction, saving a query."""
    if new_details is not None:
        other_names = [name for _, name in new_details.other_names]
        existing: set[str] = set()
    else:
        other_names = list(person.other_names.values_list("name", flat=True))
        existing = set(person.search_keys.values_list("key", flat=True))
    keys = search_keys_for(person, other_names)
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(person=person, key=key) for key in sorted(keys - existing)
    )


@dataclass
class HeldDetails:
    """What a person's record already holds, in the form add_person_details compares."""

    identifiers: set[tuple[str, str]] = field(default_factory=set)  # (scheme, value)
    names: set[str] = field(default_factory=set)
    addresses: set[tuple[str, str]] = field(default_factory=set)  # (line 1, postcode)
    phones: set[str] = field(default_factory=set)
    vehicles: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, person: Person) -> HeldDetails:
        return cls(
            identifiers=set(person.identifiers.values_list("scheme", "value")),
            names=set(person.other_names.values_list("name", flat=True)),
            addresses=set(person.addresses.values_list("line_1", "postcode")),
            phones=set(person.phones.values_list("number", flat=True)),
            vehicles=set(person.vehicles.values_list("registration", flat=True)),
        )


@dataclass
class DetailRows:
    """What ``details`` add to a person, as plain values: bulk imports write them without
    building a model instance per row."""

    identifiers: list[tuple[str, str, Agency | None]]  # (scheme, value, issuing agency)
    names: list[tuple[str, str]]  # (kind, name)
    addresses: list[tuple[str, str, str]]  # (line 1, town, postcode)
    phones: list[str]
    vehicles: list[str]


def detail_rows(details: PersonDetails, *, agency: Agency, held: HeldDetails) -> DetailRows:
    """What ``details`` add to a person who already holds ``held``. Kept apart from the
    writing so that bulk imports apply the very same rules."""
    return DetailRows(
        identifiers=[
            (scheme, value, agency if scheme in AGENCY_REFERENCE_SCHEMES else None)
            for scheme, value in dict.fromkeys(details.identifiers)
            if (scheme, value) not in held.identifiers
        ],
        names=[
            (kind, name.strip())
            for kind, name in details.other_names
            if name.strip() and name.strip() not in held.names
        ],
        addresses=[
            (line_1, town, postcode)
            for line_1, town, postcode in details.addresses
            if (line_1, postcode) not in held.addresses
        ],
        phones=[number for number in dict.fromkeys(details.phones) if number not in held.phones],
        vehicles=[
            registration
            for registration in dict.fromkeys(details.vehicles)
            if registration not in held.vehicles
        ],
    )


def add_person_details(
    person: Person, details: PersonDetails, *, agency: Agency, is_new: bool = False
) -> None:
    """Attach the identifiers, names and contacts in ``details`` that ``person`` lacks.
    For a person created in this transaction there is nothing to compare against, so the
    look-ups are skipped (this is the hot path of bulk imports)."""
    held = HeldDetails() if is_new else HeldDetails.of(person)
    rows = detail_rows(details, agency=agency, held=held)
    Identifier.objects.bulk_create(
        Identifier(person=person, scheme=scheme, value=value, issuing_agency=issuer)
        for scheme, value, issuer in rows.identifiers
    )
    PersonName.objects.bulk_create(
        PersonName(person=person, kind=kind, name=name) for kind, name in rows.names
    )
    Address.objects.bulk_create(
        Address(person=person, line_1=line_1, town=town, postcode=postcode, recorded_by=agency)
        for line_1, town, postcode in rows.addresses
    )
    Phone.objects.bulk_create(
        Phone(person=person, number=number, recorded_by=agency) for number in rows.phones
    )
    Vehicle.objects.bulk_create(
        Vehicle(person=person, registration=registration, recorded_by=agency)
        for registration in rows.vehicles
    )
    refresh_search_keys(person, details if is_new else None)


def ensure_agency_record(person: Person, agency: Agency, agency_record_id: str = "") -> None:
    AgencyRecord.objects.get_or_create(
        agency=agency, person=person, defaults={"agency_record_id": agency_record_id}
    )


def new_person(details: PersonDetails) -> Person:
    """The unsaved Person row that register_person creates for ``details``."""
    return Person(
        kind=details.kind,
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        date_of_birth_is_estimated=details.date_of_birth_is_estimated,
        sex=details.sex,
    )


def register_person(
    *, actor: User, details: PersonDetails, agency_record_id: str = "", validated: bool = False
) -> Person:
    """Create a person record held by the actor's agency. ``validated`` says the caller has
    already run ``details.validate()`` in this request."""
    agency = _require_case_work(actor)
    if not validated:
        details.validate()
    with transaction.atomic(savepoint=False):
        person = new_person(details)
        person.save(force_insert=True)
        add_person_details(person, details, agency=agency, is_new=True)
        AgencyRecord.objects.create(agency=agency, person=person, agency_record_id=agency_record_id)
        record(
            AuditVerb.PERSON_CREATED,
            actor=actor,
            target_type="person",
            target_id=person.pk,
            legal_basis=PERSON_LEGAL_BASIS,
        )
    return person
