"""Who may review possible matches and undo merges.

MASH triage officers and team managers at a local authority, and police analysts, review
the queue. Need-to-know still applies pair by pair: a reviewer sees a pair only when they
may see both people (safeguarding.access.policy), and anything else answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import Role

if TYPE_CHECKING:
    from safeguarding.access.models import User

# Reviewers who work at a local authority's MASH or manage its teams.
LOCAL_AUTHORITY_REVIEW_ROLES = frozenset({Role.MASH_TRIAGE, Role.TEAM_MANAGER})
# Reviewers at any agency (police forces' analysts see across their force's records).
ANY_AGENCY_REVIEW_ROLES = frozenset({Role.POLICE_ANALYST})


def reviews_matches(user: User) -> bool:
    if not does_case_work(user) or user.agency is None:
        return False
    if user.role in ANY_AGENCY_REVIEW_ROLES:
        return True
    return user.role in LOCAL_AUTHORITY_REVIEW_ROLES and bool(user.agency.is_local_authority)
