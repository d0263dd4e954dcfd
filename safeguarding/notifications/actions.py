"""Telling staff that something needs them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A sender that has held an email this long has died; another may take it.
CLAIM_TIMEOUT = timedelta(minutes=10)
# The worker leaves an email this long to the process that made it.
SEND_GRACE = timedelta(minutes=1)
OUTBOX_BATCH = 1_000


@dataclass(frozen=True)
class Digest:
    """How messages of one kind join while the last is unread: one notification says how
    many there are (``subject`` and ``body`` take ``{count}``) and links to where they are
    all listed. ``key`` names the kind, for example a day's missed deadlines."""

    key: str
    subject: str
    body: str
    link: str


@dataclass(frozen=True)
class Message:
    """One notification, for each of its recipients. With a digest, it joins the
    recipient's unread notification of the same kind, if there is one."""

    recipients: Sequence[User]
    subject: str
    body: str
    link: str = ""
    digest: Digest | None = None


def notify_each(messages: Sequence[Message]) -> int:
    """Create each message's notification for each of its active recipients, in the
    caller's transaction and one statement; each one with an email address is emailed
    once the transaction commits (or by the worker's outbox pass, if the process dies
    first). Messages with a digest join, per recipient, each other and the recipient's
    unread notification of the same kind, which is emailed only when first made. Returns
    the number of notifications made."""
    plain: list[Notification] = []
    grouped: dict[tuple[int, str], list[Message]] = {}
    users: dict[int, User] = {}
    for message in messages:
        for user in message.recipients:
            if not user.is_active:
                continue
            if message.digest is None:
                plain.append(_notification(user, message.subject, message.body, message.link))
            else:
                users[user.pk] = user
                grouped.setdefault((user.pk, message.digest.key), []).append(message)
    made = plain + _join_digests(grouped, users)
    created = Notification.objects.bulk_create(made, batch_size=OUTBOX_BATCH)
    pending = [n.pk for n in created if n.email_status == EmailStatus.PENDING]
    if pending and all(pk is not None for pk in pending):
        transaction.on_commit(lambda: send_emails(pending))
    return len(created)


def _notification(user: User, subject: str, body: str, link: str, **extra: object) -> Notification:
    return Notification(
        recipient=user,
        subject=subject[:200],
        body=body,
        link=link[:200],
        email_status=EmailStatus.PENDING if user.email else EmailStatus.NOT_NEEDED,
        **extra,
    )


def _join_digests(
    grouped: dict[tuple[int, str], list[Message]], users: dict[int, User]
) -> list[Notification]:
    """Update each recipient's unread notification of a kind with the messages that join
    it; the notifications to make for kinds that have none."""
    if not grouped:
        return []
    unread = {
        (n.recipient_id, n.group_key): n
        for n in Notification.objects.select_for_update().filter(
            recipient_id__in={user for user, _ in grouped},
            group_key__in={key for _, key in grouped},
            read_at__isnull=True,
        )
    }
    made: list[Notification] = []
    now = timezone.now()
    for (user_id, key), joining in grouped.items():
        existing = unread.get((user_id, key))
        count = len(joining) + (existing.count if existing else 0)
        digest = joining[-1].digest
        assert digest is not None
        if count == 1:
            only = joining[0]
            subject, body, link = only.subject, only.body, only.link
        else:
            subject = digest.subject.format(count=count)
            body, link = digest.body.format(count=count), digest.link
        if existing is None:
            made.append(
                _notification(users[user_id], subject, body, link, group_key=key, count=count)
            )
        else:
            # Moved to the top, and not emailed again: the first email said there was news.
            Notification.objects.filter(pk=existing.pk).update(
                subject=subject[:200], body=body, link=link[:200], count=count, created_at=now
            )
    return made


def notify_users(
    recipients: Iterable[User],
    *,
    subject: str,
    body: str,
    link: str = "",
    digest: Digest | None = None,
) -> int:
    """Notify each of ``recipients``: a batch of one message."""
    return notify_each([Message(list(recipients), subject, body, link, digest)])


def _claim(notification_id: int, now: datetime) -> bool:
    """Take one pending email to send: true for exactly one sender at a time (a claim
    older than CLAIM_TIMEOUT is a sender that died, and is taken over)."""
    return bool(
        Notification.objects.filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
            pk=notification_id,
            email_status=EmailStatus.PENDING,
        ).update(email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    )


def send_emails(notification_ids: Iterable[int | None]) -> int:
    """Send the pending emails of these notifications, one email per recipient; the number
    sent. Email is a second channel: the notification on the home page is already saved,
    so a mail server failure is logged (without addresses or content) and retried by the
    worker, up to MAX_ATTEMPTS times."""
    return sum(_send_one(notification_id) for notification_id in notification_ids)


def _send_one(notification_id: int | None) -> int:
    if notification_id is None or not _claim(notification_id, timezone.now()):
        return 0
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(
            subject=f"{settings.SERVICE_NAME}: {notification.subject}",
            message=f"{notification.body}\n\nSign in to {settings.SERVICE_NAME} to see more.",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        failed = notification.email_attempts >= MAX_ATTEMPTS
        logger.warning(
            "notification email failed (attempt %d%s)",
            notification.email_attempts,
            ", giving up" if failed else "",
            exc_info=True,
        )
        Notification.objects.filter(pk=notification_id).update(
            email_claimed_at=None,
            email_status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
        )
        return 0
    Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.SENT)
    return 1


def send_pending_emails(*, now: datetime | None = None) -> int:
    """The worker's outbox pass: every email still pending a while after its notification
    was made (its sender died, or the mail server failed), oldest first."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        email_status=EmailStatus.PENDING, created_at__lt=now - SEND_GRACE
    ).order_by("created_at")
    return send_emails(list(waiting.values_list("pk", flat=True)[:OUTBOX_BATCH]))


def mark_read(*, actor: User, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        recipient=actor, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_all_read(*, actor: User) -> int:
    """Every unread notification of ``actor``, read now; how many there were."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
