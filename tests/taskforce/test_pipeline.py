"""Police record the online-abuse pipeline: one suspect at a time or from CSV lines, for
their own force only; the taskforce sees the counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.taskforce import measures as m
from safeguarding.taskforce.actions import (
    IMPORT_COLUMNS,
    SuspectDetails,
    import_suspects,
    record_suspect,
)
from safeguarding.taskforce.models import Figure, OnlineAbuseSuspect, PeriodKind, Stage
from safeguarding.taskforce.refresh import refresh
from tests.factories import Area

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

HEADER = ",".join(IMPORT_COLUMNS)


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "centre_reference": "NCA-2025-001",
        "suspect_reference": "TEST/SUS/1",
        "identified_on_0": "3",
        "identified_on_1": "3",
        "identified_on_2": "2025",
        "allocated_on_0": "4",
        "allocated_on_1": "3",
        "allocated_on_2": "2025",
    }
    data.update(overrides)
    return data


def test_a_police_analyst_records_and_updates_a_suspect(area: Area, client_for):
    client = client_for(area.police_analyst)
    response = client.post("/taskforce/online-abuse/record/", _form())
    assert response.status_code == 302
    suspect = OnlineAbuseSuspect.objects.get()
    assert suspect.force == area.police
    assert suspect.stage == Stage.ALLOCATED
    assert AuditEntry.objects.filter(verb=AuditVerb.SUSPECT_RECORDED).exists()
    response = client.post(
        f"/taskforce/online-abuse/{suspect.pk}/",
        _form(
            charged_on_0="1",
            charged_on_1="6",
            charged_on_2="2025",
            arrested_on_0="2",
            arrested_on_1="5",
            arrested_on_2="2025",
        ),
    )
    assert response.status_code == 302
    suspect.refresh_from_db()
    assert suspect.stage == Stage.CHARGED
    assert "TEST/SUS/1" in client.get("/taskforce/online-abuse/").content.decode()


def test_errors_are_listed_in_page_order(area: Area, client_for):
    response = client_for(area.police_analyst).post(
        "/taskforce/online-abuse/record/",
        _form(
            centre_reference="",
            suspect_reference="John Smith",
            charged_on_0="1",
            charged_on_1="6",
            charged_on_2="2025",
            no_further_action_on_0="1",
            no_further_action_on_1="6",
            no_further_action_on_2="2025",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    summary = body[body.index("govuk-error-summary__list") :].split("</ul>")[0]
    order = [
        summary.index(anchor)
        for anchor in (
            "#id_centre_reference",
            "#id_suspect_reference",
            "#id_no_further_action_on_0",
        )
    ]
    assert order == sorted(order)
    assert not OnlineAbuseSuspect.objects.exists()


def test_another_force_cannot_see_or_update_a_suspect(area: Area, client_for):
    suspect = record_suspect(
        actor=area.police_analyst,
        details=SuspectDetails("NCA-1", "SUS-1", identified_on=date(2025, 3, 3)),
    )
    other = client_for(area.other_police_analyst)
    assert other.get(f"/taskforce/online-abuse/{suspect.pk}/").status_code == 404
    assert other.post(f"/taskforce/online-abuse/{suspect.pk}/", _form()).status_code == 404
    assert "SUS-1" not in other.get("/taskforce/online-abuse/").content.decode()
    for user in (area.practitioner, area.dsl):
        assert client_for(user).get("/taskforce/online-abuse/").status_code == 403
    # The taskforce reads every force's pipeline as counts, never the suspects.
    national = client_for(area.taskforce_analyst).get("/taskforce/online-abuse/")
    assert national.status_code == 200
    assert "SUS-1" not in national.content.decode()


def test_csv_lines_record_and_update_all_or_nothing(area: Area, client_for):
    record_suspect(
        actor=area.police_analyst,
        details=SuspectDetails("NCA-1", "SUS-1", identified_on=date(2025, 3, 3)),
    )
    good = "\n".join(
        [
            HEADER,
            "NCA-1,SUS-1,2025-03-03,2025-03-04,2025-04-01,,2025-05-01",
            "NCA-2,SUS-2,2025-03-05,2025-03-06,,,",
        ]
    )
    result = import_suspects(actor=area.police_analyst, text=good)
    assert (result.created, result.updated) == (1, 1)
    assert (
        OnlineAbuseSuspect.objects.get(suspect_reference="SUS-1").stage == Stage.NO_FURTHER_ACTION
    )
    bad = "\n".join([HEADER, "NCA-3,SUS-3,2025-03-05,,,,", "NCA-4,SUS-4,yesterday,,,,"])
    with pytest.raises(ValidationError) as error:
        import_suspects(actor=area.police_analyst, text=bad)
    assert "line 3" in error.value.message_dict
    assert not OnlineAbuseSuspect.objects.filter(suspect_reference="SUS-3").exists()
    response = client_for(area.police_analyst).post(
        "/taskforce/online-abuse/import/", {"file": bad}
    )
    assert response.status_code == 400
    assert "line 3" in response.content.decode()


def test_the_pipeline_counts_reach_the_dashboard(area: Area):
    for number in range(5):
        record_suspect(
            actor=area.police_analyst,
            details=SuspectDetails(
                f"NCA-{number}",
                f"SUS-{number}",
                identified_on=date(2025, 3, 3),
                allocated_on=date(2025, 3, 4),
                arrested_on=date(2025, 3, 20) if number else None,
            ),
        )
    refresh(full=True)
    identified = Figure.objects.get(
        area=area.police, measure=m.SUSPECTS_IDENTIFIED, period_kind=PeriodKind.YEAR, year=2024
    )
    arrested = Figure.objects.get(
        area=area.police, measure=m.SUSPECTS_ARRESTED, period_kind=PeriodKind.YEAR, year=2024
    )
    assert (identified.value, arrested.value) == (5, 4)
