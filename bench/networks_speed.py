"""How long the network build takes over a million links, in memory.

    .venv/bin/python -m bench.networks_speed            # just over 1,000,000 links
    .venv/bin/python -m bench.networks_speed --scale 0.1

Generates the rows the build reads from the database (seeded): 800,000 concerns per
scale 1, each naming a child from a pool of 400,000 and, for two in three, an adult of
concern from a pool of 60,000 (so adults link several children), and 800,000 vehicles,
phones and addresses recorded against adults and children, nine in ten drawn from a
shared pool. Then times, one after the other, building the graph
(safeguarding/networks/graph.py build_graph), splitting it into networks (cores of
adults, vehicles, phones and addresses, each with its children) and ranking them, and
finding the hubs that would alert: the total is what the requirement of 10 seconds for a
million links is about. Then, apart, making the dicts that
storing the clusters reads (nodes' kinds, links with their evidence, neighbours,
concerns), which the graph makes on first use. Reading the rows from the database is not
included: it is one streaming query per table.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta


def _rows(scale: float, seed: int) -> tuple[list[object], list[object]]:
    from safeguarding.concerns.models import ConcernCategory, PersonRole
    from safeguarding.networks.graph import AttributeRow, ConcernRow
    from safeguarding.networks.models import NodeKind
    from safeguarding.people.models import PersonKind

    rng = random.Random(seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    concerns = int(800_000 * scale)
    children = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(int(400_000 * scale))]
    adults = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(int(60_000 * scale))]
    categories = list(ConcernCategory.values)
    concern_rows: list[object] = []
    for _ in range(concerns):
        concern = uuid.UUID(int=rng.getrandbits(128))
        agency = rng.randrange(1, 400)
        authority = rng.randrange(1000, 1153)
        when = now - timedelta(days=rng.randrange(1000))
        category = rng.choice(categories)
        child = rng.choice(children)
        concern_rows.append(
            ConcernRow(
                concern,
                child,
                PersonRole.CHILD,
                PersonKind.CHILD,
                agency,
                authority,
                when,
                category,
            )
        )
        if rng.random() < 2 / 3:
            concern_rows.append(
                ConcernRow(
                    concern,
                    rng.choice(adults),
                    PersonRole.ADULT_OF_CONCERN,
                    PersonKind.ADULT,
                    agency,
                    authority,
                    when,
                    category,
                )
            )
    attribute_rows: list[object] = []
    kinds = [NodeKind.VEHICLE, NodeKind.PHONE, NodeKind.ADDRESS]
    for _ in range(int(800_000 * scale)):
        kind = rng.choice(kinds)
        owner = rng.choice(adults) if rng.random() < 0.5 else rng.choice(children)
        # Nine in ten details are shared among a pool; the rest are each person's own.
        shared = rng.random() < 0.9
        value = (
            f"shared-{rng.randrange(int(150_000 * scale) or 1)}"
            if shared
            else str(uuid.UUID(int=rng.getrandbits(128)))
        )
        attribute_rows.append(
            AttributeRow(kind, owner, f"{kind}:{value}", value, rng.randrange(1, 400), None)
        )
    return concern_rows, attribute_rows


def run(scale: float = 1.0, *, seed: int = 2026) -> dict[str, float]:
    """Build, rank and find the alerting hubs of the generated rows; the figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()
    from safeguarding.networks.graph import build_graph, clusters, collector_paused, hubs

    with collector_paused():
        concern_rows, attribute_rows = _rows(scale, seed)
        # As rebuild_networks does: the collector is paused for the build.
        started, cpu_started = time.perf_counter(), time.process_time()
        graph = build_graph(concern_rows, attribute_rows)
        built = time.perf_counter()
        ranked = clusters(graph, now=datetime(2026, 11, 1, tzinfo=UTC), min_children=2)
        ranked_at = time.perf_counter()
        alerting = hubs(graph, min_children=3, min_agencies=2)
        done, cpu_done = time.perf_counter(), time.process_time()
        edges = graph.edges
        for made_on_first_use in (
            "kinds",
            "adjacency",
            "concerns",
            "person_concerns",
            "readings",
            "recorders",
        ):
            getattr(graph, made_on_first_use)
        viewed = time.perf_counter()
    return {
        "people_named": float(len(concern_rows)),
        "details": float(len(attribute_rows)),
        "nodes": float(len(graph.kinds)),
        "links": float(len(edges)),
        "evidence": float(sum(len(items) for items in edges.values())),
        "clusters": float(len(ranked)),
        "largest_cluster_children": float(max((c.children for c in ranked), default=0)),
        "alerting_hubs": float(len(alerting)),
        "build_seconds": built - started,
        "rank_seconds": ranked_at - built,
        "hubs_seconds": done - ranked_at,
        "total_seconds": done - started,
        "total_cpu_seconds": cpu_done - cpu_started,
        "store_dicts_seconds": viewed - done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    figures = run(args.scale, seed=args.seed)
    print(f"load average before: {load:.1f} (2 cores)")
    print(
        f"rows: {figures['people_named']:,.0f} people named in concerns, "
        f"{figures['details']:,.0f} details"
    )
    print(
        f"graph: {figures['nodes']:,.0f} nodes, {figures['links']:,.0f} links, "
        f"{figures['evidence']:,.0f} evidence"
    )
    print(
        f"clusters with 2+ children: {figures['clusters']:,.0f} "
        f"(largest: {figures['largest_cluster_children']:,.0f} children)"
    )
    print(f"hubs that would alert: {figures['alerting_hubs']:,.0f}")
    print(
        f"build {figures['build_seconds']:.2f} s, components and rank "
        f"{figures['rank_seconds']:.2f} s, hubs {figures['hubs_seconds']:.2f} s, total "
        f"{figures['total_seconds']:.2f} s ({figures['total_cpu_seconds']:.2f} s of CPU)"
    )
    print(
        f"not in the total: the dicts that storing reads, made on first use, "
        f"{figures['store_dicts_seconds']:.2f} s"
    )


if __name__ == "__main__":
    main()
