"""Synthetic concerns with exploitation networks planted among them, the truth known: for
the benchmark that checks a network is found whole once agencies' records of the same
people are resolved. Built on the synthetic people of ``safeguarding.linkage.synthetic``.

Every record is one person as one agency named them in one concern. Most concerns name
one child; some name an adult of concern too, who is named with no more than two
children (a family friend, a relative): no alert should fire for them. A planted network
is an adult with a vehicle and a phone, and three to eight children. Each child is the
subject of one to three concerns, by agencies chosen so that no agency sees more than two
of the network's children; each concern carries some of the evidence: the adult named
(with the agency's errors in the name and date of birth, and sometimes his vehicle or
phone), the vehicle seen with the child (its registration sometimes misread: O for 0, S
for 5), or the adult's phone found with the child (written in another format)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.linkage.synthetic import SEED, People, TruePerson
from safeguarding.networks.models import NodeKind

# Agency ids by kind: schools, health services, police forces, councils.
AGENCY_IDS = {
    "school": (1, 150),
    "health": (151, 250),
    "police": (251, 293),
    "council": (294, 446),
}
AUTHORITIES = 153
# Share of a background child's concerns that also name an adult of concern.
ADULT_NAMED = 0.15
NETWORK_CATEGORIES = (
    ConcernCategory.SEXUAL_EXPLOITATION,
    ConcernCategory.CRIMINAL_EXPLOITATION,
    ConcernCategory.MISSING,
)
TODAY = datetime(2026, 11, 1, tzinfo=UTC)
# What a camera or a hurried note makes of a plate's characters.
MISREAD = {"0": "O", "1": "I", "5": "S", "8": "B"}


@dataclass(frozen=True)
class PlantedNetwork:
    adult: int  # true person numbers
    children: frozenset[int]
    vehicle: str
    phone: str


@dataclass(frozen=True)
class NamedInConcern:
    concern: int
    record_id: str
    role: str
    agency_id: int
    local_authority_id: int
    recorded_at: datetime
    category: str


@dataclass(frozen=True)
class Detail:
    kind: str  # NodeKind.VEHICLE or PHONE
    record_id: str
    value: str
    agency_id: int


@dataclass
class SyntheticConcerns:
    records: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)
    named: list[NamedInConcern] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    networks: list[PlantedNetwork] = field(default_factory=list)


class _Writer:
    def __init__(self, people: People, out: SyntheticConcerns) -> None:
        self.people, self.out, self.rng = people, out, people.rng
        self.concerns = 0

    def agency(self, kind: str) -> int:
        low, high = AGENCY_IDS[kind]
        return self.rng.randint(low, high)

    def concern(
        self, agency: int, category: str
    ) -> tuple[int, int, datetime, str]:  # id, authority, when, category
        self.concerns += 1
        when = TODAY - timedelta(days=self.rng.randrange(1000))
        return self.concerns, self.rng.randint(1, AUTHORITIES), when, category

    def name(
        self,
        person: TruePerson,
        role: str,
        recorder: str,
        agency: int,
        concern: tuple[int, int, datetime, str],
    ) -> str:
        record_id = f"r{len(self.out.records)}"
        self.out.records.append(self.people.record(person, recorder, record_id))
        self.out.truth[record_id] = person.number
        number, authority, when, category = concern
        self.out.named.append(
            NamedInConcern(number, record_id, role, agency, authority, when, category)
        )
        return record_id


def _registration(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + f"{rng.randrange(2, 75):02d}"
        + "".join(rng.choice(letters) for _ in range(3))
    )


def _as_written(rng: random.Random, kind: str, value: str) -> str:
    if kind == NodeKind.VEHICLE:
        if rng.random() < 0.3:
            value = "".join(
                MISREAD.get(char, char) if rng.random() < 0.5 else char for char in value
            )
        return value[:4] + " " + value[4:] if rng.random() < 0.5 else value.lower()
    return "+44 " + value[1:5] + " " + value[5:] if rng.random() < 0.5 else value


def generate_concerns(count: int, *, networks: int, seed: int = SEED) -> SyntheticConcerns:
    """About ``count`` records of people named in concerns, ``networks`` of them planted."""
    people = People(seed)
    out = SyntheticConcerns()
    writer = _Writer(people, out)
    rng = people.rng
    for _ in range(networks):
        _plant(writer, people, rng, out)
    categories = list(ConcernCategory.values)
    adult: TruePerson | None = None
    adult_children = 0
    while len(out.records) < count:
        person = people.person()
        for _ in range(rng.choices((1, 2, 3, 4), (0.5, 0.3, 0.15, 0.05))[0]):
            recorder = people.recorder(person)
            agency = writer.agency(recorder)
            concern = writer.concern(agency, rng.choice(categories))
            role = PersonRole.CHILD if person.child else PersonRole.ADULT_OF_CONCERN
            writer.name(person, role, recorder, agency, concern)
            if person.child and rng.random() < ADULT_NAMED:
                if adult is None or adult_children >= 2:
                    adult, adult_children = people.person(child=False), 0
                adult_children += 1
                writer.name(adult, PersonRole.ADULT_OF_CONCERN, recorder, agency, concern)
    return out


def _plant(writer: _Writer, people: People, rng: random.Random, out: SyntheticConcerns) -> None:
    adult = people.person(child=False)
    vehicle = _registration(rng)
    phone = adult.phone
    children = [people.person(child=True) for _ in range(rng.randint(3, 8))]
    seen_by: dict[int, set[int]] = {}
    for child in children:
        for _ in range(rng.randint(1, 3)):
            recorder = people.recorder(child)
            agency = writer.agency(recorder)
            while len(seen_by.setdefault(agency, set()) - {child.number}) >= 2:
                recorder = people.recorder(child)
                agency = writer.agency(recorder)
            seen_by[agency].add(child.number)
            concern = writer.concern(agency, rng.choice(NETWORK_CATEGORIES))
            child_record = writer.name(child, PersonRole.CHILD, recorder, agency, concern)
            evidence = [
                kind
                for kind, chance in (("adult", 0.6), ("vehicle", 0.3), ("phone", 0.3))
                if rng.random() < chance
            ] or ["adult"]

            def note(kind: str, record_id: str, value: str, agency: int = agency) -> None:
                out.details.append(Detail(kind, record_id, _as_written(rng, kind, value), agency))

            if "adult" in evidence:
                adult_record = writer.name(
                    adult, PersonRole.ADULT_OF_CONCERN, recorder, agency, concern
                )
                for kind, value in ((NodeKind.VEHICLE, vehicle), (NodeKind.PHONE, phone)):
                    if rng.random() < 0.5:
                        note(kind, adult_record, value)
            if "vehicle" in evidence:
                note(NodeKind.VEHICLE, child_record, vehicle)
            if "phone" in evidence:
                note(NodeKind.PHONE, child_record, phone)
    out.networks.append(
        PlantedNetwork(adult.number, frozenset(c.number for c in children), vehicle, phone)
    )


def person_uuid(cluster: str) -> uuid.UUID:
    """A stable person id for a resolved cluster."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"synthetic-person:{cluster}")


def network_recovery(
    data: SyntheticConcerns,
    clusters: dict[str, str],
    *,
    min_children: int = 3,
    min_agencies: int = 2,
) -> dict[str, float]:
    """Build the graph with each record's person as ``clusters`` resolved it, find the
    hubs that alert, and count the planted networks whose children all fall in one
    network (see graph.components), those found whole (one alerting hub holds every child
    of the network), and the alerts that are not a planted network."""
    from safeguarding.networks.graph import (
        AttributeRow,
        ConcernRow,
        attribute_key,
        build_graph,
        components,
        hubs,
    )
    from safeguarding.people.models import PersonKind

    # Each record's person, and each concern's id, worked out once.
    person = {record: person_uuid(clusters.get(record, record)) for record in data.truth}
    concern_ids = {
        row.concern: uuid.uuid5(uuid.NAMESPACE_URL, f"c{row.concern}") for row in data.named
    }
    concern_rows = [
        ConcernRow(
            concern_ids[row.concern],
            person[row.record_id],
            row.role,
            PersonKind.CHILD if row.role == PersonRole.CHILD else PersonKind.ADULT,
            row.agency_id,
            row.local_authority_id,
            row.recorded_at,
            row.category,
        )
        for row in data.named
    ]
    attribute_rows = [
        AttributeRow(
            detail.kind,
            person[detail.record_id],
            attribute_key(detail.kind, detail.value),
            detail.value,
            detail.agency_id,
            None,
        )
        for detail in data.details
    ]
    graph = build_graph(concern_rows, attribute_rows)
    alerting = hubs(graph, min_children=min_children, min_agencies=min_agencies)
    # Which true people each resolved person is.
    true_people: dict[int, set[int]] = {}
    for record_id, number in data.truth.items():
        true_people.setdefault(person[record_id].int, set()).add(number)
    planted_children = {
        child: index for index, n in enumerate(data.networks) for child in n.children
    }
    found: set[int] = set()
    stray = 0
    for hub in alerting:
        children: set[int] = set()
        for node in hub.children:
            children |= true_people.get(node, set())
        whole = {i for i, n in enumerate(data.networks) if n.children <= children}
        found |= whole
        networks_touched = {planted_children[c] for c in children if c in planted_children}
        if not whole and not any(
            len(data.networks[i].children & children) >= min_children for i in networks_touched
        ):
            stray += 1
    in_one_cluster = 0
    for members in components(graph):
        children = set()
        for member in members:
            if isinstance(member, int):
                children |= true_people.get(member, set())
        touched = {planted_children[c] for c in children if c in planted_children}
        in_one_cluster += sum(1 for i in touched if data.networks[i].children <= children)
    return {
        "networks_planted": float(len(data.networks)),
        "networks_in_one_cluster": float(in_one_cluster),
        "networks_found_whole": float(len(found)),
        "alerts": float(len(alerting)),
        "alerts_not_planted": float(stray),
    }
