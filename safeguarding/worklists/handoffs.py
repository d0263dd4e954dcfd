"""Hand-offs: every place the service sends something to another agency, with who there
receives it and whether their work list shows it.

Each app that sends something registers a HandOff from its ``AppConfig.ready``: the kinds
of agency its sending code may address, how it resolves the people at a receiving agency
who are told, the work list that lists it for them, and the test of whether a member of
staff's work list shows it. A structural test (tests/web/test_handoffs_reach_someone.py)
checks that for every kind of agency a hand-off may go to, someone there receives it and
sees it in their work list: a hand-off no one receives is one that falls between agencies.

Each hand-off also keeps a receipt (worklists.models.Receipt): sent, first opened there,
first acted on. The structural test checks that each kind's code records all three, and
the worker escalates what nobody opened in time to the receiving agency's ``managers``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role

# Who manages the recipients at an agency, told when a hand-off waits unopened; where an
# agency has none of them, the national taskforce is told.
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD})


def agency_managers(agency: Agency) -> list[User]:
    """The agency's team managers and designated safeguarding leads."""
    return list(
        User.objects.filter(agency=agency, role__in=MANAGER_ROLES, is_active=True).order_by("pk")
    )


def taskforce() -> list[User]:
    """The national taskforce, told of an escalation when the agency has no manager."""
    return list(User.objects.filter(role=Role.TASKFORCE_ANALYST, is_active=True).order_by("pk"))


@dataclass(frozen=True)
class HandOff:
    kind: str
    description: str
    # The agency kinds the sending code may address.
    sent_to: frozenset[str]
    # The people at a receiving agency who are told and must act.
    recipients: Callable[[Agency], Iterable[User]]
    # The registered work-list provider that lists it for them, and whether it does for a
    # given member of staff (the provider's own test of who it serves).
    work_list: str
    listed_for: Callable[[User], bool]
    # Who is told when nobody at the receiving agency opened it in time.
    managers: Callable[[Agency], Iterable[User]] = agency_managers


_hand_offs: dict[str, HandOff] = {}


def register_hand_off(hand_off: HandOff) -> None:
    """Add a hand-off; registering a kind again replaces it."""
    _hand_offs[hand_off.kind] = hand_off


def hand_offs() -> dict[str, HandOff]:
    return dict(_hand_offs)
