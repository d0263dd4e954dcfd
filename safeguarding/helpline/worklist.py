"""Work lists from the helpline: a caseworker's reports to act on, and the referrals the
helpline sent to an agency that can act. Neither shows what a report says."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.helpline.actions import hear_by
from safeguarding.helpline.models import Message, Report, ReportKey, Status
from safeguarding.helpline.queries import (
    REFERRAL_ROLES,
    is_helpline_staff,
    queue,
    referral_recipients_q,
    referrals_received_by,
)
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def reports(user: User) -> WorkList | None:
    """The open reports the caseworker may see: a child in danger first, then new reports,
    then reports the user holds whose last message is the reporter's, then the rest by
    the day received. The queue's own read is audited; like the queue, the list gives no
    count that would date a report."""
    if not is_helpline_staff(user):
        return None
    found = queue(user)
    held = set(ReportKey.objects.filter(user=user).values_list("report_id", flat=True))
    last_sender = (
        Message.objects.filter(report=OuterRef("pk")).order_by("-position").values("sender")[:1]
    )
    senders = dict(
        Report.objects.filter(pk__in=[report.pk for report in found if report.pk in held])
        .annotate(last=Subquery(last_sender))
        .values_list("pk", "last")
    )

    def state(report: Report) -> str:
        if report.child_in_danger:
            return "Child in danger"
        if report.status == Status.NEW:
            return "New"
        if senders.get(report.pk) == Message.Sender.REPORTER:
            return "Reply from the reporter"
        return "Yours" if report.pk in held else report.get_status_display()

    today = timezone.localdate()
    urgency = ["Child in danger", "New", "Reply from the reporter", "Yours"]
    ordered = sorted(
        ((state(report), report) for report in found),
        key=lambda pair: (
            urgency.index(pair[0]) if pair[0] in urgency else len(urgency),
            pair[1].received_on,
        ),
    )
    items = [
        WorkItem(
            what=f"Report {report.reference}",
            link=reverse("helpline:report", args=[report.pk]),
            whose=report.get_channel_display(),
            due=hear_by(report),
            state=label,
            overdue=report.child_in_danger or hear_by(report) < today,
        )
        for label, report in ordered[:SHOWN]
    ]
    return WorkList(
        key="helpline-reports",
        title="Reports and replies to act on",
        items=items,
        total=len(items),
        see_all=reverse("helpline:queue"),
        see_all_text="All helpline reports",
        empty="No open report is waiting.",
        order=10,
    )


def referrals_received(user: User) -> WorkList | None:
    """Referrals the helpline routed to the user's agency, for those who act on them and
    are neither named nor excluded by the report."""
    received = referrals_received_by(user)
    if received is None:
        return None
    rows = list(received[:SHOWN])
    if not rows:
        return None
    items = [
        WorkItem(
            what=f"Referral of report {referral.report.reference}",
            link=reverse("helpline:referral", args=[referral.pk]),
            whose=referral.report.helpline.name,
            state="Urgent" if referral.is_urgent else "Received",
            overdue=referral.is_urgent,
            records=(f"helpline-referral:{referral.pk}",),
        )
        for referral in rows
    ]
    return WorkList(
        key="helpline-referrals",
        title="Referrals from the helpline",
        items=items,
        total=received.count(),
        order=18,
        see_all=reverse("helpline:referrals"),
        see_all_text="All referrals from the helpline",
    )


def register_providers() -> None:
    register("helpline.reports", reports)
    register("helpline.referrals", referrals_received)
    register_hand_off(
        HandOff(
            kind="helpline-referral",
            description="A report to the helpline routed to an agency that can act",
            sent_to=_referral_kinds(),
            recipients=_referral_readers,
            work_list="helpline.referrals",
            listed_for=lambda user: user.role in REFERRAL_ROLES,
        )
    )


def _referral_kinds() -> frozenset[str]:
    """The agency kinds a caseworker may route a referral to (the route form's choices)."""
    for condition in referral_recipients_q().children:
        if isinstance(condition, tuple) and condition[0] == "kind__in":
            return frozenset(condition[1])
    return frozenset()


def _referral_readers(agency: Agency) -> list[User]:
    """Who at ``agency`` reads a referral of a report that neither names nor excludes
    them (referral_readers, before any report's own exclusions)."""
    return list(
        User.objects.filter(agency=agency, is_active=True, role__in=REFERRAL_ROLES).order_by("pk")
    )
