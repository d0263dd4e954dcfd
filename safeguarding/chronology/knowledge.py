"""Who knew what, and when, about one child: for each agency, a timeline of what it
recorded, what it was told and when, who opened the record, what was decided and by whom,
and which statutory clocks ran and whether they were met. Each line carries the time of the
event itself (a concern's recording, a decision, a conference's day), never the time it was
loaded, and the numbers of the audit entries that are its evidence, which anyone can check
against the tamper-evident chain."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import AUDIT_ROLES, Role
from safeguarding.audit.chain import event_time, record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reasons
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.models import Clock
from safeguarding.concerns.models import Concern
from safeguarding.mash.models import Contact, InformationRequest
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person

KNOWLEDGE_REPORT_ROLES = frozenset({Role.TEAM_MANAGER, Role.MASH_TRIAGE})
VIEW_VERBS = {
    AuditVerb.PERSON_VIEWED,
    AuditVerb.CONCERN_VIEWED,
    AuditVerb.CONTACT_VIEWED,
    AuditVerb.CHRONOLOGY_VIEWED,
    AuditVerb.CHRONOLOGY_EXPORTED,
    AuditVerb.BREAK_GLASS_GRANTED,
}


@dataclass(frozen=True)
class KnowledgeLine:
    when: datetime
    # Whether ``when`` has a time of day (a decision) or is a day only (a conference).
    timed: bool
    kind: str
    what: str
    who: str
    detail: str
    evidence: list[int] = field(default_factory=list)


@dataclass
class AgencyKnowledge:
    agency: str
    lines: list[KnowledgeLine] = field(default_factory=list)

    @property
    def first_known(self) -> datetime | None:
        return self.lines[0].when if self.lines else None


@dataclass(frozen=True)
class KnowledgeReport:
    agencies: list[AgencyKnowledge]
    start: date | None
    end: date | None

    @property
    def lines(self) -> int:
        return sum(len(agency.lines) for agency in self.agencies)


def _day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "Not recorded"


class _Evidence:
    """The audit entries about the child's records, by target and verb."""

    def __init__(self, condition: Q) -> None:
        self.by_target: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self.by_event: dict[str, list[int]] = defaultdict(list)
        self.views: list[AuditEntry] = []
        for entry in AuditEntry.objects.filter(condition).order_by("sequence"):
            self.by_target[(entry.target_type, entry.target_id, entry.verb)].append(entry.sequence)
            if entry.verb == AuditVerb.PATHWAY_EVENT_RECORDED:
                self.by_event[str(entry.payload.get("event", ""))].append(entry.sequence)
            if entry.verb in VIEW_VERBS:
                self.views.append(entry)

    def of(self, target_type: str, target_id: object, *verbs: str) -> list[int]:
        found: list[int] = []
        for verb in verbs:
            found += self.by_target.get((target_type, str(target_id), verb), [])
        return sorted(found)


def who_knew_what(
    person: Person,
    *,
    content: bool = True,
    start: date | None = None,
    end: date | None = None,
) -> KnowledgeReport:
    """Each agency's knowledge of the child as a timeline, between ``start`` and ``end``
    (days, both included, either open). ``content``: whether the reader may see what was
    written (a summary, a rationale); auditors see the trail only."""
    concerns = list(
        Concern.objects.filter(involvements__person=person)
        .select_related("agency", "local_authority", "recorded_by")
        .distinct()
    )
    contacts = list(
        Contact.objects.filter(concern__in=concerns).select_related(
            "authority", "decided_by", "concern"
        )
    )
    requests = list(
        InformationRequest.objects.filter(contact__in=contacts).select_related(
            "to_agency", "requested_by", "answered_by", "contact__authority"
        )
    )
    events = list(
        PathwayEvent.objects.filter(person=person).select_related("authority", "recorded_by")
    )
    clocks = list(Clock.objects.filter(person=person).select_related("authority", "accountable"))
    evidence = _Evidence(
        Q(target_type=TargetType.PERSON, target_id=str(person.pk))
        | Q(target_type=TargetType.CONCERN, target_id__in=[str(c.pk) for c in concerns])
        | Q(target_type=TargetType.CONTACT, target_id__in=[str(c.pk) for c in contacts])
        | Q(target_type=TargetType.CLOCK, target_id__in=[str(c.pk) for c in clocks])
    )
    by_agency: dict[str, AgencyKnowledge] = {}

    def add(agency: Agency | str | None, line: KnowledgeLine) -> None:
        name = agency.name if isinstance(agency, Agency) else (agency or "No agency")
        by_agency.setdefault(name, AgencyKnowledge(name)).lines.append(line)

    for concern in concerns:
        add(
            concern.agency,
            KnowledgeLine(
                when=concern.recorded_at,
                timed=True,
                kind="Recorded",
                what=f"Recorded a concern: {concern.get_category_display()}",
                who=_name(concern.recorded_by),
                detail=concern.summary if content else "",
                evidence=evidence.of(
                    TargetType.CONCERN,
                    concern.pk,
                    AuditVerb.CONCERN_RECORDED,
                    AuditVerb.CONCERN_UPDATED,
                ),
            ),
        )
    for contact in contacts:
        sender = contact.concern.agency.name if contact.concern.agency else "another agency"
        add(
            contact.authority,
            KnowledgeLine(
                when=contact.received_at,
                timed=True,
                kind="Told",
                what=f"Told: the concern from {sender} reached the MASH",
                who="",
                detail="",
                evidence=evidence.of(
                    TargetType.CONCERN, contact.concern_id, AuditVerb.CONCERN_RECORDED
                ),
            ),
        )
        if contact.decided_at is not None:
            add(
                contact.authority,
                KnowledgeLine(
                    when=contact.decided_at,
                    timed=True,
                    kind="Decided",
                    what=f"Decided: {contact.get_decision_display()}",
                    who=_name(contact.decided_by),
                    detail=contact.rationale if content else "",
                    evidence=evidence.of(TargetType.CONTACT, contact.pk, AuditVerb.CONTACT_DECIDED),
                ),
            )
    for request in requests:
        add(
            request.to_agency,
            KnowledgeLine(
                when=request.requested_at,
                timed=True,
                kind="Told",
                what=f"Asked for information by {request.contact.authority.name}",
                who=_name(request.requested_by),
                detail=request.question if content else "",
                evidence=evidence.of(
                    TargetType.CONTACT, request.contact_id, AuditVerb.INFORMATION_REQUESTED
                ),
            ),
        )
        if request.answered_at is not None:
            add(
                request.contact.authority,
                KnowledgeLine(
                    when=request.answered_at,
                    timed=True,
                    kind="Told",
                    what=f"Told by {request.to_agency.name}, answering its request",
                    who=_name(request.answered_by),
                    detail=request.answer if content else "",
                    evidence=evidence.of(
                        TargetType.CONTACT, request.contact_id, AuditVerb.INFORMATION_SHARED
                    ),
                ),
            )
    for event in events:
        outcome = f": {event.get_outcome_display()}" if event.outcome else ""
        add(
            event.authority,
            KnowledgeLine(
                when=_day(event.occurred_on),
                timed=False,
                kind="Decided" if event.outcome else "Recorded",
                what=f"{event.get_event_type_display()}{outcome}",
                who=_name(event.recorded_by),
                detail=event.notes if content else "",
                evidence=evidence.by_event.get(str(event.pk), []),
            ),
        )
    today = timezone.localdate()
    for clock in clocks:
        if clock.met_on is not None:
            state = (
                "met on time"
                if clock.met_on <= clock.due_on
                else f"met late, on {clock.met_on:%-d %B %Y}"
            )
        elif clock.cancelled_on is not None:
            state = f"stopped on {clock.cancelled_on:%-d %B %Y}"
        elif clock.due_on < today:
            state = "missed: not met by its due date"
        else:
            state = "still running"
        add(
            clock.authority,
            KnowledgeLine(
                when=_day(clock.started_on),
                timed=False,
                kind="Deadline",
                what=f"{clock.get_clock_type_display()}: due {clock.due_on:%-d %B %Y}, {state}",
                who=_name(clock.accountable),
                detail="",
                evidence=evidence.of(
                    TargetType.CLOCK,
                    clock.pk,
                    AuditVerb.CLOCK_STARTED,
                    AuditVerb.CLOCK_MET,
                    AuditVerb.CLOCK_ESCALATED,
                    AuditVerb.CLOCK_DELAY_EXPLAINED,
                ),
            ),
        )
    # Views are logged as they happen: the log's own time is the time of the view, unless
    # the entry was loaded with past records and carries the view's own time.
    viewed: dict[tuple[str, str, date], list[AuditEntry]] = defaultdict(list)
    for entry in evidence.views:
        local = timezone.localtime(event_time(entry))
        viewed[(entry.agency_code, entry.actor_label, local.date())].append(entry)
    codes = dict(Agency.objects.values_list("code", "name"))
    labels = dict(AuditVerb.choices)
    # The views' reasons (their purposes) are stored sealed: opened in one query.
    reasons = readable_reasons(evidence.views) if content else {}
    for (code, who, _), entries in viewed.items():
        kinds = sorted({labels.get(e.verb, e.verb) for e in entries})
        add(
            codes.get(code, code or "No agency"),
            KnowledgeLine(
                when=event_time(entries[0]),
                timed=True,
                kind="Viewed",
                what=f"Viewed: {', '.join(kinds).lower()}"
                + (f" ({len(entries)} times that day)" if len(entries) > 1 else ""),
                who=who,
                detail="; ".join(sorted({str(reasons[e.sequence]) for e in entries if e.reason}))
                if content
                else "",
                evidence=[e.sequence for e in entries],
            ),
        )
    agencies = []
    for knowledge in by_agency.values():
        knowledge.lines = sorted(
            (
                line
                for line in knowledge.lines
                if (start is None or timezone.localtime(line.when).date() >= start)
                and (end is None or timezone.localtime(line.when).date() <= end)
            ),
            key=lambda line: (line.when, line.kind),
        )
        if knowledge.lines:
            agencies.append(knowledge)
    agencies.sort(key=lambda k: (k.first_known or timezone.now(), k.agency))
    return KnowledgeReport(agencies, start, end)


def open_knowledge_report(user: User, person_id: uuid.UUID | str) -> Person:
    """The child a "who knew what" report is about: for managers and the MASH with sight of
    the child, and for auditors (who see the trail, not the case content)."""
    from safeguarding.people.queries import access_person

    if user.role in AUDIT_ROLES:
        try:
            person = Person.objects.filter(pk=uuid.UUID(str(person_id))).first()
        except ValueError:
            person = None
        if person is None:
            raise Http404
    elif user.role in KNOWLEDGE_REPORT_ROLES:
        person = access_person(user, person_id, purpose="who knew what report")
    else:
        raise Http404
    record(
        AuditVerb.KNOWLEDGE_REPORT_EXPORTED,
        actor=user,
        target_type=TargetType.PERSON,
        target_id=person.pk,
    )
    return person
