"""Role-aware navigation: each role sees the sections it can use, and no others."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.access.policy import does_case_work
from safeguarding.access.roles import (
    ADMIN_ROLES,
    AGGREGATE_ONLY_ROLES,
    AUDIT_ROLES,
    INFORMATION_GOVERNANCE_ROLES,
    Role,
)
from safeguarding.collaboration.policy import collaborates_in_browser
from safeguarding.exitpayments.policy import reads_register
from safeguarding.fund.policy import uses_fund
from safeguarding.helpline.queries import is_helpline_staff
from safeguarding.inspections.policy import INSPECTED_STAFF_ROLES, is_inspector
from safeguarding.linkage.policy import reviews_matches
from safeguarding.networks.policy import uses_networks
from safeguarding.returns.queries import may_produce_returns
from safeguarding.taskforce.policy import reads_dashboard, records_pipeline
from safeguarding.therapy.actions import is_provider_staff


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str


def _at_local_authority(user: User) -> bool:
    return user.agency is not None and user.agency.is_local_authority


def items_for(user: User) -> list[NavItem]:
    items = [NavItem("Home", "web:home")]
    if does_case_work(user):
        items += [
            NavItem("Find a person", "people:search"),
            NavItem("Record a concern", "concerns:record"),
        ]
        if user.role in {Role.MASH_TRIAGE, Role.TEAM_MANAGER} and _at_local_authority(user):
            items.append(NavItem("Triage queue", "mash:queue"))
        if user.role in {
            Role.MASH_TRIAGE,
            Role.TEAM_MANAGER,
            Role.PRACTITIONER,
        } and _at_local_authority(user):
            items.append(NavItem("Deadlines", "clocks:dashboard"))
        if user.role == Role.TEAM_MANAGER and _at_local_authority(user):
            items.append(NavItem("Deadline limits", "clocks:limits"))
        if uses_networks(user):
            items.append(NavItem("Networks", "networks:list"))
        if may_produce_returns(user):
            items.append(NavItem("Statutory returns", "returns:page"))
        if not _at_local_authority(user):
            items.append(NavItem("Information requests", "mash:inbox"))
            items.append(NavItem("Your referrals", "mash:referrals"))
        if collaborates_in_browser(user):
            items.append(NavItem("Requests between forces", "collaboration:requests"))
        if reviews_matches(user):
            items.append(NavItem("Possible matches", "linkage:queue"))
        items += [
            NavItem("Therapy referrals", "therapy:referrals"),
            NavItem("Warning notices", "warningnotices:register"),
            NavItem("Duty to report", "reportingduty:list"),
        ]
        if is_provider_staff(user):
            items.append(NavItem("Therapy waiting list", "therapy:waiting-list"))
            items.append(NavItem("Therapy waits", "therapy:breaches"))
    if records_pipeline(user):
        items += [
            NavItem("Online abuse suspects", "taskforce:suspects"),
            NavItem("Police capacity", "taskforce:capacity"),
        ]
    if reads_dashboard(user):
        items.append(NavItem("National dashboard", "taskforce:dashboard"))
        items.append(NavItem("Online abuse pipeline", "taskforce:suspects"))
    if user.role in AGGREGATE_ONLY_ROLES:
        items.append(NavItem("Therapy waits", "therapy:breaches"))
        items.append(NavItem("Helpline statistics", "helpline:statistics"))
    if is_helpline_staff(user):
        items.append(NavItem("Helpline reports", "helpline:queue"))
    if reads_register(user):
        items.append(NavItem("Exit payments", "exitpayments:register"))
    if uses_fund(user):
        items.append(NavItem("Support fund", "fund:home"))
    if is_inspector(user) or (does_case_work(user) and user.role in INSPECTED_STAFF_ROLES):
        items.append(NavItem("Joint inspections", "inspections:list"))
    if user.role in AUDIT_ROLES:
        items.append(NavItem("Audit log", "web:audit-log"))
    if user.role in INFORMATION_GOVERNANCE_ROLES:
        items.append(NavItem("Legal holds and erasure", "retention:index"))
    if user.role in ADMIN_ROLES:
        items += [NavItem("Staff", "access:users"), NavItem("Agencies", "access:agencies")]
    items.append(NavItem("Notifications", "notifications:list"))
    return list(dict.fromkeys(items))


def nav_for(user: User, current_path: str) -> list[dict[str, object]]:
    """The items, with the one whose address best matches the current page marked."""
    hrefs = [(item, reverse(item.url_name)) for item in items_for(user)]
    matches = [
        href
        for _, href in hrefs
        if current_path == href or (href != "/" and current_path.startswith(href))
    ]
    best = max(matches, key=len, default=None)
    return [{"text": item.text, "href": href, "current": href == best} for item, href in hrefs]
