"""The same model and settings on Spark in local mode (pyspark, Java 17)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from safeguarding.linkage.engine import Engine, spark_session
from safeguarding.linkage.synthetic import generate, pairwise_accuracy

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session()
    yield session
    session.stop()


def test_spark_backend_resolves_with_the_same_settings(spark: Any) -> None:
    records, truth = generate(1200, seed=3)
    with Engine.open("spark", spark=spark) as engine:
        assert engine.backend == "spark"
        table = engine.register(records)
        model = engine.train(table)
        linker, predictions = engine.predict(table, model, threshold=0.99, explain=False)
        clustered = engine.cluster(linker, predictions, threshold=0.99)
        clusters = {
            str(row["unique_id"]): str(row["cluster_id"]) for row in clustered.as_record_list()
        }
    assert len(clusters) == len(records)
    accuracy = pairwise_accuracy(clusters, truth)
    assert accuracy["precision"] >= 0.97, accuracy
    assert accuracy["f1"] >= 0.85, accuracy


def test_spark_links_new_records_against_resolved_ones_in_the_same_session(spark: Any) -> None:
    from bench.linkage_speed import link_new, resolve_with_model

    records, truth = generate(1500, seed=5)
    # Every fifteenth record is new: most of their people already have records resolved.
    new = records[::15]
    resolved = [record for index, record in enumerate(records) if index % 15]
    clusters, _timings, model = resolve_with_model(resolved, backend="spark", spark=spark)
    # A second engine on the same session: its tables must not clash with the first's.
    after, _seconds = link_new(resolved, new, clusters, model, backend="spark", spark=spark)
    assert set(after) == set(truth)
    resolved_clusters = {after[record["unique_id"]] for record in resolved}
    joined = [record for record in new if after[record["unique_id"]] in resolved_clusters]
    assert joined, "some new records are people already resolved"
    accuracy = pairwise_accuracy(after, truth)
    assert accuracy["precision"] >= 0.97, accuracy
