"""The Children in Need census return, in the Department for Education's XML for the
collection year 2025 to 2026.

The census covers the collection year, 1 April to 31 March (the reference date), and
every child with an episode open at any time in it. What happened after the reference date
is left out, as if the return were made on it: a case closed later is open, a plan ended
later runs on. Parts finished before the year began are left out too, as the DfE's rules
ask (an assessment authorised, a plan ended, a conference held before 1 April).

A child whose record cannot make a valid return is listed with the DfE rule it would
break and how to fix it; the return is made only when no child is listed."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.casework.codes import Section47Outcome
from safeguarding.casework.models import (
    Assessment,
    ChildProfile,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
)
from safeguarding.people.models import Person, Sex
from safeguarding.returns import queries
from safeguarding.writes.rows import in_chunks

SOFTWARE_CODE = "Safeguarding Hub"
RELEASE = "2025-26"


# The local authority numbers a UPN's characters 2 to 4 may carry (DfE: post-April 1998
# LA codes, and the 001-005 the DfE also accepts).
def _numbers(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(f"{n:03d}" for first, last in spans for n in range(first, last + 1))


UPN_LA_NUMBERS = _numbers(
    (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
    (380, 384), (390, 394), (420, 420), (660, 681), (701, 708), (800, 803), (805, 808),
    (810, 813), (815, 816), (820, 823), (825, 826), (830, 831), (835, 841), (845, 846),
    (850, 852), (855, 857), (860, 861), (865, 896), (908, 909), (916, 916), (919, 919),
    (921, 921), (925, 926), (928, 929), (931, 931), (933, 933), (935, 938), (940, 941),
)  # fmt: skip
SEX_CODES: dict[str, str] = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U"}


@dataclass(frozen=True)
class CollectionYear:
    start: date
    reference_date: date

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        """``2025-26`` is 1 April 2025 to 31 March 2026."""
        try:
            first, second = text.split("-")
            begins = int(first)
            if len(first) != 4 or len(second) != 2 or int(second) != (begins + 1) % 100:
                raise ValueError
        except ValueError as error:
            raise ValueError(f"Give the year as 2025-26, not {text!r}") from error
        return cls(date(begins, 4, 1), date(begins + 1, 3, 31))

    @property
    def label(self) -> str:
        return f"{self.start.year}-{str(self.reference_date.year)[2:]}"

    def within(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.reference_date


@dataclass(frozen=True)
class Problem:
    """One reason a child cannot be returned: the DfE rule, and what to change."""

    rule: str
    message: str
    fix: str


@dataclass
class ChildProblems:
    person_id: uuid.UUID
    la_child_id: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CensusReturn:
    authority: Agency
    year: CollectionYear
    children: int
    xml: bytes
    problems: list[ChildProblems]
    # Not errors: what the return leaves out or says that the authority should check.
    queries: list[ChildProblems] = field(default_factory=list)
    # Every child in the return: their person id and census id.
    returned: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    # What stops the return whatever the children's records say (the authority's number).
    authority_problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.authority_problems


@dataclass
class _Child:
    person: Person
    profile: ChildProfile | None
    episodes: list[Episode]
    upn: str
    previous_plans: int


def _text(parent: ET.Element, tag: str, value: object) -> None:
    """A child element only when there is a value: the DfE's schema has no empty ones."""
    if value is None or value == "":
        return
    element = ET.SubElement(parent, tag)
    element.text = value.isoformat() if isinstance(value, date) else str(value)


def _in_year(year: CollectionYear, day: date | None) -> date | None:
    """A date as the return sees it: one after the reference date has not happened."""
    return day if day is not None and day <= year.reference_date else None


def _assessments(year: CollectionYear, episode: Episode) -> list[Assessment]:
    kept = []
    for assessment in episode.assessments.all():
        if assessment.started_on > year.reference_date:
            continue
        authorised = _in_year(year, assessment.authorised_on)
        if authorised is not None and authorised < year.start:
            continue
        kept.append(assessment)
    return kept


def _enquiries(year: CollectionYear, episode: Episode) -> list[Section47]:
    kept = []
    for enquiry in episode.enquiries.all():
        if enquiry.started_on > year.reference_date:
            continue
        conference = _in_year(year, enquiry.conference_date)
        if conference is not None and conference < year.start:
            continue
        finished_without_conference = (
            enquiry.outcome and enquiry.outcome != Section47Outcome.CONFERENCE
        )
        if conference is None and enquiry.started_on < year.start and finished_without_conference:
            # Finished last year without a conference: last year's return had it.
            continue
        kept.append(enquiry)
    return kept


def _plans[T: (CinPlan, ProtectionPlan)](year: CollectionYear, plans: Iterable[T]) -> list[T]:
    return [
        plan
        for plan in plans
        if plan.started_on <= year.reference_date
        and not (plan.ended_on is not None and plan.ended_on < year.start)
    ]


def _check(year: CollectionYear, child: _Child) -> list[Problem]:
    problems: list[Problem] = []
    person, profile = child.person, child.profile
    if person.date_of_birth is None:
        problems.append(
            Problem("8525Q", "The child has no date of birth", "Record the child's date of birth")
        )
    elif person.date_of_birth > year.reference_date:
        problems.append(
            Problem(
                "8520",
                "The date of birth is after the census year",
                "Correct the child's date of birth",
            )
        )
    if profile is None or not profile.ethnicity:
        problems.append(
            Problem(
                "4220",
                "Ethnicity is missing",
                "Record the child's ethnicity (or 'Information not yet obtained')",
            )
        )
    further_action = any(not e.no_further_action for e in child.episodes)
    if further_action and (profile is None or not profile.disabilities):
        problems.append(
            Problem(
                "8540",
                "Disabilities are missing",
                "Record the child's disabilities, or 'No disability'",
            )
        )
    open_episodes = [e for e in child.episodes if _in_year(year, e.closure_date) is None]
    if len([e for e in open_episodes if not e.no_further_action]) > 1:
        problems.append(
            Problem(
                "8815",
                "More than one episode is open",
                "Close the earlier episode: a child has one open episode at a time",
            )
        )
    ordered = sorted(child.episodes, key=lambda e: e.referral_date)
    for before, after in pairwise(ordered):
        closed = _in_year(year, before.closure_date)
        overlaps = closed is None or closed > after.referral_date
        if overlaps and (not before.no_further_action or closed is not None):
            problems.append(
                Problem(
                    "8820",
                    f"The episode referred on {before.referral_date:%d %B %Y} overlaps the next",
                    "Close it on or before the next referral, or record both as one episode",
                )
            )
    for episode in child.episodes:
        for assessment in _assessments(year, episode):
            if (
                _in_year(year, assessment.authorised_on) is None
                and assessment.started_on < year.start
            ):
                problems.append(
                    Problem(
                        "8736",
                        f"The assessment started on {assessment.started_on:%d %B %Y} is still "
                        "not authorised",
                        "Record when the assessment was authorised",
                    )
                )
        for enquiry in _enquiries(year, episode):
            if _in_year(year, enquiry.conference_date) is None and enquiry.started_on < year.start:
                problems.append(
                    Problem(
                        "8740",
                        f"The section 47 enquiry started on {enquiry.started_on:%d %B %Y} has "
                        "no outcome or conference",
                        "Record the enquiry's outcome and, if one was held, the conference",
                    )
                )
        later = any(
            e.closure_date is not None and e.referral_date > episode.referral_date
            for e in child.episodes
        )
        open_now = _in_year(year, episode.closure_date) is None
        if open_now and later and not episode.no_further_action:
            problems.append(
                Problem(
                    "8816",
                    f"The episode referred on {episode.referral_date:%d %B %Y} is open but "
                    "a later one exists",
                    "Close the earlier episode",
                )
            )
    return problems


def _child_element(children: ET.Element, year: CollectionYear, child: _Child, la_id: str) -> None:
    person, profile = child.person, child.profile
    element = ET.SubElement(children, "Child")
    identifiers = ET.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", la_id)
    _text(identifiers, "UPN", child.upn)
    if not child.upn and all(e.no_further_action for e in child.episodes):
        _text(identifiers, "UPNunknown", "UN7")
    elif (
        not child.upn
        and person.age_on(year.reference_date) is not None
        and ((person.age_on(year.reference_date) or 0) < 5)
    ):
        _text(identifiers, "UPNunknown", "UN1")
    _text(identifiers, "PersonBirthDate", person.date_of_birth)
    _text(identifiers, "Sex", SEX_CODES.get(person.sex, "U"))
    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", profile.ethnicity if profile else "")
    if profile is not None and profile.disabilities:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in profile.disabilities:
            _text(disabilities, "Disability", code)
    previous = child.previous_plans
    for episode in sorted(child.episodes, key=lambda e: e.referral_date):
        details = ET.SubElement(element, "CINdetails")
        _text(details, "CINreferralDate", episode.referral_date)
        _text(details, "ReferralSource", episode.referral_source)
        _text(details, "PrimaryNeedCode", episode.primary_need)
        closed = _in_year(year, episode.closure_date)
        _text(details, "CINclosureDate", closed)
        _text(details, "ReasonForClosure", episode.closure_reason if closed else "")
        _text(details, "ReferralNFA", "1" if episode.no_further_action else "0")
        for assessment in _assessments(year, episode):
            block = ET.SubElement(details, "Assessments")
            authorised = _in_year(year, assessment.authorised_on)
            _text(block, "AssessmentActualStartDate", assessment.started_on)
            _text(block, "AssessmentInternalReviewDate", authorised)
            _text(block, "AssessmentAuthorisationDate", authorised)
            if authorised is not None and assessment.factors:
                factors = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
                for code in assessment.factors:
                    _text(factors, "AssessmentFactors", code)
        for cin_plan in _plans(year, episode.cin_plans.all()):
            block = ET.SubElement(details, "CINPlanDates")
            _text(block, "CINPlanStartDate", cin_plan.started_on)
            _text(block, "CINPlanEndDate", _in_year(year, cin_plan.ended_on))
        for enquiry in _enquiries(year, episode):
            block = ET.SubElement(details, "Section47")
            conference = _in_year(year, enquiry.conference_date)
            _text(block, "S47ActualStartDate", enquiry.started_on)
            _text(block, "InitialCPCtarget", enquiry.conference_target)
            _text(block, "DateOfInitialCPC", conference)
            not_required = conference is None and enquiry.conference_not_required
            _text(block, "ICPCnotRequired", "1" if not_required else "0")
        for plan in _plans(year, episode.protection_plans.all()):
            block = ET.SubElement(details, "ChildProtectionPlans")
            _text(block, "CPPstartDate", plan.started_on)
            _text(block, "CPPendDate", _in_year(year, plan.ended_on))
            _text(block, "InitialCategoryOfAbuse", plan.initial_category)
            _text(block, "LatestCategoryOfAbuse", plan.latest_category)
            earlier = sum(
                1 for other in episode.protection_plans.all() if other.started_on < plan.started_on
            )
            _text(block, "NumberOfPreviousCPP", previous + earlier)
            for review in plan.review_dates:
                held = date.fromisoformat(review)
                if year.within(held):
                    reviews = ET.SubElement(block, "Reviews")
                    _text(reviews, "CPPreviewDate", held)
        previous += len(episode.protection_plans.all())


def build_cin_census(
    authority: Agency, year: CollectionYear, *, now: datetime | None = None
) -> CensusReturn:
    """The authority's return for ``year``, and the children who stop it being made."""
    episodes_by_person: dict[uuid.UUID, list[Episode]] = defaultdict(list)
    for episode in queries.episodes_in_period(authority, year.start, year.reference_date):
        episodes_by_person[episode.person_id].append(episode)
    person_ids = list(episodes_by_person)
    profiles: dict[uuid.UUID, ChildProfile] = {}
    upns: dict[uuid.UUID, str] = {}
    previous: dict[uuid.UUID, int] = defaultdict(int)
    for chunk in in_chunks(person_ids):
        profiles.update(queries.profiles(authority, chunk))
        upns.update(queries.pupil_numbers(chunk))
        for episode in queries.all_episodes(authority, chunk):
            # Plans in episodes before the year's: the census counts every earlier plan.
            if episode.referral_date < min(
                e.referral_date for e in episodes_by_person[episode.person_id]
            ):
                previous[episode.person_id] += len(episode.protection_plans.all())
    root = ET.Element("Message")
    header = ET.SubElement(root, "Header")
    collection = ET.SubElement(header, "CollectionDetails")
    _text(collection, "Collection", "CIN")
    _text(collection, "Year", year.reference_date.year)
    _text(collection, "ReferenceDate", year.reference_date)
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    # The DfE knows an authority by its three-digit number, never by this service's code.
    _text(source, "LEA", authority.dfe_number)
    authority_problems = (
        []
        if authority.dfe_number
        else [
            Problem(
                "LEA",
                f"{authority.name} has no DfE local authority number, which the return's "
                "header must carry",
                f"Ask an operator to record it: safeguarding set-dfe-number {authority.code} NNN",
            )
        ]
    )
    _text(source, "SoftwareCode", SOFTWARE_CODE)
    _text(source, "Release", RELEASE)
    # The DfE numbers a return of the year "001" on; at least three digits.
    _text(source, "SerialNo", "001")
    moment = (now or timezone.now()).astimezone(timezone.get_default_timezone())
    _text(source, "DateTime", moment.replace(microsecond=0, tzinfo=None).isoformat())
    children_element = ET.SubElement(root, "Children")
    problems: list[ChildProblems] = []
    to_check: list[ChildProblems] = []
    returned: list[tuple[uuid.UUID, str]] = []
    for person_id, episodes in episodes_by_person.items():
        profile = profiles.get(person_id)
        la_id = profile.la_child_id if profile else person_id.hex[:20].upper()
        returned.append((person_id, la_id))
        upn = upns.get(person_id, "")
        if upn and upn[1:4] not in UPN_LA_NUMBERS:
            # The DfE rejects the whole return for it (rule 1530): leave it out, and ask.
            to_check.append(
                ChildProblems(
                    person_id,
                    la_id,
                    [
                        Problem(
                            "1530",
                            f"The unique pupil number's local authority number {upn[1:4]} is "
                            "not one the DfE recognises, so it was left out",
                            "Check the child's unique pupil number with their school",
                        )
                    ],
                )
            )
            upn = ""
        child = _Child(
            person=episodes[0].person,
            profile=profile,
            episodes=episodes,
            upn=upn,
            previous_plans=previous[person_id],
        )
        found = _check(year, child)
        if found:
            problems.append(ChildProblems(person_id, la_id, found))
        _child_element(children_element, year, child, la_id)
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return CensusReturn(
        authority,
        year,
        len(episodes_by_person),
        xml,
        problems,
        to_check,
        sorted(returned, key=lambda child: child[1]),
        authority_problems,
    )


# The return's modules, as the DfE's guide names them, and the element that is one of each.
MODULES: tuple[tuple[str, str], ...] = (
    ("Children", "Child"),
    ("Episodes (CIN details)", "CINdetails"),
    ("Assessments", "Assessments"),
    ("Child in need plans", "CINPlanDates"),
    ("Section 47 enquiries", "Section47"),
    ("Child protection plans", "ChildProtectionPlans"),
    ("Child protection plan reviews", "Reviews"),
)


def module_counts(xml: bytes) -> list[tuple[str, int]]:
    """How many of each module the return's XML holds, counted in the file itself."""
    root = ET.fromstring(xml)  # noqa: S314 - the service's own XML
    return [(name, len(root.findall(f".//{tag}"))) for name, tag in MODULES]
