"""Closed vocabularies validate like choices but stay out of migrations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from safeguarding.access.models import Agency, User
from safeguarding.audit.models import AuditEntry
from safeguarding.clocks.models import Clock, ClockLimit
from safeguarding.vocabulary import VocabularyField

VOCABULARY_FIELDS = [
    (AuditEntry, "verb"),
    (User, "role"),
    (Agency, "kind"),
    (Clock, "clock_type"),
    (ClockLimit, "clock_type"),
]


@pytest.mark.parametrize(("model", "name"), VOCABULARY_FIELDS)
def test_vocabulary_is_validated_but_not_migrated(model: type, name: str) -> None:
    field = model._meta.get_field(name)
    assert isinstance(field, VocabularyField)
    assert field.choices, "the model still knows its vocabulary"
    with pytest.raises(ValidationError):
        field.clean("not-in-the-vocabulary", None)
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    migrated = state.models[(model._meta.app_label, model._meta.model_name)].fields[name]
    assert not migrated.choices
