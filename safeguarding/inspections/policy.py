"""Who may do what in a joint inspection.

Inspectors (Role.INSPECTOR) work at the inspectorates, which are agencies of kind national
body. The team of an inspection sees the inspected area's records, through the data pack
only, on the days of the inspection's window and on no other day."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.inspections.models import Inspection, InspectionAction

INSPECTION_ROLES = frozenset({Role.INSPECTOR})
# Staff of the inspected agencies who see the inspection's findings and track its actions.
INSPECTED_STAFF_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.MASH_TRIAGE,
        Role.DESIGNATED_SAFEGUARDING_LEAD,
        Role.POLICE_ANALYST,
    }
)
# Those who may update any action of their agency, not only their own.
ACTION_MANAGER_ROLES = frozenset({Role.TEAM_MANAGER})


def is_inspectorate(agency: Agency | None) -> bool:
    return agency is not None and agency.kind == AgencyKind.NATIONAL_BODY and agency.is_active


def is_inspector(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in INSPECTION_ROLES
        and is_inspectorate(user.agency)
    )


def on_team(user: User, inspection: Inspection) -> bool:
    return is_inspector(user) and inspection.inspectors.filter(pk=user.pk).exists()


def may_read_area_records(user: User, inspection: Inspection, today: date) -> bool:
    """Time-limited need-to-know: the team, during the window, and nobody else."""
    return inspection.is_open_on(today) and on_team(user, inspection)


def inspected_agencies(area: Agency) -> QuerySet[Agency]:
    """The local authority and the partner agencies whose MASH it is."""
    return Agency.objects.filter(Q(pk=area.pk) | Q(home_authority=area), is_active=True)


def is_inspected_staff(user: User, inspection: Inspection) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in INSPECTED_STAFF_ROLES
        and user.agency_id is not None
        and inspected_agencies(inspection.area).filter(pk=user.agency_id).exists()
    )


def may_see_inspection(user: User, inspection: Inspection) -> bool:
    return on_team(user, inspection) or is_inspected_staff(user, inspection)


def may_update_action(user: User, action: InspectionAction) -> bool:
    if not user.is_active:
        return False
    if action.owner_id == user.pk:
        return True
    if user.role in ACTION_MANAGER_ROLES and user.agency_id == action.owner_agency_id:
        return True
    return on_team(user, action.finding.inspection)
