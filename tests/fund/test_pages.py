"""The fund's pages through the real request stack: applying, scoring, awarding, paying,
reporting outcomes, the reports and their CSV, and who may see what."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.fund import actions
from safeguarding.fund.models import Assessment, Award, GrantApplication, GrantPayment
from tests.factories import Area
from tests.fund.conftest import Setting, apply, scored

pytestmark = pytest.mark.django_db


def application_form(setting: Setting, **overrides: str) -> dict[str, str]:
    data = {
        "project_name": "Counselling for survivors",
        "summary": "Weekly therapy and advocacy.",
        "region": "north-east",
        "survivors_to_support": "120",
        f"year_{setting.first_year}": "£250,000",
        f"year_{setting.second_year}": "",
    }
    return {**data, **overrides}


def test_apply_score_award_pay_and_report(area: Area, setting: Setting, client_for):
    applicant = client_for(setting.applicant)
    home = applicant.get(reverse("fund:home")).content.decode()
    assert "Apply to Round 1" in home
    url = reverse("fund:apply", args=[setting.grant_round.pk])
    assert applicant.get(url).status_code == 200
    response = applicant.post(url, application_form(setting))
    application = GrantApplication.objects.get()
    assert response.url == reverse("fund:application", args=[application.pk])
    assert application.organisation == setting.charity
    assert application.total_requested == Decimal("250000.00")

    administrator = client_for(setting.administrator)
    page = administrator.get(reverse("fund:round", args=[setting.grant_round.pk])).content
    assert "Counselling for survivors" in page.decode()
    response = administrator.post(
        reverse("fund:score", args=[application.pk]),
        {
            "score-need": "4",
            "score-deliverability": "3",
            "score-value_for_money": "5",
            "score-reach": "2",
            "score-comments": "Strong local need.",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get().weighted_total == Decimal("3.65")
    page = administrator.get(reverse("fund:application", args=[application.pk])).content.decode()
    assert "Assessment: 3.65 out of 5" in page
    response = administrator.post(
        reverse("fund:award", args=[application.pk]),
        {f"award-year_{setting.first_year}": "200,000"},
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.total == Decimal("200000.00")
    first = award.payments.get(financial_year=setting.first_year, quarter=1)
    assert administrator.post(reverse("fund:pay", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.paid_on == timezone.localdate()

    page = applicant.get(reverse("fund:application", args=[application.pk])).content.decode()
    assert "£50,000.00" in page
    assert "Record quarter 1" not in page  # only the administrator records payments
    response = applicant.post(
        reverse("fund:outcome", args=[application.pk]),
        {
            "outcome-period": f"{setting.first_year}-1",
            "outcome-survivors_supported": "30",
            "outcome-therapy_sessions": "210",
            "outcome-narrative": "Two counsellors started.",
        },
    )
    assert response.status_code == 302
    reports = administrator.get(reverse("fund:reports", args=[setting.fund.pk])).content.decode()
    assert "£200,000.00" in reports
    assert "£6,800,000.00" in reports  # 7,000,000.00 - 200,000.00 remaining


def test_csv_exports(area: Area, setting: Setting, client_for):
    application = scored(setting, apply(setting, first="400000", second="100000"))
    award = actions.award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("400000"), setting.second_year: Decimal("100000")},
    )
    actions.record_grant_payment(
        actor=setting.administrator,
        payment=award.payments.get(financial_year=setting.first_year, quarter=1),
        paid_on=timezone.localdate(),
    )
    client = client_for(area.auditor)
    response = client.get(reverse("fund:by-year-csv", args=[setting.fund.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    first = f"{setting.first_year} to {setting.second_year}"
    second = f"{setting.second_year} to {setting.second_year + 1}"
    # 400,000.00 / 4 = 100,000.00 paid; remaining 7,000,000.00 - 400,000.00 = 6,600,000.00
    assert rows == [
        [
            "financial_year",
            "allocation",
            "committed",
            "paid",
            "remaining",
            "survivors_supported",
            "therapy_sessions",
        ],
        [first, "7000000.00", "400000.00", "100000.00", "6600000.00", "0", "0"],
        [second, "7000000.00", "100000.00", "0.00", "6900000.00", "0", "0"],
        ["Total", "14000000.00", "500000.00", "100000.00", "13500000.00", "0", "0"],
    ]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("fund:by-region-csv", args=[setting.fund.pk])).content.decode()
            )
        )
    )
    assert rows[1] == ["North East", "1", "500000.00", "100000.00", "0", "0"]
    assert rows[-1] == ["Total", "1", "500000.00", "100000.00", "0", "0"]
    assert len(rows) == 11  # header, nine regions, total


def test_form_errors_are_summarised(area: Area, setting: Setting, client_for):
    applicant = client_for(setting.applicant)
    response = applicant.post(reverse("fund:apply", args=[setting.grant_round.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Enter the project&#x27;s name",
        "Describe the project",
        "Choose the region the project serves",
        "Enter how many survivors the project will support",
        "Enter the amount requested for at least one year",
    ):
        assert message in page, message
    administrator = client_for(setting.administrator)
    response = administrator.post(
        reverse("fund:new-round", args=[setting.fund.pk]),
        {
            "name": "Round 2",
            "opens_on_0": "1",
            "opens_on_1": "6",
            "opens_on_2": "2026",
            "closes_on_0": "1",
            "closes_on_1": "5",
            "closes_on_2": "2026",
            "budget": "100",
            "need_weight": "50",
            "deliverability_weight": "25",
            "value_for_money_weight": "20",
            "reach_weight": "15",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The closing date must be on or after the opening date" in page
    assert "The weights must add up to 100; they add up to 110" in page


def test_an_organisation_sees_only_its_own_applications(area: Area, setting: Setting, client_for):
    mine = apply(setting)
    theirs = apply(setting, applicant=setting.other_applicant, name="Northlight helpline")
    client = client_for(setting.applicant)
    home = client.get(reverse("fund:home")).content.decode()
    assert "Counselling for survivors" in home
    assert "Northlight helpline" not in home
    assert client.get(reverse("fund:application", args=[mine.pk])).status_code == 200
    assert client.get(reverse("fund:application", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("fund:round", args=[setting.grant_round.pk])).status_code == 403
    assert client.get(reverse("fund:reports", args=[setting.fund.pk])).status_code == 403
    assert client.post(reverse("fund:score", args=[mine.pk]), {}).status_code == 403


def test_auditors_read_but_change_nothing(area: Area, setting: Setting, client_for):
    application = scored(setting, apply(setting))
    client = client_for(area.auditor)
    assert client.get(reverse("fund:fund", args=[setting.fund.pk])).status_code == 200
    assert client.get(reverse("fund:reports", args=[setting.fund.pk])).status_code == 200
    page = client.get(reverse("fund:application", args=[application.pk])).content.decode()
    assert "Award grant" not in page
    response = client.post(
        reverse("fund:award", args=[application.pk]), {f"award-year_{setting.first_year}": "1000"}
    )
    assert response.status_code == 403
    assert client.get(reverse("fund:set-up")).status_code == 403
    assert not GrantPayment.objects.exists()


@pytest.mark.parametrize(
    "role",
    ["practitioner", "manager", "mash", "dsl", "police_analyst", "taskforce_analyst", "admin"],
)
def test_other_roles_are_refused(area: Area, setting: Setting, client_for, role):
    application = apply(setting)
    client = client_for(getattr(area, role))
    for url in (
        reverse("fund:home"),
        reverse("fund:fund", args=[setting.fund.pk]),
        reverse("fund:apply", args=[setting.grant_round.pk]),
        reverse("fund:reports", args=[setting.fund.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("fund:application", args=[application.pk])).status_code == 404


def test_set_up_a_fund_through_the_form(area: Area, setting: Setting, client_for):
    client = client_for(setting.administrator)
    year = setting.first_year
    response = client.post(
        reverse("fund:set-up"),
        {
            "name": "Second fund",
            "total": "1,000,000",
            f"year_{year}": "600,000",
            f"year_{year + 1}": "400,000.01",
        },
    )
    assert response.status_code == 400
    assert "more than the fund&#x27;s total of £1,000,000.00" in response.content.decode()
    response = client.post(
        reverse("fund:set-up"),
        {
            "name": "Second fund",
            "total": "1,000,000",
            f"year_{year}": "600,000",
            f"year_{year + 1}": "400,000",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Second fund" in page
    assert "£1,000,000.00" in page
