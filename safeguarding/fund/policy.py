"""Who may do what with the victim support fund.

* Support fund administrators set up funds and rounds, score applications, make awards,
  record payments and read the reports.
* Staff of voluntary organisations (support organisations) apply, see their own
  organisation's applications and awards, and report outcomes on their awards.
* Auditors read everything and change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.roles import AUDIT_ROLES, Role

if TYPE_CHECKING:
    from safeguarding.access.models import User


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def administers_fund(user: User) -> bool:
    return _active(user) and user.role == Role.FUND_ADMINISTRATOR


def is_auditor(user: User) -> bool:
    return _active(user) and user.role in AUDIT_ROLES


def reads_fund(user: User) -> bool:
    """Funds, rounds, every application and the reports."""
    return administers_fund(user) or is_auditor(user)


def applies_for_grants(user: User) -> bool:
    return bool(
        _active(user)
        and user.agency is not None
        and user.agency.kind == AgencyKind.VOLUNTARY_ORGANISATION
        and user.role not in {Role.SYSTEM_INTEGRATION, Role.FUND_ADMINISTRATOR}
    )


def uses_fund(user: User) -> bool:
    return reads_fund(user) or applies_for_grants(user)


def application_condition(user: User) -> Q:
    if reads_fund(user):
        return Q()
    if applies_for_grants(user):
        return Q(organisation_id=user.agency_id)
    return Q(pk__in=[])
