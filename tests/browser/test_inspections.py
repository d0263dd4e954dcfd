"""An inspector schedules a joint inspection, errors first, finds the data pack, records a
finding and sets an action; the action's owner marks it done. Every page load is checked by
axe (see pages.Site.check)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from safeguarding.inspections.models import InspectionAction
from tests.browser.conftest import VIEWPORT
from tests.browser.pages import Site
from tests.factories import Area
from tests.inspections.helpers import make_inspectorates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspection_from_schedule_to_a_completed_action(
    new_site: Callable[[dict[str, int]], Site], area: Area
) -> None:
    inspectorates = make_inspectorates()
    area.child_known_to_school()
    today = timezone.localdate()

    inspector = new_site(VIEWPORT)
    inspector.sign_in_with_session(inspectorates.ofsted_inspector)
    inspector.follow("Joint inspections", within=inspector.navigation())
    assert inspector.heading() == "Joint inspections"
    inspector.follow("Schedule an inspection", button=True)
    inspector.page.get_by_label("Ofsted", exact=True).uncheck()
    inspector.submit("Schedule inspection", status=400)
    assert inspector.error_messages() == [
        "Enter the inspection's title",
        "Choose the local authority whose area is inspected",
        "Choose the inspectorates taking part",
        "Enter the first day of the inspection",
        "Enter the last day of the inspection",
    ]
    inspector.fill("Title", "Joint targeted area inspection")
    inspector.field("Local authority area").select_option(label=area.council.name)
    inspector.page.get_by_label("Ofsted", exact=True).check()
    inspector.page.get_by_label("HMICFRS", exact=True).check()
    inspector.fill_date("First day", today.day, today.month, today.year)
    inspector.fill_date("Last day", today.day, today.month, today.year)
    inspector.submit("Schedule inspection")
    assert inspector.heading() == "Joint targeted area inspection"
    lists = inspector.page.get_by_role("table", name="Lists in the data pack").inner_text()
    assert "Contacts" in lists
    assert "Care leavers" in lists

    inspector.follow("Record a finding", button=True)
    inspector.submit("Record finding", status=400)
    assert inspector.error_messages() == ["Choose the kind of finding", "Enter the finding"]
    inspector.page.get_by_label("Area for priority action", exact=True).check()
    inspector.fill("Finding", "Strategy discussions often go ahead without the police.")
    inspector.submit("Record finding")
    assert inspector.heading() == "Add an action"
    inspector.submit("Add action", status=400)
    assert inspector.error_messages() == [
        "Enter what must be done",
        "Choose a member of staff of one of the inspected agencies",
        "Enter the date the action is due",
    ]
    inspector.fill("What must be done", "Invite the police to every strategy discussion.")
    inspector.field("Owner").select_option(label=f"manager, {area.council.name}")
    inspector.fill_date("Due by", today.day, today.month, today.year + 1)
    inspector.submit("Add action")
    assert inspector.heading() == "Joint targeted area inspection"
    assert "0 of 1 done" in inspector.page.locator(".govuk-summary-list").inner_text()

    owner = new_site(VIEWPORT)
    owner.sign_in_with_session(area.manager)
    owner.follow("Joint inspections", within=owner.navigation())
    owner.follow("Invite the police to every strategy discussion.")
    assert owner.heading() == "Inspection action"
    owner.page.get_by_label("Done", exact=True).check()
    owner.submit("Update action", status=400)
    assert owner.error_messages() == ["Say what was done"]
    owner.fill("What has been done", "A police officer now joins every strategy discussion.")
    owner.submit("Update action")
    assert InspectionAction.objects.get().is_done
    owner.follow("Back to the inspection")
    assert "1 of 1 done" in owner.page.locator(".govuk-summary-list").inner_text()
