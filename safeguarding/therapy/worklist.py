"""Work list from therapy referrals: a provider's waiting list, a referrer's referrals."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.therapy.actions import PROVIDER_KINDS, PROVIDER_ROLES, is_provider_staff
from safeguarding.therapy.queries import referrals_by_my_agency, waiting_list
from safeguarding.worklists.handoffs import HandOff, register_hand_off
from safeguarding.worklists.registry import SHOWN, WorkItem, WorkList, register


def therapy(user: User) -> WorkList | None:
    """The provider's children waiting longest, or the agency's referrals still waiting
    (both reads audit the referrals they list)."""
    if is_provider_staff(user):
        found = waiting_list(user)
        title, link = "Children waiting for therapy", reverse("therapy:waiting-list")
    else:
        found = [r for r in referrals_by_my_agency(user) if r.started_on is None]
        title, link = "Therapy referrals waiting to start", reverse("therapy:referrals")
        if not found:
            return None
    today = timezone.localdate()
    items = [
        WorkItem(
            what=f"{referral.get_service_type_display()} at {referral.provider.name}",
            link=reverse("therapy:referral", args=[referral.pk]),
            whose=referral.person.full_name,
            due=referral.clock.due_on if referral.clock else None,
            overdue=bool(referral.clock and referral.clock.due_on < today),
            state="Waiting",
        )
        for referral in found[:SHOWN]
    ]
    return WorkList(
        key="therapy",
        title=title,
        items=items,
        total=len(found),
        see_all=link,
        see_all_text="All therapy referrals",
        empty="No child is waiting.",
        order=45,
    )


def register_providers() -> None:
    register("therapy.referrals", therapy)
    register_hand_off(
        HandOff(
            kind="therapy-referral",
            description="A child referred to a provider of therapy",
            sent_to=PROVIDER_KINDS,
            recipients=_provider_staff,
            work_list="therapy.referrals",
            listed_for=is_provider_staff,
        )
    )


def _provider_staff(agency: Agency) -> list[User]:
    """Whom refer_for_therapy tells at the provider."""
    return list(User.objects.filter(agency=agency, role__in=PROVIDER_ROLES, is_active=True))
