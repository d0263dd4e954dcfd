"""Subject access: the bundle of a child recorded in every app holds every item from every
app, other people's names redacted and an item withheld with its exemption, all recorded in
the audit log; the request's one-month clock and its extension; the command and the pages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main as cli
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.records.holdings import held_about
from safeguarding.retention.subject_access import (
    THIRD_PARTY,
    bundle_pdf,
    due_on,
    extend_request,
    open_request,
    produce_bundle,
    withhold_item,
)
from tests.factories import Area, make_user
from tests.retention.builders import FAMILY, GIVEN, MOTHER, child_in_every_app
from tests.retention.test_erasure import PROVIDERS

pytestmark = [pytest.mark.django_db]

EXEMPTION = "Serious harm test (DPA 2018 Sch 3 para 5), on the opinion of her therapist"


@pytest.fixture
def officer(area: Area) -> User:
    return make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")


def test_the_bundle_holds_every_item_redacts_others_and_records_what_it_disclosed(
    area: Area, officer: User
) -> None:
    child = child_in_every_app(area).child
    held = held_about(child.pk)
    assert {item.source for item in held} == PROVIDERS - {"linkage", "notifications"}
    request = open_request(child.pk, actor=officer)
    held = held_about(child.pk)  # the request's own clock is about her too
    (therapy,) = [item for item in held if item.kind == "therapy-referral"]
    withhold_item(request.pk, actor=officer, item_key=therapy.key, exemption=EXEMPTION)

    bundle = produce_bundle(child.pk, actor=officer, request_id=request.pk, disclose=True)

    disclosed = {f"{item.kind}:{item.id}" for item in bundle.items}
    assert disclosed == {item.key for item in held} - {therapy.key}
    assert bundle.withheld == [
        {"kind": "therapy-referral", "id": therapy.item_id, "exemption": EXEMPTION}
    ]
    text = bundle.as_json()
    assert json.loads(text)["person_id"] == str(child.pk)
    assert GIVEN in text
    # Her mother, named in the police concern, is a third party: her name is not disclosed.
    assert MOTHER[0] not in text
    assert MOTHER[1] not in text
    assert bundle.redactions >= 1
    assert THIRD_PARTY in text
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bundle_pdf(bundle))).pages)
    assert f"{GIVEN} {FAMILY}" in pdf
    assert MOTHER[0] not in pdf
    # The audit log holds the withholding, and exactly what was disclosed.
    withheld = AuditEntry.objects.get(verb=AuditVerb.SUBJECT_ACCESS_WITHHELD)
    assert (withheld.payload["item"], readable_reason(withheld).text) == (therapy.key, EXEMPTION)
    produced = AuditEntry.objects.get(verb=AuditVerb.SUBJECT_ACCESS_PRODUCED)
    assert set(produced.payload["items"]) == disclosed
    assert produced.payload["withheld"] == [therapy.key]
    assert produced.payload["third_party_redactions"] == bundle.redactions
    # Answered: the clock is met, and nothing more can be withheld.
    clock = Clock.objects.get(subject=request.subject)
    assert clock.met_on == timezone.localdate()
    with pytest.raises(ValidationError):
        withhold_item(request.pk, actor=officer, item_key=therapy.key, exemption=EXEMPTION)


def test_one_month_extendable_once_by_two_within_the_first_month(area: Area, officer: User) -> None:
    child = child_in_every_app(area).child
    today = timezone.localdate()
    late = open_request(child.pk, actor=officer, received_on=today - timedelta(days=40))
    with pytest.raises(ValidationError) as refused:
        extend_request(late.pk, actor=officer, reason="Records held by fifteen agencies")
    assert "only within its first month" in refused.value.messages[0]

    received = date(today.year, today.month, 1)
    request = open_request(child.pk, actor=officer, received_on=received)
    clock = Clock.objects.get(subject=request.subject)
    assert clock.clock_type == ClockType.SUBJECT_ACCESS
    assert clock.due_on == due_on(request)
    assert (clock.due_on.month - received.month) % 12 == 1
    extended = extend_request(request.pk, actor=officer, reason="Records held by fifteen agencies")
    running = Clock.objects.get(subject=request.subject, cancelled_on__isnull=True)
    assert running.clock_type == ClockType.SUBJECT_ACCESS_EXTENDED
    assert (running.due_on.month - received.month) % 12 == 3
    assert due_on(extended) == running.due_on
    with pytest.raises(ValidationError):
        extend_request(request.pk, actor=officer, reason="Still more records to gather")


def test_the_command_writes_the_pdf_and_the_json(
    area: Area, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = child_in_every_app(area).child
    assert cli(["subject-access", str(child.pk), "--output", str(tmp_path)]) == 0
    written = json.loads((tmp_path / f"subject-access-{child.pk}.json").read_text())
    assert len(written["items"]) == len(held_about(child.pk))
    assert (tmp_path / f"subject-access-{child.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert cli(["subject-access", "nobody", "--output", str(tmp_path)]) == 2
    assert "No person has this record id" in capsys.readouterr().err


def test_the_pages_open_withhold_download_and_answer(
    area: Area, officer: User, client_for: Callable[[User], Client]
) -> None:
    child = child_in_every_app(area).child
    client = client_for(officer)
    opened = client.post(
        "/records/subject-access/",
        {
            "person_id": str(child.pk),
            "received_on_0": "1",
            "received_on_1": str(timezone.localdate().month),
            "received_on_2": str(timezone.localdate().year),
        },
    )
    assert opened.status_code == 302, opened.content.decode()[:2000]
    page = opened["Location"]
    assert client.get(page).status_code == 200
    (therapy,) = [item for item in held_about(child.pk) if item.kind == "therapy-referral"]
    bad = client.post(page, {"action": "withhold", "item_key": therapy.key, "exemption": ""})
    assert bad.status_code == 400
    assert (
        client.post(
            page, {"action": "withhold", "item_key": therapy.key, "exemption": EXEMPTION}
        ).status_code
        == 302
    )
    download = client.get(page + "bundle.json")
    assert download.status_code == 200
    assert json.loads(download.content)["withheld"][0]["exemption"] == EXEMPTION
    assert client.post(page, {"action": "disclose"}).status_code == 302
    assert "Not yet" not in client.get(page).content.decode()
    assert client_for(area.manager).get(page).status_code == 403
