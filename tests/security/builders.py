"""Records that need a whole pipeline to exist (a helpline report and its referral), built
through the domain actions, for the tests that sweep access to every kind of record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.helpline import actions as helpline_actions
from safeguarding.helpline.models import KnownAs, RecoveryKey, Report, RoutedReferral
from tests.factories import PASSWORD, Area, make_agency, make_user


# The production Argon2id costs (64 MiB, 3 passes) are for attackers, not test runs.
def fast_kdf() -> override_settings:
    return override_settings(HELPLINE_KDF_TIME_COST=1, HELPLINE_KDF_MEMORY_KIB=256)


@dataclass
class HelplineCase:
    helpline: Agency
    caseworker: User
    report: Report
    referral: RoutedReferral


@fast_kdf()
def helpline_case(area: Area, *, to_agency: Agency, what_happened: str) -> HelplineCase:
    """A report about the school, received yesterday, with its account sent on to
    ``to_agency``."""
    helpline = Agency.objects.filter(kind=AgencyKind.HELPLINE).first() or make_agency(
        AgencyKind.HELPLINE, code="HELP", name="National helpline"
    )
    caseworker = User.objects.filter(agency=helpline).first() or make_user(
        Role.HELPLINE_STAFF, helpline, username="helpline-caseworker"
    )
    if not RecoveryKey.objects.filter(helpline=helpline).exists():
        helpline_actions.create_recovery_key(actor=None, helpline=helpline)
    private_key = helpline_actions.unlock_staff_key(actor=caseworker, password=PASSWORD)
    report = helpline_actions.submit_report(
        helpline_actions.ReportDetails(
            what_happened=what_happened,
            organisations="Testshire Academy",
            named_agencies=[area.school],
            area=area.council,
            who="The head teacher",
            when="Last March",
            known_as=KnownAs.ANONYMOUS,
        ),
        today=timezone.localdate() - timedelta(days=1),
    ).report
    opened = helpline_actions.open_report(actor=caseworker, report=report, private_key=private_key)
    referral = helpline_actions.route_referral(
        actor=caseworker,
        opened=opened,
        to_agency=to_agency,
        fields=["what_happened"],
        legal_basis="law-enforcement",
    )
    return HelplineCase(helpline, caseworker, report, referral)


# The sweep of every URL with an id ------------------------------------------------------------

CANARY = "Quillfeather"


@dataclass
class Outsiders:
    """Staff of agencies unrelated to every record the sweep makes: a council, its force,
    a school, an NHS body, another helpline and another inspectorate, in the roles they
    hold. The service-wide roles (system administrators, auditors, the support fund's
    administrators, taskforce analysts) belong to no such agency: their own tests say
    what they reach."""

    web: list[User]
    api: list[User]


def outsiders() -> Outsiders:
    council = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-B", name="Unrelated Council")
    force = make_agency(AgencyKind.POLICE_FORCE, code="POL-B", home_authority=council)
    school = make_agency(AgencyKind.SCHOOL, code="SCH-B", home_authority=council)
    nhs = make_agency(AgencyKind.NHS_BODY, code="NHS-B", home_authority=council)
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP-B", name="Another helpline")
    national = make_agency(AgencyKind.NATIONAL_BODY, code="NAT-B", name="Another inspectorate")
    roles = [
        (Role.PRACTITIONER, council),
        (Role.TEAM_MANAGER, council),
        (Role.MASH_TRIAGE, council),
        (Role.HR_FINANCE, council),
        (Role.INFORMATION_GOVERNANCE, council),
        (Role.POLICE_ANALYST, force),
        (Role.TEAM_MANAGER, force),
        (Role.DESIGNATED_SAFEGUARDING_LEAD, school),
        (Role.PRACTITIONER, nhs),
        (Role.HELPLINE_STAFF, helpline),
        (Role.INSPECTOR, national),
    ]
    web = [
        make_user(role, agency, username=f"b-{agency.code}-{role}".lower())
        for role, agency in roles
    ]
    api = [
        make_user(Role.SYSTEM_INTEGRATION, agency, username=f"b-{agency.code}-system", totp=False)
        for agency in (council, force, school)
    ]
    return Outsiders(web, api)


@dataclass
class Records:
    """Agency A's records of every kind a URL names, by kind: the id to put in the URL."""

    ids: dict[str, Any]
    # Text only A's staff may read, in addition to CANARY.
    secrets: list[str]


@fast_kdf()
def agency_a_records(area: Area) -> Records:
    from safeguarding.casework.actions import AssessmentDetails, EpisodeDetails, save_episode
    from safeguarding.clocks.models import Clock
    from safeguarding.collaboration.actions import RequestDetails, request_collaboration
    from safeguarding.collaboration.models import Ask, SubjectKind, Urgency
    from safeguarding.concerns.models import ConcernCategory, PersonRole
    from safeguarding.exitpayments import actions as exits
    from safeguarding.exitpayments.models import Recovery
    from safeguarding.fund import actions as fund_actions
    from safeguarding.helpline import attachments
    from safeguarding.helpline.conflicts import declare_conflict
    from safeguarding.inspections.actions import record_finding, set_action
    from safeguarding.inspections.models import FindingKind
    from safeguarding.linkage.actions import confirm_match
    from safeguarding.mash.actions import request_information
    from safeguarding.networks.actions import rebuild_networks
    from safeguarding.networks.models import Cluster, NetworkAlert
    from safeguarding.people.grants import grant_break_glass
    from safeguarding.reportingduty.models import AbuseReport
    from safeguarding.retention.actions import HoldDetails, place_hold
    from safeguarding.retention.subject_access import open_request
    from safeguarding.taskforce.actions import SuspectDetails, record_suspect
    from safeguarding.therapy.actions import ReferralDetails, refer_for_therapy
    from safeguarding.therapy.models import ServiceType
    from safeguarding.warningnotices.actions import NamedPerson, NoticeDetails, issue_notice
    from safeguarding.warningnotices.models import NoticeKind, WithheldBy
    from tests.collaboration.helpers import adult_held_by_police
    from tests.exitpayments.conftest import record_exit, record_return
    from tests.factories import adult_details, child_details, make_concern
    from tests.fund.conftest import GOOD_SCORES, apply, build_setting
    from tests.inspections.helpers import make_inspectorates, schedule
    from tests.linkage import population
    from tests.networks.conftest import Sighting, plant

    today = timezone.localdate()
    ids: dict[str, Any] = {}
    secrets: list[str] = []
    # A child the school referred, with everything the MASH and the pathway hang on it.
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(given="Marnie", family=CANARY),
        summary=f"{CANARY} family: bruises seen at PE",
    )
    child = concern.involvements.get().person
    ids["person"] = child.pk
    ids["concern"] = concern.pk
    ids["contact"] = concern.contact.pk
    ids["clock"] = Clock.objects.filter(person=child).values_list("pk", flat=True).first()
    ids["user"] = area.practitioner.pk
    ids["grant"] = grant_break_glass(
        actor=area.health, person_id=child.pk, reason="Seen in the emergency department tonight"
    ).pk
    ids["mash-request"] = request_information(
        actor=area.mash, contact=concern.contact, to_agency=area.nhs, question=f"{CANARY}: known?"
    ).pk
    ids["therapy-referral"] = refer_for_therapy(
        actor=area.dsl,
        details=ReferralDetails(
            person_id=child.pk,
            provider=area.nhs,
            service_type=ServiceType.CAMHS,
            authority=area.council,
            referred_on=today,
        ),
    ).pk
    ids["episode"] = save_episode(
        actor=area.mash,
        details=EpisodeDetails(
            person_id=child.pk,
            referral_date=date(2025, 5, 6),
            referral_source="2A",
            primary_need="N1",
            assessments=[AssessmentDetails(started_on=date(2025, 5, 7))],
        ),
    ).pk
    ids["warning-notice"] = issue_notice(
        actor=area.police_analyst,
        details=NoticeDetails(
            kind=NoticeKind.UNDER_16,
            adult=NamedPerson(details=adult_details("Darren", f"{CANARY}son")),
            children=[NamedPerson(details=child_details("Amelia", CANARY, born=date(2014, 5, 17)))],
            served_on=today,
            serving_officer="PC 4411 Jo Baxter",
            withheld_by=WithheldBy.PARENT,
            withheld_by_details="The child's mother",
            conditions=f"Do not contact Amelia {CANARY}.",
        ),
    ).pk
    # A disclosure sent to an authority with nobody on the service: the duty to report.
    nohub = make_agency(AgencyKind.LOCAL_AUTHORITY, code="LA-NOHUB", name="Nohub Council")
    disclosure = make_concern(
        area.dsl,
        local_authority=nohub,
        child=child_details("Maya", CANARY),
        others=[(PersonRole.ADULT_OF_CONCERN, adult_details("Gary", "Lund"))],
        category=ConcernCategory.SEXUAL_ABUSE,
        summary=f"Maya {CANARY} told her teacher that her swimming coach touched her.",
    )
    ids["duty-report"] = AbuseReport.objects.get(concern=disclosure).pk
    # A network of three children, known to the school, the NHS and the police.
    plant(
        [
            Sighting(area.dsl, area.council, adult_name=("Darren", CANARY)),
            Sighting(area.health, area.council, vehicle="A812 CDE", adult_name=("Darren", CANARY)),
            Sighting(area.police_analyst, area.council, adult_name=("Darren", CANARY)),
        ]
    )
    rebuild_networks()
    ids["cluster"] = Cluster.objects.get().pk
    ids["network-alert"] = NetworkAlert.objects.get().pk
    # Two records of one child, matched and merged by the MASH; and another pair waiting.
    first, second = population.two_council_records(area)
    merged = confirm_match(actor=area.mash, pair_id=population.queue_pair(first, second).pk)
    ids["merge"] = merged.pk
    ids["pair"] = merged.pair_id
    secrets += ["Elizabeth Hartley", "Beth Hartley"]
    # A request between the two forces of the area.
    adult = adult_held_by_police(area, given="Darren", family=f"{CANARY}ton")
    ids["collaboration-request"] = request_collaboration(
        actor=area.police_analyst,
        details=RequestDetails(
            to_force=area.other_police,
            subject_kind=SubjectKind.PERSON,
            person_id=adult.pk,
            ask=Ask.SHARE,
            details=f"{CANARY}: seen with missing children; what do you hold on him?",
            urgency=Urgency.ROUTINE,
        ),
    ).pk
    # An exit payment, and the return to work that makes it recoverable.
    exits.publish_default_rule_sets(actor=None)
    hr = make_user(Role.HR_FINANCE, area.council, username="a-hr")
    ids["exit-payment"] = record_exit(hr, name=f"Gillian {CANARY}").pk
    ids["appointment"] = record_return(
        hr, employer=area.council, start_date=date(2025, 6, 2), name=f"Gillian {CANARY}"
    ).pk
    ids["recovery"] = Recovery.objects.get().pk
    # The support fund: a round, an application, its award and a payment.
    setting = build_setting(area)
    application = apply(setting, name=f"{CANARY} counselling")
    fund_actions.score_application(
        actor=setting.administrator, application=application, scores=GOOD_SCORES
    )
    award = fund_actions.award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("200000")},
    )
    ids["fund"] = setting.fund.pk
    ids["round"] = setting.grant_round.pk
    ids["application"] = application.pk
    ids["payment"] = award.payments.order_by("pk").first().pk  # type: ignore[union-attr]  # the award has a payment: made just above
    # An inspection of the area, a finding and the action answering it.
    inspectorates = make_inspectorates()
    inspection = schedule(area, inspectorates)
    finding = record_finding(
        actor=inspectorates.ofsted_inspector,
        inspection=inspection,
        kind=FindingKind.IMPROVEMENT,
        text=f"{CANARY}: referrals sat unread for a week",
    )
    ids["inspection"] = inspection.pk
    ids["finding"] = finding.pk
    ids["inspection-action"] = set_action(
        actor=inspectorates.ofsted_inspector,
        finding=finding,
        description=f"Read every referral the day it arrives ({CANARY})",
        owner=area.manager,
        due_on=today + timedelta(days=30),
    ).pk
    # An online-abuse suspect the force holds.
    ids["suspect"] = record_suspect(
        actor=area.police_analyst,
        details=SuspectDetails(
            centre_reference="NCA-QF-1",
            suspect_reference="SUS-QF-77",
            identified_on=date(2025, 10, 1),
        ),
    ).pk
    secrets.append("SUS-QF-77")
    # A helpline report with a file, a conflict declared on it, and its referral.
    case = helpline_case(area, to_agency=area.police, what_happened=f"{CANARY} shredded the log")
    colleague = make_user(Role.HELPLINE_STAFF, case.helpline, username="a-helpline-colleague")
    helpline_actions.unlock_staff_key(actor=colleague, password=PASSWORD)
    ids["helpline-report"] = case.report.pk
    ids["helpline-referral"] = case.referral.pk
    ids["exclusion"] = declare_conflict(
        actor=case.caseworker,
        report=case.report,
        user=colleague,
        reason="Married to the head teacher the report names",
    ).pk
    with_file = helpline_actions.submit_report(
        helpline_actions.ReportDetails(
            what_happened=f"{CANARY}: see the attached note",
            organisations="Testshire Academy",
            named_agencies=[area.school],
            area=area.council,
            who="The head teacher",
            when="Last March",
            known_as=KnownAs.ANONYMOUS,
            attachments=[attachments.prepare("notes.txt", f"{CANARY} notes".encode())],
        ),
        today=today - timedelta(days=1),
    ).report
    ids["helpline-report-with-file"] = with_file.pk
    ids["attachment"] = with_file.attachments.get().pk
    # Information governance: a legal hold on the child, and the child's subject access
    # request.
    governance = make_user(Role.INFORMATION_GOVERNANCE, area.council, username="a-governance")
    ids["legal-hold"] = place_hold(
        actor=governance,
        details=HoldDetails(
            reference=f"{CANARY}-HOLD-1", reason="Care proceedings", person_id=child.pk
        ),
    ).pk
    ids["subject-access-request"] = open_request(child.pk, actor=governance).pk
    ids["bundle-form"] = "json"
    ids["year"] = today.year
    ids["first"] = 1  # the first of an episode's assessments, plans or enquiries
    return Records(ids, secrets)
