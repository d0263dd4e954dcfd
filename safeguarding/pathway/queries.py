"""Reads of pathway events and clocks for a person already opened through access_person."""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.clocks.models import Clock
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person


def events_for(person: Person) -> QuerySet[PathwayEvent]:
    return PathwayEvent.objects.filter(person=person).select_related("recorded_by", "authority")


def clocks_for(person: Person) -> QuerySet[Clock]:
    return (
        Clock.objects.filter(person=person)
        .select_related("accountable")
        .order_by("met_on", "cancelled_on", "due_on")
    )
