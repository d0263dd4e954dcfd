"""The append-only, hash-chained audit log.

Each entry carries the HMAC of its own content and of the previous entry's hash, so that
editing, removing, reordering or inserting an entry breaks the chain at that point. The
HMAC key lives outside the database: someone who can write to the database still cannot
forge a consistent chain. On PostgreSQL and SQLite, database triggers refuse UPDATE and
DELETE on the entries (see migration 0002).
"""

from __future__ import annotations

from django.db import models

from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.vocabulary import VocabularyField


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    # Plain columns rather than foreign keys: the log must outlive and never cascade
    # from the rows it speaks of.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    agency_code = models.CharField(max_length=32, blank=True)
    verb = VocabularyField(max_length=40, choices=AuditVerb.choices)
    target_type = VocabularyField(max_length=40, blank=True, choices=TargetType.choices)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    legal_basis = VocabularyField(max_length=200, blank=True, choices=LegalBasis.choices)
    payload = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("sequence",)
        verbose_name_plural = "audit entries"
        indexes = (
            models.Index(fields=("target_type", "target_id"), name="audit_target_idx"),
            models.Index(fields=("actor_id", "occurred_at"), name="audit_actor_idx"),
            # The auditors' filters: by record id alone, and by username.
            models.Index(fields=("target_id",), name="audit_target_id_idx"),
            models.Index(fields=("actor_label", "sequence"), name="audit_actor_label_idx"),
        )

    def __str__(self) -> str:
        return (
            f"#{self.sequence} {self.actor_label} {self.verb} {self.target_type}:{self.target_id}"
        )


class AuditHead(models.Model):
    """One row naming the last entry, so that cutting entries off the end is detected
    and so that writers have a row to lock while they append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at #{self.last_sequence}"


class SealedReason(models.Model):
    """The key that opens one entry's sealed reason (see sealing.py), kept outside the
    chain so that it can be destroyed without editing the log. After an erasure the key
    is gone and a redacted copy of the reason stands in its place; the erasure's own entry
    holds the copy's SHA-256, so the copy is as tamper-evident as the log."""

    # The entry's sequence number: a plain column, as the log's own columns are.
    sequence = models.PositiveBigIntegerField(primary_key=True)
    key = models.BinaryField(null=True, blank=True)
    redacted = models.TextField(blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    # The sequence number of the person-erased entry that redacted it.
    redacted_by = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("sequence",)
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(key__isnull=False, redacted_at__isnull=True, redacted_by__isnull=True)
                    | models.Q(
                        key__isnull=True, redacted_at__isnull=False, redacted_by__isnull=False
                    )
                ),
                name="sealed_reason_key_or_redaction",
            ),
        )

    def __str__(self) -> str:
        state = "redacted" if self.redacted_at is not None else "sealed"
        return f"reason of #{self.sequence} ({state})"
