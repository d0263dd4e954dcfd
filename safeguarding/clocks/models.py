"""Clocks: a statutory or local time limit running on a piece of work."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from safeguarding.clocks.calendar import previous_working_day
from safeguarding.clocks.rules import ClockType, Unit
from safeguarding.vocabulary import VocabularyField


class ClockState(models.TextChoices):
    DUE = "due", "Due"
    DUE_SOON = "due-soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    MET = "met", "Met"
    MET_LATE = "met-late", "Met late"
    CANCELLED = "cancelled", "Stopped"


class ClockLimit(models.Model):
    """A local authority's own limit for one clock type, replacing the default."""

    authority = models.ForeignKey(
        "access.Agency", on_delete=models.CASCADE, related_name="clock_limits"
    )
    clock_type = VocabularyField(max_length=32, choices=ClockType.choices)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=Unit.choices)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("authority", "clock_type"), name="one_limit_per_authority_and_clock"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="limit_not_negative"),
        )

    def __str__(self) -> str:
        return f"{self.authority_id} {self.clock_type}: {self.amount} {self.unit}"


class Clock(models.Model):
    clock_type = VocabularyField(max_length=32, choices=ClockType.choices)
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="clocks"
    )
    # What the clock runs on, as "kind:id" (a concern, a referral, an enquiry...).
    subject = models.CharField(max_length=80)
    started_on = models.DateField()
    due_on = models.DateField()
    accountable = models.ForeignKey(
        "access.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountable_clocks",
    )
    met_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    delay_reason = models.TextField(blank=True)

    class Meta:
        indexes = (
            models.Index(
                fields=("authority", "clock_type", "started_on"),
                condition=models.Q(met_on__isnull=True, cancelled_on__isnull=True),
                name="open_clock_recompute_idx",
            ),
            models.Index(
                fields=("accountable", "due_on"),
                condition=models.Q(met_on__isnull=True, cancelled_on__isnull=True),
                name="open_clock_worker_idx",
            ),
            models.Index(fields=("subject",), name="clock_subject_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("started_on")), name="clock_due_after_start"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_clock_type_display()} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None and self.cancelled_on is None

    def state(self, today: date | None = None) -> ClockState:
        today = today or timezone.localdate()
        if self.cancelled_on is not None:
            return ClockState.CANCELLED
        if self.met_on is not None:
            return ClockState.MET if self.met_on <= self.due_on else ClockState.MET_LATE
        if today > self.due_on:
            return ClockState.OVERDUE
        if today >= previous_working_day(self.due_on):
            return ClockState.DUE_SOON
        return ClockState.DUE
