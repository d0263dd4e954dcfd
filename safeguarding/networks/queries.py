"""Reads of the networks, filtered by need-to-know and audited.

A user opens a network their agency is involved in (networks.policy). Inside it, a person
is named only when the user may see that person (people.queries.visible_persons); anyone
else is "a child known to a school and a police force", without identity. A vehicle, phone
or address is shown when the user may see someone it is recorded against.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.concerns.models import ConcernCategory
from safeguarding.networks.models import (
    Cluster,
    ClusterAgency,
    ClusterLink,
    ClusterMember,
    LinkEvidence,
    LinkKind,
    NetworkAlert,
    NodeKind,
)
from safeguarding.networks.policy import sees_networks_for_law_enforcement, uses_networks
from safeguarding.people.models import Person
from safeguarding.people.queries import visible_persons

LIST_LIMIT = 200
AGENCY_PHRASES: dict[str, str] = {
    AgencyKind.LOCAL_AUTHORITY: "a local authority",
    AgencyKind.POLICE_FORCE: "a police force",
    AgencyKind.SCHOOL: "a school",
    AgencyKind.NHS_BODY: "an NHS body",
    AgencyKind.VOLUNTARY_ORGANISATION: "a voluntary organisation",
    AgencyKind.NATIONAL_BODY: "a national body",
    AgencyKind.HELPLINE: "a helpline",
}
REF_LETTERS: dict[str, str] = {
    NodeKind.CHILD: "C",
    NodeKind.ADULT: "A",
    NodeKind.VEHICLE: "V",
    NodeKind.PHONE: "P",
    NodeKind.ADDRESS: "H",
}
KIND_ORDER: list[str] = list(REF_LETTERS)
HIDDEN_NOUNS: dict[str, str] = {
    NodeKind.CHILD: "A child",
    NodeKind.ADULT: "An adult",
    NodeKind.VEHICLE: "A vehicle",
    NodeKind.PHONE: "A phone",
    NodeKind.ADDRESS: "An address",
}


def agency_phrase(kinds: list[str]) -> str:
    """["school", "police-force"] -> "a school and a police force"."""
    phrases = [AGENCY_PHRASES.get(kind, "an agency") for kind in dict.fromkeys(kinds)]
    if not phrases:
        return "no agency"
    if len(phrases) == 1:
        return phrases[0]
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def visible_clusters(user: User) -> QuerySet[Cluster]:
    """The networks ``user``'s agency is involved in; none for anyone else."""
    if not uses_networks(user) or user.agency_id is None:
        return Cluster.objects.none()
    return Cluster.objects.filter(
        Exists(ClusterAgency.objects.filter(cluster=OuterRef("pk"), agency_id=user.agency_id))
    )


def network_list(user: User) -> list[Cluster]:
    """The networks ``user`` may open, highest risk first. Counts only, no identities; the
    listing is audited with the networks' ids."""
    networks = list(visible_clusters(user).order_by("rank")[:LIST_LIMIT])
    record(
        AuditVerb.NETWORK_VIEWED,
        actor=user,
        target_type=TargetType.NETWORK_LIST,
        # Police analysts read for law enforcement (networks.policy).
        legal_basis=LegalBasis.LAW_ENFORCEMENT
        if sees_networks_for_law_enforcement(user)
        else LegalBasis.SAFEGUARDING_AND_LAW_ENFORCEMENT,
        payload={"networks": [str(network.pk) for network in networks]},
    )
    return networks


@dataclass
class NodeView:
    ref: str
    key: str
    kind: str
    label: str
    identified: bool
    known_to: str
    # Set only when the user may open the person's record (need-to-know).
    person_id: uuid.UUID | None = None
    # Shown because the user reads for law enforcement, not by need-to-know.
    for_law_enforcement: bool = False

    @property
    def kind_label(self) -> str:
        return str(NodeKind(self.kind).label)


@dataclass
class EvidenceView:
    agency: str
    seen_at: datetime | None
    category: str
    concern_id: uuid.UUID | None


@dataclass
class LinkView:
    source: NodeView
    target: NodeView
    kind: str
    evidence: list[EvidenceView] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(LinkKind(self.kind).label)


@dataclass
class NetworkView:
    cluster: Cluster
    nodes: list[NodeView]
    links: list[LinkView]

    law_enforcement: bool = False

    @property
    def hidden(self) -> int:
        return sum(1 for node in self.nodes if not node.identified)

    @property
    def shown_for_law_enforcement(self) -> list[NodeView]:
        return [node for node in self.nodes if node.for_law_enforcement]


def _cluster_rows(cluster: Cluster) -> tuple[list[ClusterMember], list[ClusterLink]]:
    members = list(cluster.members.all())
    links = list(
        cluster.links.prefetch_related(
            Prefetch("evidence", queryset=LinkEvidence.objects.select_related("agency"))
        )
    )
    return members, links


def _nodes(
    members: list[ClusterMember],
    visible: set[uuid.UUID],
    people: dict[uuid.UUID, Person],
    *,
    law_enforcement: bool = False,
) -> dict[str, NodeView]:
    """Each member as the user may see it; with ``law_enforcement``, adults and things
    too (``people`` then holds the adults outside ``visible``)."""
    members = sorted(members, key=lambda m: (KIND_ORDER.index(m.kind), m.key))
    counters = dict.fromkeys(REF_LETTERS, 0)
    person_of = {m.key: m.person_id for m in members}
    nodes: dict[str, NodeView] = {}
    for member in members:
        counters[member.kind] += 1
        ref = f"{REF_LETTERS[member.kind]}{counters[member.kind]}"
        known_to = agency_phrase(member.known_to)
        if member.person_id is not None:
            identified = member.person_id in visible
            revealed = (
                not identified
                and law_enforcement
                and member.kind == NodeKind.ADULT
                and member.person_id in people
            )
            label = people[member.person_id].full_name if identified or revealed else ""
        else:
            identified = any(person_of.get(holder) in visible for holder in member.held_by)
            revealed = not identified and law_enforcement
            label = member.value if identified or revealed else ""
        if not (identified or revealed):
            label = f"{HIDDEN_NOUNS[member.kind]} known to {known_to}"
        nodes[member.key] = NodeView(
            ref=ref,
            key=member.key,
            kind=member.kind,
            label=label,
            identified=identified or revealed,
            known_to=known_to,
            person_id=member.person_id if identified else None,
            for_law_enforcement=revealed,
        )
    return nodes


def _evidence(item: LinkEvidence, identified: bool, *, opens: bool) -> EvidenceView:
    """``identified``: both ends are shown; ``opens``: both are shown by need-to-know, so
    the concern behind the link may be opened."""
    category = ConcernCategory(item.category).label if item.category else ""
    return EvidenceView(
        agency=item.agency.name if identified else AGENCY_PHRASES.get(item.agency.kind, ""),
        seen_at=item.seen_at,
        category=str(category),
        concern_id=item.concern_id if opens else None,
    )


def network_view(user: User, cluster: Cluster) -> NetworkView:
    """The network as ``user`` may see it (no audit: callers audit what they show)."""
    members, links = _cluster_rows(cluster)
    person_ids = [m.person_id for m in members if m.person_id is not None]
    people = {p.pk: p for p in visible_persons(user).filter(pk__in=person_ids)}
    visible = set(people)
    law_enforcement = sees_networks_for_law_enforcement(user)
    if law_enforcement:
        adults = [
            m.person_id
            for m in members
            if m.kind == NodeKind.ADULT and m.person_id is not None and m.person_id not in visible
        ]
        people.update((p.pk, p) for p in Person.objects.filter(pk__in=adults))
    nodes = _nodes(members, visible, people, law_enforcement=law_enforcement)
    link_views = []
    for link in links:
        source, target = nodes[link.source], nodes[link.target]
        # For law enforcement, who recorded each link is shown whatever its ends.
        identified = law_enforcement or (source.identified and target.identified)
        opens = (
            source.identified
            and target.identified
            and not source.for_law_enforcement
            and not target.for_law_enforcement
        )
        link_views.append(
            LinkView(
                source=source,
                target=target,
                kind=link.kind,
                evidence=[_evidence(item, identified, opens=opens) for item in link.evidence.all()],
            )
        )
    ordered = sorted(nodes.values(), key=lambda n: (KIND_ORDER.index(n.kind), int(n.ref[1:])))
    # Each node's place by its ref: finding it with ordered.index() compared dataclasses
    # along the list, for every link (a second of a large network's page).
    place = {node.ref: number for number, node in enumerate(ordered)}
    link_views.sort(key=lambda v: (place[v.source.ref], place[v.target.ref]))
    return NetworkView(
        cluster=cluster, nodes=ordered, links=link_views, law_enforcement=law_enforcement
    )


def access_network(user: User, cluster_id: uuid.UUID | str) -> NetworkView:
    """One network for a user whose agency is involved, redacted to what they may see,
    audited with the people identified; 404 for anyone else."""
    try:
        key = uuid.UUID(str(cluster_id))
    except ValueError as error:
        raise Http404 from error
    cluster = visible_clusters(user).filter(pk=key).first()
    if cluster is None:
        raise Http404
    view = network_view(user, cluster)
    record(
        AuditVerb.NETWORK_VIEWED,
        actor=user,
        target_type=TargetType.NETWORK,
        target_id=cluster.pk,
        legal_basis=LegalBasis.LAW_ENFORCEMENT
        if view.law_enforcement
        else LegalBasis.SAFEGUARDING_AND_LAW_ENFORCEMENT,
        payload={
            "people_shown": [str(n.person_id) for n in view.nodes if n.person_id is not None],
            # What law enforcement showed beyond need-to-know: the adults by id, and how
            # many phones, vehicles and addresses (their values stay out of the log).
            "adults_for_law_enforcement": [
                n.key for n in view.shown_for_law_enforcement if n.kind == NodeKind.ADULT
            ],
            "identifiers_for_law_enforcement": sum(
                1 for n in view.shown_for_law_enforcement if n.kind != NodeKind.ADULT
            ),
            "withheld": view.hidden,
        },
    )
    return view


def cluster_for_alert(user: User, alert_id: uuid.UUID) -> uuid.UUID:
    """The network an alert's hub is in now, if ``user`` may open it; 404 otherwise."""
    alert = NetworkAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    member = (
        ClusterMember.objects.filter(key=alert.hub_key, cluster__in=visible_clusters(user))
        .values_list("cluster_id", flat=True)
        .first()
    )
    if member is None:
        raise Http404
    return member


# Export (command line) ------------------------------------------------------------------


def export_networks(*, limit: int | None = None) -> list[dict[str, Any]]:
    """Every network, highest risk first, with its members and the evidence for each link,
    for an operator or analyst at the command line (the whole data set, audited)."""
    clusters = list(Cluster.objects.order_by("rank")[:limit] if limit else Cluster.objects.all())
    ids = [c.pk for c in clusters]
    members_by: dict[uuid.UUID, list[ClusterMember]] = {}
    for member in ClusterMember.objects.filter(cluster_id__in=ids).select_related("person"):
        members_by.setdefault(member.cluster_id, []).append(member)
    links_by: dict[uuid.UUID, list[ClusterLink]] = {}
    for link in ClusterLink.objects.filter(cluster_id__in=ids).prefetch_related(
        Prefetch("evidence", queryset=LinkEvidence.objects.select_related("agency"))
    ):
        links_by.setdefault(link.cluster_id, []).append(link)
    result = []
    for cluster in clusters:
        members = sorted(
            members_by.get(cluster.pk, []), key=lambda m: (KIND_ORDER.index(m.kind), m.key)
        )
        result.append(
            {
                "id": str(cluster.pk),
                "rank": cluster.rank,
                "score": cluster.score,
                "children": cluster.children,
                "agencies": cluster.agencies,
                "exploitation_concerns": cluster.exploitation_concerns,
                "latest_concern_at": cluster.latest_concern_at.isoformat()
                if cluster.latest_concern_at
                else None,
                "members": [
                    {
                        "key": m.key,
                        "kind": m.kind,
                        "person_id": str(m.person_id) if m.person_id else None,
                        "name": m.person.full_name if m.person is not None else "",
                        "value": m.value,
                        "known_to": m.known_to,
                    }
                    for m in members
                ],
                "links": [
                    {
                        "source": link.source,
                        "target": link.target,
                        "kind": link.kind,
                        "evidence": [
                            {
                                "concern_id": str(e.concern_id) if e.concern_id else None,
                                "agency": e.agency.code,
                                "seen_at": e.seen_at.isoformat() if e.seen_at else None,
                                "category": e.category,
                            }
                            for e in link.evidence.all()
                        ],
                    }
                    for link in links_by.get(cluster.pk, [])
                ],
            }
        )
    record(
        AuditVerb.NETWORKS_EXPORTED,
        actor=None,
        actor_label="networks-export",
        target_type=TargetType.NETWORK_LIST,
        legal_basis=LegalBasis.SAFEGUARDING_AND_LAW_ENFORCEMENT,
        payload={"networks": [str(c.pk) for c in clusters]},
    )
    return result
