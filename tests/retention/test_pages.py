"""Information governance's pages: placing and releasing a hold, and erasing a person,
through the real stack; other roles are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.people.models import Person
from safeguarding.retention.models import LegalHold
from tests.audit.test_sealing import plain_entry
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.django_db]

REASON = "Erasure requested under Article 17 by the adult"


@pytest.fixture
def governance(area: Area) -> User:
    return make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")


def _child(area: Area) -> Person:
    """A child only the council holds (its own practitioner recorded the concern), so that
    the council's officer may erase her: no other agency holds a record on her."""
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    return concern.involvements.get(role="child").person


def test_information_governance_holds_releases_and_erases(
    area: Area, governance: User, client_for: Callable[[User], Client]
) -> None:
    child = _child(area)
    client = client_for(governance)
    assert client.get("/records/").status_code == 200
    assert "Legal holds and erasure" in client.get("/").content.decode()

    placed = client.post(
        "/records/holds/new/",
        {"reference": "IICSA-9", "reason": "Inquiry into abuse in care", "person_id": child.pk},
    )
    assert placed.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.person_id == child.pk
    assert "IICSA-9" in client.get("/records/").content.decode()

    # The erasure needs a confirmation, and is refused naming the hold.
    unconfirmed = client.post("/records/erase/", {"person_id": child.pk, "reason": REASON})
    assert unconfirmed.status_code == 400
    assert "Confirm that the erasure cannot be undone" in unconfirmed.content.decode()
    refused = client.post(
        "/records/erase/", {"person_id": child.pk, "reason": REASON, "confirm": "on"}
    )
    assert refused.status_code == 400
    assert "IICSA-9 (Inquiry into abuse in care)" in refused.content.decode()
    assert Person.objects.filter(pk=child.pk).exists()

    # Two audit reasons name her: one sealed, one written before reasons were sealed.
    sealed = record(
        AuditVerb.BREAK_GLASS_GRANTED,
        actor=None,
        target_type=TargetType.PERSON,
        target_id=child.pk,
        reason="Asked at the front desk about Amelia Hartley",
    )
    plain = plain_entry("Amelia was away", target_type=TargetType.PERSON, target_id=child.pk)
    released = client.post(
        f"/records/holds/{hold.pk}/release/", {"reason": "The inquiry has reported"}
    )
    assert released.status_code == 302
    erased = client.post(
        "/records/erase/", {"person_id": child.pk, "reason": REASON, "confirm": "on"}
    )
    assert erased.status_code == 302
    assert not Person.objects.filter(pk=child.pk).exists()
    # The sealed reason was redacted; the plain one is kept, and the page says so.
    assert readable_reason(sealed).text == "Asked at the front desk about [erased]"
    listing = client.get("/records/").content.decode()
    assert f"#{sealed.sequence} (redacted), #{plain.sequence} (still names them)" in listing
    verbs = list(AuditEntry.objects.filter(actor_id=governance.pk).values_list("verb", flat=True))
    for verb in (
        AuditVerb.LEGAL_HOLD_PLACED,
        AuditVerb.ERASURE_REFUSED,
        AuditVerb.LEGAL_HOLD_RELEASED,
        AuditVerb.PERSON_ERASED,
    ):
        assert verb in verbs


def test_mistakes_get_clear_errors(
    area: Area, governance: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(governance)
    empty = client.post("/records/holds/new/", {})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "Enter the hold&#x27;s reference" in text
    assert "Enter why the records must be kept" in text
    unknown = client.post(
        "/records/erase/",
        {"person_id": "nobody", "reason": REASON, "confirm": "on"},
    )
    assert unknown.status_code == 400
    assert "No person has this record id" in unknown.content.decode()
    assert (
        client.get("/records/holds/00000000-0000-0000-0000-000000000000/release/").status_code
        == 404
    )


@pytest.mark.parametrize("who", ["manager", "auditor", "admin"])
def test_other_roles_may_not_use_the_pages(
    area: Area, client_for: Callable[[User], Client], who: str
) -> None:
    client = client_for(getattr(area, who))
    for path in ("/records/", "/records/holds/new/", "/records/erase/"):
        assert client.get(path).status_code == 403
