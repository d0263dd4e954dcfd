"""writes.unit.Pipeline: batches written by a thread of their own, in the caller's
transaction, with the interpreter's switch interval shortened only while it runs."""

from __future__ import annotations

import sys
import threading

import pytest
from django.db import connection

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.audit.chain import PendingEntry, verify_chain
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.writes import unit
from safeguarding.writes.unit import Pipeline, WriteRun, Writes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a writer thread on PostgreSQL"),
]


def test_batches_are_written_by_the_writer_in_order_and_the_interval_is_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = sys.getswitchinterval()
    seen: list[tuple[str, float]] = []
    original = unit._apply_chained

    def noted(item: object) -> None:
        seen.append((threading.current_thread().name, sys.getswitchinterval()))
        original(item)  # type: ignore[arg-type]  # the item the pipeline passes on

    monkeypatch.setattr(unit, "_apply_chained", noted)
    with Pipeline(WriteRun()) as pipeline:
        for code in ("LA-ONE", "LA-TWO"):
            writes = Writes()
            writes.add_values(
                Agency, ("code", "name", "kind"), [(code, code, AgencyKind.LOCAL_AUTHORITY)]
            )
            writes.audit(
                PendingEntry(
                    AuditVerb.AGENCY_CREATED,
                    actor=None,
                    target_type=TargetType.AGENCY,
                    target_id=code,
                )
            )
            pipeline.submit(writes)

    assert [name for name, _ in seen] == ["batch-writer", "batch-writer"]
    assert all(interval <= unit._SWITCH_INTERVAL for _, interval in seen)
    assert sys.getswitchinterval() == before
    codes = Agency.objects.filter(code__startswith="LA-").values_list("code", flat=True)
    assert sorted(codes) == ["LA-ONE", "LA-TWO"]
    assert verify_chain().ok
