"""Feedback to the referrer: the MASH's decision goes back to whoever recorded the concern
and to their agency's safeguarding leads, as a notification and on their referrals page,
without the MASH's rationale."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.mash import actions
from safeguarding.mash.models import Decision
from safeguarding.notifications.models import Notification
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

RATIONALE = "Neglect over months; the school's record and the health visitor agree."


def test_the_decision_goes_back_to_the_referrer_and_their_leads(area: Area, client_for):
    teacher = make_user(Role.PRACTITIONER, area.school, username="teacher")
    concern = make_concern(teacher, local_authority=area.council, child=child_details("Ava"))
    other_school = make_user(Role.DESIGNATED_SAFEGUARDING_LEAD, area.nhs, username="nhs-lead")
    client = client_for(teacher)
    # Before the decision, the referrer sees it arrived.
    page = client.get(reverse("mash:referrals")).content.decode()
    assert "Awaiting decision" in page
    assert "Testshire Council" in page

    actions.decide_contact(
        actor=area.mash,
        contact=concern.contact,
        decision=Decision.ASSESSMENT,
        rationale=RATIONALE,
    )

    told = Notification.objects.filter(subject__startswith="Outcome of your referral")
    assert set(told.values_list("recipient__username", flat=True)) == {"teacher", "dsl"}
    notification = told.get(recipient=teacher)
    assert notification.subject == "Outcome of your referral: Child and family assessment"
    assert "Ava" not in notification.body  # it leaves the service by email
    assert notification.link == f"/mash/referrals/#contact-{concern.contact.pk}"
    assert not Notification.objects.filter(recipient__in=[area.mash, other_school]).exists()

    for user in (teacher, area.dsl):
        page = client_for(user).get(reverse("mash:referrals")).content.decode()
        assert "Child and family assessment" in page
        assert "Ava" in page
        assert RATIONALE not in page
    entry = AuditEntry.objects.filter(verb=AuditVerb.CONCERNS_LISTED).latest("sequence")
    assert entry.payload["concerns"] == [str(concern.pk)]


def test_a_colleague_sees_only_their_own_referrals(area: Area, client_for):
    teacher = make_user(Role.PRACTITIONER, area.school, username="teacher")
    make_concern(area.dsl, local_authority=area.council, child=child_details("Ava"))
    page = client_for(teacher).get(reverse("mash:referrals")).content.decode()
    assert "No referrals yet." in page
    assert client_for(area.auditor).get(reverse("mash:referrals")).status_code == 403


def test_outcomes_decided_while_unread_are_one_notification(area: Area):
    contacts = [
        make_concern(area.dsl, local_authority=area.council, child=child_details(name)).contact
        for name in ("Ava", "Ben", "Cal")
    ]
    actions.decide_contacts(
        actor=area.mash,
        decisions=[
            actions.ContactDecision(contact, Decision.NO_FURTHER_ACTION, RATIONALE)
            for contact in contacts
        ],
    )
    (only,) = Notification.objects.filter(recipient=area.dsl, subject__startswith="Outcome")
    assert only.subject == "Outcomes of 3 of your referrals"
    assert only.link == "/mash/referrals/"


def test_a_decision_on_the_authoritys_own_concern_tells_its_recorder(area: Area):
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    actions.decide_contact(
        actor=area.mash, contact=concern.contact, decision=Decision.EARLY_HELP, rationale=RATIONALE
    )
    told = Notification.objects.filter(subject__startswith="Outcome")
    assert list(told.values_list("recipient__username", flat=True)) == ["practitioner"]
