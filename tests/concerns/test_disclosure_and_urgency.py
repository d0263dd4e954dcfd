"""When a concern happened or was disclosed, kept apart from when it was recorded; and the
immediate-risk flag that puts a contact at the top of the MASH queue and tells the MASH at
once. Through the web form, the API and an import file."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.concerns.importer import import_concerns
from safeguarding.concerns.models import Concern, PersonRole
from safeguarding.mash.models import Contact, Rag
from safeguarding.mash.queries import triage_queue
from safeguarding.notifications.models import Notification
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

URGENT_SUBJECT = "Immediate risk: a new contact needs a decision now"


def details(area: Area, **changes: object) -> ConcernDetails:
    fields: dict[str, object] = {
        "category": "sexual-abuse",
        "summary": "Told her teacher at morning break that an adult touched her.",
        "recorded_at": timezone.now(),
        "local_authority_code": area.council.code,
        "persons": [NamedPerson(role=PersonRole.CHILD, details=child_details())],
    }
    fields.update(changes)
    return ConcernDetails(**fields)  # type: ignore[arg-type]  # the fields above, each of its type


def test_the_web_form_keeps_the_time_of_disclosure_apart_from_the_time_of_typing(
    area: Area, client_for
):
    yesterday = timezone.localdate() - timedelta(days=1)
    before = timezone.now()
    response = client_for(area.dsl).post(
        reverse("concerns:record"),
        {
            "child-given_name": "Maya",
            "child-family_name": "Osei",
            "child-sex": "female",
            "category": "sexual-abuse",
            "summary": "Maya told her teacher at morning break that an adult touched her.",
            "disclosed_on_0": yesterday.day,
            "disclosed_on_1": yesterday.month,
            "disclosed_on_2": yesterday.year,
            "disclosed_time": "09.10",
            "immediate_risk": "on",
            "local_authority": area.council.pk,
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.disclosed_on == yesterday
    assert concern.disclosed_time == time(9, 10)
    assert concern.recorded_at >= before
    assert concern.immediate_risk
    assert concern.contact.immediate_risk
    page = client_for(area.mash).get(reverse("mash:contact", args=[concern.contact.pk]))
    text = page.content.decode()
    assert f"{yesterday.day} {yesterday:%B %Y} at 09:10" in text
    assert "says the child is at immediate risk" in text


@pytest.mark.parametrize(
    ("disclosed_time", "message"),
    [("25:00", "Enter a real time, like 14:05"), ("nine", "hours and minutes")],
)
def test_the_web_form_refuses_a_time_that_is_not_one(
    area: Area, client_for, disclosed_time: str, message: str
):
    today = timezone.localdate()
    response = client_for(area.dsl).post(
        reverse("concerns:record"),
        {
            "child-given_name": "Maya",
            "child-family_name": "Osei",
            "child-sex": "female",
            "category": "sexual-abuse",
            "summary": "Disclosed at break.",
            "disclosed_on_0": today.day,
            "disclosed_on_1": today.month,
            "disclosed_on_2": today.year,
            "disclosed_time": disclosed_time,
            "local_authority": area.council.pk,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_a_disclosure_cannot_come_after_the_recording(area: Area):
    recorded = timezone.localtime() - timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        record_concern(
            actor=area.dsl,
            details=details(
                area,
                recorded_at=recorded,
                disclosed_on=recorded.date() + timedelta(days=1),
            ),
        )
    assert "disclosed_on" in refused.value.message_dict
    later = (recorded + timedelta(minutes=30)).time().replace(second=0, microsecond=0)
    if later > recorded.time():  # not across midnight
        with pytest.raises(ValidationError) as refused:
            record_concern(
                actor=area.dsl,
                details=details(
                    area, recorded_at=recorded, disclosed_on=recorded.date(), disclosed_time=later
                ),
            )
        assert refused.value.message_dict["disclosed_time"] == [
            "The time of the disclosure must be before the concern was recorded"
        ]
    with pytest.raises(ValidationError) as refused:
        record_concern(actor=area.dsl, details=details(area, disclosed_time=time(9, 0)))
    assert "disclosed_on" in refused.value.message_dict
    assert not Concern.objects.exists()


def test_immediate_risk_goes_to_the_top_of_the_queue_and_tells_the_mash_at_once(area: Area):
    older_red = make_concern(area.dsl, local_authority=area.council, child=child_details())
    Contact.objects.filter(concern=older_red).update(rag=Rag.RED)
    Notification.objects.all().delete()

    urgent = record_concern(actor=area.police_analyst, details=details(area, immediate_risk=True))

    queue = triage_queue(area.mash)
    assert [contact.concern_id for contact in queue] == [urgent.pk, older_red.pk]
    told = Notification.objects.filter(subject=URGENT_SUBJECT)
    # Everyone who triages at Testshire's MASH, and nobody at Otherton's.
    assert set(told.values_list("recipient", flat=True)) == {area.mash.pk, area.manager.pk}
    for notification in told:
        assert notification.link == f"/mash/contacts/{urgent.contact.pk}/"
        # Emailed: it names nobody and says nothing of what happened.
        assert "touched" not in notification.body
        assert urgent.involvements.get().person.given_name not in notification.body
    # A concern without the flag tells nobody at once.
    make_concern(area.dsl, local_authority=area.council, child=child_details())
    assert Notification.objects.filter(subject=URGENT_SUBJECT).count() == 2


def test_an_import_file_carries_the_disclosure_and_names_bad_values_by_row(
    area: Area, tmp_path: Path
):
    def row(record_id: str, **fields: object) -> dict[str, object]:
        return {
            "record_id": record_id,
            "recorded_at": "2026-03-01T14:30:00+00:00",
            "category": "cce",
            "summary": f"Found with cash and two phones ({record_id}).",
            "local_authority": "LA-TEST",
            "persons": [{"role": "child", "given_name": "Ava", "family_name": "Lane"}],
            **fields,
        }

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join(
            json.dumps(item)
            for item in (
                row("POL-1", disclosed_on="2026-02-28", disclosed_time="23:15"),
                row("POL-2", disclosed_time="9am"),
                row("POL-3", immediate_risk="perhaps"),
            )
        )
        + "\n",
        encoding="utf-8",
    )
    report = import_concerns(bad, "POL-TEST")
    assert not report.ok
    problems = {(problem.row, problem.field) for problem in report.problems}
    assert (2, "disclosed_time") in problems
    assert (3, "immediate_risk") in problems
    assert not Concern.objects.exists()

    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps(row("POL-1", disclosed_on="2026-02-28", disclosed_time="23:15"))
        + "\n"
        + json.dumps(row("POL-2", immediate_risk=True))
        + "\n",
        encoding="utf-8",
    )
    report = import_concerns(good, "POL-TEST")
    assert report.ok, report.problems
    first = Concern.objects.get(agency_record_id="POL-1")
    assert (first.disclosed_on, first.disclosed_time) == (date(2026, 2, 28), time(23, 15))
    assert not first.immediate_risk
    assert Contact.objects.get(concern__agency_record_id="POL-2").immediate_risk
    assert Notification.objects.filter(subject=URGENT_SUBJECT, recipient=area.mash).count() == 1
