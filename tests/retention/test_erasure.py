"""Erasure: a child recorded in every app is erased, and her name is then in no row of any
table (audit log included: the sealed reason naming her is redacted) and, on SQLite, in no
byte of the vacuumed database file, while the audit chain still verifies. Legal holds
refuse it, naming the hold; a failure halfway leaves her whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry, SealedReason
from safeguarding.audit.redaction import digest
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import Concern, ConcernPerson
from safeguarding.people.models import Person
from safeguarding.records import holdings
from safeguarding.records.holdings import ERASED, Erasing, held_about
from safeguarding.retention.actions import (
    HeldError,
    HoldDetails,
    erase_person,
    place_hold,
    release_hold,
)
from safeguarding.retention.models import Erasure
from tests.factories import Area
from tests.retention.builders import (
    FAMILY,
    GIVEN,
    MOTHER,
    PHONE,
    RATIONALE,
    child_in_every_app,
)
from tests.retention.scan import file_mentions, tables_mentioning

REASON = "Erasure requested under Article 17; no retention duty remains"

# Every app that registers what it holds, and so takes part in erasure and subject access.
PROVIDERS = {
    "access",
    "casework",
    "chronology",
    "clocks",
    "collaboration",
    "concerns",
    "linkage",
    "mash",
    "networks",
    "notifications",
    "pathway",
    "people",
    "reportingduty",
    "therapy",
    "warningnotices",
}


def test_every_app_holding_personal_data_registers_a_provider() -> None:
    assert {provider.name for provider in holdings.providers()} == PROVIDERS
    # People last: every other app's rows point at the person.
    assert holdings.providers()[-1].name == "people"


@pytest.mark.each_database
@pytest.mark.django_db(transaction=True)
def test_an_erased_child_is_in_no_table_and_no_page_of_the_file(
    area: Area, tmp_path: Path, client_for: Callable[[User], Client]
) -> None:
    recorded = child_in_every_app(area)
    child = recorded.child
    sources = {item.source for item in held_about(child.pk)}
    # She is held in every app but linkage, which has not run (its own test covers it),
    # and notifications, none of which links to her page (they link to the records).
    assert sources == PROVIDERS - {"linkage", "notifications"}
    assert tables_mentioning([GIVEN]), "the scan finds her before the erasure"
    # The MASH's decision quoted the rationale naming her in its audit entry's reason:
    # stored sealed, it reads open until the erasure.
    decided = AuditEntry.objects.get(verb=AuditVerb.CONTACT_DECIDED)
    assert GIVEN not in decided.reason
    assert readable_reason(decided).text == RATIONALE.format(GIVEN)

    erasure = erase_person(child.pk, actor=None, reason=REASON)

    assert not Person.objects.filter(pk=child.pk).exists()
    # The erasure redacted that reason: its key destroyed, a copy naming no one in its
    # place, the copy's digest in the erasure's own entry (decision 0016).
    assert erasure.log_entries_naming == [decided.sequence]
    redacted = RATIONALE.format(ERASED)
    reason = readable_reason(decided)
    assert (reason.text, reason.redacted_on) == (redacted, timezone.localdate())
    entry = AuditEntry.objects.get(verb=AuditVerb.PERSON_ERASED)
    assert entry.payload["redacted"] == {str(decided.sequence): digest(redacted)}
    assert SealedReason.objects.get(sequence=decided.sequence).key is None
    # No row of any table names her now, the audit log included.
    assert tables_mentioning([GIVEN, FAMILY, PHONE]) == {}
    assert not [e for e in AuditEntry.objects.all() if GIVEN.lower() in str(e.payload).lower()]
    # Her mother is kept, with the police concern about her: the child's mention erased.
    assert Person.objects.filter(pk=recorded.mother.pk).exists()
    assert tables_mentioning([MOTHER[0]])
    shared = Concern.objects.get(pk=recorded.shared_concern.pk)
    assert shared.summary == f"Officers found {ERASED} alone at home; her mother came back at 2am."
    assert list(ConcernPerson.objects.filter(concern=shared).values_list("person", flat=True)) == [
        recorded.mother.pk
    ]
    assert verify_chain().ok
    assert entry.target_id == str(child.pk)
    assert entry.payload["removed"] == erasure.removed
    assert erasure.removed["people"] >= 1
    assert erasure.removed["concerns"] >= 1
    # The auditors' page shows the redacted copy, marked as such.
    page = client_for(area.auditor).get("/audit/", {"target": decided.target_id})
    assert redacted in page.content.decode()
    assert "after an erasure" in page.content.decode()
    if connection.vendor == "sqlite":
        copy = tmp_path / "vacuumed.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        assert file_mentions(copy, [GIVEN, FAMILY, PHONE]) == []
        assert file_mentions(copy, [MOTHER[0]]) == [MOTHER[0]], "the file check finds names"
    # A redacted copy changed afterwards no longer matches the erasure's entry.
    SealedReason.objects.filter(sequence=decided.sequence).update(
        redacted=f"Threshold met: {MOTHER[0]} is at risk of exploitation."
    )
    problem = verify_chain().problem
    assert problem is not None
    assert problem.sequence == decided.sequence
    assert "redacted reason" in problem.message


@pytest.mark.django_db
def test_a_hold_on_the_person_refuses_the_erasure_naming_it(area: Area) -> None:
    child = child_in_every_app(area).child
    hold = place_hold(
        actor=None,
        details=HoldDetails(
            reference="IICSA-2026-14", reason="Inquiry into abuse in care", person_id=child.pk
        ),
    )
    with pytest.raises(HeldError) as refused:
        erase_person(child.pk, actor=None, reason=REASON)
    assert "IICSA-2026-14" in refused.value.messages[0]
    assert Person.objects.filter(pk=child.pk).exists()
    assert AuditEntry.objects.filter(verb=AuditVerb.ERASURE_REFUSED).count() == 1
    release_hold(hold.pk, actor=None, reason="The inquiry has reported and released it")
    erase_person(child.pk, actor=None, reason=REASON)
    assert not Person.objects.filter(pk=child.pk).exists()


@pytest.mark.django_db
def test_a_class_hold_applies_when_any_item_falls_in_it(area: Area) -> None:
    child = child_in_every_app(area).child
    # Concerns of another agency only: not hers.
    place_hold(
        actor=None,
        details=HoldDetails(
            reference="CLAIM-1",
            reason="Civil claim against the other force",
            agency_code="POL-OTHER",
            kind="concern",
        ),
    )
    # Therapy referrals recorded by the school: hers.
    place_hold(
        actor=None,
        details=HoldDetails(
            reference="CLAIM-2",
            reason="Claim about the school's referrals",
            agency_code="SCH-TEST",
            kind="therapy-referral",
        ),
    )
    with pytest.raises(HeldError) as refused:
        erase_person(child.pk, actor=None, reason=REASON)
    (message,) = refused.value.messages
    assert "CLAIM-2" in message
    assert "CLAIM-1" not in message


@pytest.mark.django_db
def test_a_failure_halfway_leaves_the_child_whole(area: Area) -> None:
    recorded = child_in_every_app(area)
    child = recorded.child
    before = tables_mentioning([GIVEN])
    items = held_about(child.pk)
    original = holdings._providers["clocks"]

    def broken(erasing: Erasing) -> int:
        raise RuntimeError("the database went away")

    holdings._providers["clocks"] = holdings.Provider(
        "clocks", original.rank, original.held, broken, original.kinds
    )
    try:
        with pytest.raises(RuntimeError):
            erase_person(child.pk, actor=None, reason=REASON)
    finally:
        holdings._providers["clocks"] = original
    # The apps erased before the failure (every one ranked above clocks) were rolled back.
    assert tables_mentioning([GIVEN]) == before
    assert held_about(child.pk) == items
    assert not Erasure.objects.exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_bad_input_and_other_roles_are_refused(area: Area) -> None:
    child = child_in_every_app(area).child
    with pytest.raises(ValidationError) as error:
        erase_person("not-an-id", actor=None, reason="short")
    assert set(error.value.message_dict) == {"person_id", "reason"}
    with pytest.raises(PermissionDenied):
        erase_person(child.pk, actor=area.manager, reason=REASON)
    with pytest.raises(ValidationError) as error:
        place_hold(
            actor=None,
            details=HoldDetails(reference="", reason="Inquiry", kind="no-such-kind"),
        )
    assert set(error.value.message_dict) == {"reference", "reason", "kind"}
