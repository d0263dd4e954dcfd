"""Messages to staff, shown on their home page and sent by email."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        "access.User", on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    # Bodies say what happened and link to the record; they never carry a name, since
    # they also leave the system by email.
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("recipient", "read_at"), name="notification_unread_idx"),)

    def __str__(self) -> str:
        return self.subject
