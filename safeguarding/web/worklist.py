"""Work lists of the roles whose work is the service itself: auditors (actions to look
into), administrators (accounts that need them) and taskforce analysts (the areas
whose children wait too long for therapy, in counts only)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import ADMIN_ROLES, AGGREGATE_ONLY_ROLES, AUDIT_ROLES, Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.therapy.queries import breach_figures
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register

# How far back an auditor's list of actions to look into goes.
REVIEW_DAYS = 30
# Actions an auditor looks into: access outside need-to-know, changes to who may do what,
# data taken out of the service, and statutory clocks or recoveries stopped by hand.
TO_LOOK_INTO = (
    AuditVerb.BREAK_GLASS_SEARCHED,
    AuditVerb.BREAK_GLASS_GRANTED,
    AuditVerb.USER_UPDATED,
    AuditVerb.API_TOKEN_ISSUED,
    AuditVerb.API_TOKEN_REVOKED,
    AuditVerb.CLOCK_STOPPED,
    AuditVerb.RECOVERY_WAIVED,
    AuditVerb.CHRONOLOGY_EXPORTED,
    AuditVerb.KNOWLEDGE_REPORT_EXPORTED,
    AuditVerb.LINKAGE_EXPORTED,
    AuditVerb.NETWORKS_EXPORTED,
    AuditVerb.INSPECTION_DATA_PACK_EXPORTED,
    AuditVerb.AUDIT_LOG_EXPORTED,
)


def to_look_into(user: User) -> WorkList | None:
    """The last 30 days' entries of the kinds an auditor looks into, newest first, each
    opening the log at its target. The log is the auditor's to read; naming who acted is
    no read of a case record."""
    if user.role not in AUDIT_ROLES:
        return None
    since = timezone.now() - timedelta(days=REVIEW_DAYS)
    entries = AuditEntry.objects.filter(verb__in=TO_LOOK_INTO, occurred_at__gte=since)
    rows = list(entries.order_by("-sequence")[:SHOWN])
    verbs = dict(AuditVerb.choices)
    log = reverse("web:audit-log")
    items = [
        WorkItem(
            what=str(verbs.get(entry.verb, entry.verb)),
            link=f"{log}?{urlencode({'target': entry.target_id})}" if entry.target_id else log,
            whose=f"{entry.actor_label}{f', {entry.agency_code}' if entry.agency_code else ''}",
            due=timezone.localtime(entry.occurred_at).date(),
            state="Break-glass" if entry.verb.startswith("break-glass") else "",
            overdue=entry.verb.startswith("break-glass"),
        )
        for entry in rows
    ]
    return WorkList(
        key="to-look-into",
        title=f"Actions to look into from the last {REVIEW_DAYS} days",
        items=items,
        total=entries.count(),
        see_all=log,
        see_all_text="The audit log",
        empty="Nothing to look into in the last 30 days.",
        order=10,
    )


def accounts(user: User) -> WorkList | None:
    """Locked accounts, active accounts that have not set up their second step, and
    active accounts never signed in (to follow up or close)."""
    if user.role not in ADMIN_ROLES:
        return None
    now = timezone.now()
    needing = User.objects.filter(
        Q(locked_until__gt=now)
        | Q(is_active=True, totp_confirmed=False)
        | Q(is_active=True, last_login__isnull=True)
    ).exclude(role=Role.SYSTEM_INTEGRATION)
    rows = list(
        needing.select_related("agency").order_by(
            F("locked_until").desc(nulls_last=True), "totp_confirmed", "username"
        )[:SHOWN]
    )
    items = [
        WorkItem(
            what=user_row.get_username(),
            link=reverse("access:users"),
            whose=user_row.agency.name if user_row.agency else "No agency",
            state=(
                "Locked"
                if user_row.is_locked(now)
                else "No second step set up"
                if not user_row.totp_confirmed
                else "Never signed in"
            ),
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
        empty="No account is locked, waiting for its second step or never used.",
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
    register("web.to_look_into", to_look_into)
    register("web.accounts", accounts)
    register("web.therapy_waits", therapy_waits)
