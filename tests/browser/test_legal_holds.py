"""An information governance officer places a legal hold on a child's records, is refused
the child's erasure naming the hold, releases it and erases the child. Every page load is
checked by axe (see pages.Site.check)."""

from __future__ import annotations

import pytest

from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.people.models import Person
from tests.browser.pages import Site
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Erasure requested under Article 17 by the adult"


def test_information_governance_holds_then_erases(site: Site, area: Area) -> None:
    # Only the council holds her record: its officer may erase her.
    concern = make_concern(area.practitioner, local_authority=area.council, child=child_details())
    child = concern.involvements.get(role="child").person
    officer = make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")
    site.sign_in_with_session(officer)
    site.follow("Legal holds and erasure", within=site.navigation())
    assert site.heading() == "Legal holds and erasure"

    site.follow("Place a legal hold", button=True)
    site.submit("Place the hold", status=400)
    assert site.error_messages() == [
        "Enter the hold's reference",
        "Enter why the records must be kept",
    ]
    site.fill("Reference", "IICSA-9")
    site.fill("Why the records must be kept", "Inquiry into abuse in care")
    site.fill("One person's record id (optional)", str(child.pk))
    site.submit("Place the hold")
    assert site.page.get_by_role("cell", name="IICSA-9", exact=True).is_visible()

    site.follow("Erase a person", button=True)
    site.fill("Person's record id", str(child.pk))
    site.fill("Why the person is erased", REASON)
    site.page.get_by_label(
        "I understand that everything held about this person is erased for good"
    ).check()
    site.submit("Erase the person", status=400)
    [message] = site.error_messages()
    assert "IICSA-9 (Inquiry into abuse in care)" in message

    # A reason in the audit log names her: sealed, so the erasure can redact it.
    record(
        AuditVerb.PERSON_VIEWED,
        actor=area.practitioner,
        target_type=TargetType.PERSON,
        target_id=child.pk,
        reason="Checked the address of Amelia Hartley before the visit",
    )
    site.open("/records/")
    site.follow("Release hold IICSA-9")
    site.fill("Why the hold is released", "The inquiry has reported")
    site.submit("Release the hold")
    site.follow("Erase a person", button=True)
    site.fill("Person's record id", str(child.pk))
    site.fill("Why the person is erased", REASON)
    site.page.get_by_label(
        "I understand that everything held about this person is erased for good"
    ).check()
    site.submit("Erase the person")
    assert site.page.get_by_role("cell", name=str(child.pk), exact=True).is_visible()
    assert not Person.objects.filter(pk=child.pk).exists()
    assert "(redacted)" in site.page.get_by_role("table", name="Recent erasures").inner_text()
    site.sign_out()

    # The auditors' page shows the redacted copy, marked.
    site.sign_in_with_session(area.auditor)
    site.open(f"/audit/?target={child.pk}")
    log = site.page.get_by_role("region", name="Audit entries, newest first").inner_text()
    assert "Checked the address of [erased] before the visit" in log
    assert "after an erasure" in log
    assert "Hartley" not in log


def test_subject_access_and_a_correction(site: Site, area: Area) -> None:
    """The officer records a request, withholds an item, extends it and answers it; a
    designated safeguarding lead corrects the child's date of birth."""
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details())
    child = concern.involvements.get(role="child").person
    officer = make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")
    site.sign_in_with_session(officer)
    site.open("/records/")
    site.follow("Subject access requests")
    assert site.heading() == "Subject access requests"
    site.fill("Person's record id", str(child.pk))
    site.submit("Record the request")
    assert site.heading() == "Subject access request"
    site.submit("Withhold the item", status=400)
    assert site.error_messages() == [
        "Choose the item to withhold",
        "Enter the exemption and why it applies",
    ]
    site.field("Item to withhold").select_option(index=1)
    site.fill("Exemption, and why it applies", "Serious harm test, on the therapist's opinion")
    site.submit("Withhold the item")
    assert site.page.get_by_text("Withheld: Serious harm test").is_visible()
    site.fill("Why the request is complex", "Records held by many agencies")
    site.submit("Extend by two months")
    site.submit("Mark as answered")
    assert not site.page.get_by_role("button", name="Mark as answered").count()
    site.sign_out()

    site.sign_in_with_session(area.dsl)
    site.open(f"/people/{child.pk}/")
    site.follow("Correct these details")
    site.fill("Why the details are corrected", "Birth certificate seen at the office")
    site.fill("Family name", "Hartley-Smith")
    site.submit("Correct the details")
    assert site.page.get_by_role("heading", name="Corrections to these details").is_visible()


def test_an_officer_is_refused_other_agencies_records(site: Site, area: Area) -> None:
    """The council's officer is told the school also holds the child's record, so may not
    erase her; another council's officer is answered as for a person that does not exist,
    and the correction page is not found."""
    child = area.child_known_to_school()
    officer = make_user(Role.INFORMATION_GOVERNANCE, area.council, username="governance")
    site.sign_in_with_session(officer)
    site.open("/records/erase/")
    site.fill("Person's record id", str(child.pk))
    site.fill("Why the person is erased", REASON)
    site.page.get_by_label(
        "I understand that everything held about this person is erased for good"
    ).check()
    site.submit("Erase the person", status=400)
    [message] = site.error_messages()
    assert f"Not erased: {area.school.name} also hold records on this person" in message
    assert Person.objects.filter(pk=child.pk).exists()
    site.sign_out()

    stranger = make_user(Role.INFORMATION_GOVERNANCE, area.other_council, username="stranger")
    site.sign_in_with_session(stranger)
    site.open("/records/subject-access/")
    site.fill("Person's record id", str(child.pk))
    site.submit("Record the request", status=400)
    assert site.error_messages() == ["No person has this record id"]
    site.open(f"/records/people/{child.pk}/correct/", status=404)
    assert child.family_name not in site.page.content()
