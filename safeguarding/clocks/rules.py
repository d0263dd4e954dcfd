"""The statutory clocks of England and their default limits (Working Together to Safeguard
Children 2023 and the regulations it cites). Every limit can be set per local authority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models

from safeguarding.clocks.calendar import add_days, add_months, add_weeks, add_working_days


class Unit(models.TextChoices):
    WORKING_DAYS = "working-days", "working days"
    CALENDAR_DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"
    # Schools' transfer limit is in school days; outside a term calendar, working days
    # are the closest common measure (docs/users/deadlines.md).
    SCHOOL_DAYS = "school-days", "school days"


class ClockType(models.TextChoices):
    REFERRAL_DECISION = "referral-decision", "Referral decision"
    ASSESSMENT = "assessment", "Child and family assessment"
    STRATEGY_DISCUSSION = "strategy-discussion", "Strategy discussion"
    INITIAL_CONFERENCE = "initial-conference", "Initial child protection conference"
    FIRST_CORE_GROUP = "first-core-group", "First core group meeting"
    FIRST_REVIEW_CONFERENCE = "first-review-conference", "First review conference"
    REVIEW_CONFERENCE = "review-conference", "Review conference"
    CP_VISIT = "cp-visit", "Visit to a child on a protection plan"
    FIRST_LAC_REVIEW = "first-lac-review", "First looked-after review"
    SECOND_LAC_REVIEW = "second-lac-review", "Second looked-after review"
    LATER_LAC_REVIEW = "later-lac-review", "Later looked-after review"
    FIRST_LAC_VISIT = "first-lac-visit", "First looked-after visit"
    LAC_VISIT_FIRST_YEAR = "lac-visit-first-year", "Looked-after visit in the first year"
    LAC_VISIT = "lac-visit", "Looked-after visit"
    LADO_REFERRAL = "lado-referral", "Referral to the LADO"
    SERIOUS_INCIDENT_NOTIFICATION = "serious-incident", "Serious incident notification"
    RAPID_REVIEW = "rapid-review", "Rapid review"
    LOCAL_CSPR = "local-cspr", "Local child safeguarding practice review"
    SCHOOL_FILE_TRANSFER = "school-file-transfer", "Child protection file transfer"
    PARTNER_INFORMATION = "partner-information", "Information request to a partner agency"
    WHISTLEBLOWING_ACKNOWLEDGEMENT = "whistleblowing-ack", "Whistleblowing acknowledgement"
    WHISTLEBLOWING_FEEDBACK = "whistleblowing-feedback", "Whistleblowing feedback"
    THERAPY_WAIT = "therapy-wait", "Wait for therapy to start"
    ABUSE_REPORT = "abuse-report", "Report of child sexual abuse to police or local authority"
    WARNING_NOTICE_REVIEW = "warning-notice-review", "Review of a child abduction warning notice"
    COLLABORATION_URGENT = "collaboration-urgent", "Urgent request from another police force"
    COLLABORATION_ROUTINE = "collaboration-routine", "Request from another police force"
    SUBJECT_ACCESS = "subject-access", "Subject access request"
    SUBJECT_ACCESS_EXTENDED = "subject-access-extended", "Subject access request (extended)"


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def due(self, start: date) -> date:
        if self.unit in (Unit.WORKING_DAYS, Unit.SCHOOL_DAYS):
            return add_working_days(start, self.amount)
        if self.unit == Unit.MONTHS:
            return add_months(start, self.amount)
        if self.unit == Unit.WEEKS:
            return add_weeks(start, self.amount)
        return add_days(start, self.amount)

    def describe(self) -> str:
        label = Unit(self.unit).label
        if self.amount == 1:
            label = label.removesuffix("s")
        return f"{self.amount} {label}"


DEFAULT_LIMITS: dict[str, Limit] = {
    ClockType.REFERRAL_DECISION: Limit(1, Unit.WORKING_DAYS),
    ClockType.ASSESSMENT: Limit(45, Unit.WORKING_DAYS),
    ClockType.STRATEGY_DISCUSSION: Limit(1, Unit.WORKING_DAYS),
    ClockType.INITIAL_CONFERENCE: Limit(15, Unit.WORKING_DAYS),
    ClockType.FIRST_CORE_GROUP: Limit(10, Unit.WORKING_DAYS),
    ClockType.FIRST_REVIEW_CONFERENCE: Limit(3, Unit.MONTHS),
    ClockType.REVIEW_CONFERENCE: Limit(6, Unit.MONTHS),
    ClockType.CP_VISIT: Limit(10, Unit.WORKING_DAYS),
    ClockType.FIRST_LAC_REVIEW: Limit(20, Unit.WORKING_DAYS),
    ClockType.SECOND_LAC_REVIEW: Limit(3, Unit.MONTHS),
    ClockType.LATER_LAC_REVIEW: Limit(6, Unit.MONTHS),
    ClockType.FIRST_LAC_VISIT: Limit(1, Unit.WEEKS),
    ClockType.LAC_VISIT_FIRST_YEAR: Limit(6, Unit.WEEKS),
    ClockType.LAC_VISIT: Limit(3, Unit.MONTHS),
    ClockType.LADO_REFERRAL: Limit(1, Unit.WORKING_DAYS),
    ClockType.SERIOUS_INCIDENT_NOTIFICATION: Limit(5, Unit.WORKING_DAYS),
    ClockType.RAPID_REVIEW: Limit(15, Unit.WORKING_DAYS),
    ClockType.LOCAL_CSPR: Limit(6, Unit.MONTHS),
    ClockType.SCHOOL_FILE_TRANSFER: Limit(5, Unit.SCHOOL_DAYS),
    ClockType.PARTNER_INFORMATION: Limit(1, Unit.WORKING_DAYS),
    ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT: Limit(7, Unit.CALENDAR_DAYS),
    ClockType.WHISTLEBLOWING_FEEDBACK: Limit(3, Unit.MONTHS),
    ClockType.THERAPY_WAIT: Limit(4, Unit.WEEKS),
    # "As soon as reasonably practicable": by the end of the next working day by default.
    ClockType.ABUSE_REPORT: Limit(1, Unit.WORKING_DAYS),
    ClockType.WARNING_NOTICE_REVIEW: Limit(6, Unit.MONTHS),
    # Requests between police forces: a response (accept and answer, or decline) is due.
    ClockType.COLLABORATION_URGENT: Limit(1, Unit.WORKING_DAYS),
    ClockType.COLLABORATION_ROUTINE: Limit(5, Unit.WORKING_DAYS),
    # UK GDPR Art 12(3): one calendar month from receipt, extendable by two further months
    # where requests are complex or numerous (ICO guidance on the right of access).
    ClockType.SUBJECT_ACCESS: Limit(1, Unit.MONTHS),
    ClockType.SUBJECT_ACCESS_EXTENDED: Limit(3, Unit.MONTHS),
}
