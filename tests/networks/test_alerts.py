"""Alerts: raised at exactly three children known to two agencies and not below, once per
hub and updated as the network grows, to the MASH and police analysts involved only."""

from __future__ import annotations

import pytest

from safeguarding.access.actions import deactivate_user
from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.networks.actions import rebuild_networks
from safeguarding.networks.models import NetworkAlert, NodeKind
from safeguarding.notifications.models import Notification
from tests.factories import Area, make_agency, make_user
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]
SUBJECT = "Network alert: children linked across agencies"


def _told() -> set[str]:
    return set(
        Notification.objects.filter(subject=SUBJECT).values_list("recipient__username", flat=True)
    )


def test_three_children_known_to_two_agencies_raise_an_alert(area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.dsl, area.council, vehicle="A812 CDE"),
            Sighting(area.health, area.council),
        ]
    )
    result = rebuild_networks()
    assert result.alerts_raised == 1
    alert = NetworkAlert.objects.get()
    assert alert.hub_kind == NodeKind.VEHICLE
    assert (alert.children, alert.agencies) == (3, 2)
    entry = AuditEntry.objects.get(verb=AuditVerb.NETWORK_ALERT_RAISED)
    assert entry.target_id == str(alert.pk)
    assert len(entry.payload["children"]) == 3


def test_two_children_do_not_raise_an_alert(area: Area) -> None:
    plant([Sighting(area.dsl, area.council), Sighting(area.health, area.council)])
    assert rebuild_networks().alerts_raised == 0
    assert not NetworkAlert.objects.exists()
    assert _told() == set()


def test_three_children_known_to_one_agency_do_not_raise_an_alert(area: Area) -> None:
    plant([Sighting(area.dsl, area.council) for _ in range(3)])
    assert rebuild_networks().alerts_raised == 0
    assert _told() == set()


def test_thresholds_come_from_settings(area: Area, settings: object) -> None:
    settings.NETWORK_ALERT_MIN_CHILDREN = 2
    plant([Sighting(area.dsl, area.council), Sighting(area.health, area.council)])
    assert rebuild_networks().alerts_raised == 1


def test_the_alert_reaches_the_mash_and_police_analysts_involved_and_nobody_else(
    area: Area,
) -> None:
    """Children in two authorities' areas, one seen by a force of a third area: each
    authority's MASH officers and each force's analysts are told, across force
    boundaries; staff of uninvolved agencies and other roles are not."""
    far_council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-FAR")
    far_police = make_agency(AgencyKind.POLICE_FORCE, code="POL-FAR", home_authority=far_council)
    far_analyst = make_user(Role.POLICE_ANALYST, far_police, username="far-police")
    make_user(Role.MASH_TRIAGE, far_council, username="far-mash")
    second_mash = make_user(Role.MASH_TRIAGE, area.council, username="mash-2")
    deactivate_user(actor=None, user=make_user(Role.MASH_TRIAGE, area.council))
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council),
            Sighting(far_analyst, area.other_council),
        ]
    )
    rebuild_networks()
    assert _told() == {
        "mash",  # the council's MASH (two children in its area)
        second_mash.username,
        "other-mash",  # the other council's MASH (the third child's area)
        "police",  # the force covering the council
        "other-police",  # the force covering the other council
        "far-police",  # the force that recorded the third concern, from another area
    }


def test_an_alert_is_raised_once_and_updated_as_the_network_grows(area: Area) -> None:
    plant(
        [Sighting(area.dsl, area.council) for _ in range(2)] + [Sighting(area.health, area.council)]
    )
    rebuild_networks()
    alert = NetworkAlert.objects.get()
    told_first = Notification.objects.filter(subject=SUBJECT).count()
    assert told_first == 2  # the council's MASH and its force's analyst

    assert rebuild_networks(force=True).alerts_raised == 0  # nothing new: not repeated
    assert Notification.objects.filter(subject=SUBJECT).count() == told_first

    # A fourth child, in the other council's area: the alert is updated, and only those
    # newly involved are told.
    plant([Sighting(area.other_police_analyst, area.other_council)])
    result = rebuild_networks()
    assert (result.alerts_raised, result.alerts_updated) == (0, 1)
    alert.refresh_from_db()
    assert NetworkAlert.objects.count() == 1
    assert alert.children == 4
    assert Notification.objects.filter(subject=SUBJECT).count() == told_first + 2
    assert _told() == {"mash", "police", "other-mash", "other-police"}
    entries = AuditEntry.objects.filter(verb=AuditVerb.NETWORK_ALERT_RAISED).order_by("sequence")
    assert [e.payload["updated"] for e in entries] == [False, True]


def test_the_alert_carries_no_names(area: Area) -> None:
    plant(
        [Sighting(area.dsl, area.council) for _ in range(2)] + [Sighting(area.health, area.council)]
    )
    rebuild_networks()
    notification = Notification.objects.filter(subject=SUBJECT).first()
    assert notification is not None
    for name in ("Amelia", "Bethany", "Chloe", "Darren", "Pike", "AB12"):
        assert name not in notification.body
    assert notification.link.startswith("/networks/alerts/")
