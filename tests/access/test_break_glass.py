"""Break-glass that shows itself: one reason opens one record, and only one the search
found; every agency holding the record is told, with the reason; a banner while viewing;
and a list where managers of the holding agencies and auditors mark access reviewed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.access.models import BreakGlassGrant
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.notifications.models import Notification
from tests.factories import Area, child_details, make_concern, make_user

pytestmark = pytest.mark.django_db

REASON = "Child brought to A&E unconscious; need history of concerns now"


def _two_children(area: Area):
    first = (
        make_concern(
            area.dsl, local_authority=area.council, child=child_details("Amelia", "Hartley")
        )
        .involvements.get()
        .person
    )
    second = (
        make_concern(
            area.dsl, local_authority=area.council, child=child_details("Amelie", "Hartly")
        )
        .involvements.get()
        .person
    )
    return first, second


def test_one_reason_opens_one_record(area: Area, client_for) -> None:
    first, second = _two_children(area)
    client = client_for(area.health)
    found = client.post(reverse("people:break-glass"), {"reason": REASON, "name": "Amelia"})
    assert found.content.decode().count("Open record") == 2
    assert client.post(reverse("people:break-glass-open", args=[first.pk])).status_code == 302
    # The same reason, used again for the other result, opens nothing.
    again = client.post(reverse("people:break-glass-open", args=[second.pk]))
    assert again.status_code == 302
    assert again.url == reverse("people:break-glass")
    assert list(BreakGlassGrant.objects.values_list("person_id", flat=True)) == [first.pk]
    assert client.get(reverse("web:person", args=[second.pk])).status_code == 404


def test_break_glass_opens_only_a_person_the_search_found(area: Area, client_for) -> None:
    first, _ = _two_children(area)
    hidden = (
        make_concern(
            area.police_analyst, local_authority=area.council, child=child_details("Zed", "Orme")
        )
        .involvements.get()
        .person
    )
    client = client_for(area.health)
    client.post(reverse("people:break-glass"), {"reason": REASON, "name": "Amelia"})
    refused = client.post(reverse("people:break-glass-open", args=[hidden.pk]))
    assert refused.url == reverse("people:break-glass")
    # Nor without any search at all.
    assert client.post(reverse("people:break-glass-open", args=[first.pk])).url == reverse(
        "people:break-glass"
    )
    assert not BreakGlassGrant.objects.exists()


def test_every_holding_agency_is_told_and_the_reason_stays_in_the_service(
    area: Area, client_for
) -> None:
    # Held by the NHS only, which has no manager: its practitioners are told instead.
    child = (
        make_concern(
            area.health, local_authority=area.other_council, child=child_details("Nia", "Bex")
        )
        .involvements.get()
        .person
    )
    client = client_for(area.police_analyst)
    client.post(reverse("people:break-glass"), {"reason": REASON, "name": "Nia Bex"})
    client.post(reverse("people:break-glass-open", args=[child.pk]))
    notices = Notification.objects.filter(subject__icontains="break-glass")
    told = {notice.recipient for notice in notices}
    assert area.health in told
    assert area.other_mash in told  # the authority whose MASH received the concern
    assert area.police_analyst not in told
    # The reason may name the child and the notice is emailed: it says where to read it.
    assert all(REASON not in notice.body for notice in notices)
    assert all("break-glass reviews" in notice.body for notice in notices)
    assert {notice.link for notice in notices} == {reverse("people:break-glass-reviews")}
    assert "audit log" not in notices[0].body


def test_a_banner_shows_break_glass_while_viewing(area: Area, client_for) -> None:
    first, _ = _two_children(area)
    client = client_for(area.health)
    client.post(reverse("people:break-glass"), {"reason": REASON, "name": "Amelia"})
    client.post(reverse("people:break-glass-open", args=[first.pk]))
    page = client.get(reverse("web:person", args=[first.pk])).content.decode()
    assert "You are viewing this record using break-glass access" in page
    assert REASON.replace("&", "&amp;") in page
    # The school, which holds the record, sees no banner.
    held = client_for(area.dsl).get(reverse("web:person", args=[first.pk])).content.decode()
    assert "break-glass access" not in held


def test_managers_of_the_holding_agency_and_auditors_review_access(area: Area, client_for) -> None:
    first, _ = _two_children(area)
    nurse = client_for(area.health)
    nurse.post(reverse("people:break-glass"), {"reason": REASON, "name": "Amelia"})
    nurse.post(reverse("people:break-glass-open", args=[first.pk]))
    grant = BreakGlassGrant.objects.get()
    reviews = reverse("people:break-glass-reviews")

    # The school's DSL (its agency holds the record) sees the access, with the reason.
    dsl = client_for(area.dsl)
    page = dsl.get(reviews).content.decode()
    assert "1 to review" in page
    assert REASON.replace("&", "&amp;") in page
    assert "Amelia Hartley" in page
    assert AuditEntry.objects.filter(verb=AuditVerb.BREAK_GLASS_REVIEWS_VIEWED).exists()

    # Another force's manager, holding nothing, sees nothing and cannot review it.
    other_manager = make_user(Role.TEAM_MANAGER, area.other_police, username="other-manager")
    other = client_for(other_manager)
    assert "0 to review" in other.get(reviews).content.decode()
    refused = other.post(reverse("people:break-glass-review", args=[grant.pk]))
    assert refused.status_code == 404
    # A practitioner is not a reviewer.
    assert client_for(area.practitioner).get(reviews).status_code == 403

    # An auditor sees every access, by record id only.
    auditor_page = client_for(area.auditor).get(reviews).content.decode()
    assert str(first.pk) in auditor_page
    assert "Amelia Hartley" not in auditor_page

    assert dsl.post(reverse("people:break-glass-review", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == area.dsl
    assert grant.reviewed_at is not None
    reviewed = AuditEntry.objects.get(verb=AuditVerb.BREAK_GLASS_REVIEWED)
    assert reviewed.target_id == str(grant.pk)
    assert "0 to review" in dsl.get(reviews).content.decode()
