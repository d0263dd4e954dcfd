"""Recording concerns. Web forms, the API, importers and the demo all call record_concern."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import does_case_work, may_see_person
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import Concern, ConcernCategory, ConcernPerson, PersonRole
from safeguarding.people.actions import (
    PersonDetails,
    add_person_details,
    ensure_agency_record,
    register_person,
)
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Identifier, Person
from safeguarding.people.names import fold

SUMMARY_MAX_LENGTH = 10_000
LEGAL_BASIS = "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18"


@dataclass
class NamedPerson:
    """A person named in a concern: an existing record the actor can see, or new details."""

    role: str
    person_id: uuid.UUID | None = None
    details: PersonDetails | None = None


@dataclass
class ConcernDetails:
    category: str
    summary: str
    recorded_at: datetime
    local_authority_code: str
    persons: list[NamedPerson] = field(default_factory=list)
    agency_record_id: str = ""
    # When the hub received it: now, except when loading an agency's history.
    received_at: datetime | None = None


# Read once: an enum's .values builds a new list on every use.
_CATEGORIES = tuple(ConcernCategory.values)
_ROLES = tuple(PersonRole.values)


def _validate(details: ConcernDetails, *, persons_checked: bool = False) -> dict[str, list[str]]:
    """Every problem with ``details``. ``persons_checked`` says the persons' details were
    validated (and so normalised) already, as the import's checks do, and need not be
    again."""
    errors: dict[str, list[str]] = {}
    if details.category not in _CATEGORIES:
        errors["category"] = ["Choose the category of concern"]
    if not details.summary.strip():
        errors["summary"] = ["Enter what happened"]
    elif len(details.summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = [f"Summary must be {SUMMARY_MAX_LENGTH:,} characters or fewer"]
    if details.recorded_at is None:
        errors["recorded_at"] = ["Enter when the concern was recorded"]
    elif details.recorded_at > timezone.now() + timedelta(minutes=5):
        errors["recorded_at"] = ["The date the concern was recorded must be today or in the past"]
    if details.received_at is not None and details.received_at > timezone.now():
        errors["received_at"] = ["The date the concern was received must be in the past"]
    if len(details.agency_record_id) > 64:
        errors["agency_record_id"] = ["The agency's record id must be 64 characters or fewer"]
    if not details.persons:
        errors["persons"] = ["Name at least one person"]
    elif not any(named.role == PersonRole.CHILD for named in details.persons):
        errors["persons"] = ["Name the child the concern is about"]
    for index, named in enumerate(details.persons, start=1):
        if named.role not in _ROLES:
            errors.setdefault("persons", []).append(f"Person {index}: choose their role")
        if (named.person_id is None) == (named.details is None):
            errors.setdefault("persons", []).append(
                f"Person {index}: give either an existing person or their details"
            )
        if named.details is not None and not persons_checked:
            try:
                named.details.validate()
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(f"persons.{index}.{key}", []).extend(messages)
    return errors


def _local_authority(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).first()


# A national identifier alone does not attach a concern to an existing record: the name
# and date of birth must agree too, so that a mistyped or guessed number opens nothing.
NAME_AGREEMENT_THRESHOLD = 80
NATIONAL_SCHEMES = (IdentifierScheme.NHS_NUMBER, IdentifierScheme.UNIQUE_PUPIL_NUMBER)
# How many holders of a national identifier are compared, in name order.
NATIONAL_CANDIDATES = 5


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
            and (_same_person(details, person))
        ):
            return person
    return None


def _find_by_national_identifier(details: PersonDetails) -> Person | None:
    """The one person already recorded, by any agency, with the same NHS number or unique
    pupil number whose name and date of birth also agree (deterministic linkage)."""
    national = Q()
    for scheme, value in national_identifiers(details):
        national |= Q(scheme=scheme, value=value)
    if not national:
        return None
    matches = Identifier.objects.filter(national).values("person_id")
    return national_match(details, Person.objects.filter(pk__in=matches)[:NATIONAL_CANDIDATES])


def _same_person(details: PersonDetails, person: Person) -> bool:
    """Whether ``details`` describe ``person``: the names agree closely and the dates of
    birth do not disagree."""
    if details.date_of_birth and person.date_of_birth not in (None, details.date_of_birth):
        return False
    wanted = fold(f"{details.given_name} {details.family_name}")
    return fuzz.token_sort_ratio(wanted, fold(person.full_name)) >= NAME_AGREEMENT_THRESHOLD


def _resolve_person(
    actor: User,
    named: NamedPerson,
    agency: Agency,
    previously_named: list[tuple[Person, str]] | None = None,
) -> tuple[Person, bool]:
    """The person ``named`` refers to, and whether it was created just now. On a re-sent
    concern, a person named before in the same role is the same person, even without a
    national identifier: re-sending must never duplicate people."""
    if named.details is not None:
        for person, role in previously_named or []:
            if role == named.role and _same_person(named.details, person):
                add_person_details(person, named.details, agency=agency)
                return person, False
    if named.person_id is not None:
        visible = (
            Person.objects.filter(pk=named.person_id).first()
            if may_see_person(actor, named.person_id)
            else None
        )
        if visible is None:
            raise ValidationError({"persons": ["A named person could not be found"]})
        return visible, False
    assert named.details is not None
    held = _find_by_national_identifier(named.details)
    if held is not None:
        add_person_details(held, named.details, agency=agency)
        return held, False
    return register_person(actor=actor, details=named.details, validated=True), True


@dataclass(frozen=True)
class RecordedConcern:
    concern: Concern
    created: bool


def record_concern(*, actor: User, details: ConcernDetails) -> Concern:
    """Record (or, for an agency record id seen before, update) a concern. See save_concern."""
    return save_concern(actor=actor, details=details).concern


def check_may_record(actor: User) -> Agency:
    """The actor's agency; PermissionDenied unless the actor may record concerns."""
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not allow recording concerns")
    return actor.agency


def concern_errors(
    details: ConcernDetails, local_authority: Agency | None, *, persons_checked: bool = False
) -> dict[str, list[str]]:
    """Every problem with ``details``, keyed by field; ``local_authority`` is the active
    authority its code names, if any. See _validate for ``persons_checked``."""
    errors = _validate(details, persons_checked=persons_checked)
    if local_authority is None:
        errors.setdefault("local_authority", []).append(
            "Choose the local authority responsible for the child's area"
        )
    return errors


def apply_concern_details(
    concern: Concern, details: ConcernDetails, local_authority: Agency
) -> None:
    concern.local_authority = local_authority
    concern.recorded_at = details.recorded_at
    concern.category = details.category
    concern.summary = details.summary.strip()


def concern_record_id(details: ConcernDetails) -> str:
    """The agency's record id, or a new one of the Hub's for a concern sent without."""
    return details.agency_record_id.strip() or f"SGH-{uuid.uuid4().hex[:12].upper()}"


def concern_audit_payload(record_id: str, persons: Iterable[Person]) -> dict[str, object]:
    """The payload of a concern's recorded or updated entry: ``persons`` in the order of
    the concern's involvements, a person named in two roles twice."""
    return {"agency_record_id": record_id, "persons": [str(person.pk) for person in persons]}


def save_concern(*, actor: User, details: ConcernDetails) -> RecordedConcern:
    """Record (or, for an agency record id seen before, update) a concern, in one
    transaction with its persons and audit entry. Raises ValidationError listing every
    problem, keyed by field."""
    agency = check_may_record(actor)
    local_authority = _local_authority(details.local_authority_code)
    errors = concern_errors(details, local_authority)
    if errors:
        raise ValidationError(errors)
    assert local_authority is not None
    record_id = concern_record_id(details)
    with transaction.atomic():
        concern = (
            Concern.objects.select_for_update()
            .filter(agency=agency, agency_record_id=record_id)
            .first()
        )
        created = concern is None
        if concern is None:
            concern = Concern(agency=agency, agency_record_id=record_id, recorded_by=actor)
            if details.received_at is not None:
                concern.received_at = details.received_at
        apply_concern_details(concern, details, local_authority)
        if created:
            try:
                # Two agencies' systems may send the same new record at once: the loser
                # of the race updates the winner's concern instead of failing.
                with transaction.atomic():
                    concern.save(force_insert=True)
            except IntegrityError:
                concern = Concern.objects.select_for_update().get(
                    agency=agency, agency_record_id=record_id
                )
                created = False
                apply_concern_details(concern, details, local_authority)
                concern.save()
        else:
            concern.save()
        previously_named: list[tuple[Person, str]] = []
        if not created:
            previously_named = [
                (involvement.person, involvement.role)
                for involvement in concern.involvements.select_related("person")
            ]
            concern.involvements.all().delete()
        persons = []
        for named in details.persons:
            person, created_now = _resolve_person(actor, named, agency, previously_named)
            if not created_now:
                ensure_agency_record(person, agency)
            persons.append((person, named.role))
        ConcernPerson.objects.bulk_create(
            ConcernPerson(concern=concern, person=person, role=role)
            for person, role in dict.fromkeys(persons)
        )
        if created:
            # Every new concern reaches its authority's MASH as a contact to decide.
            from safeguarding.mash.actions import open_contact

            open_contact(concern)
        # Registers that watch every concern: warning notices and the duty to report.
        from safeguarding.reportingduty.alerts import on_concern_recorded as duty_check
        from safeguarding.warningnotices.alerts import on_concern_recorded as notice_check

        notice_check(concern)
        duty_check(concern)
        record(
            AuditVerb.CONCERN_RECORDED if created else AuditVerb.CONCERN_UPDATED,
            actor=actor,
            target_type="concern",
            target_id=concern.pk,
            legal_basis=LEGAL_BASIS,
            payload=concern_audit_payload(
                record_id, [person for person, _ in dict.fromkeys(persons)]
            ),
        )
    return RecordedConcern(concern=concern, created=created)
