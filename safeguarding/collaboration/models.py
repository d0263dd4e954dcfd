"""Requests between police forces: one force asks another to act on, or share what it holds
about, a person or a vehicle, by a deadline."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class SubjectKind(models.TextChoices):
    PERSON = "person", "A person"
    VEHICLE = "vehicle", "A vehicle"


class Ask(models.TextChoices):
    SHARE = "share", "Share what you hold"
    ACT = "act", "Take action"
    BOTH = "both", "Share what you hold and take action"


class Urgency(models.TextChoices):
    URGENT = "urgent", "Urgent: a response by the next working day"
    ROUTINE = "routine", "Routine: a response within 5 working days"


class Status(models.TextChoices):
    REQUESTED = "requested", "Waiting for a response"
    ACCEPTED = "accepted", "Accepted"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


class Outcome(models.TextChoices):
    ACTION_TAKEN = "action-taken", "Action taken"
    INFORMATION_USED = "information-used", "Information used in the investigation"
    NOTHING_HELD = "nothing-held", "The other force held nothing of use"
    NO_FURTHER_ACTION = "no-further-action", "No further action"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CollaborationRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    from_force = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    to_force = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    subject_kind = models.CharField(max_length=8, choices=SubjectKind.choices)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collaboration_requests",
    )
    vehicle_registration = models.CharField(max_length=8, blank=True)
    ask = models.CharField(max_length=8, choices=Ask.choices)
    details = models.TextField()
    urgency = models.CharField(max_length=8, choices=Urgency.choices)
    # The response clock, run on the receiving force: met when it answers or declines.
    clock = models.OneToOneField("clocks.Clock", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    responded_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # When both forces were told that the response is overdue (once per request).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at",)
        indexes = (
            models.Index(fields=("to_force", "status", "requested_at"), name="collab_inbox_idx"),
            models.Index(fields=("from_force", "requested_at"), name="collab_outbox_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(subject_kind="person", person__isnull=False)
                    | models.Q(subject_kind="vehicle", person__isnull=True)
                    & ~models.Q(vehicle_registration="")
                ),
                name="collab_names_its_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_force=models.F("to_force")),
                name="collab_between_two_forces",
            ),
        )

    def __str__(self) -> str:
        return f"request {self.pk}"

    @property
    def subject(self) -> str:
        return f"collaboration:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.COMPLETED

    @property
    def awaits_response(self) -> bool:
        return self.status == Status.REQUESTED

    @property
    def awaits_answer(self) -> bool:
        return self.status == Status.ACCEPTED

    @property
    def awaits_outcome(self) -> bool:
        return self.status in (Status.ANSWERED, Status.DECLINED)
