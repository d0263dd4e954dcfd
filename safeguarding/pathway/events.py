"""The events of the statutory pathway and the clocks each one meets, starts or stops.

One table holds the rules, so that what an event does to the clocks is read in one place
(Working Together to Safeguard Children 2023; Care Planning Regulations 2010 for looked-after
children; Keeping Children Safe in Education for file transfer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

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
