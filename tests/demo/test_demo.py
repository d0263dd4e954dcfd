"""The demo area: every register has something to show, every demo account opens its home
page and the sections it is offered, and everything was recorded through the audited actions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import verify_chain
from safeguarding.collaboration.models import CollaborationRequest
from safeguarding.concerns.models import Concern
from safeguarding.demo.area import USERS
from safeguarding.demo.generator import build_demo
from safeguarding.exitpayments.models import ExitPayment, Recovery
from safeguarding.fund.models import Fund
from safeguarding.helpline.models import Report as HelplineReport
from safeguarding.inspections.models import Inspection
from safeguarding.linkage.models import LinkageRun
from safeguarding.mash.models import Contact
from safeguarding.networks.models import NetworkAlert
from safeguarding.taskforce.models import OnlineAbuseSuspect
from safeguarding.web.navigation import items_for

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_the_demo_area_fills_every_register_and_opens_for_every_account(
    client_for: Callable[[User], Client],
) -> None:
    result = build_demo(seed=7, scale=0.003, progress=False)
    assert result.agencies >= 12
    assert Concern.objects.count() >= 20
    assert Contact.objects.exists()
    # Most senders say when it happened or was disclosed: never after it was recorded.
    disclosed = Concern.objects.exclude(disclosed_on=None)
    assert disclosed.exists()
    assert all(c.disclosed_on <= timezone.localdate(c.recorded_at) for c in disclosed)
    assert ExitPayment.objects.count() == 3
    assert Recovery.objects.exists()
    assert Fund.objects.count() == 1
    assert NetworkAlert.objects.count() >= 2  # the two planted networks
    assert CollaborationRequest.objects.count() == 2
    assert Inspection.objects.count() == 1
    assert HelplineReport.objects.count() >= 10
    assert HelplineReport.objects.filter(attachments__isnull=False).exists()
    assert OnlineAbuseSuspect.objects.exists()
    assert LinkageRun.objects.filter(finished_at__isnull=False).exists()
    assert {demo.username for demo, _ in result.users} >= {
        *(demo.username for demo in USERS),
        "inspector-ofsted",
    }
    for demo, _ in result.users:
        user = User.objects.get(username=demo.username)
        client = client_for(user)
        for item in items_for(user):
            assert client.get(reverse(item.url_name)).status_code == 200, (demo, item)
    assert verify_chain().ok
