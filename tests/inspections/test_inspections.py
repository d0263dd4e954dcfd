"""Joint inspections: scheduling, the inspectors' time-limited need-to-know, the data pack
on a small hand-built data set, findings and actions tracked to completion."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from safeguarding.access.policy import may_see_person
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import PersonRole
from safeguarding.inspections.actions import (
    InspectionDetails,
    notify_overdue_actions,
    record_finding,
    schedule_inspection,
    set_action,
    update_action,
)
from safeguarding.inspections.exports import export_list_csv, export_pack_xlsx
from safeguarding.inspections.models import ActionStatus, FindingKind, InspectionAction
from safeguarding.inspections.queries import access_inspection, data_pack, inspections_for
from safeguarding.mash.actions import decide_contact
from safeguarding.mash.models import Decision
from safeguarding.notifications.models import Notification
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern
from tests.inspections.helpers import Inspectorates, make_inspectorates, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectorates(area: Area) -> Inspectorates:
    return make_inspectorates()


def _child(area: Area, given: str, born: date, *, council: bool = True) -> Person:
    concern = make_concern(
        area.dsl,
        local_authority=area.council if council else area.other_council,
        child=child_details(given=given, family="Example", born=born),
    )
    return concern.involvements.get(role=PersonRole.CHILD).person


def _contact(person: Person):  # the contact of the concern that created the child
    return person.involvements.get().concern.contact


def _event(area: Area, person: Person, event_type: str, on: date, outcome: str = "") -> None:
    record_event(
        actor=area.mash,
        details=EventDetails(
            person_id=person.pk, event_type=event_type, occurred_on=on, outcome=outcome
        ),
    )


@pytest.fixture
def data_set(area: Area) -> dict[str, Person]:
    """Six children of the council's area, and one of another area:
    Ava: contact, referral, assessment, strategy discussion to section 47, plan
    Ben: contact decided for early help
    Cal: contact not yet decided
    Dee: looked after since two months ago
    Eve: left care aged 17, before the pack's period
    Fin: in another authority's area
    """
    today = timezone.localdate()
    ava = _child(area, "Ava", date(2015, 1, 1))
    decide_contact(
        actor=area.mash,
        contact=_contact(ava),
        decision=Decision.ASSESSMENT,
        rationale="Disclosure at school of sexual abuse by a family member.",
    )
    _event(area, ava, EventType.STRATEGY_DISCUSSION, today, Outcome.S47)
    _event(area, ava, EventType.S47_STARTED, today)
    _event(area, ava, EventType.INITIAL_CONFERENCE, today, Outcome.PLAN)
    ben = _child(area, "Ben", date(2016, 2, 2))
    decide_contact(
        actor=area.mash,
        contact=_contact(ben),
        decision=Decision.EARLY_HELP,
        rationale="Family would benefit from parenting support.",
    )
    cal = _child(area, "Cal", date(2017, 3, 3))
    dee = _child(area, "Dee", date(2012, 4, 4))
    _event(area, dee, EventType.BECAME_LOOKED_AFTER, today - timedelta(days=60))
    eve_born = today.replace(year=today.year - 18) - timedelta(days=30)
    eve = _child(area, "Eve", eve_born)
    _event(area, eve, EventType.BECAME_LOOKED_AFTER, today - timedelta(days=900))
    _event(area, eve, EventType.CEASED_LOOKED_AFTER, today - timedelta(days=300))
    fin = _child(area, "Fin", date(2014, 5, 5), council=False)
    return {"ava": ava, "ben": ben, "cal": cal, "dee": dee, "eve": eve, "fin": fin}


def _names(pack, key: str) -> list[str]:
    return sorted(str(row[1]) for row in pack.list(key).rows)


# Scheduling ------------------------------------------------------------------------------


def test_scheduling_makes_the_team_and_tells_the_area(area: Area, inspectorates: Inspectorates):
    inspection = schedule(area, inspectorates)
    assert set(inspection.inspectors.all()) == {
        inspectorates.ofsted_inspector,
        inspectorates.hmicfrs_inspector,
    }
    assert inspection.data_from < inspection.starts_on
    entry = AuditEntry.objects.get(verb=AuditVerb.INSPECTION_SCHEDULED)
    assert entry.payload["area"] == "LA-TEST"
    assert Notification.objects.filter(recipient=area.manager).exists()
    assert Notification.objects.filter(recipient=inspectorates.hmicfrs_inspector).exists()


def test_scheduling_is_checked(area: Area, inspectorates: Inspectorates):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        schedule_inspection(
            actor=area.manager,
            details=InspectionDetails(
                title="x",
                area=area.council,
                inspectorates=[inspectorates.ofsted],
                starts_on=today,
                ends_on=today,
            ),
        )
    with pytest.raises(ValidationError) as error:
        schedule_inspection(
            actor=inspectorates.ofsted_inspector,
            details=InspectionDetails(
                title=" ",
                area=area.police,
                inspectorates=[inspectorates.hmicfrs],
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=100),
            ),
        )
    assert set(error.value.message_dict) == {
        "title",
        "area",
        "inspectorates",
        "starts_on",
        "ends_on",
    }


# Need-to-know ----------------------------------------------------------------------------


def test_the_team_sees_the_area_only_during_the_window(
    area: Area, inspectorates: Inspectorates, data_set: dict[str, Person]
):
    today = timezone.localdate()
    inspection = schedule(area, inspectorates, starts_on=today + timedelta(days=7), days=5)
    team = inspectorates.ofsted_inspector
    with pytest.raises(Http404):
        data_pack(team, inspection, today)  # before the window
    assert data_pack(team, inspection, inspection.starts_on).list("contacts").rows
    assert data_pack(team, inspection, inspection.ends_on).list("contacts").rows
    with pytest.raises(Http404):
        data_pack(team, inspection, inspection.ends_on + timedelta(days=1))
    # Not on the team, or not an inspector: never.
    for user in (inspectorates.other_inspector, area.manager, area.taskforce_analyst):
        with pytest.raises(Http404):
            data_pack(user, inspection, inspection.starts_on)
    # The window gives no sight of the person records themselves.
    assert not may_see_person(team, data_set["ava"].pk)


def test_the_inspection_page_is_for_the_team_and_the_inspected_agencies(
    area: Area, inspectorates: Inspectorates
):
    inspection = schedule(area, inspectorates)
    for user in (inspectorates.ofsted_inspector, area.manager, area.police_analyst, area.dsl):
        assert access_inspection(user, inspection.pk) == inspection
        assert inspections_for(user) == [inspection]
    for user in (inspectorates.other_inspector, area.other_mash, area.other_police_analyst):
        with pytest.raises(Http404):
            access_inspection(user, inspection.pk)
        assert inspections_for(user) == []


# The data pack ---------------------------------------------------------------------------


def test_the_data_pack_lists_each_child_by_stage(
    area: Area, inspectorates: Inspectorates, data_set: dict[str, Person]
):
    inspection = schedule(area, inspectorates)
    pack = data_pack(inspectorates.hmicfrs_inspector, inspection)
    assert [data_list.key for data_list in pack.lists] == [
        "contacts",
        "early-help",
        "referrals",
        "assessments",
        "section-47",
        "child-protection-plans",
        "looked-after",
        "care-leavers",
    ]
    assert _names(pack, "contacts") == ["Ava", "Ben", "Cal", "Dee", "Eve"]
    assert _names(pack, "early-help") == ["Ben"]
    assert _names(pack, "referrals") == ["Ava"]
    assert _names(pack, "assessments") == ["Ava"]
    # One row for the enquiry: its strategy discussion, and the day its work started.
    assert _names(pack, "section-47") == ["Ava"]
    assert _names(pack, "child-protection-plans") == ["Ava"]
    assert _names(pack, "looked-after") == ["Dee"]
    assert _names(pack, "care-leavers") == ["Eve"]
    (eve,) = pack.list("care-leavers").rows
    assert eve[-1] == 17  # age when she ceased to be looked after
    assert data_set["fin"].pk not in pack.person_ids
    (assessment,) = pack.list("assessments").rows
    assert assessment[-1] == "Yes"  # still being worked on


def test_csv_and_spreadsheet_exports_are_audited(
    area: Area, inspectorates: Inspectorates, data_set: dict[str, Person]
):
    inspection = schedule(area, inspectorates)
    team = inspectorates.ofsted_inspector
    exported = export_list_csv(team, inspection, "early-help")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Child record id", "Given name", "Family name"]
    assert [row[1] for row in rows[1:]] == ["Ben"]
    assert rows[1][3] == "2016-02-02"
    entry = AuditEntry.objects.get(verb=AuditVerb.INSPECTION_DATA_PACK_EXPORTED)
    assert entry.payload["format"] == "csv"
    assert entry.payload["persons"] == [str(data_set["ben"].pk)]
    workbook_file = export_pack_xlsx(team, inspection)
    workbook = load_workbook(io.BytesIO(workbook_file.content))
    assert workbook.sheetnames == [
        "About",
        "Contacts",
        "Early help",
        "Referrals",
        "Assessments",
        "Section 47 enquiries",
        "Child protection plans",
        "Looked-after children",
        "Care leavers",
    ]
    contacts = [row[1] for row in workbook["Contacts"].iter_rows(min_row=2, values_only=True)]
    assert sorted(contacts) == ["Ava", "Ben", "Cal", "Dee", "Eve"]
    assert AuditEntry.objects.filter(verb=AuditVerb.INSPECTION_DATA_PACK_EXPORTED).count() == 2
    with pytest.raises(Http404):
        export_list_csv(team, inspection, "no-such-list")


def test_a_formula_in_a_name_is_not_run_by_a_spreadsheet(area: Area, inspectorates: Inspectorates):
    _child(area, "=HYPERLINK(1)", date(2015, 6, 6))
    inspection = schedule(area, inspectorates)
    exported = export_list_csv(inspectorates.ofsted_inspector, inspection, "contacts")
    assert "'=HYPERLINK(1)" in exported.content.decode("utf-8-sig")


# Findings and actions ---------------------------------------------------------------------


def test_findings_and_actions_are_tracked_to_completion(area: Area, inspectorates: Inspectorates):
    inspection = schedule(area, inspectorates)
    team = inspectorates.hmicfrs_inspector
    finding = record_finding(
        actor=team,
        inspection=inspection,
        kind=FindingKind.PRIORITY,
        text="Strategy discussions do not always include the police.",
    )
    due = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        set_action(
            actor=team, finding=finding, description="Fix it", owner=area.other_mash, due_on=due
        )
    assert error.value.message_dict == {
        "owner": ["Choose a member of staff of one of the inspected agencies"]
    }
    action = set_action(
        actor=team,
        finding=finding,
        description="Invite the police to every strategy discussion.",
        owner=area.police_analyst,
        due_on=due,
    )
    assert Notification.objects.filter(recipient=area.police_analyst).exists()
    with pytest.raises(PermissionDenied):
        update_action(actor=area.dsl, action=action, status=ActionStatus.DONE, note="Done")
    update_action(actor=area.police_analyst, action=action, status=ActionStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        update_action(actor=area.police_analyst, action=action, status=ActionStatus.DONE)
    assert error.value.message_dict == {"note": ["Say what was done"]}
    update_action(
        actor=area.police_analyst,
        action=action,
        status=ActionStatus.DONE,
        note="A police officer now joins every strategy discussion.",
    )
    action.refresh_from_db()
    assert action.completed_on == timezone.localdate()
    assert [update.status for update in action.updates.all()] == ["in-progress", "done"]
    verbs = AuditEntry.objects.filter(verb=AuditVerb.INSPECTION_ACTION_UPDATED)
    assert [entry.payload.get("status") for entry in verbs.order_by("sequence")] == [
        "open",
        "in-progress",
        "done",
    ]
    assert AuditEntry.objects.filter(verb=AuditVerb.INSPECTION_FINDING_RECORDED).count() == 1
    with pytest.raises(PermissionDenied):
        record_finding(
            actor=inspectorates.other_inspector,
            inspection=inspection,
            kind=FindingKind.STRENGTH,
            text="Good",
        )


def test_overdue_actions_are_shown_and_notified_once(area: Area, inspectorates: Inspectorates):
    inspection = schedule(area, inspectorates)
    team = inspectorates.ofsted_inspector
    finding = record_finding(
        actor=team, inspection=inspection, kind=FindingKind.IMPROVEMENT, text="Slow decisions."
    )
    today = timezone.localdate()
    action = set_action(
        actor=team,
        finding=finding,
        description="Decide within a day.",
        owner=area.mash,
        due_on=today,
    )
    assert not action.is_overdue(today)
    later = today + timedelta(days=1)
    assert action.is_overdue(later)
    assert notify_overdue_actions(today) == 0
    assert notify_overdue_actions(later) == 1
    assert notify_overdue_actions(later) == 0
    assert (
        Notification.objects.filter(recipient=area.mash, subject__startswith="Overdue").count() == 1
    )
    update_action(actor=area.mash, action=action, status=ActionStatus.DONE, note="Now daily.")
    assert not InspectionAction.objects.get(pk=action.pk).is_overdue(later)
