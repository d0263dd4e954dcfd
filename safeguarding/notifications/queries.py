"""Reads of a member of staff's own notifications: only ever the signed-in user's."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from safeguarding.access.models import User
from safeguarding.notifications.models import Notification

PAGE_SIZE = 25
# The home page's banner names the newest few and counts the rest.
BANNER_SIZE = 5


def unread_summary(user: User) -> tuple[int, list[Notification]]:
    """How many of ``user``'s notifications are unread, and the newest few of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread.count(), list(unread.order_by("-created_at", "-pk")[:BANNER_SIZE])


def notifications_page(user: User, number: str | int | None) -> Page[Notification]:
    """One page of ``user``'s notifications, newest first; a page number that is not one
    gives the nearest page."""
    mine = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    return Paginator(mine, PAGE_SIZE).get_page(number)
