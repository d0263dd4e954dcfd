"""Receipts of hand-offs: a referral records that it was sent, the first opening by the
MASH and its first action; the sender reads them on its referrals page; receipts are
written once, and each write is in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.mash import actions
from safeguarding.mash.models import Contact, Decision
from safeguarding.worklists.actions import Acted, Sent, record_acted, record_received, record_sent
from safeguarding.worklists.models import Receipt
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

RATIONALE = "Support at home is needed; no sign of significant harm at present."
ClientFor = Callable[[User], Client]


def _refer(area: Area) -> Receipt:
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details("Ava"))
    return Receipt.objects.get(kind="referral", item_id=str(concern.contact.pk))


def test_a_referral_records_that_it_was_sent_from_the_school_to_the_mash(area: Area) -> None:
    receipt = _refer(area)
    assert receipt.from_agency_id == area.school.pk
    assert receipt.to_agency_id == area.council.pk
    assert receipt.received_at is None
    assert receipt.acted_at is None
    sent = AuditEntry.objects.filter(verb=AuditVerb.HAND_OFF_SENT, target_id=receipt.item_id)
    assert sent.count() == 1
    assert sent.get().payload["kind"] == "referral"


def test_the_first_opening_by_the_mash_is_received_and_later_ones_change_nothing(
    area: Area, client_for: ClientFor
) -> None:
    receipt = _refer(area)
    page = reverse("mash:contact", args=[receipt.item_id])
    assert client_for(area.mash).get(page).status_code == 200
    receipt.refresh_from_db()
    assert receipt.received_by_id == area.mash.pk
    first = receipt.received_at
    assert first is not None

    manager_opens = client_for(area.manager).get(page)
    assert manager_opens.status_code == 200
    receipt.refresh_from_db()
    assert (receipt.received_at, receipt.received_by_id) == (first, area.mash.pk)
    received = AuditEntry.objects.filter(
        verb=AuditVerb.HAND_OFF_RECEIVED, target_id=receipt.item_id
    )
    assert received.count() == 1


def test_someone_at_the_agency_who_does_not_act_on_it_does_not_receive_it(area: Area) -> None:
    receipt = _refer(area)
    # A practitioner at the council is not among those who triage its contacts.
    assert not record_received("referral", receipt.item_id, actor=area.practitioner)
    # Nor is anyone at another agency, even one who may act on referrals at their own.
    assert not record_received("referral", receipt.item_id, actor=area.other_mash)
    receipt.refresh_from_db()
    assert receipt.received_at is None


def test_the_decision_is_the_action_and_the_school_reads_all_three(
    area: Area, client_for: ClientFor
) -> None:
    receipt = _refer(area)
    client_for(area.mash).get(reverse("mash:contact", args=[receipt.item_id]))
    contact = receipt_contact(receipt)
    before = client_for(area.dsl).get(reverse("mash:referrals")).content.decode()
    assert "Received " in before
    assert "Acted on" not in before

    actions.decide_contact(
        actor=area.mash, contact=contact, decision=Decision.EARLY_HELP, rationale=RATIONALE
    )
    receipt.refresh_from_db()
    assert receipt.acted_by_id == area.mash.pk
    assert receipt.action == "Decision: early help"
    assert receipt.received_at is not None
    assert receipt.acted_at is not None
    assert receipt.received_at <= receipt.acted_at
    page = client_for(area.dsl).get(reverse("mash:referrals")).content.decode()
    assert f"Sent {timezone.localtime(receipt.sent_at):%-d %b %Y %H:%M} to Testshire Council" in (
        page
    )
    assert f"Received {timezone.localtime(receipt.received_at):%-d %b %Y %H:%M}" in page
    assert (
        f"Acted on {timezone.localtime(receipt.acted_at):%-d %b %Y %H:%M} (Decision: early help)"
        in page
    )
    assert RATIONALE not in page


def receipt_contact(receipt: Receipt) -> Contact:
    return Contact.objects.get(pk=receipt.item_id)


def test_a_referral_not_yet_opened_reads_so(area: Area, client_for: ClientFor) -> None:
    _refer(area)
    page = client_for(area.dsl).get(reverse("mash:referrals")).content.decode()
    assert "Not yet opened" in page


def test_acting_on_what_nobody_opened_receives_it_then_and_acting_again_changes_nothing(
    area: Area,
) -> None:
    receipt = _refer(area)
    decided_at = timezone.now() - timedelta(minutes=1)
    assert record_acted(
        "referral", [Acted(receipt.item_id, "Answered", decided_at)], actor=area.mash
    )
    receipt.refresh_from_db()
    assert receipt.received_at == decided_at == receipt.acted_at
    assert receipt.received_by_id == area.mash.pk

    later = Acted(receipt.item_id, "Answered again")
    assert record_acted("referral", [later], actor=area.manager) == 0
    receipt.refresh_from_db()
    assert (receipt.acted_at, receipt.action) == (decided_at, "Answered")
    acted = AuditEntry.objects.filter(verb=AuditVerb.HAND_OFF_ACTED, target_id=receipt.item_id)
    assert acted.count() == 1


def test_acting_at_another_agency_records_nothing(area: Area) -> None:
    receipt = _refer(area)
    assert (
        record_acted("referral", [Acted(receipt.item_id, "Answered")], actor=area.other_mash) == 0
    )
    receipt.refresh_from_db()
    assert receipt.acted_at is None


def test_sending_again_to_the_same_agency_keeps_the_first_receipt(area: Area) -> None:
    first = timezone.now() - timedelta(days=3)
    assert record_sent(
        "information-request",
        [Sent("r-1", area.school.pk, area.council.pk, first)],
        actor=area.mash,
    )
    assert not record_sent(
        "information-request", [Sent("r-1", area.school.pk, area.council.pk)], actor=area.mash
    )
    assert Receipt.objects.get(kind="information-request", item_id="r-1").sent_at == first
    sent = AuditEntry.objects.filter(verb=AuditVerb.HAND_OFF_SENT, target_id="r-1")
    assert sent.count() == 1


def test_an_unknown_kind_is_refused(area: Area) -> None:
    with pytest.raises(ValueError, match="not a registered hand-off"):
        record_sent("parcel", [Sent("x", area.school.pk)], actor=area.mash)


def test_an_inactive_member_of_staff_receives_nothing(area: Area) -> None:
    receipt = _refer(area)
    gone = make_user(Role.MASH_TRIAGE, area.council, username="gone")
    gone.is_active = False
    gone.save()
    assert not record_received("referral", receipt.item_id, actor=gone)
