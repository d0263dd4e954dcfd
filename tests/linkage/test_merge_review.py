"""Merges a reviewer can judge: both records side by side with the evidence, and an undo
that asks for a reason, is audited and tells the agencies that hold the records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.linkage.models import Merge
from safeguarding.notifications.models import Notification
from safeguarding.people.models import Person
from tests.factories import Area, make_user
from tests.linkage import population

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def merged(area: Area, client_for: Callable[[User], Client]) -> Merge:
    first, second = population.two_council_records(area)
    pair = population.queue_pair(first, second)
    client_for(area.mash).post(f"/linkage/pairs/{pair.pk}/", {"decision": "confirm"})
    return Merge.objects.get()


def test_the_merge_list_shows_both_records_as_they_were(
    area: Area, merged: Merge, client_for: Callable[[User], Client]
):
    page = client_for(area.mash).get("/linkage/merges/").content.decode()
    # Not "Elizabeth Hartley → Elizabeth Hartley": each record's own name and birth date.
    assert "Elizabeth Hartley" in page
    assert "Beth Hartley" in page
    assert "Born 7 May 2014" in page
    assert "Born 5 Jul 2014" in page
    # The agencies each record came from, and how likely the match was.
    assert area.police.name in page
    assert area.council.name in page
    assert "% likely" in page
    # Undo is a page of its own, not a button that acts at once.
    assert f'action="/linkage/merges/{merged.pk}/undo/"' not in page
    assert f'href="/linkage/merges/{merged.pk}/undo/"' in page


def test_the_review_page_shows_both_sides_and_the_evidence(
    area: Area, merged: Merge, client_for: Callable[[User], Client]
):
    page = client_for(area.mash).get(f"/linkage/merges/{merged.pk}/undo/")
    assert page.status_code == 200
    body = page.content.decode()
    kept, joined = body.index("Record kept"), body.index("Record joined to it")
    assert "Elizabeth Hartley" in body[kept:joined]
    assert "7 May 2014" in body[kept:joined]
    assert "Beth Hartley" in body[joined:]
    assert "5 July 2014" in body[joined:]
    assert area.police.name in body[joined : body.index("Why they were matched")]
    assert "Nickname or alias" in body
    assert "Day and month swapped" in body
    assert AuditEntry.objects.filter(
        verb=AuditVerb.MATCH_REVIEW_VIEWED, target_id=str(merged.pk)
    ).exists()


def test_undo_needs_a_reason_then_is_audited_and_told(
    area: Area, merged: Merge, client_for: Callable[[User], Client]
):
    police_manager = make_user(Role.TEAM_MANAGER, area.police, username="police-manager")
    url = f"/linkage/merges/{merged.pk}/undo/"
    client = client_for(area.mash)
    for reason in ("", "too short"):
        refused = client.post(url, {"reason": reason})
        assert refused.status_code == 400
        assert "Explain why the merge was wrong" in refused.content.decode()
    assert not Merge.objects.get().is_undone

    reason = "Two sisters a year apart: the school confirms two pupils"
    assert client.post(url, {"reason": reason}).status_code == 302
    merge = Merge.objects.get()
    assert merge.is_undone
    assert merge.undo_reason == reason
    assert Person.objects.filter(pk=merge.absorbed_id).exists()
    entry = AuditEntry.objects.get(verb=AuditVerb.MERGE_UNDONE, target_id=str(merge.pk))
    assert readable_reason(entry).text == reason
    # Each agency holding either record is told, by those who answer for its records
    # (the force's manager rather than its analyst); the reviewer is not told of their own act.
    told = set(
        Notification.objects.filter(subject__contains="merge").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"manager", police_manager.username}
    assert all(reason in n.body for n in Notification.objects.filter(subject__contains="merge"))


def test_an_agency_without_a_manager_is_still_told(
    area: Area, merged: Merge, client_for: Callable[[User], Client]
):
    client_for(area.mash).post(
        f"/linkage/merges/{merged.pk}/undo/", {"reason": "Different fathers named on each"}
    )
    told = set(
        Notification.objects.filter(subject__contains="merge").values_list(
            "recipient__username", flat=True
        )
    )
    assert area.police_analyst.username in told
