"""Structured case work: what a local authority records about a child in need, in the
codes of the Children in Need census, episode by episode.

An episode (the census's "CIN details") runs from a referral to its closure and holds the
assessments, child in need plans, section 47 enquiries and child protection plans made
during it. A child's characteristics (ethnicity, disabilities) are the authority's, one
row per child."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from safeguarding.casework.codes import (
    CategoryOfAbuse,
    ConferenceOutcome,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Section47Outcome,
)


class ChildProfile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    # The census's LA child id: alphanumeric, at most 20 characters, stable for the child.
    la_child_id = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    # Disability codes; ["NONE"] for a child with none, [] while not yet recorded.
    disabilities = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("person", "authority"), name="casework_profile_person_uniq"
            ),
            models.UniqueConstraint(
                fields=("authority", "la_child_id"), name="casework_profile_la_id_uniq"
            ),
        )

    def __str__(self) -> str:
        return self.la_child_id


class Episode(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices)
    no_further_action = models.BooleanField(default=False)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ReasonForClosure.choices, blank=True)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("referral_date", "recorded_at")
        indexes = (
            models.Index(fields=("authority", "referral_date"), name="casework_episode_la_idx"),
            models.Index(fields=("person", "referral_date"), name="casework_episode_person_idx"),
        )

    def __str__(self) -> str:
        return f"Referral on {self.referral_date}"


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    started_on = models.DateField()
    authorised_on = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list)
    child_seen = models.BooleanField(default=False)
    seen_alone = models.BooleanField(default=False)
    wishes_and_feelings = models.TextField(blank=True)
    # The pathway event that recorded the assessment's completion, when there is one.
    event_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ("started_on",)

    def __str__(self) -> str:
        return f"Assessment from {self.started_on}"


class CinPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="cin_plans")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("started_on",)

    def __str__(self) -> str:
        return f"Child in need plan from {self.started_on}"


class Section47(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="enquiries")
    started_on = models.DateField()
    outcome = models.CharField(max_length=24, choices=Section47Outcome.choices, blank=True)
    conference_target = models.DateField(null=True, blank=True)
    conference_date = models.DateField(null=True, blank=True)
    conference_outcome = models.CharField(
        max_length=8, choices=ConferenceOutcome.choices, blank=True
    )
    event_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ("started_on",)

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.started_on}"

    @property
    def conference_not_required(self) -> bool:
        return self.outcome in (
            Section47Outcome.NOT_SUBSTANTIATED,
            Section47Outcome.NO_CONTINUING_RISK,
        )


class ProtectionPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="protection_plans")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    # ISO dates of the review conferences held.
    review_dates = models.JSONField(default=list)
    previous_plans = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("started_on",)

    def __str__(self) -> str:
        return f"Child protection plan from {self.started_on}"
