"""Planted networks among synthetic concerns: spread so that no agency sees more than two of
a network's children, found whole once the same people are recognised across agencies,
and not found whole while every agency's record stands alone."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import connection

from bench.linkage_speed import resolve
from safeguarding.concerns.models import PersonRole
from safeguarding.networks.synthetic import SyntheticConcerns, generate_concerns, network_recovery

NETWORKS = 6


@pytest.fixture(scope="module")
def data() -> SyntheticConcerns:
    return generate_concerns(4000, networks=NETWORKS, seed=7)


def test_no_agency_sees_more_than_two_children_of_a_network(data: SyntheticConcerns) -> None:
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    network_of = {child: i for i, n in enumerate(data.networks) for child in n.children}
    for row in data.named:
        person = data.truth[row.record_id]
        if row.role == PersonRole.CHILD and person in network_of:
            seen[(network_of[person], row.agency_id)].add(person)
    assert len(data.networks) == NETWORKS
    assert seen, "the planted children are named in concerns"
    assert max(len(children) for children in seen.values()) <= 2
    # ...and yet each network has at least three children, known to two or more agencies.
    for index, network in enumerate(data.networks):
        assert len(network.children) >= 3
        assert len({agency for (i, agency) in seen if i == index}) >= 2


def test_every_network_is_found_whole_when_people_are_known(data: SyntheticConcerns) -> None:
    truth = {record_id: f"person-{number}" for record_id, number in data.truth.items()}
    figures = network_recovery(data, truth)
    assert figures["networks_found_whole"] == NETWORKS
    assert figures["networks_in_one_cluster"] == NETWORKS
    # Background adults are named with at most two children: nothing else alerts.
    assert figures["alerts_not_planted"] == 0
    assert figures["alerts"] >= NETWORKS


def test_networks_stay_hidden_without_resolution(data: SyntheticConcerns) -> None:
    figures = network_recovery(data, {})
    assert figures["networks_found_whole"] < NETWORKS


@pytest.mark.each_database
@pytest.mark.skipif(connection.vendor != "sqlite", reason="in-memory Splink: once is enough")
def test_resolution_by_the_model_finds_the_networks(data: SyntheticConcerns) -> None:
    clusters, _timings = resolve(data.records)
    figures = network_recovery(data, clusters)
    assert figures["networks_found_whole"] >= NETWORKS - 1
    assert figures["alerts_not_planted"] == 0
