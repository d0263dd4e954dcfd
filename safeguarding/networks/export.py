"""Writing the networks listed by `safeguarding networks` as JSON or CSV."""

from __future__ import annotations

import io
import json
from typing import Any

from safeguarding.govuk.csvfiles import csv_writer

CSV_COLUMNS = (
    "network_id",
    "rank",
    "score",
    "children",
    "agencies",
    "source",
    "source_kind",
    "source_name",
    "target",
    "target_kind",
    "target_name",
    "link",
    "concern_id",
    "agency",
    "seen_at",
    "category",
)


def as_json(networks: list[dict[str, Any]]) -> str:
    return json.dumps({"networks": networks}, indent=2) + "\n"


def as_csv(networks: list[dict[str, Any]]) -> str:
    """One row for each piece of evidence of each link."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for network in networks:
        members = {member["key"]: member for member in network["members"]}
        for link in network["links"]:
            source, target = members[link["source"]], members[link["target"]]
            for evidence in link["evidence"] or [{}]:
                writer.writerow(
                    (
                        network["id"],
                        network["rank"],
                        network["score"],
                        network["children"],
                        network["agencies"],
                        link["source"],
                        source["kind"],
                        source["name"] or source["value"],
                        link["target"],
                        target["kind"],
                        target["name"] or target["value"],
                        link["kind"],
                        evidence.get("concern_id") or "",
                        evidence.get("agency") or "",
                        evidence.get("seen_at") or "",
                        evidence.get("category") or "",
                    )
                )
    return out.getvalue()
