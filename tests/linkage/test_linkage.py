"""Linking people across agencies in the database: full and incremental runs, export,
review decisions, merges and their undo, need-to-know, and the person page's panel."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main as cli
from safeguarding.linkage.actions import EXPORT_COLUMNS, run_linkage
from safeguarding.linkage.merging import person_references
from safeguarding.linkage.models import (
    CandidatePair,
    LinkageModel,
    LinkageRun,
    Merge,
    ResolvedRecord,
)
from safeguarding.people.actions import PersonDetails, register_person
from safeguarding.people.models import AgencyRecord, Person, PersonKind, Sex
from tests.factories import Area
from tests.linkage import population

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _truth_of_merges(truth: dict[str, int]) -> list[bool]:
    return [
        truth[str(merge.survivor_id)] == truth[str(merge.absorbed_id)]
        for merge in Merge.objects.all()
    ]


def test_records_with_only_names_and_dates_of_birth_link(area: Area, tmp_path: Path) -> None:
    # An agency whose records hold no identifiers, addresses or phones: training must use
    # what the records hold rather than stop for want of pairs on the missing fields.
    people = population.build(area, people=36, names_and_dates=True)
    assert cli(["link", "--quiet", "--export", str(tmp_path / "bare.csv")]) == 0
    model = LinkageModel.objects.get().parameters
    compared = {comparison["output_column_name"] for comparison in model["comparisons"]}
    assert compared == {"given_name", "family_name", "dob", "sex"}
    correct = _truth_of_merges(people.truth)
    assert correct
    assert all(correct), "every automatic merge joins records of one person"


def test_first_run_trains_a_model_and_links_each_agencys_records(
    area: Area, tmp_path: Path
) -> None:
    people = population.build(area, people=36)
    run = run_linkage(actor=None)

    assert run.mode == LinkageRun.Mode.FULL
    assert run.new_records == len(people.people)
    assert LinkageModel.objects.count() == 1
    correct = _truth_of_merges(people.truth)
    assert correct
    assert all(correct), "every automatic merge joins records of one person"
    true_duplicates = len(people.people) - len(set(people.truth.values()))
    assert len(correct) >= true_duplicates * 0.7
    # Every agency's record now resolves to a person that exists.
    assert ResolvedRecord.objects.count() == len(people.people)
    assert not ResolvedRecord.objects.exclude(person__in=Person.objects.all()).exists()
    entry = AuditEntry.objects.filter(verb=AuditVerb.LINKAGE_RUN).get()
    assert set(entry.payload["merges"]) == {str(merge.pk) for merge in Merge.objects.all()}

    export = tmp_path / "resolution.csv"
    assert cli(["link", "--quiet", "--export", str(export)]) == 0
    with export.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == len(people.people)
    assert {row["source_person_id"] for row in rows} == set(people.truth)
    agency_codes = {area.school.code, area.police.code, area.nhs.code, area.council.code}
    assert {row["agency_code"] for row in rows} <= agency_codes
    # Records of one true person resolve to one person id, and vice versa, where merged.
    for row in rows:
        assert Person.objects.filter(pk=row["person_id"]).exists()
        if row["person_id"] != row["source_person_id"]:
            assert people.truth[row["source_person_id"]] == people.truth[row["person_id"]]
    assert AuditEntry.objects.filter(verb=AuditVerb.LINKAGE_EXPORTED).count() == 1


def test_a_later_run_links_only_new_records_against_resolved_ones(area: Area) -> None:
    population.build(area, people=30)
    run_linkage(actor=None)
    resolved_before = ResolvedRecord.objects.count()
    model = LinkageModel.objects.get()
    # Two records already resolved as different people, though alike: a later run must
    # not compare them again (nothing is recomputed among resolved records).
    alike = [
        register_person(
            actor=area.practitioner,
            details=PersonDetails(
                given_name="Theodora",
                family_name="Quennell",
                kind=PersonKind.CHILD,
                date_of_birth=date(2013, 9, 21),
                sex=Sex.FEMALE,
            ),
        )
        for _ in range(2)
    ]
    first_run = LinkageRun.objects.get()
    for person in alike:
        ResolvedRecord.objects.create(
            agency=area.council,
            original_person_id=person.pk,
            person=person,
            run=first_run,
        )
    survivor = Merge.objects.first()
    assert survivor is not None
    existing = Person.objects.get(pk=survivor.survivor_id)
    # A new record of an existing person, from an agency that did not hold one.
    new_copy = register_person(
        actor=area.other_police_analyst,
        details=PersonDetails(
            given_name=existing.given_name,
            family_name=existing.family_name,
            kind=PersonKind.CHILD,
            date_of_birth=existing.date_of_birth,
            sex=existing.sex,
        ),
        agency_record_id="OTHER-1",
    )

    run = run_linkage(actor=None)

    assert run.mode == LinkageRun.Mode.INCREMENTAL
    assert run.model == model, "the stored model is used, not retrained"
    assert LinkageModel.objects.count() == 1
    assert run.new_records == 1
    merged = Merge.objects.filter(absorbed_id=new_copy.pk, survivor_id=existing.pk).exists()
    queued = CandidatePair.objects.filter(
        status=CandidatePair.Status.PENDING,
        person_a_id__in=[new_copy.pk, existing.pk],
        person_b_id__in=[new_copy.pk, existing.pk],
    ).exists()
    assert merged or queued, "the new record is linked to the existing person, or queued"
    if merged:
        held = AgencyRecord.objects.get(agency=area.other_police, agency_record_id="OTHER-1")
        assert held.person_id == existing.pk
    assert ResolvedRecord.objects.count() == resolved_before + 3
    assert Person.objects.filter(pk__in=[person.pk for person in alike]).count() == 2
    assert not CandidatePair.objects.filter(
        person_a_id__in=[p.pk for p in alike], person_b_id__in=[p.pk for p in alike]
    ).exists()
    # Linking again with nothing new changes nothing.
    again = run_linkage(actor=None)
    assert (again.new_records, again.pairs_scored, again.merges) == (0, 0, 0)
    assert ResolvedRecord.objects.count() == resolved_before + 3


# ---------------------------------------------------------------------------------------
# Review, merge and undo (pairs placed in the queue directly: no model needed)


def _row(row: Any) -> dict[str, Any]:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def _everything_about(people: list[Person]) -> dict[str, Any]:
    """Every row referring to the people, by model, as plain values."""
    ids = [person.pk for person in people]
    state: dict[str, Any] = {
        "people": sorted(
            (_row(person) for person in Person.objects.filter(pk__in=ids)),
            key=lambda row: str(row["id"]),
        )
    }
    for reference in person_references():
        rows = reference.model._base_manager.filter(**{f"{reference.field.name}__in": ids})
        state[f"{reference.label}.{reference.field.name}"] = sorted(
            repr(sorted(_row(row).items())) for row in rows
        )
    return state


def test_confirming_merges_and_undo_restores_exactly(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    first, second = population.two_council_records(area)
    pair = population.queue_pair(first, second)
    before = _everything_about([first, second])
    client = client_for(area.mash)

    queue = client.get("/linkage/")
    assert queue.status_code == 200
    assert "Elizabeth Hartley" in queue.content.decode()
    page = client.get(f"/linkage/pairs/{pair.pk}/")
    body = page.content.decode()
    assert "Nickname or alias" in body
    assert "Day and month swapped" in body
    assert "4.2" in body
    assert "-2.3" in body
    assert AuditEntry.objects.filter(
        verb=AuditVerb.MATCH_REVIEW_VIEWED, target_id=str(pair.pk)
    ).exists()

    missing = client.post(f"/linkage/pairs/{pair.pk}/", {})
    assert missing.status_code == 400
    assert "Select whether these are the same person" in missing.content.decode()

    response = client.post(f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"})
    assert response.status_code == 302
    merge = Merge.objects.get()
    survivor, absorbed = (first, second) if merge.survivor_id == first.pk else (second, first)
    assert survivor == first, "the person recorded first survives"
    assert not Person.objects.filter(pk=absorbed.pk).exists()
    assert set(AgencyRecord.objects.filter(person=survivor).values_list("agency", flat=True)) == {
        area.council.pk,
        area.police.pk,
    }
    assert survivor.other_names.filter(name="Beth Hartley").exists()
    assert survivor.addresses.filter(postcode="S60 2AB").exists()
    assert survivor.involvements.count() == 3
    assert merge.moves.filter(action="removed").exists(), "the council's second record"
    assert AuditEntry.objects.filter(
        verb=AuditVerb.MATCH_CONFIRMED, target_id=str(pair.pk)
    ).exists()
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.CONFIRMED

    merges_page = client.get("/linkage/merges/")
    assert "Beth Hartley" in merges_page.content.decode()
    undone = client.post(
        f"/linkage/merges/{merge.pk}/undo/", {"reason": "Two sisters: the school confirms it"}
    )
    assert undone.status_code == 302
    assert _everything_about([first, second]) == before
    merge.refresh_from_db()
    assert merge.is_undone
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REJECTED, "kept apart from now on"
    assert AuditEntry.objects.filter(verb=AuditVerb.MERGE_UNDONE, target_id=str(merge.pk)).exists()
    again = client.post(
        f"/linkage/merges/{merge.pk}/undo/", {"reason": "Two sisters: the school confirms it"}
    )
    assert again.status_code == 200
    assert "A merge undone" in again.content.decode()
    assert Merge.objects.get().undone_at == merge.undone_at


def test_rejecting_keeps_both_and_is_audited(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    first, second = population.two_council_records(area)
    pair = population.queue_pair(first, second)
    response = client_for(area.manager).post(f"/linkage/pairs/{pair.pk}/", {"decision": "reject"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REJECTED
    assert pair.decided_by == area.manager
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert not Merge.objects.exists()
    entry = AuditEntry.objects.get(verb=AuditVerb.MATCH_REJECTED)
    assert entry.target_id == str(pair.pk)
    decided_again = client_for(area.mash).post(
        f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"}
    )
    assert decided_again.status_code == 400
    assert not Merge.objects.exists()


def test_a_reviewer_sees_only_pairs_where_both_records_are_visible(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    first, second = population.two_council_records(area)
    pair = population.queue_pair(first, second)
    # The police analyst's force holds the second record only.
    police = client_for(area.police_analyst)
    assert police.get(f"/linkage/pairs/{pair.pk}/").status_code == 404
    assert police.post(f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"}).status_code == 404
    assert "Hartley" not in police.get("/linkage/").content.decode()
    other = client_for(area.other_mash)
    assert other.get(f"/linkage/pairs/{pair.pk}/").status_code == 404
    # Roles that do not review have no queue at all.
    assert client_for(area.practitioner).get("/linkage/").status_code == 403
    assert client_for(area.taskforce_analyst).get("/linkage/").status_code == 403
    assert not Merge.objects.exists()
    # Undo of a merge of people the reviewer cannot see is refused the same way.
    client_for(area.mash).post(f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"})
    merge = Merge.objects.get()
    assert other.get(f"/linkage/merges/{merge.pk}/undo/").status_code == 404
    assert (
        other.post(
            f"/linkage/merges/{merge.pk}/undo/", {"reason": "Not the same child at all"}
        ).status_code
        == 404
    )
    assert Merge.objects.get().undone_at is None


def test_person_page_shows_agencies_known_across_without_their_records(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    first, second = population.two_council_records(area)
    pair = population.queue_pair(first, second)
    client_for(area.mash).post(f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"})
    page = client_for(area.practitioner).get(f"/people/{first.pk}/").content.decode()
    panel = page.split('id="known-across-agencies"', 1)[1].split("</table>", 1)[0]
    assert area.council.name in panel
    assert area.police.name in panel
    assert "POL-9" not in panel


def test_link_command_usage_errors(tmp_path: Path) -> None:
    assert cli(["link", "--quiet", "--export", str(tmp_path / "out.txt")]) == 2
    # Nobody to link: the command says so and fails.
    assert cli(["link", "--quiet"]) == 1
