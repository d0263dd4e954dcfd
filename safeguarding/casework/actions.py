"""Recording structured case work: an episode from referral to closure, in census codes.

One write path for the web form, the API and the demo: ``save_episodes`` takes whole
episodes (a new one, or a new version of one already held, which replaces it) and the
child's characteristics, checks them all, then writes them as one batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, BreakGlassGrant, User
from safeguarding.access.policy import break_glass_only, does_case_work
from safeguarding.audit.chain import PendingEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.casework.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    ConferenceOutcome,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Section47Outcome,
)
from safeguarding.casework.models import (
    Assessment,
    ChildProfile,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
)
from safeguarding.people.models import Person
from safeguarding.people.queries import people_to_access, person_viewed
from safeguarding.writes.rows import in_chunks
from safeguarding.writes.unit import Writes, apply

WISHES_MAX_LENGTH = 10_000


@dataclass
class AssessmentDetails:
    started_on: date
    authorised_on: date | None = None
    factors: list[str] = field(default_factory=list)
    child_seen: bool = False
    seen_alone: bool = False
    wishes_and_feelings: str = ""
    event_id: uuid.UUID | None = None


@dataclass
class CinPlanDetails:
    started_on: date
    ended_on: date | None = None


@dataclass
class Section47Details:
    started_on: date
    outcome: str = ""
    conference_target: date | None = None
    conference_date: date | None = None
    conference_outcome: str = ""
    event_id: uuid.UUID | None = None


@dataclass
class ProtectionPlanDetails:
    started_on: date
    initial_category: str
    latest_category: str = ""
    ended_on: date | None = None
    review_dates: list[date] = field(default_factory=list)


@dataclass
class EpisodeDetails:
    """One referral and what followed it. ``episode_id`` names an episode already held
    to record a new version of it; None records a new one."""

    person_id: uuid.UUID | str
    referral_date: date
    referral_source: str
    primary_need: str
    no_further_action: bool = False
    closure_date: date | None = None
    closure_reason: str = ""
    assessments: list[AssessmentDetails] = field(default_factory=list)
    cin_plans: list[CinPlanDetails] = field(default_factory=list)
    enquiries: list[Section47Details] = field(default_factory=list)
    protection_plans: list[ProtectionPlanDetails] = field(default_factory=list)
    episode_id: uuid.UUID | None = None


@dataclass
class Characteristics:
    person_id: uuid.UUID | str
    ethnicity: str
    disabilities: list[str]


def _codes(choices: type[models.TextChoices], values: Sequence[str]) -> bool:
    return all(value in choices.values for value in values)


def episode_errors(details: EpisodeDetails, today: date) -> dict[str, list[str]]:
    """Every problem with one episode, keyed by field (``assessments.1.factors``, counting
    from 1), so that a form can show each beside its field."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    referral = details.referral_date
    if referral > today:
        add("referral_date", "The referral date must be today or in the past")
    if details.referral_source not in ReferralSource.values:
        add("referral_source", "Choose who made the referral")
    if details.primary_need not in PrimaryNeed.values:
        add("primary_need", "Choose the child's primary need")
    elif details.primary_need == PrimaryNeed.NOT_STATED and not details.no_further_action:
        add(
            "primary_need",
            "Choose a primary need: N0 is only for a referral with no further action",
        )
    if details.no_further_action and (
        details.assessments or details.cin_plans or details.enquiries or details.protection_plans
    ):
        add(
            "no_further_action",
            "A referral with no further action has no assessment, plan or enquiry",
        )
    if details.closure_date is not None:
        if details.closure_date < referral:
            add("closure_date", "The case cannot close before the referral date")
        if details.closure_date > today:
            add("closure_date", "The closure date must be today or in the past")
        if details.closure_reason not in ReasonForClosure.values:
            add("closure_reason", "Choose the reason the case closed")
    elif details.closure_reason:
        add("closure_date", "Enter the date the case closed, or leave the reason empty")
    end = details.closure_date or today

    def dated(key: str, start: date, stop: date | None, what: str) -> None:
        if start < referral:
            add(f"{key}.started_on", f"The {what} cannot start before the referral date")
        if start > end:
            add(f"{key}.started_on", f"The {what} must start before the case closed or today")
        if stop is not None and stop < start:
            add(f"{key}.ended_on", f"The {what} cannot end before it started")
        if stop is not None and stop > end:
            add(f"{key}.ended_on", f"The {what} must end before the case closed or today")
        if details.closure_date is not None and stop is None:
            add(f"{key}.ended_on", f"Enter when the {what} ended: the case is closed")

    for number, assessment in enumerate(details.assessments, start=1):
        key = f"assessments.{number}"
        dated(key, assessment.started_on, assessment.authorised_on, "assessment")
        if details.closure_date is not None and assessment.authorised_on is None:
            errors.pop(f"{key}.ended_on", None)
            add(
                f"{key}.authorised_on",
                "Enter when the assessment was authorised: the case is closed",
            )
        if not _codes(AssessmentFactor, assessment.factors):
            add(f"{key}.factors", "Choose factors from the list")
        if len(set(assessment.factors)) != len(assessment.factors):
            add(f"{key}.factors", "Choose each factor once")
        if AssessmentFactor.NO_FACTORS in assessment.factors and len(assessment.factors) > 1:
            add(f"{key}.factors", "'No factors identified' cannot be chosen with other factors")
        if assessment.authorised_on is not None:
            if not assessment.factors:
                add(f"{key}.factors", "Choose the factors the assessment identified")
            # The child's voice: a completed assessment says what the child wants and feels.
            if not assessment.wishes_and_feelings.strip():
                add(f"{key}.wishes_and_feelings", "Record the child's wishes and feelings")
        elif assessment.factors:
            add(f"{key}.factors", "Factors are recorded when the assessment is authorised")
        if assessment.seen_alone and not assessment.child_seen:
            add(f"{key}.seen_alone", "A child seen alone was seen: tick both")
        if len(assessment.wishes_and_feelings) > WISHES_MAX_LENGTH:
            add(f"{key}.wishes_and_feelings", f"Use {WISHES_MAX_LENGTH:,} characters or fewer")
    for number, plan in enumerate(details.cin_plans, start=1):
        dated(f"cin_plans.{number}", plan.started_on, plan.ended_on, "child in need plan")
    for number, enquiry in enumerate(details.enquiries, start=1):
        key = f"enquiries.{number}"
        dated(key, enquiry.started_on, None, "section 47 enquiry")
        errors.pop(f"{key}.ended_on", None)
        if enquiry.outcome and enquiry.outcome not in Section47Outcome.values:
            add(f"{key}.outcome", "Choose the outcome of the enquiry")
        if details.closure_date is not None and not enquiry.outcome:
            add(f"{key}.outcome", "Record the outcome of the enquiry: the case is closed")
        if enquiry.conference_date is not None:
            if enquiry.outcome != Section47Outcome.CONFERENCE:
                add(
                    f"{key}.conference_date",
                    "A conference follows an enquiry whose outcome is a conference",
                )
            if enquiry.conference_date < enquiry.started_on:
                add(f"{key}.conference_date", "The conference cannot be before the enquiry started")
            if enquiry.conference_date > end:
                add(
                    f"{key}.conference_date",
                    "The conference must be before the case closed or today",
                )
            if enquiry.conference_date.weekday() >= 5:
                add(f"{key}.conference_date", "A conference is held on a weekday")
            if enquiry.conference_outcome not in ConferenceOutcome.values:
                add(f"{key}.conference_outcome", "Choose the outcome of the conference")
        elif enquiry.conference_outcome:
            add(f"{key}.conference_date", "Enter the date of the conference")
        if (
            details.closure_date is not None
            and enquiry.outcome == Section47Outcome.CONFERENCE
            and enquiry.conference_date is None
        ):
            add(f"{key}.conference_date", "Enter the date of the conference: the case is closed")
    conference_plans = {
        e.conference_date
        for e in details.enquiries
        if e.conference_outcome == ConferenceOutcome.PLAN
    }
    for number, cpp in enumerate(details.protection_plans, start=1):
        key = f"protection_plans.{number}"
        dated(key, cpp.started_on, cpp.ended_on, "child protection plan")
        if cpp.started_on not in conference_plans:
            add(f"{key}.started_on", "A plan starts on the day of the conference that decided it")
        if cpp.ended_on is not None and cpp.ended_on == cpp.started_on:
            add(f"{key}.ended_on", "A plan cannot end on the day it started")
        if cpp.initial_category not in CategoryOfAbuse.values:
            add(f"{key}.initial_category", "Choose the initial category of abuse")
        if cpp.latest_category and cpp.latest_category not in CategoryOfAbuse.values:
            add(f"{key}.latest_category", "Choose the latest category of abuse")
        for review in cpp.review_dates:
            if review <= cpp.started_on or (cpp.ended_on is not None and review > cpp.ended_on):
                add(
                    f"{key}.review_dates",
                    "Reviews are held after the plan started and before it ended",
                )
    _overlaps(details, add)
    return errors


def _overlaps(details: EpisodeDetails, add: Callable[[str, str], None]) -> None:
    """A child has one plan at a time: no two plans of either kind overlap."""
    far = date.max
    spans = [
        ("cin_plans", n, p.started_on, p.ended_on or far)
        for n, p in enumerate(details.cin_plans, start=1)
    ] + [
        ("protection_plans", n, p.started_on, p.ended_on or far)
        for n, p in enumerate(details.protection_plans, start=1)
    ]
    spans.sort(key=lambda span: span[2])
    for before, after in pairwise(spans):
        # A child in need plan may end the day a protection plan starts, and the reverse.
        if after[2] < before[3]:
            add(
                f"{after[0]}.{after[1]}.started_on",
                "Plans cannot overlap: end the earlier plan first",
            )


def characteristics_errors(details: Characteristics) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if details.ethnicity not in Ethnicity.values:
        errors["ethnicity"] = ["Choose the child's ethnicity"]
    if not details.disabilities:
        errors["disabilities"] = ["Choose the child's disabilities, or 'No disability'"]
    elif not _codes(Disability, details.disabilities):
        errors["disabilities"] = ["Choose disabilities from the list"]
    elif Disability.NONE in details.disabilities and len(details.disabilities) > 1:
        errors["disabilities"] = ["'No disability' cannot be chosen with a disability"]
    elif len(set(details.disabilities)) != len(details.disabilities):
        errors["disabilities"] = ["Choose each disability once"]
    return errors


def _authority(actor: User) -> Agency:
    if not does_case_work(actor) or actor.agency is None:
        raise PermissionDenied("Your role does not record case work")
    if actor.agency.kind != AgencyKind.LOCAL_AUTHORITY:
        raise PermissionDenied("Only a local authority's staff record case work")
    return actor.agency


def la_child_id(person_id: uuid.UUID) -> str:
    """A stable census id for a child: alphanumeric, 20 characters, and not their name."""
    return person_id.hex[:20].upper()


def save_episodes(
    *,
    actor: User,
    episodes: Sequence[EpisodeDetails] = (),
    characteristics: Sequence[Characteristics] = (),
) -> list[Episode]:
    """Record episodes and children's characteristics for the actor's local authority, as
    one batch: every item is checked before any is written, and all problems of the first
    item that fails are raised together (keyed ``episodes.<n>.<field>`` or
    ``characteristics.<n>.<field>``, counting from 1)."""
    authority = _authority(actor)
    people = people_to_access(
        actor, [e.person_id for e in episodes] + [c.person_id for c in characteristics]
    )
    # Break-glass access reads and never writes: case work needs a record of the child.
    granted = {
        person_id
        for chunk in in_chunks(list(people))
        for person_id in BreakGlassGrant.objects.filter(
            user=actor, person_id__in=chunk, expires_at__gt=timezone.now()
        ).values_list("person_id", flat=True)
    }
    for person_id in granted:
        if break_glass_only(actor, person_id) is not None:
            raise PermissionDenied(
                "You see this child through break-glass access, which is read-only: "
                "case work is recorded by an authority that holds the child's record"
            )
    today = timezone.localdate()
    for number, details in enumerate(episodes, start=1):
        errors = episode_errors(details, today)
        if errors:
            raise ValidationError({f"episodes.{number}.{k}": v for k, v in errors.items()})
    for number, chars in enumerate(characteristics, start=1):
        errors = characteristics_errors(chars)
        if errors:
            raise ValidationError({f"characteristics.{number}.{k}": v for k, v in errors.items()})
    purpose = "record case work"
    with transaction.atomic():
        replaced = [e.episode_id for e in episodes if e.episode_id is not None]
        held: dict[uuid.UUID, Episode] = {}
        for chunk in in_chunks(replaced):
            held.update(
                (episode.pk, episode)
                for episode in Episode.objects.select_for_update().filter(
                    pk__in=chunk, authority=authority
                )
            )
        for number, details in enumerate(episodes, start=1):
            if details.episode_id is not None:
                episode = held.get(details.episode_id)
                if episode is None or episode.person_id != uuid.UUID(str(details.person_id)):
                    raise ValidationError({f"episodes.{number}.episode_id": ["No such episode"]})
        writes = Writes()
        if held:
            # A new version replaces the old one whole: its parts go, and come back as sent.
            ids = list(held)
            writes.first(lambda: Episode.objects.filter(pk__in=ids).delete())
        saved = _plan_episodes(actor, authority, episodes, people, writes, purpose)
        _plan_characteristics(actor, authority, characteristics, people, writes, purpose)
        apply(writes)
    return saved


def _plan_episodes(
    actor: User,
    authority: Agency,
    episodes: Sequence[EpisodeDetails],
    people: dict[uuid.UUID, Person],
    writes: Writes,
    purpose: str,
) -> list[Episode]:
    rows: dict[type, list[object]] = {
        Assessment: [],
        CinPlan: [],
        Section47: [],
        ProtectionPlan: [],
    }
    saved: list[Episode] = []
    for details in episodes:
        person = people[uuid.UUID(str(details.person_id))]
        episode = Episode(
            id=details.episode_id or uuid.uuid4(),
            person=person,
            authority=authority,
            referral_date=details.referral_date,
            referral_source=details.referral_source,
            primary_need=details.primary_need,
            no_further_action=details.no_further_action,
            closure_date=details.closure_date,
            closure_reason=details.closure_reason,
            recorded_by=actor,
        )
        saved.append(episode)
        rows[Assessment] += [
            Assessment(
                episode=episode,
                started_on=a.started_on,
                authorised_on=a.authorised_on,
                factors=list(a.factors),
                child_seen=a.child_seen,
                seen_alone=a.seen_alone,
                wishes_and_feelings=a.wishes_and_feelings.strip(),
                event_id=a.event_id,
            )
            for a in details.assessments
        ]
        rows[CinPlan] += [
            CinPlan(episode=episode, started_on=p.started_on, ended_on=p.ended_on)
            for p in details.cin_plans
        ]
        rows[Section47] += [
            Section47(
                episode=episode,
                started_on=e.started_on,
                outcome=e.outcome,
                conference_target=e.conference_target,
                conference_date=e.conference_date,
                conference_outcome=e.conference_outcome,
                event_id=e.event_id,
            )
            for e in details.enquiries
        ]
        rows[ProtectionPlan] += [
            ProtectionPlan(
                episode=episode,
                started_on=p.started_on,
                ended_on=p.ended_on,
                initial_category=p.initial_category,
                latest_category=p.latest_category or p.initial_category,
                review_dates=[d.isoformat() for d in sorted(p.review_dates)],
            )
            for p in details.protection_plans
        ]
    writes.add_objects(Episode, saved)
    for model, objects in rows.items():
        writes.add_objects(model, objects)  # type: ignore[arg-type]  # each list holds its model's rows
    for details, episode in zip(episodes, saved, strict=True):
        writes.audit(person_viewed(actor, episode.person, purpose=purpose), about=episode.pk)
        writes.audit(
            PendingEntry(
                AuditVerb.CASEWORK_RECORDED,
                actor=actor,
                target_type=TargetType.PERSON,
                target_id=episode.person_id,
                legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
                payload={
                    "episode": str(episode.pk),
                    "new": details.episode_id is None,
                    "assessments": len(details.assessments),
                    "cin_plans": len(details.cin_plans),
                    "enquiries": len(details.enquiries),
                    "protection_plans": len(details.protection_plans),
                    "closed": details.closure_date is not None,
                },
            ),
            about=episode.pk,
        )
    return saved


def _plan_characteristics(
    actor: User,
    authority: Agency,
    characteristics: Sequence[Characteristics],
    people: dict[uuid.UUID, Person],
    writes: Writes,
    purpose: str,
) -> None:
    if not characteristics:
        return
    person_ids = [uuid.UUID(str(c.person_id)) for c in characteristics]
    held = {
        profile.person_id: profile
        for chunk in in_chunks(person_ids)
        for profile in ChildProfile.objects.filter(authority=authority, person_id__in=chunk)
    }
    new: dict[uuid.UUID, ChildProfile] = {}
    for chars in characteristics:
        person_id = uuid.UUID(str(chars.person_id))
        profile = held.get(person_id)
        if profile is not None:
            profile.ethnicity = chars.ethnicity
            profile.disabilities = list(chars.disabilities)
            profile.updated_at = timezone.now()
            writes.first(_saver(profile))
        else:
            new[person_id] = ChildProfile(
                person_id=person_id,
                authority=authority,
                la_child_id=la_child_id(person_id),
                ethnicity=chars.ethnicity,
                disabilities=list(chars.disabilities),
            )
        writes.audit(
            person_viewed(actor, people[person_id], purpose=purpose),
            about=("profile", person_id),
        )
        writes.audit(
            PendingEntry(
                AuditVerb.CASEWORK_RECORDED,
                actor=actor,
                target_type=TargetType.PERSON,
                target_id=person_id,
                legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING_SPECIAL_CATEGORY,
                payload={"characteristics": True},
            ),
            about=("profile", person_id),
        )
    writes.add_objects(ChildProfile, list(new.values()))


def _saver(profile: ChildProfile) -> Callable[[], None]:
    def save() -> None:
        profile.save(update_fields=["ethnicity", "disabilities", "updated_at"])

    return save


def save_episode(*, actor: User, details: EpisodeDetails) -> Episode:
    """Record one episode: a batch of one."""
    try:
        (episode,) = save_episodes(actor=actor, episodes=[details])
    except ValidationError as error:
        raise ValidationError(
            {k.split(".", 2)[2]: v for k, v in error.message_dict.items()}
        ) from error
    return episode


def save_characteristics(*, actor: User, details: Characteristics) -> None:
    try:
        save_episodes(actor=actor, characteristics=[details])
    except ValidationError as error:
        raise ValidationError(
            {k.split(".", 2)[2]: v for k, v in error.message_dict.items()}
        ) from error


def details_of(episode: Episode) -> EpisodeDetails:
    """An episode held, as the details that would record it again: a form or the API
    changes one part of it and saves the whole as its new version."""
    return EpisodeDetails(
        person_id=episode.person_id,
        referral_date=episode.referral_date,
        referral_source=episode.referral_source,
        primary_need=episode.primary_need,
        no_further_action=episode.no_further_action,
        closure_date=episode.closure_date,
        closure_reason=episode.closure_reason,
        assessments=[
            AssessmentDetails(
                started_on=a.started_on,
                authorised_on=a.authorised_on,
                factors=list(a.factors),
                child_seen=a.child_seen,
                seen_alone=a.seen_alone,
                wishes_and_feelings=a.wishes_and_feelings,
                event_id=a.event_id,
            )
            for a in episode.assessments.all()
        ],
        cin_plans=[
            CinPlanDetails(started_on=p.started_on, ended_on=p.ended_on)
            for p in episode.cin_plans.all()
        ],
        enquiries=[
            Section47Details(
                started_on=e.started_on,
                outcome=e.outcome,
                conference_target=e.conference_target,
                conference_date=e.conference_date,
                conference_outcome=e.conference_outcome,
                event_id=e.event_id,
            )
            for e in episode.enquiries.all()
        ],
        protection_plans=[
            ProtectionPlanDetails(
                started_on=p.started_on,
                initial_category=p.initial_category,
                latest_category=p.latest_category,
                ended_on=p.ended_on,
                review_dates=[date.fromisoformat(d) for d in p.review_dates],
            )
            for p in episode.protection_plans.all()
        ],
        episode_id=episode.pk,
    )
