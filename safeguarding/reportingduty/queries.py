"""Reads of duty-to-report records, enforced here and audited.

A record is seen by the reporter, their line manager, the team managers and designated
safeguarding leads of the reporter's agency, case-work staff of each police force or local
authority told under the record, and, once an attempt to stop the report is recorded, the
police of the child's area (who were told of it).
"""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.policy import does_case_work
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.reportingduty.actions import SUPERVISING_ROLES
from safeguarding.reportingduty.models import (
    AbuseReport,
    DutyNotification,
    InvolvedPerson,
    ReportObstruction,
)

LIST_LIMIT = 200


def visible_reports(user: User) -> QuerySet[AbuseReport]:
    if not does_case_work(user) or user.agency is None:
        return AbuseReport.objects.none()
    condition = Q(reporter=user) | Q(reporter__manager=user)
    if user.role in SUPERVISING_ROLES:
        condition |= Q(reporter_agency_id=user.agency_id)
    condition |= Q(
        Exists(DutyNotification.objects.filter(report=OuterRef("pk"), recipient=user.agency))
    )
    if user.agency.kind == AgencyKind.POLICE_FORCE and user.agency.home_authority_id:
        condition |= Q(
            Exists(ReportObstruction.objects.filter(report=OuterRef("pk"))),
            local_authority_id=user.agency.home_authority_id,
        )
    return AbuseReport.objects.filter(condition)


def _with_details(reports: QuerySet[AbuseReport]) -> QuerySet[AbuseReport]:
    return reports.select_related(
        "child", "reporter", "reporter_agency", "local_authority", "clock", "concern"
    )


def reports_for(user: User) -> list[AbuseReport]:
    """The records ``user`` may see, those not yet notified first; the list is audited."""
    reports = list(
        _with_details(visible_reports(user)).order_by("first_notified_on", "-aware_on")[:LIST_LIMIT]
    )
    record(
        AuditVerb.ABUSE_REPORT_VIEWED,
        actor=user,
        target_type=TargetType.ABUSE_REPORT_LIST,
        legal_basis=LegalBasis.DUTY_TO_REPORT,
        payload={"reports": [str(report.pk) for report in reports]},
    )
    return reports


def access_report(user: User, report_id: uuid.UUID | str) -> AbuseReport:
    """One record for those who may see it, audited; 404 for anyone else."""
    try:
        key = uuid.UUID(str(report_id))
    except ValueError as error:
        raise Http404 from error
    report = (
        _with_details(visible_reports(user).filter(pk=key))
        .select_related("reporter__manager")
        .prefetch_related(
            Prefetch(
                "notifications",
                queryset=DutyNotification.objects.select_related(
                    "recipient", "recorded_by"
                ).prefetch_related(
                    Prefetch("persons", queryset=InvolvedPerson.objects.order_by("pk"))
                ),
            ),
            Prefetch(
                "obstructions", queryset=ReportObstruction.objects.select_related("recorded_by")
            ),
        )
        .first()
    )
    if report is None:
        raise Http404
    record(
        AuditVerb.ABUSE_REPORT_VIEWED,
        actor=user,
        target_type=TargetType.ABUSE_REPORT,
        target_id=report.pk,
        legal_basis=LegalBasis.DUTY_TO_REPORT,
    )
    return report


def persons_named(report: AbuseReport) -> list[tuple[uuid.UUID, str, str]]:
    """The people named in the report's concern other than the child: (id, name, role),
    offered as those believed involved."""
    return [
        (involvement.person_id, involvement.person.full_name, involvement.get_role_display())
        for involvement in report.concern.involvements.select_related("person").order_by("pk")
        if involvement.person_id != report.child_id
    ]
