"""Every hand-off reaches someone: for each kind of thing the service sends to another
agency, and each kind of agency it may be sent to, someone there is told and sees it in
their work list. A hand-off with no recipient at some kind of agency falls between them."""

from __future__ import annotations

import functools
from decimal import Decimal

import pytest

from safeguarding.access.models import AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.worklists.handoffs import hand_offs
from safeguarding.worklists.registry import registered
from tests.factories import Area, make_agency, make_user

HAND_OFF_KINDS = {
    "referral",
    "information-request",
    "helpline-referral",
    "network-alert",
    "cross-force-request",
    "inspection-action",
    "therapy-referral",
    "fund-award",
    "duty-to-report-notification",
}

# The staff an agency of each kind has: national bodies are inspectorates or the
# taskforce, so both are tried.
STAFFING: dict[str, list[tuple[str, list[str]]]] = {
    AgencyKind.LOCAL_AUTHORITY: [
        ("council", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_TRIAGE])
    ],
    AgencyKind.POLICE_FORCE: [("force", [Role.POLICE_ANALYST, Role.TEAM_MANAGER])],
    AgencyKind.SCHOOL: [("school", [Role.DESIGNATED_SAFEGUARDING_LEAD])],
    AgencyKind.NHS_BODY: [("trust", [Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD])],
    AgencyKind.VOLUNTARY_ORGANISATION: [("charity", [Role.PRACTITIONER])],
    AgencyKind.NATIONAL_BODY: [
        ("inspectorate", [Role.INSPECTOR]),
        ("taskforce", [Role.TASKFORCE_ANALYST, Role.FUND_ADMINISTRATOR]),
    ],
    AgencyKind.HELPLINE: [("helpline", [Role.HELPLINE_STAFF])],
}

# Known gaps, each failing until it is closed (strict), so the list only shrinks.
# Hand-offs known not to reach anyone yet, each with why; a strict xfail, so that the
# fix is noticed and the entry removed.
GAPS: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    cases = []
    for kind, hand_off in sorted(hand_offs().items()):
        for agency_kind in sorted(hand_off.sent_to):
            for shape, roles in STAFFING[agency_kind]:
                marks = []
                if (kind, shape) in GAPS:
                    marks.append(pytest.mark.xfail(strict=True, reason=GAPS[(kind, shape)]))
                cases.append(
                    pytest.param(kind, agency_kind, roles, id=f"{kind}-to-{shape}", marks=marks)
                )
    return cases


def test_every_hand_off_is_registered() -> None:
    assert set(hand_offs()) == HAND_OFF_KINDS


def test_every_agency_kind_has_staffing_here() -> None:
    assert set(STAFFING) == set(AgencyKind.values)


def test_every_hand_off_names_a_registered_work_list() -> None:
    providers = registered()
    for hand_off in hand_offs().values():
        assert hand_off.work_list in providers, hand_off.kind
        assert hand_off.sent_to, f"{hand_off.kind} is sent nowhere"


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "agency_kind", "roles"), _cases())
def test_someone_at_each_receiving_agency_is_told_and_sees_it(
    kind: str, agency_kind: str, roles: list[str]
) -> None:
    hand_off = hand_offs()[kind]
    home = make_agency(AgencyKind.LOCAL_AUTHORITY)
    agency = (
        home
        if agency_kind == AgencyKind.LOCAL_AUTHORITY
        else make_agency(
            agency_kind,
            home_authority=home if agency_kind != AgencyKind.NATIONAL_BODY else None,
        )
    )
    for role in roles:
        make_user(role, agency)
    recipients: list[User] = list(hand_off.recipients(agency))
    assert recipients, f"nobody at a {agency_kind} receives a {kind}"
    for user in recipients:
        assert user.agency_id == agency.pk
        assert hand_off.listed_for(user), f"{user.role} is told of a {kind} but never sees it"


def test_a_fund_award_reaches_the_applicant(area: Area) -> None:
    """The award is told to the organisation's staff and is on their work list."""
    from safeguarding.fund.actions import award_grant
    from safeguarding.notifications.models import Notification
    from safeguarding.worklists.registry import work_lists_for
    from tests.fund.conftest import apply, build_setting, scored

    setting = build_setting(area)
    application = scored(setting, apply(setting))
    award_grant(
        actor=setting.administrator,
        application=application,
        amounts={setting.first_year: Decimal("100000"), setting.second_year: Decimal("0")},
    )
    told = Notification.objects.filter(
        recipient=setting.applicant, subject__startswith="Grant awarded"
    )
    assert told.count() == 1
    assert not Notification.objects.filter(recipient=setting.other_applicant).exists()
    fund_list = next(w for w in work_lists_for(setting.applicant) if w.key == "fund-applications")
    assert [item.state for item in fund_list.items] == ["Awarded"]


# Where each hand-off's receipt is recorded: the calls that record it sent, first opened at
# the receiving agency, and first acted on, with the kind written out where it is called.
RECEIPT_STEPS = ("record_sent", "record_received", "record_acted")
# A hand-off with no answer of its own is acted on by the receiving agency's response.
SAME_STEP = {"respond_to_hand_off": "record_acted"}
# Receipts not recorded yet, each with why; strict, so that the entry goes when it is.
RECEIPT_GAPS: dict[tuple[str, str], str] = {}


@functools.cache
def _receipt_calls() -> dict[str, set[str]]:
    """For each receipt step, the hand-off kinds the code under safeguarding/ records it
    for (the kind is the call's first argument, a string)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "safeguarding"
    found: dict[str, set[str]] = {step: set() for step in RECEIPT_STEPS}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            name = SAME_STEP.get(name, name)
            first = node.args[0]
            if name in found and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[name].add(first.value)
    return found


def _receipt_cases() -> list[object]:
    return [
        pytest.param(
            kind,
            step,
            id=f"{kind}-{step}",
            marks=[pytest.mark.xfail(strict=True, reason=RECEIPT_GAPS[(kind, step)])]
            if (kind, step) in RECEIPT_GAPS
            else [],
        )
        for kind in sorted(HAND_OFF_KINDS)
        for step in RECEIPT_STEPS
    ]


@pytest.mark.parametrize(("kind", "step"), _receipt_cases())
def test_every_hand_off_records_its_receipt(kind: str, step: str) -> None:
    """The sender sees when what it sent was received and acted on only if the code that
    sends, opens and answers it records so."""
    assert kind in _receipt_calls()[step], f"nothing calls {step}({kind!r}, ...)"
