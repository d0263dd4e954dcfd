"""Every write to the register of child abduction warning notices: issuing a notice, copies
given, breaches, reviews and the end of a notice."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import AgencyKind, CaseRole, User
from safeguarding.access.policy import does_case_work, may_see_person, visible_person_condition
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import meet_clock, start_clock, stop_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.notifications.actions import notify_users
from safeguarding.people.actions import PersonDetails, ensure_agency_record, register_person
from safeguarding.people.models import AgencyRecord, Person, PersonKind
from safeguarding.warningnotices.models import (
    AGE_LIMITS,
    EndReason,
    NoticeBreach,
    NoticeChild,
    NoticeCopy,
    NoticeKind,
    WarningNotice,
    WithheldBy,
    birthday,
)

ADULT_AGE = 18
TEXT_MAX_LENGTH = 5000


def is_police(user: User) -> bool:
    """Police staff of any force: every force sees the whole register."""
    return (
        does_case_work(user)
        and user.agency is not None
        and user.agency.kind == AgencyKind.POLICE_FORCE
    )


def _require_police(actor: User) -> None:
    if not is_police(actor):
        raise PermissionDenied("Only police staff can do this")


def _require_issuing_force(actor: User, notice: WarningNotice) -> None:
    if not is_police(actor) or actor.agency_id != notice.issuing_force_id:
        raise PermissionDenied("Only the force that issued the notice can do this")


def police_analysts(force_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(
        agency_id__in=list(force_ids), role=Role.POLICE_ANALYST, is_active=True
    )


def social_workers_of(child_ids: Iterable[uuid.UUID]) -> QuerySet[User]:
    """Those who work with the children: holders of an open role on a child's case, and the
    team managers of each local authority holding a record on a child."""
    ids = list(child_ids)
    case_roles = CaseRole.objects.filter(
        user=OuterRef("pk"), person_id__in=ids, ended_at__isnull=True
    )
    authorities = AgencyRecord.objects.filter(
        person_id__in=ids, agency__kind=AgencyKind.LOCAL_AUTHORITY
    ).values("agency_id")
    return User.objects.filter(is_active=True).filter(
        Q(Exists(case_roles)) | Q(agency_id__in=authorities, role=Role.TEAM_MANAGER)
    )


@dataclass
class NamedPerson:
    """The adult or a child named in a notice: a record the actor can see, or details of a
    person to find among those records or to record."""

    person_id: uuid.UUID | None = None
    details: PersonDetails | None = None


@dataclass
class NoticeDetails:
    kind: str
    adult: NamedPerson
    children: list[NamedPerson]
    served_on: date
    serving_officer: str
    withheld_by: str
    conditions: str
    withheld_by_details: str = ""
    copies: list[tuple[str, date]] = field(default_factory=list)  # (sent to, sent on)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class _Resolved:
    """A named person: an existing record, or validated details to record."""

    person: Person | None
    details: PersonDetails | None
    kind: str
    date_of_birth: date | None
    name: str

    @classmethod
    def record(cls, person: Person) -> _Resolved:
        return cls(person, None, person.kind, person.date_of_birth, person.full_name)

    @classmethod
    def new(cls, details: PersonDetails) -> _Resolved:
        name = f"{details.given_name} {details.family_name}".strip()
        return cls(None, details, details.kind, details.date_of_birth, name)

    def age_on(self, day: date) -> int | None:
        return None if self.date_of_birth is None else age_on(self.date_of_birth, day)


def _resolve(
    actor: User, named: NamedPerson, key: str, errors: dict[str, list[str]]
) -> _Resolved | None:
    if named.person_id is not None:
        person = (
            Person.objects.filter(pk=named.person_id).first()
            if may_see_person(actor, named.person_id)
            else None
        )
        if person is None:
            errors.setdefault(key, []).append("That person could not be found")
            return None
        return _Resolved.record(person)
    if named.details is None:
        errors.setdefault(key, []).append("Give the person's details")
        return None
    try:
        named.details.validate()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.setdefault(f"{key}.{field_name}", []).extend(messages)
        return None
    details = named.details
    # A record the force can already see, with the same name and date of birth, is used
    # rather than a duplicate.
    known = None
    if details.date_of_birth is not None:
        known = Person.objects.filter(
            visible_person_condition(actor),
            kind=details.kind,
            date_of_birth=details.date_of_birth,
            given_name__iexact=details.given_name.strip(),
            family_name__iexact=details.family_name.strip(),
        ).first()
    return _Resolved.record(known) if known is not None else _Resolved.new(details)


def _check_adult(adult: _Resolved, served_on: date, errors: dict[str, list[str]]) -> None:
    if adult.kind != PersonKind.ADULT:
        errors.setdefault("adult", []).append("The person served must be an adult")
        return
    age = adult.age_on(served_on)
    if age is not None and age < ADULT_AGE:
        errors.setdefault("adult", []).append(
            f"{adult.name} was under {ADULT_AGE} on the date served: a notice is served on an adult"
        )


def _check_child(
    child: _Resolved, kind: str, served_on: date, key: str, errors: dict[str, list[str]]
) -> None:
    """The child must be under the kind's age limit on the day the notice is served."""
    if child.kind != PersonKind.CHILD:
        errors.setdefault(key, []).append(f"{child.name} is recorded as an adult, not a child")
        return
    born = child.date_of_birth
    if born is None:
        errors.setdefault(key, []).append(
            f"Record {child.name}'s date of birth: the notice covers a child only until a set age"
        )
        return
    if born > served_on:
        errors.setdefault(key, []).append(
            f"{child.name} was born after the date served: check the dates"
        )
        return
    limit = AGE_LIMITS.get(kind)
    age = child.age_on(served_on)
    if limit is not None and age is not None and age >= limit:
        errors.setdefault(key, []).append(
            f"{child.name} was {age} on the date served: this kind of notice covers "
            f"children under {limit}"
        )


def _notice_errors(details: NoticeDetails) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if details.kind not in NoticeKind.values:
        errors["kind"] = ["Choose the kind of notice"]
    if details.served_on is None:
        errors["served_on"] = ["Enter the date the notice was served"]
    elif details.served_on > today:
        errors["served_on"] = ["The date served must be today or in the past"]
    if not details.serving_officer.strip():
        errors["serving_officer"] = ["Enter the serving officer's name and number"]
    elif len(details.serving_officer) > 200:
        errors["serving_officer"] = ["The serving officer must be 200 characters or fewer"]
    if details.withheld_by not in WithheldBy.values:
        errors["withheld_by"] = ["Choose who has not given permission"]
    if len(details.withheld_by_details) > 200:
        errors["withheld_by_details"] = ["Who withheld permission must be 200 characters or fewer"]
    if not details.conditions.strip():
        errors["conditions"] = ["Enter what the notice tells the adult not to do"]
    elif len(details.conditions) > TEXT_MAX_LENGTH:
        errors["conditions"] = [f"Conditions must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if not details.children:
        errors["children"] = ["Name at least one child"]
    for sent_to, sent_on in details.copies:
        if not sent_to.strip() or len(sent_to) > 200:
            errors.setdefault("copies", []).append("Enter who each copy was given to")
        elif details.served_on and not details.served_on <= sent_on <= today:
            errors.setdefault("copies", []).append(
                "A copy must be given on or after the date served, and not in the future"
            )
    return errors


def _person_for(actor: User, resolved: _Resolved) -> Person:
    """The record for a resolved person, recorded now if new; the force holds it either way."""
    assert actor.agency is not None
    if resolved.person is None:
        assert resolved.details is not None
        return register_person(actor=actor, details=resolved.details, validated=True)
    ensure_agency_record(resolved.person, actor.agency)
    return resolved.person


def issue_notice(*, actor: User, details: NoticeDetails) -> WarningNotice:
    """Record a notice served by the actor's force. Each named child is covered until their
    16th or 18th birthday (by kind); the notice expires when the last of them is, unless
    revoked first. The review clock starts on the day served (6 months by default)."""
    _require_police(actor)
    assert actor.agency is not None
    errors = _notice_errors(details)
    adult = _resolve(actor, details.adult, "adult", errors)
    children = [
        _resolve(actor, named, f"children.{index}", errors)
        for index, named in enumerate(details.children, start=1)
    ]
    if details.served_on is not None and details.served_on <= timezone.localdate():
        if adult is not None:
            _check_adult(adult, details.served_on, errors)
        for index, child in enumerate(children, start=1):
            if child is not None:
                _check_child(child, details.kind, details.served_on, f"children.{index}", errors)
    existing = [child.person.pk for child in children if child and child.person]
    described = [
        (child.name.casefold(), child.date_of_birth)
        for child in children
        if child is not None and child.person is None
    ]
    if len(existing) != len(set(existing)) or len(described) != len(set(described)):
        errors.setdefault("children", []).append("Name each child once")
    if adult is not None and adult.person is not None and adult.person.pk in existing:
        errors.setdefault("children", []).append("The adult served cannot also be a named child")
    if errors:
        raise ValidationError(errors)
    assert adult is not None
    limit = AGE_LIMITS[details.kind]
    with transaction.atomic():
        adult_person = _person_for(actor, adult)
        child_persons = [_person_for(actor, child) for child in children if child is not None]
        covered: dict[uuid.UUID, date] = {}
        for person in child_persons:
            assert person.date_of_birth is not None  # _check_child refuses a child without one
            covered[person.pk] = birthday(person.date_of_birth, limit)
        notice = WarningNotice(
            kind=details.kind,
            adult=adult_person,
            adult_date_of_birth=adult_person.date_of_birth,
            issuing_force=actor.agency,
            serving_officer=details.serving_officer.strip(),
            served_on=details.served_on,
            withheld_by=details.withheld_by,
            withheld_by_details=details.withheld_by_details.strip(),
            conditions=details.conditions.strip(),
            recorded_by=actor,
            expires_on=max(covered.values()),
        )
        notice.review_clock = start_clock(
            clock_type=ClockType.WARNING_NOTICE_REVIEW,
            authority=actor.agency,
            subject=notice.subject,
            started_on=details.served_on,
            accountable=actor,
            actor=actor,
        )
        notice.save(force_insert=True)
        NoticeChild.objects.bulk_create(
            NoticeChild(notice=notice, child=person, covered_until=covered[person.pk])
            for person in child_persons
        )
        NoticeCopy.objects.bulk_create(
            NoticeCopy(notice=notice, sent_to=sent_to.strip(), sent_on=sent_on, recorded_by=actor)
            for sent_to, sent_on in details.copies
        )
        record(
            AuditVerb.WARNING_NOTICE_ISSUED,
            actor=actor,
            target_type=TargetType.WARNING_NOTICE,
            target_id=notice.pk,
            legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
            payload={
                "kind": details.kind,
                "adult": str(adult_person.pk),
                "children": [str(person.pk) for person in child_persons],
                "served_on": details.served_on.isoformat(),
                "expires_on": notice.expires_on.isoformat(),
                "copies": len(details.copies),
            },
        )
        notify_users(
            social_workers_of(covered).exclude(pk=actor.pk),
            subject="A child abduction warning notice names a child you work with",
            body=f"{actor.agency.name} served a child abduction warning notice on "
            f"{details.served_on:%-d %B %Y} naming a child you work with. Open the notice "
            "to see who was served and what it says.",
            link=f"/warning-notices/{notice.pk}/",
        )
    return notice


def record_copy_given(
    *, actor: User, notice: WarningNotice, sent_to: str, sent_on: date
) -> NoticeCopy:
    """A copy of the notice given to someone after it was served. Giving copies is part of
    issuing a notice, so it is audited as issuing, with the copy in the payload."""
    _require_issuing_force(actor, notice)
    errors: dict[str, list[str]] = {}
    if not sent_to.strip():
        errors["sent_to"] = ["Enter who the copy was given to"]
    elif len(sent_to) > 200:
        errors["sent_to"] = ["Who the copy was given to must be 200 characters or fewer"]
    if not notice.served_on <= sent_on <= timezone.localdate():
        errors["sent_on"] = [
            "The copy must be given on or after the date served, and not in the future"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        copy = NoticeCopy.objects.create(
            notice=notice, sent_to=sent_to.strip(), sent_on=sent_on, recorded_by=actor
        )
        record(
            AuditVerb.WARNING_NOTICE_ISSUED,
            actor=actor,
            target_type=TargetType.WARNING_NOTICE,
            target_id=notice.pk,
            legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
            payload={"copy": copy.pk, "sent_to": copy.sent_to, "sent_on": sent_on.isoformat()},
        )
    return copy


@dataclass
class BreachDetails:
    occurred_on: date
    place: str
    details: str
    supports_sexual_risk_order: bool = False


def record_breach(*, actor: User, notice: WarningNotice, breach: BreachDetails) -> NoticeBreach:
    """Any force records a breach it finds; the issuing force and the children's social
    workers are told."""
    _require_police(actor)
    assert actor.agency is not None
    errors: dict[str, list[str]] = {}
    day = breach.occurred_on
    end = min(notice.expires_on, notice.ended_on or notice.expires_on)
    if day > timezone.localdate():
        errors["occurred_on"] = ["The date of the breach must be today or in the past"]
    elif not notice.served_on <= day < end:
        errors["occurred_on"] = [
            f"The notice was in force from {notice.served_on:%-d %B %Y} until "
            f"{end:%-d %B %Y}: a breach must fall in that time"
        ]
    if not breach.place.strip():
        errors["place"] = ["Enter where it happened"]
    elif len(breach.place) > 200:
        errors["place"] = ["Where it happened must be 200 characters or fewer"]
    if not breach.details.strip():
        errors["details"] = ["Enter what happened"]
    elif len(breach.details) > TEXT_MAX_LENGTH:
        errors["details"] = [f"What happened must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = NoticeBreach.objects.create(
            notice=notice,
            occurred_on=day,
            place=breach.place.strip(),
            details=breach.details.strip(),
            supports_sexual_risk_order=breach.supports_sexual_risk_order,
            recorded_by=actor,
            recording_force=actor.agency,
        )
        record(
            AuditVerb.WARNING_NOTICE_BREACHED,
            actor=actor,
            target_type=TargetType.WARNING_NOTICE,
            target_id=notice.pk,
            legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
            payload={
                "breach": str(row.pk),
                "occurred_on": day.isoformat(),
                "supports_sexual_risk_order": breach.supports_sexual_risk_order,
            },
        )
        covered = notice.children.filter(covered_until__gt=day).values_list("child_id", flat=True)
        recipients = police_analysts([notice.issuing_force_id]) | social_workers_of(covered)
        notify_users(
            recipients.exclude(pk=actor.pk).distinct(),
            subject="A child abduction warning notice was breached",
            body=f"{actor.agency.name} recorded a breach on {day:%-d %B %Y} of a child "
            "abduction warning notice"
            + (
                ", which can support an application for a sexual risk order."
                if breach.supports_sexual_risk_order
                else "."
            ),
            link=f"/warning-notices/{notice.pk}/",
        )
    return row


def review_notice(*, actor: User, notice: WarningNotice, reviewed_on: date) -> WarningNotice:
    """The issuing force reviews a notice in force and keeps it: the review clock is met and
    the next review's clock starts. A review that ends the notice uses end_notice."""
    _require_issuing_force(actor, notice)
    earliest = notice.last_reviewed_on or notice.served_on
    if not notice.is_in_force():
        raise ValidationError({"reviewed_on": ["The notice is no longer in force"]})
    if not earliest <= reviewed_on <= timezone.localdate():
        raise ValidationError(
            {
                "reviewed_on": [
                    f"The review must be on or after {earliest:%-d %B %Y}, and not in the future"
                ]
            }
        )
    with transaction.atomic():
        if notice.review_clock is not None:
            meet_clock(clock=notice.review_clock, met_on=reviewed_on, actor=actor)
        notice.review_clock = start_clock(
            clock_type=ClockType.WARNING_NOTICE_REVIEW,
            authority=notice.issuing_force,
            subject=notice.subject,
            started_on=reviewed_on,
            accountable=actor,
            actor=actor,
        )
        notice.last_reviewed_on = reviewed_on
        WarningNotice.objects.filter(pk=notice.pk).update(
            review_clock=notice.review_clock, last_reviewed_on=reviewed_on
        )
    return notice


def end_notice(*, actor: User, notice: WarningNotice, ended_on: date, reason: str) -> WarningNotice:
    """The issuing force revokes a notice before its children reach the age limit."""
    _require_issuing_force(actor, notice)
    errors: dict[str, list[str]] = {}
    if not notice.is_in_force():
        errors["ended_on"] = ["The notice is no longer in force"]
    elif not notice.served_on <= ended_on <= timezone.localdate():
        errors["ended_on"] = [
            "The notice must end on or after the date served, and not in the future"
        ]
    if not reason.strip():
        errors["reason"] = ["Enter why the notice is revoked"]
    elif len(reason) > TEXT_MAX_LENGTH:
        errors["reason"] = [f"The reason must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _close(notice, ended_on, EndReason.REVOKED, reason.strip(), actor)
    return notice


def _close(
    notice: WarningNotice, ended_on: date, end_reason: str, details: str, actor: User | None
) -> bool:
    """End a notice still open; False if another request or worker ended it first."""
    closed = WarningNotice.objects.filter(pk=notice.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=end_reason, end_details=details, ended_by=actor
    )
    if not closed:
        return False
    notice.ended_on, notice.end_reason = ended_on, end_reason
    notice.end_details, notice.ended_by = details, actor
    if notice.review_clock is not None:
        stop_clock(
            clock=notice.review_clock, on=ended_on, actor=actor, reason="Warning notice ended"
        )
    record(
        AuditVerb.WARNING_NOTICE_ENDED,
        actor=actor,
        target_type=TargetType.WARNING_NOTICE,
        target_id=notice.pk,
        reason=details,
        legal_basis=LegalBasis.CHILD_ABDUCTION_WARNING,
        payload={"ended_on": ended_on.isoformat(), "end_reason": end_reason},
    )
    return True


def expire_notices(today: date | None = None) -> int:
    """Close every notice whose last named child has reached the age limit, and stop its
    review clock. Idempotent; run it daily with the other scheduled work."""
    today = today or timezone.localdate()
    expired = list(
        WarningNotice.objects.filter(ended_on__isnull=True, expires_on__lte=today).select_related(
            "review_clock"
        )
    )
    closed = 0
    for notice in expired:
        with transaction.atomic():
            closed += _close(notice, notice.expires_on, EndReason.AGE_REACHED, "", None)
    return closed
