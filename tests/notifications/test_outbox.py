"""Notification emails go out once each, after the commit that made them, and none is lost
if the process dies first: the worker's outbox pass sends what is left, retrying a failing
mail server a few times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from safeguarding.notifications import actions
from safeguarding.notifications.actions import notify_users, send_emails, send_pending_emails
from safeguarding.notifications.models import EmailStatus, Notification
from safeguarding.scheduled import run_pass
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture(autouse=True)
def _both_have_addresses(area: Area) -> None:
    area.practitioner.email = "practitioner@testshire.example"
    area.practitioner.save(update_fields=["email"])


def _notify(area: Area) -> None:
    notify_users(
        [area.manager, area.practitioner],
        subject="A clock is overdue",
        body="Open your deadlines to see it.",
    )


def test_each_recipient_with_an_address_gets_one_email_after_the_commit(
    area: Area, django_capture_on_commit_callbacks
):
    area.practitioner.email = ""
    area.practitioner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(area)
    assert [message.to for message in mail.outbox] == [[area.manager.email]]
    statuses = dict(Notification.objects.values_list("recipient__username", "email_status"))
    assert statuses == {"manager": EmailStatus.SENT, "practitioner": EmailStatus.NOT_NEEDED}
    # Nothing is left for the worker, and a second pass sends nothing again.
    later = timezone.now() + timedelta(hours=1)
    assert send_pending_emails(now=later) == 0
    assert len(mail.outbox) == 1


def test_an_email_lost_with_its_process_is_sent_by_the_worker_once(
    area: Area, django_capture_on_commit_callbacks
):
    # The process dies after the commit, before its callbacks run: nothing is emailed.
    with django_capture_on_commit_callbacks(execute=False):
        _notify(area)
    assert mail.outbox == []
    # The worker leaves fresh notifications to their own process for a minute.
    assert send_pending_emails() == 0
    later = timezone.now() + actions.SEND_GRACE + timedelta(seconds=1)
    assert send_pending_emails(now=later) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [area.manager.email, area.practitioner.email]
    )
    assert send_pending_emails(now=later) == 0
    assert len(mail.outbox) == 2


def test_a_worker_pass_includes_the_outbox(area: Area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _notify(area)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    result = run_pass()
    assert result.counts["email(s) from the outbox"] == 2
    assert len(mail.outbox) == 2


def test_two_senders_never_send_the_same_email(area: Area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _notify(area)
    first = Notification.objects.order_by("pk").first()
    assert first is not None
    # One sender has claimed it and is sending; another arrives.
    Notification.objects.filter(pk=first.pk).update(email_claimed_at=timezone.now())
    assert send_emails([first.pk]) == 0
    assert mail.outbox == []
    # A claim older than the timeout is a sender that died: it is taken over.
    Notification.objects.filter(pk=first.pk).update(
        email_claimed_at=timezone.now() - actions.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert send_emails([first.pk]) == 1
    assert len(mail.outbox) == 1


class _RefusingBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_failing_mail_server_is_retried_then_given_up_on(
    area: Area, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}._RefusingBackend"}}
    area.practitioner.email = ""
    area.practitioner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(area)  # the commit's own attempt fails, and the notification stays pending
    notification = Notification.objects.get(recipient=area.manager)
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.PENDING, 1)
    later = timezone.now() + timedelta(hours=1)
    for _ in range(actions.MAX_ATTEMPTS + 2):
        send_pending_emails(now=later)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == actions.MAX_ATTEMPTS
    # The log says what failed, never to whom or what it said.
    assert area.manager.email not in caplog.text
    assert "A clock is overdue" not in caplog.text
