"""Therapy waits: a child victim or survivor referred to a therapeutic service or CAMHS, and
how long they wait for therapy to start."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone


class ServiceType(models.TextChoices):
    CAMHS = "camhs", "Children and young people's mental health services (CAMHS)"
    SEXUAL_ABUSE_THERAPY = "sexual-abuse-therapy", "Specialist therapy after sexual abuse"
    TRAUMA_THERAPY = "trauma-therapy", "Trauma-focused therapy"
    PLAY_OR_CREATIVE = "play-creative", "Play or creative therapy"
    COUNSELLING = "counselling", "Counselling"
    OTHER = "other", "Another therapeutic service"


class TherapyReferral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="therapy_referrals"
    )
    provider = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(max_length=24, choices=ServiceType.choices)
    # The children's services authority for the child's area: its limit sets the wait, and
    # the taskforce's figures are counted by it.
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    referred_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    referring_agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    # The THERAPY_WAIT clock: met on the day therapy starts.
    clock = models.OneToOneField("clocks.Clock", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(null=True, blank=True)
    start_recorded_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("referred_on", "recorded_at")
        indexes = (
            models.Index(
                fields=("provider", "referred_on"),
                condition=models.Q(started_on__isnull=True),
                name="therapy_waiting_list_idx",
            ),
            models.Index(fields=("referring_agency", "referred_on"), name="therapy_referrer_idx"),
            models.Index(fields=("referred_on",), name="therapy_referred_on_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(started_on__gte=models.F("referred_on")),
                name="therapy_starts_after_referral",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} referral {self.pk}"

    @property
    def subject(self) -> str:
        return f"therapy-referral:{self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.started_on is None

    def days_waited(self, today: date | None = None) -> int:
        """Calendar days from referral to the start of therapy, or to ``today`` while the
        child is still waiting."""
        end = self.started_on or today or timezone.localdate()
        return (end - self.referred_on).days
