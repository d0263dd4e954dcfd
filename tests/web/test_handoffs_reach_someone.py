"""Every hand-off reaches someone: for each kind of thing the service sends to another
agency, and each kind of agency it may be sent to, someone there is told and sees it in
their work list. A hand-off with no recipient at some kind of agency falls between them."""

from __future__ import annotations

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
