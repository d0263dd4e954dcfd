"""Rectification (UK GDPR Art 16): correcting a person's name, date of birth or sex,
keeping what was wrong and why it changed. Who may correct: a member of staff who does case
work, or an information governance officer, whose agency holds a record of the person
(through any holding, for the officer: a concern sent to their authority's MASH counts). To
anyone else the person is as if they did not exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import agencies_holding, does_case_work
from safeguarding.access.roles import INFORMATION_GOVERNANCE_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.people.details import search_keys_for
from safeguarding.people.models import (
    AgencyRecord,
    Person,
    PersonCorrection,
    PersonName,
    PersonSearchKey,
    Sex,
)
from safeguarding.people.queries import access_person

REASON_MIN_LENGTH = 10


@dataclass(frozen=True)
class Corrected:
    """The details as they should be; each differing from the record is corrected."""

    given_name: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_is_estimated: bool
    sex: str


def may_correct(user: User, person_id: uuid.UUID | str) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role in INFORMATION_GOVERNANCE_ROLES:
        # An officer corrects for their own agency only, never another's records.
        return user.agency_id is not None and user.agency_id in agencies_holding(person_id)
    return (
        does_case_work(user)
        and user.agency_id is not None
        and AgencyRecord.objects.filter(agency_id=user.agency_id, person_id=person_id).exists()
    )


def person_to_correct(user: User, person_id: uuid.UUID | str) -> Person:
    """The gatekeeper of the correction page: the person, for one who may correct them
    (may_correct), the read audited; Http404 otherwise, as need-to-know answers, so that a
    refusal does not say the record exists. Information governance reads the record for
    their agency without a case-work role."""
    if not may_correct(user, person_id):
        raise Http404
    if user.role not in INFORMATION_GOVERNANCE_ROLES:
        return access_person(user, person_id, purpose="correct person details")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    record(
        AuditVerb.PERSON_VIEWED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
        reason="correct person details",
    )
    return person


def _shown(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value or "")


def correct_person(
    person_id: uuid.UUID | str, *, actor: User, corrected: Corrected, reason: str
) -> list[PersonCorrection]:
    """Correct the details that differ, each with a history row, and recompute the name
    search keys (a wrong name is not a former name: it stops finding the person). The
    audit entry names the fields corrected, never their values."""
    if not may_correct(actor, person_id):
        raise PermissionDenied("Only an agency holding the record, or information governance")
    errors: dict[str, list[str]] = {}
    given, family = corrected.given_name.strip(), corrected.family_name.strip()
    if not given:
        errors["given_name"] = ["Enter the given name"]
    if not family:
        errors["family_name"] = ["Enter the family name"]
    if corrected.date_of_birth is not None and corrected.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = ["The date of birth must be today or in the past"]
    if corrected.sex not in Sex.values:
        errors["sex"] = ["Choose the person's sex"]
    if len(reason.strip()) < REASON_MIN_LENGTH:
        errors["reason"] = [f"Say why in at least {REASON_MIN_LENGTH} characters"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        wanted = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": corrected.date_of_birth,
            "date_of_birth_is_estimated": corrected.date_of_birth_is_estimated,
            "sex": corrected.sex,
        }
        changed = {name: value for name, value in wanted.items() if getattr(person, name) != value}
        if not changed:
            raise ValidationError({"given_name": ["Change at least one detail to correct it"]})
        rows = [
            PersonCorrection(
                person=person,
                field=name,
                was=_shown(getattr(person, name)),
                now=_shown(value),
                reason=reason.strip(),
                corrected_by=actor,
            )
            for name, value in changed.items()
        ]
        PersonCorrection.objects.bulk_create(rows)
        for name, value in changed.items():
            setattr(person, name, value)
        person.save(update_fields=list(changed))
        if {"given_name", "family_name"} & changed.keys():
            others = PersonName.objects.filter(person=person).values_list("name", flat=True)
            PersonSearchKey.objects.filter(person=person).delete()
            PersonSearchKey.objects.bulk_create(
                PersonSearchKey(person=person, key=key)
                for key in sorted(search_keys_for(person, others))
            )
        record(
            AuditVerb.PERSON_CORRECTED,
            actor=actor,
            target_type=TargetType.PERSON,
            target_id=person.pk,
            payload={"fields": sorted(changed)},
        )
    return rows
