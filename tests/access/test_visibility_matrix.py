"""Need-to-know at the level of each item: for every item kind and every kind of agency
that reads records, what a member of staff sees of another agency's item on a child they
may see, through the web and through the API. The expectations are written out here
from docs/developers/visibility.md, not read from the code under test."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from safeguarding.access.actions import issue_api_token
from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.access.visibility import Item
from safeguarding.casework.actions import AssessmentDetails, EpisodeDetails, save_episode
from safeguarding.casework.queries import assessments_about
from safeguarding.chronology.actions import mark_entry
from safeguarding.chronology.models import ChronologyMark
from safeguarding.concerns.models import Concern
from safeguarding.mash.actions import (
    answer_information_request,
    decide_contact,
    request_information,
)
from safeguarding.mash.models import Contact
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.pathway.events import EventType, Outcome
from safeguarding.people.models import AgencyRecord, Person
from tests.factories import Area, child_details, make_agency, make_concern, make_user
from tests.security.builders import helpline_case

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
    Item.PATHWAY_EVENT: {
        LA: "full",
        POLICE: "full",
        NHS: "full",
        SCHOOL: "summary",
        CHARITY: "summary",
    },
    Item.CHRONOLOGY_ANALYSIS: {
        LA: "full",
        POLICE: "none",
        NHS: "none",
        SCHOOL: "none",
        CHARITY: "none",
    },
    Item.PARTNER_ANSWER: {LA: "full", POLICE: "none", NHS: "none", SCHOOL: "none", CHARITY: "none"},
    Item.ASSESSMENT: {
        LA: "full",
        POLICE: "summary",
        NHS: "summary",
        SCHOOL: "summary",
        CHARITY: "summary",
    },
    Item.HELPLINE_REFERRAL: dict.fromkeys((LA, POLICE, NHS, SCHOOL, CHARITY), "none"),
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
# The items that are not concerns, each recorded by an agency no viewer belongs to.
NOTES = "Strategy discussion: police to interview the stepfather on Friday."
ANALYSIS = "Analysis: intelligence on Darren Pike makes the pattern of absences significant."
ANSWER = "Answer: the child attended the emergency unit twice in March with unexplained bruising."
WISHES = "Wants to live with her nan and never go back to the flat."
ACCOUNT = "The head teacher shredded the disclosure log after an inspection"
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

    def add(self, item: str) -> None:
        """The item that is not a concern, recorded by an agency no viewer belongs to: the
        other council (which also holds a record of the child), or a partner asked."""
        area, child = self.area, self.child
        AgencyRecord.objects.get_or_create(agency=area.other_council, person=child)
        worker = make_user(Role.PRACTITIONER, area.other_council, username="other-la-worker")
        if item == Item.PATHWAY_EVENT:
            record_event(
                actor=worker,
                details=EventDetails(
                    person_id=child.pk,
                    event_type=EventType.STRATEGY_DISCUSSION,
                    outcome=Outcome.NO_S47,
                    occurred_on=timezone.localdate() - timedelta(days=2),
                    notes=NOTES,
                ),
            )
        elif item == Item.CHRONOLOGY_ANALYSIS:
            police_concern = self.concerns[Item.POLICE_INTELLIGENCE]
            mark_entry(
                actor=worker,
                person_id=child.pk,
                entry_ref=f"concern:{police_concern.pk}",
                significant=True,
                analysis=ANALYSIS,
            )
        elif item == Item.PARTNER_ANSWER:
            partner = self.recorders[Item.HEALTH_INFORMATION]
            contact = Contact.objects.get(concern=self.concerns[Item.CONCERN_SUMMARY])
            self.request = request_information(
                actor=area.mash, contact=contact, to_agency=partner, question="What do you hold?"
            )
            answerer = make_user(Role.PRACTITIONER, partner, username="partner-answerer")
            answer_information_request(actor=answerer, request=self.request, answer=ANSWER)
        elif item == Item.ASSESSMENT:
            save_episode(
                actor=worker,
                details=EpisodeDetails(
                    person_id=child.pk,
                    referral_date=date(2025, 5, 6),
                    referral_source="2A",
                    primary_need="N1",
                    assessments=[
                        AssessmentDetails(
                            started_on=date(2025, 5, 7),
                            authorised_on=date(2025, 6, 20),
                            factors=["16A"],
                            child_seen=True,
                            seen_alone=True,
                            wishes_and_feelings=WISHES,
                        )
                    ],
                ),
            )
        elif item == Item.HELPLINE_REFERRAL:
            # Sent to another force, to act on; no viewer is at it.
            to = self.recorders[Item.POLICE_INTELLIGENCE]
            self.referral = helpline_case(area, to_agency=to, what_happened=ACCOUNT).referral

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


def _api_get(user: User, path: str) -> Any:
    token = issue_api_token(actor=None, user=user, name="matrix")
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def _api(user: User, child: Person, *paths: str) -> str:
    token = issue_api_token(actor=None, user=user, name="matrix")
    seen = ""
    for path in paths or ("/concerns",):
        response = Client().get(
            f"/api/v1/persons/{child.pk}{path}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        seen += response.content.decode()
    return seen


CONCERN_ITEMS = (Item.CONCERN_SUMMARY, Item.POLICE_INTELLIGENCE, Item.HEALTH_INFORMATION)
DECISION_ITEMS = (Item.MASH_DECISION, Item.REFERRAL_OUTCOME)
# What each item that is not a concern holds, which must never show where it is not seen.
CONTENT = {
    Item.PATHWAY_EVENT: NOTES,
    Item.CHRONOLOGY_ANALYSIS: ANALYSIS,
    Item.PARTNER_ANSWER: ANSWER,
    Item.ASSESSMENT: WISHES,
    Item.HELPLINE_REFERRAL: ACCOUNT,
}


@pytest.mark.parametrize("viewer_name", sorted(VIEWERS))
@pytest.mark.parametrize("item", list(EXPECTED))
def test_what_each_viewer_sees_of_each_item(
    area: Area, client_for: Callable[[User], Client], item: str, viewer_name: str
):
    picture = Picture(area)
    viewer = picture.viewer(viewer_name)
    kind, role = VIEWERS[viewer_name]
    expected = EXPECTED[item][kind]
    if item in CONTENT:
        picture.add(item)
        if role == Role.SYSTEM_INTEGRATION:
            # The API carries none of these items of another agency's, not even those seen
            # in full: its case work is the token's own authority's alone.
            assert CONTENT[item] not in _api(viewer, picture.child, "", "/concerns")
            if item == Item.ASSESSMENT:
                episodes = _api_get(viewer, f"/persons/{picture.child.pk}/episodes")
                assert episodes.status_code == (200 if kind == LA else 403)
                assert CONTENT[item] not in episodes.content.decode()
        else:
            _check_item(picture, client_for(viewer), viewer, item, expected)
        return
    if role == Role.SYSTEM_INTEGRATION:
        if item in DECISION_ITEMS:
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


def _check_item(picture: Picture, client: Client, viewer: User, item: str, expected: str) -> None:
    """One item that is not a concern, through the pages that show it."""
    child, other_la = picture.child, picture.area.other_council
    content = CONTENT[item]
    chronology = client.get(f"/people/{child.pk}/chronology/")
    assert chronology.status_code == 200
    pages = _web(client, child) + chronology.content.decode()
    if item == Item.PATHWAY_EVENT:
        if expected == "full":
            assert content in pages
            assert "Strategy discussion held: no section 47 enquiry" in pages
        else:
            assert content not in pages
            assert "Strategy discussion held" not in pages
            assert "no section 47 enquiry" not in pages
            assert f"{other_la.name} were involved on" in pages
    elif item == Item.CHRONOLOGY_ANALYSIS:
        assert (content in pages) == (expected == "full")
    elif item == Item.PARTNER_ANSWER:
        page = client.get(f"/mash/requests/{picture.request.pk}/")
        if expected == "full":
            assert page.status_code == 200
            assert content in page.content.decode()
        else:
            assert page.status_code == 404
            assert content not in page.content.decode()
        assert content not in pages
    elif item == Item.ASSESSMENT:
        assert content not in pages  # no page shows another authority's assessments
        (assessment,) = assessments_about(viewer, child)
        assert assessment.shown == expected
        if expected == "full":
            assert assessment.wishes_and_feelings == content
            assert assessment.factors == ["16A"]
        else:
            assert assessment.wishes_and_feelings == ""
            assert assessment.factors == []
            assert assessment.summary == f"{other_la.name} were involved on 7 May 2025."
    elif item == Item.HELPLINE_REFERRAL:
        page = client.get(f"/helpline/referrals/{picture.referral.pk}/")
        assert (page.status_code == 404) == (expected == "none")
        assert content not in page.content.decode() + pages


def test_the_agency_a_helpline_referral_was_sent_to_reads_it(
    area: Area, client_for: Callable[[User], Client]
):
    """The other side of the helpline row: the receiving force's analyst reads it."""
    picture = Picture(area)
    picture.add(Item.HELPLINE_REFERRAL)
    force = picture.recorders[Item.POLICE_INTELLIGENCE]
    analyst = make_user(Role.POLICE_ANALYST, force, username="receiving-analyst")
    page = client_for(analyst).get(f"/helpline/referrals/{picture.referral.pk}/")
    assert page.status_code == 200
    assert ACCOUNT in page.content.decode()


def test_the_partner_asked_reads_its_own_answer(area: Area, client_for: Callable[[User], Client]):
    picture = Picture(area)
    picture.add(Item.PARTNER_ANSWER)
    answerer = User.objects.get(username="partner-answerer")
    page = client_for(answerer).get(f"/mash/requests/{picture.request.pk}/")
    assert page.status_code == 200
    assert ANSWER in page.content.decode()


def test_nobody_replaces_a_mark_they_cannot_read(area: Area):
    picture = Picture(area)
    picture.add(Item.CHRONOLOGY_ANALYSIS)
    ref = f"concern:{picture.concerns[Item.POLICE_INTELLIGENCE].pk}"
    with pytest.raises(ValidationError) as refused:
        mark_entry(
            actor=area.dsl,
            person_id=picture.child.pk,
            entry_ref=ref,
            significant=False,
            analysis="",
        )
    assert "Another agency has marked this entry" in str(refused.value)
    assert ChronologyMark.objects.get(entry_ref=ref).analysis == ANALYSIS
    # The authority, which reads it, may revise it.
    mark_entry(
        actor=area.practitioner,
        person_id=picture.child.pk,
        entry_ref=ref,
        significant=True,
        analysis="Revised",
    )
    assert ChronologyMark.objects.get(entry_ref=ref).analysis == "Revised"


def test_the_who_knew_what_report_shows_content_only_to_those_who_read_it_all(
    area: Area, client_for: Callable[[User], Client]
):
    picture = Picture(area)
    picture.add(Item.PATHWAY_EVENT)
    police_manager = make_user(Role.TEAM_MANAGER, area.police, username="police-manager")
    for user, sees in ((area.mash, True), (police_manager, False)):
        response = client_for(user).get(f"/people/{picture.child.pk}/who-knew-what.pdf")
        assert response.status_code == 200
        text = _pdf_text(b"".join(response) if response.streaming else response.content)
        assert ("DarrenPike" in text) == sees  # the police intelligence
        assert ("interviewthestepfather" in text) == sees  # the pathway event's notes


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text without white space, which wraps lines anywhere."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_every_item_kind_is_covered():
    assert set(EXPECTED) == set(Item.values)
    assert set(EXPECTED) == set(CONCERN_ITEMS) | set(DECISION_ITEMS) | set(CONTENT)


def test_the_document_has_a_row_for_every_item_kind():
    doc = (Path(__file__).resolve().parents[2] / "docs/developers/visibility.md").read_text()
    rows = re.findall(r"^\| .*\(`([a-z-]+)`\) \|(.*)\|$", doc, re.MULTILINE)
    assert {code for code, _cells in rows} == set(Item.values)
    words = {"Full": "full", "Summary": "summary", "None": "none"}
    kinds = (LA, POLICE, NHS, SCHOOL, CHARITY)  # the table's columns, in order
    for code, cells in rows:
        written = [words[cell.strip()] for cell in cells.split("|")]
        assert dict(zip(kinds, written, strict=True)) == EXPECTED[code], code


def test_a_summary_is_never_saved(area: Area):
    from safeguarding.concerns.queries import concerns_about

    picture = Picture(area)
    (police,) = [c for c in concerns_about(area.dsl, picture.child) if c.agency.kind == POLICE]
    with pytest.raises(RuntimeError):
        police.save()


def test_only_staff_who_do_case_work_at_the_partner_read_its_requests(
    area: Area, client_for: Callable[[User], Client]
):
    """The partner's answer is its case workers' (access.visibility): its other staff
    (HR and finance, say) neither list the MASH's requests nor open them."""
    picture = Picture(area)
    picture.add(Item.PARTNER_ANSWER)
    partner = picture.recorders[Item.HEALTH_INFORMATION]
    clerk = make_user(Role.HR_FINANCE, partner, username="partner-hr")
    client = client_for(clerk)
    inbox = client.get("/mash/requests/")
    assert str(picture.request.pk) not in inbox.content.decode()
    assert client.get(f"/mash/requests/{picture.request.pk}/").status_code == 404
    answerer = client_for(User.objects.get(username="partner-answerer"))
    assert str(picture.request.pk) in answerer.get("/mash/requests/").content.decode()
