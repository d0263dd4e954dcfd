"""Messages to staff, shown on their home page and sent by email."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    NOT_NEEDED = "not-needed", "No email address"
    PENDING = "pending", "To be emailed"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Email failed"


class Notification(models.Model):
    recipient = models.ForeignKey(
        "access.User", on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    # Bodies say what happened and link to the record; they never carry a name, since
    # they also leave the system by email.
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    # Notifications of one kind that arrive while the last is unread join it instead of
    # adding another (a network's changes, a day's missed deadlines): the key says which
    # join, and the count how many it stands for.
    group_key = models.CharField(max_length=120, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The email outbox: a notification is saved with the change that caused it, and its
    # email is sent after the commit, or by the worker if the process died first.
    email_status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.NOT_NEEDED
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set by whoever is sending it, so that two senders never send the same email at once.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (
            models.Index(fields=("recipient", "read_at"), name="notification_unread_idx"),
            models.Index(
                fields=("recipient", "group_key"),
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notification_group_idx",
            ),
            models.Index(
                fields=("email_status", "created_at"),
                condition=models.Q(email_status="pending"),
                name="notification_outbox_idx",
            ),
        )

    def __str__(self) -> str:
        return self.subject
