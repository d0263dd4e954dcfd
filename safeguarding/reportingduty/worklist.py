"""Work list from the duty to report: a reporter's records still to be reported, and the
reports of abuse made to the user's police force or local authority."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.reportingduty.actions import RECIPIENT_KINDS, recipient_staff
from safeguarding.reportingduty.models import AbuseReport, DutyNotification
from safeguarding.reportingduty.queries import visible_reports
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register

# How long a report made to the user's agency stays on their work list.
RECEIVED_DAYS = 30


def receives_reports(user: User) -> bool:
    """Whether the user is among the staff a report under the duty is sent to."""
    return (
        user.agency is not None
        and user.agency.kind in RECIPIENT_KINDS
        and recipient_staff(user.agency).filter(pk=user.pk).exists()
    )


def duty_to_report(user: User) -> WorkList | None:
    """The user's own records not yet reported, then reports made to their agency in the
    last 30 days. Both name the child, so the home page's read is audited."""
    if not does_case_work(user) or user.agency is None:
        return None
    since = timezone.localdate() - timedelta(days=RECEIVED_DAYS)
    received = DutyNotification.objects.filter(
        report=OuterRef("pk"), recipient=user.agency, notified_on__gte=since
    )
    mine = Q(reporter=user, first_notified_on__isnull=True)
    if receives_reports(user):
        mine |= Q(Exists(received))
    found = visible_reports(user).filter(mine).select_related("child", "reporter_agency", "clock")
    rows: list[AbuseReport] = list(found.order_by("-aware_on", "-opened_at")[:SHOWN])
    if not rows:
        return None
    today = timezone.localdate()
    items = [
        WorkItem(
            what=(
                "Report to the police or local authority"
                if report.reporter_id == user.pk and report.first_notified_on is None
                else f"Reported by {report.reporter_agency.name}"
            ),
            link=reverse("reportingduty:report", args=[report.pk]),
            whose=report.child.full_name,
            due=report.clock.due_on
            if report.clock_id and report.first_notified_on is None
            else None,
            overdue=bool(
                report.clock_id and report.first_notified_on is None and report.clock.due_on < today
            ),
            state="Not yet reported" if report.first_notified_on is None else "Reported",
            records=(f"person:{report.child_id}",),
        )
        for report in rows
    ]
    return WorkList(
        key="duty-to-report",
        title="Duty to report child sexual abuse",
        items=items,
        total=found.count(),
        see_all=reverse("reportingduty:list"),
        see_all_text="All duty-to-report records",
        order=35,
    )


def register_providers() -> None:
    register("reportingduty.records", duty_to_report)
    register_hand_off(
        HandOff(
            kind="duty-to-report-notification",
            description="A report of child sexual abuse made under the duty to report",
            sent_to=RECIPIENT_KINDS,
            recipients=recipient_staff,
            work_list="reportingduty.records",
            listed_for=receives_reports,
        )
    )
