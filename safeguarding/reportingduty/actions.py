"""Every write about the duty to report child sexual abuse: opening a record when someone
under the duty records a concern, what they knew, a permitted delay, notifying the police
or the local authority, attempts to stop a report, and the missed-deadline alert."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import PendingEntry, record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import (
    ClockMeeting,
    meet_clocks,
    plan_clock_meetings,
    start_clock,
)
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import Concern, ConcernCategory, ConcernPerson, PersonRole
from safeguarding.mash.models import Contact
from safeguarding.notifications.actions import Digest, Message, notify_each, notify_users
from safeguarding.reportingduty.models import (
    STAFF_METHODS,
    AbuseReport,
    DutyNotification,
    HowKnown,
    InvolvedPerson,
    NotificationMethod,
    ReportObstruction,
)
from safeguarding.worklists.actions import Sent, record_sent
from safeguarding.writes.rows import in_chunks, update
from safeguarding.writes.unit import WriteRun, Writes, apply

# Concerns that are reports of child sexual abuse.
DUTY_CATEGORIES = frozenset({ConcernCategory.SEXUAL_ABUSE, ConcernCategory.SEXUAL_EXPLOITATION})
# Staff in regulated activity with children or a listed position of trust, whose recording
# of a concern does not already put it before the police or the local authority: schools,
# NHS bodies and voluntary organisations. The police and the local authority are the
# recipients of reports; the service does not know who was told when an agency's system
# sends a concern, so system accounts open no record.
DUTY_ROLES = frozenset({Role.PRACTITIONER, Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD})
DUTY_AGENCY_KINDS = frozenset(
    {AgencyKind.SCHOOL, AgencyKind.NHS_BODY, AgencyKind.VOLUNTARY_ORGANISATION}
)
RECIPIENT_KINDS = frozenset({AgencyKind.POLICE_FORCE, AgencyKind.LOCAL_AUTHORITY})
# Reporting may wait up to this long only where reporting at once would endanger the child.
MAX_DELAY = timedelta(days=7)
DELAY_REASON_MIN_LENGTH = 20
TEXT_MAX_LENGTH = 5000
# In the reporter's agency, those who may act for them (record a notification made by the
# agency's safeguarding lead, for example).
SUPERVISING_ROLES = frozenset({Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD})


def is_under_duty(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_active
        and user.role in DUTY_ROLES
        and user.agency is not None
        and user.agency.kind in DUTY_AGENCY_KINDS
    )


def may_act_for(user: User, report: AbuseReport) -> bool:
    """The reporter, their line manager, or a team manager or designated safeguarding lead
    of the reporter's agency."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.pk == report.reporter_id
            or user.pk == report.reporter.manager_id
            or (user.agency_id == report.reporter_agency_id and user.role in SUPERVISING_ROLES)
        )
    )


def _require_may_act(actor: User, report: AbuseReport) -> None:
    if not may_act_for(actor, report):
        raise PermissionDenied("Only the reporter or their managers can update this record")


def police_of_area(report: AbuseReport) -> QuerySet[Agency]:
    """The forces covering the child's area, and any force already notified."""
    notified = report.notifications.values("recipient_id")
    return Agency.objects.filter(kind=AgencyKind.POLICE_FORCE, is_active=True).filter(
        Q(home_authority_id=report.local_authority_id) | Q(pk__in=notified)
    )


def sent_through_hub(concern: Concern) -> date | None:
    """The day ``concern`` reached its local authority's MASH with someone there to receive
    it, which tells the local authority as the duty requires; None when it reached nobody
    (an authority with no MASH triage officer or team manager on the service)."""
    received = (
        Contact.objects.filter(concern=concern, authority_id=concern.local_authority_id)
        .values_list("received_at", flat=True)
        .first()
    )
    if received is None or not recipient_staff(concern.local_authority).exists():
        return None
    return timezone.localdate(received)


def open_report(concern: Concern) -> AbuseReport | None:
    """Open a duty-to-report record for a concern of child sexual abuse or exploitation
    recorded by someone under the duty, with its clock (the authority's limit, or by the
    end of the next working day). A concern that reached the local authority's MASH meets
    the duty on the day it arrived, so its clock is met at once and nobody is asked to
    report it again; only a concern that reached nobody leaves the clock running. Called
    in record_concern's transaction."""
    if concern.category not in DUTY_CATEGORIES:
        return None
    reporter = concern.recorded_by
    if reporter is None or not is_under_duty(reporter):
        return None
    if AbuseReport.objects.filter(concern=concern).exists():
        return None  # a concern sent again keeps its record
    involvement = concern.involvements.filter(role=PersonRole.CHILD).first()
    if involvement is None:
        return None
    assert reporter.agency is not None
    aware_on = timezone.localdate(concern.recorded_at)
    sent_on = sent_through_hub(concern)
    if sent_on is not None:
        sent_on = max(sent_on, aware_on)  # a concern dated ahead of its arrival
    report = AbuseReport(
        concern=concern,
        child_id=involvement.person_id,
        reporter=reporter,
        reporter_agency=reporter.agency,
        reporter_role=reporter.role,
        local_authority=concern.local_authority,
        aware_on=aware_on,
        first_notified_on=sent_on,
    )
    report.clock = start_clock(
        clock_type=ClockType.ABUSE_REPORT,
        authority=concern.local_authority,
        subject=report.subject,
        started_on=aware_on,
        accountable=reporter,
        actor=reporter,
    )
    report.save(force_insert=True)
    record(
        AuditVerb.ABUSE_REPORT_RECORDED,
        actor=reporter,
        target_type=TargetType.ABUSE_REPORT,
        target_id=report.pk,
        legal_basis=LegalBasis.DUTY_TO_REPORT,
        payload={
            "concern": str(concern.pk),
            "child": str(involvement.person_id),
            "aware_on": aware_on.isoformat(),
            "due_on": report.clock.due_on.isoformat(),
        },
    )
    if sent_on is not None:
        _record_sent_through_hub(report, concern, sent_on)
        return report
    notify_users(
        [reporter],
        subject="You have a duty to report child sexual abuse",
        body="You recorded a concern of child sexual abuse or exploitation, but "
        f"{concern.local_authority.name} has nobody on the service to receive it, so it has "
        "not reached them. Under the duty to report, tell the police or the local authority "
        f"as soon as reasonably practicable, by {report.clock.due_on:%-d %B %Y}, and record "
        "it here.",
        link=f"/reporting-duty/{report.pk}/",
    )
    return report


def _record_sent_through_hub(report: AbuseReport, concern: Concern, sent_on: date) -> None:
    """The concern itself told the local authority: its notification, and the clock met.
    The MASH already has the concern as a contact, so nobody is told again."""
    notification = DutyNotification.objects.create(
        report=report,
        recipient=concern.local_authority,
        notified_on=sent_on,
        method=NotificationMethod.HUB,
        recorded_by=report.reporter,
    )
    meet_clocks([ClockMeeting(report.clock, sent_on, report.reporter, about=notification.pk)])
    record(
        AuditVerb.ABUSE_REPORT_NOTIFIED,
        actor=report.reporter,
        target_type=TargetType.ABUSE_REPORT,
        target_id=report.pk,
        legal_basis=LegalBasis.DUTY_TO_REPORT,
        payload={
            "notification": str(notification.pk),
            "recipient": concern.local_authority.code,
            "notified_on": sent_on.isoformat(),
            "method": NotificationMethod.HUB,
            "persons": [],
            "late": report.was_late(),
        },
    )


def record_disclosure(
    *, actor: User, report: AbuseReport, how_known: str, others_aware: str
) -> AbuseReport:
    """How the reporter came to know (told by the child, told by the person who did it, or
    saw it) and who else knew."""
    _require_may_act(actor, report)
    errors: dict[str, list[str]] = {}
    if how_known not in HowKnown.values:
        errors["how_known"] = ["Choose how they came to know"]
    if len(others_aware) > TEXT_MAX_LENGTH:
        errors["others_aware"] = [f"Who else knew must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        AbuseReport.objects.filter(pk=report.pk).update(
            how_known=how_known, others_aware=others_aware.strip()
        )
        report.how_known, report.others_aware = how_known, others_aware.strip()
        record(
            AuditVerb.ABUSE_REPORT_RECORDED,
            actor=actor,
            target_type=TargetType.ABUSE_REPORT,
            target_id=report.pk,
            legal_basis=LegalBasis.DUTY_TO_REPORT,
            payload={"how_known": how_known, "others_aware": bool(others_aware.strip())},
        )
    return report


def delay_report(
    *, actor: User, report: AbuseReport, reason: str, today: date | None = None
) -> AbuseReport:
    """Record that reporting at once would endanger the child: the report is then due up
    to 7 days after the reporter knew, and not later. Only with a reason, and only within
    those 7 days."""
    _require_may_act(actor, report)
    today = today or timezone.localdate()
    reason = reason.strip()
    latest = report.aware_on + MAX_DELAY
    errors: dict[str, list[str]] = {}
    if report.is_notified:
        errors["reason"] = ["The police or the local authority has already been told"]
    elif today > latest:
        errors["reason"] = [
            f"A report may be delayed by no more than 7 days, to {latest:%-d %B %Y}"
        ]
    elif len(reason) < DELAY_REASON_MIN_LENGTH:
        errors["reason"] = [
            "Explain how reporting at once would endanger the child, in at least "
            f"{DELAY_REASON_MIN_LENGTH} characters"
        ]
    elif len(reason) > TEXT_MAX_LENGTH:
        errors["reason"] = [f"The reason must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        AbuseReport.objects.filter(pk=report.pk).update(delay_reason=reason, delayed_until=latest)
        report.delay_reason, report.delayed_until = reason, latest
        due_on = max(report.clock.due_on, latest)
        Clock.objects.filter(pk=report.clock_id).update(due_on=due_on, delay_reason=reason)
        report.clock.due_on, report.clock.delay_reason = due_on, reason
        record(
            AuditVerb.CLOCK_DELAY_EXPLAINED,
            actor=actor,
            target_type=TargetType.ABUSE_REPORT,
            target_id=report.pk,
            reason=reason,
            legal_basis=LegalBasis.DUTY_TO_REPORT,
            payload={"clock": report.clock_id, "due_on": due_on.isoformat()},
        )
    return report


@dataclass
class Involvement:
    """A person believed to be involved, and why: one named in the concern (person_id) or
    someone the service has no record of (name only)."""

    name: str
    why: str
    person_id: uuid.UUID | None = None


@dataclass
class NotificationDetails:
    recipient: Agency
    notified_on: date
    method: str
    reference: str = ""
    involved: list[Involvement] = field(default_factory=list)


def _notification_errors(
    report: AbuseReport, details: NotificationDetails, named_ids: set[uuid.UUID]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if details.recipient.kind not in RECIPIENT_KINDS or not details.recipient.is_active:
        errors["recipient"] = ["Choose the police force or local authority you told"]
    if details.notified_on is None:
        errors["notified_on"] = ["Enter the date you told them"]
    elif not report.aware_on <= details.notified_on <= timezone.localdate():
        errors["notified_on"] = [
            f"The date must be on or after {report.aware_on:%-d %B %Y}, and not in the future"
        ]
    if details.method not in STAFF_METHODS:
        errors["method"] = ["Choose how you told them"]
    if len(details.reference) > 64:
        errors["reference"] = ["Their reference must be 64 characters or fewer"]
    for involvement in details.involved:
        if involvement.person_id is not None and involvement.person_id not in named_ids:
            errors.setdefault("involved", []).append("Name only people named in the concern")
        if not involvement.name.strip() or len(involvement.name) > 200:
            errors.setdefault("involved", []).append("Enter the name of each person involved")
        if not involvement.why.strip():
            errors.setdefault("involved", []).append(
                f"Say why you believe {involvement.name.strip() or 'each person'} was involved"
            )
        elif len(involvement.why) > TEXT_MAX_LENGTH:
            errors.setdefault("involved", []).append(
                f"Why must be {TEXT_MAX_LENGTH:,} characters or fewer"
            )
    return errors


def recipient_staff(agency: Agency) -> QuerySet[User]:
    """Who at a police force or local authority receives a report: police analysts, or the
    MASH and team managers."""
    roles = (
        {Role.POLICE_ANALYST}
        if agency.kind == AgencyKind.POLICE_FORCE
        else {Role.MASH_TRIAGE, Role.TEAM_MANAGER}
    )
    return User.objects.filter(agency=agency, role__in=roles, is_active=True)


def notify_authority(
    *, actor: User, report: AbuseReport, details: NotificationDetails
) -> DutyNotification:
    """Record that the police or the local authority was told, naming each person
    believed involved and why. The first notification meets the clock, late or not: a
    batch of one."""
    (notification,) = notify_authorities(actor=actor, notices=[(report, details)])
    return notification


def notify_authorities(
    *, actor: User, notices: Sequence[tuple[AbuseReport, NotificationDetails]]
) -> list[DutyNotification]:
    """Record, for each (report, details) in turn, that the police or the local authority
    was told, as that many notify_authority calls would: the first notification of a
    report meets its clock, and the recipients' staff are told. Every notice is checked
    before any is written; the first that fails stops the batch."""
    for report, _ in notices:
        _require_may_act(actor, report)
    named: dict[uuid.UUID, set[uuid.UUID]] = {report.concern_id: set() for report, _ in notices}
    for chunk in in_chunks(list(named)):
        for concern_id, person_id in ConcernPerson.objects.filter(concern_id__in=chunk).values_list(
            "concern_id", "person_id"
        ):
            named[concern_id].add(person_id)
    for report, details in notices:
        errors = _notification_errors(report, details, named[report.concern_id])
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        agencies = Agency.objects.in_bulk({report.reporter_agency_id for report, _ in notices})
        staff: dict[int, list[User]] = {}
        writes = Writes()
        notifications: list[DutyNotification] = []
        involved: list[InvolvedPerson] = []
        firsts: dict[uuid.UUID, date] = {}
        meetings: list[ClockMeeting] = []
        entries: list[tuple[uuid.UUID, PendingEntry]] = []
        messages: list[Message] = []
        for report, details in notices:
            notification = DutyNotification(
                report=report,
                recipient=details.recipient,
                notified_on=details.notified_on,
                method=details.method,
                reference=details.reference.strip(),
                recorded_by=actor,
            )
            notifications.append(notification)
            involved += [
                InvolvedPerson(
                    notification=notification,
                    person_id=involvement.person_id,
                    name=involvement.name.strip(),
                    why=involvement.why.strip(),
                )
                for involvement in details.involved
            ]
            first = report.first_notified_on
            if first is None or details.notified_on < first:
                first = firsts[report.pk] = report.first_notified_on = details.notified_on
            meetings.append(ClockMeeting(report.clock, first, actor, about=notification.pk))
            entries.append(
                (
                    notification.pk,
                    PendingEntry(
                        AuditVerb.ABUSE_REPORT_NOTIFIED,
                        actor=actor,
                        target_type=TargetType.ABUSE_REPORT,
                        target_id=report.pk,
                        legal_basis=LegalBasis.DUTY_TO_REPORT,
                        payload={
                            "notification": str(notification.pk),
                            "recipient": details.recipient.code,
                            "notified_on": details.notified_on.isoformat(),
                            "method": details.method,
                            "persons": [
                                str(involvement.person_id)
                                if involvement.person_id
                                else "not on record"
                                for involvement in details.involved
                            ],
                            "late": report.was_late(),
                        },
                    ),
                )
            )
            if details.recipient.pk not in staff:
                staff[details.recipient.pk] = list(recipient_staff(details.recipient))
            messages.append(
                Message(
                    staff[details.recipient.pk],
                    subject="A report of child sexual abuse under the duty to report",
                    body=f"{agencies[report.reporter_agency_id].name} reported child sexual "
                    f"abuse to {details.recipient.name} on {details.notified_on:%-d %B %Y}. "
                    "Open the record to see who is believed to be involved, and why.",
                    link=f"/reporting-duty/{report.pk}/",
                )
            )
        # Numbered from the table's own counter before they are written (COPY numbers none).
        for person, number in zip(
            involved, WriteRun().ids(InvolvedPerson, len(involved)), strict=True
        ):
            person.pk = number
        rows = list(firsts.items())
        writes.first(lambda: update(AbuseReport, ["first_notified_on"], rows))
        writes.add_objects(DutyNotification, notifications)
        writes.add_objects(InvolvedPerson, involved)
        # Each notification's entries read as one alone writes them: its report's clock met
        # (by the first), then the notification.
        plan_clock_meetings(meetings, writes)
        for about, entry in entries:
            writes.audit(entry, about=about)
        # Each notification reaches the recipient's work list: its receipt.
        record_sent(
            "duty-to-report-notification",
            [
                Sent(n.pk, n.recipient_id, report.reporter_agency_id, n.recorded_at)
                for n, (report, _) in zip(notifications, notices, strict=True)
            ],
            actor=actor,
            writes=writes,
        )
        apply(writes)
        notify_each(messages)
    return notifications


@dataclass
class ObstructionDetails:
    occurred_on: date
    by_whom: str
    details: str


def record_obstruction(
    *, actor: User, report: AbuseReport, obstruction: ObstructionDetails
) -> ReportObstruction:
    """Record an attempt to prevent or deter a report (an offence under the Act). The
    police analysts of the forces for the child's area, and of any force already told,
    are told, and those forces can then see the record."""
    _require_may_act(actor, report)
    errors: dict[str, list[str]] = {}
    if obstruction.occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The date must be today or in the past"]
    if not obstruction.by_whom.strip():
        errors["by_whom"] = ["Enter who tried to stop the report"]
    elif len(obstruction.by_whom) > 200:
        errors["by_whom"] = ["Who must be 200 characters or fewer"]
    if not obstruction.details.strip():
        errors["details"] = ["Enter what they did or said"]
    elif len(obstruction.details) > TEXT_MAX_LENGTH:
        errors["details"] = [f"What happened must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = ReportObstruction.objects.create(
            report=report,
            occurred_on=obstruction.occurred_on,
            by_whom=obstruction.by_whom.strip(),
            details=obstruction.details.strip(),
            recorded_by=actor,
        )
        forces = list(police_of_area(report))
        analysts = list(
            User.objects.filter(agency__in=forces, role=Role.POLICE_ANALYST, is_active=True)
        )
        notify_users(
            analysts,
            subject="An attempt to stop a report of child sexual abuse",
            body=f"{report.reporter_agency.name} recorded that someone tried to prevent or "
            f"deter a report of child sexual abuse, on {obstruction.occurred_on:%-d %B %Y}. "
            "This may be an offence under the Crime and Policing Act 2026.",
            link=f"/reporting-duty/{report.pk}/",
        )
        record(
            AuditVerb.REPORT_OBSTRUCTION_RECORDED,
            actor=actor,
            target_type=TargetType.ABUSE_REPORT,
            target_id=report.pk,
            legal_basis=LegalBasis.DUTY_TO_REPORT,
            payload={
                "obstruction": str(row.pk),
                "occurred_on": obstruction.occurred_on.isoformat(),
                "forces": [force.code for force in forces],
                "told": [user.pk for user in analysts],
            },
        )
    return row


def flag_missed_deadlines(today: date | None = None) -> int:
    """Alert the reporter and their line manager once for each record whose deadline has
    passed without a notification, and write REPORTING_DEADLINE_MISSED. Idempotent: run
    it with the scheduled work, before the clocks' own escalation, which it then spares
    these clocks (so that the reporter is not told twice)."""
    today = today or timezone.localdate()
    missed = list(
        AbuseReport.objects.filter(
            first_notified_on__isnull=True,
            deadline_missed_at__isnull=True,
            clock__due_on__lt=today,
        )
        .filter(Q(delayed_until__isnull=True) | Q(delayed_until__lt=today))
        .select_related("clock", "reporter__manager", "reporter_agency")
    )
    flagged = 0
    for report in missed:
        with transaction.atomic():
            now = timezone.now()
            claimed = AbuseReport.objects.filter(
                pk=report.pk, deadline_missed_at__isnull=True, first_notified_on__isnull=True
            ).update(deadline_missed_at=now)
            if not claimed:
                continue  # another worker, or a notification, got there first
            Clock.objects.filter(pk=report.clock_id, escalated_at__isnull=True).update(
                escalated_at=now
            )
            recipients = [
                user for user in (report.reporter, report.reporter.manager) if user is not None
            ]
            notify_users(
                recipients,
                subject="Missed: a report of child sexual abuse was due",
                body=f"A report under the duty to report child sexual abuse was due by "
                f"{report.due_on:%-d %B %Y} and no notification to the police or the local "
                "authority has been recorded. Tell them now and record it, or record why "
                "you have not.",
                link=f"/reporting-duty/{report.pk}/",
                digest=Digest(
                    key=f"missed-duty-to-report:{today.isoformat()}",
                    subject="Missed: {count} reports of child sexual abuse were due",
                    body="{count} reports under the duty to report child sexual abuse passed "
                    "their deadline with no notification to the police or the local "
                    "authority recorded. Tell them now and record it, or record why not.",
                    link="/reporting-duty/",
                ),
            )
            record(
                AuditVerb.REPORTING_DEADLINE_MISSED,
                actor=None,
                target_type=TargetType.ABUSE_REPORT,
                target_id=report.pk,
                legal_basis=LegalBasis.DUTY_TO_REPORT,
                payload={
                    "due_on": report.due_on.isoformat(),
                    "reporter": report.reporter_id,
                    "told": [user.pk for user in recipients],
                },
            )
            flagged += 1
    return flagged
