"""Reads of clocks: for a set of subjects, a person's, a worker's and a team's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.calendar import add_working_days
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType


def clocks_on(subjects: list[str]) -> dict[str, list[Clock]]:
    """Clocks keyed by subject, for pages that show the clocks on their records."""
    result: dict[str, list[Clock]] = {}
    for clock in Clock.objects.filter(subject__in=subjects).order_by("due_on"):
        result.setdefault(clock.subject, []).append(clock)
    return result


def my_open_clocks(user: User, *, today: date | None = None, limit: int = 20) -> list[Clock]:
    """The user's open clocks due within the next working day, or overdue."""
    return my_deadlines(user, today=today, limit=limit).clocks


@dataclass
class MyDeadlines:
    """A member of staff's own deadlines due by the next working day: how many are overdue
    and due soon, and the ``clocks`` due most recently, each with its child."""

    clocks: list[Clock]
    overdue: int
    due_soon: int

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon


def my_deadlines(user: User, *, today: date | None = None, limit: int = 20) -> MyDeadlines:
    """The user's own open clocks due by the next working day, those due latest first (the
    newest work, not the oldest backlog, leads), and the counts of all of them. Naming the
    children is a read of their records, so the list is audited."""
    today = today or timezone.localdate()
    mine = Clock.objects.filter(
        accountable=user,
        met_on__isnull=True,
        cancelled_on__isnull=True,
        due_on__lte=add_working_days(today, 1),
    )
    counts = mine.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count("id", filter=Q(due_on__gte=today)),
    )
    clocks = list(mine.select_related("person").order_by("-due_on", "-pk")[:limit])
    if clocks:
        record(
            AuditVerb.WORK_LIST_VIEWED,
            actor=user,
            target_type=TargetType.WORK_LIST,
            payload={
                "clocks": [clock.pk for clock in clocks],
                "persons": sorted({str(c.person_id) for c in clocks if c.person_id}),
            },
        )
    return MyDeadlines(clocks, counts["overdue"], counts["due_soon"])


@dataclass
class TeamRow:
    label: str
    overdue: int = 0
    due_soon: int = 0
    open: int = 0


@dataclass
class TeamDashboard:
    by_type: list[TeamRow] = field(default_factory=list)
    by_worker: list[TeamRow] = field(default_factory=list)
    unallocated: TeamRow = field(default_factory=lambda: TeamRow("Not yet allocated"))


def team_dashboard(user: User, *, today: date | None = None) -> TeamDashboard:
    """Open work at the user's authority by clock type and by worker: counts only, so it
    shows no child's details."""
    today = today or timezone.localdate()
    soon = add_working_days(today, 1)
    # Counted in the database, one row per clock type and worker: an authority has tens of
    # thousands of open clocks.
    counts = (
        # The authority's own work: clocks its staff hold, or nobody yet. A clock it times
        # for another agency's worker (a school's duty to report) is that agency's work.
        Clock.objects.filter(authority=user.agency, met_on__isnull=True, cancelled_on__isnull=True)
        .filter(Q(accountable__isnull=True) | Q(accountable__agency=user.agency))
        .values_list("clock_type", "accountable_id")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
        .order_by()
    )
    labels = dict(ClockType.choices)
    names = {u.pk: u.display_name for u in User.objects.filter(agency=user.agency)}
    by_type: dict[str, TeamRow] = {}
    by_worker: dict[int, TeamRow] = {}
    dashboard = TeamDashboard()
    for clock_type, accountable_id, open_count, overdue, due_soon in counts:
        targets = [by_type.setdefault(clock_type, TeamRow(str(labels.get(clock_type, clock_type))))]
        if accountable_id is None:
            targets.append(dashboard.unallocated)
        else:
            targets.append(by_worker.setdefault(accountable_id, TeamRow(names[accountable_id])))
        for row in targets:
            row.open += open_count
            row.overdue += overdue
            row.due_soon += due_soon
    dashboard.by_type = sorted(by_type.values(), key=lambda r: (-r.overdue, r.label))
    dashboard.by_worker = sorted(by_worker.values(), key=lambda r: (-r.overdue, r.label))
    return dashboard


def state_counts(clocks: list[Clock], today: date | None = None) -> Counter[str]:
    return Counter(str(clock.state(today)) for clock in clocks)


def access_clock(user: User, clock_id: int) -> Clock:
    """A clock, for its accountable professional and the managers and MASH of its authority."""
    from django.http import Http404

    from safeguarding.access.roles import Role

    clock = (
        Clock.objects.filter(pk=clock_id)
        .select_related("person", "accountable", "authority")
        .first()
    )
    if clock is None:
        raise Http404
    allowed = clock.accountable_id == user.pk or (
        user.agency_id == clock.authority_id and user.role in {Role.TEAM_MANAGER, Role.MASH_TRIAGE}
    )
    if not allowed:
        raise Http404
    return clock
