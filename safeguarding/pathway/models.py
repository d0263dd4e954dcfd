"""Recorded events of a child's statutory pathway."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from safeguarding.pathway.events import EventType, Outcome


class PathwayEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="pathway_events"
    )
    # The local authority whose statutory clocks the event moves.
    authority = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    # The agency of the member of staff who recorded it: the event is theirs, shown as
    # theirs, whichever authority's clocks it moves.
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    occurred_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-occurred_on", "-recorded_at")
        indexes = (models.Index(fields=("person", "occurred_on"), name="pathway_person_idx"),)

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} on {self.occurred_on}"
