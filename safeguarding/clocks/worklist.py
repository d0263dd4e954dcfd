"""Work lists from clocks: a worker's deadlines due now and the children they hold."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.policy import visible_person_condition
from safeguarding.access.roles import Role
from safeguarding.clocks.models import Clock
from safeguarding.clocks.queries import my_deadlines
from safeguarding.people.models import Person
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def deadlines_due(user: User) -> WorkList | None:
    """Deadlines due by the next working day; my_deadlines audits the children it names."""
    if not Clock.objects.filter(accountable=user).exists():
        return None
    mine = my_deadlines(user, limit=SHOWN)
    today = timezone.localdate()
    items = [
        WorkItem(
            what=clock.get_clock_type_display(),
            link=reverse("clocks:detail", args=[clock.pk]),
            whose=clock.person.full_name if clock.person else "",
            due=clock.due_on,
            overdue=clock.due_on < today,
            state="Overdue" if clock.due_on < today else "Due",
        )
        for clock in mine.clocks
    ]
    return WorkList(
        key="deadlines",
        title="Your deadlines due now",
        items=items,
        total=mine.total,
        see_all=reverse("clocks:dashboard"),
        see_all_text="All your deadlines",
        empty="None of your deadlines is due by the next working day.",
        order=10,
    )


def caseload(user: User) -> WorkList | None:
    """The children whose open clocks the user is accountable for, soonest due first."""
    open_clocks = Clock.objects.filter(
        accountable=user, met_on__isnull=True, cancelled_on__isnull=True, person__isnull=False
    )
    if not Clock.objects.filter(accountable=user).exists():
        return None
    rows = list(
        open_clocks.values("person_id")
        .annotate(next_due=Min("due_on"), open_count=Count("id"))
        .order_by("next_due", "person_id")
    )
    total = len(rows)
    rows = rows[:SHOWN]
    people = Person.objects.in_bulk([row["person_id"] for row in rows])
    today = timezone.localdate()
    items = [
        WorkItem(
            what=f"{row['open_count']} open deadline{'s' if row['open_count'] != 1 else ''}",
            link=reverse("web:person", args=[row["person_id"]]),
            whose=people[row["person_id"]].full_name,
            due=row["next_due"],
            overdue=row["next_due"] < today,
            records=(f"person:{row['person_id']}",),
        )
        for row in rows
        if row["person_id"] in people
    ]
    return WorkList(
        key="caseload",
        title="Your caseload",
        items=items,
        total=total,
        empty="No child's deadlines are yours.",
        order=20,
    )


# Who sees the authority's deadlines that nobody holds: those who pick up or allocate work.
UNALLOCATED_ROLES = frozenset({Role.PRACTITIONER, Role.TEAM_MANAGER})


def unallocated(user: User) -> WorkList | None:
    """Open deadlines at the user's local authority that no one is accountable for, about
    children the user may see, soonest due first: work to pick up or allocate."""
    if (
        user.role not in UNALLOCATED_ROLES
        or user.agency is None
        or not user.agency.is_local_authority
    ):
        return None
    nobody = Clock.objects.filter(
        authority_id=user.agency_id,
        accountable__isnull=True,
        met_on__isnull=True,
        cancelled_on__isnull=True,
        person__in=Person.objects.filter(visible_person_condition(user)).values("pk"),
    )
    clocks = list(nobody.select_related("person").order_by("due_on", "pk")[:SHOWN])
    today = timezone.localdate()
    items = [
        WorkItem(
            what=clock.get_clock_type_display(),
            link=reverse("clocks:detail", args=[clock.pk]),
            whose=clock.person.full_name if clock.person else "",
            due=clock.due_on,
            overdue=clock.due_on < today,
            state="Overdue" if clock.due_on < today else "Not allocated",
            records=(f"person:{clock.person_id}",) if clock.person_id else (),
        )
        for clock in clocks
    ]
    return WorkList(
        key="unallocated",
        title="Deadlines nobody holds yet",
        items=items,
        total=nobody.count(),
        see_all=reverse("clocks:dashboard"),
        see_all_text="Your authority's deadlines",
        empty="Every open deadline has someone accountable.",
        order=25,
    )


def register_providers() -> None:
    register("clocks.deadlines", deadlines_due)
    register("clocks.caseload", caseload)
    register("clocks.unallocated", unallocated)
