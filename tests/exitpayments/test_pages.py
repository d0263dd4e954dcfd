"""The register's pages through the real request stack."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguarding.access.roles import Role
from safeguarding.exitpayments.models import ExitPayment, Recovery
from safeguarding.exitpayments.rules import TIMES
from tests.exitpayments.conftest import record_exit, record_return
from tests.factories import Area, make_user

pytestmark = pytest.mark.django_db


def exit_form(area: Area, **overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Gillian Marsh",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1968",
        "ni_number": "ab 12 34 56 c",
        "employer": str(area.council.pk),
        "annual_salary": "£95,000",
        "weekly_hours": "37",
        "exit_date_0": "30",
        "exit_date_1": "4",
        "exit_date_2": "2025",
        "redundancy_gross": "60,000",
        "redundancy_tax": "12000",
        "pension_top_up_gross": "25000",
        "settlement_gross": "10000",
        "settlement_tax": "4000",
        "notice_gross": "20000",
        "notice_tax": "8000",
    }
    return {**data, **overrides}


def appointment_form(area: Area, **overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Gillian Marsh",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1968",
        "ni_number": "AB123456C",
        "employer": str(area.other_council.pk),
        "kind": "employment",
        "start_date_0": "1",
        "start_date_1": "5",
        "start_date_2": "2025",
        "weekly_hours": "37",
        "annual_pay": "90000",
    }
    return {**data, **overrides}


def test_record_an_exit_payment_then_an_appointment_and_see_the_working(area: Area, hr, client_for):
    client = client_for(hr)
    assert client.get(reverse("exitpayments:register")).status_code == 200
    assert client.get(reverse("exitpayments:record-exit-payment")).status_code == 200
    response = client.post(reverse("exitpayments:record-exit-payment"), exit_form(area))
    exit_payment = ExitPayment.objects.get()
    assert response.url == reverse("exitpayments:exit-payment", args=[exit_payment.pk])
    assert exit_payment.ni_number == "AB123456C"
    assert exit_payment.components.count() == 4
    page = client.get(response.url).content.decode()
    assert "£79,000.00" not in page  # the net total belongs to the working, not this page
    assert "£48,000.00" in page
    assert "Payment in lieu of notice" in page

    response = client.post(reverse("exitpayments:record-appointment"), appointment_form(area))
    assert response.status_code == 302
    appointment_page = client.get(response.url).content.decode()
    assert "opened a recovery" in appointment_page
    recovery = Recovery.objects.get()
    page = client.get(reverse("exitpayments:recovery", args=[recovery.pk])).content.decode()
    assert "£78,783.56" in page
    assert f"£79,000.00 {TIMES} 364 ÷ 365 = £78,783.56" in page
    assert "Public sector exit payment recovery (2016 draft regulations), version 1" in page
    assert "Draft policy" in page
    assert "Does not apply: Applies only when both employers are NHS employers." in page


def test_form_errors_are_summarised(area: Area, hr, client_for):
    client = client_for(hr)
    response = client.post(reverse("exitpayments:record-exit-payment"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for message in (
        "Enter the person&#x27;s full name",
        "Enter the date of birth",
        "Choose the former employer, or enter its name if it is not listed",
        "Enter the salary at exit",
        "Enter the hours a week",
        "Enter the exit date",
        "Enter at least one payment",
    ):
        assert message in page, message
    response = client.post(
        reverse("exitpayments:record-exit-payment"),
        exit_form(
            area, ni_number="QQ 12 34 56 C", redundancy_tax="70000", employer_name="Also named"
        ),
    )
    page = response.content.decode()
    assert "QQ is not a National Insurance number prefix HMRC allocates" in page
    assert "cannot be more than the gross amount" in page
    assert "Choose an agency or enter a name, not both" in page
    assert not ExitPayment.objects.exists()


def test_agree_pay_and_waive_through_the_forms(area: Area, hr, other_hr, client_for):
    record_exit(hr)
    record_return(other_hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    client = client_for(hr)
    page = client.get(reverse("exitpayments:recovery", args=[recovery.pk])).content.decode()
    assert "Waive recovery" in page
    response = client.post(
        reverse("exitpayments:agree", args=[recovery.pk]),
        {
            "agree-amount": "78,000",
            "agree-agreed_on_0": "1",
            "agree-agreed_on_1": "6",
            "agree-agreed_on_2": "2025",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("exitpayments:record-payment", args=[recovery.pk]),
        {
            "payment-amount": "78000.00",
            "payment-paid_on_0": "1",
            "payment-paid_on_1": "7",
            "payment-paid_on_2": "2025",
        },
    )
    assert response.status_code == 302
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.PAID
    response = client.post(
        reverse("exitpayments:waive", args=[recovery.pk]),
        {"waiver-reason": "Too late to waive a paid recovery, surely."},
    )
    assert response.status_code == 400
    assert "This recovery is already paid" in response.content.decode()


def test_a_waiver_without_a_reason_is_refused_on_the_page(area: Area, hr, client_for):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    response = client_for(hr).post(
        reverse("exitpayments:waive", args=[recovery.pk]), {"waiver-reason": ""}
    )
    assert response.status_code == 400
    assert "Explain why the recovery is waived" in response.content.decode()
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.OPEN


def test_the_new_employer_sees_the_recovery_but_cannot_act(area: Area, hr, other_hr, client_for):
    record_exit(hr)
    record_return(other_hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    client = client_for(other_hr)
    page = client.get(reverse("exitpayments:recovery", args=[recovery.pk]))
    assert page.status_code == 200
    assert "Waive recovery" not in page.content.decode()
    response = client.post(
        reverse("exitpayments:waive", args=[recovery.pk]),
        {"waiver-reason": "The new employer has no say over this."},
    )
    assert response.status_code == 403


def test_an_unrelated_agency_sees_nothing(area: Area, hr, client_for):
    exit_payment = record_exit(hr)
    appointment = record_return(hr, employer=area.council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    stranger = make_user(Role.HR_FINANCE, area.police, username="police-hr")
    client = client_for(stranger)
    register = client.get(reverse("exitpayments:register")).content.decode()
    assert "Gillian Marsh" not in register
    for url in (
        reverse("exitpayments:exit-payment", args=[exit_payment.pk]),
        reverse("exitpayments:appointment", args=[appointment.pk]),
        reverse("exitpayments:recovery", args=[recovery.pk]),
    ):
        assert client.get(url).status_code == 404


def test_auditors_read_everything_and_change_nothing(area: Area, hr, client_for):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    client = client_for(area.auditor)
    assert "Gillian Marsh" in client.get(reverse("exitpayments:register")).content.decode()
    page = client.get(reverse("exitpayments:recovery", args=[recovery.pk])).content.decode()
    assert "£78,783.56" in page
    assert "Waive recovery" not in page
    assert client.get(reverse("exitpayments:record-exit-payment")).status_code == 403
    assert (
        client.post(
            reverse("exitpayments:waive", args=[recovery.pk]),
            {"waiver-reason": "Auditors never change the register."},
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "role",
    ["practitioner", "manager", "mash", "dsl", "police_analyst", "taskforce_analyst", "admin"],
)
def test_other_roles_are_refused_the_register(area: Area, hr, client_for, role):
    record_exit(hr)
    record_return(hr, employer=area.other_council, start_date=date(2025, 5, 1))
    recovery = Recovery.objects.get()
    client = client_for(getattr(area, role))
    for url in (
        reverse("exitpayments:register"),
        reverse("exitpayments:record-exit-payment"),
        reverse("exitpayments:record-appointment"),
        reverse("exitpayments:recovery", args=[recovery.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_fund_administrators_are_refused_the_register(area: Area, rule_sets, client_for):
    fund_administrator = make_user(Role.FUND_ADMINISTRATOR, area.taskforce)
    client = client_for(fund_administrator)
    assert client.get(reverse("exitpayments:register")).status_code == 403
    assert client.get(reverse("exitpayments:rule-sets")).status_code == 403


def test_rule_sets_page_and_publishing(area: Area, hr, client_for):
    page = client_for(hr).get(reverse("exitpayments:rule-sets")).content.decode()
    assert "NHS redundancy pay repaid on re-employment within 4 weeks, version 1" in page
    assert "Publish rule set" not in page
    assert client_for(hr).post(reverse("exitpayments:rule-sets"), {}).status_code == 403
    admin = client_for(area.admin)
    response = admin.post(reverse("exitpayments:rule-sets"), {"code": "Not a slug!"})
    assert response.status_code == 400
    assert "Choose at least one kind of payment to count" in response.content.decode()
    response = admin.post(
        reverse("exitpayments:rule-sets"),
        {
            "code": "nhs-afc-16",
            "label": "NHS redundancy pay, re-employment within 4 weeks",
            "status": "contractual",
            "source": "Agenda for Change section 16, 2025 edition.",
            "effective_from_0": "1",
            "effective_from_1": "4",
            "effective_from_2": "2025",
            "counts_redundancy": "on",
            "window_amount": "4",
            "window_unit": "weeks",
            "window_end_counts": "on",
            "requires_nhs_employers": "on",
        },
    )
    assert response.status_code == 200
    assert "version 2, published" in response.content.decode()
