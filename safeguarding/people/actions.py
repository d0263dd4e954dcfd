"""Every write to a person's record."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import does_case_work
from safeguarding.people.details import AGENCY_REFERENCE_SCHEMES, PersonDetails
from safeguarding.people.models import AgencyRecord, Person
from safeguarding.people.resolution import PersonResolver, person_created
from safeguarding.writes.unit import WriteRun, Writes, apply

__all__ = [
    "AGENCY_REFERENCE_SCHEMES",
    "PersonDetails",
    "ensure_agency_record",
    "register_person",
    "register_persons",
]


def _require_case_work(actor: User) -> Agency:
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not allow recording personal data")
    return actor.agency


def ensure_agency_record(person: Person, agency: Agency, agency_record_id: str = "") -> None:
    AgencyRecord.objects.get_or_create(
        agency=agency, person=person, defaults={"agency_record_id": agency_record_id}
    )


def register_persons(
    *, actor: User, details: Sequence[PersonDetails], validated: bool = False
) -> list[Person]:
    """Create a person record held by the actor's agency for each of ``details``, in one
    transaction, without matching them to anyone held (see people.resolution for that).
    ``validated`` says the caller has already run ``validate()`` on each in this request."""
    agency = _require_case_work(actor)
    if not validated:
        for item in details:
            item.validate()
    resolver = PersonResolver(actor, agency, WriteRun())
    persons = [resolver.register(item) for item in details]
    writes = Writes()
    resolver.plan(writes)
    for person in persons:
        writes.audit(person_created(actor, person))
    with transaction.atomic(savepoint=False):
        apply(writes)
    return persons


def register_person(
    *, actor: User, details: PersonDetails, agency_record_id: str = "", validated: bool = False
) -> Person:
    """Create one person record held by the actor's agency: a batch of one."""
    (person,) = register_persons(actor=actor, details=[details], validated=validated)
    if agency_record_id:
        AgencyRecord.objects.filter(agency=actor.agency, person=person).update(
            agency_record_id=agency_record_id
        )
    return person
