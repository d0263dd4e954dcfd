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

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
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
    concern_id: uuid.UUID | None
    agency_id: int
    seen_at: datetime | None
    category: str


@dataclass
class ConcernInfo:
    agency_id: int
    local_authority_id: int
    recorded_at: datetime
    category: str


def person_key(person_id: uuid.UUID) -> str:
    return f"person:{person_id}"


@dataclass
class Graph:
    kinds: dict[str, str] = field(default_factory=dict)
    person_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    readings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[tuple[str, str], list[Evidence]] = field(default_factory=dict)
    adjacency: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Concerns naming each person (in any role), and what each concern was.
    person_concerns: dict[str, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    concerns: dict[uuid.UUID, ConcernInfo] = field(default_factory=dict)
    # Agencies that recorded a vehicle, phone or address.
    recorders: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def link(self, a: str, b: str, evidence: Evidence) -> None:
        pair = (a, b) if a < b else (b, a)
        self.edges.setdefault(pair, []).append(evidence)
        self.adjacency[a].add(b)
        self.adjacency[b].add(a)

    def value(self, key: str) -> str:
        kind = self.kinds[key]
        readings = self.readings.get(key) or [""]
        if kind == NodeKind.VEHICLE:
            return registration_label(readings)
        # The most common reading, the first in order on a tie.
        return max(sorted(set(readings)), key=readings.count)

    def agencies_of(self, key: str) -> set[int]:
        """Agencies that know a node: those whose concerns name the person, or that
        recorded the vehicle, phone or address."""
        if key in self.person_ids:
            return {self.concerns[c].agency_id for c in self.person_concerns.get(key, ())}
        return set(self.recorders.get(key, ()))


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
    by_concern: dict[uuid.UUID, list[ConcernRow]] = defaultdict(list)
    for row in concern_rows:
        by_concern[row.concern_id].append(row)
    # Latest concern by each agency naming each person: the evidence for what that agency
    # recorded against the person (details are recorded with a concern, not apart).
    latest: dict[tuple[str, int], uuid.UUID] = {}
    family: dict[str, set[str]] = defaultdict(set)  # child -> parents and carers named
    for concern_id, rows in by_concern.items():
        first = rows[0]
        graph.concerns[concern_id] = ConcernInfo(
            first.agency_id, first.local_authority_id, first.recorded_at, first.category
        )
        children = []
        adults = []
        parents = []
        for row in rows:
            key = person_key(row.person_id)
            graph.person_concerns[key].add(concern_id)
            previous = latest.get((key, row.agency_id))
            if previous is None or graph.concerns[previous].recorded_at < row.recorded_at:
                latest[(key, row.agency_id)] = concern_id
            if row.role == PersonRole.CHILD and row.person_kind == PersonKind.CHILD:
                children.append(key)
                graph.kinds[key] = NodeKind.CHILD
                graph.person_ids[key] = row.person_id
            elif row.role in NETWORK_ADULT_ROLES and row.person_kind == PersonKind.ADULT:
                adults.append(key)
                graph.kinds[key] = NodeKind.ADULT
                graph.person_ids[key] = row.person_id
            elif row.role in FAMILY_ROLES:
                parents.append(key)
        evidence = Evidence(concern_id, first.agency_id, first.recorded_at, first.category)
        for child in children:
            family[child].update(parents)
            for adult in adults:
                graph.link(child, adult, evidence)

    held: dict[str, list[AttributeRow]] = defaultdict(list)  # attribute key -> rows
    family_held: dict[str, set[str]] = defaultdict(set)  # person -> attribute keys
    parents_of_note = set().union(*family.values()) if family else set()
    for detail in attribute_rows:
        owner = person_key(detail.person_id)
        if owner in parents_of_note:
            family_held[owner].add(detail.key)
        if owner in graph.kinds:
            held[detail.key].append(detail)
    for key, details in held.items():
        holders: dict[str, AttributeRow] = {}
        for detail in details:
            owner = person_key(detail.person_id)
            if graph.kinds[owner] == NodeKind.CHILD and any(
                key in family_held.get(parent, ()) for parent in family.get(owner, ())
            ):
                continue  # the family home or phone
            holders.setdefault(owner, detail)
        if len(holders) < 2:
            continue  # known to one person only: links nobody
        graph.kinds[key] = details[0].kind
        for detail in details:
            owner = person_key(detail.person_id)
            if owner not in holders:
                continue
            graph.readings[key].append(detail.value)
            graph.recorders[key].add(detail.agency_id)
            latest_id = latest.get((owner, detail.agency_id))
            info = graph.concerns.get(latest_id) if latest_id else None
            graph.link(
                owner,
                key,
                Evidence(
                    latest_id,
                    detail.agency_id,
                    info.recorded_at if info else detail.recorded_at,
                    info.category if info else "",
                ),
            )
    return graph


# Components ----------------------------------------------------------------------------


def components(graph: Graph) -> Iterator[list[str]]:
    """Connected components of the linked nodes, by union-find over integer indexes
    (path halving, union by size): about a second for a million links in CPython."""
    index: dict[str, int] = {}
    parent: list[int] = []
    size: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in graph.edges:
        ia = index.setdefault(a, len(index))
        if ia == len(parent):
            parent.append(ia)
            size.append(1)
        ib = index.setdefault(b, len(index))
        if ib == len(parent):
            parent.append(ib)
            size.append(1)
        ra, rb = find(ia), find(ib)
        if ra != rb:
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
    groups: dict[int, list[str]] = defaultdict(list)
    for key, i in index.items():
        groups[find(i)].append(key)
    for members in groups.values():
        yield sorted(members)


# Hubs and clusters ---------------------------------------------------------------------


@dataclass
class Hub:
    """An adult, vehicle, phone or address and the children connected to it: directly,
    or, for a vehicle, phone or address, through an adult of concern who holds it."""

    key: str
    kind: str
    children: set[str]
    agencies: set[int]  # agencies whose concerns name those children


def hubs(graph: Graph, *, min_children: int, min_agencies: int) -> list[Hub]:
    """Every hub with at least ``min_children`` children known to ``min_agencies``."""
    found = []
    for key, kind in graph.kinds.items():
        if kind == NodeKind.CHILD:
            continue
        children = set()
        for neighbour in graph.adjacency.get(key, ()):
            neighbour_kind = graph.kinds[neighbour]
            if neighbour_kind == NodeKind.CHILD:
                children.add(neighbour)
            elif neighbour_kind == NodeKind.ADULT and kind != NodeKind.ADULT:
                children.update(
                    n for n in graph.adjacency[neighbour] if graph.kinds[n] == NodeKind.CHILD
                )
        if len(children) < min_children:
            continue
        agencies: set[int] = set()
        for child in children:
            agencies |= graph.agencies_of(child)
        if len(agencies) >= min_agencies:
            found.append(Hub(key, kind, children, agencies))
    return found


@dataclass
class ClusterResult:
    members: list[str]
    children: int
    agencies: set[int]
    exploitation_concerns: int
    latest_concern_at: datetime | None
    score: float
    local_authorities: set[int]

    @property
    def first_key(self) -> str:
        return self.members[0]


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


def clusters(graph: Graph, *, now: datetime, min_children: int) -> list[ClusterResult]:
    """Components with at least ``min_children`` children, highest risk first."""
    results = []
    for members in components(graph):
        children = sum(1 for m in members if graph.kinds[m] == NodeKind.CHILD)
        if children < min_children:
            continue
        concern_ids: set[uuid.UUID] = set()
        agencies: set[int] = set()
        for member in members:
            concern_ids |= graph.person_concerns.get(member, set())
            agencies |= graph.recorders.get(member, set())
        infos = [graph.concerns[c] for c in concern_ids]
        agencies |= {info.agency_id for info in infos}
        exploitation = sum(1 for info in infos if info.category in INDICATOR_CATEGORIES)
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
