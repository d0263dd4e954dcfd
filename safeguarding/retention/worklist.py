"""Information governance's work list: the legal holds in force, longest first, each a
standing instruction to review."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import INFORMATION_GOVERNANCE_ROLES
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def legal_holds(user: User) -> WorkList | None:
    if not (user.is_active and user.role in INFORMATION_GOVERNANCE_ROLES):
        return None
    from safeguarding.retention.queries import visible_holds

    # An officer's own agency's holds, and those on persons it holds a record on.
    holds = visible_holds(user).filter(released_at__isnull=True).select_related("agency")
    shown = list(holds.order_by("placed_at")[:SHOWN])
    return WorkList(
        key="legal-holds",
        title="Legal holds in force",
        items=[
            WorkItem(
                what=hold.scope,
                link=reverse("retention:release-hold", args=[hold.pk]),
                whose=hold.reference,
                state=f"Placed {hold.placed_at:%-d %B %Y}",
            )
            for hold in shown
        ],
        total=holds.count(),
        see_all=reverse("retention:index"),
        see_all_text="Legal holds and erasure",
        empty="No legal hold is in force.",
        order=30,
    )


def subject_access(user: User) -> WorkList | None:
    """Open subject access requests, the soonest due first."""
    from safeguarding.retention.subject_access import due_on, visible_requests

    if not (user.is_active and user.role in INFORMATION_GOVERNANCE_ROLES):
        return None
    today = timezone.localdate()
    due = sorted(
        ((due_on(r), r) for r in visible_requests(user).filter(disclosed_at__isnull=True)),
        key=lambda pair: (pair[0], str(pair[1].pk)),
    )
    return WorkList(
        key="subject-access",
        title="Subject access requests to answer",
        items=[
            WorkItem(
                what="Subject access request",
                link=reverse("retention:subject-access-request", args=[request.pk]),
                whose=f"Record {request.person_id}",
                due=day,
                overdue=day < today,
                state="Extended" if request.extended_at else "Received",
            )
            for day, request in due[:SHOWN]
        ],
        total=len(due),
        see_all=reverse("retention:subject-access"),
        see_all_text="All subject access requests",
        empty="No request is waiting.",
        order=20,
    )


def register_providers() -> None:
    register("retention.legal_holds", legal_holds)
    register("retention.subject_access", subject_access)
