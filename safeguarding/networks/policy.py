"""Who may see exploitation networks.

Police analysts of any force, and MASH triage officers and team managers of a local
authority, use the network pages. Each sees the networks their agency is involved in (see
ClusterAgency), and within a network identifies only the people they may see under
need-to-know; everyone else in it is described by the kinds of agency that know them.

A police force processes for law enforcement under DPA 2018 Part 3: its analysts, in a
network their force is involved in, see every adult in it, every phone, vehicle and
address, and who recorded each link, so that the force can act against the people
exploiting the children. Children stay under need-to-know (they are the victims, and
their records are other agencies' safeguarding records), and each view is audited under
the law-enforcement basis.
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


def sees_networks_for_law_enforcement(user: User) -> bool:
    """Whether ``user`` reads networks under the law-enforcement basis (DPA 2018 Part 3)."""
    return (
        uses_networks(user)
        and user.agency is not None
        and user.agency.kind == AgencyKind.POLICE_FORCE
        and user.role in POLICE_NETWORK_ROLES
    )
