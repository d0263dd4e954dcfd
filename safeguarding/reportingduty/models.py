"""The duty to report child sexual abuse (Crime and Policing Act 2026): who was told of, or
saw, abuse, when, and whether and when they told the police or the local authority."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone

from safeguarding.access.roles import Role


class HowKnown(models.TextChoices):
    TOLD_BY_CHILD = "told-by-child", "The child told them"
    TOLD_BY_PERPETRATOR = "told-by-perpetrator", "The person who did it told them"
    WITNESSED = "witnessed", "They saw it happen"


class AbuseReport(models.Model):
    """A duty-to-report record, opened when someone under the duty records a concern of
    child sexual abuse or exploitation. Its clock runs until the police or the local
    authority is notified."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.OneToOneField(
        "concerns.Concern", on_delete=models.PROTECT, related_name="abuse_report"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # Who knew: the member of staff under the duty, their agency and role at the time.
    reporter = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, related_name="abuse_reports"
    )
    reporter_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    reporter_role = models.CharField(max_length=32)
    # The children's services authority for the child's area (the concern's).
    local_authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    # When they knew: the date of the concern.
    aware_on = models.DateField()
    how_known = models.CharField(max_length=24, choices=HowKnown.choices, blank=True)
    others_aware = models.TextField(blank=True)
    clock = models.OneToOneField("clocks.Clock", on_delete=models.PROTECT, related_name="+")
    # Reporting at once would have endangered the child: the reason, and the later date
    # (at most 7 days after aware_on) by which the report is then due.
    delay_reason = models.TextField(blank=True)
    delayed_until = models.DateField(null=True, blank=True)
    first_notified_on = models.DateField(null=True, blank=True)
    deadline_missed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-aware_on", "-opened_at")
        indexes = (
            models.Index(fields=("reporter", "aware_on"), name="abuse_report_reporter_idx"),
            models.Index(fields=("reporter_agency", "aware_on"), name="abuse_report_agency_idx"),
            models.Index(
                fields=("deadline_missed_at",),
                condition=models.Q(first_notified_on__isnull=True),
                name="abuse_report_unnotified_idx",
            ),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(delayed_until__isnull=True)
                | models.Q(delayed_until__gte=models.F("aware_on")),
                name="abuse_report_delay_after_aware",
            ),
        )

    def __str__(self) -> str:
        return f"duty-to-report record {self.pk}"

    @property
    def subject(self) -> str:
        return f"abuse-report:{self.pk}"

    @property
    def reporter_role_label(self) -> str:
        return str(Role(self.reporter_role).label) if self.reporter_role in Role.values else ""

    @property
    def is_notified(self) -> bool:
        return self.first_notified_on is not None

    @property
    def due_on(self) -> date:
        """The deadline: the clock's, or the permitted later date when a delay was
        recorded (kept here too, so that a recomputed clock cannot shorten it)."""
        due = self.clock.due_on
        if self.delayed_until is not None and self.delayed_until > due:
            return self.delayed_until
        return due

    def was_late(self) -> bool:
        notified = self.first_notified_on
        return notified is not None and notified > self.due_on


class NotificationMethod(models.TextChoices):
    PHONE = "phone", "By phone"
    ONLINE = "online", "Online form"
    EMAIL = "email", "Email"
    IN_PERSON = "in-person", "In person"
    # The concern itself, recorded through the service, reached the local authority's
    # MASH: set by the service, never chosen on the form.
    HUB = "hub", "Sent through Safeguarding Hub"


# The ways a member of staff may say they told the police or the local authority.
STAFF_METHODS = tuple(m for m in NotificationMethod if m != NotificationMethod.HUB)


class DutyNotification(models.Model):
    """Telling the police or the local authority, as the duty requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(AbuseReport, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    notified_on = models.DateField()
    method = models.CharField(max_length=12, choices=NotificationMethod.choices)
    reference = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("notified_on", "recorded_at")
        indexes = (models.Index(fields=("recipient", "report"), name="duty_recipient_idx"),)

    def __str__(self) -> str:
        return f"notification to {self.recipient_id}"


class InvolvedPerson(models.Model):
    """A person the reporter believes was involved, named in a notification, and why."""

    notification = models.ForeignKey(
        DutyNotification, on_delete=models.CASCADE, related_name="persons"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    why = models.TextField()

    def __str__(self) -> str:
        return self.name


class ReportObstruction(models.Model):
    """An attempt to prevent or deter someone from reporting: an offence, told to the
    police."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(AbuseReport, on_delete=models.PROTECT, related_name="obstructions")
    occurred_on = models.DateField()
    by_whom = models.CharField(max_length=200)
    details = models.TextField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("occurred_on", "recorded_at")

    def __str__(self) -> str:
        return f"obstruction of {self.report_id}"
