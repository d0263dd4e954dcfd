"""Building the networks and raising their alerts. The worker calls rebuild_networks on
every pass; `safeguarding networks --rebuild` calls it on demand."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.access.roles import Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.concerns.models import Concern, ConcernPerson
from safeguarding.networks.graph import (
    AttributeRow,
    ClusterResult,
    ConcernRow,
    Graph,
    Hub,
    attribute_key,
    build_graph,
    clusters,
    collector_paused,
    hubs,
    is_person,
    member_reason,
    node_key,
    person_uuid,
)
from safeguarding.networks.models import (
    Cluster,
    ClusterAgency,
    ClusterLink,
    ClusterMember,
    LinkEvidence,
    LinkKind,
    NetworkAlert,
    NetworkBuild,
    NodeKind,
)
from safeguarding.notifications.actions import Digest, notify_users
from safeguarding.people.models import Address, Phone, Vehicle
from safeguarding.worklists.actions import Sent, record_sent

CLUSTER_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4c59-9d61-0b7e2f6a4c11")
HUB_WORDS: dict[str, str] = {
    NodeKind.ADULT: "the same adult",
    NodeKind.VEHICLE: "the same vehicle",
    NodeKind.PHONE: "the same phone",
    NodeKind.ADDRESS: "the same address",
}


@dataclass(frozen=True)
class NetworkSettings:
    """Thresholds, per deployment (docs/operators/configuration.md)."""

    alert_min_children: int
    alert_min_agencies: int
    cluster_min_children: int
    lookback_days: int

    @classmethod
    def current(cls) -> NetworkSettings:
        return cls(
            alert_min_children=settings.NETWORK_ALERT_MIN_CHILDREN,
            alert_min_agencies=settings.NETWORK_ALERT_MIN_AGENCIES,
            cluster_min_children=settings.NETWORK_CLUSTER_MIN_CHILDREN,
            lookback_days=settings.NETWORK_LOOKBACK_DAYS,
        )


# Reading the rows ---------------------------------------------------------------------

CHUNK = 20_000


def _concern_rows(since: datetime) -> Iterator[ConcernRow]:
    rows = (
        ConcernPerson.objects.filter(concern__recorded_at__gte=since)
        .order_by()
        .values_list(
            "concern_id",
            "person_id",
            "role",
            "person__kind",
            "concern__agency_id",
            "concern__local_authority_id",
            "concern__recorded_at",
            "concern__category",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield ConcernRow(*row)


def _attribute_rows(since: datetime) -> Iterator[AttributeRow]:
    named = (
        ConcernPerson.objects.filter(concern__recorded_at__gte=since).order_by().values("person_id")
    )
    for person_id, registration, agency_id in (
        Vehicle.objects.filter(person_id__in=named)
        .order_by()
        .values_list("person_id", "registration", "recorded_by_id")
        .iterator(chunk_size=CHUNK)
    ):
        yield AttributeRow(
            NodeKind.VEHICLE,
            person_id,
            attribute_key(NodeKind.VEHICLE, registration),
            registration,
            agency_id,
            None,
        )
    for person_id, number, agency_id in (
        Phone.objects.filter(person_id__in=named)
        .order_by()
        .values_list("person_id", "number", "recorded_by_id")
        .iterator(chunk_size=CHUNK)
    ):
        yield AttributeRow(
            NodeKind.PHONE,
            person_id,
            attribute_key(NodeKind.PHONE, number),
            number,
            agency_id,
            None,
        )
    for person_id, line_1, postcode, agency_id, recorded_at in (
        Address.objects.filter(person_id__in=named)
        .order_by()
        .values_list("person_id", "line_1", "postcode", "recorded_by_id", "recorded_at")
        .iterator(chunk_size=CHUNK)
    ):
        yield AttributeRow(
            NodeKind.ADDRESS,
            person_id,
            attribute_key(NodeKind.ADDRESS, line_1, postcode),
            f"{line_1}, {postcode}",
            agency_id,
            recorded_at,
        )


def load_graph(since: datetime) -> Graph:
    return build_graph(_concern_rows(since), _attribute_rows(since))


def _fingerprint(since: datetime, config: NetworkSettings) -> str:
    """What a build reads, summarised in a few aggregate queries: when nothing was added,
    changed or re-pointed (merged) since the last build, the result would be the same."""
    concerns = Concern.objects.aggregate(count=Count("pk"), latest=Max("received_at"))
    named = ConcernPerson.objects.aggregate(count=Count("pk"), top=Max("pk"))
    parts = [
        since.date().isoformat(),
        str(config),
        str(concerns["count"]),
        str(concerns["latest"]),
        str(named["count"]),
        str(named["top"]),
    ]
    for model in (Vehicle, Phone, Address):
        details = model.objects.aggregate(count=Count("pk"), top=Max("pk"))
        parts += [str(details["count"]), str(details["top"])]
    return "|".join(parts)[:200]


# Storing clusters ---------------------------------------------------------------------


def cluster_id_for(first_key: str) -> uuid.UUID:
    return uuid.uuid5(CLUSTER_NAMESPACE, first_key)


def _forces_by_authority() -> dict[int, set[int]]:
    forces: dict[int, set[int]] = {}
    for force_id, authority_id in Agency.objects.filter(
        kind=AgencyKind.POLICE_FORCE, home_authority__isnull=False
    ).values_list("pk", "home_authority_id"):
        forces.setdefault(authority_id, set()).add(force_id)
    return forces


def _store(
    graph: Graph, results: list[ClusterResult], agency_kinds: dict[int, str], now: datetime
) -> None:
    """Replace the stored clusters with ``results``."""
    LinkEvidence.objects.all().delete()
    ClusterLink.objects.all().delete()
    ClusterMember.objects.all().delete()
    ClusterAgency.objects.all().delete()
    Cluster.objects.all().delete()
    forces = _forces_by_authority()
    rows: list[Cluster] = []
    involved: list[ClusterAgency] = []
    members: list[ClusterMember] = []
    links: list[tuple[ClusterLink, list[LinkEvidence]]] = []
    for rank, result in enumerate(results, start=1):
        cluster = Cluster(
            id=cluster_id_for(result.first_key),
            rank=rank,
            score=result.score,
            children=result.children,
            agencies=len(result.agencies),
            exploitation_concerns=result.exploitation_concerns,
            latest_concern_at=result.latest_concern_at,
            built_at=now,
        )
        rows.append(cluster)
        agencies = set(result.agencies) | result.local_authorities
        for authority in result.local_authorities:
            agencies |= forces.get(authority, set())
        involved += [ClusterAgency(cluster=cluster, agency_id=a) for a in sorted(agencies)]
        member_set = set(result.members)
        for node in result.members:
            key = node_key(node)
            neighbours = graph.adjacency.get(node, set())
            person = is_person(node)
            members.append(
                ClusterMember(
                    cluster=cluster,
                    key=key,
                    kind=graph.kinds[node],
                    person_id=person_uuid(node) if person else None,
                    value="" if person else graph.value(str(node))[:300],
                    known_to=sorted({agency_kinds[a] for a in graph.agencies_of(node)}),
                    held_by=[]
                    if person
                    else sorted(node_key(n) for n in neighbours if is_person(n)),
                    reason=member_reason(graph, node, member_set)[:300],
                )
            )
            for other in neighbours:
                evidence = graph.edges.get((node, other))
                if evidence is None or other not in member_set:
                    continue  # stored the other way round, and so made from the other end
                link = ClusterLink(
                    cluster=cluster,
                    source=key,
                    target=node_key(other),
                    kind=LinkKind.NAMED_WITH if is_person(other) else LinkKind.HOLDS,
                )
                links.append(
                    (
                        link,
                        [
                            LinkEvidence(
                                concern_id=item.concern_id,
                                agency_id=item.agency_id,
                                seen_at=item.seen_at,
                                category=item.category,
                            )
                            for item in dict.fromkeys(evidence)
                        ],
                    )
                )
    Cluster.objects.bulk_create(rows, batch_size=1000)
    ClusterAgency.objects.bulk_create(involved, batch_size=2000)
    ClusterMember.objects.bulk_create(members, batch_size=2000)
    ClusterLink.objects.bulk_create([link for link, _ in links], batch_size=2000)
    evidence_rows = []
    for link, found in links:
        for row in found:
            row.link = link
            evidence_rows.append(row)
    LinkEvidence.objects.bulk_create(evidence_rows, batch_size=2000)


# Alerts --------------------------------------------------------------------------------


def alert_recipients(
    agencies: set[int], local_authorities: set[int], forces_by_authority: dict[int, set[int]]
) -> list[User]:
    """The MASH triage officers of each local authority involved and the police analysts of
    every force involved: forces that recorded something, and those covering the area."""
    kinds = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "kind"))
    authorities = set(local_authorities) | {
        a for a, kind in kinds.items() if kind == AgencyKind.LOCAL_AUTHORITY
    }
    forces = {a for a, kind in kinds.items() if kind == AgencyKind.POLICE_FORCE}
    for authority in authorities:
        forces |= forces_by_authority.get(authority, set())
    mash = User.objects.filter(
        agency_id__in=authorities, role=Role.MASH_TRIAGE, is_active=True
    ).order_by("pk")
    analysts = User.objects.filter(
        agency_id__in=forces, role=Role.POLICE_ANALYST, is_active=True
    ).order_by("pk")
    return [*mash, *analysts]


def _hub_agencies(graph: Graph, hub: Hub) -> tuple[set[int], set[int]]:
    """Agencies involved with a hub, and the local authorities of its children's concerns."""
    agencies = set(hub.agencies) | graph.agencies_of(hub.node)
    for neighbour in graph.adjacency.get(hub.node, ()):
        if graph.kinds[neighbour] == NodeKind.ADULT:
            agencies |= graph.agencies_of(neighbour)
    authorities = {
        graph.concerns[c].local_authority_id
        for child in hub.children
        for c in graph.person_concerns.get(child, ())
    }
    return agencies, authorities


@dataclass
class AlertCounts:
    raised: int = 0
    updated: int = 0


# Alerts about many networks, raised while the first is unread, reach each person as one.
NETWORK_ALERTS = Digest(
    key="network-alerts",
    subject="Network alerts: {count} networks of children linked across agencies",
    body="{count} networks of children known to several agencies were found or grew. Open "
    "the networks page to see each one, its links and the evidence for each.",
    link="/networks/",
)


def _raise_alerts(graph: Graph, found: list[Hub], now: datetime) -> AlertCounts:
    counts = AlertCounts()
    if not found:
        return counts
    forces = _forces_by_authority()
    existing = {
        alert.hub_key: alert
        for alert in NetworkAlert.objects.select_for_update().filter(
            hub_key__in=[hub.key for hub in found]
        )
    }
    for hub in sorted(found, key=lambda h: h.key):
        child_ids = sorted(str(person_uuid(c)) for c in hub.children)
        agencies, authorities = _hub_agencies(graph, hub)
        recipients = alert_recipients(agencies, authorities, forces)
        alert = existing.get(hub.key)
        if alert is not None and set(child_ids) <= set(alert.child_ids):
            continue  # nothing new: raised once, not repeated
        if alert is None:
            alert = NetworkAlert(hub_key=hub.key, hub_kind=hub.kind, raised_at=now)
            newcomers = recipients
            counts.raised += 1
        else:
            told = set(alert.told)
            newcomers = [user for user in recipients if user.pk not in told]
            counts.updated += 1
        alert.children = len(child_ids)
        alert.agencies = len(hub.agencies)
        alert.child_ids = sorted(set(alert.child_ids) | set(child_ids))
        alert.agency_ids = sorted(set(alert.agency_ids) | agencies)
        alert.told = sorted(set(alert.told) | {user.pk for user in newcomers})
        alert.updated_at = now
        alert.save()
        # A receipt for each agency whose staff are told for the first time.
        record_sent(
            "network-alert",
            [
                Sent(alert.pk, agency_id, None, now)
                for agency_id in sorted({u.agency_id for u in newcomers if u.agency_id})
            ],
            actor=None,
        )
        notify_users(
            newcomers,
            subject="Network alert: children linked across agencies",
            body=f"{len(child_ids)} children known to {len(hub.agencies)} agencies are "
            f"connected to {HUB_WORDS[hub.kind]}. Open the network to see the links and the "
            "evidence for each.",
            link=reverse("networks:alert", args=[alert.pk]),
            digest=NETWORK_ALERTS,
        )
        record(
            AuditVerb.NETWORK_ALERT_RAISED,
            actor=None,
            target_type=TargetType.NETWORK_ALERT,
            target_id=alert.pk,
            legal_basis=LegalBasis.SAFEGUARDING_AND_LAW_ENFORCEMENT,
            payload={
                "hub_kind": hub.kind,
                "children": child_ids,
                "agencies": sorted(hub.agencies),
                "updated": alert.raised_at != now,
                "told": [user.pk for user in newcomers],
            },
        )
    return counts


# The build -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    skipped: bool
    clusters: int = 0
    alerts_raised: int = 0
    alerts_updated: int = 0

    def summary(self) -> str:
        if self.skipped:
            return "networks unchanged"
        return (
            f"{self.clusters} network(s), {self.alerts_raised} alert(s) raised, "
            f"{self.alerts_updated} updated"
        )


def rebuild_networks(
    *,
    force: bool = False,
    now: datetime | None = None,
    step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Rebuild every network from the concerns and raise or update alerts, in one
    transaction. Skipped when nothing it reads has changed since the last build, unless
    ``force``. Run by the worker and by operators (no acting user). ``step`` is told as
    each stage ends, for a progress bar."""
    now = now or timezone.now()
    done = step or (lambda _stage: None)
    config = NetworkSettings.current()
    since = now - timedelta(days=config.lookback_days)
    with transaction.atomic():
        fingerprint = _fingerprint(since, config)
        build = NetworkBuild.objects.select_for_update().order_by("pk").first()
        if not force and build is not None and build.fingerprint == fingerprint:
            return BuildResult(skipped=True)
        with collector_paused():
            graph = load_graph(since)
            done("read")
            results = clusters(graph, now=now, min_children=config.cluster_min_children)
            done("ranked")
        agency_kinds = dict(Agency.objects.values_list("pk", "kind"))
        _store(graph, results, agency_kinds, now)
        done("stored")
        found = hubs(
            graph,
            min_children=config.alert_min_children,
            min_agencies=config.alert_min_agencies,
        )
        counts = _raise_alerts(graph, found, now)
        done("alerted")
        if build is None:
            build = NetworkBuild()
        build.fingerprint = fingerprint
        build.built_at = now
        build.clusters = len(results)
        build.alerts_raised = counts.raised
        build.save()
    return BuildResult(
        skipped=False,
        clusters=len(results),
        alerts_raised=counts.raised,
        alerts_updated=counts.updated,
    )
