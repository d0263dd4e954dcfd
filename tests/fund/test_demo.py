"""The demo fund builds through the actions and only once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.fund.demo import build_demo_fund
from safeguarding.fund.models import Award, GrantApplication
from safeguarding.fund.queries import fund_report
from tests.factories import Area, make_agency, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_demo_fund(area: Area):
    administrator = make_user(Role.FUND_ADMINISTRATOR, area.taskforce, username="demo-fund")
    charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-DEMO")
    applicant = make_user(Role.PRACTITIONER, charity, username="demo-charity")
    fund = build_demo_fund(administrator=administrator, applicant=applicant)
    assert fund is not None
    assert GrantApplication.objects.count() == 2
    assert Award.objects.get().total == Decimal("500000.00")
    report = fund_report(fund)
    # 240,000.00 / 4 = 60,000.00 paid in the first year.
    assert (report.by_year[0].committed, report.by_year[0].paid) == (
        Decimal("240000.00"),
        Decimal("60000.00"),
    )
    assert build_demo_fund(administrator=administrator, applicant=applicant) is None
