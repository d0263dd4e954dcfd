"""Demo content for requests between forces and joint inspections, made through the actions:
Northbridge Police asks Eastmoor Constabulary about a car (answered) and about an adult it
holds (waiting for a response); the four inspectorates, an inspector at each, and a joint
inspection of Northbridge under way today, with a finding and an action for the council's
team manager. Safe to run again: nothing is added twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from safeguarding.access import actions as access_actions
from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.collaboration.actions import (
    RequestDetails,
    accept_request,
    answer_request,
    request_collaboration,
)
from safeguarding.collaboration.models import Ask, CollaborationRequest, SubjectKind, Urgency
from safeguarding.demo.area import LOCAL_AUTHORITY
from safeguarding.demo.generator import DEMO_PASSWORD, demo_totp_secret
from safeguarding.inspections.actions import (
    InspectionDetails,
    record_finding,
    schedule_inspection,
    set_action,
)
from safeguarding.inspections.models import FindingKind, Inspection
from safeguarding.people.models import AgencyRecord, PersonKind

INSPECTORATES = [
    ("NAT-OFSTED", "Ofsted", "inspector-ofsted", "Joan", "Fairley"),
    ("NAT-CQC", "Care Quality Commission", "inspector-cqc", "Kwame", "Mensah"),
    (
        "NAT-HMICFRS",
        "HM Inspectorate of Constabulary and Fire & Rescue Services",
        "inspector-hmicfrs",
        "Alison",
        "Reid",
    ),
    ("NAT-HMIP", "HM Inspectorate of Probation", "inspector-probation", "Gareth", "Pryce"),
]
INSPECTION_TITLE = "Joint targeted area inspection: the response to child sexual abuse"


@dataclass(frozen=True)
class CollaborationDemo:
    requests: int
    inspections: int

    def summary(self) -> str:
        return (
            f"{self.requests} request(s) between forces and {self.inspections} joint "
            "inspection(s) added."
        )


def _inspectors(seed: int) -> tuple[list[Agency], list[User]]:
    agencies, inspectors = [], []
    # One hash of the published demo password for every inspector, as for the area's staff.
    password_hash = make_password(DEMO_PASSWORD)
    for code, name, username, given, family in INSPECTORATES:
        agency = Agency.objects.filter(code=code).first() or access_actions.create_agency(
            actor=None, code=code, name=name, kind=AgencyKind.NATIONAL_BODY
        )
        user = User.objects.filter(username=username).first() or access_actions.create_user(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.INSPECTOR,
            agency=agency,
            given_name=given,
            family_name=family,
            email=f"{username}@inspectorate.example",
            totp_secret=demo_totp_secret(username, seed),
            check_password_strength=False,
            password_hash=password_hash,
        )
        agencies.append(agency)
        inspectors.append(user)
    return agencies, inspectors


def _requests() -> int:
    asker = User.objects.filter(username="police").first()
    answerer = User.objects.filter(username="police-eastmoor").first()
    if asker is None or answerer is None or asker.agency is None or answerer.agency is None:
        return 0
    if CollaborationRequest.objects.filter(from_force=asker.agency).exists():
        return 0
    car = request_collaboration(
        actor=asker,
        details=RequestDetails(
            to_force=answerer.agency,
            subject_kind=SubjectKind.VEHICLE,
            vehicle_registration="NB65 KXT",
            ask=Ask.BOTH,
            details="Seen collecting girls from Northbridge schools and driving east. Tell us "
            "where your cameras have seen it, and stop it if it is seen with a child.",
            urgency=Urgency.URGENT,
        ),
    )
    accept_request(actor=answerer, request=car)
    answer_request(
        actor=answerer,
        request=car,
        answer="Seen by cameras on the A-road into Eastmoor on three Friday evenings. "
        "Flagged for stop: officers will check any child in the car.",
    )
    made = 1
    adult = (
        AgencyRecord.objects.filter(agency=asker.agency, person__kind=PersonKind.ADULT)
        .select_related("person")
        .order_by("created_at")
        .first()
    )
    if adult is not None:
        request_collaboration(
            actor=asker,
            details=RequestDetails(
                to_force=answerer.agency,
                subject_kind=SubjectKind.PERSON,
                person_id=adult.person_id,
                ask=Ask.SHARE,
                details="Named by two girls as the man who drives them to parties. What does "
                "your force hold on him?",
                urgency=Urgency.ROUTINE,
            ),
        )
        made += 1
    return made


def _inspection(seed: int) -> int:
    area = Agency.objects.filter(code=LOCAL_AUTHORITY[0]).first()
    owner = User.objects.filter(username="manager").first()
    if area is None or Inspection.objects.filter(area=area, title=INSPECTION_TITLE).exists():
        return 0
    agencies, inspectors = _inspectors(seed)
    today = timezone.localdate()
    inspection = schedule_inspection(
        actor=inspectors[0],
        details=InspectionDetails(
            title=INSPECTION_TITLE,
            area=area,
            inspectorates=agencies,
            starts_on=today,
            ends_on=today + timedelta(days=9),
        ),
    )
    finding = record_finding(
        actor=inspectors[2],
        inspection=inspection,
        kind=FindingKind.PRIORITY,
        text="Strategy discussions do not always include the police, so decisions about "
        "section 47 enquiries are made without what the police know.",
    )
    if owner is not None:
        set_action(
            actor=inspectors[2],
            finding=finding,
            description="Invite the police to every strategy discussion, and record when "
            "they cannot attend and why.",
            owner=owner,
            due_on=today + timedelta(days=30),
        )
    return 1


def build_collaboration_demo(*, seed: int = 2026) -> CollaborationDemo:
    """Add the demo's requests between forces and its joint inspection (after build_demo)."""
    return CollaborationDemo(requests=_requests(), inspections=_inspection(seed))
