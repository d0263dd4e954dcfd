"""The events of the statutory pathway and the clocks each one meets, starts or stops.

One table holds the rules, so that what an event does to the clocks is read in one place
(Working Together to Safeguard Children 2023; Care Planning Regulations 2010 for looked-after
children; Keeping Children Safe in Education for file transfer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.clocks.rules import ClockType


class EventType(models.TextChoices):
    ASSESSMENT_STARTED = "assessment-started", "Child and family assessment started"
    ASSESSMENT_COMPLETED = "assessment-completed", "Child and family assessment completed"
    STRATEGY_DISCUSSION = "strategy-discussion", "Strategy discussion held"
    S47_STARTED = "s47-started", "Section 47 enquiry started"
    S47_CONCLUDED = "s47-concluded", "Section 47 enquiry concluded"
    INITIAL_CONFERENCE = "initial-conference", "Initial child protection conference held"
    CORE_GROUP = "core-group", "Core group meeting held"
    REVIEW_CONFERENCE = "review-conference", "Review child protection conference held"
    CP_VISIT = "cp-visit", "Visit to a child on a protection plan"
    PLAN_ENDED = "plan-ended", "Child protection plan ended"
    BECAME_LOOKED_AFTER = "became-looked-after", "Became looked after"
    LAC_REVIEW = "lac-review", "Looked-after review held"
    LAC_VISIT = "lac-visit", "Looked-after visit"
    CEASED_LOOKED_AFTER = "ceased-looked-after", "Ceased to be looked after"
    ALLEGATION_AGAINST_STAFF = "allegation", "Allegation against a member of staff made"
    LADO_REFERRAL = "lado-referral", "Referral made to the LADO"
    SERIOUS_INCIDENT = "serious-incident", "Authority became aware of a serious incident"
    PANEL_NOTIFIED = "panel-notified", "Serious incident notified to the Panel"
    RAPID_REVIEW = "rapid-review", "Rapid review completed"
    CSPR_DECIDED = "cspr-decided", "Decision to hold a local practice review"
    CSPR_PUBLISHED = "cspr-published", "Local practice review completed"
    PUPIL_LEFT = "pupil-left", "Pupil left the school"
    FILE_RECEIPT_CONFIRMED = "file-received", "Receiving school confirmed the file"


class Outcome(models.TextChoices):
    NONE = "", "Not applicable"
    S47 = "s47", "Section 47 enquiry to start"
    NO_S47 = "no-s47", "No section 47 enquiry"
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no-plan", "No child protection plan"
    PLAN_CONTINUES = "plan-continues", "Plan continues"
    PLAN_ENDS = "plan-ends", "Plan ends"


CP_PLAN_CLOCKS: list[str] = [
    ClockType.FIRST_CORE_GROUP,
    ClockType.FIRST_REVIEW_CONFERENCE,
    ClockType.REVIEW_CONFERENCE,
    ClockType.CP_VISIT,
]
LAC_CLOCKS: list[str] = [
    ClockType.FIRST_LAC_REVIEW,
    ClockType.SECOND_LAC_REVIEW,
    ClockType.LATER_LAC_REVIEW,
    ClockType.FIRST_LAC_VISIT,
    ClockType.LAC_VISIT_FIRST_YEAR,
    ClockType.LAC_VISIT,
]
LAC_REVIEWS: list[str] = [
    ClockType.FIRST_LAC_REVIEW,
    ClockType.SECOND_LAC_REVIEW,
    ClockType.LATER_LAC_REVIEW,
]
LAC_VISITS: list[str] = [
    ClockType.FIRST_LAC_VISIT,
    ClockType.LAC_VISIT_FIRST_YEAR,
    ClockType.LAC_VISIT,
]


@dataclass(frozen=True)
class EventRule:
    meets: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    # Clocks started only when the event has this outcome.
    starts_on_outcome: dict[str, list[str]] = field(default_factory=dict)
    stops: list[str] = field(default_factory=list)
    stops_on_outcome: dict[str, list[str]] = field(default_factory=dict)
    outcomes: list[str] = field(default_factory=list)


RULES: dict[str, EventRule] = {
    EventType.ASSESSMENT_STARTED: EventRule(),
    EventType.ASSESSMENT_COMPLETED: EventRule(meets=[ClockType.ASSESSMENT]),
    EventType.STRATEGY_DISCUSSION: EventRule(
        meets=[ClockType.STRATEGY_DISCUSSION],
        starts_on_outcome={Outcome.S47: [ClockType.INITIAL_CONFERENCE]},
        outcomes=[Outcome.S47, Outcome.NO_S47],
    ),
    EventType.S47_STARTED: EventRule(),
    EventType.S47_CONCLUDED: EventRule(),
    EventType.INITIAL_CONFERENCE: EventRule(
        meets=[ClockType.INITIAL_CONFERENCE],
        starts_on_outcome={
            Outcome.PLAN: [
                ClockType.FIRST_CORE_GROUP,
                ClockType.FIRST_REVIEW_CONFERENCE,
                ClockType.CP_VISIT,
            ]
        },
        outcomes=[Outcome.PLAN, Outcome.NO_PLAN],
    ),
    EventType.CORE_GROUP: EventRule(meets=[ClockType.FIRST_CORE_GROUP]),
    EventType.REVIEW_CONFERENCE: EventRule(
        meets=[ClockType.FIRST_REVIEW_CONFERENCE, ClockType.REVIEW_CONFERENCE],
        starts_on_outcome={Outcome.PLAN_CONTINUES: [ClockType.REVIEW_CONFERENCE]},
        stops_on_outcome={Outcome.PLAN_ENDS: CP_PLAN_CLOCKS},
        outcomes=[Outcome.PLAN_CONTINUES, Outcome.PLAN_ENDS],
    ),
    EventType.CP_VISIT: EventRule(meets=[ClockType.CP_VISIT], starts=[ClockType.CP_VISIT]),
    EventType.PLAN_ENDED: EventRule(stops=CP_PLAN_CLOCKS),
    EventType.BECAME_LOOKED_AFTER: EventRule(
        starts=[ClockType.FIRST_LAC_REVIEW, ClockType.FIRST_LAC_VISIT]
    ),
    # The next review and visit depend on which one was due: handled in actions.
    EventType.LAC_REVIEW: EventRule(meets=LAC_REVIEWS),
    EventType.LAC_VISIT: EventRule(meets=LAC_VISITS),
    EventType.CEASED_LOOKED_AFTER: EventRule(stops=LAC_CLOCKS),
    EventType.ALLEGATION_AGAINST_STAFF: EventRule(starts=[ClockType.LADO_REFERRAL]),
    EventType.LADO_REFERRAL: EventRule(meets=[ClockType.LADO_REFERRAL]),
    EventType.SERIOUS_INCIDENT: EventRule(starts=[ClockType.SERIOUS_INCIDENT_NOTIFICATION]),
    EventType.PANEL_NOTIFIED: EventRule(
        meets=[ClockType.SERIOUS_INCIDENT_NOTIFICATION], starts=[ClockType.RAPID_REVIEW]
    ),
    EventType.RAPID_REVIEW: EventRule(meets=[ClockType.RAPID_REVIEW]),
    EventType.CSPR_DECIDED: EventRule(starts=[ClockType.LOCAL_CSPR]),
    EventType.CSPR_PUBLISHED: EventRule(meets=[ClockType.LOCAL_CSPR]),
    EventType.PUPIL_LEFT: EventRule(starts=[ClockType.SCHOOL_FILE_TRANSFER]),
    EventType.FILE_RECEIPT_CONFIRMED: EventRule(meets=[ClockType.SCHOOL_FILE_TRANSFER]),
}


# Who may record each event: pairs of agency kind and role. The statutory record of a
# child's plan is the responsible local authority's: its social workers, managers and MASH
# (whose officers are social workers of the authority), and its own case system through the
# API. An employer records an allegation against its staff and its referral to the LADO
# (its designated lead or a manager); a school records a pupil leaving and the receiving
# school confirms the file (Keeping Children Safe in Education). Seeing a child is needed
# too, and break-glass access is read-only.
_AUTHORITY = AgencyKind.LOCAL_AUTHORITY
_SOCIAL_CARE: frozenset[tuple[str, str]] = frozenset(
    (_AUTHORITY, role)
    for role in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_TRIAGE, Role.SYSTEM_INTEGRATION)
)
# Serious incidents and practice reviews are the authority's as safeguarding partner: not a
# decision for its front door.
_AUTHORITY_CASEWORK: frozenset[tuple[str, str]] = frozenset(
    (_AUTHORITY, role) for role in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SYSTEM_INTEGRATION)
)
_EMPLOYERS: frozenset[tuple[str, str]] = frozenset(
    (kind, role)
    for kind in (
        AgencyKind.LOCAL_AUTHORITY,
        AgencyKind.SCHOOL,
        AgencyKind.NHS_BODY,
        AgencyKind.POLICE_FORCE,
        AgencyKind.VOLUNTARY_ORGANISATION,
    )
    for role in (Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD)
)
_SCHOOLS: frozenset[tuple[str, str]] = frozenset(
    (AgencyKind.SCHOOL, role)
    for role in (Role.DESIGNATED_SAFEGUARDING_LEAD, Role.SYSTEM_INTEGRATION)
)

RECORDED_BY: dict[str, frozenset[tuple[str, str]]] = {
    EventType.ASSESSMENT_STARTED: _SOCIAL_CARE,
    EventType.ASSESSMENT_COMPLETED: _SOCIAL_CARE,
    EventType.STRATEGY_DISCUSSION: _SOCIAL_CARE,
    EventType.S47_STARTED: _SOCIAL_CARE,
    EventType.S47_CONCLUDED: _SOCIAL_CARE,
    EventType.INITIAL_CONFERENCE: _SOCIAL_CARE,
    EventType.CORE_GROUP: _SOCIAL_CARE,
    EventType.REVIEW_CONFERENCE: _SOCIAL_CARE,
    EventType.CP_VISIT: _SOCIAL_CARE,
    EventType.PLAN_ENDED: _SOCIAL_CARE,
    EventType.BECAME_LOOKED_AFTER: _SOCIAL_CARE,
    EventType.LAC_REVIEW: _SOCIAL_CARE,
    EventType.LAC_VISIT: _SOCIAL_CARE,
    EventType.CEASED_LOOKED_AFTER: _SOCIAL_CARE,
    EventType.ALLEGATION_AGAINST_STAFF: _EMPLOYERS,
    EventType.LADO_REFERRAL: _EMPLOYERS,
    EventType.SERIOUS_INCIDENT: _AUTHORITY_CASEWORK,
    EventType.PANEL_NOTIFIED: _AUTHORITY_CASEWORK,
    EventType.RAPID_REVIEW: _AUTHORITY_CASEWORK,
    EventType.CSPR_DECIDED: _AUTHORITY_CASEWORK,
    EventType.CSPR_PUBLISHED: _AUTHORITY_CASEWORK,
    EventType.PUPIL_LEFT: _SCHOOLS,
    EventType.FILE_RECEIPT_CONFIRMED: _SCHOOLS,
}


def may_record(event_type: str, agency_kind: str, role: str) -> bool:
    """Whether staff of this agency kind and role may record ``event_type``."""
    return (agency_kind, role) in RECORDED_BY.get(event_type, frozenset())


def events_recordable_by(agency_kind: str, role: str) -> list[str]:
    """The events staff of this agency kind and role may record, in the form's order."""
    return [value for value in EventType.values if may_record(value, agency_kind, role)]


def who_records(event_type: str) -> str:
    """Who may record ``event_type``, in words, for a refusal."""
    kinds = sorted({AgencyKind(kind).label for kind, _ in RECORDED_BY.get(event_type, ())})
    return ", ".join(kinds)
