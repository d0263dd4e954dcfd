"""Need-to-know: who may see which person. Every read of personal data goes through here.

A member of staff sees a person when
  * their agency holds a record on the person, or
  * they hold an open role on the person's case, or
  * they are a MASH triage officer and a concern about the person was sent to their
    authority's MASH, or
  * they were granted break-glass access that has not expired.
Taskforce analysts, auditors and system administrators see no identifiable record at all.

Case roles and break-glass grants are access's own rows. The rows by which an agency holds
a person's record belong to the apps above (people keeps agency records, concerns the
concerns sent to an authority's MASH), which register them here as holdings in their
AppConfig.ready, so that access imports none of them.
"""

from __future__ import annotations

import operator
import uuid
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import BreakGlassGrant, CaseRole, User
from safeguarding.access.roles import BREAK_GLASS_ROLES, CASE_WORK_ROLES


@dataclass(frozen=True)
class Holding:
    """One way an agency comes to hold a person's record: ``rows``, each naming a
    ``person`` and, through the lookup ``agency``, the agency that holds it."""

    rows: QuerySet[Any]
    agency: str
    # The roles in the holding agency who see the person through these rows; None for
    # every role that does case work.
    roles: frozenset[str] | None = None

    def held_by(self, agency_id: int) -> QuerySet[Any]:
        return self.rows.filter(**{f"{self.agency}_id": agency_id})

    def applies_to(self, user: User) -> bool:
        return self.roles is None or user.role in self.roles


_holdings: dict[str, Holding] = {}


def register_holding(name: str, holding: Holding) -> None:
    """Register ``holding`` under ``name`` (registering a name again replaces it, so that
    AppConfig.ready may run twice)."""
    _holdings[name] = holding


def registered_holdings() -> list[str]:
    return list(_holdings)


def _holdings_for(user: User) -> tuple[list[Holding], list[Holding]]:
    """The holdings through which ``user`` may see people: those open to every case-work
    role (checked first, as most reads are by an agency holding a record), then those
    open to some roles only."""
    every_role = [holding for holding in _holdings.values() if holding.roles is None]
    some_roles = [
        holding
        for holding in _holdings.values()
        if holding.roles is not None and holding.applies_to(user)
    ]
    return every_role, some_roles


def agencies_holding(person_id: uuid.UUID | str) -> set[int]:
    """The agencies that hold a record on the person, through any holding."""
    held: set[int] = set()
    for holding in _holdings.values():
        held.update(
            holding.rows.filter(person_id=person_id).values_list(f"{holding.agency}_id", flat=True)
        )
    return held


def held_by_agency(agency_id: int) -> Q:
    """A filter on rows with a ``person_id``: the people ``agency_id`` holds a record on,
    through any holding."""
    conditions = [
        Q(person_id__in=holding.held_by(agency_id).values("person_id"))
        for holding in _holdings.values()
    ]
    return reduce(operator.or_, conditions, Q(pk__in=[]))


def does_case_work(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.agency_id and user.role in CASE_WORK_ROLES
    )


def may_break_glass(user: User) -> bool:
    return does_case_work(user) and user.role in BREAK_GLASS_ROLES


def visible_person_condition(user: User) -> Q:
    """A filter on Person rows that keeps exactly those ``user`` may see."""
    if not does_case_work(user) or user.agency_id is None:
        return Q(pk__in=[])
    every_role, some_roles = _holdings_for(user)
    conditions = [
        *(
            Exists(holding.held_by(user.agency_id).filter(person=OuterRef("pk")))
            for holding in every_role
        ),
        Exists(CaseRole.objects.filter(person=OuterRef("pk"), user=user, ended_at__isnull=True)),
        Exists(
            BreakGlassGrant.objects.filter(
                person=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
            )
        ),
        *(
            Exists(holding.held_by(user.agency_id).filter(person=OuterRef("pk")))
            for holding in some_roles
        ),
    ]
    return reduce(operator.or_, (Q(condition) for condition in conditions))


def may_see_person(user: User, person_id: uuid.UUID | str) -> bool:
    """The same rules as visible_person_condition for one person, checked cheapest first:
    most reads are by an agency that holds a record, answered by one indexed look-up."""
    if not does_case_work(user) or user.agency_id is None:
        return False
    every_role, some_roles = _holdings_for(user)
    if any(
        holding.held_by(user.agency_id).filter(person_id=person_id).exists()
        for holding in every_role
    ):
        return True
    if CaseRole.objects.filter(person_id=person_id, user=user, ended_at__isnull=True).exists():
        return True
    if BreakGlassGrant.objects.filter(
        person_id=person_id, user=user, expires_at__gt=timezone.now()
    ).exists():
        return True
    return any(
        holding.held_by(user.agency_id).filter(person_id=person_id).exists()
        for holding in some_roles
    )


def break_glass_only(user: User, person_id: uuid.UUID | str) -> BreakGlassGrant | None:
    """The user's unexpired break-glass grant on the person, when it is the only reason
    they see the person (no holding, no case role): the pages then say so, all the time
    the record is open."""
    grant = (
        BreakGlassGrant.objects.filter(
            person_id=person_id, user=user, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )
    if grant is None or not does_case_work(user) or user.agency_id is None:
        return None
    every_role, some_roles = _holdings_for(user)
    if any(
        holding.held_by(user.agency_id).filter(person_id=person_id).exists()
        for holding in (*every_role, *some_roles)
    ):
        return None
    if CaseRole.objects.filter(person_id=person_id, user=user, ended_at__isnull=True).exists():
        return None
    return grant


def case_worker(request: HttpRequest) -> User:
    """The signed-in user, if their role does case work; otherwise 403. For views whose
    every read is then checked record by record."""
    user = signed_in_user(request)
    if not does_case_work(user):
        raise PermissionDenied
    return user
