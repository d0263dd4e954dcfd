"""Need-to-know: who may see which person. Every read of personal data goes through here.

A member of staff sees a person when
  * their agency holds a record on the person, or
  * they hold an open role on the person's case, or
  * they are a MASH triage officer and a concern about the person was sent to their
    authority's MASH, or
  * they were granted break-glass access that has not expired.
Taskforce analysts, auditors and system administrators see no identifiable record at all.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.access.models import BreakGlassGrant, CaseRole, User
from safeguarding.access.roles import BREAK_GLASS_ROLES, CASE_WORK_ROLES, Role


def does_case_work(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.agency_id and user.role in CASE_WORK_ROLES
    )


def may_break_glass(user: User) -> bool:
    return does_case_work(user) and user.role in BREAK_GLASS_ROLES


def visible_person_condition(user: User) -> Q:
    """A filter on Person rows that keeps exactly those ``user`` may see."""
    from safeguarding.concerns.models import ConcernPerson
    from safeguarding.people.models import AgencyRecord

    if not does_case_work(user) or user.agency_id is None:
        return Q(pk__in=[])
    agency_holds = Exists(
        AgencyRecord.objects.filter(person=OuterRef("pk"), agency_id=user.agency_id)
    )
    case_role = Exists(
        CaseRole.objects.filter(person=OuterRef("pk"), user=user, ended_at__isnull=True)
    )
    break_glass = Exists(
        BreakGlassGrant.objects.filter(
            person=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
        )
    )
    condition = Q(agency_holds) | Q(case_role) | Q(break_glass)
    if user.role == Role.MASH_TRIAGE:
        condition |= Q(
            Exists(
                ConcernPerson.objects.filter(
                    person=OuterRef("pk"), concern__local_authority_id=user.agency_id
                )
            )
        )
    return condition


def may_see_person(user: User, person_id: uuid.UUID | str) -> bool:
    """The same rules as visible_person_condition for one person, checked cheapest first:
    most reads are by an agency that holds a record, answered by one indexed look-up."""
    from safeguarding.concerns.models import ConcernPerson
    from safeguarding.people.models import AgencyRecord

    if not does_case_work(user) or user.agency_id is None:
        return False
    if AgencyRecord.objects.filter(person_id=person_id, agency_id=user.agency_id).exists():
        return True
    if CaseRole.objects.filter(person_id=person_id, user=user, ended_at__isnull=True).exists():
        return True
    if BreakGlassGrant.objects.filter(
        person_id=person_id, user=user, expires_at__gt=timezone.now()
    ).exists():
        return True
    return (
        user.role == Role.MASH_TRIAGE
        and ConcernPerson.objects.filter(
            person_id=person_id, concern__local_authority_id=user.agency_id
        ).exists()
    )


def case_worker(request: HttpRequest) -> User:
    """The signed-in user, if their role does case work; otherwise 403. For views whose
    every read is then checked record by record."""
    user: User = request.user  # type: ignore[assignment]
    if not does_case_work(user):
        raise PermissionDenied
    return user
