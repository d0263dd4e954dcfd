"""Every section a role is offered opens for that role; sections it cannot use are hidden."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.web.navigation import items_for
from tests.factories import Area, make_agency, make_user

pytestmark = pytest.mark.django_db


def everyone(area: Area) -> list[User]:
    voluntary = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, home_authority=area.council)
    extra = [
        make_user(Role.HR_FINANCE, area.council),
        make_user(Role.FUND_ADMINISTRATOR, area.taskforce),
        make_user(Role.PRACTITIONER, voluntary),
        make_user(Role.HELPLINE_STAFF, make_agency(AgencyKind.HELPLINE)),
    ]
    return [
        area.practitioner,
        area.manager,
        area.mash,
        area.dsl,
        area.police_analyst,
        area.health,
        area.taskforce_analyst,
        area.auditor,
        area.admin,
        *extra,
    ]


def test_every_offered_section_opens(area: Area, client_for: Callable[[User], Client]) -> None:
    for user in everyone(area):
        client = client_for(user)
        for item in items_for(user):
            response = client.get(reverse(item.url_name))
            assert response.status_code == 200, (user.role, user.agency, item)


def test_sections_follow_the_role(area: Area) -> None:
    names = {user.pk: {item.url_name for item in items_for(user)} for user in everyone(area)}
    assert "therapy:breaches" in names[area.taskforce_analyst.pk]
    assert "people:search" not in names[area.taskforce_analyst.pk]
    assert "warningnotices:register" in names[area.police_analyst.pk]
    assert "exitpayments:register" not in names[area.practitioner.pk]
    assert "web:audit-log" in names[area.auditor.pk]
    assert not names[area.admin.pk] & {"people:search", "therapy:referrals", "helpline:queue"}
