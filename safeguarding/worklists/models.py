"""Receipts of hand-offs: when something sent to another agency arrived, was opened by
someone there who can act on it, was acted on, and whether it was escalated because
nobody opened it in time. One row for each agency a hand-off went to."""

from __future__ import annotations

import uuid

from django.db import models

from safeguarding.access.models import Agency, User


class Receipt(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The hand-off kind (worklists.handoffs) and the primary key of the item sent.
    kind = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    # No sending agency when the service itself sends (a network alert).
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the action was, in words the sender may read ("Decision: early help").
    action = models.CharField(max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item_id", "to_agency"], name="one_receipt_per_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["sent_at"],
                name="receipt_unreceived",
                condition=models.Q(received_at__isnull=True, escalated_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} to {self.to_agency_id}"
