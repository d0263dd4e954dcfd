"""Reports under the duty to report child sexual abuse about a person, and the people
named to the police or local authority in them, for the registry of holdings (decision
0016). A report goes with its child or its concern; a person named in another child's
report is taken out of it."""

from __future__ import annotations

import uuid

from django.db.models import Q

from safeguarding.clocks.models import Clock
from safeguarding.concerns.holdings import concerns_only_about
from safeguarding.records.holdings import Erasing, HeldItem, register_provider
from safeguarding.reportingduty.models import (
    AbuseReport,
    DutyNotification,
    InvolvedPerson,
    ReportObstruction,
)

KINDS = {"abuse-report": "Report under the duty to report child sexual abuse"}


def _reports(person_id: uuid.UUID) -> Q:
    return (
        Q(child_id=person_id)
        | Q(concern_id__in=concerns_only_about(person_id))
        | Q(notifications__persons__person_id=person_id)
    )


def held(person_id: uuid.UUID) -> list[HeldItem]:
    items = []
    for report in (
        AbuseReport.objects.filter(_reports(person_id))
        .distinct()
        .select_related("reporter_agency", "child")
    ):
        involved = InvolvedPerson.objects.filter(notification__report=report)
        others = tuple(sorted({p.name for p in involved if p.person_id != person_id}))
        items.append(
            HeldItem(
                source="reportingduty",
                kind="abuse-report",
                item_id=str(report.pk),
                agency_code=report.reporter_agency.code,
                recorded_on=report.aware_on,
                title="Report of child sexual abuse under the duty to report",
                fields=(
                    ("Aware on", report.aware_on.isoformat()),
                    ("Others aware", report.others_aware),
                    ("Reason for delay", report.delay_reason),
                    *((f"Named: {p.name}", p.why) for p in involved),
                ),
                third_parties=others,
            )
        )
    return items


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    removed = InvolvedPerson.objects.filter(person_id=person_id).delete()[0]
    gone = AbuseReport.objects.filter(
        Q(child_id=person_id) | Q(concern_id__in=concerns_only_about(person_id))
    )
    gone_ids = list(gone.values_list("pk", flat=True))
    clocks = list(gone.values_list("clock_id", flat=True))
    removed += InvolvedPerson.objects.filter(notification__report_id__in=gone_ids).delete()[0]
    removed += DutyNotification.objects.filter(report_id__in=gone_ids).delete()[0]
    removed += ReportObstruction.objects.filter(report_id__in=gone_ids).delete()[0]
    removed += AbuseReport.objects.filter(pk__in=gone_ids).delete()[0]
    subjects = [f"abuse-report:{pk}" for pk in gone_ids]
    removed += Clock.objects.filter(Q(pk__in=clocks) | Q(subject__in=subjects)).delete()[0]
    return removed


def register() -> None:
    register_provider("reportingduty", rank=10, held=held, erase=erase, kinds=KINDS)
