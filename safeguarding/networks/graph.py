"""The network graph: built from agencies' concerns by whole-column operations on NumPy
arrays of integer codes (one pass in Python to read the rows' columns, none per person or
per link), and split into connected components by label propagation over the same arrays.
Python loops only where the results are Python objects: a set of children and of agencies
for each hub, the members of each cluster. No per-person queries, so the same code runs
over a national data set; see docs/developers/networks.md for the costs.

Nodes are children, adults of concern, vehicles, phones and addresses. Links are:

- a child and an adult of concern named together in a concern
- a person and a vehicle, phone or address an agency recorded against them

Parents and carers are not nodes: three siblings share their parents, and that is a
family, not a network. For the same reason a child's link to a phone or address that a
parent or carer named with them also holds (the family home) is left out. A vehicle,
phone or address held by more than DETAIL_MAX_HOLDERS people is a place or a switchboard
and links nobody, and an address links only when an adult of concern holds it.

A network is not a connected component: adults, vehicles, phones and addresses joined by
the links between them make a core, and each child is in the network of every core it is
linked to, so a child named with two unrelated men does not make them one network.

Storing clusters and raising alerts read the graph through dicts (`Graph.kinds`,
`Graph.edges`, `Graph.adjacency`, `Graph.concerns`...); those are made from the arrays on
first use, so a build that finds nothing to store does not pay for them.
"""

from __future__ import annotations

import gc
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import chain, islice, repeat
from operator import attrgetter, eq, ne
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

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
# A vehicle, phone or address held by more people than this is a place or a switchboard
# (a hostel, a school, a children's home, a taxi firm's number), not evidence: it links
# nobody. A planted network's car or phone is held by its adult and a handful of children.
DETAIL_MAX_HOLDERS = 12


class ConcernRow(NamedTuple):
    """One person named in one concern. A tuple, so that the build can turn a list of
    rows into columns with one `zip`."""

    concern_id: uuid.UUID
    person_id: uuid.UUID
    role: str
    person_kind: str
    agency_id: int
    local_authority_id: int
    recorded_at: datetime
    category: str


class AttributeRow(NamedTuple):
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

# Plain strings, compared once per distinct value: cheaper than the enums' members.
CHILD = str(PersonRole.CHILD)
CHILD_KIND = str(PersonKind.CHILD)
ADULT_KIND = str(PersonKind.ADULT)
NETWORK_ADULT_ROLE_VALUES = frozenset(str(role) for role in NETWORK_ADULT_ROLES)
FAMILY_ROLE_VALUES = frozenset(str(role) for role in FAMILY_ROLES)
INDICATOR_VALUES = frozenset(str(category) for category in INDICATOR_CATEGORIES)
CHILD_NODE = str(NodeKind.CHILD)
ADULT_NODE = str(NodeKind.ADULT)
ADDRESS_NODE = str(NodeKind.ADDRESS)

# What a row names, and what a node is, as small integers in the arrays.
NAMED_OTHER = 0  # a sibling, or a person of the wrong kind for the role: not a node
NAMED_CHILD = 1  # also a child node
NAMED_ADULT = 2  # also an adult node
NAMED_FAMILY = 3  # a parent or carer: not a node
DETAIL = 3  # a vehicle, phone or address node

Codes = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]
UUID_INT = attrgetter("int")


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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. A build, and the dicts made from it,
    allocate millions of small objects and no reference cycles; with the collector running,
    each of its full passes walks every one of them, and the work slows from linear to
    nearly quadratic."""
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


# Array helpers -------------------------------------------------------------------------


# Factorising: numbering the distinct values of a column in order of first appearance.
# A dict does it in one line, but a dict of hundreds of thousands of entries is read at
# random, and each read misses the processor's caches; sorting NumPy arrays does not.


def _numbered(order: Codes, starts: Flags) -> tuple[Codes, Codes, Codes]:
    """From a stable sort of the values (``order``) and where each run of equal values
    starts in it: where each distinct value first appears, in order of first appearance;
    each value's number; and each run's number (runs in sorted order)."""
    size = order.size
    run = np.cumsum(starts) - 1
    first = order[starts]  # the sort is stable, so the first of each run came first
    places, number = _in_order_of(first, size)
    codes = np.empty(size, dtype=np.int64)
    codes[order] = number[run]
    return places, codes, number


def _in_order_of(places: Codes, size: int) -> tuple[Codes, Codes]:
    """Distinct ``places`` (each below ``size``), ascending, and each one's rank among
    them, by marking and counting rather than sorting."""
    marked = np.zeros(size, dtype=bool)
    marked[places] = True
    rank = np.cumsum(marked) - 1
    return np.flatnonzero(marked), rank[places]


def _run_starts(ordered: npt.NDArray[Any], same: Flags | None = None) -> Flags:
    """Where each run of equal sorted values starts (``same``: whether each value equals
    the one before, when that takes more than one comparison)."""
    starts = np.empty(ordered.size, dtype=bool)
    starts[:1] = True
    if same is None:
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    else:
        np.logical_not(same, out=starts[1:])
    return starts


def _factorise[H: Hashable](values: Sequence[H]) -> tuple[list[H], Codes]:
    """The distinct values in order of first appearance, and each value's number. Values
    are grouped by sorting their hashes, and each is then checked equal to the first of
    its group, as a dict would check."""
    size = len(values)
    hashes = np.fromiter(map(hash, values), np.int64, size)
    order = np.argsort(hashes, kind="stable")
    starts = _run_starts(hashes[order])
    leader = np.empty(size, dtype=np.int64)
    leader[order] = order[starts][np.cumsum(starts) - 1]
    if not all(map(eq, values, map(values.__getitem__, leader.tolist()))):
        return _factorise_few(values)  # two values with one hash
    first, codes, _ = _numbered(order, starts)
    return list(map(values.__getitem__, first.tolist())), codes


def _factorise_few[H: Hashable](values: Sequence[H]) -> tuple[list[H], Codes]:
    """As _factorise, by a dict: faster for a column with a few distinct values (the
    dict stays in the caches)."""
    index = dict.fromkeys(values)
    numbers = dict(zip(index, range(len(index)), strict=True))
    return list(numbers), np.fromiter(map(numbers.__getitem__, values), np.int64, len(values))


def _factorise_ids(
    ids: Iterable[uuid.UUID], *, in_runs: bool = False
) -> tuple[list[int], Codes, Codes]:
    """As _factorise, for UUIDs: the distinct UUIDs as integers, each id's number, and
    the place of each distinct integer in ascending order. ``in_runs``: the same id mostly
    comes several times in a row (a concern's rows), so only the first of each run is
    numbered."""
    ints = list(map(UUID_INT, ids))
    if not in_runs or len(ints) < 2:
        return _factorise_ints(ints)
    first_of_run = np.empty(len(ints), dtype=bool)
    first_of_run[0] = True
    first_of_run[1:] = np.fromiter(map(ne, islice(ints, 1, None), ints), bool, len(ints) - 1)
    distinct, codes, rank = _factorise_ints(
        list(map(ints.__getitem__, np.flatnonzero(first_of_run).tolist()))
    )
    return distinct, codes[np.cumsum(first_of_run) - 1], rank


def _factorise_ints(ints: list[int]) -> tuple[list[int], Codes, Codes]:
    """UUIDs' integers are sorted exactly as two unsigned 64-bit halves, so they are
    numbered without hashing."""
    halves = np.frombuffer(b"".join(map(int.to_bytes, ints, repeat(16))), dtype=">u8")
    high = halves[0::2].astype(np.uint64)
    low = halves[1::2].astype(np.uint64)
    order = np.argsort(high, kind="stable")
    high_sorted, low_sorted = high[order], low[order]
    same = high_sorted[1:] == high_sorted[:-1]
    if (same & (low_sorted[1:] != low_sorted[:-1])).any():
        # Two ids share their first half: sort by both.
        order = np.lexsort((low, high))
        high_sorted, low_sorted = high[order], low[order]
        same = high_sorted[1:] == high_sorted[:-1]
    same &= low_sorted[1:] == low_sorted[:-1]
    first, codes, number = _numbered(order, _run_starts(high_sorted, same))
    rank = np.empty(number.size, dtype=np.int64)
    rank[number] = np.arange(number.size)
    return list(map(ints.__getitem__, first.tolist())), codes, rank


def _spans(starts: Codes, counts: Codes) -> Codes:
    """starts[i], starts[i] + 1, ... (counts[i] of them) for each i, one after another:
    ones, with the jump to each next start written where it begins, summed."""
    some = counts > 0
    starts, counts = starts[some], counts[some]
    if not counts.size:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    steps = np.ones(int(ends[-1]), dtype=np.int64)
    steps[0] = starts[0]
    steps[ends[:-1]] = starts[1:] - (starts[:-1] + counts[:-1] - 1)
    return np.cumsum(steps, out=steps)


def _distinct(values: Codes) -> Codes:
    """The distinct values, ascending. (By sorting: NumPy's own unique, without
    return_index or return_inverse, hashes, which is several times slower on large arrays
    of wide integers.)"""
    ordered = np.sort(values)
    if not ordered.size:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _firsts(codes: Codes, size: int) -> tuple[Codes, Codes]:
    """The distinct codes (each below ``size``) in order of first appearance, and where
    each first appears. No sort of the codes: the smallest place of each is kept."""
    first = np.full(size, codes.size, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.size))
    present = np.flatnonzero(first < codes.size)
    places, rank = _in_order_of(first[present], codes.size)
    in_order = np.empty(present.size, dtype=np.int64)
    in_order[rank] = present
    return in_order, places


def _instants(values: Sequence[datetime]) -> npt.NDArray[np.float64]:
    """Seconds from 1970 for each datetime, in the order Python compares them: the instant
    for aware datetimes, the wall clock for naive ones. A float64 keeps distinct
    microseconds distinct for two centuries either side of 1970."""
    if values and values[0].utcoffset() is None:
        epoch = datetime(1970, 1, 1)  # noqa: DTZ001 - naive, as the values are
        return np.fromiter(((v - epoch).total_seconds() for v in values), np.float64)
    return np.fromiter(map(datetime.timestamp, values), np.float64, len(values))


def _component_roots(size: int, a: Codes, b: Codes) -> Codes:
    """For each of ``size`` nodes, the smallest node of its connected component, given
    the links ``a[i]``-``b[i]``. Each round hooks every root that has a link to another
    component onto the smallest root across those links (a root only ever points lower,
    so no cycles), then points every node straight at its root; links inside one
    component are dropped as they appear. The benchmark's national-scale graph takes four
    rounds; the tests check the result against a breadth-first search."""
    root = np.arange(size, dtype=np.int64)
    while a.size:
        root_a, root_b = root[a], root[b]
        apart = root_a != root_b
        if not apart.any():
            break
        a, b, root_a, root_b = a[apart], b[apart], root_a[apart], root_b[apart]
        np.minimum.at(root, np.maximum(root_a, root_b), np.minimum(root_a, root_b))
        while True:
            above = root[root]
            if np.array_equal(above, root):
                break
            root = above
    return root


# Reading the rows ----------------------------------------------------------------------


@dataclass(eq=False)
class _Concerns:
    """Each concern, by code (in order of first appearance), as its first row gives it.
    The columns are the rows' own; lists of each concern's values are made on first use."""

    ids: list[int]
    first: Codes  # each concern's first row
    agency_column: Sequence[int]
    local_authority_column: Sequence[int]
    recorded_at_column: Sequence[datetime]
    category_column: Sequence[str]

    @cached_property
    def first_rows(self) -> list[int]:
        rows: list[int] = self.first.tolist()
        return rows

    @cached_property
    def agency(self) -> list[int]:
        return list(map(self.agency_column.__getitem__, self.first_rows))

    @cached_property
    def local_authority(self) -> list[int]:
        return list(map(self.local_authority_column.__getitem__, self.first_rows))

    @cached_property
    def recorded_at(self) -> list[datetime]:
        return list(map(self.recorded_at_column.__getitem__, self.first_rows))

    @cached_property
    def category(self) -> list[str]:
        return list(map(self.category_column.__getitem__, self.first_rows))

    @cached_property
    def instant(self) -> npt.NDArray[np.float64]:
        return _instants(self.recorded_at)

    @cached_property
    def indicator(self) -> Flags:
        """Whether each concern's category is an exploitation indicator."""
        distinct, codes = _factorise_few(self.category_column)
        flags = np.array([value in INDICATOR_VALUES for value in distinct], dtype=bool)
        return flags[codes[self.first]]

    @cached_property
    def agency_codes(self) -> tuple[Codes, Codes]:
        """The distinct agencies (sorted), and each concern's agency's place among them."""
        agencies = np.array(self.agency_column, dtype=np.int64)[self.first]
        distinct, codes = np.unique(agencies, return_inverse=True)
        return distinct, codes.reshape(-1)


@dataclass(eq=False)
class _Named:
    """The people named in concerns, a row each, in the order the graph reads them:
    grouped by concern (in order of first appearance), rows as given within a concern."""

    people: list[int]  # each person's UUID as an integer, by person code
    rank: Codes  # each person's place when sorted by UUID
    person: Codes
    concern: Codes
    agency: Codes  # the row's agency
    role: Codes  # NAMED_...

    @cached_property
    def pairs(self) -> tuple[Codes, Codes]:
        """(person, concern) codes named together, each once, sorted by person."""
        width = int(self.concern.max()) + 1 if self.concern.size else 1
        joined = _distinct(self.person * width + self.concern)
        return joined // width, joined % width


def _columns(rows: Iterable[tuple[Any, ...]], width: int) -> tuple[Sequence[Any], ...]:
    """The rows' columns: one `zip`, in C."""
    return tuple(zip(*rows, strict=True)) or ((),) * width


def _rows_named(
    columns: tuple[Sequence[Any], ...], owners: Sequence[uuid.UUID]
) -> tuple[_Named, _Concerns, Codes]:
    """The people named, each concern, and the person code of each detail's owner (-1
    for a person named in no concern)."""
    concern_ids, person_ids, roles, person_kinds, agencies, authorities, recorded, categories = (
        columns
    )
    concern_values, concern, _ = _factorise_ids(concern_ids, in_runs=True)
    # Owners of details are numbered after everyone named.
    people, person, rank = _factorise_ids(chain(person_ids, owners))
    named_people = int(person[: len(person_ids)].max()) + 1 if len(person_ids) else 0
    person, owner = person[: len(person_ids)], person[len(person_ids) :]
    owner[owner >= named_people] = -1
    # The build reads each concern's rows together.
    order = np.argsort(concern, kind="stable")
    grouped = concern[order]
    concerns = _Concerns(
        ids=concern_values,
        first=order[np.searchsorted(grouped, np.arange(len(concern_values)))],
        agency_column=agencies,
        local_authority_column=authorities,
        recorded_at_column=recorded,
        category_column=categories,
    )
    named = _Named(
        people=people[:named_people],
        rank=rank[:named_people],
        person=person[order],
        concern=grouped,
        agency=np.array(agencies, dtype=np.int64)[order],
        role=_row_roles(roles, person_kinds)[order],
    )
    return named, concerns, owner


def _row_roles(roles: Sequence[str], kinds: Sequence[str]) -> Codes:
    """What each row names (NAMED_...), deciding once for each distinct role and kind."""
    role_index, role = _factorise_few(roles)
    kind_index, kind = _factorise_few(kinds)

    def flags(index: Iterable[str], test: Callable[[str], bool]) -> Flags:
        return np.array([bool(test(value)) for value in index], dtype=bool)

    child_role = flags(role_index, lambda value: value == CHILD)[role]
    adult_role = flags(role_index, lambda value: value in NETWORK_ADULT_ROLE_VALUES)[role]
    family_role = flags(role_index, lambda value: value in FAMILY_ROLE_VALUES)[role]
    child_kind = flags(kind_index, lambda value: value == CHILD_KIND)[kind]
    adult_kind = flags(kind_index, lambda value: value == ADULT_KIND)[kind]
    return np.select(
        [child_role & child_kind, adult_role & adult_kind, family_role],
        [NAMED_CHILD, NAMED_ADULT, NAMED_FAMILY],
        NAMED_OTHER,
    ).astype(np.int64)


def _within_concerns(named: _Named, left: Codes, right: Codes) -> tuple[Codes, Codes]:
    """Every (left row, right row) pair in the same concern: for each left row in order,
    the right rows in order. Both are row indexes into ``named``, ascending."""
    right_concern = named.concern[right]
    size = int(named.concern.max()) + 1 if named.concern.size else 0
    counts = np.bincount(right_concern, minlength=size)
    starts = np.cumsum(counts) - counts
    left_concern = named.concern[left]
    each = counts[left_concern]
    return np.repeat(left, each), right[_spans(starts[left_concern], each)]


@dataclass(eq=False)
class _Details:
    """The vehicle, phone and address rows' columns as given, and each row's owner."""

    kind: Sequence[str]
    value: Sequence[str]
    agency: Sequence[int]
    recorded_at: Sequence[datetime | None]
    owner: Codes  # person code, -1 for a person named in no concern


# The graph -----------------------------------------------------------------------------


class Graph:
    """Nodes are numbered in the order of ``kinds``: people (who come first), then
    vehicles, phones and addresses. Links are held as two arrays of node numbers, each
    link once, (child, adult) or (person, vehicle/phone/address), in the order they were
    first found. Each piece of evidence is one entry in ``evidence_link``: first one per
    (child, adult) pair per concern naming them (``named_concern``), then one per detail
    row (``detail_row``). The dicts (``kinds``, ``edges``, ``adjacency``...) are made from
    these on first use, and are the same, in the same order, as a row-by-row build's."""

    def __init__(
        self,
        *,
        nodes: Objects,
        kind_of: list[str],
        node_kind: Codes,
        people_nodes: int,
        node_person: Codes,
        person_node: Codes,
        link_a: Codes,
        link_b: Codes,
        evidence_link: Codes,
        named_concern: Codes,
        detail_row: Codes,
        named: _Named,
        concern_table: _Concerns,
        details: _Details,
        family_links: tuple[Codes, Codes],
    ) -> None:
        self.nodes = nodes
        self.kind_of = kind_of  # each node's kind, by number
        self.node_kind = node_kind
        self.people_nodes = people_nodes
        self.node_person = node_person  # the person code of each person node
        self.person_node = person_node  # by person code; the extra last entry answers -1
        self.link_a = link_a
        self.link_b = link_b
        self.evidence_link = evidence_link
        self.named_concern = named_concern
        self.detail_row = detail_row
        self.named = named
        self.concern_table = concern_table
        self.details = details
        self.family_links = family_links  # (child node, parent's person code) pairs

    @property
    def link_count(self) -> int:
        return int(self.link_a.size)

    @property
    def evidence_count(self) -> int:
        return int(self.evidence_link.size)

    # Dicts, made on first use ----------------------------------------------------------

    @cached_property
    def kinds(self) -> dict[Node, str]:
        """Each node's kind, in node order."""
        with collector_paused():
            return dict(zip(self.nodes.tolist(), self.kind_of, strict=True))

    @cached_property
    def concerns(self) -> dict[int, ConcernInfo]:
        """What each concern was."""
        table = self.concern_table
        with collector_paused():
            return dict(
                zip(
                    table.ids,
                    map(
                        ConcernInfo,
                        table.agency,
                        table.local_authority,
                        table.recorded_at,
                        table.category,
                    ),
                    strict=True,
                )
            )

    @cached_property
    def person_concerns(self) -> defaultdict[int, set[int]]:
        """Concerns naming each person, in any role."""
        found: defaultdict[int, set[int]] = defaultdict(set)
        people, concern_ids = self.named.people, self.concern_table.ids
        with collector_paused():
            for person, concern in zip(
                self.named.person.tolist(), self.named.concern.tolist(), strict=True
            ):
                found[people[person]].add(concern_ids[concern])
        return found

    @cached_property
    def edges(self) -> dict[tuple[Node, Node], list[Evidence]]:
        """Each link, once, with its evidence in the order found."""
        with collector_paused():
            items = self._evidence()
            order = np.argsort(self.evidence_link, kind="stable").tolist()
            in_order = list(map(items.__getitem__, order))
            ends = np.cumsum(np.bincount(self.evidence_link, minlength=self.link_count))
            found: dict[tuple[Node, Node], list[Evidence]] = {}
            start = 0
            for pair, end in zip(self._link_pairs(), ends.tolist(), strict=True):
                found[pair] = in_order[start:end]
                start = end
        return found

    @cached_property
    def adjacency(self) -> defaultdict[Node, set[Node]]:
        """Each linked node's neighbours."""
        found: defaultdict[Node, set[Node]] = defaultdict(set)
        with collector_paused():
            for a, b in self._link_pairs():
                found[a].add(b)
                found[b].add(a)
        return found

    @cached_property
    def readings(self) -> defaultdict[str, list[str]]:
        """Each vehicle's, phone's or address's values as recorded, one per link row."""
        found: defaultdict[str, list[str]] = defaultdict(list)
        value = self.details.value
        for key, row in zip(self._detail_keys(), self.detail_row.tolist(), strict=True):
            found[key].append(value[row])
        return found

    @cached_property
    def recorders(self) -> defaultdict[str, set[int]]:
        """Agencies that recorded each vehicle, phone or address."""
        found: defaultdict[str, set[int]] = defaultdict(set)
        agency = self.details.agency
        for key, row in zip(self._detail_keys(), self.detail_row.tolist(), strict=True):
            found[key].add(agency[row])
        return found

    def _link_pairs(self) -> Iterator[tuple[Node, Node]]:
        return zip(self.nodes[self.link_a].tolist(), self.nodes[self.link_b].tolist(), strict=True)

    def _detail_keys(self) -> list[str]:
        held = self.evidence_link[self.named_concern.size :]
        keys: list[str] = self.nodes[self.link_b[held]].tolist()
        return keys

    def _evidence(self) -> list[Evidence]:
        """Every piece of evidence, in the order of ``evidence_link``."""
        table = self.concern_table
        # One per concern, shared by all the links it makes.
        used = _distinct(self.named_concern).tolist()
        of_concern = dict(
            zip(
                used,
                map(
                    Evidence,
                    map(table.ids.__getitem__, used),
                    map(table.agency.__getitem__, used),
                    map(table.recorded_at.__getitem__, used),
                    map(table.category.__getitem__, used),
                ),
                strict=True,
            )
        )
        items = list(map(of_concern.__getitem__, self.named_concern.tolist()))
        # A detail is recorded with a concern, but the row does not say which: the latest
        # concern by the recording agency naming the person stands for it.
        details = self.details
        rows = self.detail_row.tolist()
        agencies = list(map(details.agency.__getitem__, rows))
        latest = self._latest_concerns(
            details.owner[self.detail_row], np.array(agencies, dtype=np.int64)
        ).tolist()
        for row, agency, concern in zip(rows, agencies, latest, strict=True):
            if concern < 0:
                items.append(Evidence(None, agency, details.recorded_at[row], ""))
            else:
                items.append(
                    Evidence(
                        table.ids[concern],
                        agency,
                        table.recorded_at[concern],
                        table.category[concern],
                    )
                )
        return items

    def _latest_concerns(self, people: Codes, agencies: Codes) -> Codes:
        """For each (person, agency), the latest concern by that agency naming that person
        (on a tie, the first read), or -1 for none."""
        named = self.named
        if not named.agency.size:
            return np.full(people.size, -1, dtype=np.int64)
        distinct, codes = np.unique(np.concatenate((named.agency, agencies)), return_inverse=True)
        width = int(distinct.size)
        row_key = named.person * width + codes[: named.agency.size]
        query = people * width + codes[named.agency.size :]
        instant = self.concern_table.instant[named.concern]
        order = np.lexsort((named.concern, -instant, row_key))
        keys = row_key[order]
        firsts = np.flatnonzero(np.diff(keys, prepend=-1))
        keys, concerns = keys[firsts], named.concern[order][firsts]
        at = np.minimum(np.searchsorted(keys, query), keys.size - 1)
        found: Codes = np.where(keys[at] == query, concerns[at], -1)
        return found

    # Reading ---------------------------------------------------------------------------

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

    # For components, clusters and hubs -------------------------------------------------

    @cached_property
    def component_root(self) -> Codes:
        """Each node's core, as its smallest node number: adults of concern, vehicles,
        phones and addresses joined by the links between them (an adult holding a
        vehicle, phone or address). A child joins no cores: each child is its own."""
        core = self.node_kind[self.link_a] == NAMED_ADULT
        return _component_roots(self.node_kind.size, self.link_a[core], self.link_b[core])

    @cached_property
    def family(self) -> Codes:
        """Each person node's family, as the smallest node of the children joined through
        parents or carers named with them: brothers and sisters share one."""
        child, parent = self.family_links
        roots = _component_roots(
            self.people_nodes + len(self.named.people), child, self.people_nodes + parent
        )
        return roots[: self.people_nodes]

    @cached_property
    def memberships(self) -> tuple[Codes, Codes]:
        """Which network each linked node is in, as (node, core) pairs sorted by core,
        then node: an adult, vehicle, phone or address is in its core's network, and a
        child in the network of each adult, vehicle, phone or address linked to it. A
        child exploited by two unrelated men is in both their networks; it does not make
        them one."""
        root = self.component_root
        kind = self.node_kind
        linked = np.flatnonzero(self.linked & (kind != NAMED_CHILD))
        child_link = kind[self.link_a] == NAMED_CHILD  # a child is always a link's first end
        node = np.concatenate((linked, self.link_a[child_link]))
        core = np.concatenate((root[linked], root[self.link_b[child_link]]))
        width = max(int(kind.size), 1)
        joined = _distinct(core * width + node)
        return joined % width, joined // width

    @cached_property
    def linked(self) -> Flags:
        """Whether each node has a link."""
        found = np.zeros(self.node_kind.size, dtype=bool)
        found[self.link_a] = True
        found[self.link_b] = True
        return found

    @cached_property
    def child_agencies(self) -> tuple[Codes, Codes]:
        """For each node, where its agencies start in the second array, which holds agency
        codes (see _Concerns.agency_codes), each child's together (others have none)."""
        person, concern = self.named.pairs
        node = self.person_node[person]
        child = node >= 0
        child[child] = self.node_kind[node[child]] == NAMED_CHILD
        agencies, codes = self.concern_table.agency_codes
        width = max(len(agencies), 1)
        joined = _distinct(node[child] * width + codes[concern[child]])
        counts = np.bincount(joined // width, minlength=self.node_kind.size)
        return np.cumsum(counts) - counts, joined % width


def build_graph(
    concern_rows: Iterable[ConcernRow], attribute_rows: Iterable[AttributeRow]
) -> Graph:
    """The graph from one read of each kind of row."""
    detail_columns = _columns(attribute_rows, len(AttributeRow._fields))
    named, concern_table, owner = _rows_named(
        _columns(concern_rows, len(ConcernRow._fields)), detail_columns[1]
    )
    role = named.role

    # People become nodes in the order first read, of the kind last read.
    node_rows = np.flatnonzero((role == NAMED_CHILD) | (role == NAMED_ADULT))
    persons = named.person[node_rows]
    people, _ = _firsts(persons, len(named.people))
    last = np.full(len(named.people), -1, dtype=np.int64)
    np.maximum.at(last, persons, np.arange(persons.size))
    people_kind = role[node_rows][last[people]]
    people_nodes = int(people.size)
    # Person code -> node number; the extra last entry answers -1 (not a node) with -1.
    person_node = np.full(len(named.people) + 1, -1, dtype=np.int64)
    person_node[people] = np.arange(people_nodes)

    # Children and adults named together.
    children = np.flatnonzero(role == NAMED_CHILD)
    child_rows, adult_rows = _within_concerns(named, children, np.flatnonzero(role == NAMED_ADULT))
    named_a = person_node[named.person[child_rows]]
    named_b = person_node[named.person[adult_rows]]
    named_concern = named.concern[child_rows]
    # Each child's parents and carers, named with them.
    family_child, family_parent = _within_concerns(
        named, children, np.flatnonzero(role == NAMED_FAMILY)
    )

    details, held, key_nodes, key_kinds, key_values = _read_details(
        detail_columns,
        owner,
        person_node,
        named.person[family_child],
        named.person[family_parent],
        people_kind,
        people_nodes,
    )
    detail_row, detail_a, detail_b = held

    # Each link once, in the order first found.
    link_a = np.concatenate((named_a, detail_a))
    link_b = np.concatenate((named_b, detail_b))
    size = people_nodes + key_nodes
    _, first, inverse = np.unique(
        link_a * max(size, 1) + link_b, return_index=True, return_inverse=True
    )
    first_found, link_number = _in_order_of(first, link_a.size)

    nodes = np.empty(size, dtype=object)
    nodes[:people_nodes] = [named.people[p] for p in people.tolist()]
    nodes[people_nodes:] = key_values
    people_kinds = {NAMED_CHILD: CHILD_NODE, NAMED_ADULT: ADULT_NODE}
    return Graph(
        nodes=nodes,
        kind_of=[*map(people_kinds.__getitem__, people_kind.tolist()), *key_kinds],
        node_kind=np.concatenate((people_kind, np.full(key_nodes, DETAIL, dtype=np.int64))),
        people_nodes=people_nodes,
        node_person=people,
        person_node=person_node,
        link_a=link_a[first_found],
        link_b=link_b[first_found],
        evidence_link=link_number[inverse.reshape(-1)],
        named_concern=named_concern,
        detail_row=detail_row,
        named=named,
        concern_table=concern_table,
        details=details,
        family_links=(person_node[named.person[family_child]], named.person[family_parent]),
    )


def _read_details(
    columns: tuple[Sequence[Any], ...],
    owner: Codes,
    person_node: Codes,
    family_child: Codes,
    family_parent: Codes,
    people_kind: Codes,
    people_nodes: int,
) -> tuple[_Details, tuple[Codes, Codes, Codes], int, list[str], list[str]]:
    """The details that link: their rows (in link order) with the person and key node
    numbers; how many vehicles, phones and addresses became nodes, their kinds and keys."""
    kinds, _, keys, values, agencies, recorded = columns
    details = _Details(kinds, values, agencies, recorded, owner)
    key_list, key = _factorise(keys)
    width = max(len(key_list), 1)

    # Only details of people who are nodes can link.
    rows_held = np.flatnonzero(person_node[owner] >= 0)
    owner_held, key_held = owner[rows_held], key[rows_held]
    node_held = person_node[owner_held]

    # The family home: a detail that a parent or carer named with the child also holds.
    of_parent = np.isin(owner, family_parent)
    parent_keys = _distinct(owner[of_parent] * width + key[of_parent])
    parents = parent_keys // width
    start = np.searchsorted(parents, family_parent, side="left")
    count = np.searchsorted(parents, family_parent, side="right") - start
    at_home = np.repeat(family_child, count) * width + parent_keys[_spans(start, count)] % width
    home = (people_kind[node_held] == NAMED_CHILD) & np.isin(owner_held * width + key_held, at_home)

    # A vehicle, phone or address links two to DETAIL_MAX_HOLDERS people (more: a place
    # or a switchboard); an address, only when an adult of concern holds it.
    holding = ~home
    width_people = max(people_nodes, 1)
    holder_pairs = _distinct(key_held[holding] * width_people + node_held[holding])
    holders = np.bincount(holder_pairs // width_people, minlength=len(key_list))
    adult_pairs = holder_pairs[people_kind[holder_pairs % width_people] == NAMED_ADULT]
    adult_holders = np.bincount(adult_pairs // width_people, minlength=len(key_list))
    in_order, first_held = _firsts(key_held, len(key_list))
    kind_values, kind_codes = _factorise_few(kinds)
    is_address = np.array([value == ADDRESS_NODE for value in kind_values], dtype=bool)
    address = (
        is_address[kind_codes[rows_held[first_held]]] if kind_values else np.zeros(0, dtype=bool)
    )
    shared = (
        (holders[in_order] >= 2)
        & (holders[in_order] <= DETAIL_MAX_HOLDERS)
        & (~address | (adult_holders[in_order] > 0))
    )
    shared_keys = in_order[shared]
    key_node = np.full(len(key_list), -1, dtype=np.int64)
    key_node[shared_keys] = people_nodes + np.arange(shared_keys.size)
    key_values = [key_list[k] for k in shared_keys.tolist()]
    key_kinds = [kinds[row] for row in rows_held[first_held[shared]].tolist()]

    # Each shared key's rows together, keys in order, rows in order within a key.
    linking = np.flatnonzero(holding & (key_node[key_held] >= 0))
    linking = linking[np.argsort(key_node[key_held[linking]], kind="stable")]
    held = (
        rows_held[linking],
        node_held[linking],
        key_node[key_held[linking]],
    )
    return details, held, int(shared_keys.size), key_kinds, key_values


# Components ----------------------------------------------------------------------------


def _members(graph: Graph, nodes: Codes) -> tuple[list[Node], Node]:
    """``nodes`` (ascending numbers) sorted people first, each part by id or key; and the
    first of them that is not a child (the first member when every one is a child)."""
    split = int(np.searchsorted(nodes, graph.people_nodes))
    people = nodes[:split]
    people = people[np.argsort(graph.named.rank[graph.node_person[people]])]
    members: list[Node] = graph.nodes[people].tolist()
    details = sorted(graph.nodes[nodes[split:]].tolist())
    adults = np.flatnonzero(graph.node_kind[people] == NAMED_ADULT)
    anchor = members[int(adults[0])] if adults.size else (details or members)[0]
    return members + details, anchor


def _grouped(graph: Graph, chosen: Flags) -> tuple[Codes, Codes, Codes, Codes]:
    """The members of the chosen cores' networks, by core, then by node number; each
    core, and where its members start and end."""
    nodes, cores = graph.memberships
    keep = chosen[cores]
    nodes, cores = nodes[keep], cores[keep]
    distinct, starts = np.unique(cores, return_index=True)
    return nodes, distinct, starts, np.append(starts[1:], nodes.size)[: starts.size]


def components(graph: Graph) -> Iterator[list[Node]]:
    """Each network (see ``Graph.memberships``), sorted people first, in the order its
    first adult, vehicle, phone or address was linked."""
    nodes, roots, starts, ends = _grouped(graph, np.ones(graph.node_kind.size, dtype=bool))
    seen = np.column_stack((graph.link_a, graph.link_b)).reshape(-1)
    seen = seen[graph.node_kind[seen] != NAMED_CHILD]
    distinct, at = np.unique(seen, return_index=True)
    component_first = np.full(graph.node_kind.size, seen.size, dtype=np.int64)
    np.minimum.at(component_first, graph.component_root[distinct], at)
    for i in np.argsort(component_first[roots]).tolist():
        yield _members(graph, nodes[starts[i] : ends[i]])[0]


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
    """Every hub with at least ``min_children`` children known to ``min_agencies``, in
    node order."""
    size = graph.node_kind.size
    kind = graph.node_kind
    # Each link both ways round.
    source = np.concatenate((graph.link_a, graph.link_b))
    target = np.concatenate((graph.link_b, graph.link_a))

    def grouped(chosen: Flags) -> tuple[Codes, Codes]:
        """The chosen links, grouped by the node they start from."""
        start, end = source[chosen], target[chosen]
        order = np.argsort(start, kind="stable")
        return start[order], end[order]

    # The children linked directly to each adult, vehicle, phone or address.
    hub, child = grouped((kind[target] == NAMED_CHILD) & (kind[source] != NAMED_CHILD))
    direct_count = np.bincount(hub, minlength=size)
    child_ends = np.cumsum(direct_count)
    children = graph.nodes[child].tolist()
    # And the agencies of each one's concerns, one after another.
    agency_start, agency_codes = graph.child_agencies
    each = np.diff(agency_start, append=agency_codes.size)[child]
    # As objects, so that the list holds one int per agency, shared.
    agency_values = np.empty(graph.concern_table.agency_codes[0].size, dtype=object)
    agency_values[:] = graph.concern_table.agency_codes[0].tolist()
    agencies = agency_values[agency_codes][_spans(agency_start[child], each)].tolist()
    agency_ends = np.cumsum(np.bincount(hub, weights=each, minlength=size)).astype(np.int64)
    # The adults who hold each vehicle, phone or address.
    held_by, holder = grouped((kind[source] == DETAIL) & (kind[target] == NAMED_ADULT))
    holder_ends = np.cumsum(np.bincount(held_by, minlength=size))
    holders = holder.tolist()

    def spans_of(nodes: Codes, ends: Codes) -> tuple[list[int], list[int]]:
        """Where each of ``nodes``' entries start and end, given where every node's end."""
        starts: list[int] = np.append(0, ends[:-1])[nodes].tolist()
        return starts, ends[nodes].tolist()

    # Each adult's children and their agencies, as sets, made once: an adult's hub, and
    # every vehicle, phone or address he holds, take them from here.
    adults = np.flatnonzero((kind == NAMED_ADULT) & (direct_count > 0))
    adult_children: list[set[int] | None] = [None] * size
    adult_agencies: list[set[int] | None] = [None] * size
    for adult, child_from, child_to, agency_from, agency_to in zip(
        adults.tolist(),
        *spans_of(adults, child_ends),
        *spans_of(adults, agency_ends),
        strict=True,
    ):
        adult_children[adult] = set(children[child_from:child_to])
        adult_agencies[adult] = set(agencies[agency_from:agency_to])

    # At most this many children, counting repeats: fewer than asked for is no hub.
    through_adults = np.bincount(held_by, weights=direct_count[holder], minlength=size)
    most = direct_count + through_adults.astype(np.int64)
    nodes = np.flatnonzero((kind != NAMED_CHILD) & (most >= min_children))
    rows = zip(
        nodes.tolist(),
        graph.nodes[nodes].tolist(),
        *spans_of(nodes, child_ends),
        *spans_of(nodes, agency_ends),
        *spans_of(nodes, holder_ends),
        strict=True,
    )
    found = []
    kind_of = graph.kind_of
    none: set[int] = set()
    for number, node, child_from, child_to, agency_from, agency_to, held_from, held_to in rows:
        # An adult's own sets, or, for a vehicle, phone or address, new ones.
        reached = adult_children[number]
        adults_holding = holders[held_from:held_to]
        if reached is None:
            reached = set(children[child_from:child_to])
            for adult in adults_holding:
                reached |= adult_children[adult] or none
        if len(reached) < min_children:
            continue
        near = adult_agencies[number]
        if near is None:
            near = set(agencies[agency_from:agency_to])
            for adult in adults_holding:
                near |= adult_agencies[adult] or none
        if len(near) >= min_agencies:
            found.append(Hub(node, kind_of[number], reached, near))
    return found


@dataclass
class ClusterResult:
    members: list[Node]
    # The first adult (by id), or else the first vehicle, phone or address (by key): a
    # child can be in several networks, so a network is known by its core.
    anchor: Node
    children: int
    families: int  # children unrelated to each other: brothers and sisters count once
    adults: int  # adults of concern
    agencies: set[int]
    exploitation_concerns: int
    latest_concern_at: datetime | None
    score: float
    local_authorities: set[int]

    @property
    def first_key(self) -> str:
        return node_key(self.anchor)


def risk_score(
    *,
    children: int,
    agencies: int,
    exploitation: int,
    days_since_latest: float | None,
    families: int | None = None,
    adults: int = 0,
) -> float:
    """Unrelated children and agencies weigh most (a brother or sister of a child already
    counted adds a third as much: a family is not a network); exploitation concerns add up
    to ten, adults of concern up to five; the whole halves for every
    RECENCY_HALF_LIFE_DAYS since the latest concern, to no less than half."""
    unrelated = children if families is None else families
    base = (
        3.0 * unrelated
        + 1.0 * (children - unrelated)
        + 4.0 * agencies
        + 2.0 * min(exploitation, 10)
        + 3.0 * min(adults, 5)
    )
    if days_since_latest is None:
        return base * 0.5
    recency = math.pow(0.5, max(days_since_latest, 0.0) / RECENCY_HALF_LIFE_DAYS)
    return round(base * (0.5 + 0.5 * recency), 3)


def clusters(graph: Graph, *, now: datetime, min_children: int) -> list[ClusterResult]:
    """Networks (see ``Graph.memberships``) with at least ``min_children`` children,
    highest risk first."""
    size = graph.node_kind.size
    member_nodes, member_cores = graph.memberships
    child_member = graph.node_kind[member_nodes] == NAMED_CHILD
    children = np.bincount(member_cores[child_member], minlength=size)
    chosen = children >= min_children
    # Children unrelated to each other: each family once; and the adults of concern.
    family_pairs = _distinct(
        member_cores[child_member] * size + graph.family[member_nodes[child_member]]
    )
    families = np.bincount(family_pairs // max(size, 1), minlength=size)
    adult_member = graph.node_kind[member_nodes] == NAMED_ADULT
    adults = np.bincount(member_cores[adult_member], minlength=size)
    nodes, roots, starts, ends = _grouped(graph, chosen)
    place = np.full(size, -1, dtype=np.int64)  # root -> its place in roots
    place[roots] = np.arange(roots.size)

    # The concerns naming each cluster's people, each once: each (person, concern) pair
    # joined to every network the person is in.
    table = graph.concern_table
    person, concern = graph.named.pairs
    node = graph.person_node[person]
    inside = node >= 0
    node, concern = node[inside], concern[inside]
    by_node = np.argsort(nodes, kind="stable")
    sorted_nodes = nodes[by_node]
    sorted_cores = np.repeat(roots, ends - starts)[by_node]
    first = np.searchsorted(sorted_nodes, node, side="left")
    networks = np.searchsorted(sorted_nodes, node, side="right") - first
    width = max(len(table.ids), 1)
    joined = _distinct(
        place[sorted_cores[_spans(first, networks)]] * width + np.repeat(concern, networks)
    )
    concern_cluster, concern_codes = joined // width, joined % width
    concern_ends = np.cumsum(np.bincount(concern_cluster, minlength=roots.size)).tolist()
    indicator = np.cumsum(table.indicator[concern_codes]).tolist()
    concern_rows = table.first[concern_codes].tolist()  # each concern's first row
    # The agencies that recorded each cluster's vehicles, phones and addresses.
    key_of_row = graph.link_b[graph.evidence_link[graph.named_concern.size :]]
    key_core = graph.component_root[key_of_row]
    recorded = chosen[key_core]
    row_cluster = place[key_core[recorded]]
    row_order = np.argsort(row_cluster, kind="stable")
    recorder_rows = graph.detail_row[recorded][row_order].tolist()
    recorder_ends = np.cumsum(np.bincount(row_cluster, minlength=roots.size)).tolist()
    recorder = graph.details.agency

    results = []
    concern_start = recorder_start = 0
    for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        members, anchor = _members(graph, nodes[start:end])
        concern_end, recorder_end = concern_ends[i], recorder_ends[i]
        rows = concern_rows[concern_start:concern_end]
        agencies = set(map(recorder.__getitem__, recorder_rows[recorder_start:recorder_end]))
        agencies |= set(map(table.agency_column.__getitem__, rows))
        exploitation = indicator[concern_end - 1] if concern_end else 0
        if concern_start:
            exploitation -= indicator[concern_start - 1]
        latest = max(map(table.recorded_at_column.__getitem__, rows), default=None)
        days = (now - latest).total_seconds() / 86400 if latest else None
        count = int(children[roots[i]])
        unrelated, adults_of_concern = int(families[roots[i]]), int(adults[roots[i]])
        results.append(
            ClusterResult(
                members=members,
                anchor=anchor,
                children=count,
                families=unrelated,
                adults=adults_of_concern,
                agencies=agencies,
                exploitation_concerns=exploitation,
                latest_concern_at=latest,
                score=risk_score(
                    children=count,
                    families=unrelated,
                    adults=adults_of_concern,
                    agencies=len(agencies),
                    exploitation=exploitation,
                    days_since_latest=days,
                ),
                local_authorities=set(map(table.local_authority_column.__getitem__, rows)),
            )
        )
        concern_start, recorder_start = concern_end, recorder_end
    results.sort(key=lambda c: (-c.score, -c.children, c.first_key))
    return results


# Why each member is there ---------------------------------------------------------------

_NOUNS = {
    CHILD_NODE: ("child", "children"),
    ADULT_NODE: ("adult of concern", "adults of concern"),
    str(NodeKind.VEHICLE): ("vehicle", "vehicles"),
    str(NodeKind.PHONE): ("phone", "phones"),
    ADDRESS_NODE: ("address", "addresses"),
}


def _counted(kinds: list[str]) -> str:
    """ "2 children and an adult of concern": each kind once, in _NOUNS order."""
    parts = []
    for kind, (one, many) in _NOUNS.items():
        count = kinds.count(kind)
        if count == 1:
            parts.append(f"{'an' if one[0] in 'aeiou' else 'a'} {one}")
        elif count:
            parts.append(f"{count} {many}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def member_reason(graph: Graph, node: Node, members: set[Node]) -> str:
    """Why ``node`` is in the network of ``members``: the links that hold it there, by
    kind and count, with no names."""
    kinds = graph.kinds
    kind = kinds[node]
    near = [n for n in graph.adjacency.get(node, ()) if n in members]
    people = [str(kinds[n]) for n in near if is_person(n)]
    details = [str(kinds[n]) for n in near if not is_person(n)]
    if kind not in (CHILD_NODE, ADULT_NODE):
        return f"Held by {_counted(people)} in this network." if people else ""
    parts = []
    if people:
        concerns = {item.concern for n in near if is_person(n) for item in graph.evidence(node, n)}
        times = "a concern" if len(concerns) == 1 else f"{len(concerns)} concerns"
        parts.append(f"Named with {_counted(people)} in {times}")
    if details:
        verb = "holds" if parts else "Holds"
        parts.append(f"{verb} {_counted(details)} held by others in this network")
    return "; ".join(parts) + "." if parts else ""
