"""Recoveries worked out by hand and compared with the service's figures.

The usual exit (see conftest.py): left on 30 April 2025 on £95,000 a year and 37 hours a
week, with £79,000.00 of counted payments net of tax. The first anniversary of the exit is
30 April 2026, 365 days after it (no 29 February in between), so under the 2016 draft
rule set:

    recoverable = 79,000.00 x (days from the new start to 30 April 2026) / 365
                            x min(1, new hours / 37)

rounded once, to the penny, halves up.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.exitpayments import actions
from safeguarding.exitpayments.models import ComponentKind, Recovery
from safeguarding.exitpayments.rules import MINUS, TIMES
from tests.exitpayments.conftest import record_exit, record_return
from tests.factories import Area, make_agency, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

EXIT = date(2025, 4, 30)


def only_recovery() -> Recovery:
    return Recovery.objects.select_related("rule_set").get()


def test_re_employed_the_day_after_exit(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = only_recovery()
    # 1 May 2025 to 30 April 2026 is 364 days.
    # 79,000.00 x 364 / 365 = 28,756,000 / 365 = 78,783.5616... -> 78,783.56
    assert recovery.amount == Decimal("78783.56")
    assert recovery.rule_set.code == "sbee-2016-draft"
    assert recovery.rule_set.version == 1
    assert recovery.status == Recovery.Status.OPEN
    assert recovery.recovering_agency == area.council
    assert recovery.recovering_body == area.council.name
    assert not recovery.recovered_by_treasury


def test_re_employed_182_days_after_exit(area: Area, hr):
    record_exit(hr)
    start = EXIT + timedelta(days=182)
    assert start == date(2025, 10, 29)
    record_return(hr, employer=area.other_council, start_date=start)
    # 365 - 182 = 183 days still to run.
    # 79,000.00 x 183 / 365 = 14,457,000 / 365 = 39,608.2191... -> 39,608.22
    assert only_recovery().amount == Decimal("39608.22")


def test_re_employed_364_days_after_exit(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2026, 4, 29))
    # One day still to run: 79,000.00 x 1 / 365 = 216.4383... -> 216.44
    assert only_recovery().amount == Decimal("216.44")


def test_on_the_anniversary_across_a_leap_year_nothing_is_recovered(area: Area, hr):
    # Left 15 June 2023; the anniversary is 15 June 2024, 366 days on (29 February 2024).
    record_exit(hr, exit_date=date(2023, 6, 15))
    record_return(hr, employer=area.other_council, start_date=date(2024, 6, 15))
    assert not Recovery.objects.exists()


def test_the_day_before_the_anniversary_across_a_leap_year(area: Area, hr):
    record_exit(hr, exit_date=date(2023, 6, 15))
    record_return(hr, employer=area.other_council, start_date=date(2024, 6, 14))
    # One day of 366 still to run: 79,000.00 / 366 = 215.8469... -> 215.85
    recovery = only_recovery()
    assert recovery.amount == Decimal("215.85")
    steps = recovery.working["evaluations"][1]["steps"]
    assert any("1 ÷ 366" in step["working"] for step in steps)


def test_an_exit_on_29_february_has_its_anniversary_on_28_february(area: Area, hr):
    # 29 February 2024 + 1 year = 28 February 2025 (2025 has no 29 February), 365 days on.
    record_exit(hr, exit_date=date(2024, 2, 29))
    record_return(hr, employer=area.other_council, start_date=date(2025, 2, 28))
    assert not Recovery.objects.exists()
    record_return(hr, employer=area.nhs, start_date=date(2025, 2, 27))
    # One day of 365: 79,000.00 / 365 = 216.4383... -> 216.44
    assert only_recovery().amount == Decimal("216.44")


def test_part_time_re_employment_is_pro_rata_by_hours(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 10, 29), hours="18.5")
    # 79,000.00 x 183 / 365 x 18.5 / 37 = 267,454,500 / 13,505 = 19,804.1095... -> 19,804.11
    recovery = only_recovery()
    assert recovery.amount == Decimal("19804.11")
    chosen = recovery.working["evaluations"][1]
    assert chosen["rule_set"] == "sbee-2016-draft"
    assert [step["label"] for step in chosen["steps"]] == [
        "Salary at exit",
        "Return to public work",
        "Redundancy pay",
        "Pension top-up (employer-funded pension strain)",
        "Settlement or compensation",
        "Payment in lieu of notice",
        "Exit payment counted, net of tax",
        "Share of the period still to run",
        "Hours",
        "Recoverable",
    ]
    assert chosen["steps"][-1]["working"] == (
        f"£79,000.00 {TIMES} 183 ÷ 365 {TIMES} 18.5 ÷ 37 = £19,804.11 "
        "(exact, rounded once to the penny, halves up)"
    )


def test_more_hours_than_before_count_as_the_same_hours(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1), hours="45")
    # min(1, 45 / 37) = 1, so the same as full time: 78,783.56
    assert only_recovery().amount == Decimal("78783.56")


def test_a_salary_just_below_the_threshold_is_not_recovered(area: Area, hr):
    record_exit(hr, salary="79999.99")
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    assert not Recovery.objects.exists()


def test_a_salary_of_exactly_the_threshold_is_recovered(area: Area, hr):
    record_exit(hr, salary="80000.00")
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    assert only_recovery().amount == Decimal("78783.56")


def test_excluded_components_are_not_counted(area: Area, hr):
    only_excluded = (
        actions.ComponentAmount(ComponentKind.NOTICE, Decimal("20000.00"), Decimal("8000.00")),
        actions.ComponentAmount(ComponentKind.ANNUAL_LEAVE, Decimal("5000.00")),
        actions.ComponentAmount(ComponentKind.ILL_HEALTH, Decimal("30000.00")),
        actions.ComponentAmount(ComponentKind.TRIBUNAL_AWARD, Decimal("15000.00")),
    )
    record_exit(hr, components=only_excluded)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    assert not Recovery.objects.exists()


def test_components_count_net_of_tax(area: Area, hr):
    redundancy = (
        actions.ComponentAmount(ComponentKind.REDUNDANCY, Decimal("50000.00"), Decimal("10000.00")),
    )
    record_exit(hr, components=redundancy)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    # 50,000.00 - 10,000.00 = 40,000.00
    # 40,000.00 x 364 / 365 = 14,560,000 / 365 = 39,890.4109... -> 39,890.41
    recovery = only_recovery()
    assert recovery.amount == Decimal("39890.41")
    steps = recovery.working["evaluations"][1]["steps"]
    assert {
        "label": "Redundancy pay",
        "working": f"£50,000.00 {MINUS} £10,000.00 tax and National Insurance = £40,000.00",
    } in steps


@pytest.fixture
def nhs_trusts(area: Area):
    return area.nhs, make_agency(AgencyKind.NHS_BODY, code="NHS-OTHER", name="Otherton NHS Trust")


def nhs_exit(hr_user, trust, **overrides):
    redundancy = (
        actions.ComponentAmount(ComponentKind.REDUNDANCY, Decimal("45000.00"), Decimal("3000.00")),
    )
    values = {"employer": trust, "salary": "60000.00", "components": redundancy}
    return record_exit(hr_user, **{**values, **overrides})


def test_nhs_redundancy_pay_is_repaid_in_full_within_4_weeks(area: Area, rule_sets, nhs_trusts):
    trust, other_trust = nhs_trusts
    nhs_hr = make_user(Role.HR_FINANCE, trust, username="nhs-hr")
    nhs_exit(nhs_hr, trust)
    # 4 weeks after 30 April 2025 is 28 May 2025: a start that day is within 4 weeks.
    # The salary (£60,000) is under the 2016 threshold; the NHS rule repays the redundancy
    # pay in full, before tax: 45,000.00.
    record_return(nhs_hr, employer=other_trust, start_date=date(2025, 5, 28))
    recovery = only_recovery()
    assert recovery.amount == Decimal("45000.00")
    assert recovery.rule_set.code == "nhs-afc-16"
    assert recovery.recovering_agency == trust


def test_nhs_rule_stops_after_4_weeks(area: Area, rule_sets, nhs_trusts):
    trust, other_trust = nhs_trusts
    nhs_hr = make_user(Role.HR_FINANCE, trust, username="nhs-hr")
    nhs_exit(nhs_hr, trust)
    record_return(nhs_hr, employer=other_trust, start_date=date(2025, 5, 29))
    assert not Recovery.objects.exists()


def test_nhs_rule_needs_both_employers_in_the_nhs(area: Area, rule_sets, nhs_trusts):
    trust, _ = nhs_trusts
    nhs_hr = make_user(Role.HR_FINANCE, trust, username="nhs-hr")
    nhs_exit(nhs_hr, trust)
    record_return(nhs_hr, employer=area.other_council, start_date=date(2025, 5, 2))
    assert not Recovery.objects.exists()


def test_when_both_rule_sets_apply_the_larger_is_taken(area: Area, rule_sets, nhs_trusts):
    trust, other_trust = nhs_trusts
    nhs_hr = make_user(Role.HR_FINANCE, trust, username="nhs-hr")
    redundancy = (
        actions.ComponentAmount(ComponentKind.REDUNDANCY, Decimal("60000.00"), Decimal("12000.00")),
    )
    nhs_exit(nhs_hr, trust, salary="95000.00", components=redundancy)
    record_return(nhs_hr, employer=other_trust, start_date=date(2025, 5, 1))
    # 2016 draft: (60,000.00 - 12,000.00) x 364 / 365 = 17,472,000 / 365 = 47,868.49
    # NHS: 60,000.00 in full. The larger, not both: 60,000.00.
    recovery = only_recovery()
    assert recovery.amount == Decimal("60000.00")
    assert recovery.rule_set.code == "nhs-afc-16"
    figures = {e["rule_set"]: e["amount"] for e in recovery.working["evaluations"]}
    assert figures == {"nhs-afc-16": "60000.00", "sbee-2016-draft": "47868.49"}
    assert recovery.working["chosen"] == {
        "rule_set": "nhs-afc-16",
        "version": 1,
        "amount": "60000.00",
    }


def test_recording_the_appointment_first_opens_the_recovery_on_the_payment(
    area: Area, hr, other_hr
):
    appointment = record_return(other_hr, employer=area.other_council, start_date=date(2025, 5, 1))
    assert not Recovery.objects.exists()
    exit_payment = record_exit(hr)
    recovery = only_recovery()
    assert (recovery.exit_payment, recovery.appointment) == (exit_payment, appointment)
    assert recovery.amount == Decimal("78783.56")
    opened = AuditEntry.objects.get(verb=AuditVerb.RECOVERY_OPENED)
    assert opened.actor_id == hr.pk
    assert opened.payload["amount"] == "78783.56"


def test_recording_the_payment_first_opens_the_recovery_on_the_appointment(
    area: Area, hr, other_hr
):
    record_exit(hr)
    record_return(other_hr, employer=area.other_council, start_date=date(2025, 5, 1))
    assert only_recovery().amount == Decimal("78783.56")
    assert AuditEntry.objects.get(verb=AuditVerb.RECOVERY_OPENED).actor_id == other_hr.pk


def test_only_the_first_return_opens_a_recovery(area: Area, hr):
    record_exit(hr)
    first = record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    record_return(hr, employer=area.nhs, start_date=date(2025, 6, 1))
    assert only_recovery().appointment == first


def test_the_person_is_recognised_by_ni_number_despite_a_different_name(area: Area, hr):
    record_exit(hr)
    record_return(
        hr,
        employer=area.other_council,
        start_date=date(2025, 5, 1),
        name="Gill Marsh-Owen",
        born=date(1968, 3, 28),
    )
    assert only_recovery().working["matched_by"] == "National Insurance number"


def test_without_an_ni_number_the_exact_name_and_date_of_birth_recognise_them(area: Area, hr):
    record_exit(hr)
    record_return(
        hr,
        employer=area.other_council,
        start_date=date(2025, 5, 1),
        name="  gillian   MARSH ",
        ni_number="",
    )
    assert only_recovery().working["matched_by"] == "exact name and date of birth"


def test_different_ni_numbers_are_different_people(area: Area, hr):
    record_exit(hr)
    record_return(
        hr, employer=area.other_council, start_date=date(2025, 5, 1), ni_number="CE 98 76 54 A"
    )
    assert not Recovery.objects.exists()


def test_a_similar_name_is_not_the_same_person(area: Area, hr):
    record_exit(hr, ni_number="")
    record_return(
        hr,
        employer=area.other_council,
        start_date=date(2025, 5, 1),
        name="Gillian Marsch",
        ni_number="",
    )
    assert not Recovery.objects.exists()


def test_hm_treasury_recovers_for_a_body_that_no_longer_exists(area: Area, hr):
    record_exit(hr, employer_name="Testshire Primary Care Trust", abolished=True)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = only_recovery()
    assert recovery.recovered_by_treasury
    assert recovery.recovering_body == "HM Treasury"
    assert recovery.recovering_agency is None
    # The agency that recorded the exit payment acts for HM Treasury.
    actions.agree_recovery(
        actor=hr, recovery=recovery, amount=Decimal("78783.56"), agreed_on=date(2025, 6, 1)
    )


def test_agree_then_pay_in_instalments(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = only_recovery()
    recovery = actions.agree_recovery(
        actor=hr, recovery=recovery, amount=Decimal("70000.00"), agreed_on=date(2025, 6, 1)
    )
    assert recovery.status == Recovery.Status.AGREED
    recovery = actions.record_recovery_payment(
        actor=hr, recovery=recovery, amount=Decimal("30000.00"), paid_on=date(2025, 7, 1)
    )
    assert (recovery.status, recovery.amount_outstanding) == (
        Recovery.Status.AGREED,
        Decimal("40000.00"),
    )
    with pytest.raises(ValidationError) as error:
        actions.record_recovery_payment(
            actor=hr, recovery=recovery, amount=Decimal("40000.01"), paid_on=date(2025, 8, 1)
        )
    assert "amount" in error.value.message_dict
    recovery = actions.record_recovery_payment(
        actor=hr, recovery=recovery, amount=Decimal("40000.00"), paid_on=date(2025, 8, 1)
    )
    assert (recovery.status, recovery.amount_paid) == (Recovery.Status.PAID, Decimal("70000.00"))
    assert AuditEntry.objects.filter(verb=AuditVerb.RECOVERY_UPDATED).count() == 3


def test_an_agreed_amount_cannot_exceed_the_figure_worked_out(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    with pytest.raises(ValidationError) as error:
        actions.agree_recovery(
            actor=hr,
            recovery=only_recovery(),
            amount=Decimal("78783.57"),
            agreed_on=date(2025, 6, 1),
        )
    assert error.value.message_dict["amount"] == [
        "The agreed amount must be more than £0 and at most £78,783.56"
    ]


def test_a_waiver_needs_a_reason_and_records_who_granted_it(area: Area, hr):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = only_recovery()
    for reason in ("", "   ", "Too short"):
        with pytest.raises(ValidationError) as error:
            actions.waive_recovery(actor=hr, recovery=recovery, reason=reason)
        assert "reason" in error.value.message_dict
    assert only_recovery().status == Recovery.Status.OPEN
    reason = "Accounting officer approved: the new post is an unpaid trusteeship."
    recovery = actions.waive_recovery(actor=hr, recovery=recovery, reason=reason)
    assert (recovery.status, recovery.waived_by, recovery.waiver_reason) == (
        Recovery.Status.WAIVED,
        hr,
        reason,
    )
    assert recovery.amount_outstanding == Decimal("0.00")
    entry = AuditEntry.objects.get(verb=AuditVerb.RECOVERY_WAIVED)
    assert (readable_reason(entry).text, entry.payload["waived"]) == (reason, "78783.56")
    with pytest.raises(ValidationError):
        actions.waive_recovery(actor=hr, recovery=recovery, reason=reason)


@pytest.mark.parametrize(
    "role", ["practitioner", "manager", "dsl", "auditor", "admin", "taskforce_analyst", "system"]
)
def test_other_roles_cannot_record(area: Area, rule_sets, role):
    user = getattr(area, role)
    with pytest.raises(PermissionDenied):
        record_exit(user, employer=area.council)
    with pytest.raises(PermissionDenied):
        record_return(user, employer=area.council, start_date=date(2025, 5, 1))


def test_only_the_recovering_body_acts_on_a_recovery(area: Area, hr, other_hr):
    record_exit(hr)
    record_return(other_hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = only_recovery()
    fund_administrator = make_user(Role.FUND_ADMINISTRATOR, area.taskforce)
    for outsider in (other_hr, area.auditor, area.admin, area.manager, fund_administrator):
        with pytest.raises(PermissionDenied):
            actions.waive_recovery(
                actor=outsider,
                recovery=recovery,
                reason="No reason an outsider could give matters.",
            )
        with pytest.raises(PermissionDenied):
            actions.agree_recovery(
                actor=outsider, recovery=recovery, amount=Decimal(1), agreed_on=date(2025, 6, 1)
            )


def test_recording_is_audited(area: Area, hr):
    exit_payment = record_exit(hr)
    appointment = record_return(hr, employer=area.other_council, start_date=date(2026, 6, 1))
    recorded = AuditEntry.objects.get(verb=AuditVerb.EXIT_PAYMENT_RECORDED)
    assert (recorded.target_id, recorded.payload["counted_gross"]) == (
        str(exit_payment.pk),
        "95000.00",
    )
    assert AuditEntry.objects.get(verb=AuditVerb.APPOINTMENT_RECORDED).target_id == str(
        appointment.pk
    )


def test_a_new_rule_set_version_applies_to_recoveries_opened_after_it(area: Area, hr):
    from safeguarding.exitpayments.defaults import SBEE_2016_DRAFT

    parameters = {k: v for k, v in SBEE_2016_DRAFT.items() if k != "code"}
    parameters["salary_threshold"] = Decimal("100000.00")
    with pytest.raises(PermissionDenied):
        actions.publish_rule_set(actor=hr, code="sbee-2016-draft", **parameters)
    published = actions.publish_rule_set(actor=area.admin, code="sbee-2016-draft", **parameters)
    assert published.version == 2
    assert AuditEntry.objects.get(verb=AuditVerb.RULE_SET_PUBLISHED).target_id == (
        "sbee-2016-draft/2"
    )
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    # £95,000 is under version 2's £100,000 threshold.
    assert not Recovery.objects.exists()


def test_a_rule_set_applies_only_to_exits_in_its_effective_dates(area: Area, hr):
    record_exit(hr, exit_date=date(2015, 3, 25))
    record_return(hr, employer=area.other_council, start_date=date(2015, 3, 26))
    assert not Recovery.objects.exists()


def test_exit_payment_validation(area: Area, hr):
    with pytest.raises(ValidationError) as error:
        actions.record_exit_payment(
            actor=hr,
            employee=actions.Employee(" ", date(1968, 3, 27), "QQ123456C"),
            employer=actions.Employer(agency=area.council, name="Also a name"),
            annual_salary=Decimal("95000"),
            weekly_hours=Decimal("0"),
            exit_date=timezone.localdate() + timedelta(days=1),
            components=[
                actions.ComponentAmount(ComponentKind.REDUNDANCY, Decimal("10"), Decimal("11"))
            ],
        )
    assert set(error.value.message_dict) == {
        "full_name",
        "ni_number",
        "employer_name",
        "weekly_hours",
        "exit_date",
        "redundancy_tax",
    }
