"""The demo builder plants two networks that each raise an alert."""

from __future__ import annotations

import pytest

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.demo.area import LOCAL_AUTHORITY
from safeguarding.demo.networks import build_demo_networks
from safeguarding.networks.models import Cluster, NetworkAlert, NodeKind
from tests.factories import make_agency, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_the_demo_networks_are_found_and_alerted() -> None:
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code=LOCAL_AUTHORITY[0])
    for code, kind, role in [
        (LOCAL_AUTHORITY[0], None, Role.PRACTITIONER),
        ("SCH-DENHOLME", AgencyKind.SCHOOL, Role.DESIGNATED_SAFEGUARDING_LEAD),
        ("NHS-NORTHBRIDGE", AgencyKind.NHS_BODY, Role.PRACTITIONER),
        ("POL-NORTHBRIDGE", AgencyKind.POLICE_FORCE, Role.POLICE_ANALYST),
        ("POL-EASTMOOR", AgencyKind.POLICE_FORCE, Role.POLICE_ANALYST),
        ("VOL-HARBOUR", AgencyKind.VOLUNTARY_ORGANISATION, Role.PRACTITIONER),
    ]:
        agency = council if kind is None else make_agency(kind, code=code, home_authority=council)
        make_user(role, agency)
    make_user(Role.MASH_TRIAGE, council)

    result = build_demo_networks()
    assert result.clusters == 2
    assert sorted(Cluster.objects.values_list("children", flat=True)) == [3, 4]
    assert {alert.hub_kind for alert in NetworkAlert.objects.all()} >= {
        NodeKind.ADULT,
        NodeKind.VEHICLE,
        NodeKind.PHONE,
    }
    # Built again, the same concerns are updated: nothing new, no new alert.
    again = build_demo_networks()
    assert again.clusters == 2
    assert again.alerts_raised == 0
