"""Work list from requests between forces: what the user's force must do next."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.collaboration.actions import _force_staff
from safeguarding.collaboration.models import CollaborationRequest
from safeguarding.collaboration.policy import collaborates_in_browser
from safeguarding.collaboration.queries import inbox, outbox
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def _about(request: CollaborationRequest) -> str:
    if request.person is not None:
        return request.person.full_name
    return f"Vehicle {request.vehicle_registration}"


def requests_between_forces(user: User) -> WorkList | None:
    """Requests to the force awaiting a response or answer, and the force's own requests
    answered or declined and awaiting its outcome. inbox and outbox audit what they read."""
    if not collaborates_in_browser(user):
        return None
    waiting: list[tuple[str, CollaborationRequest]] = [
        (f"From {request.from_force.name}: {request.get_ask_display().lower()}", request)
        for request in inbox(user, open_only=True)
        if request.awaits_response or request.awaits_answer
    ] + [
        (
            f"Your request to {request.to_force.name} was {request.get_status_display().lower()}",
            request,
        )
        for request in outbox(user, open_only=True)
        if request.awaits_outcome
    ]
    items = [
        WorkItem(
            what=what,
            link=reverse("collaboration:request", args=[request.pk]),
            whose=_about(request),
            due=request.clock.due_on if request.awaits_response or request.awaits_answer else None,
            state=request.get_status_display(),
        )
        for what, request in waiting[:SHOWN]
    ]
    return WorkList(
        key="collaboration",
        title="Requests between forces",
        items=items,
        total=len(waiting),
        see_all=reverse("collaboration:requests"),
        see_all_text="All requests between forces",
        empty="No request between forces is waiting for your force.",
        order=25,
    )


def register_providers() -> None:
    register("collaboration.requests", requests_between_forces)
    register_hand_off(
        HandOff(
            kind="cross-force-request",
            description="A police force asks another for help",
            sent_to=frozenset({AgencyKind.POLICE_FORCE}),
            recipients=_force_staff,
            work_list="collaboration.requests",
            listed_for=collaborates_in_browser,
        )
    )
