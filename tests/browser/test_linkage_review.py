"""A MASH triage officer reviews a possible match: the evidence, an error when no decision
is chosen, confirming, then judging the merge side by side and undoing it for a reason.
Every page load is checked by axe."""

from __future__ import annotations

import pytest

from safeguarding.linkage.models import Merge
from safeguarding.people.models import Person
from tests.browser.pages import Site
from tests.factories import Area
from tests.linkage import population

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mash_officer_confirms_a_possible_match_then_undoes_it(site: Site, area: Area) -> None:
    first, second = population.two_council_records(area)
    population.queue_pair(first, second)
    site.sign_in_with_session(area.mash)
    site.open("/linkage/")
    assert site.heading() == "Possible matches"
    a, b = sorted([first, second], key=lambda person: str(person.pk))
    site.follow(f"Review {a.full_name} and {b.full_name}")
    assert site.heading() == "Review a possible match"
    evidence = site.page.get_by_role("table", name="How each detail compared").inner_text()
    assert "Nickname or alias" in evidence
    assert "Day and month swapped" in evidence

    site.submit("Save decision", status=400)
    assert site.page.title() == "Error: Review a possible match - Safeguarding Hub"
    assert site.error_messages() == ["Select whether these are the same person"]
    site.error_summary().get_by_role("link").click()
    assert site.focused_id() == "id_decision_0"

    site.page.get_by_label("Yes, merge them into one record", exact=True).check()
    site.submit("Save decision")
    assert site.heading() == "Recent merges"
    assert not Person.objects.filter(pk=second.pk).exists()

    # Each row shows both records as they were, with the agencies that hold them.
    merges = site.page.get_by_role("table", name="Recent merges, newest first").inner_text()
    assert "Born 7 May 2014" in merges
    assert "Born 5 Jul 2014" in merges
    site.follow("Review or undo the merge of Beth Hartley into Elizabeth Hartley")
    assert site.heading() == "Undo a merge"
    assert (
        "Nickname or alias"
        in site.page.get_by_role("table", name="How each detail compared").inner_text()
    )
    site.submit("Undo this merge", status=400)
    assert site.error_messages() == ["Explain why the merge was wrong"]
    assert not Merge.objects.get().is_undone
    site.fill("Why are these two different people?", "Two sisters: the school confirms it")
    site.submit("Undo this merge")
    assert site.heading() == "Recent merges"
    assert "both records are back" in site.page.inner_text("main")
    assert Person.objects.filter(pk=second.pk).exists()
    assert Merge.objects.get().is_undone
