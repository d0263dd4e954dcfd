"""Notifications worth reading: messages of one kind join while unread (a network's alerts,
a day's missed deadlines), the home page counts every unread one, the list is paged, and
marking all as read says what it did."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguarding.clocks.actions import escalate_clocks, start_clock
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.notifications.actions import Digest, Message, notify_each, notify_users
from safeguarding.notifications.models import EmailStatus, Notification
from tests.factories import Area

pytestmark = pytest.mark.django_db

DIGEST = Digest(
    key="things",
    subject="{count} things happened",
    body="{count} things happened to records you hold.",
    link="/things/",
)


def _thing(area: Area, number: int) -> Message:
    return Message([area.manager], f"Thing {number}", "A thing happened.", f"/t/{number}/", DIGEST)


def test_one_message_of_a_kind_is_itself(area: Area):
    notify_each([_thing(area, 1)])
    (only,) = Notification.objects.filter(recipient=area.manager)
    assert (only.subject, only.link, only.count) == ("Thing 1", "/t/1/", 1)
    assert only.group_key == "things"


def test_messages_of_a_kind_join_while_unread(area: Area):
    notify_each([_thing(area, 1)])
    first = Notification.objects.get(recipient=area.manager)
    assert first.email_status == EmailStatus.PENDING  # the manager has an email address
    notify_each([_thing(area, 2), _thing(area, 3)])
    (joined,) = Notification.objects.filter(recipient=area.manager)
    assert joined.pk == first.pk
    assert (joined.subject, joined.body, joined.link, joined.count) == (
        "3 things happened",
        "3 things happened to records you hold.",
        "/things/",
        3,
    )
    # Read, the next one starts afresh; other kinds and other people are apart.
    Notification.objects.update(read_at=first.created_at)
    notify_each([_thing(area, 4)])
    notify_users([area.manager], subject="Other", body="Other.")
    notify_users([area.mash], subject="Thing 5", body="A thing.", digest=DIGEST)
    assert Notification.objects.filter(recipient=area.manager, read_at__isnull=True).count() == 2
    assert Notification.objects.get(recipient=area.mash).subject == "Thing 5"


def test_a_days_missed_deadlines_are_one_notification_each(area: Area):
    area.practitioner.manager = area.manager
    area.practitioner.save()
    for number in range(3):
        start_clock(
            clock_type=ClockType.REFERRAL_DECISION,
            authority=area.council,
            subject=f"test:{number}",
            started_on=date(2026, 12, 14),
            accountable=area.practitioner,
        )
    assert escalate_clocks(today=date(2026, 12, 17)).escalated == 3
    for user in (area.practitioner, area.manager):
        (missed,) = Notification.objects.filter(recipient=user, subject__startswith="Missed")
        assert missed.subject == "Missed: 3 deadlines passed without being met"
        assert (missed.count, missed.link) == (3, "/clocks/")


def test_a_days_reminders_of_deadlines_due_are_one_notification(area: Area):
    for number in range(3):
        start_clock(
            clock_type=ClockType.REFERRAL_DECISION,
            authority=area.council,
            subject=f"test:{number}",
            started_on=date(2026, 12, 14),
            accountable=area.practitioner,
        )
    due_on = Clock.objects.filter(accountable=area.practitioner).values_list("due_on", flat=True)
    (due,) = set(due_on)
    assert escalate_clocks(today=due).reminded == 3
    (reminder,) = Notification.objects.filter(recipient=area.practitioner)
    assert reminder.subject == "Due soon: 3 deadlines you are accountable for"
    assert (reminder.count, reminder.link) == (3, "/clocks/")


def test_home_counts_every_unread_notification(area: Area, client_for):
    for number in range(7):
        notify_users([area.practitioner], subject=f"Note {number}", body="Something.")
    page = client_for(area.practitioner).get("/").content.decode()
    assert "You have 7 unread notifications." in page
    assert "Note 6" in page  # the newest are named
    assert "Note 0" not in page


def test_the_list_is_paged(area: Area, client_for):
    for number in range(30):
        notify_users([area.practitioner], subject=f"Note {number:02}", body="Something.")
    client = client_for(area.practitioner)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count("govuk-heading-s") == 25
    assert "30 unread, 30 in all." in first
    assert "?page=2" in first
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert second.count("govuk-heading-s") == 5
    assert "Note 00" in second
    nonsense = client.get(reverse("notifications:list"), {"page": "many"})
    assert nonsense.status_code == 200


def test_mark_all_read_says_what_it_did(area: Area, client_for):
    for number in range(3):
        notify_users([area.practitioner], subject=f"Note {number}", body="Something.")
    notify_users([area.mash], subject="Not yours", body="Something.")
    client = client_for(area.practitioner)
    response = client.post(reverse("notifications:mark-read"), follow=True)
    page = response.content.decode()
    assert "3 notifications marked as read." in page
    assert "govuk-notification-banner--success" in page
    assert not Notification.objects.filter(recipient=area.practitioner, read_at=None).exists()
    assert Notification.objects.filter(recipient=area.mash, read_at=None).exists()
    assert "Mark all as read" not in client.get(reverse("notifications:list")).content.decode()
