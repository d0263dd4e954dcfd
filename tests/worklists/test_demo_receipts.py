"""The demo's hand-offs keep receipts as real ones do, so that its pages show what became
of them: each decided referral acted on when it was decided, the others not yet opened."""

from __future__ import annotations

import pytest

from safeguarding.demo.generator import build_demo
from safeguarding.mash.models import Contact
from safeguarding.worklists.models import Receipt

pytestmark = pytest.mark.django_db


def test_the_demo_s_referrals_carry_receipts() -> None:
    build_demo(seed=7, scale=0.003, progress=False)
    kinds = set(Receipt.objects.values_list("kind", flat=True))
    assert {"referral", "network-alert", "cross-force-request", "inspection-action"} <= kinds

    referrals = {r.item_id: r for r in Receipt.objects.filter(kind="referral")}
    contacts = list(Contact.objects.select_related("concern"))
    assert set(referrals) == {str(contact.pk) for contact in contacts}
    decided = [contact for contact in contacts if contact.decision]
    assert decided
    assert len(decided) < len(contacts), "some demo referrals still wait for a decision"
    for contact in contacts:
        receipt = referrals[str(contact.pk)]
        assert receipt.from_agency_id == contact.concern.agency_id
        assert receipt.to_agency_id == contact.authority_id
        assert receipt.sent_at == contact.concern.received_at
        if contact.decision:
            assert receipt.acted_at == contact.decided_at
            assert receipt.received_at is not None
            assert receipt.received_at <= receipt.acted_at
        else:
            assert receipt.acted_at is None
