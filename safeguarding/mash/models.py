"""The multi-agency safeguarding hub's front door: every concern sent to an authority is a
contact awaiting a threshold decision, due within one working day."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    UNRATED = "unrated", "Not yet rated"


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    EARLY_HELP = "early-help", "Early help"
    ASSESSMENT = "assessment", "Child and family assessment"
    STRATEGY_DISCUSSION = "strategy-discussion", "Strategy discussion"
    IMMEDIATE_PROTECTION = "immediate-protection", "Immediate protection"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.OneToOneField(
        "concerns.Concern", on_delete=models.PROTECT, related_name="contact"
    )
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.UNRATED)
    # Copied from the concern when the contact opens: the queue puts these first.
    immediate_risk = models.BooleanField(default=False)
    allocated_to = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            models.Index(
                fields=("authority", "received_at"),
                condition=models.Q(decision=""),
                name="contact_queue_idx",
            ),
            # The queue page's "recently decided" list.
            models.Index(
                fields=("authority", "-decided_at"),
                condition=~models.Q(decision=""),
                name="contact_decided_idx",
            ),
        )

    def __str__(self) -> str:
        return f"contact {self.pk}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    @property
    def subject(self) -> str:
        return self.subject_of(self.pk)

    @staticmethod
    def subject_of(contact_id: object) -> str:
        """What the clocks of the contact ``contact_id`` run on."""
        return f"contact:{contact_id}"


class InformationRequest(models.Model):
    """The MASH asks a partner agency what it holds about the child, by a deadline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="requests")
    to_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            models.Index(fields=("to_agency", "answered_at"), name="info_request_inbox_idx"),
        )

    def __str__(self) -> str:
        return f"request to {self.to_agency_id}"

    @property
    def subject(self) -> str:
        return f"information-request:{self.pk}"
