"""The accountability and support registers in a browser. An HR and finance officer
records an exit payment, then the same person's new public appointment 100 days later, and
reads the recovery with its working. The victim support fund's pages follow, for its
administrator and a support organisation. Every page load, errors included, is checked by
axe (see pages.Site.check)."""

from __future__ import annotations

import pytest

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.exitpayments.actions import publish_default_rule_sets
from safeguarding.exitpayments.rules import MINUS, TIMES
from safeguarding.fund.models import GrantApplication
from tests.browser.pages import Site
from tests.factories import Area, make_user
from tests.fund.conftest import Setting, build_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(area: Area) -> User:
    # The tables were emptied by an earlier transactional test: publish the shipped rules.
    publish_default_rule_sets(actor=None)
    return make_user(Role.HR_FINANCE, area.council, username="hr-finance")


def test_exit_payment_then_appointment_opens_a_recovery(
    site: Site, area: Area, officer: User
) -> None:
    site.sign_in_with_session(officer)
    site.open("/exit-payments/")
    assert site.heading() == "Exit payments"
    site.follow("Rule sets used to work out recoveries")
    assert site.heading() == "Rule sets for recovering exit payments"
    site.open("/exit-payments/")
    site.follow("Record an exit payment", button=True)
    assert site.heading() == "Record an exit payment"

    site.submit("Save exit payment", status=400)
    assert site.error_messages() == [
        "Enter the person's full name",
        "Enter the date of birth",
        "Choose the former employer, or enter its name if it is not listed",
        "Enter the salary at exit",
        "Enter the hours a week",
        "Enter the exit date",
        "Enter at least one payment",
    ]

    site.fill("Full name", "Gillian Marsh")
    site.fill_date("Date of birth", 27, 3, 1968)
    site.fill("National Insurance number", "QQ 12 34 56 C")
    site.field("Former employer").select_option(label=area.council.name)
    site.fill("Salary at exit", "95,000")
    site.fill("Contracted hours a week", "37")
    site.fill_date("Exit date", 30, 4, 2025)
    site.fill("Redundancy pay: gross amount", "60,000")
    site.fill("Redundancy pay: tax and National Insurance deducted", "12,000")
    site.fill("Payment in lieu of notice: gross amount", "20,000")
    site.submit("Save exit payment", status=400)
    assert site.error_messages() == [
        "QQ is not a National Insurance number prefix HMRC allocates. "
        "Check the number against a payslip or P60"
    ]
    site.fill("National Insurance number", "AB 12 34 56 C")
    site.submit("Save exit payment")
    assert site.heading() == "Gillian Marsh"
    assert "None: no return to public work" in site.page.locator(".govuk-summary-list").inner_text()

    site.open("/exit-payments/appointments/record/")
    assert site.heading() == "Record an appointment"
    site.submit("Save appointment", status=400)
    assert "Choose employment or consultancy" in site.error_messages()
    site.fill("Full name", "Gillian Marsh")
    site.fill_date("Date of birth", 27, 3, 1968)
    site.fill("National Insurance number", "AB123456C")
    site.field("Employer").select_option(label=area.other_council.name)
    site.page.get_by_label("Employment", exact=True).check()
    # 100 days after 30 April 2025: 31 days of May, 30 of June, 31 of July, 8 of August.
    site.fill_date("Start date", 8, 8, 2025)
    site.fill("Hours a week", "37")
    site.fill("Salary or fee, per year", "88000")
    site.submit("Save appointment")
    assert site.heading() == "Gillian Marsh"

    # The anniversary is 30 April 2026, 365 days after the exit; 265 of them remain on
    # 8 August 2025. Counted, net of tax: 60,000.00 - 12,000.00 = 48,000.00 (the payment
    # in lieu of notice is not counted).
    # 48,000.00 x 265 / 365 = 12,720,000 / 365 = 34,849.3150... -> 34,849.32
    site.follow(f"£34,849.32 to {area.council.name}")
    assert site.heading() == "Gillian Marsh: £34,849.32"
    working = site.page.get_by_role(
        "table",
        name="Working for Public sector exit payment recovery (2016 draft regulations), version 1",
    ).inner_text()
    assert f"£60,000.00 {MINUS} £12,000.00 tax and National Insurance = £48,000.00" in working
    assert "£20,000.00: not counted by this rule" in working
    assert "265 ÷ 365 = 0.726027" in working
    assert f"£48,000.00 {TIMES} 265 ÷ 365 = £34,849.32" in working

    site.submit("Waive recovery", status=400)
    assert site.error_messages() == ["Explain why the recovery is waived"]
    site.fill("Amount agreed", "34,849.32")
    site.fill_date("Date agreed", 1, 9, 2025)
    site.submit("Record agreement")
    assert "Agreed" in site.page.locator(".govuk-summary-list").inner_text()
    site.open("/exit-payments/")
    site.follow("Gillian Marsh", within=site.page.get_by_role("region", name="Recoveries"))
    site.sign_out()


@pytest.fixture
def setting(area: Area) -> Setting:
    """The victim support fund, its administrator and a support organisation."""
    return build_setting(area)


def test_support_fund_apply_score_award_pay_and_report(site: Site, setting: Setting) -> None:
    first = f"{setting.first_year} to {setting.second_year}"

    site.sign_in_with_session(setting.applicant)
    site.open("/support-fund/")
    assert site.heading() == "Victim support fund"
    site.follow("Apply to Round 1")
    assert site.heading() == "Apply to Round 1"
    site.submit("Send application", status=400)
    assert site.error_messages() == [
        "Enter the project's name",
        "Describe the project",
        "Choose the region the project serves",
        "Enter how many survivors the project will support",
        "Enter the amount requested for at least one year",
    ]
    site.fill("Name of the project", "Counselling for survivors")
    site.fill("What will the project do?", "Weekly therapy and advocacy in Tyneside.")
    site.page.get_by_label("North East", exact=True).check()
    site.fill("Survivors to be supported", "120")
    site.fill(f"Amount requested for {first}", "250,000")
    site.submit("Send application")
    assert site.heading() == "Counselling for survivors"
    application = GrantApplication.objects.get()
    site.sign_out()

    site.sign_in_with_session(setting.administrator)
    site.open("/support-fund/")
    site.follow("Set up a fund", button=True)
    site.submit("Set up fund", status=400)
    assert site.error_messages() == [
        "Enter the fund's name",
        "Enter the fund's total",
        "Enter the allocation for at least one financial year",
    ]
    site.open("/support-fund/")
    site.follow("Victim support fund")
    assert site.heading() == "Victim support fund"
    site.submit("Open round", status=400)
    assert "Enter the round's name" in site.error_messages()
    site.follow("Round 1")
    site.follow("Counselling for survivors")
    site.submit("Save scores", status=400)
    assert site.error_messages() == [
        "Score need from 0 to 5",
        "Score deliverability from 0 to 5",
        "Score value for money from 0 to 5",
        "Score reach from 0 to 5",
    ]
    for label, score in (
        ("Need", "4"),
        ("Deliverability", "3"),
        ("Value for money", "5"),
        ("Reach", "2"),
    ):
        site.page.get_by_label(label, exact=False).first.select_option(score)
    site.submit("Save scores")
    # 4 x 40 + 3 x 25 + 5 x 20 + 2 x 15 = 365 -> 3.65
    assert site.page.get_by_role("table", name="Assessment: 3.65 out of 5").is_visible()
    site.fill(f"Award for {first}", "300,000")
    site.submit("Award grant", status=400)
    assert site.error_messages() == [
        f"The award for {first} cannot be more than the £250,000.00 requested"
    ]
    site.fill(f"Award for {first}", "200,000")
    site.submit("Award grant")
    site.submit(f"Record quarter 1 of {first} as paid today")
    site.follow("Back to Round 1")
    site.open(f"/support-fund/funds/{setting.fund.pk}/reports/")
    assert site.heading() == "Reports"
    site.sign_out()

    site.sign_in_with_session(setting.applicant)
    site.open(f"/support-fund/applications/{application.pk}/")
    site.submit("Send outcome report", status=400)
    site.field("Quarter").select_option(index=1)
    site.fill("Survivors supported", "30")
    site.fill("Therapy sessions given", "210")
    site.fill("What happened this quarter?", "Two counsellors started; a waiting list opened.")
    site.submit("Send outcome report")
    assert (
        "Two counsellors started"
        in site.page.get_by_role("table", name="Outcomes reported").inner_text()
    )
    site.sign_out()
