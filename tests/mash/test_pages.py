"""The MASH, deadline and pathway pages through the real request stack."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.mash.models import Contact
from safeguarding.pathway.models import PathwayEvent
from tests.factories import Area, child_details, make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(area: Area) -> Contact:
    return make_concern(
        area.dsl, local_authority=area.council, child=child_details("Isla", "Brennan")
    ).contact


def test_queue_and_contact_pages(area: Area, client_for, contact: Contact):
    client = client_for(area.mash)
    queue = client.get(reverse("mash:queue")).content.decode()
    assert "Isla Brennan" in queue
    assert "Referral decision" in queue
    page = client.get(reverse("mash:contact", args=[contact.pk]))
    assert page.status_code == 200
    assert "Seen hungry at school." in page.content.decode()


def test_whole_triage_through_the_forms(area: Area, client_for, contact: Contact):
    client = client_for(area.mash)
    assert client.post(reverse("mash:rate", args=[contact.pk]), {"rag": "red"}).status_code == 302
    assert (
        client.post(reverse("mash:allocate", args=[contact.pk]), {"to": area.mash.pk}).status_code
        == 302
    )
    assert (
        client.post(
            reverse("mash:ask", args=[contact.pk]),
            {"to_agency": area.police.pk, "question": "Any incidents?"},
        ).status_code
        == 302
    )
    request = contact.requests.get()
    police = client_for(area.police_analyst)
    assert "Any incidents?" in police.get(reverse("mash:inbox")).content.decode()
    assert (
        police.post(
            reverse("mash:request", args=[request.pk]), {"answer": "None recorded."}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("mash:decide", args=[contact.pk]),
        {"decision": "early-help", "rationale": "Needs support but no risk of significant harm."},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.decision == "early-help"
    assert contact.rag == "red"
    clock = Clock.objects.get(subject=contact.subject, clock_type=ClockType.REFERRAL_DECISION)
    assert clock.state() == ClockState.MET


def test_decision_errors_use_the_error_summary(area: Area, client_for, contact: Contact):
    response = client_for(area.mash).post(
        reverse("mash:decide", args=[contact.pk]), {"rationale": "short"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the decision" in page
    assert "at least 20 characters" in page


@pytest.mark.parametrize(
    "role",
    ["other_mash", "dsl", "police_analyst", "health", "taskforce_analyst", "auditor", "admin"],
)
def test_others_cannot_see_the_queue_or_contact(area: Area, client_for, contact, role):
    client = client_for(getattr(area, role))
    queue = client.get(reverse("mash:queue"))
    # Another authority's MASH has its own (empty) queue; everyone else has none.
    assert queue.status_code == (200 if role == "other_mash" else 403)
    assert "Isla Brennan" not in queue.content.decode()
    assert client.get(reverse("mash:contact", args=[contact.pk])).status_code in {403, 404}
    body = client.get(reverse("mash:contact", args=[contact.pk])).content.decode()
    assert "Isla Brennan" not in body


def test_deadline_dashboard_counts_without_names(area: Area, client_for, contact: Contact):
    page = client_for(area.manager).get(reverse("clocks:dashboard")).content.decode()
    assert "Referral decision" in page
    assert "Isla Brennan" not in page


def test_clock_page_and_delay_reason(area: Area, client_for, contact: Contact):
    clock = Clock.objects.get(subject=contact.subject)
    Clock.objects.filter(pk=clock.pk).update(
        started_on="2025-01-06", due_on="2025-01-07", accountable=area.mash
    )
    client = client_for(area.mash)
    page = client.get(reverse("clocks:detail", args=[clock.pk]))
    assert "Overdue" in page.content.decode()
    client.post(
        reverse("clocks:detail", args=[clock.pk]),
        {"reason": "Waiting for police checks over the weekend"},
    )
    clock.refresh_from_db()
    assert clock.delay_reason.startswith("Waiting")
    assert client_for(area.dsl).get(reverse("clocks:detail", args=[clock.pk])).status_code == 404


def test_record_a_pathway_event_through_the_form(area: Area, client_for, contact: Contact):
    child = contact.concern.involvements.get(role="child").person
    client = client_for(area.mash)
    response = client.post(
        reverse("pathway:new-event", args=[child.pk]),
        {
            "event_type": "strategy-discussion",
            "occurred_on_0": "15",
            "occurred_on_1": "12",
            "occurred_on_2": "2025",
            "outcome": "s47",
            "notes": "Police and health attended.",
        },
    )
    assert response.status_code == 302
    assert PathwayEvent.objects.filter(person=child).count() == 1
    assert Clock.objects.filter(person=child, clock_type=ClockType.INITIAL_CONFERENCE).exists()
    missing = client.post(
        reverse("pathway:new-event", args=[child.pk]),
        {
            "event_type": "initial-conference",
            "occurred_on_0": "7",
            "occurred_on_1": "1",
            "occurred_on_2": "2026",
        },
    )
    assert "Choose the outcome" in missing.content.decode()


def test_team_manager_sets_a_local_limit_and_open_clocks_follow(
    area: Area, client_for, contact: Contact
):
    from safeguarding.clocks.calendar import add_working_days

    client = client_for(area.manager)
    page = client.get(reverse("clocks:limits")).content.decode()
    assert "Referral decision" in page
    response = client.post(
        reverse("clocks:limits"),
        {"clock_type": "referral-decision", "amount": "0", "unit": "working-days"},
    )
    assert "1 open deadline recalculated" in response.content.decode()
    clock = Clock.objects.get(subject=contact.subject)
    assert clock.due_on == add_working_days(clock.started_on, 0)
    bad = client.post(
        reverse("clocks:limits"),
        {"clock_type": "referral-decision", "amount": "lots", "unit": "weeks"},
    )
    assert "Enter the limit as a whole number" in bad.content.decode()
    assert client_for(area.mash).get(reverse("clocks:limits")).status_code == 403
