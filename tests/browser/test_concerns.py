"""Finding a child and recording concerns about them, as a school's designated
safeguarding lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.browser.pages import Site, screenshot_path
from tests.factories import Area
from tests.factories import test_range_nhs_number_for as nhs_number_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_child_despite_typos_and_record_a_concern(site: Site, area: Area) -> None:
    child = area.child_known_to_school()
    site.sign_in(area.dsl)

    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Amelai Hartly")
    site.submit("Search")
    assert site.page.get_by_role("heading", name="1 person found").is_visible()
    results = site.page.get_by_role("table", name="1 person found")
    assert "17 May 2014" in results.inner_text()
    site.follow("Amelia Hartley", within=results)
    assert site.page.url.endswith(f"/people/{child.pk}/")
    assert site.heading() == "Amelia Hartley"
    assert site.page.locator(".moj-timeline__item").count() == 1

    site.follow("Record a concern about Amelia Hartley", button=True)
    assert site.heading() == "Record a concern about Amelia Hartley"
    site.page.screenshot(path=screenshot_path("concern-form"), full_page=True)
    day = timezone.localdate() - timedelta(days=3)
    site.field("Category of concern").select_option(label="Emotional abuse")
    site.fill(
        "What happened?",
        "Amelia said she is scared to go home when her mum's "
        "partner is there.\nShe cried when talking about it.",
    )
    site.fill_date("When did it happen, or when were you told?", day.day, day.month, day.year)
    site.fill("Time (optional)", "09:10")
    site.submit("Record concern")

    assert site.page.url.endswith(f"/people/{child.pk}/")
    timeline = site.page.locator(".moj-timeline")
    assert timeline.locator(".moj-timeline__item").count() == 2
    # Newest first: this one, recorded now, then the school's earlier record.
    titles = timeline.locator(".moj-timeline__title").all_inner_texts()
    assert titles == ["Emotional abuse", "Neglect"]
    recorded = timeline.locator(".moj-timeline__item").nth(0)
    assert "scared to go home" in recorded.inner_text()
    assert recorded.locator(".moj-timeline__byline").inner_text() == f"by {area.school.name}"
    today = timezone.localdate()
    assert date_format(today, "j F Y") in recorded.locator("time").inner_text()
    assert (recorded.locator("time").get_attribute("datetime") or "").startswith(today.isoformat())
    # When the child told the school is kept apart from when the school typed it.
    assert f"Happened or disclosed: {date_format(day, 'j F Y')} at 09:10." in recorded.inner_text()
    site.page.screenshot(path=screenshot_path("person-page"), full_page=True)


def test_wrong_nhs_check_digit_is_explained_and_nothing_is_saved(site: Site, area: Area) -> None:
    valid = nhs_number_for(2)
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    concerns, people = Concern.objects.count(), Person.objects.count()
    site.sign_in_with_session(area.dsl)

    site.follow("Record a concern", within=site.navigation())
    site.fill("Child's given name", "Jayden")
    site.fill("Child's family name", "Okafor")
    site.fill_date("Child's date of birth", 2, 9, 2013)
    site.page.get_by_label("Male", exact=True).check()
    site.fill("NHS number (optional)", f"{wrong[:3]} {wrong[3:6]} {wrong[6:]}")
    site.field("Category of concern").select_option(label="Neglect")
    site.fill("What happened?", "Came to school without a coat in the snow again.")
    site.submit("Record concern")

    assert site.page.title() == "Error: Record a concern - Safeguarding Hub"
    message = (
        "The NHS number is not valid: its check digit does not match. "
        "Check each digit against the source record"
    )
    assert site.error_messages() == [message]
    field = site.field("NHS number (optional)")
    assert field.input_value() == f"{wrong[:3]} {wrong[3:6]} {wrong[6:]}"  # Kept to correct.
    assert "govuk-input--error" in (field.get_attribute("class") or "")
    error_id = "id_child-nhs_number-error"
    assert error_id in (field.get_attribute("aria-describedby") or "").split()
    shown = site.page.locator(f"#{error_id}").text_content() or ""
    assert " ".join(shown.split()) == f"Error: {message}"
    # What was typed elsewhere survives the round trip too.
    assert site.field("Child's given name").input_value() == "Jayden"
    assert site.page.get_by_label("Male", exact=True).is_checked()

    site.error_summary().get_by_role("link", name=message).click()
    assert site.focused_id() == "id_child-nhs_number"
    site.check()
    assert (Concern.objects.count(), Person.objects.count()) == (concerns, people)

    site.fill("NHS number (optional)", valid)
    site.submit("Record concern")
    assert site.heading() == "Jayden Okafor"
    assert Concern.objects.count() == concerns + 1
