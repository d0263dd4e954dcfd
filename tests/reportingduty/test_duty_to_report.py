"""The duty to report child sexual abuse: a record opens when someone under the duty
records a concern of sexual abuse or exploitation; a concern that reached the local
authority's MASH through the service meets the duty; otherwise the police or local
authority must be told by the deadline, which a recorded danger to the child may push back
up to 7 days; a missed deadline alerts the reporter and their manager; attempts to stop a
report reach the police."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access import actions as access_actions
from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import escalate_clocks
from safeguarding.clocks.calendar import add_working_days
from safeguarding.clocks.models import Clock, ClockState
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import Concern, ConcernCategory, PersonRole
from safeguarding.notifications.models import Notification
from safeguarding.reportingduty.actions import (
    Involvement,
    NotificationDetails,
    ObstructionDetails,
    delay_report,
    flag_missed_deadlines,
    notify_authorities,
    notify_authority,
    record_disclosure,
    record_obstruction,
)
from safeguarding.reportingduty.alerts import on_concern_recorded
from safeguarding.reportingduty.models import (
    AbuseReport,
    DutyNotification,
    HowKnown,
    InvolvedPerson,
    NotificationMethod,
)
from tests.batches import written
from tests.factories import (
    PASSWORD,
    Area,
    adult_details,
    child_details,
    make_agency,
    make_concern,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

TODAY = timezone.localdate


def _days_ago(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(TODAY() - timedelta(days=days), time(12, 0)))


@pytest.fixture(autouse=True)
def unstaffed(area: Area) -> Agency:
    """An authority with nobody on the service to receive a concern, and its police force:
    a concern sent there reaches nobody, so its record's clock runs. The police analyst of
    the force covering it is told of attempts to stop a report."""
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-NOHUB", name="Nohub Council")
    force = make_agency(AgencyKind.POLICE_FORCE, code="POL-NOHUB", home_authority=council)
    make_user(Role.POLICE_ANALYST, force, username="nohub-police")
    return council


def _disclosure(
    area: Area,
    recorder: User | None = None,
    *,
    days_ago: int = 0,
    local_authority: Agency | None = None,
    **extra,
) -> Concern:
    """A disclosure sent to an authority with nobody to receive it, unless another is given."""
    return make_concern(
        recorder or area.dsl,
        local_authority=local_authority or Agency.objects.get(code="LA-NOHUB"),
        child=child_details("Maya", "Thornton"),
        others=[(PersonRole.ADULT_OF_CONCERN, adult_details("Gary", "Lund"))],
        category=extra.pop("category", ConcernCategory.SEXUAL_ABUSE),
        summary="Maya told her teacher that her swimming coach touched her.",
        recorded_at=_days_ago(days_ago) if days_ago else None,
        **extra,
    )


def _report(area: Area, **kwargs) -> AbuseReport:
    return AbuseReport.objects.get(concern=_disclosure(area, **kwargs))


def _tell(area: Area, report: AbuseReport, *, on=None, recipient=None, involved=None, actor=None):
    return notify_authority(
        actor=actor or area.dsl,
        report=report,
        details=NotificationDetails(
            recipient=recipient or area.police,
            notified_on=on or TODAY(),
            method=NotificationMethod.PHONE,
            reference="CAD 1182",
            involved=involved or [],
        ),
    )


# Opening a record -------------------------------------------------------------------------


def test_a_disclosure_recorded_by_a_school_opens_a_record_with_its_clock(area: Area):
    concern = _disclosure(area)
    report = AbuseReport.objects.get(concern=concern)
    child = concern.involvements.get(role=PersonRole.CHILD).person
    assert (report.reporter, report.reporter_agency, report.reporter_role) == (
        area.dsl,
        area.school,
        Role.DESIGNATED_SAFEGUARDING_LEAD,
    )
    assert report.child == child
    assert report.aware_on == TODAY()
    clock = report.clock
    assert clock.clock_type == ClockType.ABUSE_REPORT
    assert clock.due_on == add_working_days(TODAY(), 1)
    assert (clock.authority.code, clock.accountable, clock.person) == ("LA-NOHUB", area.dsl, None)
    assert clock.is_open
    assert report.first_notified_on is None
    entry = AuditEntry.objects.get(verb=AuditVerb.ABUSE_REPORT_RECORDED)
    assert entry.actor_id == area.dsl.pk
    assert entry.payload["concern"] == str(concern.pk)
    told = Notification.objects.get(recipient=area.dsl)
    assert told.link == f"/reporting-duty/{report.pk}/"
    assert "Nohub Council has nobody on the service to receive it" in told.body


def test_a_concern_sent_to_the_mash_through_the_service_meets_the_duty(area: Area):
    concern = _disclosure(area, local_authority=area.council)
    report = AbuseReport.objects.select_related("clock").get(concern=concern)
    assert report.first_notified_on == TODAY()
    assert report.clock.state() == ClockState.MET
    assert not report.was_late()
    notification = report.notifications.get()
    assert (notification.recipient, notification.method, notification.notified_on) == (
        area.council,
        NotificationMethod.HUB,
        TODAY(),
    )
    assert [entry.verb for entry in AuditEntry.objects.filter(verb__startswith="abuse-report")] == [
        AuditVerb.ABUSE_REPORT_RECORDED,
        AuditVerb.ABUSE_REPORT_NOTIFIED,
    ]
    entry = AuditEntry.objects.get(verb=AuditVerb.ABUSE_REPORT_NOTIFIED)
    assert (entry.payload["method"], entry.payload["late"]) == ("hub", False)
    # Nobody is asked to report what the MASH already has, now or later, and the MASH is
    # not told twice.
    assert not Notification.objects.filter(
        recipient__in=[area.dsl, area.mash, area.manager]
    ).exists()
    assert flag_missed_deadlines(today=TODAY() + timedelta(days=30)) == 0
    assert not Clock.objects.filter(clock_type=ClockType.ABUSE_REPORT, met_on__isnull=True).exists()


def test_a_concern_sent_days_after_the_disclosure_met_the_duty_late(area: Area):
    report = _report(area, days_ago=10, local_authority=area.council)
    assert report.first_notified_on == TODAY()
    report.clock.refresh_from_db()
    assert report.clock.state() == ClockState.MET_LATE
    assert report.was_late()
    assert AuditEntry.objects.get(verb=AuditVerb.ABUSE_REPORT_NOTIFIED).payload["late"] is True


def test_staff_cannot_claim_a_notification_through_the_service(area: Area, client_for):
    report = _report(area)
    with pytest.raises(ValidationError, match="Choose how you told them"):
        notify_authority(
            actor=area.dsl,
            report=report,
            details=NotificationDetails(area.police, TODAY(), NotificationMethod.HUB),
        )
    page = client_for(area.dsl).get(reverse("reportingduty:report", args=[report.pk]))
    assert 'value="hub"' not in page.content.decode()


@pytest.mark.parametrize(
    ("role", "opens"),
    [
        ("dsl", True),  # school
        ("health", True),  # NHS practitioner
        ("practitioner", False),  # the local authority is a recipient
        ("mash", False),
        ("police_analyst", False),  # the police are the recipients
    ],
)
def test_who_is_under_the_duty(area: Area, role: str, opens: bool):
    _disclosure(area, getattr(area, role))
    assert AbuseReport.objects.exists() is opens


@pytest.mark.parametrize(
    ("category", "opens"),
    [
        (ConcernCategory.SEXUAL_ABUSE, True),
        (ConcernCategory.SEXUAL_EXPLOITATION, True),
        (ConcernCategory.NEGLECT, False),
        (ConcernCategory.CRIMINAL_EXPLOITATION, False),
    ],
)
def test_which_concerns_are_reports_of_sexual_abuse(area: Area, category: str, opens: bool):
    _disclosure(area, category=category)
    assert AbuseReport.objects.exists() is opens


def test_other_categories_cost_no_query(area: Area):
    concern = _disclosure(area, category=ConcernCategory.NEGLECT)
    with CaptureQueriesContext(connection) as queries:
        assert on_concern_recorded(concern) == 0
    assert len(queries) == 0


def test_a_resent_concern_keeps_its_one_record(area: Area):
    _disclosure(area, agency_record_id="SCH-77")
    _disclosure(area, agency_record_id="SCH-77")
    assert AbuseReport.objects.count() == 1


def test_how_they_came_to_know(area: Area):
    report = _report(area)
    record_disclosure(
        actor=area.dsl,
        report=report,
        how_known=HowKnown.TOLD_BY_CHILD,
        others_aware="Mr Patel, class teacher, was told first.",
    )
    report.refresh_from_db()
    assert report.how_known == HowKnown.TOLD_BY_CHILD
    with pytest.raises(ValidationError):
        record_disclosure(actor=area.dsl, report=report, how_known="rumour", others_aware="")
    with pytest.raises(PermissionDenied):
        record_disclosure(
            actor=area.police_analyst,
            report=report,
            how_known=HowKnown.WITNESSED,
            others_aware="",
        )


# Telling the police or the local authority ------------------------------------------------


def test_telling_the_police_in_time_meets_the_clock(area: Area):
    report = _report(area)
    adult = report.concern.involvements.get(role=PersonRole.ADULT_OF_CONCERN).person
    _tell(
        area,
        report,
        involved=[
            Involvement(name="Gary Lund", why="Maya named him as her coach.", person_id=adult.pk),
            Involvement(name="An assistant coach", why="Maya said he was present."),
        ],
    )
    report.refresh_from_db()
    assert report.first_notified_on == TODAY()
    report.clock.refresh_from_db()
    assert report.clock.state() == ClockState.MET
    notification = report.notifications.get()
    assert [(p.name, p.person_id) for p in notification.persons.order_by("pk")] == [
        ("Gary Lund", adult.pk),
        ("An assistant coach", None),
    ]
    entry = AuditEntry.objects.get(verb=AuditVerb.ABUSE_REPORT_NOTIFIED)
    assert entry.payload["recipient"] == area.police.code
    assert entry.payload["late"] is False
    assert entry.payload["persons"] == [str(adult.pk), "not on record"]
    told = Notification.objects.get(recipient=area.police_analyst)
    assert "Maya" not in told.body
    assert not Notification.objects.filter(recipient=area.other_police_analyst).exists()


def test_telling_the_local_authority_reaches_its_mash(area: Area):
    report = _report(area)
    _tell(area, report, recipient=area.council)
    assert Notification.objects.filter(recipient=area.mash).exists()
    assert Notification.objects.filter(recipient=area.manager).exists()


def test_a_late_notification_is_recorded_as_late(area: Area):
    report = _report(area, days_ago=10)
    _tell(area, report)
    report.clock.refresh_from_db()
    assert report.clock.state() == ClockState.MET_LATE
    assert AuditEntry.objects.get(verb=AuditVerb.ABUSE_REPORT_NOTIFIED).payload["late"] is True


def test_notification_rules(area: Area):
    report = _report(area, days_ago=2)
    for recipient, on in (
        (area.school, TODAY()),
        (area.police, TODAY() - timedelta(days=3)),
        (area.police, TODAY() + timedelta(days=1)),
    ):
        with pytest.raises(ValidationError):
            _tell(area, report, recipient=recipient, on=on)
    with pytest.raises(ValidationError, match="why you believe Gary"):
        _tell(area, report, involved=[Involvement(name="Gary", why=" ")])
    with pytest.raises(ValidationError, match="named in the concern"):
        _tell(area, report, involved=[Involvement(name="X", why="Y", person_id=uuid.uuid4())])


# A permitted delay ----------------------------------------------------------------------------


def test_a_delay_of_up_to_seven_days_with_a_reason(area: Area):
    report = _report(area, days_ago=2)
    delay_report(
        actor=area.dsl,
        report=report,
        reason="Maya lives with the coach's brother; telling now would put her at risk tonight.",
    )
    report.refresh_from_db()
    assert report.delayed_until == TODAY() + timedelta(days=5)
    assert report.due_on == report.aware_on + timedelta(days=7)
    entry = AuditEntry.objects.get(verb=AuditVerb.CLOCK_DELAY_EXPLAINED)
    assert entry.target_id == str(report.pk)
    assert "put her at risk" in readable_reason(entry).text
    _tell(area, report)  # on day 2 of 7: in time
    report.clock.refresh_from_db()
    assert report.clock.state() == ClockState.MET
    assert not report.was_late()


def test_a_delay_needs_a_reason(area: Area):
    report = _report(area, days_ago=6)
    with pytest.raises(ValidationError, match="endanger the child"):
        delay_report(actor=area.dsl, report=report, reason="Busy")
    # Without a recorded reason, telling them on day 6 is late.
    _tell(area, report)
    report.clock.refresh_from_db()
    assert report.clock.state() == ClockState.MET_LATE


def test_no_delay_beyond_seven_days(area: Area):
    report = _report(area, days_ago=8)
    with pytest.raises(ValidationError, match="no more than 7 days"):
        delay_report(
            actor=area.dsl, report=report, reason="Telling now would endanger the child badly."
        )
    report = _report(area, days_ago=7)  # the seventh day is still allowed
    delay_report(actor=area.dsl, report=report, reason="Telling now would endanger the child.")
    assert report.due_on == TODAY()


def test_no_delay_after_telling_them(area: Area):
    report = _report(area)
    _tell(area, report)
    with pytest.raises(ValidationError, match="already been told"):
        delay_report(actor=area.dsl, report=report, reason="Telling now would endanger her.")


# The missed deadline -----------------------------------------------------------------------


@pytest.fixture
def reporter_with_manager(area: Area) -> User:
    head = access_actions.create_user(
        actor=None,
        username="head",
        password=PASSWORD,
        role=Role.TEAM_MANAGER,
        agency=area.school,
        check_password_strength=False,
    )
    return access_actions.create_user(
        actor=None,
        username="teacher",
        password=PASSWORD,
        role=Role.PRACTITIONER,
        agency=area.school,
        manager=head,
        check_password_strength=False,
    )


def test_a_missed_deadline_alerts_the_reporter_and_their_manager(
    area: Area, reporter_with_manager: User
):
    report = _report(area, recorder=reporter_with_manager, days_ago=6)
    due = report.due_on
    assert due < TODAY()
    assert flag_missed_deadlines(today=due) == 0
    Notification.objects.all().delete()
    assert flag_missed_deadlines() == 1
    assert flag_missed_deadlines() == 0  # once only
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"teacher", "head"}
    entry = AuditEntry.objects.get(verb=AuditVerb.REPORTING_DEADLINE_MISSED)
    assert entry.actor_id is None
    assert entry.target_id == str(report.pk)
    report.refresh_from_db()
    assert report.deadline_missed_at is not None
    # The clocks' own escalation does not tell them a second time.
    escalate_clocks()
    assert not AuditEntry.objects.filter(
        verb=AuditVerb.CLOCK_ESCALATED, target_id=str(report.clock_id)
    ).exists()
    # The record still shows the facts once they do report.
    _tell(area, report, actor=reporter_with_manager)
    report.refresh_from_db()
    assert report.was_late()
    assert report.deadline_missed_at is not None


def test_no_alert_when_they_reported_in_time_or_within_a_permitted_delay(area: Area):
    told = _report(area)
    _tell(area, told)
    delayed = _report(area, days_ago=1, agency_record_id="SCH-2")
    delay_report(actor=area.dsl, report=delayed, reason="Telling now would endanger the child.")
    assert flag_missed_deadlines(today=TODAY() + timedelta(days=5)) == 0
    assert flag_missed_deadlines(today=TODAY() + timedelta(days=7)) == 1


# Attempts to stop a report ------------------------------------------------------------------


def test_an_attempt_to_stop_the_report_reaches_the_police_of_the_childs_area(
    area: Area, client_for
):
    report = _report(area)
    url = reverse("reportingduty:report", args=[report.pk])
    assert client_for(area.police_analyst).get(url).status_code == 404
    record_obstruction(
        actor=area.dsl,
        report=report,
        obstruction=ObstructionDetails(
            occurred_on=TODAY(),
            by_whom="The club's chair",
            details="Said the school would lose the pool booking if it went to the police.",
        ),
    )
    local_police = User.objects.get(username="nohub-police")
    entry = AuditEntry.objects.get(verb=AuditVerb.REPORT_OBSTRUCTION_RECORDED)
    assert entry.payload["forces"] == ["POL-NOHUB"]
    assert entry.payload["told"] == [local_police.pk]
    assert Notification.objects.filter(recipient=local_police).exists()
    assert not Notification.objects.filter(recipient=area.police_analyst).exists()
    page = client_for(local_police).get(url)
    assert page.status_code == 200
    assert "The club&#x27;s chair" in page.content.decode()
    assert client_for(area.police_analyst).get(url).status_code == 404


# Who sees a record -----------------------------------------------------------------------------


def test_who_sees_a_record(area: Area, client_for):
    report = _report(area)
    url = reverse("reportingduty:report", args=[report.pk])
    second_dsl = access_actions.create_user(
        actor=None,
        username="dsl-2",
        password=PASSWORD,
        role=Role.DESIGNATED_SAFEGUARDING_LEAD,
        agency=area.school,
        check_password_strength=False,
    )
    for user, status in (
        (area.dsl, 200),
        (second_dsl, 200),
        (area.police_analyst, 404),
        (area.practitioner, 404),
        (area.mash, 404),
        (area.health, 404),
        (area.taskforce_analyst, 403),
        (area.auditor, 403),
    ):
        assert client_for(user).get(url).status_code == status, user.username
    _tell(area, report, recipient=area.police)
    assert client_for(area.police_analyst).get(url).status_code == 200
    assert client_for(area.other_police_analyst).get(url).status_code == 404
    viewed = AuditEntry.objects.filter(
        verb=AuditVerb.ABUSE_REPORT_VIEWED, target_id=str(report.pk)
    ).values_list("actor_id", flat=True)
    assert set(viewed) == {area.dsl.pk, second_dsl.pk, area.police_analyst.pk}


def test_a_recipient_reads_but_does_not_write(area: Area, client_for):
    report = _report(area)
    _tell(area, report)
    client = client_for(area.police_analyst)
    page = client.get(reverse("reportingduty:report", args=[report.pk])).content.decode()
    assert "Record who you told" not in page
    for action in ("notify", "delay", "disclosure", "obstruction"):
        response = client.post(reverse(f"reportingduty:{action}", args=[report.pk]), {})
        assert response.status_code == 403


# Pages --------------------------------------------------------------------------------------------


def _date(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_tell_the_police_through_the_page(area: Area, client_for):
    report = _report(area)
    client = client_for(area.dsl)
    listing = client.get(reverse("reportingduty:list")).content.decode()
    assert "Maya Thornton" in listing
    assert "To report" in listing
    page = client.get(reverse("reportingduty:report", args=[report.pk])).content.decode()
    assert "Why you believe Gary Lund (adult of concern) was involved" in page

    bad = client.post(reverse("reportingduty:notify", args=[report.pk]), {"other_name": "Kev"})
    assert bad.status_code == 400
    body = bad.content.decode()
    for message in (
        "Choose the police force or local authority you told",
        "Enter the date you told them",
        "Choose how you told them",
        "Say why you believe they were involved",
    ):
        assert message in body

    response = client.post(
        reverse("reportingduty:notify", args=[report.pk]),
        {
            "recipient": area.police.pk,
            **_date("notified_on", TODAY()),
            "method": "phone",
            "reference": "CAD 1182",
            "why_0": "Maya named him.",
        },
    )
    assert response.status_code == 302
    (involved,) = report.notifications.get().persons.all()
    assert involved.name == "Gary Lund"
    listing = client.get(reverse("reportingduty:list")).content.decode()
    assert "Reported" in listing


def test_delay_disclosure_and_obstruction_through_the_page(area: Area, client_for):
    report = _report(area)
    client = client_for(area.dsl)
    short = client.post(reverse("reportingduty:delay", args=[report.pk]), {"reason": "Risky"})
    assert short.status_code == 400
    assert "in at least 20 characters" in short.content.decode()
    assert (
        client.post(
            reverse("reportingduty:delay", args=[report.pk]),
            {"reason": "Her abuser collects her from school today."},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("reportingduty:disclosure", args=[report.pk]),
            {"how_known": HowKnown.TOLD_BY_CHILD, "others_aware": ""},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("reportingduty:obstruction", args=[report.pk]),
            {
                **_date("occurred_on", TODAY()),
                "by_whom": "A parent governor",
                "details": "Told me not to involve the police.",
            },
        ).status_code
        == 302
    )
    page = client.get(reverse("reportingduty:report", args=[report.pk])).content.decode()
    assert "Her abuser collects her from school today." in page
    assert "the child told them" in page
    assert "A parent governor" in page


def test_views_read_records_only_through_the_queries():
    import ast
    from pathlib import Path

    import safeguarding.reportingduty.views as views

    tree = ast.parse(Path(views.__file__).read_text())
    assert [
        n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "objects"
    ] == []


def test_the_worker_flags_a_missed_deadline_before_escalating_its_clock(
    area: Area, reporter_with_manager: User, capsys
):
    from safeguarding.cli import main

    report = _report(area, recorder=reporter_with_manager, days_ago=6)
    assert main(["worker", "--once"]) == 0
    assert "1 missed duty-to-report deadline(s)" in capsys.readouterr().out
    report.refresh_from_db()
    assert report.deadline_missed_at is not None
    assert AuditEntry.objects.filter(verb=AuditVerb.REPORTING_DEADLINE_MISSED).count() == 1
    assert not AuditEntry.objects.filter(
        verb=AuditVerb.CLOCK_ESCALATED, target_id=str(report.clock_id)
    ).exists()


def _duty_state() -> list[object]:
    return [
        *AbuseReport.objects.order_by("aware_on", "pk").values_list("pk", "first_notified_on"),
        *DutyNotification.objects.order_by("report__aware_on", "notified_on").values_list(
            "report", "recipient", "notified_on", "method", "reference", "recorded_by"
        ),
        *InvolvedPerson.objects.order_by("name").values_list("person", "name", "why"),
        *Clock.objects.order_by("pk").values_list("clock_type", "subject", "met_on"),
        *Notification.objects.order_by("pk").values_list("recipient", "subject", "body", "link"),
    ]


def test_notifying_in_a_batch_writes_what_notifying_one_at_a_time_does(area: Area):
    reports = [_report(area, days_ago=days) for days in (10, 5, 2)]
    gary = reports[2].concern.involvements.get(role=PersonRole.ADULT_OF_CONCERN).person
    told = [
        # A day after the deadline, on the day of knowing, and the day after.
        NotificationDetails(
            area.police, reports[0].due_on + timedelta(days=1), NotificationMethod.PHONE
        ),
        NotificationDetails(area.council, reports[1].aware_on, NotificationMethod.EMAIL),
        NotificationDetails(
            area.police,
            reports[2].aware_on + timedelta(days=1),
            NotificationMethod.ONLINE,
            reference=" CAD 1182 ",
            involved=[Involvement("Gary Lund", "Named by Maya", person_id=gary.pk)],
        ),
    ]

    def fresh() -> list[AbuseReport]:
        found = AbuseReport.objects.select_related("clock").in_bulk([r.pk for r in reports])
        return [found[report.pk] for report in reports]

    def one_at_a_time() -> None:
        for report, details in zip(fresh(), told, strict=True):
            notify_authority(actor=area.dsl, report=report, details=details)

    state, log = written(one_at_a_time, _duty_state)
    together = written(
        lambda: notify_authorities(actor=area.dsl, notices=list(zip(fresh(), told, strict=True))),
        _duty_state,
    )

    assert together == (state, log)
    # Each notification then reaches the recipient's work list, with its receipt.
    assert [row[0] for row in log] == [
        AuditVerb.CLOCK_MET,
        AuditVerb.ABUSE_REPORT_NOTIFIED,
        AuditVerb.HAND_OFF_SENT,
    ] * 3
    assert [row[-1]["late"] for row in log[1::3]] == [True, False, False]
