"""Every page a role's navigation offers opens for that role: one member of staff in every
role at every kind of agency that may hold it, each following every link of their own
navigation. The national figures' pages, the online-abuse pipeline and the therapy waits
are among them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.web.navigation import items_for
from tests.factories import Area, make_agency, make_user

pytestmark = pytest.mark.django_db


def _agency_of(kind: str, area: Area) -> Agency:
    existing = {
        AgencyKind.LOCAL_AUTHORITY: area.council,
        AgencyKind.POLICE_FORCE: area.police,
        AgencyKind.SCHOOL: area.school,
        AgencyKind.NHS_BODY: area.nhs,
        AgencyKind.NATIONAL_BODY: area.taskforce,
    }
    if kind in existing:
        return existing[kind]
    return make_agency(kind, code=f"NAV-{kind}".upper(), name=f"Navigation {kind}")


def _everyone(area: Area) -> list[User]:
    """One member of staff for every role and kind of agency the service accepts."""
    agencies = [_agency_of(kind, area) for kind in AgencyKind.values]
    staff = []
    for role in Role.values:
        if role == Role.SYSTEM_INTEGRATION:
            continue  # an agency's system never signs in to the pages
        for agency in [*agencies, None]:
            try:
                staff.append(make_user(role, agency))
            except ValidationError:
                continue  # a role this kind of agency cannot hold
    return staff


def test_every_page_a_roles_navigation_offers_opens_for_it(area: Area, client_for):
    staff = _everyone(area)
    assert {user.role for user in staff} == set(Role.values) - {Role.SYSTEM_INTEGRATION}
    refused = []
    for user in staff:
        client = client_for(user)
        for item in items_for(user):
            status = client.get(reverse(item.url_name)).status_code
            if status != 200:
                refused.append((user.role, user.agency.kind if user.agency else None, item, status))
    assert refused == []


def test_the_taskforce_and_an_nhs_team_manager_are_offered_the_figures_they_use(area: Area):
    nhs_manager = make_user(Role.TEAM_MANAGER, area.nhs)
    assert "taskforce:suspects" in {item.url_name for item in items_for(area.taskforce_analyst)}
    assert "therapy:breaches" in {item.url_name for item in items_for(nhs_manager)}


def test_the_taskforce_sees_every_forces_pipeline_as_counts_only(area: Area, client_for):
    from safeguarding.taskforce.refresh import refresh
    from tests.taskforce.conftest import build_picture

    build_picture(area)
    refresh(full=True)
    body = client_for(area.taskforce_analyst).get("/taskforce/online-abuse/?year=2025")
    assert body.status_code == 200
    text = body.content.decode()
    assert "Online abuse pipeline by force" in text
    assert area.police.name in text
    assert "SUS-" not in text  # no suspect's reference
    # The force's own staff still get their list of suspects.
    own = client_for(area.police_analyst).get("/taskforce/online-abuse/")
    assert "SUS-" in own.content.decode()
