"""The scheduled work that `safeguarding worker` runs on every pass.

Each job is idempotent, so a pass can be repeated, interrupted or run by two workers at
once. The order matters where one job spares another: missed duty-to-report deadlines are
flagged before the clocks' own escalation, which then leaves those clocks alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone


@dataclass
class PassResult:
    """What one pass did: for each job, the count it reports."""

    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.counts.items())


def _helpline_clocks(today: date) -> int:
    from safeguarding.helpline.actions import start_pending_clocks

    return start_pending_clocks(actor=None, today=today)


def _helpline_quarantine(today: date) -> int:
    from safeguarding.helpline.actions import purge_quarantine

    return purge_quarantine(today=today)


def _helpline_daily(today: date) -> int:
    from safeguarding.helpline.lifecycle import daily

    return daily(today).total


def _missed_reporting_deadlines(today: date) -> int:
    from safeguarding.reportingduty.actions import flag_missed_deadlines

    return flag_missed_deadlines(today)


def _expired_warning_notices(today: date) -> int:
    from safeguarding.warningnotices.actions import expire_notices

    return expire_notices(today)


def _networks(today: date) -> int:
    from safeguarding.networks.actions import rebuild_networks

    return rebuild_networks().alerts_raised


def _overdue_collaboration_requests(today: date) -> int:
    from safeguarding.collaboration.actions import notify_overdue_requests

    return notify_overdue_requests(today)


def _overdue_inspection_actions(today: date) -> int:
    from safeguarding.inspections.actions import notify_overdue_actions

    return notify_overdue_actions(today)


def escalate_hand_offs(today: date, *, after: int | None = None) -> int:
    """Hand-offs that nobody at the receiving agency opened within ``after`` working days
    of the day they were sent (the setting HAND_OFF_ESCALATION_WORKING_DAYS by default)
    are escalated once: the agency's managers are told (the national taskforce, where it
    has none), in one notification each however many there are, and the sender sees the
    escalation on the item's page. Returns how many were escalated."""
    from datetime import datetime, time, timedelta

    from django.conf import settings
    from django.db import transaction

    from safeguarding.access.models import Agency, User
    from safeguarding.clocks.calendar import is_working_day
    from safeguarding.notifications.actions import Digest, Message, notify_each
    from safeguarding.worklists.actions import mark_escalated
    from safeguarding.worklists.handoffs import hand_offs, taskforce
    from safeguarding.worklists.queries import unreceived_since

    days = settings.HAND_OFF_ESCALATION_WORKING_DAYS if after is None else after
    # The last day from which ``days`` working days have passed by today: counting back
    # from today, the day before the ``days``th working day. Anything sent on it or before
    # is due; one query finds them all, however old.
    last, counted = today, 0
    while counted < days:
        counted += is_working_day(last)
        last -= timedelta(days=1)
    registered = hand_offs()
    due = [
        receipt
        for receipt in unreceived_since(
            timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
        )
        if receipt.kind in registered
    ]
    if not due:
        return 0
    digest = Digest(
        key="hand-offs-escalated",
        subject="{count} hand-offs to your agency not opened in time",
        body=f"{{count}} things sent to your agency were not opened within {days} working "
        "days. They are on the work lists of the staff who receive them.",
        link="/",
    )
    with transaction.atomic():
        marked = mark_escalated(due)
        managers: dict[tuple[str, int], list[User]] = {}
        fallback: list[User] | None = None
        messages = []
        for receipt in marked:
            agency: Agency = receipt.to_agency
            hand_off = registered[receipt.kind]
            # "A concern sent to the local authority's MASH", mid-sentence.
            what = hand_off.description[:1].lower() + hand_off.description[1:]
            told = managers.get((receipt.kind, agency.pk))
            if told is None:
                told = list(hand_off.managers(agency))
                if not told:
                    fallback = taskforce() if fallback is None else fallback
                    told = fallback
                managers[(receipt.kind, agency.pk)] = told
            messages.append(
                Message(
                    told,
                    subject=f"Not opened in {days} working days: {what}",
                    body=f"Sent to {agency.name} on {timezone.localtime(receipt.sent_at):%-d %B %Y}"
                    f" and not yet opened by anyone there who can act on it: "
                    f"{what}.",
                    link="/",
                    digest=digest,
                )
            )
        notify_each(messages)
    return len(marked)


def _hand_offs_not_opened(today: date) -> int:
    return escalate_hand_offs(today)


def _retention(today: date) -> int:
    from safeguarding.retention.run import daily

    return daily(today)


def _pending_emails(today: date) -> int:
    from safeguarding.notifications.actions import send_pending_emails

    return send_pending_emails()


def _audit_checkpoint(today: date) -> int:
    """A signed checkpoint of the audit head, appended outside the database, so that
    verify-audit can tell a log cut short with its head rewritten (audit/checkpoints.py)."""
    from pathlib import Path

    from django.conf import settings

    from safeguarding.audit.checkpoints import write_checkpoint

    if not settings.AUDIT_CHECKPOINT_FILE:
        return 0
    write_checkpoint(Path(settings.AUDIT_CHECKPOINT_FILE))
    return 1


def _clock_reminders_and_escalations(today: date) -> tuple[int, int]:
    from safeguarding.clocks.actions import escalate_clocks

    result = escalate_clocks(today)
    return result.reminded, result.escalated


# (name printed, job), run in this order.
JOBS: list[tuple[str, Callable[[date], int]]] = [
    ("helpline report(s) taken in", _helpline_clocks),
    ("quarantined helpline report(s) purged", _helpline_quarantine),
    ("helpline alert(s), reminder(s) and deletion(s)", _helpline_daily),
    ("missed duty-to-report deadline(s)", _missed_reporting_deadlines),
    ("warning notice(s) expired", _expired_warning_notices),
    ("network alert(s) raised", _networks),
    ("overdue request(s) between forces", _overdue_collaboration_requests),
    ("overdue inspection action(s)", _overdue_inspection_actions),
    ("hand-off(s) not opened in time escalated", _hand_offs_not_opened),
    ("person(s) erased at the end of their retention period", _retention),
]


def run_pass(today: date | None = None) -> PassResult:
    today = today or timezone.localdate()
    result = PassResult()
    for name, job in JOBS:
        result.counts[name] = job(today)
    reminded, escalated = _clock_reminders_and_escalations(today)
    result.counts["reminder(s)"] = reminded
    result.counts["escalation(s)"] = escalated
    # Last, so that emails the jobs above left unsent by a crash are sent in the next pass.
    result.counts["email(s) from the outbox"] = _pending_emails(today)
    # After every job, so that the checkpoint covers what this pass wrote.
    result.counts["audit checkpoint(s)"] = _audit_checkpoint(today)
    return result
