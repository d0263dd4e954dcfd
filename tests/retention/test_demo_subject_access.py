"""The subject access bundle of a demo child: every item every app holds about the child
with the most apps holding them, other people's names redacted, what was disclosed in the
audit log."""

from __future__ import annotations

import pytest

from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.demo.generator import build_demo
from safeguarding.people.models import Person, PersonKind
from safeguarding.records.holdings import held_about
from safeguarding.retention.subject_access import open_request, produce_bundle
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_a_demo_childs_bundle_holds_every_item_from_every_app() -> None:
    build_demo(seed=7, scale=0.003, progress=False)
    children = Person.objects.filter(kind=PersonKind.CHILD)
    held = {child.pk: held_about(child.pk) for child in children}
    child_id = max(held, key=lambda pk: (len({i.source for i in held[pk]}), len(held[pk])))
    items = held[child_id]
    sources = {item.source for item in items}
    # The demo's busiest child: case work, pathway events and a linked record besides.
    assert {"people", "concerns", "mash", "clocks", "pathway", "casework", "linkage"} <= sources
    council = Person.objects.get(pk=child_id).agency_records.first()
    assert council is not None
    officer = make_user(Role.INFORMATION_GOVERNANCE, council.agency, username="demo-governance")
    request = open_request(child_id, actor=officer)

    bundle = produce_bundle(child_id, actor=officer, request_id=request.pk, disclose=True)

    expected = {item.key for item in held_about(child_id)}  # with the request's own clock
    assert {f"{item.kind}:{item.id}" for item in bundle.items} == expected
    text = bundle.as_json()
    for item in items:
        for name in item.third_parties:
            assert name not in text
    entry = AuditEntry.objects.get(verb=AuditVerb.SUBJECT_ACCESS_PRODUCED)
    assert set(entry.payload["items"]) == expected
    assert entry.payload["third_party_redactions"] == bundle.redactions


def test_erasing_the_busiest_demo_child_leaves_no_trace_in_any_app() -> None:
    """Linkage included: the demo links records, which the built child of the erasure
    test has none of."""
    from safeguarding.audit.chain import verify_chain
    from safeguarding.linkage.models import ResolvedRecord
    from safeguarding.retention.actions import erase_person
    from tests.retention.scan import tables_mentioning

    build_demo(seed=7, scale=0.003, progress=False)
    children = Person.objects.filter(kind=PersonKind.CHILD)
    held = {child.pk: held_about(child.pk) for child in children}
    child_id = max(held, key=lambda pk: (len({i.source for i in held[pk]}), len(held[pk])))
    child = Person.objects.get(pk=child_id)
    identifiers = list(child.identifiers.values_list("value", flat=True))
    assert ResolvedRecord.objects.filter(person=child).exists()
    before = tables_mentioning([child.full_name, *identifiers])
    assert before

    erasure = erase_person(child_id, actor=None, reason="Erasure requested under Article 17")

    assert held_about(child_id) == []
    assert not ResolvedRecord.objects.filter(original_person_id=child_id).exists()
    left = tables_mentioning([child.full_name, *identifiers])
    # Only audit entries the erasure listed may still name her (staff-written reasons).
    assert set(left) <= {"audit_auditentry"}
    assert left.get("audit_auditentry", 0) <= len(erasure.log_entries_naming)
    assert verify_chain().ok
