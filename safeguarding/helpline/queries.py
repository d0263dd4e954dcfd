"""Every read of helpline reports goes through here. Access is decided from roles,
agencies, exclusions and assignments alone, before any key is touched: a failed decryption
is never what keeps someone out."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import AGGREGATE_ONLY_ROLES, HELPLINE_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.helpline.models import (
    Exclusion,
    Message,
    Report,
    ReportKey,
    RoutedReferral,
    Status,
)


def is_helpline_staff(user: User) -> bool:
    return (
        user.is_active
        and user.role in HELPLINE_ROLES
        and user.agency is not None
        and user.agency.kind == AgencyKind.HELPLINE
        and user.agency.is_active
    )


def reads_helpline_statistics(user: User) -> bool:
    """Taskforce analysts read every helpline's counts (never a report); helpline staff
    read their own helpline's."""
    return user.is_active and (user.role in AGGREGATE_ONLY_ROLES or is_helpline_staff(user))


def _not_excluded(user: User) -> Q:
    """Reports that neither name the user's agency nor exclude the user."""
    return ~Q(named_agencies=user.agency_id) & ~Q(excluded_users=user.pk)


def visible_reports(user: User) -> QuerySet[Report]:
    """The reports a member of helpline staff may see in lists and searches."""
    if not is_helpline_staff(user):
        return Report.objects.none()
    excluded = Report.objects.filter(Q(named_agencies=user.agency_id) | Q(excluded_users=user.pk))
    return Report.objects.filter(helpline=user.agency_id).exclude(pk__in=excluded.values("pk"))


def can_see(user: User, report: Report) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


def is_assigned(user: User, report: Report) -> bool:
    return can_see(user, report) and ReportKey.objects.filter(report=report, user=user).exists()


def queue(user: User, *, quarantined: bool = False) -> list[Report]:
    reports = visible_reports(user)
    if quarantined:
        reports = reports.filter(status=Status.QUARANTINED)
    else:
        reports = reports.exclude(status__in=(Status.QUARANTINED, Status.CLOSED))
    found = list(reports.select_related("area").order_by("-child_in_danger", "received_on"))
    # No count: two views' counts would date a report between them.
    record(AuditVerb.HELPLINE_QUEUE_VIEWED, actor=user, payload={"quarantined": quarantined})
    return found


def find_reports(user: User, reference: str) -> list[Report]:
    """Reports whose reference starts with ``reference``, among those the user may see."""
    wanted = reference.strip().lower().replace("-", "")
    if not wanted:
        return []
    ids = [
        pk for pk in visible_reports(user).values_list("pk", flat=True) if pk.hex.startswith(wanted)
    ]
    found = list(Report.objects.filter(pk__in=ids).select_related("area"))
    record(AuditVerb.HELPLINE_QUEUE_VIEWED, actor=user, payload={"search": True})
    return found


def assigned_ids(user: User, reports: list[Report]) -> set[object]:
    return set(
        ReportKey.objects.filter(user=user, report__in=reports).values_list("report_id", flat=True)
    )


def access_report(user: User, report_id: str) -> Report:
    """One report, if the user may see it (404 otherwise: its existence is not disclosed)."""
    report = visible_reports(user).filter(pk=report_id).select_related("area", "helpline").first()
    if report is None:
        raise Http404
    record(
        AuditVerb.HELPLINE_REPORT_VIEWED,
        actor=user,
        target_type=TargetType.HELPLINE_REPORT,
        target_id=report.pk,
    )
    return report


def report_key_for(user: User, report: Report) -> ReportKey | None:
    if not can_see(user, report):
        return None
    return ReportKey.objects.filter(report=report, user=user).first()


def messages_of(report: Report) -> list[Message]:
    return list(report.messages.select_related("author").order_by("position"))


def named_agencies_of(report: Report) -> list[Agency]:
    return list(report.named_agencies.order_by("name"))


def assignable_staff(report: Report) -> list[User]:
    """Helpline staff who could be given the report: same helpline, not excluded, with a
    key pair, not already assigned."""
    candidates = User.objects.filter(
        agency=report.helpline, role=Role.HELPLINE_STAFF, is_active=True, helpline_key__isnull=False
    ).exclude(pk__in=report.excluded_users.values("pk"))
    if report.named_agencies.filter(pk=report.helpline_id).exists():
        return []
    return list(candidates.exclude(pk__in=report.keys.values("user_id")).order_by("username"))


def conflict_candidates(report: Report) -> list[User]:
    """Helpline staff who could be declared conflicted: those not already excluded."""
    return list(
        User.objects.filter(agency=report.helpline, role=Role.HELPLINE_STAFF, is_active=True)
        .exclude(pk__in=report.excluded_users.values("pk"))
        .order_by("username")
    )


def exclusion_of(report: Report, exclusion_id: int) -> Exclusion | None:
    """One of a report's exclusions (the report already checked by access_report)."""
    return Exclusion.objects.filter(report=report, pk=exclusion_id).first()


def assigned_staff(report: Report) -> list[User]:
    return list(User.objects.filter(pk__in=report.keys.values("user_id")).order_by("username"))


def referral_recipients_q() -> Q:
    return Q(
        kind__in=(AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE_FORCE, AgencyKind.NATIONAL_BODY),
        is_active=True,
    )


def referrals_of(report: Report) -> list[RoutedReferral]:
    return list(report.referrals.select_related("to_agency", "sent_by").order_by("sent_at"))


# The roles at a receiving agency that act on a referral: not everyone there (HR, finance,
# practitioners on other work) needs to know what a whistleblower said. At an inspectorate,
# its inspectors: bad practice in a service they inspect is theirs to act on.
REFERRAL_ROLES = (
    Role.MASH_TRIAGE,
    Role.TEAM_MANAGER,
    Role.POLICE_ANALYST,
    Role.TASKFORCE_ANALYST,
    Role.INSPECTOR,
)


def referral_readers(agency: Agency, report: Report) -> QuerySet[User]:
    """Who at ``agency`` may read a referral of ``report``: the roles that act on it, and
    nobody the report names or excludes."""
    if report.named_agencies.filter(pk=agency.pk).exists():
        return User.objects.none()
    return User.objects.filter(agency=agency, is_active=True, role__in=REFERRAL_ROLES).exclude(
        pk__in=report.excluded_users.values("pk")
    )


def referrals_received_by(user: User) -> QuerySet[RoutedReferral] | None:
    """The referrals routed to the user's agency that they act on, newest first: never those
    of a report naming their agency or excluding them. None for those who act on none. The
    list names no one (a reference and a date each), so reading it is not audited; opening
    one is."""
    if user.agency_id is None or not user.is_active or user.role not in REFERRAL_ROLES:
        return None
    return (
        RoutedReferral.objects.filter(to_agency_id=user.agency_id)
        .exclude(report__named_agencies=user.agency_id)
        .exclude(report__excluded_users=user.pk)
        .select_related("report__helpline")
        .order_by("-sent_at", "pk")
    )


def access_referral(user: User, referral_id: str) -> RoutedReferral:
    """A routed referral, for the staff of the receiving agency who act on referrals (never
    of a named agency, never anyone the report excludes)."""
    received = referrals_received_by(user)
    referral = (
        None
        if received is None
        else received.filter(pk=referral_id).select_related("to_agency").first()
    )
    if referral is None:
        raise Http404
    record(
        AuditVerb.HELPLINE_REPORT_VIEWED,
        actor=user,
        target_type=TargetType.HELPLINE_REFERRAL,
        target_id=referral.pk,
    )
    return referral


def reports_needing_recovery(user: User) -> list[Report]:
    """Reports the user may see that no active member of staff holds a key to (everyone
    assigned has left): only recovery, with both shares, can open them again."""
    held = ReportKey.objects.filter(user__is_active=True).values("report_id")
    return list(visible_reports(user).exclude(pk__in=held).order_by("received_on"))


def report_for_reporter(report_id: str) -> Report | None:
    """The report a reporter's sealed pass names (the pass itself proves the receipt)."""
    return Report.objects.filter(pk=report_id).first()
