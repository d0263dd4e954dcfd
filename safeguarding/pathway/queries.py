"""Reads of pathway events and clocks for a person already opened through access_person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguarding.access.models import User
from safeguarding.access.visibility import Item, Shown, involved_on, shown_to
from safeguarding.clocks.models import Clock
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person


def events_about(user: User, person: Person) -> list[PathwayEvent]:
    """``person``'s pathway events, each as ``user`` may see it (access.visibility): in
    summary, which agency recorded a step and when, without its kind, outcome or notes.
    The caller has passed ``person`` through access_person."""
    events = list(
        PathwayEvent.objects.filter(person=person).select_related("agency", "recorded_by")
    )
    return [redact_event(user, event) for event in events]


def redact_event(user: User, event: PathwayEvent) -> PathwayEvent:
    """``event`` as ``user`` may see it, marked ``shown``; a summary is never saved."""
    shown = shown_to(user, Item.PATHWAY_EVENT, recorded_by_agency_id=event.agency_id)
    event.shown = str(shown)  # type: ignore[attr-defined]  # read by the chronology and tests
    if shown != Shown.FULL:
        event.notes = ""
        event.outcome = ""
        event.summary = involved_on(event.agency.name, event.occurred_on)  # type: ignore[attr-defined]  # the title shown instead
        event.save = _refuse_save  # type: ignore[method-assign]  # a redacted copy
    return event


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("An event shown in summary is not the record: never save it")


def clocks_for(person: Person) -> QuerySet[Clock]:
    return (
        Clock.objects.filter(person=person)
        .select_related("accountable")
        .order_by("met_on", "cancelled_on", "due_on")
    )
