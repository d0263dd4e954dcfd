"""Work lists from joint inspections: an inspector's inspections, an owner's actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.inspections.models import ActionStatus
from safeguarding.inspections.policy import INSPECTED_STAFF_ROLES, is_inspector
from safeguarding.inspections.queries import inspections_for, my_actions
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def inspections(user: User) -> WorkList | None:
    """The inspections the inspector's team is on, those still to end first."""
    if not is_inspector(user):
        return None
    today = timezone.localdate()
    found = sorted(inspections_for(user), key=lambda i: (i.ends_on < today, i.starts_on))
    items = [
        WorkItem(
            what=inspection.title,
            link=reverse("inspections:inspection", args=[inspection.pk]),
            whose=inspection.area.name,
            due=inspection.ends_on,
            state=(
                "Finished"
                if inspection.ends_on < today
                else "Open"
                if inspection.is_open_on(today)
                else "Scheduled"
            ),
        )
        for inspection in found[:SHOWN]
    ]
    return WorkList(
        key="inspections",
        title="Your inspections",
        items=items,
        total=len(found),
        see_all=reverse("inspections:list"),
        see_all_text="All joint inspections",
        empty="You are not on an inspection team.",
        order=20,
    )


def inspection_actions(user: User) -> WorkList | None:
    """Actions from inspections that the user owns and has not finished."""
    if is_inspector(user):
        return None
    open_actions = [a for a in my_actions(user) if a.status != ActionStatus.DONE]
    if not open_actions:
        return None
    today = timezone.localdate()
    items = [
        WorkItem(
            what=action.description[:120],
            link=reverse("inspections:action", args=[action.pk]),
            whose=action.finding.inspection.title,
            due=action.due_on,
            overdue=action.due_on < today,
            state="Overdue" if action.due_on < today else action.get_status_display(),
        )
        for action in open_actions[:SHOWN]
    ]
    return WorkList(
        key="inspection-actions",
        title="Inspection actions you own",
        items=items,
        total=len(open_actions),
        see_all=reverse("inspections:list"),
        see_all_text="Joint inspections",
        order=40,
    )


def register_providers() -> None:
    register("inspections.inspections", inspections)
    register("inspections.actions", inspection_actions)
    register_hand_off(
        HandOff(
            kind="inspection-action",
            description="An action from a joint inspection, set for a member of staff of an "
            "inspected agency",
            # The area's local authority and the partner agencies whose MASH it is.
            sent_to=frozenset(
                {
                    AgencyKind.LOCAL_AUTHORITY,
                    AgencyKind.POLICE_FORCE,
                    AgencyKind.SCHOOL,
                    AgencyKind.NHS_BODY,
                }
            ),
            recipients=lambda agency: User.objects.filter(
                agency=agency, role__in=INSPECTED_STAFF_ROLES, is_active=True
            ),
            work_list="inspections.actions",
            listed_for=lambda user: not is_inspector(user),
        )
    )
