"""Ofsted's Annex A: the lists of children a local authority gives inspectors at the start
of an inspection of local authority children's services (ILACS), as one workbook with a
sheet per list and the column headers of Ofsted's Annex A layout.

The lists the service holds data for are filled from the front door's contacts and the
authority's structured case work; the others (early help, children looked after, care
leavers, adoption, adopters) are written with their headers and a note, for the authority
to fill from the systems that hold them. Columns the service does not record (the
allocated team and worker, visits) are left empty. The period is the six months before
the inspection date, as Ofsted asks; plans and cases open on that date are listed too."""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.casework.codes import (
    CategoryOfAbuse,
    ConferenceOutcome,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    label,
)
from safeguarding.casework.models import ChildProfile, Episode
from safeguarding.people.models import Person, Sex
from safeguarding.returns import queries

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ["Allocated Team", "Allocated Worker"]

# Each list's columns, in Ofsted's Annex A order and spelling.
LISTS: dict[str, tuple[str, list[str]]] = {
    "List 1": ("Contacts", [*CHILD, "Date of Contact", "Contact Source"]),
    "List 2": (
        "Early help",
        [
            *CHILD,
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ],
    ),
    "List 3": (
        "Referrals",
        [
            *CHILD,
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *ALLOCATED,
        ],
    ),
    "List 4": (
        "Assessments",
        [
            *CHILD,
            DISABILITY,
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *ALLOCATED,
        ],
    ),
    "List 5": (
        "Section 47 enquiries and initial child protection conferences",
        [
            *CHILD,
            DISABILITY,
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *ALLOCATED,
        ],
    ),
    "List 6": (
        "Children in need",
        [
            *CHILD,
            DISABILITY,
            "CIN Start Date",
            "Primary Need Code",
            "Date Child Was Last Seen",
            "CIN Closure Date",
            "Reason for Closure",
            "Case Status",
            *ALLOCATED,
        ],
    ),
    "List 7": (
        "Child protection",
        [
            *CHILD,
            DISABILITY,
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last "
            "Six Months (Y/N)",
            "Number of Previous Child Protection Plans",
            *ALLOCATED,
        ],
    ),
    "List 8": (
        "Children looked after",
        [
            *CHILD,
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            DISABILITY,
            "Date Started to be Looked After",
            "Child's Category of Need",
            "Is this a second or subsequent period of being a Looked After Child within the "
            "last 12 months (Y/N)",
            "Start date of current legal status",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "Date of Last Social Work Visit",
            "What is the permanence plan for this child?",
            "Date of Last IRO Visit / Contact to the Child",
            "Date of Last Health Assessment",
            "Date of Last Dental Check",
            "Number of Placements in the Last 12 months",
            "Date Ceased to be Looked After",
            "Reason Ceased to be Looked After",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "URN of Placement",
            "Placement Location",
            "LA of Placement",
            "Number of Episodes the Child has been 'Missing' from their Placement in the "
            "last 12 months",
            "Number of Episodes the Child has been 'Absent' from their Placement in the "
            "last 12 months",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            *ALLOCATED,
        ],
    ),
    "List 9": (
        "Care leavers",
        [
            *CHILD,
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
            DISABILITY,
            *ALLOCATED,
            "Allocated Personal Advisor",
            "Eligibility Category",
            "Latest Pathway Plan Review Date",
            "LA in Touch",
            "Latest Date of Contact",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ],
    ),
    "List 10": (
        "Adoption",
        [
            "Child Unique ID",
            "Family identifier",
            *CHILD[1:],
            DISABILITY,
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Placement Order",
            "Date of Matching Child and Prospective Adopters",
            "Date Placed for Adoption",
            "Date of Adoption Order",
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            "Reason Why Child No Longer Placed for Adoption",
            "Date the child was placed for fostering in FFA or concurrent planning placement",
        ],
    ),
    "List 11": (
        "Adopters",
        [
            "Individual adopter identifier",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
            "Date Stage 1 started",
            "Date Stage 1 ended",
            "Date Stage 2 started",
            "Date Stage 2 ended",
            "Date application submitted",
            "Date application approved",
            "Date adopter matched with child(ren)",
            "Date child/children placed with adopter(s)",
            "No. of children placed",
            "Date of Adoption Order",
            "Date of leaving adoption process",
            "Reason for leaving adoption process",
        ],
    ),
}
NOT_HELD = {
    "List 2": "early help assessments",
    "List 8": "children looked after",
    "List 9": "care leavers",
    "List 10": "children in the adoption process",
    "List 11": "adopters",
}
GENDERS: dict[str, str] = {Sex.MALE: "a) Male", Sex.FEMALE: "b) Female"}
CATEGORIES = {
    CategoryOfAbuse.NEGLECT: "a) Neglect",
    CategoryOfAbuse.PHYSICAL: "b) Physical abuse",
    CategoryOfAbuse.SEXUAL: "c) Sexual abuse",
    CategoryOfAbuse.EMOTIONAL: "d) Emotional abuse",
    CategoryOfAbuse.MULTIPLE: "e) Multiple/not recommended",
}
# A contact's source, from the kind of agency that raised the concern (CIN census codes).
CONTACT_SOURCES = {
    AgencyKind.LOCAL_AUTHORITY: ReferralSource.LA_SOCIAL_CARE,
    AgencyKind.POLICE_FORCE: ReferralSource.POLICE,
    AgencyKind.SCHOOL: ReferralSource.SCHOOLS,
    AgencyKind.NHS_BODY: ReferralSource.OTHER_HEALTH,
}
Cell = str | int | date | None


@dataclass
class AnnexA:
    authority: Agency
    inspection_date: date
    period_start: date
    rows: dict[str, list[list[Cell]]]

    def workbook(self) -> bytes:
        book = Workbook()
        about = book.active
        assert about is not None  # a new workbook has one sheet
        about.title = "About"
        about.append([f"Annex A for {self.authority.name} ({self.authority.code})"])
        about.append(["Inspection date", self.inspection_date])
        about.append(["Period from", self.period_start])
        about.append([])
        about.append(["List", "Holds", "Rows"])
        for name, (title, headers) in LISTS.items():
            sheet = book.create_sheet(name)
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in self.rows.get(name, []):
                sheet.append(row)
            for column in range(1, len(headers) + 1):
                sheet.column_dimensions[get_column_letter(column)].width = 22
                for cell in sheet[get_column_letter(column)][1:]:
                    if isinstance(cell.value, date):
                        cell.number_format = "DD/MM/YYYY"
            note = (
                f"Safeguarding Hub does not hold {NOT_HELD[name]}: fill this list from the "
                "system that does."
                if name in NOT_HELD
                else f"{len(self.rows.get(name, []))} rows from Safeguarding Hub."
            )
            sheet["A1"].comment = Comment(note, "Safeguarding Hub")
            about.append([name, title, len(self.rows.get(name, [])), note])
        for row in about.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("a) Yes" if value else "b) No")


class _Children:
    """Each child's common columns, and whether they have a disability."""

    def __init__(self, authority: Agency, person_ids: set[uuid.UUID], on: date) -> None:
        self.on = on
        self.people = queries.people(list(person_ids))
        self.profiles: dict[uuid.UUID, ChildProfile] = queries.profiles(authority, list(person_ids))

    def columns(self, person_id: uuid.UUID) -> list[Cell]:
        person: Person | None = self.people.get(person_id)
        profile = self.profiles.get(person_id)
        child_id = profile.la_child_id if profile else person_id.hex[:20].upper()
        if person is None:
            return [child_id, "", "", None, None]
        return [
            child_id,
            GENDERS.get(person.sex, "c) Not stated/recorded"),
            profile.ethnicity if profile else "",
            person.date_of_birth,
            person.age_on(self.on),
        ]

    def disability(self, person_id: uuid.UUID) -> str:
        profile = self.profiles.get(person_id)
        if profile is None or not profile.disabilities:
            return "c) Unknown"
        return "b) No" if profile.disabilities == ["NONE"] else "a) Yes"


def _coded(choices: type, code: str, joiner: str = ": ") -> str:
    return f"{code}{joiner}{label(choices, code)}" if code else ""


def build_annex_a(authority: Agency, inspection_date: date) -> AnnexA:
    on = inspection_date
    start = on - timedelta(days=183)  # six months before the inspection
    year_before = timedelta(days=365)
    contacts = queries.contacts_received(authority, start, on)
    episodes: list[Episode] = list(queries.authority_episodes(authority, on))
    by_child: dict[uuid.UUID, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_child[episode.person_id].append(episode)
    children = _Children(authority, {p for _, _, ids in contacts for p in ids} | set(by_child), on)
    rows: dict[str, list[list[Cell]]] = {name: [] for name in LISTS}
    for day, kind, person_ids in contacts:
        source = CONTACT_SOURCES.get(AgencyKind(kind), ReferralSource.OTHER)
        for person_id in person_ids:
            rows["List 1"].append(
                [*children.columns(person_id), day, _coded(ReferralSource, source)]
            )
    for person_id, held in by_child.items():
        common = children.columns(person_id)
        disability = children.disability(person_id)
        enquiries = [e for episode in held for e in episode.enquiries.all()]
        plans = sorted(
            (p for episode in held for p in episode.protection_plans.all()),
            key=lambda p: p.started_on,
        )
        for episode in held:
            referral = episode.referral_date
            if start <= referral <= on:
                earlier = sum(
                    1
                    for other in held
                    if other is not episode
                    and referral - year_before <= other.referral_date
                    and other.referral_date <= referral
                )
                rows["List 3"].append(
                    [
                        *common,
                        referral,
                        _coded(ReferralSource, episode.referral_source),
                        "a) Yes" if episode.no_further_action else "b) No",
                        earlier,
                        "",
                        "",
                    ]
                )
            for assessment in episode.assessments.all():
                authorised = (
                    assessment.authorised_on
                    if assessment.authorised_on and assessment.authorised_on <= on
                    else None
                )
                if assessment.started_on <= on and (
                    assessment.started_on >= start or authorised is None or authorised >= start
                ):
                    rows["List 4"].append(
                        [
                            *common,
                            disability,
                            assessment.started_on,
                            _yes_no(assessment.child_seen),
                            authorised,
                            "",
                            "",
                            "",
                        ]
                    )
            for enquiry in episode.enquiries.all():
                if not start <= enquiry.started_on <= on:
                    continue
                conference = (
                    enquiry.conference_date
                    if enquiry.conference_date and enquiry.conference_date <= on
                    else None
                )
                window = (enquiry.started_on - year_before, enquiry.started_on)
                rows["List 5"].append(
                    [
                        *common,
                        disability,
                        enquiry.started_on,
                        _yes_no(enquiry.conference_not_required) if enquiry.outcome else "",
                        conference,
                        _yes_no(enquiry.conference_outcome == ConferenceOutcome.PLAN)
                        if conference
                        else "",
                        sum(
                            1
                            for other in enquiries
                            if other is not enquiry and window[0] <= other.started_on <= window[1]
                        ),
                        sum(
                            1
                            for other in enquiries
                            if other.conference_date is not None
                            and other is not enquiry
                            and window[0] <= other.conference_date <= window[1]
                        ),
                        "",
                        "",
                    ]
                )
            closed = (
                episode.closure_date
                if episode.closure_date and episode.closure_date <= on
                else None
            )
            if not episode.no_further_action and (closed is None or closed >= start):
                rows["List 6"].append(
                    [
                        *common,
                        disability,
                        referral,
                        _coded(PrimaryNeed, episode.primary_need, " - "),
                        None,
                        closed,
                        _coded(ReasonForClosure, episode.closure_reason, " - ") if closed else "",
                        _case_status(episode, on, closed),
                        "",
                        "",
                    ]
                )
        for number, plan in enumerate(plans):
            if plan.started_on > on:
                continue
            ended = plan.ended_on if plan.ended_on and plan.ended_on <= on else None
            if ended is not None and ended < start:
                continue
            reviews = [d for d in map(date.fromisoformat, plan.review_dates) if d <= on]
            rows["List 7"].append(
                [
                    *common,
                    disability,
                    plan.started_on,
                    CATEGORIES.get(CategoryOfAbuse(plan.initial_category), ""),
                    CATEGORIES.get(CategoryOfAbuse(plan.latest_category), ""),
                    None,
                    "",
                    max(reviews) if reviews else None,
                    ended,
                    "",
                    number,
                    "",
                    "",
                ]
            )
    return AnnexA(authority, on, start, rows)


def _case_status(episode: Episode, on: date, closed: date | None) -> str:
    if closed is not None:
        return "e) Closed episode"

    def open_on(started: date, ended: date | None) -> bool:
        return started <= on and (ended is None or ended > on)

    if any(open_on(p.started_on, p.ended_on) for p in episode.protection_plans.all()):
        return "b) Child Protection plan"
    if any(open_on(p.started_on, p.ended_on) for p in episode.cin_plans.all()):
        return "c) Child in need plan"
    if any(
        a.started_on <= on and (a.authorised_on is None or a.authorised_on > on)
        for a in episode.assessments.all()
    ):
        return "d) Open assessment"
    return ""
