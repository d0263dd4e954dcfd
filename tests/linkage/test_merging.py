"""Merging many pairs at once leaves what merging them one at a time leaves: the rows that
refer to the people, what each merge moved, removed and added, and who is left."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.db.models.fields import AutoFieldMixin

from safeguarding.linkage.merging import merge_many, person_references, snapshot_person
from safeguarding.linkage.models import Merge, MergeMove
from safeguarding.people.actions import PersonDetails, register_person
from safeguarding.people.models import Person, PersonKind, Sex
from tests.factories import Area, nhs_number_for
from tests.linkage import population

pytestmark = pytest.mark.django_db


def _record(actor: Any, given: str, *, nhs: bool) -> Person:
    return register_person(
        actor=actor,
        details=PersonDetails(
            given_name=given,
            family_name="Hartley",
            kind=PersonKind.CHILD,
            date_of_birth=date(2014, 5, 7),
            sex=Sex.FEMALE,
            identifiers=[("nhs", nhs_number_for(5))] if nhs else [],
            phones=["07700 900123"],
        ),
    )


def _groups(area: Area) -> list[list[Person]]:
    """Records of the same people, first recorded first: one child recorded by three
    agencies, the first without her NHS number (so the second brings it to her and the
    third's is then a duplicate), and the test population's people recorded more than
    once."""
    groups = [
        [
            _record(area.dsl, "Elizabeth", nhs=False),
            _record(area.police_analyst, "Beth", nhs=True),
            _record(area.health, "Elizabeth", nhs=True),
        ]
    ]
    people = population.build(area, people=16)
    by_person: dict[int, list[Person]] = {}
    for person in people.people:
        by_person.setdefault(people.truth[str(person.pk)], []).append(person)
    groups += [records for records in by_person.values() if len(records) > 1]
    return groups


def _plain(row: Any) -> dict[str, Any]:
    """A row's values, less a primary key the database numbers (which a rolled-back run
    on PostgreSQL does not give back)."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not isinstance(field, AutoFieldMixin)
    }


def _after(merge: Any, groups: list[list[Person]]) -> dict[str, Any]:
    """What merging every group into its first record leaves, rolled back after."""
    planned = [(records[0], absorbed) for records in groups for absorbed in records[1:]]
    ids = [person.pk for records in groups for person in records]
    with transaction.atomic():
        merges = [
            Merge.objects.create(
                survivor_id=survivor.pk,
                absorbed_id=absorbed.pk,
                absorbed_snapshot=snapshot_person(absorbed),
            )
            for survivor, absorbed in planned
        ]
        merge(list(zip(merges, *zip(*planned, strict=True), strict=True)))
        state: dict[str, Any] = {
            "people": sorted(
                map(str, Person.objects.filter(pk__in=ids).values_list("pk", flat=True))
            )
        }
        for reference in person_references():
            if reference.model is MergeMove:
                continue
            rows = reference.model._base_manager.filter(**{f"{reference.field.name}__in": ids})
            state[f"{reference.label}.{reference.field.name}"] = sorted(
                repr(sorted(_plain(row).items())) for row in rows
            )
        order = {merge.pk: number for number, merge in enumerate(merges)}
        state["moves"] = [
            (
                order[move.merge_id],
                move.action,
                move.model_label,
                move.field_name,
                "" if move.action == MergeMove.Action.ADDED else move.row_pk,
                move.snapshot,
            )
            for move in MergeMove.objects.order_by("pk")
        ]
        transaction.set_rollback(True)
    return state


def test_merging_many_pairs_at_once_leaves_what_one_at_a_time_leaves(area: Area) -> None:
    groups = _groups(area)

    def one_at_a_time(items: list[tuple[Merge, Person, Person]]) -> None:
        for item in items:
            merge_many([item])

    together = _after(merge_many, groups)

    assert together == _after(one_at_a_time, groups)
    moves = together["moves"]
    assert {move[1] for move in moves} == {"moved", "removed", "added"}
    # The third record's NHS number repeats the one the second brought to the first.
    assert (1, "removed", "people.Identifier", "person") in {move[:4] for move in moves}
    assert len(together["people"]) == len(groups)


def test_a_person_is_absorbed_once(area: Area) -> None:
    first, second, third = _groups(area)[0]
    merges = [
        Merge(survivor_id=first.pk, absorbed_id=second.pk, absorbed_snapshot=[]),
        Merge(survivor_id=second.pk, absorbed_id=third.pk, absorbed_snapshot=[]),
    ]
    with pytest.raises(ValueError, match="absorbed once"):
        merge_many([(merges[0], first, second), (merges[1], second, third)])
