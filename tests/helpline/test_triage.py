"""Slice 3: helpline staff triage, replies, the urgent path, referrals, exclusions, clocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.helpline import actions
from safeguarding.helpline.models import KnownAs, Report, RoutedReferral, Status
from safeguarding.notifications.models import Notification
from tests.factories import PASSWORD, Area, make_user
from tests.helpline.conftest import Helpline, details

ClientFor = Callable[[User], Client]


def _unlocked_client(client_for: ClientFor, user: User) -> Client:
    client = client_for(user)
    response = client.post("/helpline/staff/unlock/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["helpline_unlock"]["path"] == "/helpline/"
    return client


def _report(area: Area, **overrides: object) -> Report:
    # Received yesterday: a report is taken in (its clocks started) from the next day.
    yesterday = timezone.localdate() - timedelta(days=1)
    return actions.submit_report(details(area, **overrides), today=yesterday).report


def test_only_helpline_staff_reach_the_queue(helpline: Helpline, area: Area, client_for: ClientFor):
    assert client_for(area.mash).get("/helpline/staff/").status_code == 403
    stranger = make_user(Role.HELPLINE_STAFF, area.council, username="not-at-a-helpline")
    assert client_for(stranger).get("/helpline/staff/").status_code == 403
    assert client_for(helpline.caseworker).get("/helpline/staff/").status_code == 200


def test_clocks_start_from_the_day_received_when_the_queue_is_opened(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = actions.submit_report(details(area), today=date(2026, 3, 2)).report
    assert not Clock.objects.exists()  # nothing is dated by the submission itself
    client_for(helpline.caseworker).get("/helpline/staff/")
    ack = Clock.objects.get(
        subject=report.subject, clock_type=ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT
    )
    feedback = Clock.objects.get(
        subject=report.subject, clock_type=ClockType.WHISTLEBLOWING_FEEDBACK
    )
    assert (ack.started_on, ack.due_on) == (date(2026, 3, 2), date(2026, 3, 9))
    assert feedback.due_on == date(2026, 6, 2)
    assert AuditEntry.objects.filter(verb="helpline-reports-received").count() == 1
    # Idempotent.
    assert actions.start_pending_clocks(actor=None) == 0


def test_staff_read_reply_and_the_reply_acknowledges(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = _report(area)
    actions.start_pending_clocks(actor=None)
    client = _unlocked_client(client_for, helpline.caseworker)
    page = client.get(f"/helpline/staff/reports/{report.pk}/")
    assert "shredded the disclosure log" in page.content.decode()
    response = client.post(
        f"/helpline/staff/reports/{report.pk}/reply/",
        {"text": "We have received your report and a caseworker is looking at it"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED
    ack = Clock.objects.get(
        subject=report.subject, clock_type=ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT
    )
    assert ack.met_on is not None


def test_a_reply_loaded_from_history_keeps_its_day(helpline: Helpline, area: Area):
    report = actions.submit_report(details(area), today=date(2026, 3, 2)).report
    actions.start_pending_clocks(actor=None)
    private = actions.unlock_staff_key(actor=helpline.caseworker, password=PASSWORD)
    opened = actions.open_report(actor=helpline.caseworker, report=report, private_key=private)
    with pytest.raises(ValidationError) as error:
        actions.send_reply(
            actor=helpline.caseworker, opened=opened, text="Early", sent_on=date(2026, 3, 1)
        )
    assert "sent_on" in error.value.message_dict
    actions.send_reply(
        actor=helpline.caseworker,
        opened=opened,
        text="Thank you: we are looking into it",
        sent_on=date(2026, 3, 10),
    )
    ack = Clock.objects.get(
        subject=report.subject, clock_type=ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT
    )
    assert (ack.met_on, ack.state().value) == (date(2026, 3, 10), "met-late")
    report.refresh_from_db()
    assert report.acknowledged_on == date(2026, 3, 10)


def test_without_unlocking_the_report_is_not_shown(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = _report(area)
    page = client_for(helpline.caseworker).get(f"/helpline/staff/reports/{report.pk}/")
    assert page.status_code == 200
    assert "shredded" not in page.content.decode()
    assert "Unlock your helpline key" in page.content.decode()
    reply = client_for(helpline.caseworker).post(
        f"/helpline/staff/reports/{report.pk}/reply/", {"text": "Hello"}
    )
    assert reply.status_code == 403


def test_categorise_and_feedback_extension_needs_a_reason(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = _report(area)
    actions.start_pending_clocks(actor=None)
    client = client_for(helpline.caseworker)
    client.post(
        f"/helpline/staff/reports/{report.pk}/categorise/", {"category": "falsified-records"}
    )
    report.refresh_from_db()
    assert report.category == "falsified-records"
    short = client.post(f"/helpline/staff/reports/{report.pk}/extend/", {"reason": "busy"})
    assert short.status_code == 400
    client.post(
        f"/helpline/staff/reports/{report.pk}/extend/",
        {"reason": "Police investigation under way; the force asked us to wait"},
    )
    feedback = Clock.objects.get(
        subject=report.subject, clock_type=ClockType.WHISTLEBLOWING_FEEDBACK
    )
    assert (feedback.due_on.year, feedback.due_on.month) == (
        report.received_on.year + (report.received_on.month + 6 - 1) // 12,
        (report.received_on.month + 6 - 1) % 12 + 1,
    )
    assert feedback.delay_reason.startswith("Police investigation")


def test_child_in_danger_tells_the_areas_mash_and_police_but_never_named_agencies(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = _report(area, named_agencies=[area.police])
    client = client_for(helpline.caseworker)
    response = client.post(
        f"/helpline/staff/reports/{report.pk}/danger/",
        {"summary": "A pupil at the school is being hurt at home tonight"},
    )
    assert response.status_code == 302
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "mash" in told
    assert "police" not in told  # the force is named in the report
    assert "other-mash" not in told
    assert Report.objects.get(pk=report.pk).child_in_danger


def test_routing_a_redacted_referral(helpline: Helpline, area: Area, client_for: ClientFor):
    report = _report(
        area,
        known_as=KnownAs.OPEN,
        name="Ada Whistler",
        contact="ada@example.org",
        who="Mr Bramble",
    )
    client = _unlocked_client(client_for, helpline.caseworker)
    url = f"/helpline/staff/reports/{report.pk}/route/"
    # Never to a named agency, and never the identity without consent.
    refused = client.post(
        url,
        {
            "to_agency": area.school.pk,
            "shared_fields": ["what_happened"],
            "legal_basis": "public-task-safeguarding",
            "include_identity": "on",
        },
    )
    assert refused.status_code == 400
    assert not RoutedReferral.objects.exists()
    sent = client.post(
        url,
        {
            "to_agency": area.council.pk,
            "shared_fields": ["what_happened", "when"],
            "legal_basis": "public-task-safeguarding",
        },
    )
    assert sent.status_code == 302
    referral = RoutedReferral.objects.get()
    assert referral.fields_shared == ["what_happened", "when"]
    assert "shredded" not in referral.content  # encrypted with the field key
    text = actions.referral_text(referral)
    assert "shredded the disclosure log" in text
    assert "Ada" not in text
    assert "Mr Bramble" not in text  # "who" was not chosen
    page = client_for(area.mash).get(f"/helpline/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "shredded the disclosure log" in page.content.decode()
    assert client_for(area.dsl).get(f"/helpline/referrals/{referral.pk}/").status_code == 404
    entry = AuditEntry.objects.filter(verb="helpline-referral-routed").get()
    assert entry.legal_basis == "public-task-safeguarding"


def test_identity_is_shared_only_with_consent(helpline: Helpline, area: Area):
    report = _report(area, known_as=KnownAs.OPEN, name="Ada Whistler", contact="ada@example.org")
    opened = actions.open_report(
        actor=helpline.caseworker,
        report=report,
        private_key=actions.unlock_staff_key(actor=helpline.caseworker, password=PASSWORD),
    )
    referral = actions.route_referral(
        actor=helpline.caseworker,
        opened=opened,
        to_agency=area.police,
        fields=["what_happened"],
        legal_basis="law-enforcement",
        include_identity=True,
        reporter_consented=True,
    )
    assert "Ada Whistler" in actions.referral_text(referral)


@pytest.mark.parametrize("where", ["list", "page", "search"])
def test_excluded_staff_never_see_the_report(
    helpline: Helpline, area: Area, client_for: ClientFor, where: str
):
    report = _report(area)
    client = client_for(helpline.colleague)
    report.excluded_users.add(helpline.colleague)
    if where == "list":
        body = client.get("/helpline/staff/").content.decode()
        assert report.reference not in body
    elif where == "page":
        assert client.get(f"/helpline/staff/reports/{report.pk}/").status_code == 404
    else:
        found = client.get("/helpline/staff/", {"reference": report.reference}).content.decode()
        assert "No report you can see has that reference." in found
        quarantined = client.get("/helpline/staff/quarantine/").content.decode()
        assert report.reference not in quarantined


def test_search_by_reference(helpline: Helpline, area: Area, client_for: ClientFor):
    report = _report(area)
    other = _report(area)
    body = (
        client_for(helpline.caseworker)
        .get("/helpline/staff/", {"reference": report.reference.lower()})
        .content.decode()
    )
    assert report.reference in body
    assert other.reference not in body


def test_a_new_password_rewraps_the_staff_key(helpline: Helpline, area: Area):
    report = _report(area)
    actions.rewrap_staff_key(
        user=helpline.caseworker, old_password=PASSWORD, new_password="a brand new passphrase"
    )
    helpline.caseworker.set_password("a brand new passphrase")
    helpline.caseworker.save()
    private = actions.unlock_staff_key(actor=helpline.caseworker, password="a brand new passphrase")
    opened = actions.open_report(actor=helpline.caseworker, report=report, private_key=private)
    assert "shredded" in opened.content()["what_happened"]
