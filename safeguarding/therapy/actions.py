"""Every write about therapy waits: a referral, which starts the waiting-time clock, and the
start of therapy, which meets it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.policy import does_case_work, may_see_person
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import meet_clock, start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.notifications.actions import notify_users
from safeguarding.people.actions import ensure_agency_record
from safeguarding.people.models import Person, PersonKind
from safeguarding.therapy.models import ServiceType, TherapyReferral
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_sent

PROVIDER_KINDS = frozenset({AgencyKind.NHS_BODY, AgencyKind.VOLUNTARY_ORGANISATION})
# Provider staff who run a waiting list and record when therapy starts.
PROVIDER_ROLES = frozenset(
    {Role.PRACTITIONER, Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD}
)
NOTES_MAX_LENGTH = 2000


def is_provider(agency: Agency | None) -> bool:
    return agency is not None and agency.kind in PROVIDER_KINDS and agency.is_active


def is_provider_staff(user: User) -> bool:
    return does_case_work(user) and user.role in PROVIDER_ROLES and is_provider(user.agency)


@dataclass
class ReferralDetails:
    person_id: uuid.UUID
    provider: Agency
    service_type: str
    authority: Agency
    referred_on: date
    notes: str = ""


def _referral_errors(details: ReferralDetails, person: Person) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if person.kind != PersonKind.CHILD:
        errors["person"] = ["Therapy waits are recorded for children only"]
    if not is_provider(details.provider):
        errors["provider"] = ["Choose an NHS body or voluntary organisation that provides therapy"]
    if details.service_type not in ServiceType.values:
        errors["service_type"] = ["Choose the service the child is referred to"]
    if not (details.authority.is_local_authority and details.authority.is_active):
        errors["authority"] = ["Choose the local authority for the child's home area"]
    if details.referred_on > timezone.localdate():
        errors["referred_on"] = ["The date of the referral must be today or in the past"]
    if len(details.notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"]
    return errors


def refer_for_therapy(*, actor: User, details: ReferralDetails) -> TherapyReferral:
    """Refer a child the actor may see to a provider. Starts the THERAPY_WAIT clock (the
    authority's own limit, or 4 weeks) and gives the provider a record of the child, so
    that its staff see the child through the usual need-to-know rules."""
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not allow referring children for therapy")
    person = (
        Person.objects.filter(pk=details.person_id).first()
        if may_see_person(actor, details.person_id)
        else None
    )
    if person is None:
        raise ValidationError({"person": ["The child could not be found"]})
    errors = _referral_errors(details, person)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = TherapyReferral(
            person=person,
            provider=details.provider,
            service_type=details.service_type,
            authority=details.authority,
            referred_on=details.referred_on,
            referred_by=actor,
            referring_agency=actor.agency,
            notes=details.notes.strip(),
        )
        referral.clock = start_clock(
            clock_type=ClockType.THERAPY_WAIT,
            authority=details.authority,
            subject=referral.subject,
            started_on=details.referred_on,
            accountable=actor,
            person=person,
            actor=actor,
        )
        referral.save(force_insert=True)
        ensure_agency_record(person, details.provider)
        record(
            AuditVerb.THERAPY_REFERRAL_RECORDED,
            actor=actor,
            target_type=TargetType.THERAPY_REFERRAL,
            target_id=referral.pk,
            legal_basis=LegalBasis.HEALTH_CARE,
            payload={
                "person": str(person.pk),
                "provider": details.provider.code,
                "service_type": details.service_type,
                "authority": details.authority.code,
                "due_on": referral.clock.due_on.isoformat(),
            },
        )
        record_sent(
            "therapy-referral",
            [Sent(referral.pk, details.provider.pk, actor.agency_id)],
            actor=actor,
        )
        notify_users(
            User.objects.filter(
                agency=details.provider, role__in=PROVIDER_ROLES, is_active=True
            ).exclude(pk=actor.pk),
            subject="A child has been referred for therapy",
            body=f"{actor.agency.name} referred a child for "
            f"{referral.get_service_type_display().lower()}. The wait is measured from "
            f"{details.referred_on:%-d %B %Y}; therapy is due to start by "
            f"{referral.clock.due_on:%-d %B %Y}.",
            link=f"/therapy/referrals/{referral.pk}/",
        )
    return referral


def record_therapy_start(
    *, actor: User, referral: TherapyReferral, started_on: date
) -> TherapyReferral:
    """The provider records the first therapy session; the wait's clock is met that day
    (met late when after the limit, which the taskforce's figures count as a breach)."""
    if not is_provider_staff(actor) or actor.agency_id != referral.provider_id:
        raise PermissionDenied("Only the provider's staff can record that therapy started")
    errors: dict[str, list[str]] = {}
    if referral.started_on is not None:
        errors["started_on"] = ["Therapy has already started for this referral"]
    elif started_on < referral.referred_on:
        errors["started_on"] = ["Therapy cannot start before the child was referred"]
    elif started_on > timezone.localdate():
        errors["started_on"] = ["The date therapy started must be today or in the past"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = TherapyReferral.objects.filter(pk=referral.pk, started_on__isnull=True).update(
            started_on=started_on, start_recorded_by=actor
        )
        if not updated:
            raise ValidationError({"started_on": ["Therapy has already started for this referral"]})
        referral.started_on, referral.start_recorded_by = started_on, actor
        meet_clock(clock=referral.clock, met_on=started_on, actor=actor)
        record_acted(
            "therapy-referral",
            [Acted(referral.pk, f"Therapy started on {started_on:%-d %B %Y}")],
            actor=actor,
        )
        record(
            AuditVerb.THERAPY_STARTED,
            actor=actor,
            target_type=TargetType.THERAPY_REFERRAL,
            target_id=referral.pk,
            legal_basis=LegalBasis.HEALTH_CARE,
            payload={
                "started_on": started_on.isoformat(),
                "days_waited": referral.days_waited(),
                "late": started_on > referral.clock.due_on,
            },
        )
    return referral
