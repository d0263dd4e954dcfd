"""The joint inspection pages, through the real middleware."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeguarding.inspections.models import Finding, Inspection, InspectionAction
from tests.factories import Area
from tests.inspections.helpers import Inspectorates, make_inspectorates, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectorates(area: Area) -> Inspectorates:
    return make_inspectorates()


def _date(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_an_inspector_schedules_through_the_form(
    area: Area, inspectorates: Inspectorates, client_for
):
    client = client_for(inspectorates.ofsted_inspector)
    empty = client.post("/inspections/schedule/", {})
    assert empty.status_code == 400
    page = empty.content.decode()
    order = [
        page.index(message)
        for message in (
            "Enter the inspection&#x27;s title",
            "Choose the local authority whose area is inspected",
            "Choose the inspectorates taking part",
            "Enter the first day of the inspection",
            "Enter the last day of the inspection",
        )
    ]
    assert order == sorted(order)
    today = timezone.localdate()
    response = client.post(
        "/inspections/schedule/",
        {
            "title": "Joint targeted area inspection",
            "area": area.council.pk,
            f"inspectorate_{inspectorates.ofsted.pk}": "on",
            f"inspectorate_{inspectorates.hmicfrs.pk}": "on",
            **_date("starts_on", today),
            **_date("ends_on", today),
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Download the data pack as a spreadsheet" in page
    assert client_for(area.manager).post("/inspections/schedule/", {}).status_code == 403


def test_the_team_downloads_records_findings_and_sets_actions(
    area: Area, inspectorates: Inspectorates, client_for
):
    area.child_known_to_school()
    inspection = schedule(area, inspectorates)
    client = client_for(inspectorates.hmicfrs_inspector)
    download = client.get(f"/inspections/{inspection.pk}/data-pack.xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('data-pack.xlsx"')
    workbook = load_workbook(io.BytesIO(download.content))
    assert workbook["Contacts"].max_row == 2
    csv_file = client.get(f"/inspections/{inspection.pk}/data-pack/contacts.csv")
    assert "Amelia" in csv_file.content.decode("utf-8-sig")
    # Staff of the area see the inspection, never its data pack.
    manager = client_for(area.manager)
    assert manager.get(f"/inspections/{inspection.pk}/").status_code == 200
    assert (
        "Download the data pack"
        not in manager.get(f"/inspections/{inspection.pk}/").content.decode()
    )
    assert manager.get(f"/inspections/{inspection.pk}/data-pack.xlsx").status_code == 404
    assert client_for(area.other_mash).get(f"/inspections/{inspection.pk}/").status_code == 404

    assert client.post(f"/inspections/{inspection.pk}/findings/new/", {}).status_code == 400
    response = client.post(
        f"/inspections/{inspection.pk}/findings/new/",
        {"kind": "priority", "text": "Strategy discussions often go ahead without the police."},
    )
    finding = Finding.objects.get()
    assert response["Location"] == f"/inspections/findings/{finding.pk}/actions/new/"
    form = client.get(response["Location"]).content.decode()
    assert area.police_analyst.username in form or area.police.name in form
    response = client.post(
        f"/inspections/findings/{finding.pk}/actions/new/",
        {
            "description": "Invite the police to every strategy discussion.",
            "owner": area.police_analyst.pk,
            **_date("due_on", timezone.localdate()),
        },
    )
    assert response.status_code == 302
    action = InspectionAction.objects.get()
    owner = client_for(area.police_analyst)
    assert "Invite the police" in owner.get("/inspections/").content.decode()
    assert (
        owner.post(
            f"/inspections/actions/{action.pk}/update/", {"status": "done", "note": ""}
        ).status_code
        == 400
    )
    assert (
        owner.post(
            f"/inspections/actions/{action.pk}/update/",
            {"status": "done", "note": "A police officer now joins every one."},
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.is_done
    assert "1 of 1 done" in client.get(f"/inspections/{inspection.pk}/").content.decode()
    # Only the team may record findings.
    assert manager.post(f"/inspections/{inspection.pk}/findings/new/", {}).status_code == 403
