"""Merging two Person rows and undoing it, for every model that refers to Person.

The references are found by introspection (every concrete foreign key or one-to-one field
to Person in every installed model, including many-to-many tables), so an app added later
is covered without a change here. Callers are the actions in actions.py, which check access
and audit; this module only moves rows and records what moved."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from safeguarding.linkage.models import Merge, MergeMove
from safeguarding.people.models import Person, PersonName
from safeguarding.writes.rows import in_chunks, update

# MergeMove rows per INSERT.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class PersonReference:
    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return self.model._meta.label


def person_references() -> list[PersonReference]:
    """Every (model, field) holding a foreign key or one-to-one to Person."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                found.append(PersonReference(model, field))
    return sorted(found, key=lambda reference: (reference.label, reference.field.name))


def _unique_field_sets(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    """The unique constraints of ``model`` that include ``field_name``."""
    sets: list[tuple[str, ...]] = []
    meta = model._meta
    field = meta.get_field(field_name)
    if getattr(field, "unique", False):
        sets.append((field_name,))
    for together in meta.unique_together:
        if field_name in together:
            sets.append(tuple(together))
    for constraint in meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.condition is None
            and field_name in constraint.fields
        ):
            sets.append(tuple(constraint.fields))
    return sets


def _clashes(row: models.Model, reference: PersonReference, survivor: Person) -> bool:
    """Whether re-pointing ``row`` to ``survivor`` would break a unique constraint."""
    name = reference.field.name
    for fields in _unique_field_sets(reference.model, name):
        lookup: dict[str, Any] = {}
        for field_name in fields:
            field = reference.model._meta.get_field(field_name)
            attname = getattr(field, "attname", field_name)
            lookup[attname] = survivor.pk if field_name == name else getattr(row, attname)
        if reference.model._base_manager.filter(**lookup).exists():
            return True
    return False


def _serialise(row: models.Model) -> Any:
    """Every concrete field of ``row`` by attribute name, as JSON-ready text, to the
    microsecond (Django's JSON serialiser keeps only milliseconds of a time)."""
    fields: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        fields[field.attname] = None if value is None else field.value_to_string(row)
    return [{"model": row._meta.label, "pk": str(row.pk), "fields": fields}]


def _restore(snapshot: Any) -> None:
    for item in snapshot:
        model = apps.get_model(item["model"])
        values = {}
        for field in model._meta.concrete_fields:
            raw = item["fields"].get(field.attname)
            values[field.attname] = None if raw is None else field.to_python(raw)
        model(**values).save(force_insert=True)


def merge_many(merges: Sequence[tuple[Merge, Person, Person]]) -> None:
    """For each (merge, survivor, absorbed) in turn: move everything of ``absorbed`` to
    ``survivor``, recording each change in MergeMove, keep the absorbed person's name as
    an alias, then delete ``absorbed``. The rows and moves are those of merging the pairs
    one at a time, written with a few statements per referring table for the whole list
    rather than a few per row. A person absorbed is absorbed once, and is no survivor in
    the same list."""
    if not merges:
        return
    survivors = {survivor.pk for _, survivor, _ in merges}
    absorbed_ids = [absorbed.pk for _, _, absorbed in merges]
    if len(set(absorbed_ids)) != len(absorbed_ids) or survivors & set(absorbed_ids):
        raise ValueError("Each person is absorbed once, and is no survivor in the same list")
    moves: dict[uuid.UUID, list[MergeMove]] = {merge.pk: [] for merge, _, _ in merges}
    names_moved: dict[uuid.UUID, list[str]] = {}
    for reference in person_references():
        if reference.model is not MergeMove:
            _move_rows(reference, merges, absorbed_ids, survivors, moves, names_moved)
    known: dict[uuid.UUID, set[str]] = {pk: set() for pk in survivors}
    for person_id, name in _values(PersonName, "person", survivors, "person_id", "name"):
        known[person_id].add(name.casefold())
    aliases: dict[uuid.UUID, PersonName] = {}
    for merge, survivor, absorbed in merges:
        names = known[survivor.pk]
        names.add(survivor.full_name.casefold())
        names.update(name.casefold() for name in names_moved.get(absorbed.pk, []))
        if absorbed.full_name.casefold() not in names:
            names.add(absorbed.full_name.casefold())
            aliases[merge.pk] = PersonName(
                person=survivor, kind=PersonName.Kind.ALIAS, name=absorbed.full_name
            )
    PersonName.objects.bulk_create(aliases.values())
    for merge_id, alias in aliases.items():
        moves[merge_id].append(
            MergeMove(
                merge_id=merge_id,
                action=MergeMove.Action.ADDED,
                model_label=PersonName._meta.label,
                field_name="person",
                row_pk=str(alias.pk),
            )
        )
    MergeMove.objects.bulk_create(
        [move for merge, _, _ in merges for move in moves[merge.pk]], batch_size=BATCH_SIZE
    )
    for chunk in in_chunks(absorbed_ids):
        Person.objects.filter(pk__in=chunk).delete()


def _values(
    model: type[models.Model], field_name: str, person_ids: Iterable[uuid.UUID], *columns: str
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``model`` whose ``field_name`` is one of ``person_ids``."""
    manager = model._base_manager
    return [
        row
        for chunk in in_chunks(list(person_ids))
        for row in manager.filter(**{f"{field_name}__in": chunk}).values_list(*columns)
    ]


def _move_rows(
    reference: PersonReference,
    merges: Sequence[tuple[Merge, Person, Person]],
    absorbed_ids: list[uuid.UUID],
    survivors: set[uuid.UUID],
    moves: dict[uuid.UUID, list[MergeMove]],
    names_moved: dict[uuid.UUID, list[str]],
) -> None:
    """Re-point ``reference``'s rows from each absorbed person to their survivor, in the
    merges' order and each person's rows in primary-key order, removing (and keeping in
    full) a row that would repeat one the survivor holds by now under a unique
    constraint."""
    model, field = reference.model, reference.field
    manager = model._base_manager
    attname = field.attname
    rows: dict[uuid.UUID, list[models.Model]] = {}
    for chunk in in_chunks(absorbed_ids):
        for row in manager.filter(**{f"{field.name}__in": chunk}).order_by("pk"):
            rows.setdefault(getattr(row, attname), []).append(row)
    if not rows:
        return
    unique_sets = [
        [getattr(model._meta.get_field(name), "attname", name) for name in fields]
        for fields in _unique_field_sets(model, field.name)
    ]
    # The values each unique constraint holds for the survivors' rows: theirs, then each
    # row moved to them.
    held = [set(_values(model, field.name, survivors, *columns)) for columns in unique_sets]
    removed: list[Any] = []
    moved: list[tuple[Any, uuid.UUID]] = []
    for merge, survivor, absorbed in merges:
        for row in rows.get(absorbed.pk, []):
            keys = [
                tuple(
                    survivor.pk if column == attname else getattr(row, column) for column in columns
                )
                for columns in unique_sets
            ]
            clashes = any(key in values for key, values in zip(keys, held, strict=True))
            moves[merge.pk].append(
                MergeMove(
                    merge=merge,
                    action=MergeMove.Action.REMOVED if clashes else MergeMove.Action.MOVED,
                    model_label=reference.label,
                    field_name=field.name,
                    row_pk=str(row.pk),
                    snapshot=_serialise(row) if clashes else None,
                )
            )
            if clashes:
                removed.append(row.pk)
                continue
            for key, values in zip(keys, held, strict=True):
                values.add(key)
            moved.append((row.pk, survivor.pk))
            if isinstance(row, PersonName):
                names_moved.setdefault(absorbed.pk, []).append(row.name)
    for chunk in in_chunks(removed):
        manager.filter(pk__in=chunk).delete()
    update(model, [field.name], moved)


def undo_rows(merge: Merge) -> None:
    """Recreate the absorbed person and put back exactly what the merge changed."""
    _restore(merge.absorbed_snapshot)
    for move in merge.moves.order_by("-pk"):
        model = apps.get_model(move.model_label)
        manager = model._base_manager
        if move.action == MergeMove.Action.ADDED:
            manager.filter(pk=move.row_pk).delete()
        elif move.action == MergeMove.Action.MOVED:
            field = model._meta.get_field(move.field_name)
            manager.filter(pk=move.row_pk).update(
                **{getattr(field, "attname", move.field_name): merge.absorbed_id}
            )
    for move in merge.moves.filter(action=MergeMove.Action.REMOVED).order_by("pk"):
        _restore(move.snapshot)


def snapshot_person(person: Person) -> Any:
    return _serialise(person)
