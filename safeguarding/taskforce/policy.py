"""Who may use the national dashboard, record the online-abuse pipeline and see police
capacity. Decisions read role sets, never role names in views."""

from __future__ import annotations

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import AGGREGATE_ONLY_ROLES, Role

# De-identified national figures: taskforce analysts and inspectors.
DASHBOARD_ROLES = AGGREGATE_ONLY_ROLES | {Role.INSPECTOR}
# Police staff who record what became of suspects from online-abuse referrals, and who see
# their own force's capacity.
POLICE_PIPELINE_ROLES = frozenset({Role.POLICE_ANALYST, Role.TEAM_MANAGER})


def reads_dashboard(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in DASHBOARD_ROLES)


def _at_police_force(user: User) -> bool:
    return user.agency is not None and user.agency.kind == AgencyKind.POLICE_FORCE


def records_pipeline(user: User) -> bool:
    return does_case_work(user) and user.role in POLICE_PIPELINE_ROLES and _at_police_force(user)


def sees_force_capacity(user: User) -> bool:
    """Police team managers and analysts see their own force's officers and teams."""
    return records_pipeline(user)
