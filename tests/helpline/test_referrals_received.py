"""Referrals from the helpline reach the receiving agency as one notification while unread,
linking to the list of every referral it received."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.helpline import actions
from safeguarding.helpline.models import RoutedReferral
from safeguarding.notifications.models import Notification
from tests.factories import Area
from tests.helpline.conftest import (  # noqa: F401 -- the helpline's fixtures, used here by name
    Helpline,
    _fast_helpline,
    details,
    helpline,
    unlocked,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def _referral(helpline: Helpline, area: Area) -> RoutedReferral:  # noqa: F811 -- the fixture's name
    report = actions.submit_report(details(area), today=DAY).report
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=1))
    report.refresh_from_db()
    opened = actions.open_report(
        actor=helpline.caseworker, report=report, private_key=unlocked(helpline.caseworker)
    )
    return actions.route_referral(
        actor=helpline.caseworker,
        opened=opened,
        to_agency=area.council,
        fields=["what_happened"],
        legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
    )


def test_several_referrals_are_one_notification_and_one_list(
    helpline: Helpline,  # noqa: F811 -- the fixture imported above
    area: Area,
    client_for: Callable[[User], Client],
) -> None:
    first, second, third = (_referral(helpline, area) for _ in range(3))
    (notice,) = Notification.objects.filter(recipient=area.mash, group_key="helpline-referrals")
    assert notice.count == 3
    assert notice.subject == "3 referrals from the helpline"
    assert notice.link == reverse("helpline:referrals")

    listed = client_for(area.mash).get(notice.link).content.decode()
    for referral in (first, second, third):
        assert reverse("helpline:referral", args=[referral.pk]) in listed
        assert referral.report.reference in listed
    # Newest first.
    assert listed.index(str(third.pk)) < listed.index(str(first.pk))
    # Staff who do not act on referrals, and other agencies, are not shown the list.
    assert client_for(area.practitioner).get(notice.link).status_code == 403
    other = client_for(area.police_analyst).get(notice.link)
    assert str(first.pk) not in other.content.decode()
