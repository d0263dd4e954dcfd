"""Work lists for the taskforce, in counts only (the taskforce never sees a record): forces
whose online-abuse suspects wait to be allocated, and areas where networks of linked
children were found."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import AGGREGATE_ONLY_ROLES
from safeguarding.govuk.statistics import suppress
from safeguarding.networks.models import NetworkAlert
from safeguarding.taskforce.models import OnlineAbuseSuspect
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def awaiting_allocation(user: User) -> WorkList | None:
    """Forces with suspects identified by the national centre and not yet allocated to an
    officer, most first; counts under 5 are shown as "fewer than 5"."""
    if user.role not in AGGREGATE_ONLY_ROLES:
        return None
    rows = list(
        OnlineAbuseSuspect.objects.filter(
            allocated_on__isnull=True,
            charged_on__isnull=True,
            no_further_action_on__isnull=True,
        )
        .values("force_id")
        .annotate(waiting=Count("id"))
        .order_by("-waiting", "force_id")
    )
    forces = Agency.objects.in_bulk([row["force_id"] for row in rows[:SHOWN]])
    items = [
        WorkItem(
            what=f"{suppress(row['waiting'])} suspects not yet allocated to an officer",
            link=reverse("taskforce:dashboard"),
            whose=forces[row["force_id"]].name,
            state="Awaiting allocation",
        )
        for row in rows[:SHOWN]
    ]
    return WorkList(
        key="suspects-awaiting-allocation",
        title="Forces with online-abuse suspects awaiting allocation",
        items=items,
        total=len(rows),
        see_all=reverse("taskforce:dashboard"),
        see_all_text="The national dashboard",
        empty="Every suspect identified has been allocated.",
        order=20,
    )


# How far back the national view of network alerts looks.
ALERT_DAYS = 90


def network_alerts_by_area(user: User) -> WorkList | None:
    """Local authority areas where networks of children linked across agencies were raised
    or grew in the last 90 days, most first, in counts only."""
    if user.role not in AGGREGATE_ONLY_ROLES:
        return None
    since = timezone.now() - timedelta(days=ALERT_DAYS)
    authorities = dict(
        Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY).values_list("pk", "name")
    )
    counts: Counter[int] = Counter()
    for agency_ids in NetworkAlert.objects.filter(updated_at__gte=since).values_list(
        "agency_ids", flat=True
    ):
        counts.update({pk for pk in agency_ids if pk in authorities})
    rows = counts.most_common()
    items = [
        WorkItem(
            what=f"{suppress(count)} network alerts",
            link=reverse("taskforce:dashboard"),
            whose=authorities[pk],
            state="Raised or grew",
        )
        for pk, count in rows[:SHOWN]
    ]
    return WorkList(
        key="network-alerts-by-area",
        title=f"Areas with network alerts in the last {ALERT_DAYS} days",
        items=items,
        total=len(rows),
        see_all=reverse("taskforce:dashboard"),
        see_all_text="The national dashboard",
        empty="No network alert was raised in the last 90 days.",
        order=25,
    )


def register_providers() -> None:
    register("taskforce.awaiting_allocation", awaiting_allocation)
    register("taskforce.network_alerts", network_alerts_by_area)
