"""What linkage keeps: the trained model, each run, every source record and the person it
resolved to, the pairs waiting for a human decision, and every merge with exactly what it
moved, so that a merge can be undone.

People are referred to here by id (UUIDField), not by foreign key, where the row must
outlive or ignore a merge: a merge re-points every foreign key to Person, and a merge's
own history must not move with it."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone


class LinkageModel(models.Model):
    """A trained Splink model (settings and m/u parameters), as Splink's JSON."""

    created_at = models.DateTimeField(default=timezone.now)
    backend = models.CharField(max_length=10)
    records_trained_on = models.PositiveIntegerField()
    parameters = models.JSONField()

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Linkage model of {self.created_at:%Y-%m-%d %H:%M}"


class LinkageRun(models.Model):
    class Mode(models.TextChoices):
        FULL = "full", "Full: trained and compared every record"
        INCREMENTAL = "incremental", "Incremental: new records against resolved ones"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    backend = models.CharField(max_length=10)
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="runs")
    new_records = models.PositiveIntegerField(default=0)
    resolved_records = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    merges = models.PositiveIntegerField(default=0)
    queued_for_review = models.PositiveIntegerField(default=0)
    auto_match_probability = models.FloatField()
    review_probability = models.FloatField()

    class Meta:
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_mode_display()} run of {self.started_at:%Y-%m-%d %H:%M}"


class ResolvedRecord(models.Model):
    """One agency's record of a person, and the person it now resolves to. The person
    foreign key moves with every merge and back with every undo, so this table is the
    answer to "which person is agency X's record Y?" at any time."""

    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    agency_record_id = models.CharField(max_length=64, blank=True)
    original_person_id = models.UUIDField()
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="resolved_records"
    )
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("agency", "original_person_id"), name="one_resolved_record_per_source"
            ),
        )
        indexes = (models.Index(fields=("original_person_id",), name="resolved_original_idx"),)

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.agency_record_id} -> {self.person_id}"


class CandidatePair(models.Model):
    """Two people who may be one, with the evidence. Pending pairs form the review queue."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed: merged"
        REJECTED = "rejected", "Rejected: different people"
        MERGED_AUTOMATICALLY = "automatic", "Merged automatically"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stored in a fixed order (the smaller id first), so a pair is found either way round.
    person_a_id = models.UUIDField()
    person_b_id = models.UUIDField()
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    # [{"comparison": "Given name", "level": "Nickname or alias", "match_weight": 3.1,
    #   "agreed": true}, ...] in the model's order.
    evidence = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="pairs")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-match_probability", "created_at")
        constraints = (
            models.UniqueConstraint(fields=("person_a_id", "person_b_id"), name="one_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a_id__lt=models.F("person_b_id")),
                name="pair_in_order",
            ),
        )
        indexes = (models.Index(fields=("status",), name="pair_status_idx"),)

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_probability:.3f})"

    @property
    def evidence_rows(self) -> list[dict[str, Any]]:
        return list(self.evidence)


class Merge(models.Model):
    """The absorbed person was found to be the survivor. Undo restores the absorbed
    person and moves back exactly the rows listed in its moves."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor_id = models.UUIDField()
    absorbed_id = models.UUIDField()
    # The absorbed Person row itself, serialised, to recreate it with the same id.
    absorbed_snapshot = models.JSONField()
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.PROTECT, related_name="merges"
    )
    automatic = models.BooleanField(default=False)
    merged_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    # Why the reviewer found them two people: told to the agencies holding the records.
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-merged_at",)
        indexes = (
            models.Index(fields=("survivor_id",), name="merge_survivor_idx"),
            models.Index(fields=("absorbed_id",), name="merge_absorbed_idx"),
        )

    def __str__(self) -> str:
        return f"{self.absorbed_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class MergeMove(models.Model):
    """One row a merge changed: re-pointed to the survivor (MOVED), deleted because the
    survivor already had its equal, kept here in full (REMOVED), or created by the merge
    (ADDED, such as the absorbed person's name kept as an alias)."""

    class Action(models.TextChoices):
        MOVED = "moved", "Moved to the survivor"
        REMOVED = "removed", "Removed as a duplicate of the survivor's"
        ADDED = "added", "Added by the merge"

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="moves")
    action = models.CharField(max_length=8, choices=Action.choices)
    model_label = models.CharField(max_length=100)
    field_name = models.CharField(max_length=100)
    row_pk = models.CharField(max_length=64)
    # For REMOVED rows: the row serialised with django.core.serializers.
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.action} {self.model_label}.{self.field_name} {self.row_pk}"
