"""Merging two Person rows and undoing it, for every model that refers to Person.

The references are found by introspection (every concrete foreign key or one-to-one field
to Person in every installed model, including many-to-many tables), so an app added later
is covered without a change here. Callers are the actions in actions.py, which check access
and audit; this module only moves rows and records what moved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from safeguarding.linkage.models import Merge, MergeMove
from safeguarding.people.models import Person, PersonName


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


def merge_rows(merge: Merge, survivor: Person, absorbed: Person) -> None:
    """Move everything of ``absorbed`` to ``survivor``, recording each change in
    MergeMove, keep the absorbed person's name as an alias, then delete ``absorbed``."""
    moves: list[MergeMove] = []
    for reference in person_references():
        if reference.model is MergeMove:
            continue
        manager = reference.model._base_manager
        attname = reference.field.attname
        for row in manager.filter(**{attname: absorbed.pk}).order_by("pk"):
            if _clashes(row, reference, survivor):
                moves.append(
                    MergeMove(
                        merge=merge,
                        action=MergeMove.Action.REMOVED,
                        model_label=reference.label,
                        field_name=reference.field.name,
                        row_pk=str(row.pk),
                        snapshot=_serialise(row),
                    )
                )
                row.delete()
                continue
            manager.filter(pk=row.pk).update(**{attname: survivor.pk})
            moves.append(
                MergeMove(
                    merge=merge,
                    action=MergeMove.Action.MOVED,
                    model_label=reference.label,
                    field_name=reference.field.name,
                    row_pk=str(row.pk),
                )
            )
    known = {survivor.full_name.casefold()} | {
        name.casefold()
        for name in PersonName.objects.filter(person=survivor).values_list("name", flat=True)
    }
    if absorbed.full_name.casefold() not in known:
        alias = PersonName.objects.create(
            person=survivor, kind=PersonName.Kind.ALIAS, name=absorbed.full_name
        )
        moves.append(
            MergeMove(
                merge=merge,
                action=MergeMove.Action.ADDED,
                model_label=PersonName._meta.label,
                field_name="person",
                row_pk=str(alias.pk),
            )
        )
    MergeMove.objects.bulk_create(moves)
    absorbed.delete()


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
