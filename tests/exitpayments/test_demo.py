"""The demo register builds through the actions, opens the recoveries it means to, and
can be built again without adding to itself."""

from __future__ import annotations

import pytest

from safeguarding.access.roles import Role
from safeguarding.exitpayments.demo import build_demo_register
from safeguarding.exitpayments.models import ExitPayment, Recovery
from tests.factories import Area, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_demo_register(area: Area):
    officer = make_user(Role.HR_FINANCE, area.council, username="demo-hr")
    assert build_demo_register(officer=officer, new_employer=area.other_council) == 3
    recoveries = {
        r.exit_payment.full_name: r for r in Recovery.objects.select_related("exit_payment")
    }
    assert set(recoveries) == {"Gillian Marsh", "Philippa Noakes"}
    assert recoveries["Philippa Noakes"].recovering_body == "HM Treasury"
    assert build_demo_register(officer=officer, new_employer=area.other_council) == 0
    assert ExitPayment.objects.count() == 3
