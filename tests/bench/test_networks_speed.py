"""The networks benchmark reports what it built, the same for the same seed."""

from __future__ import annotations

from bench import networks_speed


def test_the_networks_benchmark_reports_the_graph_it_built() -> None:
    first = networks_speed.run(0.002, seed=7)
    again = networks_speed.run(0.002, seed=7)

    counts = ("people_named", "details", "nodes", "links", "evidence", "clusters")
    assert {name: first[name] for name in counts} == {name: again[name] for name in counts}
    assert first["people_named"] >= 0.002 * 800_000  # every concern names a child
    assert first["evidence"] >= first["links"] > 0
    assert first["largest_cluster_children"] >= 2 or first["clusters"] == 0
    assert first["alerting_hubs"] <= first["nodes"]
