"""Every write about joint inspections: scheduling one, recording findings, setting actions
with owners and deadlines, tracking them to completion, and telling owners of overdue
actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.calendar import add_months
from safeguarding.inspections.models import (
    ActionStatus,
    ActionUpdate,
    Finding,
    FindingKind,
    Inspection,
    InspectionAction,
)
from safeguarding.inspections.policy import (
    INSPECTION_ROLES,
    inspected_agencies,
    is_inspector,
    is_inspectorate,
    may_update_action,
    on_team,
)
from safeguarding.notifications.actions import notify_users
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_sent

TEXT_MAX_LENGTH = 5000
# A joint targeted area inspection has about two weeks on site; a window longer than this
# is refused, since it is also the time the team may see children's records.
MAX_WINDOW_DAYS = 42
# The data pack covers six months of work before the inspection by default.
DEFAULT_DATA_MONTHS = 6
# Told when an inspection of their area is scheduled.
AREA_LEADER_ROLES = frozenset({Role.TEAM_MANAGER})


@dataclass
class InspectionDetails:
    title: str
    area: Agency
    inspectorates: Sequence[Agency]
    starts_on: date
    ends_on: date
    data_from: date | None = None


def _link(inspection: Inspection) -> str:
    return f"/inspections/{inspection.pk}/"


def schedule_inspection(*, actor: User, details: InspectionDetails) -> Inspection:
    """Schedule a joint inspection of a local authority's area. The team is every active
    inspector of the inspectorates taking part; they see the area's records through the
    data pack from the first to the last day of the window."""
    if not is_inspector(actor):
        raise PermissionDenied("Only inspectors can schedule a joint inspection")
    errors: dict[str, list[str]] = {}
    title = details.title.strip()
    if not title:
        errors["title"] = ["Enter the inspection's title"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if not (details.area.kind == AgencyKind.LOCAL_AUTHORITY and details.area.is_active):
        errors["area"] = ["Choose the local authority whose area is inspected"]
    inspectorates = list(dict.fromkeys(details.inspectorates))
    if not inspectorates or not all(is_inspectorate(agency) for agency in inspectorates):
        errors["inspectorates"] = ["Choose the inspectorates taking part"]
    elif actor.agency not in inspectorates:
        errors["inspectorates"] = ["Your own inspectorate must take part"]
    today = timezone.localdate()
    if details.starts_on < today:
        errors["starts_on"] = ["The inspection must start today or later"]
    if details.ends_on < details.starts_on:
        errors["ends_on"] = ["The inspection must end on or after its first day"]
    elif (details.ends_on - details.starts_on).days + 1 > MAX_WINDOW_DAYS:
        errors["ends_on"] = [f"The inspection can last at most {MAX_WINDOW_DAYS} days"]
    data_from = details.data_from or add_months(details.starts_on, -DEFAULT_DATA_MONTHS)
    if data_from > details.starts_on:
        errors["data_from"] = ["The data pack must start on or before the inspection"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            title=title,
            area=details.area,
            starts_on=details.starts_on,
            ends_on=details.ends_on,
            data_from=data_from,
            scheduled_by=actor,
        )
        inspection.inspectorates.set(inspectorates)
        team = list(
            User.objects.filter(agency__in=inspectorates, role__in=INSPECTION_ROLES, is_active=True)
        )
        inspection.inspectors.set(team)
        record(
            AuditVerb.INSPECTION_SCHEDULED,
            actor=actor,
            target_type=TargetType.INSPECTION,
            target_id=inspection.pk,
            payload={
                "area": details.area.code,
                "inspectorates": [agency.code for agency in inspectorates],
                "inspectors": [user.pk for user in team],
                "starts_on": details.starts_on.isoformat(),
                "ends_on": details.ends_on.isoformat(),
                "data_from": data_from.isoformat(),
            },
        )
        leaders = User.objects.filter(
            agency__in=inspected_agencies(details.area), role__in=AREA_LEADER_ROLES, is_active=True
        )
        recipients = [*team, *leaders]
        if details.area.designated_senior_manager is not None:
            recipients.append(details.area.designated_senior_manager)
        notify_users(
            [user for user in dict.fromkeys(recipients) if user.pk != actor.pk],
            subject=f"Joint inspection of {details.area.name} scheduled",
            body=f"{title}: from {details.starts_on:%-d %B %Y} to {details.ends_on:%-d %B %Y}.",
            link=_link(inspection),
        )
    return inspection


def record_finding(*, actor: User, inspection: Inspection, kind: str, text: str) -> Finding:
    if not on_team(actor, inspection):
        raise PermissionDenied("Only the inspection team can record findings")
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if kind not in FindingKind.values:
        errors["kind"] = ["Choose the kind of finding"]
    if not text:
        errors["text"] = ["Enter the finding"]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [f"The finding must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if inspection.starts_on > timezone.localdate():
        errors["kind"] = ["Findings can be recorded once the inspection has started"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        finding = Finding.objects.create(
            inspection=inspection, kind=kind, text=text, recorded_by=actor
        )
        record(
            AuditVerb.INSPECTION_FINDING_RECORDED,
            actor=actor,
            target_type=TargetType.INSPECTION,
            target_id=inspection.pk,
            payload={"finding": str(finding.pk), "kind": kind},
        )
    return finding


def set_action(
    *, actor: User, finding: Finding, description: str, owner: User | None, due_on: date | None
) -> InspectionAction:
    """An action that answers a finding, owned by a member of staff of one of the inspected
    agencies, due by a date."""
    inspection = finding.inspection
    if not on_team(actor, inspection):
        raise PermissionDenied("Only the inspection team can set actions")
    description = description.strip()
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Enter what must be done"]
    elif len(description) > TEXT_MAX_LENGTH:
        errors["description"] = [f"The action must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if (
        owner is None
        or not owner.is_active
        or owner.agency_id is None
        or not inspected_agencies(inspection.area).filter(pk=owner.agency_id).exists()
    ):
        errors["owner"] = ["Choose a member of staff of one of the inspected agencies"]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The action must be due today or later"]
    if errors:
        raise ValidationError(errors)
    assert owner is not None
    assert owner.agency is not None
    assert due_on is not None
    with transaction.atomic():
        action = InspectionAction.objects.create(
            finding=finding,
            description=description,
            owner=owner,
            owner_agency=owner.agency,
            due_on=due_on,
            created_by=actor,
        )
        record(
            AuditVerb.INSPECTION_ACTION_UPDATED,
            actor=actor,
            target_type=TargetType.INSPECTION_ACTION,
            target_id=action.pk,
            payload={
                "inspection": str(inspection.pk),
                "finding": str(finding.pk),
                "owner": owner.pk,
                "due_on": due_on.isoformat(),
                "status": ActionStatus.OPEN,
            },
        )
        record_sent(
            "inspection-action",
            [Sent(action.pk, owner.agency.pk, actor.agency_id, action.created_at)],
            actor=actor,
        )
        notify_users(
            [owner],
            subject="An inspection action is yours",
            body=f"The joint inspection of {inspection.area.name} set an action for you, "
            f"due by {due_on:%-d %B %Y}.",
            link=_link(inspection),
        )
    return action


def update_action(
    *, actor: User, action: InspectionAction, status: str, note: str = ""
) -> InspectionAction:
    """Record progress on an action: its owner, a manager at the owner's agency, or the
    inspection team. Marking it done records the day."""
    if not may_update_action(actor, action):
        raise PermissionDenied("Only the action's owner, their manager or the team can update it")
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = ["Choose the action's status"]
    elif action.is_done and status == ActionStatus.DONE:
        errors["status"] = ["This action is already done"]
    if status == ActionStatus.DONE and not note:
        errors["note"] = ["Say what was done"]
    if len(note) > TEXT_MAX_LENGTH:
        errors["note"] = [f"The note must be {TEXT_MAX_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        today = timezone.localdate()
        completed_on = today if status == ActionStatus.DONE else None
        InspectionAction.objects.filter(pk=action.pk).update(
            status=status, completed_on=completed_on
        )
        action.status, action.completed_on = status, completed_on
        ActionUpdate.objects.create(action=action, status=status, note=note, updated_by=actor)
        # The owner's agency's first update is its action on it (the team's is not).
        record_acted(
            "inspection-action",
            [Acted(action.pk, f"Status: {str(ActionStatus(status).label).lower()}")],
            actor=actor,
        )
        record(
            AuditVerb.INSPECTION_ACTION_UPDATED,
            actor=actor,
            target_type=TargetType.INSPECTION_ACTION,
            target_id=action.pk,
            payload={
                "status": status,
                "late": status == ActionStatus.DONE and today > action.due_on,
            },
        )
        if status == ActionStatus.DONE:
            inspection = action.finding.inspection
            notify_users(
                [user for user in inspection.inspectors.all() if user.pk != actor.pk],
                subject="An inspection action is done",
                body=f"An action from the joint inspection of {inspection.area.name} was "
                "marked done.",
                link=_link(inspection),
            )
    return action


def notify_overdue_actions(today: date | None = None) -> int:
    """Tell each overdue action's owner, their manager and the area's designated senior
    manager, once per action. Run it every morning (the worker does)."""
    today = today or timezone.localdate()
    overdue = (
        InspectionAction.objects.filter(due_on__lt=today, overdue_notified_at__isnull=True)
        .exclude(status=ActionStatus.DONE)
        .select_related("owner__manager", "finding__inspection__area__designated_senior_manager")
    )
    told = 0
    for action in overdue:
        inspection = action.finding.inspection
        recipients = [
            user
            for user in (
                action.owner,
                action.owner.manager,
                inspection.area.designated_senior_manager,
            )
            if user is not None
        ]
        with transaction.atomic():
            notify_users(
                list(dict.fromkeys(recipients)),
                subject=f"Overdue: inspection action was due {action.due_on:%-d %B %Y}",
                body=f"An action from the joint inspection of {inspection.area.name} was due "
                f"on {action.due_on:%A %-d %B %Y} and is not done.",
                link=_link(inspection),
            )
            InspectionAction.objects.filter(pk=action.pk).update(overdue_notified_at=timezone.now())
            record(
                AuditVerb.INSPECTION_ACTION_UPDATED,
                actor=None,
                target_type=TargetType.INSPECTION_ACTION,
                target_id=action.pk,
                payload={"overdue": True, "told": [user.pk for user in recipients]},
            )
        told += 1
    return told
