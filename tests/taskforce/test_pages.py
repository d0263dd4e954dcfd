"""The dashboard's pages, export and access: analysts and inspectors see suppressed counts
and never an identifiable record."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.actions import issue_api_token
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.clocks.models import Clock
from safeguarding.taskforce.models import OnlineAbuseSuspect
from safeguarding.taskforce.refresh import refresh
from tests.taskforce.conftest import Picture

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

DASHBOARD_URLS = [
    "/taskforce/",
    "/taskforce/?kind=force&year=2025",
    "/taskforce/areas/LA-TEST/?year=2025&by=month",
    "/taskforce/areas/POL-TEST/?year=2025&by=quarter",
    "/taskforce/measures/referrals/?year=2025&kind=authority&by=month",
    "/taskforce/capacity/",
]


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def refreshed(picture: Picture) -> Picture:
    refresh(full=True)
    return picture


@pytest.mark.parametrize("who", ["taskforce_analyst", "inspector"])
def test_analysts_and_inspectors_see_every_view_without_names(refreshed: Picture, client_for, who):
    user = refreshed.inspector if who == "inspector" else refreshed.area.taskforce_analyst
    client = client_for(user)
    for url in DASHBOARD_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert "Amelia" not in body
        assert "Hartley" not in body
        assert "SUS-" not in body  # no suspect reference either
    assert AuditEntry.objects.filter(verb=AuditVerb.DASHBOARD_VIEWED, actor_id=user.pk).count() == 5
    assert AuditEntry.objects.filter(verb=AuditVerb.CAPACITY_VIEWED, actor_id=user.pk).count() == 1


@pytest.mark.parametrize(
    "who", ["practitioner", "manager", "mash", "dsl", "police_analyst", "auditor", "admin"]
)
def test_other_roles_cannot_open_the_dashboard(refreshed: Picture, client_for, who):
    client = client_for(getattr(refreshed.area, who))
    for url in [*DASHBOARD_URLS[:5], "/taskforce/export.csv"]:
        assert client.get(url).status_code == 403, url


def test_the_national_table_shows_hand_counted_figures(refreshed: Picture, client_for):
    body = _body(client_for(refreshed.area.taskforce_analyst).get("/taskforce/?year=2025"))
    # England: 7 + 8 + 9 referrals.
    assert ">24<" in body
    # Testshire: 8 contacts, 7 of them referrals, 5 assessments (71%), 2 re-referrals
    # (fewer than 5, so the rate is not shown either).
    row = body[body.index("Testshire Council") :].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('govuk-table__cell--numeric">')[1:]]
    assert cells[:4] == ["8", "7", "71%", "not shown"]
    assert "fewer than 5" in cells


def test_an_area_page_compares_with_england_and_similar_areas(refreshed: Picture, client_for):
    from safeguarding.taskforce.actions import set_neighbours

    area = refreshed.area
    set_neighbours(actor=None, area=area.council, neighbours=[area.other_council])
    body = _body(client_for(area.taskforce_analyst).get("/taskforce/areas/LA-TEST/?year=2025"))
    assert "Otherton Council" in body
    referrals = body[body.index('<th scope="row" class="govuk-table__header">Referrals</th>') :]
    cells = [c.split("<")[0] for c in referrals.split("</tr>")[0].split('numeric">')[1:]]
    assert cells == ["7", "24", "8 (average of 1)"]
    # A chart drawn as an image with a title, and its table.
    assert '<svg class="app-chart"' in body
    assert 'role="img"' in body
    assert "Referrals as a table" in body


def test_an_unknown_area_or_measure_is_not_found(refreshed: Picture, client_for):
    client = client_for(refreshed.area.taskforce_analyst)
    assert client.get("/taskforce/areas/SCH-TEST/").status_code == 404
    assert client.get("/taskforce/areas/NOPE/").status_code == 404
    assert client.get("/taskforce/measures/nope/").status_code == 404


def test_the_csv_holds_every_figure_as_shown(refreshed: Picture, client_for):
    user = refreshed.area.taskforce_analyst
    response = client_for(user).get("/taskforce/export.csv?kind=authority&year=2025")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert rows[0] == [
        "area_code",
        "area_name",
        "area_kind",
        "period",
        "period_start",
        "measure",
        "measure_name",
        "value",
    ]
    figures = {(r[0], r[3], r[4], r[5]): r[7] for r in rows[1:]}
    assert figures[("ENGLAND", "year", "2025-04-01", "referrals")] == "24"
    assert figures[("LA-TEST", "year", "2025-04-01", "referrals")] == "7"
    assert figures[("LA-TEST", "year", "2025-04-01", "re-referrals")] == "fewer than 5"
    assert figures[("LA-TEST", "month", "2025-05-01", "referrals")] == "not shown"
    assert figures[("LA-TEST", "month", "2025-06-01", "referrals")] == "fewer than 5"
    assert all(r[0] in {"ENGLAND", "LA-TEST", "LA-OTHER", "LA-THIRD"} for r in rows[1:])
    assert AuditEntry.objects.filter(verb=AuditVerb.DASHBOARD_EXPORTED, actor_id=user.pk).exists()


@pytest.mark.parametrize("who", ["taskforce_analyst", "inspector"])
def test_no_identifiable_record_is_reachable(refreshed: Picture, client_for, who):
    area = refreshed.area
    user = refreshed.inspector if who == "inspector" else area.taskforce_analyst
    client = client_for(user)
    child = refreshed.child
    concern = child.involvements.first().concern
    clock = Clock.objects.filter(person=child).first() or Clock.objects.first()
    suspect = OnlineAbuseSuspect.objects.first()
    assert concern is not None
    assert clock is not None
    assert suspect is not None
    for url in [
        reverse("web:person", args=[child.pk]),
        reverse("chronology:view", args=[child.pk]),
        reverse("chronology:csv", args=[child.pk]),
        reverse("pathway:new-event", args=[child.pk]),
        reverse("clocks:detail", args=[clock.pk]),
        reverse("taskforce:suspect", args=[suspect.pk]),
    ]:
        assert client.get(url).status_code in {403, 404}, url
    # The national pipeline opens, as published counts: no suspect is named on it.
    pipeline = client.get("/taskforce/online-abuse/")
    assert pipeline.status_code == 200
    assert suspect.suspect_reference not in pipeline.content.decode()
    assert suspect.centre_reference not in pipeline.content.decode()
    assert client.get("/taskforce/online-abuse/import/").status_code == 403
    assert client.post(reverse("people:search"), {"name": "Amelia Hartley"}).status_code == 403
    # Nor through the API, with a token of their own.
    token = issue_api_token(actor=area.admin, user=user, name="test")
    api = Client()
    headers = {"Authorization": f"Bearer {token}"}
    for path in [f"/api/v1/persons/{child.pk}", f"/api/v1/concerns/{concern.pk}"]:
        response = api.get(path, headers=headers)
        assert response.status_code in {401, 403, 404}, path
        assert "Amelia" not in response.content.decode()


def test_the_csv_follows_each_refresh_and_every_export_is_audited(refreshed: Picture, client_for):
    from datetime import UTC, datetime

    from tests.factories import child_details, make_concern

    user = refreshed.area.taskforce_analyst
    client = client_for(user)
    url = "/taskforce/export.csv?kind=authority&year=2025"

    def referrals_in_the_year() -> str:
        """Concerns recorded in England: the school's new concern counts at once, where a
        referral would wait for the MASH's decision."""
        rows = csv.reader(io.StringIO(_body(client.get(url))))
        return next(
            r[7]
            for r in rows
            if r[0] == "ENGLAND" and r[3] == "year" and r[5] == "concerns-recorded"
        )

    before = referrals_in_the_year()
    assert referrals_in_the_year() == before
    make_concern(
        refreshed.area.dsl,
        local_authority=refreshed.area.council,
        child=child_details("Nell", "Ashby"),
        recorded_at=datetime(2025, 6, 2, 10, tzinfo=UTC),
    )
    assert referrals_in_the_year() == before  # not until the figures are refreshed
    refresh(full=True)
    assert int(referrals_in_the_year()) == int(before) + 1
    exported = AuditEntry.objects.filter(verb=AuditVerb.DASHBOARD_EXPORTED, actor_id=user.pk)
    assert exported.count() == 4
