"""Closed vocabularies (audit verbs, target types and legal bases, roles, clock types, agency
kinds) stored as text.

A vocabulary is a Python enumeration, reviewed as code. Its field validates against the
enumeration in forms and in full_clean, as any field with choices does, but leaves the
choices out of migrations: the database stores the text either way, so adding a verb or a
role changes no schema and needs no migration that two branches could both write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    _CharField = models.CharField[str | int | Combinable, str]
else:
    _CharField = models.CharField


class VocabularyField(_CharField):
    """A CharField whose choices (a TextChoices) are left out of migrations."""

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs
