"""Legal holds and erasures (decision 0016).

Both name the person by id alone, never by a foreign key or a name: a hold must outlive
the release of everything it held, and an erasure's record must outlive the person.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class LegalHold(models.Model):
    """An instruction that records must not be destroyed, until released: on one person,
    or on a class of records (an agency's, a kind of record, recorded in a range of days,
    or any combination). A class hold with no condition at all holds everything."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_id = models.UUIDField(null=True, blank=True)
    agency = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A kind of item from the registry of holdings ("concern", "pathway-event"...).
    kind = models.CharField(max_length=40, blank=True)
    recorded_from = models.DateField(null=True, blank=True)
    recorded_to = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-placed_at",)
        indexes = (
            models.Index(
                fields=("person_id",),
                condition=models.Q(released_at__isnull=True),
                name="legal_hold_open_idx",
            ),
        )

    def __str__(self) -> str:
        return f"legal hold {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None

    @property
    def scope(self) -> str:
        """What the hold keeps, in words: "person <id>", or the class's conditions."""
        if self.person_id is not None:
            return f"person {self.person_id}"
        parts = []
        if self.agency is not None:
            parts.append(f"records of {self.agency.name}")
        if self.kind:
            parts.append(f"of kind {self.kind}")
        if self.recorded_from is not None:
            parts.append(f"recorded from {self.recorded_from.isoformat()}")
        if self.recorded_to is not None:
            parts.append(f"recorded to {self.recorded_to.isoformat()}")
        return ", ".join(parts) or "every record"


class Erasure(models.Model):
    """That everything held about a person was erased: when, why, by whom, and how many
    rows each app removed or changed. No name: the person is gone."""

    class Cause(models.TextChoices):
        REQUEST = "request", "Erasure requested"
        RETENTION = "retention", "Retention period ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_id = models.UUIDField(unique=True)
    cause = models.CharField(max_length=12, choices=Cause.choices)
    reason = models.TextField()
    erased_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)
    removed = models.JSONField(default=dict)  # provider name -> rows removed or changed
    # Audit entries about the person whose staff-written reason named them, by sequence
    # number. A sealed reason was redacted (the erasure's entry lists which); a plain one,
    # written before reasons were sealed, still names them, as the log is never edited.
    log_entries_naming = models.JSONField(default=list)

    class Meta:
        ordering = ("-erased_at",)

    def __str__(self) -> str:
        return f"erasure of {self.person_id}"


class RetentionNotice(models.Model):
    """That an agency holding a person's records was told they are due for erasure on a
    day: once per person, agency and day, so a run repeated tells no one twice."""

    person_id = models.UUIDField()
    agency = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    told_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("person_id", "agency", "due_on"), name="one_retention_notice"
            ),
        )

    def __str__(self) -> str:
        return f"{self.agency_id} told {self.person_id} is due on {self.due_on}"


class RetentionRun(models.Model):
    """A run of the retention schedule: the worker runs it once a day."""

    day = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    checked = models.PositiveIntegerField(default=0)
    erased = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"retention run of {self.day}"


class SubjectAccessRequest(models.Model):
    """A person's request for everything held about them (UK GDPR Art 15), answered within
    one calendar month of receipt, or three when extended for complexity. Its clock runs
    on the subject "subject-access:<id>"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_id = models.UUIDField()
    received_on = models.DateField()
    handled_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-received_on",)

    def __str__(self) -> str:
        return f"subject access request {self.pk}"

    @property
    def subject(self) -> str:
        return f"subject-access:{self.pk}"


class Withholding(models.Model):
    """An item left out of a subject access bundle, with the exemption that allows it
    (for example, disclosure would be likely to cause serious harm: DPA 2018 Sch 3 para 5)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="withholdings"
    )
    item_key = models.CharField(max_length=120)  # "<kind>:<id>", as HeldItem.key
    exemption = models.TextField()
    decided_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("request", "item_key"), name="one_withholding_per_item"
            ),
        )

    def __str__(self) -> str:
        return f"{self.item_key} withheld"
