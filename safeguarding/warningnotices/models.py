"""Child abduction warning notices: a police force tells an adult in writing that they have
no permission to be with a named child, so that a later contact can be prosecuted under the
Child Abduction Act 1984 s.2 (a child under 16) or the Children Act 1989 s.49 (a child under
18 in care or in police protection)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone


class NoticeKind(models.TextChoices):
    UNDER_16 = "under-16", "Child under 16 (Child Abduction Act 1984, section 2)"
    IN_CARE = (
        "in-care",
        "Child under 18 in care or police protection (Children Act 1989, section 49)",
    )


# The age at which a named child is no longer covered by each kind of notice.
AGE_LIMITS: dict[str, int] = {NoticeKind.UNDER_16: 16, NoticeKind.IN_CARE: 18}


class WithheldBy(models.TextChoices):
    PARENT = "parent", "A parent"
    PARENTAL_RESPONSIBILITY = "parental-responsibility", "A person with parental responsibility"
    LOCAL_AUTHORITY = "local-authority", "The local authority"


class EndReason(models.TextChoices):
    REVOKED = "revoked", "Revoked by the police"
    AGE_REACHED = "age-reached", "Every named child reached the age limit"


def birthday(born: date, years: int) -> date:
    """The day someone born on ``born`` turns ``years``. A 29 February birthday falls on
    1 March in common years, as Person.age_on counts it (Family Law Reform Act 1969 s.9:
    an age is reached at the start of the anniversary of the birth)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


class WarningNotice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    # The adult served with the notice.
    adult = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="warning_notices_served"
    )
    # A copy of the adult's date of birth when served, indexed so that a new concern naming
    # someone with that date of birth finds the notice in one look-up.
    adult_date_of_birth = models.DateField(null=True, blank=True)
    issuing_force = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    serving_officer = models.CharField(max_length=200)
    served_on = models.DateField()
    withheld_by = models.CharField(max_length=24, choices=WithheldBy.choices)
    withheld_by_details = models.CharField(max_length=200, blank=True)
    conditions = models.TextField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The day the last named child reaches the age limit: the notice's default end.
    expires_on = models.DateField()
    review_clock = models.ForeignKey(
        "clocks.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    end_details = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-served_on", "-recorded_at")
        indexes = (
            models.Index(
                fields=("adult",),
                condition=models.Q(ended_on__isnull=True),
                name="notice_open_adult_idx",
            ),
            models.Index(
                fields=("adult_date_of_birth",),
                condition=models.Q(ended_on__isnull=True),
                name="notice_open_dob_idx",
            ),
            models.Index(fields=("issuing_force", "served_on"), name="notice_force_idx"),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("served_on")),
                name="notice_expires_after_service",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("served_on")),
                name="notice_ends_after_service",
            ),
        )

    def __str__(self) -> str:
        return f"warning notice {self.pk}"

    @property
    def subject(self) -> str:
        return f"warning-notice:{self.pk}"

    @property
    def age_limit(self) -> int:
        return AGE_LIMITS[self.kind]

    def is_in_force(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.ended_on is None and today < self.expires_on

    def status(self, today: date | None = None) -> str:
        if self.is_in_force(today):
            return "In force"
        if self.end_reason == EndReason.REVOKED:
            return "Revoked"
        return "Expired"


def in_force(today: date) -> models.Q:
    """Notices in force on ``today``: not ended, and some named child still under age."""
    return models.Q(ended_on__isnull=True, expires_on__gt=today)


class NoticeChild(models.Model):
    """A child named in a notice, covered until they reach the notice's age limit."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="warning_notices_naming"
    )
    covered_until = models.DateField()

    class Meta:
        ordering = ("covered_until",)
        constraints = (
            models.UniqueConstraint(fields=("notice", "child"), name="child_named_once"),
        )
        indexes = (models.Index(fields=("child",), name="notice_child_idx"),)

    def __str__(self) -> str:
        return f"{self.child_id} in {self.notice_id}"

    def is_covered(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) < self.covered_until


class NoticeCopy(models.Model):
    """A copy of the notice given to someone (the parent, the local authority...)."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="copies")
    sent_to = models.CharField(max_length=200)
    sent_on = models.DateField()
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("sent_on", "recorded_at")

    def __str__(self) -> str:
        return f"copy to {self.sent_to}"


class NoticeBreach(models.Model):
    """The adult contacting or being with a named child despite the notice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.ForeignKey(WarningNotice, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField()
    place = models.CharField(max_length=200)
    details = models.TextField()
    # Whether the breach can support an application for a sexual risk order (Sexual
    # Offences Act 2003 s.122A).
    supports_sexual_risk_order = models.BooleanField(default=False)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recording_force = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-occurred_on", "-recorded_at")

    def __str__(self) -> str:
        return f"breach of {self.notice_id} on {self.occurred_on}"


class MatchedOn(models.TextChoices):
    SAME_RECORD = "same-record", "The same person record"
    NATIONAL_IDENTIFIER = "national-identifier", "The same NHS number or unique pupil number"
    NAME_AND_DATE_OF_BIRTH = "name-and-date-of-birth", "The same name and date of birth"


class NoticeAlert(models.Model):
    """The adult served appeared in a concern while the notice was in force."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="alerts")
    concern = models.ForeignKey("concerns.Concern", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    matched_on = models.CharField(max_length=24, choices=MatchedOn.choices)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-raised_at",)
        constraints = (
            models.UniqueConstraint(
                fields=("notice", "concern"), name="one_alert_per_notice_and_concern"
            ),
        )

    def __str__(self) -> str:
        return f"alert on {self.notice_id} for {self.concern_id}"
