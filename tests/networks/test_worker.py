"""The worker's pass builds the networks and raises their alerts."""

from __future__ import annotations

import pytest

from safeguarding.networks.models import Cluster, NetworkAlert
from safeguarding.scheduled import run_pass
from tests.factories import Area
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_a_worker_pass_builds_networks_and_raises_alerts_once(area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council),
            Sighting(area.police_analyst, area.council),
        ]
    )
    assert run_pass().counts["network alert(s) raised"] == 1
    assert Cluster.objects.count() == 1
    assert NetworkAlert.objects.count() == 1
    assert run_pass().counts["network alert(s) raised"] == 0
