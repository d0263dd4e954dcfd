"""The CIN census return: made from structured case work, valid by the DfE's own rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    CinPlanDetails,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    save_episodes,
)
from safeguarding.people.models import Person
from safeguarding.returns.cin_census import CollectionYear, build_cin_census
from tests.factories import Area, child_details, make_concern
from tests.returns.dfe import validate_cin

pytestmark = [pytest.mark.django_db]

YEAR = CollectionYear.parse("2025-26")


def _child(area: Area, given: str, born: date = date(2014, 5, 17)) -> Person:
    concern = make_concern(
        area.practitioner, local_authority=area.council, child=child_details(given, born=born)
    )
    return concern.involvements.get(role="child").person


def _characteristics(child: Person, disabilities: list[str] | None = None) -> Characteristics:
    return Characteristics(child.pk, "WBRI", disabilities or ["NONE"])


def protection_journey(child: Person) -> EpisodeDetails:
    """Referral, assessment, section 47, conference, plan reviewed and ended, case closed."""
    return EpisodeDetails(
        person_id=child.pk,
        referral_date=date(2025, 5, 6),
        referral_source="2A",
        primary_need="N1",
        assessments=[
            AssessmentDetails(
                started_on=date(2025, 5, 7),
                authorised_on=date(2025, 6, 20),
                factors=["16A", "3B"],
                child_seen=True,
                seen_alone=True,
                wishes_and_feelings="Wants to stay at her school and see her nan more.",
            )
        ],
        enquiries=[
            Section47Details(
                started_on=date(2025, 5, 8),
                outcome="conference",
                conference_target=date(2025, 5, 29),
                conference_date=date(2025, 5, 28),
                conference_outcome="plan",
            )
        ],
        protection_plans=[
            ProtectionPlanDetails(
                started_on=date(2025, 5, 28),
                initial_category="NEG",
                latest_category="EMO",
                ended_on=date(2025, 11, 27),
                review_dates=[date(2025, 8, 27)],
            )
        ],
        cin_plans=[CinPlanDetails(started_on=date(2025, 11, 27), ended_on=date(2026, 2, 27))],
        closure_date=date(2026, 2, 27),
        closure_reason="RC7",
    )


def test_a_whole_journey_makes_a_return_the_dfe_rules_accept(area: Area) -> None:
    protected = _child(area, "Amelia")
    in_need = _child(area, "Oscar", born=date(2019, 1, 3))
    no_action = _child(area, "Isla", born=date(2012, 9, 30))
    save_episodes(
        actor=area.practitioner,
        episodes=[
            protection_journey(protected),
            EpisodeDetails(
                person_id=in_need.pk,
                referral_date=date(2025, 9, 1),
                referral_source="3B",
                primary_need="N2",
                assessments=[
                    AssessmentDetails(
                        started_on=date(2025, 9, 2),
                        authorised_on=date(2025, 10, 15),
                        factors=["6A"],
                        child_seen=True,
                        wishes_and_feelings="Likes his new wheelchair; wants to go swimming.",
                    )
                ],
                cin_plans=[CinPlanDetails(started_on=date(2025, 10, 16))],
            ),
            EpisodeDetails(
                person_id=no_action.pk,
                referral_date=date(2025, 7, 1),
                referral_source="1A",
                primary_need="N0",
                no_further_action=True,
                closure_date=date(2025, 7, 2),
                closure_reason="RC7",
            ),
        ],
        characteristics=[
            _characteristics(protected),
            _characteristics(in_need, ["MOB", "HAND"]),
            _characteristics(no_action),
        ],
    )
    census = build_cin_census(area.council, YEAR)
    assert census.problems == []
    assert census.children == 3
    # The header's serial number has the three digits the DfE's schema asks for.
    assert b"<SerialNo>001</SerialNo>" in census.xml
    findings = validate_cin(census.xml)
    assert findings.crashed == []
    assert findings.errors == {}


def test_the_harness_finds_what_the_dfe_rules_forbid(area: Area) -> None:
    """A return with a child whose ethnicity is not a DfE code is caught: the validator
    does run, so a clean report above means something."""
    child = _child(area, "Amelia")
    save_episodes(
        actor=area.practitioner,
        episodes=[protection_journey(child)],
        characteristics=[_characteristics(child)],
    )
    xml = build_cin_census(area.council, YEAR).xml
    findings = validate_cin(xml.replace(b"<Ethnicity>WBRI<", b"<Ethnicity>XXXX<"))
    assert "4220" in findings.errors


def test_a_child_who_cannot_be_returned_is_listed_with_the_rule_and_the_fix(
    area: Area, tmp_path: Path
) -> None:
    from safeguarding.cli import main

    fine = _child(area, "Amelia")
    unknown = _child(area, "Noah")
    journey = protection_journey(unknown)
    save_episodes(
        actor=area.practitioner,
        episodes=[protection_journey(fine), journey],
        characteristics=[_characteristics(fine)],
    )
    census = build_cin_census(area.council, YEAR)
    assert [(c.person_id, [p.rule for p in c.problems]) for c in census.problems] == [
        (unknown.pk, ["4220", "8540"])
    ]
    output = tmp_path / "cin.xml"
    assert (
        main(
            [
                "returns",
                "cin-census",
                "--year",
                "2025-26",
                "--authority",
                "LA-TEST",
                "--output",
                str(output),
            ]
        )
        == 1
    )
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []

    save_episodes(actor=area.practitioner, characteristics=[_characteristics(unknown, ["LD"])])
    assert (
        main(
            [
                "returns",
                "cin-census",
                "--year",
                "2025-26",
                "--authority",
                "LA-TEST",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    assert validate_cin(output.read_bytes()).errors == {}
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.verb == AuditVerb.RETURN_PRODUCED
    assert entry.payload["children"] == 2


def test_only_the_collection_year_is_returned(area: Area) -> None:
    """Work after the reference date has not happened yet; work finished before 1 April
    was last year's."""
    child = _child(area, "Amelia")
    journey = protection_journey(child)
    journey.referral_date = date(2025, 1, 6)
    journey.assessments[0].started_on = date(2025, 1, 7)
    journey.assessments[0].authorised_on = date(2025, 3, 3)
    journey.closure_date = date(2026, 4, 2)
    journey.cin_plans[0].ended_on = date(2026, 4, 2)
    save_episodes(
        actor=area.practitioner, episodes=[journey], characteristics=[_characteristics(child)]
    )
    xml = build_cin_census(area.council, YEAR).xml.decode()
    assert "<AssessmentActualStartDate>" not in xml
    assert "<CINclosureDate>" not in xml
    assert "<CINPlanEndDate>" not in xml
    assert "<CINPlanStartDate>2025-11-27</CINPlanStartDate>" in xml
    assert validate_cin(xml.encode()).errors == {}


def test_the_year_must_be_written_as_the_dfe_writes_it() -> None:
    assert CollectionYear.parse("2025-26").reference_date == date(2026, 3, 31)
    for wrong in ("2025", "2025-27", "25-26", "2025-2026"):
        with pytest.raises(ValueError, match="2025-26"):
            CollectionYear.parse(wrong)
