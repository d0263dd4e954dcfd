"""Need-to-know at the level of each item: for every item kind and every kind of agency
that reads records, what a member of staff sees of another agency's item on a child they
may see, through the web and through the API. The expectations are written out here
from docs/developers/visibility.md, not read from the code under test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.access.actions import issue_api_token
from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.access.visibility import Item
from safeguarding.concerns.models import Concern
from safeguarding.mash.actions import decide_contact
from safeguarding.mash.models import Contact
from safeguarding.people.models import AgencyRecord, Person
from tests.factories import Area, child_details, make_agency, make_concern, make_user

pytestmark = [pytest.mark.django_db]

LA, POLICE, NHS, SCHOOL, CHARITY = (
    AgencyKind.LOCAL_AUTHORITY,
    AgencyKind.POLICE_FORCE,
    AgencyKind.NHS_BODY,
    AgencyKind.SCHOOL,
    AgencyKind.VOLUNTARY_ORGANISATION,
)
# Item -> viewer's agency kind -> "full", "summary" or "none", for another agency's item.
EXPECTED: dict[str, dict[str, str]] = {
    Item.CONCERN_SUMMARY: {
        LA: "full",
        POLICE: "full",
        NHS: "full",
        SCHOOL: "summary",
        CHARITY: "summary",
    },
    Item.POLICE_INTELLIGENCE: {
        LA: "full",
        POLICE: "full",
        NHS: "summary",
        SCHOOL: "summary",
        CHARITY: "summary",
    },
    Item.HEALTH_INFORMATION: {
        LA: "full",
        POLICE: "summary",
        NHS: "full",
        SCHOOL: "summary",
        CHARITY: "summary",
    },
    Item.MASH_DECISION: {LA: "full", POLICE: "none", NHS: "none", SCHOOL: "none", CHARITY: "none"},
    Item.REFERRAL_OUTCOME: dict.fromkeys((LA, POLICE, NHS, SCHOOL, CHARITY), "full"),
}
# Viewer: (agency kind, role); the viewing agency is never the recorder of the item.
VIEWERS: dict[str, tuple[str, str]] = {
    "council practitioner": (LA, Role.PRACTITIONER),
    "council team manager": (LA, Role.TEAM_MANAGER),
    "MASH triage officer": (LA, Role.MASH_TRIAGE),
    "police analyst": (POLICE, Role.POLICE_ANALYST),
    "NHS practitioner": (NHS, Role.PRACTITIONER),
    "school DSL": (SCHOOL, Role.DESIGNATED_SAFEGUARDING_LEAD),
    "charity practitioner": (CHARITY, Role.PRACTITIONER),
    "council system": (LA, Role.SYSTEM_INTEGRATION),
    "police system": (POLICE, Role.SYSTEM_INTEGRATION),
    "school system": (SCHOOL, Role.SYSTEM_INTEGRATION),
}
SECRET = {
    Item.CONCERN_SUMMARY: "Told a teaching assistant she is scared to go home.",
    Item.POLICE_INTELLIGENCE: "Intelligence: Darren Pike, 41, seen with the child at 2am.",
    Item.HEALTH_INFORMATION: "Seen in the emergency department: injury unlike the account.",
}
RATIONALE_DECISION = "Child and family assessment"


class Picture:
    """A child every agency holds a record on; a concern from another school (so that no
    viewer recorded it), another force and another NHS body, each decided by the MASH;
    and one referral by each viewing agency of its own."""

    def __init__(self, area: Area) -> None:
        self.area = area
        council = area.council
        self.recorders = {
            Item.CONCERN_SUMMARY: make_agency(SCHOOL, code="SCH-2", home_authority=council),
            Item.POLICE_INTELLIGENCE: make_agency(POLICE, code="POL-2", home_authority=council),
            Item.HEALTH_INFORMATION: make_agency(NHS, code="NHS-2", home_authority=council),
        }
        charity = make_agency(CHARITY, code="VOL-1", home_authority=council)
        self.agency_of_kind: dict[str, Agency] = {
            LA: council,
            POLICE: area.police,
            NHS: area.nhs,
            SCHOOL: area.school,
            CHARITY: charity,
        }
        first = make_concern(area.practitioner, local_authority=council, child=child_details())
        self.child: Person = first.involvements.get(role="child").person
        for agency in [*self.recorders.values(), *self.agency_of_kind.values()]:
            AgencyRecord.objects.get_or_create(agency=agency, person=self.child)
        self.concerns: dict[str, Concern] = {}
        for item, agency in self.recorders.items():
            recorder = make_user(Role.PRACTITIONER, agency, username=f"rec-{agency.code}")
            self.concerns[item] = make_concern(
                recorder, local_authority=council, child=self.child, summary=SECRET[item]
            )
            self._decide(self.concerns[item])

    def _decide(self, concern: Concern) -> None:
        contact = Contact.objects.get(concern=concern)
        decide_contact(
            actor=self.area.mash,
            contact=contact,
            decision="assessment",
            rationale="Threshold met: rationale only the authority reads",
            decided_at=timezone.now(),
        )

    def viewer(self, name: str) -> User:
        kind, role = VIEWERS[name]
        return make_user(
            role, self.agency_of_kind[kind], username="viewer-" + name.lower().replace(" ", "-")
        )

    def own_referral(self, viewer: User) -> Concern:
        concern = make_concern(
            viewer, local_authority=self.area.council, child=self.child, summary="Own referral"
        )
        self._decide(concern)
        return concern


def _web(client: Client, child: Person) -> str:
    page = client.get(f"/people/{child.pk}/")
    assert page.status_code == 200
    return page.content.decode()


def _api(user: User, child: Person) -> str:
    token = issue_api_token(actor=None, user=user, name="matrix")
    response = Client().get(
        f"/api/v1/persons/{child.pk}/concerns", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("viewer_name", sorted(VIEWERS))
@pytest.mark.parametrize("item", list(EXPECTED))
def test_what_each_viewer_sees_of_each_item(
    area: Area, client_for: Callable[[User], Client], item: str, viewer_name: str
):
    picture = Picture(area)
    viewer = picture.viewer(viewer_name)
    kind, role = VIEWERS[viewer_name]
    expected = EXPECTED[item][kind]
    if role == Role.SYSTEM_INTEGRATION:
        if item in (Item.MASH_DECISION, Item.REFERRAL_OUTCOME):
            pytest.skip("the API's timeline carries no MASH decisions")
        seen = _api(viewer, picture.child)
    else:
        if item == Item.REFERRAL_OUTCOME:
            picture.own_referral(viewer)
        seen = _web(client_for(viewer), picture.child)
    if item in SECRET:
        recorder = picture.recorders[item]
        involved = f"{recorder.name} were involved on"
        if expected == "full":
            assert SECRET[item] in seen
            assert involved not in seen
        else:
            assert SECRET[item] not in seen
            assert involved in seen
    elif item == Item.MASH_DECISION:
        # On other agencies' referrals: the decision, never the rationale.
        assert "rationale only the authority reads" not in seen
        outcomes = seen.count(f"the MASH decided “{RATIONALE_DECISION}”")
        assert outcomes == (3 if expected == "full" else 0)
    elif item == Item.REFERRAL_OUTCOME:
        assert f"the MASH decided “{RATIONALE_DECISION}”" in seen
        assert "Own referral" in seen


def test_every_item_kind_is_covered():
    assert set(EXPECTED) == set(Item.values)


def test_a_summary_is_never_saved(area: Area):
    from safeguarding.concerns.queries import concerns_about

    picture = Picture(area)
    (police,) = [c for c in concerns_about(area.dsl, picture.child) if c.agency.kind == POLICE]
    with pytest.raises(RuntimeError):
        police.save()
