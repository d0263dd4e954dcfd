"""A referral from the helpline: routing it records the receipt, the first opening by a
reader at the agency receives it, their response is its action, and the caseworker's page
of the report shows all three."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.helpline import actions
from safeguarding.helpline.models import RoutedReferral
from safeguarding.worklists.models import Receipt
from tests.factories import PASSWORD, Area
from tests.helpline.conftest import (  # noqa: F401 -- the helpline's fixtures, used here by name
    Helpline,
    _fast_helpline,
    details,
    helpline,
    unlocked,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def test_a_helpline_referral_and_the_council_s_response(
    helpline: Helpline,  # noqa: F811 -- the fixture imported above
    area: Area,
    client_for: Callable[[User], Client],
) -> None:
    report = actions.submit_report(details(area), today=DAY).report
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=1))
    report.refresh_from_db()
    opened = actions.open_report(
        actor=helpline.caseworker, report=report, private_key=unlocked(helpline.caseworker)
    )
    referral = actions.route_referral(
        actor=helpline.caseworker,
        opened=opened,
        to_agency=area.council,
        fields=["what_happened"],
        legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
    )
    receipt = Receipt.objects.get(kind="helpline-referral", item_id=str(referral.pk))
    assert (receipt.from_agency_id, receipt.to_agency_id) == (helpline.agency.pk, area.council.pk)

    page = reverse("helpline:referral", args=[referral.pk])
    council = client_for(area.mash)
    assert "What is your agency doing about it?" in council.get(page).content.decode()
    assert council.post(page, {}).status_code == 400
    assert council.post(page, {"response": "no-action"}).status_code == 302
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.mash.pk
    assert receipt.action == "No action for us"
    assert "No action for us" in council.get(page).content.decode()

    # The caseworker who sent it reads what became of it on the report's page.
    caseworker = client_for(helpline.caseworker)
    caseworker.post(reverse("helpline:unlock"), {"password": PASSWORD})
    seen = caseworker.get(reverse("helpline:report", args=[report.pk])).content.decode()
    assert f"to {area.council.name}" in seen
    assert "(No action for us)" in seen
