"""Work list from the support fund: applications to score or award for administrators,
an organisation's own applications and awards for its staff."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.fund.actions import award_recipients
from safeguarding.fund.models import GrantApplication
from safeguarding.fund.policy import administers_fund, applies_for_grants
from safeguarding.fund.queries import applications_visible_to
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def applications(user: User) -> WorkList | None:
    if administers_fund(user):
        # Waiting on the administrator: not yet awarded, oldest first.
        found = applications_visible_to(user).filter(award__isnull=True).order_by("submitted_at")
        title, empty = "Applications to score or award", "No application is waiting."
    elif applies_for_grants(user):
        found = applications_visible_to(user).order_by("-submitted_at")
        title, empty = "Your organisation's applications", "Your organisation has not applied."
    else:
        return None
    rows: list[GrantApplication] = list(
        found.select_related("grant_round__fund", "organisation")[:SHOWN]
    )
    items = [
        WorkItem(
            what=application.project_name,
            link=reverse("fund:application", args=[application.pk]),
            whose=f"{application.organisation.name}, {application.grant_round.fund.name}",
            state=application.get_status_display(),
        )
        for application in rows
    ]
    return WorkList(
        key="fund-applications",
        title=title,
        items=items,
        total=found.count(),
        see_all=reverse("fund:home"),
        see_all_text="The support fund",
        empty=empty,
        order=10,
    )


def register_providers() -> None:
    register("fund.applications", applications)
    register_hand_off(
        HandOff(
            kind="fund-award",
            description="A grant awarded to a support organisation",
            sent_to=frozenset({AgencyKind.VOLUNTARY_ORGANISATION}),
            recipients=award_recipients,
            work_list="fund.applications",
            listed_for=applies_for_grants,
        )
    )
