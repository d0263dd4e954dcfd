"""Who may take part in requests between police forces."""

from __future__ import annotations

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import Role

# Staff of a police force who make, receive and answer requests from other forces.
COLLABORATION_ROLES = frozenset({Role.POLICE_ANALYST, Role.TEAM_MANAGER})
# Agency systems may list and answer requests through the API as well.
COLLABORATION_API_ROLES = COLLABORATION_ROLES | {Role.SYSTEM_INTEGRATION}


def is_force(agency: object) -> bool:
    from safeguarding.access.models import Agency

    return (
        isinstance(agency, Agency) and agency.kind == AgencyKind.POLICE_FORCE and agency.is_active
    )


def collaborates(user: User) -> bool:
    """A member of a police force's staff who works on requests between forces."""
    return does_case_work(user) and user.role in COLLABORATION_API_ROLES and is_force(user.agency)


def collaborates_in_browser(user: User) -> bool:
    return collaborates(user) and user.role in COLLABORATION_ROLES
