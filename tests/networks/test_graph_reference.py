"""The graph's array build gives exactly what the rules say, in the same order: checked
against a plain reading of the rules (dicts, sets and a breadth-first search, one row at a
time) on random small graphs with families, repeated rows, mixed orders and thresholds."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict, deque
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.networks.graph import (
    ADULT_NODE,
    CHILD_NODE,
    DETAIL_MAX_HOLDERS,
    INDICATOR_VALUES,
    AttributeRow,
    ConcernRow,
    Graph,
    Node,
    _component_roots,
    _factorise,
    _factorise_ids,
    build_graph,
    clusters,
    components,
    hubs,
    node_key,
    node_order,
    risk_score,
)
from safeguarding.networks.models import NodeKind
from safeguarding.people.models import PersonKind

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ADULT_ROLES = {str(PersonRole.ADULT_OF_CONCERN), str(PersonRole.OTHER)}
FAMILY_ROLES = {str(PersonRole.PARENT), str(PersonRole.CARER)}

# The rules, read plainly -----------------------------------------------------------------

Link = tuple[Node, Node]
Evidence = tuple[int | None, int, datetime | None, str]


@dataclass
class Reference:
    kinds: dict[Node, str] = field(default_factory=dict)
    edges: dict[Link, list[Evidence]] = field(default_factory=dict)
    adjacency: defaultdict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    person_concerns: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    concerns: dict[int, tuple[int, int, datetime, str]] = field(default_factory=dict)
    readings: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    recorders: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The parents and carers named with each child.
    parents: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def link(self, a: Node, b: Node, evidence: Evidence) -> None:
        self.edges.setdefault((a, b), []).append(evidence)
        self.adjacency[a].add(b)
        self.adjacency[b].add(a)

    def agencies_of(self, node: Node) -> set[int]:
        if isinstance(node, int):
            return {self.concerns[c][0] for c in self.person_concerns.get(node, ())}
        return set(self.recorders.get(node, ()))


def reference_build(
    concern_rows: list[ConcernRow], attribute_rows: list[AttributeRow]
) -> Reference:
    graph = Reference()
    by_concern: dict[int, list[ConcernRow]] = defaultdict(list)
    for row in concern_rows:
        by_concern[row.concern_id.int].append(row)
    latest: dict[tuple[int, int], int] = {}
    family: dict[int, set[int]] = defaultdict(set)
    for concern, rows in by_concern.items():
        first = rows[0]
        graph.concerns[concern] = (
            first.agency_id,
            first.local_authority_id,
            first.recorded_at,
            first.category,
        )
        children, adults, parents = [], [], []
        for row in rows:
            person = row.person_id.int
            graph.person_concerns[person].add(concern)
            previous = latest.get((person, row.agency_id))
            if previous is None or graph.concerns[previous][2] < first.recorded_at:
                latest[(person, row.agency_id)] = concern
            if row.role == PersonRole.CHILD and row.person_kind == PersonKind.CHILD:
                children.append(person)
                graph.kinds[person] = CHILD_NODE
            elif row.role in ADULT_ROLES and row.person_kind == PersonKind.ADULT:
                adults.append(person)
                graph.kinds[person] = ADULT_NODE
            elif row.role in FAMILY_ROLES:
                parents.append(person)
        evidence = (concern, first.agency_id, first.recorded_at, first.category)
        for child in children:
            family[child].update(parents)
            graph.parents[child].update(parents)
            for adult in adults:
                graph.link(child, adult, evidence)
    held: dict[str, list[tuple[int, AttributeRow]]] = defaultdict(list)
    family_held: dict[int, set[str]] = defaultdict(set)
    parents_of_note = set().union(*family.values())
    for detail in attribute_rows:
        owner = detail.person_id.int
        if owner in parents_of_note:
            family_held[owner].add(detail.key)
        if owner in graph.kinds:
            held[detail.key].append((owner, detail))
    for key, details in held.items():
        holders = {
            owner
            for owner, _ in details
            if graph.kinds[owner] != CHILD_NODE
            or not any(key in family_held[parent] for parent in family.get(owner, ()))
        }
        # Two people at least; more than DETAIL_MAX_HOLDERS is a place or a switchboard;
        # an address links only when an adult of concern holds it.
        if not 2 <= len(holders) <= DETAIL_MAX_HOLDERS:
            continue
        if details[0][1].kind == NodeKind.ADDRESS and not any(
            graph.kinds[owner] == ADULT_NODE for owner in holders
        ):
            continue
        graph.kinds[key] = details[0][1].kind
        for owner, detail in details:
            if owner not in holders:
                continue
            graph.readings[key].append(detail.value)
            graph.recorders[key].add(detail.agency_id)
            concern = latest.get((owner, detail.agency_id))
            if concern is None:
                graph.link(owner, key, (None, detail.agency_id, detail.recorded_at, ""))
            else:
                _, _, when, category = graph.concerns[concern]
                graph.link(owner, key, (concern, detail.agency_id, when, category))
    return graph


def reference_networks(graph: Reference) -> list[tuple[list[Node], Node]]:
    """Each network and its anchor: breadth-first over adults, vehicles, phones and
    addresses only (children join no cores), from each in the order first linked; then
    every child linked to any node of the core."""
    seen: set[Node] = set()
    found = []
    for a, b in graph.edges:
        for start in (a, b):
            if start in seen or graph.kinds[start] == CHILD_NODE:
                continue
            seen.add(start)
            core, queue = [start], deque([start])
            while queue:
                for neighbour in graph.adjacency[queue.popleft()]:
                    if neighbour not in seen and graph.kinds[neighbour] != CHILD_NODE:
                        seen.add(neighbour)
                        core.append(neighbour)
                        queue.append(neighbour)
            children = {n for c in core for n in graph.adjacency[c] if graph.kinds[n] == CHILD_NODE}
            members = sorted([*core, *children], key=node_order)
            anchor = next(m for m in members if graph.kinds[m] != CHILD_NODE)
            found.append((members, anchor))
    return found


def reference_components(graph: Reference) -> list[list[Node]]:
    return [members for members, _ in reference_networks(graph)]


def reference_families(graph: Reference, children: list[Node]) -> int:
    """How many families the children come from: children joined through any parent or
    carer named with them, across the whole graph."""
    by_parent: defaultdict[int, set[int]] = defaultdict(set)
    for child, parents in graph.parents.items():
        for parent in parents:
            by_parent[parent].add(child)
    seen: set[int] = set()
    count = 0
    for child in children:
        assert isinstance(child, int)
        if child in seen:
            continue
        count += 1
        seen.add(child)
        queue = deque([child])
        while queue:
            for parent in graph.parents.get(queue.popleft(), ()):
                for sibling in by_parent[parent] - seen:
                    seen.add(sibling)
                    queue.append(sibling)
    return count


def reference_clusters(graph: Reference, min_children: int) -> list[tuple[Any, ...]]:
    results = []
    for members, anchor in reference_networks(graph):
        children = sum(1 for m in members if graph.kinds[m] == CHILD_NODE)
        families = reference_families(graph, [m for m in members if graph.kinds[m] == CHILD_NODE])
        adults = sum(1 for m in members if graph.kinds[m] == ADULT_NODE)
        if children < min_children:
            continue
        concerns: set[int] = set()
        agencies: set[int] = set()
        for member in members:
            if isinstance(member, int):
                concerns |= graph.person_concerns[member]
            else:
                agencies |= graph.recorders[member]
        infos = [graph.concerns[c] for c in concerns]
        agencies |= {info[0] for info in infos}
        exploitation = sum(1 for info in infos if info[3] in INDICATOR_VALUES)
        latest = max((info[2] for info in infos), default=None)
        days = (NOW - latest).total_seconds() / 86400 if latest else None
        score = risk_score(
            children=children,
            families=families,
            adults=adults,
            agencies=len(agencies),
            exploitation=exploitation,
            days_since_latest=days,
        )
        authorities = {info[1] for info in infos}
        results.append(
            (
                members,
                anchor,
                children,
                families,
                adults,
                agencies,
                exploitation,
                latest,
                score,
                authorities,
            )
        )
    results.sort(key=lambda c: (-c[8], -c[2], node_key(c[1])))
    return results


def reference_hubs(graph: Reference, min_children: int, min_agencies: int) -> list[tuple[Any, ...]]:
    found = []
    for node, kind in graph.kinds.items():
        if kind == CHILD_NODE:
            continue
        children: set[Node] = set()
        for neighbour in graph.adjacency.get(node, ()):
            if graph.kinds[neighbour] == CHILD_NODE:
                children.add(neighbour)
            elif graph.kinds[neighbour] == ADULT_NODE and kind != ADULT_NODE:
                children |= {n for n in graph.adjacency[neighbour] if graph.kinds[n] == CHILD_NODE}
        if len(children) < min_children:
            continue
        agencies = set().union(*(graph.agencies_of(child) for child in children))
        if len(agencies) >= min_agencies:
            found.append((node, kind, children, agencies))
    return found


# Random rows -----------------------------------------------------------------------------


def random_rows(seed: int, scale: int = 1) -> tuple[list[ConcernRow], list[AttributeRow]]:
    """Children, adults and parents named in concerns in every role (and some in the
    wrong role for their kind), rows of one concern not always together, the same person
    named twice in a concern, dates that tie, and details held by people, their parents,
    people named in no concern, and crowds around the holders' limit."""
    rng = random.Random(seed)

    def people(count: int) -> list[uuid.UUID]:
        return [uuid.UUID(int=rng.getrandbits(128)) for _ in range(count)]

    children, adults, parents = people(25 * scale), people(12 * scale), people(8 * scale)
    strangers = people(3)
    categories = list(ConcernCategory.values)
    concern_rows = []
    for _ in range(60 * scale):
        concern, agency = uuid.UUID(int=rng.getrandbits(128)), rng.randrange(1, 6)
        area, category = rng.randrange(100, 103), rng.choice(categories)
        when = NOW - timedelta(days=rng.randrange(5), seconds=rng.choice([0, 0, 1, 7]))
        for _ in range(rng.randrange(5)):
            draw = rng.random()
            role: str
            kind: str
            if draw < 0.35:
                person, role, kind = rng.choice(children), PersonRole.CHILD, PersonKind.CHILD
            elif draw < 0.6:
                person, kind = rng.choice(adults), PersonKind.ADULT
                role = rng.choice([PersonRole.ADULT_OF_CONCERN, PersonRole.OTHER])
            elif draw < 0.8:
                person, kind = rng.choice(parents), PersonKind.ADULT
                role = rng.choice([PersonRole.PARENT, PersonRole.CARER])
            elif draw < 0.87:
                person, kind = rng.choice(children), PersonKind.CHILD
                role = rng.choice([PersonRole.SIBLING, PersonRole.OTHER])
            elif draw < 0.93:
                person, role, kind = rng.choice(adults), PersonRole.CHILD, PersonKind.ADULT
            else:
                person, role, kind = rng.choice(adults), PersonRole.PARENT, PersonKind.ADULT
            if rng.random() < 0.5:  # as the database gives them: plain strings
                role, kind = str(role), str(kind)
            concern_rows.append(
                ConcernRow(concern, person, role, kind, agency, area, when, category)
            )
    for _ in range(len(concern_rows) // 5):
        i, j = rng.randrange(len(concern_rows)), rng.randrange(len(concern_rows))
        concern_rows[i], concern_rows[j] = concern_rows[j], concern_rows[i]
    kinds = [NodeKind.VEHICLE, NodeKind.PHONE, NodeKind.ADDRESS]
    keys = [(kind, f"{kind}:{n}") for n in range(15 * scale) for kind in [rng.choice(kinds)]]
    everyone = children + adults + parents + strangers
    attribute_rows = []
    for _ in range(80 * scale):
        kind, key = rng.choice(keys)
        attribute_rows.append(
            AttributeRow(
                kind,
                rng.choice(everyone),
                key,
                rng.choice(["a", "b", "c"]),
                rng.randrange(1, 7),
                rng.choice([None, NOW - timedelta(days=3)]),
            )
        )
    # A place held by many (a hostel, a school): some by more than DETAIL_MAX_HOLDERS.
    for crowd in range(2):
        kind = rng.choice(kinds)
        for _ in range(rng.randrange(DETAIL_MAX_HOLDERS - 2, DETAIL_MAX_HOLDERS + 8)):
            attribute_rows.append(
                AttributeRow(
                    kind, rng.choice(everyone), f"crowd:{crowd}", "h", rng.randrange(1, 7), None
                )
            )
    return concern_rows, attribute_rows


# The checks ------------------------------------------------------------------------------


def as_lists(found: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """A dict's items, sets as lists, so that the order of both is compared."""
    return [(k, list(v) if isinstance(v, set | list) else v) for k, v in found.items()]


def assert_same(graph: Graph, reference: Reference) -> None:
    assert list(graph.kinds.items()) == list(reference.kinds.items())
    assert [
        (pair, [astuple(item)[:4] for item in evidence]) for pair, evidence in graph.edges.items()
    ] == list(reference.edges.items())
    assert as_lists(graph.adjacency) == as_lists(reference.adjacency)
    assert as_lists(graph.person_concerns) == as_lists(reference.person_concerns)
    assert [(c, astuple(info)) for c, info in graph.concerns.items()] == list(
        reference.concerns.items()
    )
    assert as_lists(graph.readings) == as_lists(reference.readings)
    assert as_lists(graph.recorders) == as_lists(reference.recorders)
    for node in reference.kinds:
        assert graph.agencies_of(node) == reference.agencies_of(node)
    assert list(components(graph)) == reference_components(reference)
    for min_children in (0, 1, 2, 3):
        assert [
            (
                c.members,
                c.anchor,
                c.children,
                c.families,
                c.adults,
                c.agencies,
                c.exploitation_concerns,
                c.latest_concern_at,
                c.score,
                c.local_authorities,
            )
            for c in clusters(graph, now=NOW, min_children=min_children)
        ] == reference_clusters(reference, min_children)
        for min_agencies in (0, 2, 3):
            assert [
                (hub.node, hub.kind, hub.children, hub.agencies)
                for hub in hubs(graph, min_children=min_children, min_agencies=min_agencies)
            ] == reference_hubs(reference, min_children, min_agencies)


@pytest.mark.parametrize("seed", range(40))
def test_the_graph_matches_the_rules_read_plainly(seed: int) -> None:
    concern_rows, attribute_rows = random_rows(seed)
    assert_same(
        build_graph(concern_rows, attribute_rows), reference_build(concern_rows, attribute_rows)
    )


@pytest.mark.parametrize("seed", range(3))
def test_larger_graphs_match_too(seed: int) -> None:
    concern_rows, attribute_rows = random_rows(1000 + seed, scale=10)
    assert_same(
        build_graph(concern_rows, attribute_rows), reference_build(concern_rows, attribute_rows)
    )


def test_no_rows_make_an_empty_graph() -> None:
    graph = build_graph([], [])
    assert graph.kinds == {}
    assert graph.edges == {}
    assert list(components(graph)) == []
    assert clusters(graph, now=NOW, min_children=0) == []
    assert hubs(graph, min_children=0, min_agencies=0) == []


def test_components_match_a_breadth_first_search_on_random_graphs() -> None:
    rng = random.Random(5)
    for _ in range(200):
        size = rng.randrange(1, 60)
        links = [(rng.randrange(size), rng.randrange(size)) for _ in range(rng.randrange(80))]
        neighbours: dict[int, set[int]] = defaultdict(set)
        for a, b in links:
            neighbours[a].add(b)
            neighbours[b].add(a)
        expected = []
        for node in range(size):
            # The smallest node reachable, by breadth-first search.
            seen, queue = {node}, deque([node])
            while queue:
                for neighbour in neighbours[queue.popleft()] - seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
            expected.append(min(seen))
        a = np.array([a for a, _ in links], dtype=np.int64)
        b = np.array([b for _, b in links], dtype=np.int64)
        assert _component_roots(size, a, b).tolist() == expected


def test_factorising_tells_apart_values_that_share_a_hash() -> None:
    # For integers, hash(x) == hash(x + 2**61 - 1); and hash(-1) == hash(-2).
    values = [5, 5 + 2**61 - 1, -1, -2, 5, -2, 7]
    assert len({hash(v) for v in values}) < len(set(values))
    distinct, codes = _factorise(values)
    assert distinct == [5, 5 + 2**61 - 1, -1, -2, 7]
    assert codes.tolist() == [0, 1, 2, 3, 0, 3, 4]


def test_ids_that_share_their_first_half_are_told_apart_and_ordered() -> None:
    high = 0x1234 << 64
    ids = [
        uuid.UUID(int=high + 9),
        uuid.UUID(int=high + 2),
        uuid.UUID(int=1),
        uuid.UUID(int=high + 9),
    ]
    distinct, codes, rank = _factorise_ids(ids)
    assert distinct == [high + 9, high + 2, 1]
    assert codes.tolist() == [0, 1, 2, 0]
    assert rank.tolist() == [2, 1, 0]  # places when sorted ascending
