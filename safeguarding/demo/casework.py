"""The demo's structured case work: each child the MASH referred to children's social care
has one episode in census codes, built from their referral and the pathway events the demo
recorded for it (assessment, strategy discussion, conference, plan and reviews), then a
child in need plan and closure. Every journey keeps the census's rules, so the demo
authority's CIN census validates."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from itertools import batched

from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    CinPlanDetails,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    save_episodes,
)
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
from safeguarding.clocks.calendar import add_working_days
from safeguarding.concerns.models import ConcernCategory, ConcernPerson, PersonRole
from safeguarding.demo.history import current as demo_history
from safeguarding.mash.models import Contact, Decision
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.pathway.models import PathwayEvent

REFERRALS = (Decision.ASSESSMENT, Decision.STRATEGY_DISCUSSION, Decision.IMMEDIATE_PROTECTION)
BATCH = 500

FACTORS: dict[str, str] = {
    ConcernCategory.NEGLECT: AssessmentFactor.NEGLECT,
    ConcernCategory.PHYSICAL_ABUSE: AssessmentFactor.PHYSICAL_ABUSE_ADULT,
    ConcernCategory.EMOTIONAL_ABUSE: AssessmentFactor.EMOTIONAL_ABUSE,
    ConcernCategory.SEXUAL_ABUSE: AssessmentFactor.SEXUAL_ABUSE_ADULT,
    ConcernCategory.SEXUAL_EXPLOITATION: AssessmentFactor.SEXUAL_EXPLOITATION,
    ConcernCategory.CRIMINAL_EXPLOITATION: AssessmentFactor.CRIMINAL_EXPLOITATION,
    ConcernCategory.DOMESTIC_ABUSE: AssessmentFactor.DOMESTIC_ABUSE_CHILD,
    ConcernCategory.MISSING: AssessmentFactor.MISSING,
    ConcernCategory.MENTAL_HEALTH: AssessmentFactor.MENTAL_HEALTH_CHILD,
}
CATEGORIES: dict[str, str] = {
    ConcernCategory.PHYSICAL_ABUSE: CategoryOfAbuse.PHYSICAL,
    ConcernCategory.SEXUAL_ABUSE: CategoryOfAbuse.SEXUAL,
    ConcernCategory.SEXUAL_EXPLOITATION: CategoryOfAbuse.SEXUAL,
    ConcernCategory.ONLINE_ABUSE: CategoryOfAbuse.SEXUAL,
    ConcernCategory.EMOTIONAL_ABUSE: CategoryOfAbuse.EMOTIONAL,
    ConcernCategory.DOMESTIC_ABUSE: CategoryOfAbuse.EMOTIONAL,
}
NEEDS: dict[str, str] = {
    ConcernCategory.MENTAL_HEALTH: PrimaryNeed.ACUTE_STRESS,
    ConcernCategory.MISSING: PrimaryNeed.FAMILY_DYSFUNCTION,
    ConcernCategory.CRIMINAL_EXPLOITATION: PrimaryNeed.SOCIALLY_UNACCEPTABLE,
    ConcernCategory.RADICALISATION: PrimaryNeed.SOCIALLY_UNACCEPTABLE,
    ConcernCategory.OTHER: PrimaryNeed.ACUTE_STRESS,
}
SOURCES: dict[str, list[str]] = {
    AgencyKind.SCHOOL: [ReferralSource.SCHOOLS],
    AgencyKind.POLICE_FORCE: [ReferralSource.POLICE],
    AgencyKind.NHS_BODY: [
        ReferralSource.GP,
        ReferralSource.HEALTH_VISITOR,
        ReferralSource.EMERGENCY_DEPARTMENT,
        ReferralSource.OTHER_HEALTH,
    ],
    AgencyKind.LOCAL_AUTHORITY: [ReferralSource.LA_SOCIAL_CARE, ReferralSource.LA_EARLY_HELP],
}
# Parents' and carers' factors found alongside the child's own.
CARERS = [
    AssessmentFactor.DOMESTIC_ABUSE_PARENT,
    AssessmentFactor.MENTAL_HEALTH_PARENT,
    AssessmentFactor.ALCOHOL_PARENT,
    AssessmentFactor.DRUGS_PARENT,
]
VOICES = [
    "Says she feels safe at her nan's and wants to stay there at weekends.",
    "Wants the shouting at home to stop; likes his teacher and football club.",
    "Drew a picture of home and said she is scared when mum is poorly.",
    "Would like more time with his dad and to keep going to cadets.",
    "Said nobody listens to her; wants to talk to someone at school.",
    "Too young to say in words; played happily, and went to mum for comfort.",
]
ETHNICITIES = [
    (Ethnicity.WHITE_BRITISH, 70),
    (Ethnicity.WHITE_OTHER, 6),
    (Ethnicity.WHITE_BLACK_CARIBBEAN, 3),
    (Ethnicity.MIXED_OTHER, 3),
    (Ethnicity.PAKISTANI, 4),
    (Ethnicity.INDIAN, 3),
    (Ethnicity.AFRICAN, 4),
    (Ethnicity.CARIBBEAN, 2),
    (Ethnicity.GYPSY_ROMA, 1),
    (Ethnicity.OTHER, 2),
    (Ethnicity.NOT_OBTAINED, 2),
]
DISABILITIES = [
    Disability.LEARNING,
    Disability.AUTISM,
    Disability.BEHAVIOUR,
    Disability.COMMUNICATION,
    Disability.MOBILITY,
    Disability.HEARING,
    Disability.VISION,
    Disability.HAND_FUNCTION,
    Disability.PERSONAL_CARE,
]


def _first_referrals(authority: Agency) -> list[tuple[uuid.UUID, Contact]]:
    """Each child's first contact that the MASH passed to children's social care."""
    firsts: dict[uuid.UUID, Contact] = {}
    contacts = (
        Contact.objects.filter(decision__in=REFERRALS, concern__local_authority=authority)
        .select_related("concern__agency")
        .order_by("received_at", "pk")
    )
    # The first child each concern names.
    children = dict(
        ConcernPerson.objects.filter(
            role=PersonRole.CHILD,
            concern__contact__decision__in=REFERRALS,
            concern__local_authority=authority,
        )
        .order_by("-pk")
        .values_list("concern_id", "person_id")
    )
    for contact in contacts:
        person_id = children.get(contact.concern_id)
        if person_id is not None:
            firsts.setdefault(person_id, contact)
    return list(firsts.items())


def _events(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PathwayEvent]]:
    found: dict[uuid.UUID, list[PathwayEvent]] = {}
    for event in PathwayEvent.objects.filter(person_id__in=person_ids).order_by(
        "occurred_on", "recorded_at"
    ):
        found.setdefault(event.person_id, []).append(event)
    return found


def _journey(
    rng: random.Random,
    person_id: uuid.UUID,
    contact: Contact,
    events: list[PathwayEvent],
    today: date,
) -> EpisodeDetails:
    concern = contact.concern
    referred = timezone.localdate(contact.received_at)
    agency_kind = concern.agency.kind
    category = concern.category
    after = [e for e in events if e.occurred_on >= referred]

    def first(event_type: str, since: date, outcome: str = "") -> PathwayEvent | None:
        return next(
            (
                e
                for e in after
                if e.event_type == event_type
                and e.occurred_on >= since
                and (not outcome or e.outcome == outcome)
            ),
            None,
        )

    details = EpisodeDetails(
        person_id=person_id,
        referral_date=referred,
        referral_source=rng.choice(SOURCES.get(agency_kind, [ReferralSource.OTHER])),
        primary_need=NEEDS.get(category, PrimaryNeed.ABUSE_OR_NEGLECT),
    )
    # The assessment: completed when the pathway says so, or within 45 working days.
    completed = first(EventType.ASSESSMENT_COMPLETED, referred)
    authorised = (
        completed.occurred_on
        if completed is not None
        else add_working_days(referred, rng.randint(15, 45))
    )
    factors = [FACTORS.get(category, AssessmentFactor.OTHER)]
    if rng.random() < 0.5:
        factors.append(rng.choice(CARERS))
    seen = rng.random() < 0.97
    finished = authorised <= today
    details.assessments.append(
        AssessmentDetails(
            started_on=referred,
            authorised_on=authorised if finished else None,
            factors=factors if finished else [],
            child_seen=seen,
            seen_alone=seen and rng.random() < 0.7,
            wishes_and_feelings=rng.choice(VOICES) if finished else "",
            event_id=completed.pk if completed is not None else None,
        )
    )
    support_from: date | None = authorised if finished else None
    discussion = first(EventType.STRATEGY_DISCUSSION, referred, Outcome.S47)
    if contact.decision != Decision.ASSESSMENT and discussion is not None:
        started = discussion.occurred_on
        conference = first(EventType.INITIAL_CONFERENCE, started)
        enquiry = Section47Details(
            started_on=started,
            conference_target=add_working_days(started, 15),
            event_id=discussion.pk,
        )
        details.enquiries.append(enquiry)
        support_from = None
        if conference is not None:
            enquiry.outcome = Section47Outcome.CONFERENCE
            enquiry.conference_date = conference.occurred_on
            if conference.outcome == Outcome.PLAN:
                enquiry.conference_outcome = ConferenceOutcome.PLAN
                category_of_abuse = CATEGORIES.get(category, CategoryOfAbuse.NEGLECT)
                reviews = [
                    e
                    for e in after
                    if e.event_type == EventType.REVIEW_CONFERENCE
                    and e.occurred_on > conference.occurred_on
                ]
                ended = next((e for e in reviews if e.outcome == Outcome.PLAN_ENDS), None)
                details.protection_plans.append(
                    ProtectionPlanDetails(
                        started_on=conference.occurred_on,
                        initial_category=category_of_abuse,
                        latest_category=category_of_abuse,
                        ended_on=ended.occurred_on if ended else None,
                        review_dates=[
                            e.occurred_on
                            for e in reviews
                            if ended is None or e.occurred_on <= ended.occurred_on
                        ],
                    )
                )
                support_from = ended.occurred_on if ended else None
            else:
                enquiry.conference_outcome = ConferenceOutcome.NO_PLAN
                support_from = conference.occurred_on
        elif add_working_days(started, 20) <= today:
            # No conference: the enquiry found no continuing risk.
            enquiry.outcome = rng.choice(
                [Section47Outcome.NOT_SUBSTANTIATED, Section47Outcome.NO_CONTINUING_RISK]
            )
            support_from = add_working_days(started, rng.randint(5, 15))
        if support_from is not None and not finished:
            support_from = None
        if support_from is not None and finished:
            support_from = max(support_from, authorised)
    if support_from is None or support_from > today:
        return details
    if not details.enquiries and rng.random() < 0.3:
        details.closure_date = authorised
        details.closure_reason = rng.choice(
            [ReasonForClosure.CLOSED_AFTER_ASSESSMENT, ReasonForClosure.EARLY_HELP_AFTER_ASSESSMENT]
        )
        details.assessments[0].factors = factors
        return details
    plan_ends = support_from + timedelta(days=rng.randint(60, 240))
    details.cin_plans.append(
        CinPlanDetails(started_on=support_from, ended_on=plan_ends if plan_ends <= today else None)
    )
    if plan_ends <= today:
        details.closure_date = plan_ends
        details.closure_reason = rng.choices(
            [
                ReasonForClosure.CEASED,
                ReasonForClosure.TRANSFERRED_LA,
                ReasonForClosure.CHILD_ARRANGEMENTS_ORDER,
            ],
            weights=[90, 7, 3],
        )[0]
    return details


def _characteristics(rng: random.Random, person_id: uuid.UUID) -> Characteristics:
    codes, weights = zip(*ETHNICITIES, strict=True)
    ethnicity = rng.choices(codes, weights=weights)[0]
    disabilities = [Disability.NONE]
    if rng.random() < 0.12:
        disabilities = rng.sample(DISABILITIES, rng.choice([1, 1, 2]))
    return Characteristics(person_id, ethnicity, list(disabilities))


def build_demo_casework(*, seed: int, actor: User) -> int:
    """Record an episode for each child referred to children's social care; returns how
    many. ``actor``: the MASH's triage officer, who sees every child referred."""
    rng = random.Random(seed * 31 + 19)  # noqa: S311 - synthetic data, not security
    today = timezone.localdate()
    assert actor.agency is not None
    referrals = _first_referrals(actor.agency)
    recorded = 0
    for chunk in batched(referrals, BATCH):
        events = _events([person_id for person_id, _ in chunk])
        episodes = [
            _journey(rng, person_id, contact, events.get(person_id, []), today)
            for person_id, contact in chunk
        ]
        for person_id, contact in chunk:
            demo_history().case_work(person_id, contact.received_at)
        with transaction.atomic():
            save_episodes(
                actor=actor,
                episodes=episodes,
                characteristics=[_characteristics(rng, person_id) for person_id, _ in chunk],
            )
        recorded += len(episodes)
    return recorded
