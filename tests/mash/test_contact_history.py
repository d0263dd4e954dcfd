"""The contact page shows who sent the concern and how to reach them, and what every agency
told the service before about each child it names: the MASH decides on the whole picture
without leaving the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import PersonRole
from safeguarding.mash.actions import decide_contact
from safeguarding.mash.models import Decision
from tests.factories import Area, child_details, make_concern, nhs_number_for

pytestmark = [pytest.mark.django_db]


def test_the_contact_page_shows_the_referrer_and_the_childs_history(area: Area, client_for):
    area.dsl.email = "dsl@testshire-school.example"
    area.dsl.first_name, area.dsl.last_name = "Nadia", "Kaur"
    area.dsl.save()
    child = child_details("Ruby", "Okoro", nhs_number=nhs_number_for(5))
    earlier = make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child,
        category="missing",
        summary="Reported missing overnight; found at a flat in town the next morning.",
        recorded_at=timezone.now() - timedelta(days=20),
    )
    decide_contact(
        actor=area.mash,
        contact=earlier.contact,
        decision=Decision.ASSESSMENT,
        rationale="Second missing episode this month; assess the family's needs.",
    )
    latest = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details("Ruby", "Okoro", nhs_number=nhs_number_for(5)),
        summary="Ruby came to school hungry and tired again.",
    )
    ruby = latest.involvements.get(role=PersonRole.CHILD).person
    assert earlier.involvements.get().person_id == ruby.pk
    seen_before = AuditEntry.objects.filter(verb=AuditVerb.PERSON_VIEWED).count()

    page = client_for(area.mash).get(reverse("mash:contact", args=[latest.contact.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Nadia Kaur, designated safeguarding lead" in text.replace("\n", " ")
    assert 'href="mailto:dsl@testshire-school.example"' in text
    history = text.split("What every agency has told the service before", 1)[1]
    history = history.split("Information from partner agencies", 1)[0]
    assert area.police.name in history
    assert "Reported missing overnight" in history
    assert "Child and family assessment" in history
    # This contact's own concern is not listed among the earlier ones.
    assert "came to school hungry" not in history
    # Reading the child's history is reading the child's record, and audited as such.
    viewed = AuditEntry.objects.filter(verb=AuditVerb.PERSON_VIEWED)
    assert viewed.count() == seen_before + 1
    assert viewed.order_by("-pk").first().target_id == str(ruby.pk)


def test_a_child_with_no_history_says_so(area: Area, client_for):
    concern = make_concern(area.dsl, local_authority=area.council, child=child_details())
    page = client_for(area.mash).get(reverse("mash:contact", args=[concern.contact.pk]))
    assert "No agency has sent the service any other concern about Amelia Hartley" in (
        page.content.decode()
    )
