"""The demo builder for requests between forces and joint inspections: made through the
actions, and safe to run again."""

from __future__ import annotations

import pytest

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.collaboration.models import CollaborationRequest, Status
from safeguarding.demo.collaboration import build_collaboration_demo
from safeguarding.inspections.models import Inspection, InspectionAction
from tests.factories import make_agency, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_the_demo_builder_runs_twice_without_adding_twice():
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-NORTHBRIDGE")
    northbridge = make_agency(AgencyKind.POLICE_FORCE, code="POL-NB", home_authority=council)
    eastmoor = make_agency(AgencyKind.POLICE_FORCE, code="POL-EM", home_authority=council)
    make_user(Role.POLICE_ANALYST, northbridge, username="police")
    make_user(Role.POLICE_ANALYST, eastmoor, username="police-eastmoor")
    make_user(Role.TEAM_MANAGER, council, username="manager")
    first = build_collaboration_demo()
    assert (first.requests, first.inspections) == (1, 1)
    assert CollaborationRequest.objects.get().status == Status.ANSWERED
    inspection = Inspection.objects.get()
    assert inspection.inspectors.count() == 4
    assert InspectionAction.objects.get().owner.username == "manager"
    again = build_collaboration_demo()
    assert (again.requests, again.inspections) == (0, 0)
