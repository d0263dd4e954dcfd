"""The network graph: built from agencies' concerns in a few streaming passes over plain
rows, with sets and dicts keyed by strings, then split into connected components with a
union-find. No per-person queries, so the same code runs over a national data set; see
docs/developers/networks.md for the costs.

Nodes are children, adults of concern, vehicles, phones and addresses. Links are:

- a child and an adult of concern named together in a concern
- a person and a vehicle, phone or address an agency recorded against them

Parents and carers are not nodes: three siblings share their parents, and that is a
family, not a network. For the same reason a child's link to a phone or address that a
parent or carer named with them also holds (the family home) is left out.
"""

from __future__ import annotations

import gc
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from safeguarding.concerns.models import EXPLOITATION_CATEGORIES, ConcernCategory, PersonRole
from safeguarding.networks.models import NodeKind
from safeguarding.networks.normalise import (
    address_key,
    phone_key,
    registration_key,
    registration_label,
)
from safeguarding.people.models import PersonKind

# Roles in which an adult named with a child becomes part of the child's network.
NETWORK_ADULT_ROLES = frozenset({PersonRole.ADULT_OF_CONCERN, PersonRole.OTHER})
FAMILY_ROLES = frozenset({PersonRole.PARENT, PersonRole.CARER})
# Concern categories that count as exploitation indicators in a cluster's risk.
INDICATOR_CATEGORIES = frozenset({*EXPLOITATION_CATEGORIES, ConcernCategory.MISSING})
# Recency halves a cluster's score every this many days since its latest concern.
RECENCY_HALF_LIFE_DAYS = 180


@dataclass(frozen=True, slots=True)
class ConcernRow:
    """One person named in one concern."""

    concern_id: uuid.UUID
    person_id: uuid.UUID
    role: str
    person_kind: str
    agency_id: int
    local_authority_id: int
    recorded_at: datetime
    category: str


@dataclass(frozen=True, slots=True)
class AttributeRow:
    """A vehicle, phone or address an agency recorded against a person."""

    kind: str  # NodeKind.VEHICLE, PHONE or ADDRESS
    person_id: uuid.UUID
    key: str  # normalised: see normalise.py
    value: str  # as recorded
    agency_id: int
    recorded_at: datetime | None


@dataclass(frozen=True, slots=True)
class Evidence:
    concern: int | None  # the concern's UUID as an integer
    agency_id: int
    seen_at: datetime | None
    category: str

    @property
    def concern_id(self) -> uuid.UUID | None:
        return None if self.concern is None else uuid.UUID(int=self.concern)


@dataclass(slots=True)
class ConcernInfo:
    agency_id: int
    local_authority_id: int
    recorded_at: datetime
    category: str


# A node is a person (their UUID as an integer: hashing and comparing integers is many
# times cheaper than UUIDs or strings) or a vehicle, phone or address (its key, a string).
Node = int | str

# Plain strings, compared once per row: cheaper than the enums' members.
CHILD = str(PersonRole.CHILD)
CHILD_KIND = str(PersonKind.CHILD)
ADULT_KIND = str(PersonKind.ADULT)
NETWORK_ADULT_ROLE_VALUES = frozenset(str(role) for role in NETWORK_ADULT_ROLES)
FAMILY_ROLE_VALUES = frozenset(str(role) for role in FAMILY_ROLES)
CHILD_NODE = str(NodeKind.CHILD)
ADULT_NODE = str(NodeKind.ADULT)


def is_person(node: Node) -> bool:
    return isinstance(node, int)


def person_uuid(node: Node) -> uuid.UUID:
    assert isinstance(node, int)
    return uuid.UUID(int=node)


def node_key(node: Node) -> str:
    """The node's stored key: "person:<uuid>" or the vehicle's, phone's or address's key."""
    return f"person:{uuid.UUID(int=node)}" if isinstance(node, int) else node


def node_order(node: Node) -> tuple[bool, int | str]:
    """Sorts people (by id) before vehicles, phones and addresses (by key)."""
    return (isinstance(node, str), node)


@dataclass
class Graph:
    kinds: dict[Node, str] = field(default_factory=dict)
    readings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Links, each stored once: (child, adult) or (person, vehicle/phone/address).
    edges: dict[tuple[Node, Node], list[Evidence]] = field(default_factory=dict)
    adjacency: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    # Concerns naming each person (in any role), and what each concern was.
    person_concerns: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    concerns: dict[int, ConcernInfo] = field(default_factory=dict)
    # Agencies that recorded a vehicle, phone or address.
    recorders: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def link(self, a: Node, b: Node, evidence: Evidence) -> None:
        self.edges.setdefault((a, b), []).append(evidence)
        self.adjacency[a].add(b)
        self.adjacency[b].add(a)

    def evidence(self, a: Node, b: Node) -> list[Evidence]:
        return self.edges.get((a, b)) or self.edges.get((b, a)) or []

    def value(self, key: str) -> str:
        kind = self.kinds[key]
        readings = self.readings.get(key) or [""]
        if kind == NodeKind.VEHICLE:
            return registration_label(readings)
        # The most common reading, the first in order on a tie.
        return max(sorted(set(readings)), key=readings.count)

    def agencies_of(self, node: Node) -> set[int]:
        """Agencies that know a node: those whose concerns name the person, or that
        recorded the vehicle, phone or address."""
        if isinstance(node, int):
            return {self.concerns[c].agency_id for c in self.person_concerns.get(node, ())}
        return set(self.recorders.get(node, ()))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. A build allocates millions of small dicts,
    sets and tuples and no reference cycles; with the collector running, each of its full
    passes walks every one of them, and the build slows from linear to nearly quadratic."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def attribute_key(kind: str, value: str, postcode: str = "") -> str:
    if kind == NodeKind.VEHICLE:
        return f"vehicle:{registration_key(value)}"
    if kind == NodeKind.PHONE:
        return f"phone:{phone_key(value)}"
    return f"address:{address_key(value, postcode)}"


def build_graph(
    concern_rows: Iterable[ConcernRow], attribute_rows: Iterable[AttributeRow]
) -> Graph:
    """The graph from one pass over each kind of row."""
    graph = Graph()
    by_concern: dict[int, list[ConcernRow]] = defaultdict(list)
    for row in concern_rows:
        by_concern[row.concern_id.int].append(row)
    # Latest concern by each agency naming each person: the evidence for what that agency
    # recorded against the person (details are recorded with a concern, not apart).
    latest: dict[tuple[int, int], int] = {}
    family: dict[int, set[int]] = defaultdict(set)  # child -> parents and carers named
    kinds = graph.kinds
    person_concerns = graph.person_concerns
    for concern, rows in by_concern.items():
        first = rows[0]
        info = ConcernInfo(
            first.agency_id, first.local_authority_id, first.recorded_at, first.category
        )
        graph.concerns[concern] = info
        children = []
        adults = []
        parents = []
        for row in rows:
            person = row.person_id.int
            person_concerns[person].add(concern)
            seen = (person, row.agency_id)
            previous = latest.get(seen)
            if previous is None or graph.concerns[previous].recorded_at < info.recorded_at:
                latest[seen] = concern
            role = row.role
            if role == CHILD and row.person_kind == CHILD_KIND:
                children.append(person)
                kinds[person] = CHILD_NODE
            elif role in NETWORK_ADULT_ROLE_VALUES and row.person_kind == ADULT_KIND:
                adults.append(person)
                kinds[person] = ADULT_NODE
            elif role in FAMILY_ROLE_VALUES:
                parents.append(person)
        if not children:
            continue
        evidence = Evidence(concern, first.agency_id, first.recorded_at, first.category)
        for child in children:
            if parents:
                family[child].update(parents)
            for adult in adults:
                graph.link(child, adult, evidence)

    held: dict[str, list[tuple[int, AttributeRow]]] = defaultdict(list)
    family_held: dict[int, set[str]] = defaultdict(set)  # parent or carer -> details
    parents_of_note: set[int] = set().union(*family.values()) if family else set()
    for detail in attribute_rows:
        owner = detail.person_id.int
        if owner in parents_of_note:
            family_held[owner].add(detail.key)
        if owner in kinds:
            held[detail.key].append((owner, detail))
    for key, details in held.items():
        holders: set[int] = set()
        for owner, _detail in details:
            if kinds[owner] == CHILD_NODE and any(
                key in family_held.get(parent, ()) for parent in family.get(owner, ())
            ):
                continue  # the family home or phone
            holders.add(owner)
        if len(holders) < 2:
            continue  # known to one person only: links nobody
        kinds[key] = details[0][1].kind
        for owner, detail in details:
            if owner not in holders:
                continue
            graph.readings[key].append(detail.value)
            graph.recorders[key].add(detail.agency_id)
            latest_concern = latest.get((owner, detail.agency_id))
            known = graph.concerns.get(latest_concern) if latest_concern is not None else None
            graph.link(
                owner,
                key,
                Evidence(
                    latest_concern,
                    detail.agency_id,
                    known.recorded_at if known else detail.recorded_at,
                    known.category if known else "",
                ),
            )
    return graph


# Components ----------------------------------------------------------------------------


def components(graph: Graph) -> Iterator[list[Node]]:
    """Connected components of the linked nodes, by union-find over integer indexes
    (path halving, union by size), each sorted people first."""
    index: dict[Node, int] = {}
    parent: list[int] = []
    size: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in graph.edges:
        ia = index.get(a)
        if ia is None:
            ia = index[a] = len(parent)
            parent.append(ia)
            size.append(1)
        ib = index.get(b)
        if ib is None:
            ib = index[b] = len(parent)
            parent.append(ib)
            size.append(1)
        ra, rb = find(ia), find(ib)
        if ra != rb:
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
    groups: dict[int, list[Node]] = defaultdict(list)
    for node, i in index.items():
        groups[find(i)].append(node)
    for members in groups.values():
        yield sorted(members, key=node_order)


# Hubs and clusters ---------------------------------------------------------------------


@dataclass
class Hub:
    """An adult, vehicle, phone or address and the children connected to it: directly,
    or, for a vehicle, phone or address, through an adult of concern who holds it."""

    node: Node
    kind: str
    children: set[int]
    agencies: set[int]  # agencies whose concerns name those children

    @property
    def key(self) -> str:
        return node_key(self.node)


def hubs(graph: Graph, *, min_children: int, min_agencies: int) -> list[Hub]:
    """Every hub with at least ``min_children`` children known to ``min_agencies``."""
    found = []
    kinds = graph.kinds
    adjacency = graph.adjacency
    child_agencies: dict[int, set[int]] = {}
    for node, kind in kinds.items():
        if kind == CHILD_NODE:
            continue
        neighbours = adjacency.get(node, ())
        if kind == ADULT_NODE and len(neighbours) < min_children:
            continue
        children: set[int] = set()
        for neighbour in neighbours:
            neighbour_kind = kinds[neighbour]
            if neighbour_kind == CHILD_NODE:
                children.add(neighbour)  # type: ignore[arg-type]  # children are people
            elif neighbour_kind == ADULT_NODE and kind != ADULT_NODE:
                children.update(
                    n  # type: ignore[misc]  # children are people
                    for n in adjacency[neighbour]
                    if kinds[n] == CHILD_NODE
                )
        if len(children) < min_children:
            continue
        agencies: set[int] = set()
        for child in children:
            known = child_agencies.get(child)
            if known is None:
                known = child_agencies[child] = graph.agencies_of(child)
            agencies |= known
        if len(agencies) >= min_agencies:
            found.append(Hub(node, kind, children, agencies))
    return found


@dataclass
class ClusterResult:
    members: list[Node]
    children: int
    agencies: set[int]
    exploitation_concerns: int
    latest_concern_at: datetime | None
    score: float
    local_authorities: set[int]

    @property
    def first_key(self) -> str:
        return node_key(self.members[0])


def risk_score(
    *, children: int, agencies: int, exploitation: int, days_since_latest: float | None
) -> float:
    """Children and agencies weigh most; exploitation concerns add up to ten; the whole
    halves for every RECENCY_HALF_LIFE_DAYS since the latest concern, to no less than half."""
    base = 3.0 * children + 4.0 * agencies + 2.0 * min(exploitation, 10)
    if days_since_latest is None:
        return base * 0.5
    recency = math.pow(0.5, max(days_since_latest, 0.0) / RECENCY_HALF_LIFE_DAYS)
    return round(base * (0.5 + 0.5 * recency), 3)


INDICATOR_VALUES = frozenset(str(category) for category in INDICATOR_CATEGORIES)


def clusters(graph: Graph, *, now: datetime, min_children: int) -> list[ClusterResult]:
    """Components with at least ``min_children`` children, highest risk first."""
    results = []
    kinds = graph.kinds
    for members in components(graph):
        children = sum(1 for m in members if kinds[m] == CHILD_NODE)
        if children < min_children:
            continue
        concern_ids: set[int] = set()
        agencies: set[int] = set()
        for member in members:
            if isinstance(member, int):
                concern_ids |= graph.person_concerns.get(member, set())
            else:
                agencies |= graph.recorders.get(member, set())
        infos = [graph.concerns[c] for c in concern_ids]
        agencies |= {info.agency_id for info in infos}
        exploitation = sum(1 for info in infos if info.category in INDICATOR_VALUES)
        latest = max((info.recorded_at for info in infos), default=None)
        days = (now - latest).total_seconds() / 86400 if latest else None
        results.append(
            ClusterResult(
                members=members,
                children=children,
                agencies=agencies,
                exploitation_concerns=exploitation,
                latest_concern_at=latest,
                score=risk_score(
                    children=children,
                    agencies=len(agencies),
                    exploitation=exploitation,
                    days_since_latest=days,
                ),
                local_authorities={info.local_authority_id for info in infos},
            )
        )
    results.sort(key=lambda c: (-c.score, -c.children, c.first_key))
    return results
