"""One police force asks another about a person: the analyst of the first force makes the
request, errors first; the second force's analyst accepts and answers it; back at the
first force, the analyst reads the answer and records the outcome. Every page load is
checked by axe (see pages.Site.check)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safeguarding.collaboration.models import CollaborationRequest, Status
from tests.browser.conftest import VIEWPORT
from tests.browser.pages import Site
from tests.collaboration.helpers import adult_held_by_police
from tests.factories import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_from_one_force_to_another(
    new_site: Callable[[dict[str, int]], Site], area: Area
) -> None:
    adult_held_by_police(area)

    # Force A asks.
    first = new_site(VIEWPORT)
    first.sign_in_with_session(area.police_analyst)
    first.follow("Requests between forces", within=first.navigation())
    assert first.heading() == "Requests between forces"
    first.follow("Ask about a person", button=True)
    assert first.heading() == "Ask another force about a person"
    first.fill("Name", "Darren Pike")
    first.submit("Find")
    first.follow("Ask about Darren Pike")
    assert first.heading() == "Ask another force about this person"
    first.submit("Send request", status=400)
    assert first.error_messages() == [
        "Choose the police force to ask",
        "Choose what you are asking the force to do",
        "Enter what you are asking and why",
        "Choose how urgent the request is",
    ]
    first.field("Police force to ask").select_option(label=area.other_police.name)
    first.page.get_by_label("Share what you hold", exact=True).check()
    first.fill(
        "What you are asking and why",
        "Seen with two missing girls near the station. What do you hold on him?",
    )
    first.page.get_by_label("Urgent: a response by the next working day", exact=True).check()
    first.submit("Send request")
    request = CollaborationRequest.objects.get()
    assert first.page.url.endswith(f"/collaboration/requests/{request.pk}/")
    assert first.heading() == "About Darren Pike"

    # Force B accepts and answers.
    second = new_site(VIEWPORT)
    second.sign_in_with_session(area.other_police_analyst)
    second.follow("Requests between forces", within=second.navigation())
    inbox = second.page.get_by_role("region", name="Requests to your force")
    second.follow("Darren Pike", within=inbox)
    assert "Waiting for a response" in second.page.locator(".govuk-summary-list").inner_text()
    second.submit("Accept")
    assert "Accepted" in second.page.locator(".govuk-summary-list").inner_text()
    second.submit("Send answer", status=400)
    assert second.error_messages() == [
        "Enter what your force holds or did, or that it holds nothing"
    ]
    second.fill(
        "What your force holds or did",
        "Arrested here in 2024 for harbouring a missing child; released under investigation.",
    )
    second.submit("Send answer")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED

    # Back at force A: the answer, then the outcome.
    first.open("/collaboration/")
    outbox = first.page.get_by_role("region", name="Requests your force made")
    assert "Answered" in outbox.inner_text()
    first.follow("Darren Pike", within=outbox)
    assert "Arrested here in 2024" in first.page.locator(".govuk-summary-list").inner_text()
    first.page.get_by_label("Information used in the investigation", exact=True).check()
    first.submit("Record outcome")
    summary = first.page.locator(".govuk-summary-list").inner_text()
    assert "Information used in the investigation" in summary
    assert "Completed" in summary
