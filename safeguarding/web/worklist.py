"""Work lists of the roles whose work is the service itself: auditors (break-glass access
to look into), administrators (accounts that need them) and taskforce analysts (the areas
whose children wait too long for therapy, in counts only)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import BreakGlassGrant, User
from safeguarding.access.roles import ADMIN_ROLES, AGGREGATE_ONLY_ROLES, AUDIT_ROLES, Role
from safeguarding.therapy.queries import breach_figures
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register

# How far back an auditor's list of break-glass access looks.
BREAK_GLASS_DAYS = 30


def break_glass(user: User) -> WorkList | None:
    """Break-glass access of the last 30 days, newest first, each opening the audit log at
    the person's record. Names the member of staff, not the person."""
    if user.role not in AUDIT_ROLES:
        return None
    since = timezone.now() - timedelta(days=BREAK_GLASS_DAYS)
    grants = BreakGlassGrant.objects.filter(granted_at__gte=since).select_related("user__agency")
    rows = list(grants.order_by("-granted_at")[:SHOWN])
    items = [
        WorkItem(
            what=f"Break-glass access by {grant.user.get_username()}",
            link=reverse("web:audit-log") + "?" + urlencode({"target": str(grant.person_id)}),
            whose=grant.user.agency.name if grant.user.agency else "",
            due=timezone.localtime(grant.granted_at).date(),
            state="Open" if grant.expires_at > timezone.now() else "Ended",
        )
        for grant in rows
    ]
    return WorkList(
        key="break-glass",
        title=f"Break-glass access in the last {BREAK_GLASS_DAYS} days",
        items=items,
        total=grants.count(),
        see_all=reverse("web:audit-log"),
        see_all_text="The audit log",
        empty="Nobody used break-glass access in the last 30 days.",
        order=10,
    )


def accounts(user: User) -> WorkList | None:
    """Locked accounts, then active accounts that have not set up their second step."""
    if user.role not in ADMIN_ROLES:
        return None
    now = timezone.now()
    needing = User.objects.filter(
        Q(locked_until__gt=now) | Q(is_active=True, totp_confirmed=False)
    ).exclude(role=Role.SYSTEM_INTEGRATION)
    rows = list(needing.select_related("agency").order_by("-locked_until", "username")[:SHOWN])
    items = [
        WorkItem(
            what=user_row.get_username(),
            link=reverse("access:users"),
            whose=user_row.agency.name if user_row.agency else "No agency",
            state="Locked" if user_row.is_locked(now) else "No second step set up",
            overdue=user_row.is_locked(now),
        )
        for user_row in rows
    ]
    return WorkList(
        key="accounts",
        title="Accounts that need you",
        items=items,
        total=needing.count(),
        see_all=reverse("access:users"),
        see_all_text="All staff accounts",
        empty="No account is locked or waiting for its second step.",
        order=10,
    )


def therapy_waits(user: User) -> WorkList | None:
    """Local authorities whose children waited longer than the limit, de-identified."""
    if user.role not in AGGREGATE_ONLY_ROLES:
        return None
    rows = [row for row in breach_figures().by_authority if row.breaches not in ("0", "")]
    items = [
        WorkItem(
            what=f"{row.breaches} of {row.referrals} referrals waited too long",
            link=reverse("therapy:breaches"),
            whose=row.name,
            state="" if row.rate == "not shown" else row.rate,
        )
        for row in rows[:SHOWN]
    ]
    return WorkList(
        key="therapy-waits",
        title="Areas where children wait too long for therapy",
        items=items,
        total=len(rows),
        see_all=reverse("therapy:breaches"),
        see_all_text="Therapy waits",
        empty="No area's children waited longer than the limit in the last year.",
        order=30,
    )


def register_providers() -> None:
    register("web.break_glass", break_glass)
    register("web.accounts", accounts)
    register("web.therapy_waits", therapy_waits)
