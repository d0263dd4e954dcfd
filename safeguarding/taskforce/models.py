"""The national taskforce: de-identified monthly figures kept ready for the dashboard, the
areas each one is compared with, and the online-abuse pipeline that police forces record."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Financial year"


class Shown(models.TextChoices):
    SHOWN = "shown", "Shown"
    # A count from 1 to 4: shown as "fewer than 5".
    SMALL = "small", "Fewer than 5"
    # Hidden so that a small count cannot be worked out from a total.
    HIDDEN = "hidden", "Not shown"


class Figure(models.Model):
    """One published count: a measure, for an area (or England when ``area`` is empty), over
    a month, quarter or financial year. Rows with a count of 0 that are shown are not kept.

    Written only by the refresh (safeguarding/taskforce/refresh.py), which decides ``shown``
    for every figure of a financial year at once, so that no suppressed count can be
    worked out from the others."""

    area = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    # The financial year (April to March) the period falls in, named by its first year.
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=64)
    value = models.PositiveIntegerField()
    shown = models.CharField(max_length=8, choices=Shown.choices, default=Shown.SHOWN)

    class Meta:
        # One row per area, period and measure: publish_year replaces a year's rows whole.
        indexes = (
            models.Index(fields=("year", "period_kind", "measure"), name="figure_year_idx"),
            models.Index(fields=("area", "year"), name="figure_area_idx"),
        )

    def __str__(self) -> str:
        return f"{self.measure} {self.period_kind} {self.period_start}: {self.value}"


class MonthlyCount(models.Model):
    """A raw count for one agency, month and measure, as the refresh last worked it out from
    the case records. Never shown: Figure holds what is published."""

    agency = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    measure = models.CharField(max_length=64)
    value = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("month", "agency", "measure"), name="one_count_per_month_agency_measure"
            ),
        )

    def __str__(self) -> str:
        return f"{self.measure} {self.month}: {self.value}"


class RefreshState(models.Model):
    """When the figures were last refreshed, and from which month. One row."""

    refreshed_at = models.DateTimeField(default=timezone.now)
    from_month = models.DateField()
    full = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at:%Y-%m-%d %H:%M}"


class StatisticalNeighbour(models.Model):
    """An area the taskforce compares ``area`` with: for a local authority, one of its
    statistical neighbours (the Department for Education's list, or the taskforce's own);
    for a police force, a force in its most similar group."""

    area = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("area", "neighbour"), name="neighbour_once"),
            models.CheckConstraint(
                condition=~models.Q(area=models.F("neighbour")), name="not_own_neighbour"
            ),
        )

    def __str__(self) -> str:
        return f"{self.area_id} ~ {self.neighbour_id}"


class ForceArea(models.Model):
    """The police force whose area takes in a local authority: a force's figures include
    those of the authorities in its area. Where none is recorded, a force counts the
    authority it names as its home authority."""

    authority = models.OneToOneField("access.Agency", on_delete=models.CASCADE, related_name="+")
    force = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.authority_id} in {self.force_id}"


class Stage(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ALLOCATED = "allocated", "Allocated to a force"
    ARRESTED = "arrested", "Arrested"
    CHARGED = "charged", "Charged"
    NO_FURTHER_ACTION = "nfa", "No further action"


class OnlineAbuseSuspect(models.Model):
    """A suspect identified from a referral by the national online child abuse centre, and
    how far the force it was allocated to has taken it. No name is kept: the force's own
    reference points to its case file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    force = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    centre_reference = models.CharField(max_length=64)
    suspect_reference = models.CharField(max_length=64)
    officer = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identified_on = models.DateField()
    allocated_on = models.DateField(null=True, blank=True)
    arrested_on = models.DateField(null=True, blank=True)
    charged_on = models.DateField(null=True, blank=True)
    no_further_action_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-identified_on", "suspect_reference")
        constraints = (
            models.UniqueConstraint(
                fields=("force", "suspect_reference"), name="suspect_reference_once_per_force"
            ),
            models.CheckConstraint(
                condition=models.Q(charged_on__isnull=True)
                | models.Q(no_further_action_on__isnull=True),
                name="charged_or_nfa_not_both",
            ),
        )
        indexes = (
            models.Index(fields=("force", "identified_on"), name="suspect_force_idx"),
            models.Index(
                fields=("officer",),
                condition=models.Q(charged_on__isnull=True, no_further_action_on__isnull=True),
                name="suspect_open_officer_idx",
            ),
        )

    def __str__(self) -> str:
        return f"suspect {self.suspect_reference}"

    @property
    def stage(self) -> str:
        if self.charged_on:
            return Stage.CHARGED
        if self.no_further_action_on:
            return Stage.NO_FURTHER_ACTION
        if self.arrested_on:
            return Stage.ARRESTED
        if self.allocated_on:
            return Stage.ALLOCATED
        return Stage.IDENTIFIED

    @property
    def is_open(self) -> bool:
        return self.charged_on is None and self.no_further_action_on is None

    def stage_dates(self) -> dict[str, date | None]:
        return {
            Stage.IDENTIFIED: self.identified_on,
            Stage.ALLOCATED: self.allocated_on,
            Stage.ARRESTED: self.arrested_on,
            Stage.CHARGED: self.charged_on,
            Stage.NO_FURTHER_ACTION: self.no_further_action_on,
        }
