"""Joint inspections of a local authority area by the inspectorates (in the manner of a
joint targeted area inspection), their findings, and the actions that follow."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone


class Inspection(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    # The local authority whose area is inspected, with its partner agencies.
    area = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    inspectorates = models.ManyToManyField("access.Agency", related_name="inspections")
    # Inspectors of the inspectorates taking part, fixed when the inspection is scheduled.
    inspectors = models.ManyToManyField("access.User", related_name="inspections")
    # The inspection's window: the team sees the area's records on these days only.
    starts_on = models.DateField()
    ends_on = models.DateField()
    # The data pack covers the area's work from this day.
    data_from = models.DateField()
    scheduled_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-starts_on",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="inspection_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(data_from__lte=models.F("starts_on")),
                name="inspection_data_before_start",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area for improvement"
    PRIORITY = "priority", "Area for priority action"


class Finding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    # Findings describe practice, never a named child.
    text = models.TextField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("recorded_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"


class InspectionAction(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    # A member of staff of one of the inspected agencies.
    owner = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_on", "created_at")
        indexes = (
            models.Index(
                fields=("due_on",),
                condition=~models.Q(status="done"),
                name="inspection_action_due_idx",
            ),
            models.Index(fields=("owner", "status"), name="inspection_action_owner_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(status="done", completed_on__isnull=False)
                | (~models.Q(status="done") & models.Q(completed_on__isnull=True)),
                name="inspection_action_done_has_date",
            ),
        )

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.is_done and self.due_on < (today or timezone.localdate())


class ActionUpdate(models.Model):
    """One step in an action's progress: its new status and what was done."""

    action = models.ForeignKey(InspectionAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("updated_at",)

    def __str__(self) -> str:
        return f"{self.action_id} {self.status}"
