"""The graph and its clusters: misread plates join children into one network, different
plates do not, families are not networks, and clusters are ranked by risk."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.networks.actions import rebuild_networks
from safeguarding.networks.graph import (
    AttributeRow,
    ConcernRow,
    build_graph,
    clusters,
    hubs,
    risk_score,
)
from safeguarding.networks.models import Cluster, ClusterMember, LinkEvidence, NodeKind
from safeguarding.people.models import PersonKind
from tests.factories import Area, adult_details, child_details, make_concern
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


def test_misread_plates_join_three_childrens_concerns_into_one_network(area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council, vehicle="AB12 CDE"),
            Sighting(area.health, area.council, vehicle="A812CDE"),
            Sighting(area.police_analyst, area.council, vehicle="ab12 cde"),
        ]
    )
    result = rebuild_networks()
    assert result.clusters == 1
    (cluster,) = Cluster.objects.all()
    assert cluster.children == 3
    assert cluster.agencies == 3
    kinds = sorted(ClusterMember.objects.values_list("kind", flat=True))
    assert kinds == ["adult"] * 3 + ["child"] * 3 + ["vehicle"]
    vehicle = ClusterMember.objects.get(kind=NodeKind.VEHICLE)
    assert vehicle.value == "AB12 CDE"
    assert vehicle.known_to == ["nhs-body", "police-force", "school"]


def test_different_plates_do_not_join(area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council, vehicle="AB12 CDE"),
            Sighting(area.health, area.council, vehicle="AB12 CDF"),
            Sighting(area.police_analyst, area.council, vehicle="XY61 CDE"),
        ]
    )
    assert rebuild_networks().clusters == 0
    assert not ClusterMember.objects.exists()


def test_phone_and_flat_join_like_a_vehicle(area: Area) -> None:
    flat = ("Flat 3, 12a Mill St", "Northbridge", "NB1 1AA")
    plant(
        [
            Sighting(area.dsl, area.council, vehicle="", phones=["07700 900123"]),
            Sighting(area.health, area.council, vehicle="", phones=["+44 7700 900123"]),
            Sighting(area.police_analyst, area.council, vehicle="", addresses=[flat]),
            Sighting(
                area.police_analyst,
                area.council,
                vehicle="",
                addresses=[("FLAT 3 12A MILL STREET", "", "NB11AA")],
                adult_name=("Daz", "P"),
            ),
        ]
    )
    rebuild_networks()
    assert sorted(Cluster.objects.values_list("children", flat=True)) == [2, 2]
    assert set(
        ClusterMember.objects.exclude(person__isnull=False).values_list("kind", flat=True)
    ) == {
        NodeKind.PHONE,
        NodeKind.ADDRESS,
    }


def test_every_link_keeps_its_evidence(area: Area) -> None:
    concerns = plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council, vehicle="A812CDE"),
        ]
    )
    rebuild_networks()
    evidence = list(LinkEvidence.objects.select_related("link", "agency"))
    # Two child-adult links (from the concerns) and two adult-vehicle links (from the
    # details recorded with them), each with the concern, agency and date.
    assert len(evidence) == 4
    assert {e.concern_id for e in evidence} == {c.pk for c in concerns}
    assert {e.agency.code for e in evidence} == {"SCH-TEST", "NHS-TEST"}
    assert all(e.seen_at is not None for e in evidence)
    assert {e.link.kind for e in evidence} == {"named-with", "holds"}


def test_siblings_sharing_parents_and_home_are_not_a_network(area: Area) -> None:
    home = ("4 Oak Road", "Testtown", "TT1 2AB")
    mother = adult_details("Karen", "Hartley", addresses=[home], phones=["07700 900555"])
    for index, recorder in enumerate([area.dsl, area.health, area.police_analyst]):
        make_concern(
            recorder,
            local_authority=area.council,
            child=child_details(
                f"Child{index}", "Hartley", addresses=[home], phones=["07700 900555"]
            ),
            others=[(PersonRole.PARENT, mother)],
            category=ConcernCategory.NEGLECT,
        )
    assert rebuild_networks().clusters == 0


def test_unrelated_adults_sharing_a_common_name_are_not_joined(area: Area) -> None:
    """Nothing joins two people by name alone: only the same record, vehicle, phone or
    address does."""
    plant(
        [
            Sighting(area.dsl, area.council, vehicle="AB12 CDE", adult_name=("John", "Smith")),
            Sighting(area.health, area.council, vehicle="CD34 EFG", adult_name=("John", "Smith")),
            Sighting(
                area.police_analyst, area.council, vehicle="EF56 GHJ", adult_name=("John", "Smith")
            ),
        ]
    )
    result = rebuild_networks()
    assert result.clusters == 0
    assert result.alerts_raised == 0


def test_a_second_build_with_nothing_new_is_skipped(area: Area) -> None:
    plant([Sighting(area.dsl, area.council), Sighting(area.health, area.council)])
    assert not rebuild_networks().skipped
    assert rebuild_networks().skipped
    plant([Sighting(area.police_analyst, area.council)])
    assert not rebuild_networks().skipped


# Ranking, on rows built in memory ------------------------------------------------------

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _network(
    children: int, agencies: int, category: str, age_days: int
) -> tuple[list[ConcernRow], list[AttributeRow]]:
    """``children`` children, each named with their own record of one adult who holds a
    shared phone, recorded by agencies 1..``agencies`` in turn."""
    phone = f"phone:{uuid.uuid4()}"
    concern_rows, attribute_rows = [], []
    for index in range(children):
        concern, child, adult = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        agency = 1 + index % agencies
        when = NOW - timedelta(days=age_days)
        concern_rows += [
            ConcernRow(
                concern, child, PersonRole.CHILD, PersonKind.CHILD, agency, 100, when, category
            ),
            ConcernRow(
                concern,
                adult,
                PersonRole.ADULT_OF_CONCERN,
                PersonKind.ADULT,
                agency,
                100,
                when,
                category,
            ),
        ]
        attribute_rows.append(AttributeRow(NodeKind.PHONE, adult, phone, "07700", agency, None))
    return concern_rows, attribute_rows


def test_clusters_rank_by_children_agencies_exploitation_and_recency() -> None:
    shapes = {
        "big": (6, 3, ConcernCategory.SEXUAL_EXPLOITATION, 10),
        "same but old": (6, 3, ConcernCategory.SEXUAL_EXPLOITATION, 900),
        "same but neglect": (6, 3, ConcernCategory.NEGLECT, 10),
        "fewer agencies": (6, 1, ConcernCategory.SEXUAL_EXPLOITATION, 10),
        "small": (2, 2, ConcernCategory.SEXUAL_EXPLOITATION, 10),
    }
    concern_rows, attribute_rows, first_child = [], [], {}
    for name, shape in shapes.items():
        rows, attributes = _network(*shape)
        first_child[rows[0].person_id.int] = name
        concern_rows += rows
        attribute_rows += attributes
    graph = build_graph(concern_rows, attribute_rows)
    ranked = clusters(graph, now=NOW, min_children=2)
    names = [next(first_child[m] for m in c.members if m in first_child) for c in ranked]
    assert names[0] == "big"
    assert names.index("big") < names.index("same but neglect")
    assert names.index("big") < names.index("same but old")
    assert names.index("big") < names.index("fewer agencies")
    assert names[-1] == "small"


def test_risk_score_rises_with_each_measure_and_falls_with_age() -> None:
    base = risk_score(children=3, agencies=2, exploitation=1, days_since_latest=0)
    assert risk_score(children=4, agencies=2, exploitation=1, days_since_latest=0) > base
    assert risk_score(children=3, agencies=3, exploitation=1, days_since_latest=0) > base
    assert risk_score(children=3, agencies=2, exploitation=2, days_since_latest=0) > base
    assert risk_score(children=3, agencies=2, exploitation=1, days_since_latest=200) < base


def test_hubs_count_children_reached_through_adults_who_hold_the_thing() -> None:
    concern_rows, attribute_rows = _network(3, 2, ConcernCategory.CRIMINAL_EXPLOITATION, 1)
    graph = build_graph(concern_rows, attribute_rows)
    (hub,) = hubs(graph, min_children=3, min_agencies=2)
    assert hub.kind == NodeKind.PHONE
    assert len(hub.children) == 3
    assert hub.agencies == {1, 2}
