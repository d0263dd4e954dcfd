"""THE ANONYMITY TEST: an anonymous report leaves no address, user agent, exact time or
tracking cookie anywhere: not in any table, not in the logs, not in any file."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client

from safeguarding.audit.models import AuditEntry
from safeguarding.environment import VAR_DIR
from safeguarding.helpline.models import Attachment, Message, Report
from tests.factories import Area
from tests.helpline.conftest import Helpline, hidden, submit_through_pages

pytestmark = pytest.mark.each_database

ADDRESS = "203.0.113.77"


def _every_row_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        chunks.append(bytes(value).decode("latin-1"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def _files_containing(needles: list[bytes]) -> list[str]:
    found = []
    for path in Path(VAR_DIR).rglob("*"):
        if not path.is_file() or path.stat().st_size > 200 * 1024 * 1024:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if any(needle in data for needle in needles):
            found.append(str(path))
    return found


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_report_leaves_no_trace_of_the_reporter(
    helpline: Helpline,
    area: Area,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
):
    user_agent = f"AnonymityProbe/{secrets.token_hex(8)} (X11; Linux x86_64)"
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=user_agent)
    audit_before = AuditEntry.objects.count()
    caplog.set_level(logging.DEBUG)

    receipt = submit_through_pages(client, area)
    page = client.post("/helpline/return/", {"receipt": receipt})
    client.post(
        "/helpline/return/conversation/",
        {
            "pass": hidden(page, "pass"),
            "text": "More",
            "attached_files": SimpleUploadedFile("notes.txt", b"What I saw", "text/plain"),
        },
    )
    client.post("/helpline/return/", {"receipt": "9" * 20})  # a wrong receipt, throttled

    assert Report.objects.count() == 1
    assert Message.objects.count() == 2  # the automatic acknowledgement and the addition
    assert Attachment.objects.count() == 1  # the file sent with it
    # No table holds the address or the user agent.
    rows = _every_row_as_text()
    assert ADDRESS not in rows
    assert user_agent not in rows
    # The logs do not either (the request log writes method, path, status and duration).
    captured = capsys.readouterr()
    logged = (
        "\n".join(record.getMessage() for record in caplog.records) + captured.out + captured.err
    )
    assert ADDRESS not in logged
    assert user_agent not in logged
    # Not even the request log's line, whose timestamp would date the visit.
    assert "/helpline/" not in logged
    # Nor does any file under the var directory.
    assert _files_containing([ADDRESS.encode(), user_agent.encode()]) == []
    # No tracking cookie was set, and no session was created.
    assert not client.cookies
    assert _session_count() == 0
    # Nothing records when, beyond the day: no audit entry was written for the visit, and
    # the helpline's reporter-facing rows have no time-of-day columns.
    assert AuditEntry.objects.count() == audit_before
    for model in (Report, Message):
        assert not any(isinstance(f, models.DateTimeField) for f in model._meta.get_fields())


def _session_count() -> int:
    from django.contrib.sessions.models import Session

    return Session.objects.count()
