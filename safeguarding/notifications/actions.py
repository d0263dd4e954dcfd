"""Telling staff that something needs them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify_users(recipients: Iterable[User], *, subject: str, body: str, link: str = "") -> int:
    """Create a notification for each recipient and email them once the transaction commits."""
    users = [user for user in recipients if user.is_active]
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, link=link) for user in users
    )
    addresses = [user.email for user in users if user.email]
    if addresses:
        transaction.on_commit(lambda: _send_email(subject, body, addresses))
    return len(users)


def _send_email(subject: str, body: str, addresses: list[str]) -> None:
    """Email is a second channel: the notification on the home page is already saved, so a
    mail server failure is logged (without addresses or content) rather than raised."""
    try:
        send_mail(
            subject=f"{settings.SERVICE_NAME}: {subject}",
            message=f"{body}\n\nSign in to {settings.SERVICE_NAME} to see more.",
            from_email=None,
            recipient_list=addresses,
        )
    except Exception:
        logger.warning(
            "notification email to %d recipient(s) failed", len(addresses), exc_info=True
        )


def mark_read(*, actor: User, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        recipient=actor, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())
