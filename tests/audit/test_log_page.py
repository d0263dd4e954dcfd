"""The audit log's page for auditors: filtered by actor or target, a page at a time, the
filter kept from page to page."""

from __future__ import annotations

import pytest

from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.web import audit_log
from tests.factories import Area


def test_the_log_pages_keep_the_filter(
    area: Area, client_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 2)
    for number in range(3):
        record(
            AuditVerb.PERSON_VIEWED, actor=area.dsl, target_type=TargetType.PERSON, target_id=number
        )
    record(AuditVerb.PERSON_VIEWED, actor=area.health, target_type=TargetType.PERSON, target_id=9)
    client = client_for(area.auditor)
    first = client.get("/audit/", {"actor": area.dsl.username}).content.decode()
    assert first.count('<tr class="govuk-table__row">') - 1 == 2
    assert f'href="?page=2&amp;actor={area.dsl.username}" rel="next"' in first
    second = client.get("/audit/", {"actor": area.dsl.username, "page": 2}).content.decode()
    assert second.count('<tr class="govuk-table__row">') - 1 == 1
    assert 'rel="next"' not in second
    assert f'href="?page=1&amp;actor={area.dsl.username}" rel="prev"' in second
