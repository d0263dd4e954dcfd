"""Ofsted's Annex A workbook: every list as a sheet with Ofsted's headers, the rows the
service can fill recounted from the records another way, and the rest headed and noted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    save_episodes,
)
from safeguarding.casework.models import ChildProfile, Episode, ProtectionPlan, Section47
from safeguarding.cli import main
from safeguarding.concerns.models import ConcernPerson
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

# Written out from Ofsted's Annex A layout, not read from the code under test.
EXPECTED_HEADERS = {
    "List 1": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ],
    "List 3": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 7": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
}


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def test_the_workbook_holds_every_list_and_recounts_from_the_records(
    area: Area, tmp_path: Path
) -> None:
    today = timezone.localdate()
    protected = (
        make_concern(area.dsl, local_authority=area.council, child=child_details("Amelia"))
        .involvements.get(role="child")
        .person
    )
    no_action = (
        make_concern(area.police_analyst, local_authority=area.council, child=child_details("Noah"))
        .involvements.get(role="child")
        .person
    )
    referred = today - timedelta(days=90)
    conference = _weekday(referred + timedelta(days=14))
    # The authority's MASH sees the children the school and the police referred to it.
    save_episodes(
        actor=area.mash,
        episodes=[
            EpisodeDetails(
                person_id=protected.pk,
                referral_date=referred,
                referral_source="2A",
                primary_need="N1",
                assessments=[
                    AssessmentDetails(
                        started_on=referred + timedelta(days=1),
                        authorised_on=referred + timedelta(days=20),
                        factors=["2B"],
                        child_seen=True,
                        wishes_and_feelings="Wants to stay with her gran.",
                    )
                ],
                enquiries=[
                    Section47Details(
                        started_on=referred + timedelta(days=2),
                        outcome="conference",
                        conference_date=conference,
                        conference_outcome="plan",
                    )
                ],
                protection_plans=[
                    ProtectionPlanDetails(
                        started_on=conference, initial_category="NEG", latest_category="EMO"
                    )
                ],
            ),
            EpisodeDetails(
                person_id=no_action.pk,
                referral_date=today - timedelta(days=30),
                referral_source="6",
                primary_need="N0",
                no_further_action=True,
                closure_date=today - timedelta(days=29),
                closure_reason="RC8",
            ),
        ],
        characteristics=[Characteristics(protected.pk, "WBRI", ["NONE"])],
    )
    output = tmp_path / "annex-a.xlsx"
    status = main(
        [
            "returns",
            "annex-a",
            "--authority",
            "LA-TEST",
            "--output",
            str(output),
            "--inspection-date",
            today.isoformat(),
        ]
    )
    assert status == 0
    book = load_workbook(output)
    assert book.sheetnames == ["About", *[f"List {n}" for n in range(1, 12)]]
    for name, headers in EXPECTED_HEADERS.items():
        assert [cell.value for cell in book[name][1]] == headers
    for number in range(1, 12):
        assert book[f"List {number}"]["A1"].value in {
            "Child Unique ID",
            "Individual adopter identifier",
        }

    def rows(name: str) -> list[list[object]]:
        return [list(row) for row in book[name].iter_rows(min_row=2, values_only=True)]

    # Contacts: one row per child named in each contact the front door received.
    children_in_contacts = ConcernPerson.objects.filter(
        concern__contact__authority=area.council, role="child"
    )
    assert len(rows("List 1")) == children_in_contacts.count() == 2
    sources = sorted(row[6] for row in rows("List 1"))
    assert sources == ["2A: Schools", "6: Police"]
    # Referrals, assessments, enquiries, children in need and plans, recounted.
    episodes = Episode.objects.filter(authority=area.council)
    assert len(rows("List 3")) == episodes.count() == 2
    assert sorted(row[7] for row in rows("List 3")) == ["a) Yes", "b) No"]
    assert len(rows("List 4")) == 1
    assert len(rows("List 5")) == Section47.objects.filter(episode__in=episodes).count() == 1
    assert len(rows("List 6")) == episodes.filter(no_further_action=False).count() == 1
    [plan_row] = rows("List 7")
    plan = ProtectionPlan.objects.get(episode__person=protected)
    profile = ChildProfile.objects.get(person=protected)
    assert plan_row[0] == profile.la_child_id
    assert plan_row[2] == "WBRI"
    assert plan_row[5] == "b) No"
    assert _day(plan_row[6]) == plan.started_on
    assert plan_row[7:9] == ["a) Neglect", "d) Emotional abuse"]
    assert plan_row[14] == 0
    [cin_row] = rows("List 6")
    assert cin_row[7] == "N1 - Abuse or neglect"
    assert cin_row[11] == "b) Child Protection plan"
    [s47_row] = rows("List 5")
    assert _day(s47_row[8]) == conference
    assert s47_row[7] == "b) No"
    assert s47_row[9] == "a) Yes"
    # What the service does not hold: the headers, and a note saying so.
    for name in ("List 2", "List 8", "List 9", "List 10", "List 11"):
        assert rows(name) == []
        assert "does not hold" in book[name]["A1"].comment.text
    entry = AuditEntry.objects.filter(verb=AuditVerb.RETURN_PRODUCED).get()
    assert entry.payload["return"] == "annex-a"
    assert entry.payload["rows"]["List 7"] == 1


def test_an_unknown_authority_writes_nothing(area: Area, tmp_path: Path) -> None:
    output = tmp_path / "annex-a.xlsx"
    status = main(["returns", "annex-a", "--authority", "LA-NONE", "--output", str(output)])
    assert status == 2
    assert list(tmp_path.iterdir()) == []
