"""A report's life after triage: closing with an outcome, deletion after the retention
period, and the alerts and reminders that keep caseworkers on time.

Everything here that tells staff about something a reporter did runs on the day after,
from the daily batch (``daily``): an alert sent at the moment a reporter wrote would date
their message to the minute. Every function takes ``today`` so that tests, and the worker,
can move the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.actions import deadline
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.helpline import conflicts
from safeguarding.helpline.models import (
    Attachment,
    Message,
    Outcome,
    Report,
    ReportKey,
    Status,
)
from safeguarding.helpline.queries import can_see
from safeguarding.notifications.actions import Digest, notify_each
from safeguarding.notifications.actions import Message as Notice

# A closed report is deleted a year after it was closed, unless settings say otherwise:
# long enough for a reporter to come back about the outcome or complain to an ombudsman
# (12 months), and for the year's annual report; no longer, as a disclosure kept is a
# disclosure that can leak (docs/users/helpline.md).
DEFAULT_RETENTION_DAYS = 365
DELETION_WARNING_DAYS = 14
ACKNOWLEDGEMENT_REMINDER_DAYS = 2
FEEDBACK_REMINDER_DAYS = 14
QUEUE_LINK = "/helpline/staff/"


def retention_days() -> int:
    return int(getattr(settings, "HELPLINE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def deletion_due(report: Report) -> date | None:
    """The day a closed report's content will be deleted (None while it is open)."""
    if report.closed_on is None:
        return None
    return report.closed_on + timedelta(days=retention_days())


def _link(report: Report) -> str:
    return f"/helpline/staff/reports/{report.pk}/"


def caseworkers_of(report: Report) -> list[User]:
    """Who hears about a report: its active key holders, or, when nobody holds a key, the
    helpline's staff who may see it. Never anyone the report excludes or names."""
    excluded = set(report.excluded_users.values_list("pk", flat=True))
    named = set(report.named_agencies.values_list("pk", flat=True))
    holders = [
        key.user
        for key in ReportKey.objects.filter(report=report, user__is_active=True).select_related(
            "user"
        )
    ]
    if not holders:
        holders = list(
            User.objects.filter(agency=report.helpline_id, role=Role.HELPLINE_STAFF, is_active=True)
        )
    return [u for u in holders if u.pk not in excluded and u.agency_id not in named]


# Closing ----------------------------------------------------------------------------------


def close_report(*, actor: User, report: Report, outcome: str, today: date | None = None) -> Report:
    """Close a report with its outcome: its open clocks stop, and its content is deleted
    ``retention_days`` later unless it is reopened."""
    if not can_see(actor, report):
        raise PermissionDenied
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": ["Choose the outcome"]})
    if report.status == Status.QUARANTINED:
        raise ValidationError({"outcome": ["Release the report from quarantine first"]})
    if report.status == Status.CLOSED:
        raise ValidationError({"outcome": ["The report is already closed"]})
    today = today or timezone.localdate()
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=Status.CLOSED, outcome=outcome, closed_on=today, deletion_warned_on=None
        )
        report.status, report.outcome, report.closed_on = Status.CLOSED, outcome, today
        report.deletion_warned_on = None
        Clock.objects.filter(
            subject=report.subject, met_on__isnull=True, cancelled_on__isnull=True
        ).update(cancelled_on=today)
        record(
            AuditVerb.HELPLINE_REPORT_CLOSED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            payload={"outcome": outcome},
        )
    return report


def reopen_report(*, actor: User, report: Report) -> Report:
    """Reopen a closed report before its content is deleted."""
    if not can_see(actor, report):
        raise PermissionDenied
    if report.shredded_on is not None:
        raise ValidationError({"outcome": ["The report's content has been deleted"]})
    if report.status != Status.CLOSED:
        return report
    status = Status.ACKNOWLEDGED if report.acknowledged_on else Status.NEW
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=status, outcome="", closed_on=None, deletion_warned_on=None
        )
        report.status, report.outcome, report.closed_on = status, "", None
        record(
            AuditVerb.HELPLINE_REPORT_REOPENED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
        )
    return report


# Retention --------------------------------------------------------------------------------


def warn_before_deletion(today: date) -> int:
    """Tell a closed report's caseworkers DELETION_WARNING_DAYS before its deletion."""
    latest_closing = today - timedelta(days=retention_days() - DELETION_WARNING_DAYS)
    with transaction.atomic():
        due = list(
            Report.objects.select_for_update().filter(
                status=Status.CLOSED,
                shredded_on__isnull=True,
                deletion_warned_on__isnull=True,
                closed_on__lte=latest_closing,
            )
        )
        notices = []
        for report in due:
            when = deletion_due(report)
            assert when is not None
            notices.append(
                Notice(
                    caseworkers_of(report),
                    f"Helpline report {report.reference} will be deleted on {when:%-d %B %Y}",
                    f"Helpline report {report.reference} was closed on "
                    f"{report.closed_on:%-d %B %Y}. Its content, messages and files will be "
                    f"deleted on {when:%-d %B %Y}. Reopen it before then to keep it.",
                    _link(report),
                )
            )
        notify_each(notices)
        Report.objects.filter(pk__in=[r.pk for r in due]).update(deletion_warned_on=today)
    return len(due)


def shred_closed_reports(today: date) -> int:
    """Delete what closed reports say once their retention period has passed: every key
    (so that no copy of the database, however old, opens them again with a password or a
    receipt), the content, the messages and the files. The row stays, with its triage, so
    that the annual report's counts do not change. Referrals already sent are the
    receiving agency's records, kept under its own rules."""
    latest_closing = today - timedelta(days=retention_days())
    with transaction.atomic():
        due = list(
            Report.objects.select_for_update()
            .filter(status=Status.CLOSED, shredded_on__isnull=True, closed_on__lte=latest_closing)
            .values_list("pk", flat=True)
        )
        if not due:
            return 0
        ReportKey.objects.filter(report__in=due).delete()
        Attachment.objects.filter(report__in=due).delete()
        Message.objects.filter(report__in=due).delete()
        Report.objects.filter(pk__in=due).update(
            content=b"",
            receipt_tag="",
            receipt_hash="",
            receipt_salt=b"",
            receipt_wrapped_key=b"",
            recovery_wrapped_key=b"",
            submission_digest="",
            feedback_extension_reason="",
            shredded_on=today,
        )
        record(
            AuditVerb.HELPLINE_REPORTS_SHREDDED,
            actor=None,
            payload={"reports": [str(pk) for pk in due]},
        )
    return len(due)


# Alerts and reminders ---------------------------------------------------------------------


# New reports join one notification per person while it is unread, counting them.
NEW_REPORTS = Digest(
    key="helpline-new-reports",
    subject="{count} new helpline reports",
    body="{count} new reports are waiting in the helpline queue.",
    link=QUEUE_LINK,
)


def alert_new_reports(reports: list[Report]) -> int:
    """Tell each member of helpline staff how many new reports they may see (never what
    they say): called by the batch that takes reports in, the day after they came. The
    reports join the person's unread notification of new reports, if there is one."""
    return notify_each(
        [
            Notice(
                [user],
                "1 new helpline report",
                "1 new report is waiting in the helpline queue.",
                QUEUE_LINK,
                digest=NEW_REPORTS,
            )
            for report in reports
            for user in caseworkers_of(report)
        ]
    )


def alert_reporter_messages(today: date) -> int:
    """Tell a report's caseworkers that the reporter has written, from the next day."""
    with transaction.atomic():
        waiting = list(
            Message.objects.select_for_update()
            .filter(sender=Message.Sender.REPORTER, alerted=False, sent_on__lt=today)
            .select_related("report")
        )
        reports = {message.report_id: message.report for message in waiting}
        notify_each(
            [
                Notice(
                    caseworkers_of(report),
                    f"The reporter has added to helpline report {report.reference}",
                    f"The reporter has added information to helpline report "
                    f"{report.reference}. Unlock your key to read it.",
                    _link(report),
                )
                for report in reports.values()
                if report.shredded_on is None
            ]
        )
        Message.objects.filter(pk__in=[m.pk for m in waiting]).update(alerted=True)
    return len(reports)


def remind_due_clocks(today: date) -> int:
    """Remind caseworkers ACKNOWLEDGEMENT_REMINDER_DAYS before the 7-day acknowledgement
    falls due, and FEEDBACK_REMINDER_DAYS before the feedback; once each."""
    reminded = 0
    open_reports = Report.objects.filter(
        clocks_started=True, status__in=(Status.NEW, Status.ACKNOWLEDGED)
    )
    notices = []
    acknowledgements = []
    for report in open_reports.filter(acknowledged_on__isnull=True, acknowledgement_reminded=False):
        due = deadline(ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT, report.received_on)
        if due - today <= timedelta(days=ACKNOWLEDGEMENT_REMINDER_DAYS):
            acknowledgements.append(report.pk)
            notices.append(_reminder(report, "acknowledge the report", due))
    feedbacks = []
    open_feedback = {
        clock.subject: clock.due_on
        for clock in Clock.objects.filter(
            clock_type=ClockType.WHISTLEBLOWING_FEEDBACK,
            met_on__isnull=True,
            cancelled_on__isnull=True,
            due_on__lte=today + timedelta(days=FEEDBACK_REMINDER_DAYS),
        )
    }
    for report in open_reports.filter(feedback_reminded=False):
        due_on = open_feedback.get(report.subject)
        if due_on is not None:
            feedbacks.append(report.pk)
            notices.append(_reminder(report, "give the reporter feedback", due_on))
    with transaction.atomic():
        notify_each(notices)
        reminded += Report.objects.filter(pk__in=acknowledgements).update(
            acknowledgement_reminded=True
        )
        reminded += Report.objects.filter(pk__in=feedbacks).update(feedback_reminded=True)
    return reminded


def _reminder(report: Report, what: str, due: date) -> Notice:
    return Notice(
        caseworkers_of(report),
        f"Helpline report {report.reference}: {what} by {due:%-d %B %Y}",
        f"The helpline must {what} on report {report.reference} by {due:%A %-d %B %Y}.",
        _link(report),
    )


@dataclass(frozen=True)
class DailyResult:
    alerted: int
    reminded: int
    warned: int
    shredded: int
    keys_withdrawn: int

    @property
    def total(self) -> int:
        return self.alerted + self.reminded + self.warned + self.shredded + self.keys_withdrawn


def daily(today: date | None = None) -> DailyResult:
    """The helpline's daily work, run by the worker on each pass (idempotent)."""
    today = today or timezone.localdate()
    return DailyResult(
        alerted=alert_reporter_messages(today),
        reminded=remind_due_clocks(today),
        warned=warn_before_deletion(today),
        shredded=shred_closed_reports(today),
        keys_withdrawn=conflicts.withdraw_excluded_keys(today),
    )
