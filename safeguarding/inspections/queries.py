"""Reads for joint inspections. The inspection records, findings and actions name no child;
the data pack does, and is built only for the inspection team during the window, through
data_pack() below, which the export views audit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType
from safeguarding.concerns.models import PersonRole
from safeguarding.inspections.models import Finding, Inspection, InspectionAction
from safeguarding.inspections.policy import (
    inspected_agencies,
    is_inspected_staff,
    is_inspector,
    may_read_area_records,
    may_see_inspection,
)
from safeguarding.mash.models import Contact, Decision
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.pathway.models import PathwayEvent
from safeguarding.people.models import Person

# Children's social care takes a young person as a care leaver from 16 to 25.
CARE_LEAVER_MIN_AGE_AT_CEASING = 16
CARE_LEAVER_MAX_AGE = 25
REFERRAL_DECISIONS = (
    Decision.ASSESSMENT,
    Decision.STRATEGY_DISCUSSION,
    Decision.IMMEDIATE_PROTECTION,
)
# The data pack's lists, in the order of the spreadsheet's sheets.
LIST_KEYS = (
    "contacts",
    "early-help",
    "referrals",
    "assessments",
    "section-47",
    "child-protection-plans",
    "looked-after",
    "care-leavers",
)
PERSON_COLUMNS = ["Child record id", "Given name", "Family name", "Date of birth", "Age", "Sex"]


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def access_inspection(user: User, inspection_id: uuid.UUID | str) -> Inspection:
    """One inspection, for its team and the staff of the inspected agencies; 404 for anyone
    else."""
    inspection = (
        Inspection.objects.select_related("area", "scheduled_by")
        .filter(pk=_key(inspection_id))
        .first()
    )
    if inspection is None or not may_see_inspection(user, inspection):
        raise Http404
    return inspection


def inspections_for(user: User) -> list[Inspection]:
    """The inspections the user's team is on, or of the user's area."""
    inspections = Inspection.objects.select_related("area")
    if is_inspector(user):
        return list(inspections.filter(inspectors=user))
    if user.agency is None:
        return []
    found = [
        inspection
        for inspection in inspections.filter(
            Q(area_id=user.agency_id) | Q(area_id=user.agency.home_authority_id)
        )
        if is_inspected_staff(user, inspection)
    ]
    return found


def access_finding(user: User, finding_id: uuid.UUID | str) -> Finding:
    finding = Finding.objects.select_related("inspection__area").filter(pk=_key(finding_id)).first()
    if finding is None or not may_see_inspection(user, finding.inspection):
        raise Http404
    return finding


def access_action(user: User, action_id: uuid.UUID | str) -> InspectionAction:
    action = (
        InspectionAction.objects.select_related(
            "finding__inspection__area", "owner", "owner_agency"
        )
        .filter(pk=_key(action_id))
        .first()
    )
    if action is None or not may_see_inspection(user, action.finding.inspection):
        raise Http404
    return action


def actions_of(inspection: Inspection) -> QuerySet[InspectionAction]:
    return InspectionAction.objects.filter(finding__inspection=inspection).select_related(
        "owner", "owner_agency", "finding"
    )


def my_actions(user: User) -> list[InspectionAction]:
    return list(
        InspectionAction.objects.filter(owner=user)
        .select_related("finding__inspection__area")
        .order_by("status", "due_on")
    )


@dataclass(frozen=True)
class ActionProgress:
    total: int
    done: int
    overdue: int


def progress(inspection: Inspection, today: date | None = None) -> ActionProgress:
    today = today or timezone.localdate()
    actions = list(actions_of(inspection))
    return ActionProgress(
        total=len(actions),
        done=sum(action.is_done for action in actions),
        overdue=sum(action.is_overdue(today) for action in actions),
    )


# The data pack ---------------------------------------------------------------------------


@dataclass
class DataList:
    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    person_ids: set[uuid.UUID] = field(default_factory=set)


@dataclass
class DataPack:
    inspection: Inspection
    generated_on: date
    lists: list[DataList]

    def list(self, key: str) -> DataList:
        for data_list in self.lists:
            if data_list.key == key:
                return data_list
        raise Http404

    @property
    def person_ids(self) -> set[uuid.UUID]:
        return {pk for data_list in self.lists for pk in data_list.person_ids}


def _person_cells(person: Person, on: date) -> list[object]:
    return [
        str(person.pk),
        person.given_name,
        person.family_name,
        person.date_of_birth,
        person.age_on(on),
        person.get_sex_display(),
    ]


def _add(data_list: DataList, person: Person, on: date, cells: list[object]) -> None:
    data_list.rows.append([*_person_cells(person, on), *cells])
    data_list.person_ids.add(person.pk)


def _contact_lists(inspection: Inspection, today: date) -> list[DataList]:
    contacts = DataList(
        "contacts",
        "Contacts",
        "Every contact received by the authority's front door in the period.",
        [*PERSON_COLUMNS, "Received", "From", "Category", "Decision", "Decided"],
    )
    early_help = DataList(
        "early-help",
        "Early help",
        "Contacts decided in the period with early help as the outcome.",
        [*PERSON_COLUMNS, "Received", "Decided"],
    )
    referrals = DataList(
        "referrals",
        "Referrals",
        "Contacts accepted as referrals in the period: for assessment, a strategy discussion "
        "or immediate protection.",
        [*PERSON_COLUMNS, "Received", "Decided", "Decision"],
    )
    rows = (
        Contact.objects.filter(authority=inspection.area)
        .filter(
            Q(received_at__date__gte=inspection.data_from)
            | Q(decided_at__date__gte=inspection.data_from)
        )
        .select_related("concern__agency")
        .prefetch_related("concern__involvements__person")
        .order_by("received_at")
    )
    for contact in rows:
        received = timezone.localdate(contact.received_at)
        decided = timezone.localdate(contact.decided_at) if contact.decided_at else None
        children = [
            involvement.person
            for involvement in contact.concern.involvements.all()
            if involvement.role == PersonRole.CHILD
        ]
        for child in children:
            if received >= inspection.data_from:
                _add(
                    contacts,
                    child,
                    today,
                    [
                        received,
                        contact.concern.agency.name,
                        contact.concern.get_category_display(),
                        contact.get_decision_display() if contact.decision else "Not decided",
                        decided,
                    ],
                )
            if decided is None or decided < inspection.data_from:
                continue
            if contact.decision == Decision.EARLY_HELP:
                _add(early_help, child, today, [received, decided])
            elif contact.decision in REFERRAL_DECISIONS:
                _add(referrals, child, today, [received, decided, contact.get_decision_display()])
    return [contacts, early_help, referrals]


def _assessments(inspection: Inspection, today: date) -> DataList:
    data_list = DataList(
        "assessments",
        "Assessments",
        "Child and family assessments started in the period, or still open.",
        [*PERSON_COLUMNS, "Started", "Due", "Completed", "Completed late", "Working on it"],
    )
    clocks = (
        Clock.objects.filter(
            authority=inspection.area, clock_type=ClockType.ASSESSMENT, person__isnull=False
        )
        .filter(
            Q(started_on__gte=inspection.data_from)
            | Q(met_on__isnull=True, cancelled_on__isnull=True)
        )
        .select_related("person")
        .order_by("started_on")
    )
    for clock in clocks:
        assert clock.person is not None
        late = clock.met_on is not None and clock.met_on > clock.due_on
        _add(
            data_list,
            clock.person,
            today,
            [
                clock.started_on,
                clock.due_on,
                clock.met_on,
                "Yes" if late else "No",
                "Yes" if clock.is_open else "No",
            ],
        )
    return data_list


def _events(inspection: Inspection, *types: str) -> QuerySet[PathwayEvent]:
    return (
        PathwayEvent.objects.filter(authority=inspection.area, event_type__in=types)
        .select_related("person")
        .order_by("occurred_on", "recorded_at")
    )


def _section_47(inspection: Inspection, today: date) -> DataList:
    """One row per enquiry: it starts at the strategy discussion that decides it (as the
    national figures count it, docs/users/figures.md), with the day its work was recorded
    as started and the day it concluded, where recorded."""
    data_list = DataList(
        "section-47",
        "Section 47 enquiries",
        "Section 47 enquiries started in the period (at the strategy discussion that decided "
        "one), or concluded in it.",
        [*PERSON_COLUMNS, "Strategy discussion", "Enquiry started", "Concluded"],
    )
    events = list(
        _events(
            inspection,
            EventType.STRATEGY_DISCUSSION,
            EventType.S47_STARTED,
            EventType.S47_CONCLUDED,
        )
    )
    starts = [
        e
        for e in events
        if e.event_type == EventType.STRATEGY_DISCUSSION and e.outcome == Outcome.S47
    ]
    for index, start in enumerate(starts):
        # The enquiry's own events fall before the child's next enquiry.
        following = [
            s
            for s in starts[index + 1 :]
            if s.person_id == start.person_id and s.occurred_on >= start.occurred_on
        ]
        until = following[0].occurred_on if following else date.max

        def first(event_type: str, start: PathwayEvent = start, until: date = until) -> date | None:
            return next(
                (
                    e.occurred_on
                    for e in events
                    if e.event_type == event_type
                    and e.person_id == start.person_id
                    and start.occurred_on <= e.occurred_on < until
                ),
                None,
            )

        concluded = first(EventType.S47_CONCLUDED)
        if start.occurred_on < inspection.data_from and (
            concluded is None or concluded < inspection.data_from
        ):
            continue
        _add(
            data_list,
            start.person,
            today,
            [start.occurred_on, first(EventType.S47_STARTED), concluded],
        )
    return data_list


def _spells(inspection: Inspection, start: PathwayEvent, ends: list[PathwayEvent]) -> date | None:
    """The day a spell (a plan, a period looked after) that began with ``start`` ended."""
    for end in ends:
        if end.person_id == start.person_id and end.occurred_on >= start.occurred_on:
            return end.occurred_on
    return None


def _plans(inspection: Inspection, today: date) -> DataList:
    data_list = DataList(
        "child-protection-plans",
        "Child protection plans",
        "Children on a child protection plan at any time in the period.",
        [*PERSON_COLUMNS, "Plan started", "Plan ended", "Days on the plan"],
    )
    starts = [
        event
        for event in _events(inspection, EventType.INITIAL_CONFERENCE)
        if event.outcome == Outcome.PLAN
    ]
    ends = [
        event
        for event in _events(inspection, EventType.PLAN_ENDED, EventType.REVIEW_CONFERENCE)
        if event.event_type == EventType.PLAN_ENDED or event.outcome == Outcome.PLAN_ENDS
    ]
    for start in starts:
        ended = _spells(inspection, start, ends)
        if ended is not None and ended < inspection.data_from:
            continue
        days = ((ended or today) - start.occurred_on).days
        _add(data_list, start.person, today, [start.occurred_on, ended, days])
    return data_list


def _looked_after(inspection: Inspection, today: date) -> tuple[DataList, DataList]:
    looked_after = DataList(
        "looked-after",
        "Looked-after children",
        "Children looked after at any time in the period.",
        [*PERSON_COLUMNS, "Became looked after", "Ceased to be looked after"],
    )
    care_leavers = DataList(
        "care-leavers",
        "Care leavers",
        f"Young people aged {CARE_LEAVER_MAX_AGE} or under who ceased to be looked after "
        f"aged {CARE_LEAVER_MIN_AGE_AT_CEASING} or over.",
        [*PERSON_COLUMNS, "Ceased to be looked after", "Age when they ceased"],
    )
    starts = list(_events(inspection, EventType.BECAME_LOOKED_AFTER))
    ends = list(_events(inspection, EventType.CEASED_LOOKED_AFTER))
    for start in starts:
        ceased = _spells(inspection, start, ends)
        if ceased is not None and ceased < inspection.data_from:
            continue
        _add(looked_after, start.person, today, [start.occurred_on, ceased])
    seen: set[uuid.UUID] = set()
    for end in reversed(ends):  # the latest time each young person ceased
        person = end.person
        age_then = person.age_on(end.occurred_on)
        age_now = person.age_on(today)
        if person.pk in seen or age_then is None or age_now is None:
            continue
        seen.add(person.pk)
        if age_then >= CARE_LEAVER_MIN_AGE_AT_CEASING and age_now <= CARE_LEAVER_MAX_AGE:
            _add(care_leavers, person, today, [end.occurred_on, age_then])
    care_leavers.rows.sort(key=lambda row: (str(row[2]), str(row[1])))
    return looked_after, care_leavers


def data_pack(user: User, inspection: Inspection, today: date | None = None) -> DataPack:
    """The inspection's lists of children by stage, in the spirit of Ofsted's "Annex A"
    lists, from the inspected authority's records since ``inspection.data_from``.

    Only the inspection's team, and only during the window: for anyone else, or on any
    other day, 404. The caller audits the export (INSPECTION_DATA_PACK_EXPORTED)."""
    today = today or timezone.localdate()
    if not may_read_area_records(user, inspection, today):
        raise Http404
    looked_after, care_leavers = _looked_after(inspection, today)
    pack = DataPack(
        inspection=inspection,
        generated_on=today,
        lists=[
            *_contact_lists(inspection, today),
            _assessments(inspection, today),
            _section_47(inspection, today),
            _plans(inspection, today),
            looked_after,
            care_leavers,
        ],
    )
    assert tuple(data_list.key for data_list in pack.lists) == LIST_KEYS
    return pack


def owners_for(inspection: Inspection) -> QuerySet[User]:
    """Staff of the inspected agencies who may own an action."""
    return (
        User.objects.filter(agency__in=inspected_agencies(inspection.area), is_active=True)
        .exclude(role=Role.SYSTEM_INTEGRATION)
        .select_related("agency")
        .order_by("agency__name", "last_name", "username")
    )
