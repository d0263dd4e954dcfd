"""The demo builder records through the actions and can run again."""

from __future__ import annotations

import pytest

from safeguarding.taskforce.demo import DEMO_SUSPECTS, build_demo_taskforce
from safeguarding.taskforce.models import OnlineAbuseSuspect, StatisticalNeighbour
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_the_demo_builder_is_safe_to_run_again(area: Area):
    build_demo_taskforce(police_analyst=area.police_analyst)
    result = build_demo_taskforce(police_analyst=area.police_analyst)
    assert OnlineAbuseSuspect.objects.count() == DEMO_SUSPECTS
    assert StatisticalNeighbour.objects.filter(area=area.council).count() == 1
    assert result.figures > 0
