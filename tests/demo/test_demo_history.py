"""The demo's history as the service tells it: the audit entries of its past events carry
each event's own time (the chain still verifies), a child's "who knew what, when" reads as a
timeline of those times, not of the moment the demo was built, and the national figures of
the demo area agree with its records."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.audit.chain import EVENT_AT, verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.chronology.knowledge import who_knew_what
from safeguarding.concerns.models import Concern
from safeguarding.demo.generator import build_demo
from safeguarding.mash.models import Contact
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.models import Figure, MonthlyCount, PeriodKind
from tests.taskforce.test_reconciliation import _independent_counts

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def _event_at(entry: AuditEntry) -> datetime:
    return datetime.fromisoformat(entry.payload[EVENT_AT])


def test_the_demo_tells_what_was_known_when_and_its_figures_agree() -> None:
    built_from = timezone.now()
    build_demo(seed=11, scale=0.003, progress=False)
    assert verify_chain().ok

    # Each past event's entry carries the event's own time, as its record holds it.
    concerns = {c.agency_record_id: c.recorded_at for c in Concern.objects.all()}
    recorded = AuditEntry.objects.filter(verb=AuditVerb.CONCERN_RECORDED)
    assert recorded.exists()
    for entry in recorded:
        assert _event_at(entry) == concerns[entry.payload["agency_record_id"]]
    decided = {str(c.pk): c.decided_at for c in Contact.objects.exclude(decided_at=None)}
    decisions = AuditEntry.objects.filter(verb=AuditVerb.CONTACT_DECIDED)
    assert decisions.exists()
    for entry in decisions:
        assert _event_at(entry) == decided[entry.target_id]
    days = {str(e.pk): e.occurred_on for e in PathwayEvent.objects.all()}
    events = AuditEntry.objects.filter(verb=AuditVerb.PATHWAY_EVENT_RECORDED)
    assert events.exists()
    for entry in events:
        assert timezone.localtime(_event_at(entry)).date() == days[entry.payload["event"]]
    # Entries are still written in order: the chain's own times never go back.
    written = list(AuditEntry.objects.order_by("sequence").values_list("occurred_at", flat=True))
    assert written == sorted(written)

    # A child taken through the pathway: every line of the report is a past moment, the
    # reads of the child among them at the days their events were recorded.
    by_child = Counter(PathwayEvent.objects.values_list("person_id", flat=True))
    person = Person.objects.get(pk=by_child.most_common(1)[0][0])
    report = who_knew_what(person)
    lines = [line for agency in report.agencies for line in agency.lines]
    kinds = Counter(line.kind for line in lines)
    assert kinds["Recorded"]
    assert kinds["Viewed"]
    assert kinds["Decided"]
    assert all(line.when < built_from for line in lines), [
        (line.kind, line.what, line.when) for line in lines if line.when >= built_from
    ]
    event_days = set(
        PathwayEvent.objects.filter(person=person).values_list("occurred_on", flat=True)
    )
    viewed_days = {timezone.localtime(line.when).date() for line in lines if line.kind == "Viewed"}
    assert viewed_days & event_days
    # Each agency's timeline runs in time order.
    for agency in report.agencies:
        assert [line.when for line in agency.lines] == sorted(line.when for line in agency.lines)

    # The figures the issue found contradicting each other agree with the records.
    independent = _independent_counts(timezone.localdate())
    refreshed = Counter(
        {
            (agency, measure, month): value
            for agency, month, measure, value in MonthlyCount.objects.values_list(
                "agency_id", "month", "measure", "value"
            )
            if measure in {key for _, key, _ in independent}
        }
    )
    assert refreshed == independent
    years = Figure.objects.filter(area__isnull=True, period_kind=PeriodKind.YEAR)
    totals: Counter[str] = Counter()
    for figure in years:
        totals[figure.measure] += figure.value
    # The demo's children reach enquiries, assessments and plans: none reads 0.
    for measure in (m.REFERRALS, m.ASSESSMENTS, m.SECTION_47, m.PLANS):
        assert totals[measure] > 0, measure
    # A police force is never given a council's referrals.
    assert not Figure.objects.filter(
        area__kind=AgencyKind.POLICE_FORCE, measure=m.REFERRALS, value__gt=0
    ).exists()
