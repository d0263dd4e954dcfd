"""Police capacity: each force's officers and teams for its managers and analysts; every
force, unnamed and suppressed, for the taskforce."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.access.actions import create_user
from safeguarding.access.roles import Role
from safeguarding.clocks.actions import start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.taskforce.actions import SuspectDetails, record_suspect
from tests.factories import PASSWORD, Area

pytestmark = pytest.mark.django_db


def test_a_force_sees_its_officers_teams_and_overdue_work(area: Area, client_for):
    lead = create_user(
        actor=None,
        username="sergeant",
        password=PASSWORD,
        role=Role.TEAM_MANAGER,
        agency=area.police,
        given_name="Sam",
        family_name="Sergeant",
        check_password_strength=False,
    )
    officer = create_user(
        actor=None,
        username="constable",
        password=PASSWORD,
        role=Role.POLICE_ANALYST,
        agency=area.police,
        given_name="Chris",
        family_name="Constable",
        manager=lead,
        check_password_strength=False,
    )
    for number in range(3):
        record_suspect(
            actor=lead,
            details=SuspectDetails(
                f"NCA-{number}",
                f"SUS-{number}",
                identified_on=date(2025, 3, 3),
                officer_id=officer.pk,
            ),
        )
    start_clock(
        clock_type=ClockType.ABUSE_REPORT,
        authority=area.police,
        subject="test:overdue",
        started_on=date(2025, 1, 6),
        accountable=officer,
    )
    start_clock(
        clock_type=ClockType.ABUSE_REPORT,
        authority=area.police,
        subject="test:unallocated",
        started_on=date(2025, 1, 6),
        accountable=None,
    )
    body = client_for(lead).get("/taskforce/capacity/").content.decode()
    row = body[body.index("Chris Constable") :].split("</tr>")[0]
    assert [c.split("<")[0] for c in row.split('numeric">')[1:]] == ["3", "1"]
    assert "Sam Sergeant&#x27;s team" in body or "Sam Sergeant's team" in body
    assert "of which 1 not allocated" in body
    other = client_for(area.other_police_analyst).get("/taskforce/capacity/").content.decode()
    assert "Chris Constable" not in other


def test_the_taskforce_sees_forces_unnamed_and_suppressed(area: Area, client_for):
    record_suspect(
        actor=area.police_analyst,
        details=SuspectDetails(
            "NCA-1", "SUS-1", identified_on=date(2025, 3, 3), officer_id=area.police_analyst.pk
        ),
    )
    body = client_for(area.taskforce_analyst).get("/taskforce/capacity/").content.decode()
    assert "SUS-1" not in body
    row = body[body.index(area.police.name) :].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('numeric">')[1:]]
    # 1 open case: fewer than 5; the other force's 0 cannot protect it, so England's total
    # of 1 is itself small.
    assert cells[1] == "fewer than 5"
    assert cells[3] == "not shown"
    for user in (area.practitioner, area.dsl, area.auditor):
        assert client_for(user).get("/taskforce/capacity/").status_code == 403
