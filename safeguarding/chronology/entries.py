"""The automatic chronology: every event about a child from every agency, in date order,
with its source shown. Assembled when read, so it is never out of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.visibility import Item, Shown, shown_to
from safeguarding.chronology.models import ChronologyMark
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.concerns.queries import concerns_about
from safeguarding.mash.models import Contact
from safeguarding.pathway.queries import events_about
from safeguarding.people.models import Person


@dataclass
class Entry:
    ref: str
    when: datetime
    source: str
    kind: str
    title: str
    detail: str
    significant: bool = False
    analysis: str = ""

    @property
    def day(self) -> date:
        return timezone.localdate(self.when)


def _at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.get_current_timezone())


def build_chronology(person: Person, viewer: User) -> list[Entry]:
    """Every entry about ``person``, each as ``viewer`` may see it (access.visibility):
    other agencies' concerns through concerns_about, as the person page shows them, and
    MASH decisions as the visibility table says. The caller has passed ``person`` through
    access_person."""
    entries: list[Entry] = []
    concerns = list(concerns_about(viewer, person))
    for concern in concerns:
        entries.append(
            Entry(
                ref=f"concern:{concern.pk}",
                when=concern.recorded_at,
                source=concern.agency.name,
                kind="Concern",
                title=concern.get_category_display(),
                detail=concern.summary,
            )
        )
    referred_by = {concern.pk: concern.agency_id for concern in concerns}
    for contact in (
        Contact.objects.filter(concern__in=list(referred_by))
        .exclude(decision="")
        .select_related("authority", "decided_by")
    ):
        assert contact.decided_at is not None
        referrer = referred_by[contact.concern_id]
        own_referral = viewer.agency_id == referrer
        shown = shown_to(
            viewer,
            Item.REFERRAL_OUTCOME if own_referral else Item.MASH_DECISION,
            recorded_by_agency_id=contact.authority_id,
        )
        if shown == Shown.NONE:
            continue
        entries.append(
            Entry(
                ref=f"decision:{contact.pk}",
                when=contact.decided_at,
                source=contact.authority.name,
                kind="MASH decision",
                title=contact.get_decision_display(),
                # The referrer hears the outcome; the MASH's reasons stay with those who
                # see its decisions in full.
                detail=contact.rationale
                if viewer.agency_id == contact.authority_id
                or (shown == Shown.FULL and not own_referral)
                else "",
            )
        )
    for event in events_about(viewer, person):
        if event.shown == Shown.FULL:  # type: ignore[attr-defined]  # set by events_about
            title = event.get_event_type_display()
            if event.outcome:
                title += f": {event.get_outcome_display().lower()}"
        else:
            title = event.summary  # type: ignore[attr-defined]  # set by events_about
        entries.append(
            Entry(
                ref=f"event:{event.pk}",
                when=_at_noon(event.occurred_on),
                # The recorder's agency, not the authority whose clocks it moved.
                source=event.agency.name,
                kind="Pathway",
                title=title,
                detail=event.notes,
            )
        )
    today = timezone.localdate()
    for clock in Clock.objects.filter(person=person).select_related("authority"):
        state = clock.state(today)
        if state in (ClockState.OVERDUE, ClockState.MET_LATE):
            entries.append(
                Entry(
                    ref=f"clock:{clock.pk}",
                    when=_at_noon(clock.due_on),
                    source=clock.authority.name,
                    kind="Missed deadline",
                    title=f"{clock.get_clock_type_display()} was due",
                    detail=clock.delay_reason or "No reason for the delay has been recorded.",
                )
            )
    # A mark is its author's agency's analysis: read by those who see it in full.
    marks = {
        mark.entry_ref: mark
        for mark in ChronologyMark.objects.filter(person=person).select_related("marked_by")
        if analysis_shown(viewer, mark)
    }
    for entry in entries:
        mark = marks.get(entry.ref)
        if mark is not None:
            entry.significant, entry.analysis = mark.significant, mark.analysis
    entries.sort(key=lambda entry: (entry.when, entry.ref))
    return entries


def analysis_shown(viewer: User, mark: ChronologyMark) -> bool:
    return (
        shown_to(viewer, Item.CHRONOLOGY_ANALYSIS, recorded_by_agency_id=mark.marked_by.agency_id)
        == Shown.FULL
    )


def curated(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.significant]
