"""Who knew what, and when, about one child: drawn from the audit log itself, so that it
shows every view, decision and missed deadline exactly as recorded at the time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import Http404

from safeguarding.access.models import User
from safeguarding.access.roles import AUDIT_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.clocks.models import Clock
from safeguarding.concerns.models import Concern
from safeguarding.mash.models import Contact
from safeguarding.people.models import Person

# Verbs that record someone learning of, or acting on, the child.
KNOWLEDGE_VERBS = {
    AuditVerb.PERSON_VIEWED,
    AuditVerb.PERSON_CREATED,
    AuditVerb.CONCERN_RECORDED,
    AuditVerb.CONCERN_UPDATED,
    AuditVerb.CONCERN_VIEWED,
    AuditVerb.BREAK_GLASS_GRANTED,
    AuditVerb.CONTACT_VIEWED,
    AuditVerb.CONTACT_RATED,
    AuditVerb.CONTACT_ALLOCATED,
    AuditVerb.CONTACT_DECIDED,
    AuditVerb.INFORMATION_REQUESTED,
    AuditVerb.INFORMATION_SHARED,
    AuditVerb.PATHWAY_EVENT_RECORDED,
    AuditVerb.CLOCK_STARTED,
    AuditVerb.CLOCK_MET,
    AuditVerb.CLOCK_ESCALATED,
    AuditVerb.CLOCK_DELAY_EXPLAINED,
    AuditVerb.CLOCK_REMINDER_SENT,
    AuditVerb.CHRONOLOGY_VIEWED,
    AuditVerb.CHRONOLOGY_EXPORTED,
    AuditVerb.CASE_ROLE_ASSIGNED,
}


KNOWLEDGE_REPORT_ROLES = frozenset({Role.TEAM_MANAGER, Role.MASH_TRIAGE})


@dataclass(frozen=True)
class KnowledgeRow:
    sequence: int
    when: datetime
    who: str
    agency: str
    what: str
    reason: str


def who_knew_what(person: Person) -> list[KnowledgeRow]:
    concern_ids = [
        str(pk)
        for pk in Concern.objects.filter(involvements__person=person)
        .values_list("pk", flat=True)
        .distinct()
    ]
    contact_ids = [
        str(pk)
        for pk in Contact.objects.filter(concern_id__in=concern_ids).values_list("pk", flat=True)
    ]
    clock_ids = [str(pk) for pk in Clock.objects.filter(person=person).values_list("pk", flat=True)]
    condition = (
        Q(target_type=TargetType.PERSON, target_id=str(person.pk))
        | Q(target_type=TargetType.CONCERN, target_id__in=concern_ids)
        | Q(target_type=TargetType.CONTACT, target_id__in=contact_ids)
        | Q(target_type=TargetType.CLOCK, target_id__in=clock_ids)
    )
    labels = dict(AuditVerb.choices)
    return [
        KnowledgeRow(
            sequence=entry.sequence,
            when=entry.occurred_at,
            who=entry.actor_label,
            agency=entry.agency_code,
            what=labels.get(entry.verb, entry.verb),
            reason=entry.reason,
        )
        for entry in AuditEntry.objects.filter(condition, verb__in=KNOWLEDGE_VERBS).order_by(
            "sequence"
        )
    ]


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
