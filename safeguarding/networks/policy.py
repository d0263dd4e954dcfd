"""Who may see exploitation networks.

Police analysts of any force, and MASH triage officers and team managers of a local
authority, use the network pages. Each sees the networks their agency is involved in (see
ClusterAgency), and within a network identifies only the people they may see under
need-to-know; everyone else in it is described by the kinds of agency that know them.
"""

from __future__ import annotations

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import Role

POLICE_NETWORK_ROLES = frozenset({Role.POLICE_ANALYST})
AUTHORITY_NETWORK_ROLES = frozenset({Role.MASH_TRIAGE, Role.TEAM_MANAGER})


def uses_networks(user: User) -> bool:
    if not does_case_work(user) or user.agency is None:
        return False
    if user.agency.kind == AgencyKind.POLICE_FORCE:
        return user.role in POLICE_NETWORK_ROLES
    if user.agency.kind == AgencyKind.LOCAL_AUTHORITY:
        return user.role in AUTHORITY_NETWORK_ROLES
    return False
