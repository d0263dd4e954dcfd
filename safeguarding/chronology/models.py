"""A practitioner's marks on a child's chronology: what is significant, and why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ChronologyMark(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="chronology_marks"
    )
    # The entry marked, as "kind:id" (see chronology/entries.py).
    entry_ref = models.CharField(max_length=80)
    significant = models.BooleanField(default=True)
    analysis = models.TextField(blank=True)
    marked_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "entry_ref"), name="one_mark_per_entry"),
        )

    def __str__(self) -> str:
        return f"{self.entry_ref} ({'significant' if self.significant else 'not significant'})"
