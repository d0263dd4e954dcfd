"""Concerns: information from any agency that a child may be at risk."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class ConcernCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical-abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional-abuse", "Emotional abuse"
    SEXUAL_ABUSE = "sexual-abuse", "Sexual abuse"
    SEXUAL_EXPLOITATION = "cse", "Child sexual exploitation"
    CRIMINAL_EXPLOITATION = "cce", "Child criminal exploitation"
    ONLINE_ABUSE = "online-abuse", "Online abuse"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    MISSING = "missing", "Missing from home, care or education"
    MENTAL_HEALTH = "mental-health", "Self-harm or mental health"
    RADICALISATION = "radicalisation", "Radicalisation"
    OTHER = "other", "Other"


EXPLOITATION_CATEGORIES = frozenset(
    {
        ConcernCategory.SEXUAL_EXPLOITATION,
        ConcernCategory.CRIMINAL_EXPLOITATION,
        ConcernCategory.SEXUAL_ABUSE,
        ConcernCategory.ONLINE_ABUSE,
    }
)


class PersonRole(models.TextChoices):
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    ADULT_OF_CONCERN = "adult-of-concern", "Adult of concern"
    SIBLING = "sibling", "Sibling"
    OTHER = "other", "Other"


class Concern(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Neither the agency nor the local authority has an index of its own: the indexes that
    # start with them (unique_agency_record_id, concern_agency_idx, concern_area_idx) serve.
    agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="concerns", db_index=False
    )
    # The agency's own id for the record, so that a re-sent record updates, never duplicates.
    agency_record_id = models.CharField(max_length=64)
    # The children's services authority responsible for the child's area (its MASH).
    local_authority = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="concerns_in_area", db_index=False
    )
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    summary = models.TextField()
    # When what the concern describes happened or was disclosed, as the recorder gives it:
    # a child may disclose at nine and the record be typed at three. The time is optional.
    disclosed_on = models.DateField(null=True, blank=True)
    disclosed_time = models.TimeField(null=True, blank=True)
    # The recorder's judgement that the child is at immediate risk, or that the police
    # have been called: the contact goes to the top of the MASH queue and the MASH is told.
    immediate_risk = models.BooleanField(default=False)

    class Meta:
        ordering = ("-recorded_at",)
        constraints = (
            models.UniqueConstraint(
                fields=("agency", "agency_record_id"), name="unique_agency_record_id"
            ),
        )
        indexes = (
            models.Index(fields=("local_authority", "-recorded_at"), name="concern_area_idx"),
            models.Index(fields=("agency", "-recorded_at"), name="concern_agency_idx"),
            # The latest concerns anyone may see (the home page) are read newest first, and
            # checked for need-to-know one by one until there are enough.
            models.Index(fields=("-recorded_at",), name="concern_latest_idx"),
        )

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.agency_record_id})"

    @property
    def disclosed(self) -> str:
        """When what it describes happened or was disclosed, as people read dates: "3
        December 2026 at 09:10", or the day alone; empty if not given."""
        if self.disclosed_on is None:
            return ""
        day = f"{self.disclosed_on.day} {self.disclosed_on:%B %Y}"
        if self.disclosed_time is None:
            return day
        return f"{day} at {self.disclosed_time:%H:%M}"

    @property
    def is_exploitation(self) -> bool:
        return self.category in EXPLOITATION_CATEGORIES


class ConcernPerson(models.Model):
    """A person named in a concern, in a role."""

    # No indexes of their own: unique_role_in_concern starts with the concern and
    # involvement_person_idx with the person.
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="involvements", db_index=False
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="involvements", db_index=False
    )
    role = models.CharField(max_length=20, choices=PersonRole.choices)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("concern", "person", "role"), name="unique_role_in_concern"
            ),
        )
        indexes = (models.Index(fields=("person", "concern"), name="involvement_person_idx"),)

    def __str__(self) -> str:
        return f"{self.person_id} as {self.role}"
