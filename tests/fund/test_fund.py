"""The victim support fund: scoring, award limits, payment schedules, outcomes, reports
and access, with figures worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.fund import actions
from safeguarding.fund.models import (
    Criterion,
    FundYear,
    GrantApplication,
    GrantPayment,
    Region,
    quarter_label,
)
from safeguarding.fund.queries import applications_visible_to, fund_report
from safeguarding.fund.scoring import weighted_total
from tests.factories import Area
from tests.fund.conftest import GOOD_SCORES, Setting, apply, scored

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_weighted_total_arithmetic():
    # Weights 40 / 25 / 20 / 15 per cent; scores 4 / 3 / 5 / 2:
    #   4 x 40 = 160, 3 x 25 = 75, 5 x 20 = 100, 2 x 15 = 30; 365 / 100 = 3.65
    weights = {"need": 40, "deliverability": 25, "value-for-money": 20, "reach": 15}
    scored_ = weighted_total(GOOD_SCORES, weights)
    assert scored_.total == Decimal("3.65")
    assert [line["weighted"] for line in scored_.working] == ["1.60", "0.75", "1.00", "0.30"]
    # All fives make 5.00, all noughts 0.00.
    assert weighted_total(dict.fromkeys(Criterion.values, 5), weights).total == Decimal("5.00")
    assert weighted_total(dict.fromkeys(Criterion.values, 0), weights).total == Decimal("0.00")
    with pytest.raises(ValueError, match="0 to 5"):
        weighted_total({**GOOD_SCORES, "reach": 6}, weights)


def test_scoring_uses_the_rounds_weights_and_is_audited(area: Area, setting: Setting):
    application = apply(setting)
    assessment = actions.score_application(
        actor=setting.administrator, application=application, scores=GOOD_SCORES
    )
    assert assessment.weighted_total == Decimal("3.65")
    # Scoring again replaces the scores: 5 x 40 + 5 x 25 + 5 x 20 + 0 x 15 = 425 -> 4.25
    again = actions.score_application(
        actor=setting.administrator,
        application=application,
        scores={"need": 5, "deliverability": 5, "value-for-money": 5, "reach": 0},
    )
    assert (again.pk, again.weighted_total) == (assessment.pk, Decimal("4.25"))
    assert AuditEntry.objects.filter(verb=AuditVerb.GRANT_APPLICATION_SCORED).count() == 2


def test_a_score_out_of_range_is_refused(area: Area, setting: Setting):
    with pytest.raises(ValidationError) as error:
        actions.score_application(
            actor=setting.administrator,
            application=apply(setting),
            scores={**GOOD_SCORES, "need": 6},
        )
    assert error.value.message_dict == {"need": ["Score need from 0 to 5"]}


def test_awards_never_exceed_a_years_allocation(area: Area, setting: Setting):
    # 7,000,000.00 allocated to the first year. 6,600,000.00 awarded leaves 400,000.00.
    big = scored(setting, apply(setting, first="6600000", second="0", name="Big project"))
    actions.award_grant(
        actor=setting.administrator,
        application=big,
        amounts={setting.first_year: Decimal("6600000")},
    )
    other = scored(setting, apply(setting, applicant=setting.other_applicant, first="400000.01"))
    with pytest.raises(ValidationError) as error:
        actions.award_grant(
            actor=setting.administrator,
            application=other,
            amounts={setting.first_year: Decimal("400000.01")},
        )
    key = f"year_{setting.first_year}"
    assert error.value.message_dict[key] == [
        f"Only £400,000.00 of {setting.first_year} to {setting.second_year}'s allocation remains"
    ]
    actions.award_grant(
        actor=setting.administrator,
        application=other,
        amounts={setting.first_year: Decimal("400000.00"), setting.second_year: Decimal("1")},
    )
    first = FundYear.objects.get(fund=setting.fund, financial_year=setting.first_year)
    assert actions._committed(first) == Decimal("7000000.00")


def test_an_award_is_at_most_what_was_requested(area: Area, setting: Setting):
    application = scored(setting, apply(setting, first="100000", second="0"))
    with pytest.raises(ValidationError) as error:
        actions.award_grant(
            actor=setting.administrator,
            application=application,
            amounts={setting.first_year: Decimal("100000.01")},
        )
    assert f"year_{setting.first_year}" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.award_grant(
            actor=setting.administrator,
            application=application,
            amounts={setting.second_year: Decimal("1")},
        )


def test_an_application_is_scored_before_it_is_awarded_and_awarded_once(
    area: Area, setting: Setting
):
    application = apply(setting)
    amounts = {setting.first_year: Decimal("1000")}
    with pytest.raises(ValidationError, match="Score the application before awarding"):
        actions.award_grant(actor=setting.administrator, application=application, amounts=amounts)
    scored(setting, application)
    actions.award_grant(actor=setting.administrator, application=application, amounts=amounts)
    with pytest.raises(ValidationError, match="already been awarded"):
        actions.award_grant(actor=setting.administrator, application=application, amounts=amounts)
    with pytest.raises(ValidationError, match="already been awarded"):
        actions.score_application(
            actor=setting.administrator, application=application, scores=GOOD_SCORES
        )


def test_a_rounds_budget_is_a_limit_too(area: Area, setting: Setting):
    small = actions.open_round(
        actor=setting.administrator,
        fund=setting.fund,
        name="Small grants",
        opens_on=setting.grant_round.opens_on,
        closes_on=setting.grant_round.closes_on,
        budget=Decimal("50000"),
    )
    setting.grant_round = small
    first = scored(setting, apply(setting, first="30000", second="0"))
    second = scored(setting, apply(setting, applicant=setting.other_applicant, first="30000"))
    actions.award_grant(
        actor=setting.administrator,
        application=first,
        amounts={setting.first_year: Decimal("30000")},
    )
    with pytest.raises(ValidationError) as error:
        actions.award_grant(
            actor=setting.administrator,
            application=second,
            amounts={setting.first_year: Decimal("30000")},
        )
    assert error.value.message_dict["__all__"] == [
        "Only £20,000.00 of the round's £50,000.00 budget remains"
    ]


def test_quarterly_payments_are_scheduled_from_the_award(area: Area, setting: Setting):
    application = scored(setting, apply(setting, first="100000.01", second="60000"))
    award = actions.award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("100000.01"), setting.second_year: Decimal("60000")},
    )
    year = setting.first_year
    payments = list(award.payments.order_by("financial_year", "quarter"))
    # 100,000.01 / 4 = 25,000.0025: three quarters of 25,000.00 and the last 25,000.01.
    # 60,000.00 / 4 = 15,000.00 each.
    assert [(p.financial_year, p.quarter, p.due_on, p.amount) for p in payments] == [
        (year, 1, date(year, 4, 1), Decimal("25000.00")),
        (year, 2, date(year, 7, 1), Decimal("25000.00")),
        (year, 3, date(year, 10, 1), Decimal("25000.00")),
        (year, 4, date(year + 1, 1, 1), Decimal("25000.01")),
        (year + 1, 1, date(year + 1, 4, 1), Decimal("15000.00")),
        (year + 1, 2, date(year + 1, 7, 1), Decimal("15000.00")),
        (year + 1, 3, date(year + 1, 10, 1), Decimal("15000.00")),
        (year + 1, 4, date(year + 2, 1, 1), Decimal("15000.00")),
    ]
    assert sum(p.amount for p in payments) == Decimal("160000.01")
    paid = actions.record_grant_payment(
        actor=setting.administrator, payment=payments[0], paid_on=timezone.localdate()
    )
    assert paid.is_paid
    with pytest.raises(ValidationError):
        actions.record_grant_payment(
            actor=setting.administrator, payment=payments[0], paid_on=timezone.localdate()
        )
    assert AuditEntry.objects.filter(verb=AuditVerb.GRANT_PAYMENT_MADE).count() == 1


def test_quarter_labels():
    assert quarter_label(2026, 1) == "April to June 2026 (quarter 1 of 2026 to 2027)"
    assert quarter_label(2026, 3) == "October to December 2026 (quarter 3 of 2026 to 2027)"
    assert quarter_label(2026, 4) == "January to March 2027 (quarter 4 of 2026 to 2027)"


def test_reports_by_year_and_region_add_up(area: Area, setting: Setting):
    year, next_year = setting.first_year, setting.second_year
    north = scored(setting, apply(setting, first="400000", second="300000"))
    london = scored(
        setting,
        apply(
            setting,
            applicant=setting.other_applicant,
            first="250000.50",
            second="0",
            region=Region.LONDON,
        ),
    )
    unawarded = apply(setting, first="999999", second="0", region=Region.SOUTH_WEST)
    north_award = actions.award_grant(
        actor=setting.administrator,
        application=north,
        amounts={year: Decimal("400000"), next_year: Decimal("300000")},
    )
    london_award = actions.award_grant(
        actor=setting.administrator, application=london, amounts={year: Decimal("250000.50")}
    )
    # Paid: north's first quarter (400,000.00 / 4 = 100,000.00) and london's first two
    # (250,000.50 / 4 = 62,500.125 -> 62,500.12 each): 100,000.00 + 125,000.24 = 225,000.24
    today = timezone.localdate()
    for payment in [
        *north_award.payments.filter(financial_year=year, quarter=1),
        *london_award.payments.filter(financial_year=year, quarter__in=[1, 2]),
    ]:
        actions.record_grant_payment(actor=setting.administrator, payment=payment, paid_on=today)
    actions.report_outcome(
        actor=setting.applicant,
        award=north_award,
        outcomes=actions.Outcomes(year, 1, 40, 310, "Two counsellors started."),
    )
    actions.report_outcome(
        actor=setting.other_applicant,
        award=london_award,
        outcomes=actions.Outcomes(year, 1, 25, 90, "Group sessions began."),
    )
    report = fund_report(setting.fund)
    first, second = report.by_year
    # Committed in the first year: 400,000.00 + 250,000.50 = 650,000.50;
    # remaining: 7,000,000.00 - 650,000.50 = 6,349,999.50.
    assert (first.committed, first.paid, first.remaining) == (
        Decimal("650000.50"),
        Decimal("225000.24"),
        Decimal("6349999.50"),
    )
    assert (first.survivors_supported, first.therapy_sessions) == (65, 400)
    # Second year: 300,000.00 committed, nothing paid, 6,700,000.00 remaining.
    assert (second.committed, second.paid, second.remaining) == (
        Decimal("300000.00"),
        Decimal("0.00"),
        Decimal("6700000.00"),
    )
    total = report.year_total
    assert (total.allocation, total.committed, total.paid, total.remaining) == (
        Decimal("14000000.00"),
        Decimal("950000.50"),
        Decimal("225000.24"),
        Decimal("13049999.50"),
    )
    regions = {row.region: row for row in report.by_region}
    assert len(regions) == 9
    assert (regions[Region.NORTH_EAST].committed, regions[Region.NORTH_EAST].paid) == (
        Decimal("700000.00"),
        Decimal("100000.00"),
    )
    assert (regions[Region.LONDON].committed, regions[Region.LONDON].paid) == (
        Decimal("250000.50"),
        Decimal("125000.24"),
    )
    assert regions[Region.SOUTH_WEST].awards == 0
    assert unawarded.status == GrantApplication.Status.SUBMITTED
    assert (
        report.region_total.awards,
        report.region_total.committed,
        report.region_total.survivors_supported,
        report.region_total.therapy_sessions,
    ) == (2, Decimal("950000.50"), 65, 400)


def test_allocations_never_fall_below_what_is_committed(area: Area, setting: Setting):
    application = scored(setting, apply(setting, first="500000", second="0"))
    actions.award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("500000")},
    )
    with pytest.raises(ValidationError, match=r"£500,000\.00 is already awarded"):
        actions.set_allocation(
            actor=setting.administrator,
            fund=setting.fund,
            financial_year=setting.first_year,
            allocation=Decimal("499999.99"),
        )
    with pytest.raises(ValidationError, match="more than the fund's total"):
        actions.set_allocation(
            actor=setting.administrator,
            fund=setting.fund,
            financial_year=setting.first_year,
            allocation=Decimal("7000000.01"),
        )
    changed = actions.set_allocation(
        actor=setting.administrator,
        fund=setting.fund,
        financial_year=setting.first_year,
        allocation=Decimal("6000000"),
    )
    assert changed.allocation == Decimal("6000000")
    assert AuditEntry.objects.filter(verb=AuditVerb.FUND_CHANGED).count() == 3


def test_a_fund_cannot_allocate_more_than_its_total(area: Area, setting: Setting):
    with pytest.raises(ValidationError, match="more than the fund's total"):
        actions.create_fund(
            actor=setting.administrator,
            name="Too much",
            total=Decimal("1000"),
            allocations={2026: Decimal("600"), 2027: Decimal("400.01")},
        )


def test_applications_only_while_the_round_is_open(area: Area, setting: Setting):
    round_ = setting.grant_round
    round_.closes_on = timezone.localdate() - timedelta(days=1)
    round_.opens_on = round_.closes_on - timedelta(days=10)
    round_.save()
    with pytest.raises(ValidationError, match="Round 1 is open from"):
        apply(setting)


def test_outcomes_only_from_the_award_holder_for_a_started_quarter(area: Area, setting: Setting):
    application = scored(setting, apply(setting))
    award = actions.award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("1000"), setting.second_year: Decimal("1000")},
    )
    with pytest.raises(PermissionDenied):
        actions.report_outcome(
            actor=setting.other_applicant,
            award=award,
            outcomes=actions.Outcomes(setting.first_year, 1, 1, 1, "Not ours to report."),
        )
    with pytest.raises(ValidationError, match="has not started yet"):
        actions.report_outcome(
            actor=setting.applicant,
            award=award,
            outcomes=actions.Outcomes(setting.second_year, 4, 1, 1, "The future."),
        )
    actions.report_outcome(
        actor=setting.applicant,
        award=award,
        outcomes=actions.Outcomes(setting.first_year, 1, 12, 48, "Sessions began."),
    )
    with pytest.raises(ValidationError, match="already been reported"):
        actions.report_outcome(
            actor=setting.applicant,
            award=award,
            outcomes=actions.Outcomes(setting.first_year, 1, 12, 48, "Sessions began."),
        )


@pytest.mark.parametrize("role", ["practitioner", "manager", "dsl", "auditor", "admin", "system"])
def test_only_the_administrator_runs_the_fund(area: Area, setting: Setting, role: str):
    user = getattr(area, role)
    application = apply(setting)
    with pytest.raises(PermissionDenied):
        actions.create_fund(actor=user, name="x", total=Decimal(1), allocations={2026: Decimal(1)})
    with pytest.raises(PermissionDenied):
        actions.score_application(actor=user, application=application, scores=GOOD_SCORES)
    with pytest.raises(PermissionDenied):
        actions.award_grant(
            actor=user, application=application, amounts={setting.first_year: Decimal(1)}
        )
    with pytest.raises(PermissionDenied):
        apply(setting, applicant=user)


def test_applicants_see_only_their_own_organisations_applications(area: Area, setting: Setting):
    mine = apply(setting)
    theirs = apply(setting, applicant=setting.other_applicant)
    assert list(applications_visible_to(setting.applicant)) == [mine]
    assert list(applications_visible_to(setting.other_applicant)) == [theirs]
    assert set(applications_visible_to(setting.administrator)) == {mine, theirs}
    assert set(applications_visible_to(area.auditor)) == {mine, theirs}
    assert list(applications_visible_to(area.practitioner)) == []
    assert GrantPayment.objects.count() == 0
    received = AuditEntry.objects.filter(verb=AuditVerb.GRANT_APPLICATION_RECEIVED)
    assert received.count() == 2
