"""`safeguarding networks`: JSON and CSV listings with members and evidence, audited."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main
from safeguarding.networks.models import NetworkAlert
from tests.factories import Area
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def planted(area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council, vehicle="A812 CDE"),
            Sighting(area.police_analyst, area.council),
        ]
    )


def test_rebuild_then_json_lists_members_and_evidence(
    planted: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "networks.json"
    assert main(["networks", "--rebuild", "--quiet", "--output", str(out)]) == 0
    assert "1 network(s), 1 alert(s) raised" in capsys.readouterr().err
    assert NetworkAlert.objects.count() == 1
    (network,) = json.loads(out.read_text())["networks"]
    assert (network["rank"], network["children"], network["agencies"]) == (1, 3, 3)
    names = {m["name"] for m in network["members"] if m["kind"] == "child"}
    assert names == {"Amelia Hartley", "Bethany Cole", "Chloe Marsh"}
    (vehicle,) = [m for m in network["members"] if m["kind"] == "vehicle"]
    assert vehicle["value"] == "AB12 CDE"
    assert len(network["links"]) == 6
    for link in network["links"]:
        (evidence,) = link["evidence"]
        assert evidence["agency"] in {"SCH-TEST", "NHS-TEST", "POL-TEST"}
        assert evidence["concern_id"]
        assert evidence["seen_at"]
        assert evidence["category"] == "cse"
    entry = AuditEntry.objects.get(verb=AuditVerb.NETWORKS_EXPORTED)
    assert entry.payload["networks"] == [network["id"]]


def test_csv_has_a_row_for_each_piece_of_evidence(
    planted: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["networks", "--rebuild", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["networks", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 6
    assert {row["agency"] for row in rows} == {"SCH-TEST", "NHS-TEST", "POL-TEST"}
    vehicle_rows = [row for row in rows if row["target_kind"] == "vehicle"]
    assert {row["target_name"] for row in vehicle_rows} == {"AB12 CDE"}
    assert {row["source_name"] for row in vehicle_rows} == {"Darren Pike"}
    assert all(row["concern_id"] and row["seen_at"] for row in rows)


def test_help_and_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_help:
        main(["networks", "--help"])
    assert exit_help.value.code == 0
    assert "--rebuild" in capsys.readouterr().out
    with pytest.raises(SystemExit) as wrong:
        main(["networks", "--format", "xml"])
    assert wrong.value.code == 2
