"""The retention run: find each person whose records have all passed their retention
period, tell the agencies holding them ahead (RETENTION_NOTICE_DAYS before), and erase
them when due, unless a legal hold applies.

Each person is erased in a transaction of their own (erase_person), so a run stopped
halfway leaves every person whole or gone, and the next run goes on where it stopped. A
run repeated the same day erases no one twice and tells no one twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.policy import agencies_holding, does_case_work
from safeguarding.access.roles import BREAK_GLASS_NOTIFIED_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.notifications.actions import Digest, Message, notify_each
from safeguarding.people.models import Person, PersonKind
from safeguarding.records.holdings import held_about
from safeguarding.retention.actions import erase_person, holds_applying
from safeguarding.retention.models import Erasure, RetentionNotice, RetentionRun
from safeguarding.retention.schedule import _years_after, due_on, schedule, youngest_age


@dataclass
class RunResult:
    dry_run: bool
    checked: int = 0
    erased: list[uuid.UUID] = field(default_factory=list)
    held: list[uuid.UUID] = field(default_factory=list)
    told: int = 0

    def summary(self) -> str:
        verb = "would be erased" if self.dry_run else "erased"
        return (
            f"{self.checked:,} person(s) checked, {len(self.erased):,} {verb}, "
            f"{len(self.held):,} kept by a legal hold, {self.told:,} agency notice(s) "
            f"{'to send' if self.dry_run else 'sent'}"
        )


def candidates(today: date, notice_days: int) -> list[tuple[uuid.UUID, date | None, bool]]:
    """The people whose records could be due within the notice period, with whether each
    is a child: children born at least the youngest age ago (every child, when some rule
    keeps by years alone), and adults only when some rule keeps by years (for_adults)."""
    rules = schedule()
    youngest = youngest_age(rules)
    people = Person.objects.order_by("date_of_birth", "pk")
    children = people.filter(kind=PersonKind.CHILD)
    if youngest is not None:
        latest_birth = _years_after(today + timedelta(days=notice_days), -youngest)
        children = children.filter(date_of_birth__lte=latest_birth)
    found = [(pk, born, True) for pk, born in children.values_list("pk", "date_of_birth")]
    if any(rule.years is not None for rule in rules.values()):
        adults = people.exclude(kind=PersonKind.CHILD).values_list("pk", "date_of_birth")
        found += [(pk, born, False) for pk, born in adults]
    return found


def _recipients(agency: Agency) -> list[User]:
    """An agency's team managers and safeguarding leads or, where it has none, everyone
    there who does case work (as break-glass notices)."""
    staff = list(User.objects.filter(agency=agency, is_active=True))
    managers = [u for u in staff if u.role in BREAK_GLASS_NOTIFIED_ROLES]
    return managers or [u for u in staff if does_case_work(u)]


def _tell(person_id: uuid.UUID, due: date, notice_days: int) -> int:
    """Tell each agency holding the person's records, once for this day: in one digest
    per recipient, naming no one (the link opens the record for those who may see it)."""
    digest = Digest(
        key="retention-due",
        subject="{count} records your agency holds are due for erasure",
        body=f"{{count}} records your agency holds reach the end of their retention period "
        f"within {notice_days} days and will then be erased. If one must be kept, ask "
        "information governance to place a legal hold.",
        link="/",
    )
    told = []
    messages = []
    with transaction.atomic():
        for agency in Agency.objects.filter(pk__in=agencies_holding(person_id)).order_by("code"):
            _, created = RetentionNotice.objects.get_or_create(
                person_id=person_id, agency=agency, due_on=due
            )
            if not created:
                continue
            told.append(agency.code)
            messages.append(
                Message(
                    _recipients(agency),
                    subject=f"A record is due for erasure on {due:%-d %B %Y}",
                    body=f"A record your agency holds reaches the end of its retention period "
                    f"on {due:%-d %B %Y} and will then be erased. If it must be kept, ask "
                    "information governance to place a legal hold.",
                    link=f"/people/{person_id}/",
                    digest=digest,
                )
            )
        if told:
            notify_each(messages)
            record(
                AuditVerb.RETENTION_NOTICE_SENT,
                actor=None,
                target_type=TargetType.PERSON,
                target_id=person_id,
                payload={"agencies": told, "due_on": due.isoformat()},
            )
    return len(told)


def run_retention(
    *,
    today: date | None = None,
    dry_run: bool = False,
    notice_days: int | None = None,
    progress: Callable[[int], object] | None = None,
    total: Callable[[int], object] | None = None,
) -> RunResult:
    today = today or timezone.localdate()
    notice_days = settings.RETENTION_NOTICE_DAYS if notice_days is None else notice_days
    rules = schedule()
    kinds = dict(Agency.objects.values_list("code", "kind"))
    people = candidates(today, notice_days)
    if total is not None:
        total(len(people))
    result = RunResult(dry_run=dry_run)
    run = RetentionRun.objects.create(day=today, dry_run=dry_run)
    for person_id, born, child in people:
        result.checked += 1
        items = held_about(person_id)
        due = due_on(born, items, kinds, rules, child=child)
        if due is not None and due <= today:
            if holds_applying(person_id, items):
                result.held.append(person_id)
            elif dry_run:
                result.erased.append(person_id)
            else:
                erase_person(
                    person_id,
                    actor=None,
                    reason=f"Retention period ended on {due:%-d %B %Y} (retention schedule)",
                    cause=Erasure.Cause.RETENTION,
                )
                result.erased.append(person_id)
        elif due is not None and due <= today + timedelta(days=notice_days):
            if dry_run:
                result.told += len(agencies_holding(person_id))
            else:
                result.told += _tell(person_id, due, notice_days)
        if progress is not None:
            progress(1)
    RetentionRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        checked=result.checked,
        erased=len(result.erased),
        held=len(result.held),
        told=result.told,
    )
    return result


def daily(today: date) -> int:
    """The worker's job: one run a day (the first pass after midnight); later passes that
    day do nothing. Returns how many people it erased."""
    if RetentionRun.objects.filter(day=today, dry_run=False, finished_at__isnull=False).exists():
        return 0
    return len(run_retention(today=today).erased)
