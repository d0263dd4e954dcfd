"""A demo victim support fund, built through the actions. The demo generator calls
build_demo_fund once its agencies and staff exist."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.fund import actions
from safeguarding.fund.models import Fund, Region, financial_year_of, quarter_start


def build_demo_fund(*, administrator: User, applicant: User) -> Fund | None:
    """£14,000,000 over this financial year and the next, an open round, and two
    applications from ``applicant``'s organisation: one awarded, paid for its first quarter
    and reported on, one scored and waiting. None when a fund already exists."""
    if Fund.objects.exists():
        return None
    today = timezone.localdate()
    year = financial_year_of(today)
    fund = actions.create_fund(
        actor=administrator,
        name="Victim and survivor support fund",
        total=Decimal("14000000"),
        allocations={year: Decimal("7000000"), year + 1: Decimal("7000000")},
    )
    grant_round = actions.open_round(
        actor=administrator,
        fund=fund,
        name="Round 1: therapeutic support",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=28),
        budget=Decimal("6000000"),
    )
    projects = [
        ("Counselling for young survivors", Region.NORTH_EAST, 180, "240000", "260000"),
        ("Family support after abuse", Region.YORKSHIRE_HUMBER, 90, "120000", "120000"),
    ]
    applications = [
        actions.submit_application(
            actor=applicant,
            grant_round=grant_round,
            proposal=actions.Proposal(name, "Weekly therapy and advocacy.", region, survivors),
            amounts={year: Decimal(first), year + 1: Decimal(second)},
        )
        for name, region, survivors, first, second in projects
    ]
    for application, scores in zip(
        applications,
        (
            {"need": 5, "deliverability": 4, "value-for-money": 4, "reach": 3},
            {"need": 4, "deliverability": 3, "value-for-money": 3, "reach": 2},
        ),
        strict=True,
    ):
        actions.score_application(actor=administrator, application=application, scores=scores)
    award = actions.award_grant(
        actor=administrator,
        application=applications[0],
        amounts={year: Decimal("240000"), year + 1: Decimal("260000")},
    )
    first = award.payments.get(financial_year=year, quarter=1)
    actions.record_grant_payment(actor=administrator, payment=first, paid_on=today)
    if quarter_start(year, 1) <= today:
        actions.report_outcome(
            actor=applicant,
            award=award,
            outcomes=actions.Outcomes(
                year, 1, 42, 236, "Two counsellors in post; waiting list open."
            ),
        )
    return fund
