"""Two workers passing at the same moment remind and escalate each clock once between them.

PostgreSQL only: SQLite's in-memory test database refuses a second writer at once rather
than making it wait, which is not the situation under test."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import escalate_clocks, start_clock
from safeguarding.clocks.rules import ClockType
from tests.factories import Area

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
CLOCKS = 12


def test_concurrent_workers_escalate_each_clock_once(area: Area) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that makes concurrent writers wait")
    clocks = [
        start_clock(
            clock_type=ClockType.REFERRAL_DECISION,
            authority=area.council,
            subject=f"test:{number}",
            started_on=date(2025, 1, 6),
            accountable=area.practitioner,
        )
        for number in range(CLOCKS)
    ]
    barrier = threading.Barrier(WORKERS)
    escalated: list[int] = []
    failures: list[str] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            escalated.append(escalate_clocks().escalated)
        except Exception as error:  # reported by the assertion below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert sum(escalated) == CLOCKS
    entries = Counter(
        AuditEntry.objects.filter(verb=AuditVerb.CLOCK_ESCALATED).values_list(
            "target_id", flat=True
        )
    )
    assert entries == Counter({str(clock.pk): 1 for clock in clocks})
