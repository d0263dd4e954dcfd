"""A £14,000,000 fund over two financial years, its administrator, and two support
organisations with a member of staff each. Years are the current financial year and the
next, so that a round can be open today and the first quarter has begun."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.fund import actions
from safeguarding.fund.models import Fund, GrantApplication, GrantRound, Region, financial_year_of
from tests.factories import Area, make_agency, make_user


@dataclass
class Setting:
    administrator: User
    charity: Agency
    applicant: User
    other_charity: Agency
    other_applicant: User
    fund: Fund
    grant_round: GrantRound
    first_year: int

    @property
    def second_year(self) -> int:
        return self.first_year + 1


def build_setting(area: Area, *, allocations: tuple[str, str] = ("7000000", "7000000")) -> Setting:
    administrator = make_user(Role.FUND_ADMINISTRATOR, area.taskforce, username="fund-admin")
    charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-1", name="Safe Harbour")
    other_charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code="VOL-2", name="Northlight")
    first_year = financial_year_of(timezone.localdate())
    fund = actions.create_fund(
        actor=administrator,
        name="Victim support fund",
        total=Decimal("14000000.00"),
        allocations={first_year: Decimal(allocations[0]), first_year + 1: Decimal(allocations[1])},
    )
    today = timezone.localdate()
    grant_round = actions.open_round(
        actor=administrator,
        fund=fund,
        name="Round 1",
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=21),
        budget=Decimal("14000000.00"),
    )
    return Setting(
        administrator=administrator,
        charity=charity,
        applicant=make_user(Role.PRACTITIONER, charity, username="safe-harbour"),
        other_charity=other_charity,
        other_applicant=make_user(Role.PRACTITIONER, other_charity, username="northlight"),
        fund=fund,
        grant_round=grant_round,
        first_year=first_year,
    )


@pytest.fixture
def setting(area: Area) -> Setting:
    return build_setting(area)


def apply(
    setting: Setting,
    *,
    applicant: User | None = None,
    first: str = "500000",
    second: str = "500000",
    region: str = Region.NORTH_EAST,
    name: str = "Counselling for survivors",
) -> GrantApplication:
    return actions.submit_application(
        actor=applicant or setting.applicant,
        grant_round=setting.grant_round,
        proposal=actions.Proposal(name, "Weekly therapy and advocacy.", region, 120),
        amounts={setting.first_year: Decimal(first), setting.second_year: Decimal(second)},
    )


GOOD_SCORES = {"need": 4, "deliverability": 3, "value-for-money": 5, "reach": 2}


def scored(setting: Setting, application: GrantApplication) -> GrantApplication:
    actions.score_application(
        actor=setting.administrator, application=application, scores=GOOD_SCORES
    )
    return application
