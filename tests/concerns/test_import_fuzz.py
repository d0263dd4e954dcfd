"""Malformed files never crash the importer and never half-import (property-based)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.audit.models import AuditEntry
from safeguarding.concerns.importer import import_concerns
from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

GOOD_ROW = {
    "record_id": "POL-1",
    "recorded_at": "2026-10-01T10:00:00+01:00",
    "category": "neglect",
    "summary": "Child seen hungry.",
    "local_authority": "LA-TEST",
    "persons": [
        {
            "role": "child",
            "given_name": "Amelia",
            "family_name": "Hartley",
            "date_of_birth": "2014-05-17",
        }
    ],
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)


def _state() -> tuple[int, int, int]:
    return Concern.objects.count(), Person.objects.count(), AuditEntry.objects.count()


def _run(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    before = _state()
    report = import_concerns(path, "POL-TEST")
    if not report.committed:
        assert _state() == before
    else:
        assert report.ok
        assert report.created + report.updated == report.concerns_read


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(area: Area, tmp_path: Path, data: bytes):
    _run(tmp_path, data, ".jsonl")
    _run(tmp_path, data, ".csv")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(sorted(GOOD_ROW)), value=json_values)
def test_any_field_replaced_by_any_json_is_accepted_or_rejected_whole(
    area: Area, tmp_path: Path, field: str, value: object
):
    broken = {**GOOD_ROW, "record_id": "POL-2", field: value}
    lines = [json.dumps(GOOD_ROW), json.dumps(broken)]
    _run(tmp_path, ("\n".join(lines) + "\n").encode(), ".jsonl")
