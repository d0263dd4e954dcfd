"""Every role's home page is a work list: on an area where each has work, the home page
shows it, and no role lands on a page that says it has nothing to use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.actions import start_clock
from safeguarding.clocks.rules import ClockType
from safeguarding.helpline import actions as helpline_actions
from safeguarding.mash.actions import request_information
from safeguarding.mash.models import Contact
from safeguarding.people.grants import grant_break_glass
from safeguarding.retention.actions import HoldDetails, place_hold
from safeguarding.therapy.actions import ReferralDetails, refer_for_therapy
from safeguarding.therapy.models import ServiceType
from safeguarding.worklists.registry import registered
from tests.exitpayments.conftest import record_exit
from tests.factories import Area, make_agency, make_user
from tests.fund.conftest import apply, build_setting
from tests.helpline.conftest import details, unlocked
from tests.inspections.helpers import make_inspectorates, schedule

EMPTY_MESSAGE = "Your role has no pages yet"


@dataclass
class Seeded:
    area: Area
    users: dict[str, User]


@pytest.fixture
def seeded(area: Area, settings: object) -> Seeded:
    """An area where every role has work, made through the domain actions."""
    # The production Argon2id costs are for attackers, not test runs.
    settings.HELPLINE_KDF_TIME_COST = 1  # type: ignore[attr-defined]  # pytest-django settings
    settings.HELPLINE_KDF_MEMORY_KIB = 256  # type: ignore[attr-defined]  # as above
    child = area.child_known_to_school()
    contact = Contact.objects.get(concern__agency=area.school)
    # The MASH asks the police and health what they hold.
    for partner in (area.police, area.nhs):
        request_information(
            actor=area.mash, contact=contact, to_agency=partner, question="What do you hold?"
        )
    # A social worker holds a child's assessment.
    start_clock(
        clock_type=ClockType.ASSESSMENT,
        authority=area.council,
        subject=f"assessment:{child.pk}",
        started_on=timezone.localdate() - timedelta(days=10),
        accountable=area.practitioner,
        person=child,
        actor=area.manager,
    )
    # A child referred for therapy long ago is still waiting: a breach in national figures.
    refer_for_therapy(
        actor=area.dsl,
        details=ReferralDetails(
            person_id=child.pk,
            provider=area.nhs,
            service_type=ServiceType.values[0],
            authority=area.council,
            referred_on=timezone.localdate() - timedelta(days=200),
        ),
    )
    # Break-glass access, for the auditor to look into.
    grant_break_glass(
        actor=area.other_police_analyst, person_id=child.pk, reason="Missing-person enquiry"
    )
    # An account still without its second step, for the administrator.
    make_user(Role.PRACTITIONER, area.council, username="new-starter", totp=False)
    # A force asks another; the exit-payment register; the fund; the helpline; inspections.
    hr = make_user(Role.HR_FINANCE, area.council, username="hr")
    from safeguarding.exitpayments.actions import publish_default_rule_sets

    publish_default_rule_sets(actor=None)
    record_exit(hr)
    fund = build_setting(area)
    apply(fund)
    helpline = make_agency(AgencyKind.HELPLINE, code="HELP", name="National helpline")
    caseworker = make_user(Role.HELPLINE_STAFF, helpline, username="caseworker")
    helpline_actions.create_recovery_key(actor=None, helpline=helpline)
    unlocked(caseworker)
    helpline_actions.submit_report(details(area))
    inspectorates = make_inspectorates()
    schedule(area, inspectorates)
    # The school's information governance keeps its records for an inquiry (an officer
    # holds only their own agency's records).
    governance = make_user(Role.INFORMATION_GOVERNANCE, area.school, username="governance")
    place_hold(
        actor=governance,
        details=HoldDetails(
            reference="INQ-1", reason="Inquiry into abuse in schools", agency_code="SCH-TEST"
        ),
    )
    users = {
        Role.PRACTITIONER: area.practitioner,
        Role.TEAM_MANAGER: area.manager,
        Role.MASH_TRIAGE: area.mash,
        Role.DESIGNATED_SAFEGUARDING_LEAD: area.dsl,
        Role.POLICE_ANALYST: area.police_analyst,
        Role.TASKFORCE_ANALYST: area.taskforce_analyst,
        Role.AUDITOR: area.auditor,
        Role.SYSTEM_ADMINISTRATOR: area.admin,
        Role.HR_FINANCE: hr,
        Role.FUND_ADMINISTRATOR: fund.administrator,
        Role.HELPLINE_STAFF: caseworker,
        Role.INSPECTOR: inspectorates.ofsted_inspector,
        Role.INFORMATION_GOVERNANCE: governance,
        # Health: a practitioner at the NHS trust, asked for information and providing therapy.
        "health": area.health,
        "fund-applicant": fund.applicant,
    }
    return Seeded(area, {str(key): user for key, user in users.items()})


# Agency systems use the API only, never a home page.
PEOPLE_ROLES = [role for role in Role.values if role != Role.SYSTEM_INTEGRATION]


@pytest.mark.parametrize("role", [*PEOPLE_ROLES, "health", "fund-applicant"])
def test_every_role_home_page_shows_its_work(
    seeded: Seeded, client_for: Callable[[User], Client], role: str
) -> None:
    user = seeded.users[role]
    response = client_for(user).get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert EMPTY_MESSAGE not in text
    lists = response.context["work_lists"]
    assert lists, f"{role} has no work list"
    assert any(work.items for work in lists), f"{role}'s work lists are all empty"
    # Each list is drawn in the page's main content, each item with its link.
    main = text[text.index("<main") :]
    for work in lists:
        assert f'id="work-list-{work.key}"' in main
        for item in work.items:
            assert f'href="{item.link}"' in main


def test_every_role_is_seeded() -> None:
    """A new role must be given work here (and a provider) before it can ship."""
    assert set(PEOPLE_ROLES) | {Role.SYSTEM_INTEGRATION} == set(Role.values)


def test_each_list_holds_the_work_it_names(
    seeded: Seeded, client_for: Callable[[User], Client]
) -> None:
    area = seeded.area
    lists = {w.key: w for w in client_for(area.mash).get("/").context["work_lists"]}
    assert [item.whose for item in lists["triage-queue"].items] == ["Amelia Hartley"]
    assert lists["requests-awaiting"].total == 2
    police = {w.key: w for w in client_for(area.police_analyst).get("/").context["work_lists"]}
    assert police["requests-to-answer"].total == 1
    assert "triage-queue" not in police
    dsl = {w.key: w for w in client_for(area.dsl).get("/").context["work_lists"]}
    assert [item.state for item in dsl["referrals"].items] == ["Awaiting decision"]
    worker = {w.key: w for w in client_for(area.practitioner).get("/").context["work_lists"]}
    assert [item.whose for item in worker["caseload"].items] == ["Amelia Hartley"]
    # The other council's MASH has nothing of this area's.
    other = {w.key: w for w in client_for(area.other_mash).get("/").context["work_lists"]}
    assert other["triage-queue"].items == []
    assert other["requests-awaiting"].total == 0
    # A council that was asked nothing has no list of requests to answer.
    assert "requests-to-answer" not in lists


def test_a_home_page_naming_children_is_audited(
    seeded: Seeded, client_for: Callable[[User], Client]
) -> None:
    area = seeded.area
    before = AuditEntry.objects.count()
    client_for(area.practitioner).get("/")
    entries = AuditEntry.objects.filter(
        verb=AuditVerb.WORK_LIST_VIEWED, actor_id=area.practitioner.pk
    ).order_by("-sequence")
    assert AuditEntry.objects.count() > before
    child = Contact.objects.get(concern__agency=area.school).concern.involvements.get().person_id
    payloads = [entry.payload for entry in entries]
    assert any(f"person:{child}" in p.get("lists", {}).get("caseload", []) for p in payloads)


def test_every_provider_is_registered() -> None:
    assert {
        "clocks.deadlines",
        "clocks.caseload",
        "mash.queue",
        "mash.requests_to_answer",
        "mash.requests_awaiting",
        "reportingduty.records",
        "mash.referrals",
        "networks.alerts",
        "collaboration.requests",
        "inspections.inspections",
        "inspections.actions",
        "helpline.reports",
        "helpline.referrals",
        "fund.applications",
        "exitpayments.cases",
        "therapy.referrals",
        "web.to_look_into",
        "clocks.unallocated",
        "taskforce.awaiting_allocation",
        "taskforce.network_alerts",
        "web.accounts",
        "web.therapy_waits",
        "retention.legal_holds",
    } <= set(registered())
