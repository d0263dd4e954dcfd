"""The audit log's page for auditors: filtered by actor or target, a page at a time, the
filter kept from page to page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
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


def _entries(area: Area) -> None:
    record(AuditVerb.PERSON_VIEWED, actor=area.dsl, target_type=TargetType.PERSON, target_id="p1")
    record(AuditVerb.CONCERN_VIEWED, actor=area.dsl, target_type=TargetType.CONCERN, target_id="c1")
    record(
        AuditVerb.PERSON_VIEWED, actor=area.health, target_type=TargetType.PERSON, target_id="p2"
    )


def _rows(page: str) -> int:
    return page.count('<tr class="govuk-table__row">') - 1


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ({"verb": "person-viewed", "agency": "SCH-TEST"}, 1),
        ({"verb": "person-viewed"}, 2),
        ({"agency": "nhs-test"}, 1),
        ({"actor": "dsl", "target": "c1"}, 1),
    ],
)
def test_the_log_filters_by_verb_agency_user_and_record(
    area: Area, client_for, query: dict[str, str], rows: int
) -> None:
    _entries(area)
    page = client_for(area.auditor).get("/audit/", query).content.decode()
    # Only the three written here match; the page's own view comes after it is read.
    assert _rows(page) == rows


def test_the_log_filters_by_date_range(area: Area, client_for) -> None:
    _entries(area)
    today = timezone.localdate()
    client = client_for(area.auditor)

    def parts(name: str, day: date) -> dict[str, str]:
        return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}

    yesterday = today - timedelta(days=1)
    none = client.get("/audit/", {**parts("date_from", yesterday), **parts("date_to", yesterday)})
    assert _rows(none.content.decode()) == 0
    todays = client.get("/audit/", {**parts("date_from", today), "actor": "dsl"})
    assert _rows(todays.content.decode()) == 2
    backwards = client.get("/audit/", {**parts("date_from", today), **parts("date_to", yesterday)})
    assert backwards.status_code == 200
    assert "The end date must be the same as or after the start date" in backwards.content.decode()


def test_one_page_view_writes_one_entry(area: Area, client_for) -> None:
    _entries(area)
    client = client_for(area.auditor)
    before = AuditEntry.objects.count()
    client.get("/audit/", {"verb": "person-viewed"})
    written = AuditEntry.objects.filter(sequence__gt=before)
    assert [entry.verb for entry in written] == [AuditVerb.AUDIT_LOG_VIEWED]
    assert written.get().payload == {"verb": "person-viewed", "page": 1}


def test_the_export_is_filtered_audited_and_safe_in_a_spreadsheet(area: Area, client_for) -> None:
    _entries(area)
    record(
        AuditVerb.BREAK_GLASS_GRANTED,
        actor=area.dsl,
        target_type=TargetType.PERSON,
        target_id="p3",
        reason='=HYPERLINK("http://example.invalid")',
    )
    response = client_for(area.auditor).get("/audit/", {"actor": "dsl", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["sequence", "occurred_at", "user"]
    assert {row[2] for row in rows[1:]} == {"dsl"}
    assert len(rows) == 4
    assert rows[1][8] == '\'=HYPERLINK("http://example.invalid")'
    exported = AuditEntry.objects.get(verb=AuditVerb.AUDIT_LOG_EXPORTED)
    assert exported.payload == {"actor": "dsl", "entries": 3}
    assert exported.actor_label == area.auditor.username


def test_only_auditors_read_or_export_the_log(area: Area, client_for) -> None:
    for user in (area.manager, area.dsl, area.admin):
        client = client_for(user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/", {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(verb=AuditVerb.AUDIT_LOG_EXPORTED).exists()
