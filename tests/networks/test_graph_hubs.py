"""Networks an analyst can use: a place or a switchboard links nobody, an address links
only with an adult of concern, a child does not fuse two men's networks, and each member
carries why it is there."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.networks.actions import rebuild_networks
from safeguarding.networks.graph import (
    DETAIL_MAX_HOLDERS,
    AttributeRow,
    ConcernRow,
    Graph,
    build_graph,
    clusters,
    components,
    member_reason,
    risk_score,
)
from safeguarding.networks.models import Cluster, ClusterMember, NodeKind
from safeguarding.people.models import PersonKind
from tests.factories import Area
from tests.networks.conftest import Sighting, plant

NOW = datetime(2026, 11, 1, tzinfo=UTC)
CSE = str(ConcernCategory.SEXUAL_EXPLOITATION)


class Rows:
    """Concerns and details written one line each."""

    def __init__(self) -> None:
        self.concerns: list[ConcernRow] = []
        self.details: list[AttributeRow] = []
        self.people: dict[str, uuid.UUID] = {}

    def id(self, name: str) -> uuid.UUID:
        return self.people.setdefault(name, uuid.uuid5(uuid.NAMESPACE_URL, name))

    def concern(self, agency: int, *named: tuple[str, str]) -> None:
        concern = uuid.uuid4()
        for name, role in named:
            kind = PersonKind.CHILD if role in {PersonRole.CHILD, PersonRole.SIBLING} else "adult"
            self.concerns.append(
                ConcernRow(concern, self.id(name), role, str(kind), agency, 1, NOW, CSE)
            )

    def holds(self, name: str, kind: str, key: str, agency: int = 1) -> None:
        self.details.append(AttributeRow(kind, self.id(name), key, key, agency, None))

    def graph(self) -> Graph:
        return build_graph(self.concerns, self.details)

    def names(self, members: list[int | str]) -> set[str]:
        by_int = {person.int: name for name, person in self.people.items()}
        return {by_int.get(m, m) if isinstance(m, int) else m for m in members}


CHILD, ADULT = str(PersonRole.CHILD), str(PersonRole.ADULT_OF_CONCERN)


def test_a_childrens_home_address_does_not_make_its_children_a_network() -> None:
    rows = Rows()
    for n in range(6):
        rows.concern(n + 1, (f"child{n}", CHILD))
        rows.holds(f"child{n}", NodeKind.ADDRESS, "address:NB1 1AA|THE LIMES")
    assert list(components(rows.graph())) == []


def test_an_address_an_adult_of_concern_holds_links_the_children_there() -> None:
    rows = Rows()
    rows.concern(1, ("adult", ADULT))
    rows.holds("adult", NodeKind.ADDRESS, "address:NB2 7QX|FLAT 6 41 WHARF STREET")
    for n in range(3):
        rows.concern(n + 2, (f"child{n}", CHILD))
        rows.holds(f"child{n}", NodeKind.ADDRESS, "address:NB2 7QX|FLAT 6 41 WHARF STREET")
    (network,) = clusters(rows.graph(), now=NOW, min_children=2)
    assert network.children == 3
    assert rows.names(network.members) >= {"adult", "child0", "child1", "child2"}


def test_a_place_held_by_more_than_the_limit_links_nobody() -> None:
    rows = Rows()
    rows.concern(1, ("adult", ADULT))
    rows.holds("adult", NodeKind.PHONE, "phone:+441234000000")
    for n in range(DETAIL_MAX_HOLDERS):  # with the adult: one more than the limit
        rows.concern(n + 2, (f"child{n}", CHILD))
        rows.holds(f"child{n}", NodeKind.PHONE, "phone:+441234000000")
    assert list(components(rows.graph())) == []
    # One fewer, and the phone is evidence again.
    rows.details.pop()
    (network,) = clusters(rows.graph(), now=NOW, min_children=2)
    assert network.children == DETAIL_MAX_HOLDERS - 1


def test_a_child_exploited_by_two_unrelated_men_does_not_make_them_one_network() -> None:
    rows = Rows()
    for adult, children in (("mo", ["a", "b", "shared"]), ("kane", ["shared", "c", "d"])):
        for child in children:
            rows.concern(1, (child, CHILD), (adult, ADULT))
    found = clusters(rows.graph(), now=NOW, min_children=2)
    assert {frozenset(rows.names(c.members)) for c in found} == {
        frozenset({"mo", "a", "b", "shared"}),
        frozenset({"kane", "shared", "c", "d"}),
    }
    # Each network is known by its core, not by the child they share.
    assert len({c.first_key for c in found}) == 2


def test_men_sharing_a_car_are_one_network() -> None:
    rows = Rows()
    for adult, children in (("mo", ["a", "b"]), ("kane", ["c", "d"])):
        rows.holds(adult, NodeKind.VEHICLE, "vehicle:NB65KXT")
        for child in children:
            rows.concern(1, (child, CHILD), (adult, ADULT))
    (network,) = clusters(rows.graph(), now=NOW, min_children=2)
    assert rows.names(network.members) == {"mo", "kane", "a", "b", "c", "d", "vehicle:NB65KXT"}


def test_siblings_sharing_a_parents_phone_do_not_join_a_mans_network() -> None:
    rows = Rows()
    for child in ("amy", "ben"):  # the parent is not named with them: the phone links them
        rows.concern(2, (child, CHILD))
        rows.holds(child, NodeKind.PHONE, "phone:+447700900001")
    for child in ("amy", "cat", "dan"):
        rows.concern(1, (child, CHILD), ("mo", ADULT))
    found = {
        frozenset(rows.names(c.members)) for c in clusters(rows.graph(), now=NOW, min_children=2)
    }
    assert frozenset({"mo", "amy", "cat", "dan"}) in found
    assert not any("mo" in network and "ben" in network for network in found)


def test_each_member_says_why_it_is_there() -> None:
    rows = Rows()
    rows.holds("mo", NodeKind.VEHICLE, "vehicle:NB65KXT")
    rows.holds("mo", NodeKind.PHONE, "phone:+447700900417")
    rows.concern(1, ("a", CHILD), ("mo", ADULT))
    rows.concern(3, ("a", CHILD), ("mo", ADULT))
    rows.concern(2, ("b", CHILD), ("mo", ADULT))
    rows.holds("b", NodeKind.PHONE, "phone:+447700900417")
    rows.holds("c", NodeKind.VEHICLE, "vehicle:NB65KXT")
    rows.concern(3, ("c", CHILD))
    graph = rows.graph()
    (network,) = clusters(graph, now=NOW, min_children=2)
    members = set(network.members)
    reasons = {name: member_reason(graph, rows.id(name).int, members) for name in "abc"}
    assert reasons == {
        "a": "Named with an adult of concern in 2 concerns.",
        "b": "Named with an adult of concern in a concern; holds a phone held by others in "
        "this network.",
        "c": "Holds a vehicle held by others in this network.",
    }
    assert member_reason(graph, rows.id("mo").int, members) == (
        "Named with 2 children in 3 concerns; holds a vehicle and a phone held by others in "
        "this network."
    )
    assert member_reason(graph, "vehicle:NB65KXT", members) == (
        "Held by a child and an adult of concern in this network."
    )


@pytest.mark.django_db
@pytest.mark.each_database
def test_the_network_page_shows_why_each_member_is_there(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()
    network = Cluster.objects.get()
    vehicle = ClusterMember.objects.get(cluster=network, kind=NodeKind.VEHICLE)
    assert vehicle.reason == "Held by 3 adults of concern in this network."
    child = ClusterMember.objects.filter(cluster=network, kind=NodeKind.CHILD).first()
    assert child is not None
    assert child.reason == "Named with an adult of concern in a concern."
    html = client_for(area.police_analyst).get(f"/networks/{network.pk}/").content.decode()
    assert "Why it is here" in html
    assert "Held by 3 adults of concern in this network." in html
    assert html.count("Named with an adult of concern in a concern.") == 3


def test_unrelated_children_rank_above_brothers_and_sisters() -> None:
    rows = Rows()
    for child in ("s1", "s2", "s3"):  # one family: their mother is named with each
        rows.concern(1, (child, CHILD), ("mum", str(PersonRole.PARENT)), ("mo", ADULT))
    for child in ("u1", "u2", "u3"):
        rows.concern(1, (child, CHILD), ("kane", ADULT))
    siblings, unrelated = sorted(
        clusters(rows.graph(), now=NOW, min_children=2), key=lambda c: c.score
    )
    assert "mo" in rows.names(siblings.members)
    assert (siblings.children, siblings.families) == (3, 1)
    assert (unrelated.children, unrelated.families) == (3, 3)
    assert unrelated.score > siblings.score


def test_more_adults_of_concern_score_higher() -> None:
    one = risk_score(children=3, agencies=2, exploitation=1, days_since_latest=0, adults=1)
    assert risk_score(children=3, agencies=2, exploitation=1, days_since_latest=0, adults=2) > one
    assert (
        risk_score(
            children=3, families=1, agencies=2, exploitation=1, days_since_latest=0, adults=1
        )
        < one
    )
