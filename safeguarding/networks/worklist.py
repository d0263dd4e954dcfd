"""Work list from networks: the alerts the user was told of, one per network."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.networks.actions import HUB_WORDS, alert_recipients
from safeguarding.networks.models import NetworkAlert
from safeguarding.networks.policy import uses_networks
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register

# Alerts are few (one per hub, updated rather than repeated); the newest this many are
# read to find the user's, since the recipients are kept in a JSON list.
RECENT = 500


def network_alerts(user: User) -> WorkList | None:
    """Alerts raised to the user, newest change first: counts only, no identities."""
    if not uses_networks(user):
        return None
    mine = [
        alert
        for alert in NetworkAlert.objects.order_by("-updated_at")[:RECENT]
        if user.pk in alert.told
    ]
    items = [
        WorkItem(
            what=f"{alert.children} children known to {alert.agencies} agencies, "
            f"connected to {HUB_WORDS.get(alert.hub_kind, 'one place')}",
            link=reverse("networks:alert", args=[alert.pk]),
            state="Updated" if alert.updated_at != alert.raised_at else "New",
        )
        for alert in mine[:SHOWN]
    ]
    return WorkList(
        key="network-alerts",
        title="Network alerts",
        items=items,
        total=len(mine),
        see_all=reverse("networks:list"),
        see_all_text="All networks",
        empty="No network alert has been raised to you.",
        order=30,
    )


def register_providers() -> None:
    register("networks.alerts", network_alerts)
    register_hand_off(
        HandOff(
            kind="network-alert",
            description="A network of children linked across agencies, raised to the MASH "
            "and the police",
            sent_to=frozenset({AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE}),
            recipients=lambda agency: alert_recipients({agency.pk}, set(), {}),
            work_list="networks.alerts",
            listed_for=uses_networks,
        )
    )
