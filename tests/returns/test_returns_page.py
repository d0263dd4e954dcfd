"""The returns page: the performance team previews the CIN census, sees each child whose
record stops it with the rule and a link to fix it, and downloads the file (audited)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.casework.actions import save_episodes
from safeguarding.casework.models import Assessment, Episode, ProtectionPlan, Section47
from tests.factories import Area
from tests.returns.dfe import validate_cin
from tests.returns.test_cin_census import _characteristics, _child, protection_journey

pytestmark = [pytest.mark.django_db]

PAGE = reverse("returns:page") + "?year=2025-26"


def _counts(page: str) -> dict[str, int]:
    block = page.split('id="modules"', 1)[1].split("</dl>", 1)[0]
    return {
        key: int(value)
        for key, value in re.findall(
            r'__key">([^<]+)</dt><dd class="govuk-summary-list__value">(\d+)<', block
        )
    }


def test_a_child_who_cannot_be_returned_is_listed_with_a_link_to_fix(area: Area, client_for):
    fine, missing = _child(area, "Amelia"), _child(area, "Noah")
    save_episodes(
        actor=area.practitioner,
        episodes=[protection_journey(fine), protection_journey(missing)],
        characteristics=[_characteristics(fine)],
    )
    client = client_for(area.manager)
    page = client.get(PAGE).content.decode()
    assert "1 of 2 children cannot be returned" in page
    problems = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    fix = reverse("casework:overview", args=[missing.pk])
    assert f'href="{fix}"' in problems
    assert reverse("casework:overview", args=[fine.pk]) not in problems
    # Both children are in the return's list of children.
    assert reverse("casework:overview", args=[fine.pk]) in page
    assert "4220" in page
    assert "Record the child&#x27;s ethnicity" in page
    # The DfE validator is installed here: its findings on this child are shown too.
    assert "Also found by the DfE rules" in page
    # No download while a child cannot be returned; the refusal is audited as a preview.
    response = client.get(reverse("returns:cin-census", args=["2025-26"]))
    assert response.status_code == 409
    assert not AuditEntry.objects.filter(verb=AuditVerb.RETURN_PRODUCED).exists()
    assert AuditEntry.objects.filter(
        verb=AuditVerb.RETURN_PREVIEWED, actor_id=area.manager.pk
    ).exists()


def test_the_preview_counts_each_module_and_the_file_downloads(area: Area, client_for):
    children = [_child(area, name) for name in ("Amelia", "Noah", "Isla")]
    save_episodes(
        actor=area.practitioner,
        episodes=[protection_journey(child) for child in children],
        characteristics=[_characteristics(child) for child in children],
    )
    client = client_for(area.manager)
    page = client.get(PAGE).content.decode()
    assert "No problems" in page
    counts = _counts(page)
    # Recounted from the records (every episode here falls in 2025-26).
    episodes = Episode.objects.filter(authority=area.council)
    assert counts["Children"] == episodes.values("person").distinct().count() == 3
    assert counts["Episodes (CIN details)"] == episodes.count()
    assert counts["Assessments"] == Assessment.objects.filter(episode__in=episodes).count()
    assert counts["Section 47 enquiries"] == Section47.objects.filter(episode__in=episodes).count()
    plans = ProtectionPlan.objects.filter(episode__in=episodes)
    assert counts["Child protection plans"] == plans.count()
    assert counts["Child protection plan reviews"] == sum(len(p.review_dates) for p in plans)
    assert "finds no errors" in page
    response = client.get(reverse("returns:cin-census", args=["2025-26"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    root = ET.fromstring(response.content)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert len(root.findall("Children/Child")) == 3
    assert validate_cin(response.content).errors == {}
    entry = AuditEntry.objects.filter(verb=AuditVerb.RETURN_PRODUCED).get()
    assert entry.actor_id == area.manager.pk
    assert entry.payload["children"] == 3


def test_only_the_authoritys_performance_team(area: Area, client_for):
    assert client_for(area.manager).get(PAGE).status_code == 200
    for user in (area.practitioner, area.dsl, area.police_analyst, area.auditor):
        assert client_for(user).get(PAGE).status_code == 403
        url = reverse("returns:cin-census", args=["2025-26"])
        assert client_for(user).get(url).status_code == 403
    page = client_for(area.manager).get(reverse("web:home")).content.decode()
    assert reverse("returns:page") in page
    page = client_for(area.practitioner).get(reverse("web:home")).content.decode()
    assert reverse("returns:page") not in page


def test_a_year_not_offered_is_refused_plainly(area: Area, client_for):
    client = client_for(area.manager)
    page = client.get(reverse("returns:page") + "?year=1999").content.decode()
    assert "Choose a collection year from the list" in page
    assert client.get(reverse("returns:cin-census", args=["20x5"])).status_code == 404


def test_an_authority_without_its_dfe_number_is_told_how_to_record_it(
    area: Area, client_for, tmp_path
):
    from safeguarding.access.actions import set_dfe_number
    from safeguarding.cli import main

    child = _child(area, "Amelia")
    save_episodes(
        actor=area.practitioner,
        episodes=[protection_journey(child)],
        characteristics=[_characteristics(child)],
    )
    type(area.council).objects.filter(pk=area.council.pk).update(dfe_number="")
    area.council.refresh_from_db()
    client = client_for(area.manager)
    page = client.get(PAGE).content.decode()
    assert "Testshire Council has no DfE local authority number" in page
    assert "safeguarding set-dfe-number LA-TEST NNN" in page
    assert client.get(reverse("returns:cin-census", args=["2025-26"])).status_code == 409
    output = tmp_path / "cin.xml"
    args = ["returns", "cin-census", "--year", "2025-26", "--authority", "LA-TEST"]
    assert main([*args, "--output", str(output)]) == 1
    assert not output.exists()

    # Three digits only, and only for a local authority; then the header carries it.
    assert main(["set-dfe-number", "LA-TEST", "93"]) == 1
    with pytest.raises(ValidationError):
        set_dfe_number(actor=None, agency=area.police, number="935")
    assert main(["set-dfe-number", "la-test", "935"]) == 0
    assert main([*args, "--output", str(output)]) == 0
    assert ET.fromstring(output.read_bytes()).findtext("Header/Source/LEA") == "935"
    assert AuditEntry.objects.filter(verb=AuditVerb.AGENCY_UPDATED).get().payload == {
        "dfe_number": "935"
    }
