"""Who may write the statutory record: each event names the agency kinds and roles that
record it; break-glass is read-only; an event is its recorder's agency's."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reasons
from safeguarding.chronology.entries import build_chronology
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import RULES, EventType
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.grants import grant_break_glass
from safeguarding.people.models import AgencyRecord, Person
from tests.factories import Area, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

# Written out here, not read from the code under test: the rules as the guidance gives them.
SOCIAL_CARE = {
    "assessment-started",
    "assessment-completed",
    "strategy-discussion",
    "s47-started",
    "s47-concluded",
    "initial-conference",
    "core-group",
    "review-conference",
    "cp-visit",
    "plan-ended",
    "became-looked-after",
    "lac-review",
    "lac-visit",
    "ceased-looked-after",
}
SAFEGUARDING_PARTNER = {
    "serious-incident",
    "panel-notified",
    "rapid-review",
    "cspr-decided",
    "cspr-published",
}
EMPLOYER = {"allegation", "lado-referral"}
SCHOOL = {"pupil-left", "file-received"}
MAY_RECORD: dict[str, set[str]] = {
    "practitioner": SOCIAL_CARE | SAFEGUARDING_PARTNER,
    "manager": SOCIAL_CARE | SAFEGUARDING_PARTNER | EMPLOYER,
    "mash": SOCIAL_CARE,
    "dsl": EMPLOYER | SCHOOL,
    "police_analyst": set(),
    "health": set(),
    "system": set(),  # the police force's system account
}


def test_every_event_kind_is_in_the_table():
    assert set(EventType.values) == SOCIAL_CARE | SAFEGUARDING_PARTNER | EMPLOYER | SCHOOL


@pytest.fixture
def child(area: Area) -> Person:
    """A child every agency of the area holds a record on."""
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    person = concern.involvements.get(role="child").person
    for agency in (area.school, area.police, area.nhs):
        AgencyRecord.objects.create(agency=agency, person=person)
    return person


def _details(child: Person, event_type: str) -> EventDetails:
    outcomes = RULES[event_type].outcomes
    return EventDetails(
        person_id=child.pk,
        event_type=event_type,
        occurred_on=date(2026, 11, 2),
        outcome=outcomes[0] if outcomes else "",
    )


@pytest.mark.parametrize("role", sorted(MAY_RECORD))
@pytest.mark.parametrize("event_type", EventType.values)
def test_who_may_record_each_event(area: Area, child: Person, role: str, event_type: str):
    actor = getattr(area, role)
    if event_type in MAY_RECORD[role]:
        event = record_event(actor=actor, details=_details(child, event_type))
        assert event.agency == actor.agency
        assert PathwayEvent.objects.filter(pk=event.pk, agency=actor.agency).exists()
    else:
        with pytest.raises(PermissionDenied) as refused:
            record_event(actor=actor, details=_details(child, event_type))
        assert EventType(event_type).label in str(refused.value)
        assert not PathwayEvent.objects.exists()


@pytest.mark.parametrize("role", sorted(MAY_RECORD))
def test_the_form_offers_only_what_the_role_records(
    area: Area, child: Person, client_for, role: str
):
    actor = getattr(area, role)
    client = client_for(actor)
    url = f"/people/{child.pk}/events/new/"
    page = client.get(url)
    person_page = client.get(f"/people/{child.pk}/").content.decode()
    if not MAY_RECORD[role]:
        assert page.status_code == 403
        assert "Your agency and role record none of them" in page.content.decode()
        assert url not in person_page
        assert client.post(url, {"event_type": "core-group"}).status_code == 403
        return
    assert page.status_code == 200
    assert url in person_page
    offered = set(page.context["form"].fields["event_type"].choices) - {("", "Choose an event")}
    assert {value for value, _ in offered} == MAY_RECORD[role]
    refused = sorted(set(EventType.values) - MAY_RECORD[role])[0]
    answer = client.post(
        url,
        {
            "event_type": refused,
            "occurred_on_0": "2",
            "occurred_on_1": "11",
            "occurred_on_2": "2026",
        },
    )
    assert answer.status_code == 200
    assert "Choose one of the events your agency records" in answer.content.decode()
    assert not PathwayEvent.objects.exists()


def test_break_glass_is_read_only(area: Area, child: Person, client_for):
    # The other council's MASH opens the record for a stated reason: it may read, not write.
    grant_break_glass(
        actor=area.other_mash,
        person_id=child.pk,
        reason="Child presented at our front door out of hours; checking for a plan",
    )

    def reads() -> int:
        # Reasons are stored sealed: read open to find the purpose.
        entries = AuditEntry.objects.filter(actor_id=area.other_mash.pk, target_id=str(child.pk))
        reasons = readable_reasons(entries)
        return sum(reason.text == "record a pathway event" for reason in reasons.values())

    with pytest.raises(PermissionDenied, match="break-glass access, which is read-only"):
        record_event(actor=area.other_mash, details=_details(child, "core-group"))
    assert not PathwayEvent.objects.exists()
    # The refused attempt still logged the read of the child.
    assert reads() == 1
    client = client_for(area.other_mash)
    url = f"/people/{child.pk}/events/new/"
    assert url not in client.get(f"/people/{child.pk}/").content.decode()
    for answer in (
        client.get(url),
        client.post(
            url,
            {
                "event_type": "core-group",
                "occurred_on_0": "2",
                "occurred_on_1": "11",
                "occurred_on_2": "2026",
            },
        ),
    ):
        assert answer.status_code == 403
        assert "break-glass access, which is read-only" in answer.content.decode()
    assert not PathwayEvent.objects.exists()


def test_an_event_is_its_recorders_agencys(area: Area, child: Person):
    event = record_event(actor=area.dsl, details=_details(child, "pupil-left"))
    # The file-transfer clock runs on the council's calendar, but the school recorded it.
    assert event.authority == area.council
    assert event.agency == area.school
    (entry,) = [e for e in build_chronology(child, area.mash) if e.kind == "Pathway"]
    assert entry.source == area.school.name
