"""The real Splink model on small synthetic data with known truth (no database)."""

from __future__ import annotations

from datetime import date

from safeguarding.linkage import normalise
from safeguarding.linkage.engine import Engine, scored_pairs
from safeguarding.linkage.records import RawPerson, prepare
from safeguarding.linkage.synthetic import generate, pairwise_accuracy

ACCURACY_RECORDS = 4000


def _clusters(records: list[dict[str, object]]) -> dict[str, str]:
    with Engine.open("duckdb") as engine:
        table = engine.register(records)
        model = engine.train(table)
        linker, predictions = engine.predict(table, model, threshold=0.99, explain=False)
        clustered = engine.cluster(linker, predictions, threshold=0.99)
        return {str(row["unique_id"]): str(row["cluster_id"]) for row in clustered.as_record_list()}


def test_resolution_is_accurate_on_generated_people_with_known_truth() -> None:
    records, truth = generate(ACCURACY_RECORDS, seed=11)
    accuracy = pairwise_accuracy(_clusters(records), truth)
    # A wrong merge of two children is worse than a missed one: precision comes first.
    assert accuracy["precision"] >= 0.98, accuracy
    assert accuracy["recall"] >= 0.85, accuracy
    assert accuracy["f1"] >= 0.92, accuracy


def test_pairs_carry_the_level_and_weight_of_every_comparison() -> None:
    records, _ = generate(1500, seed=5)
    bill = prepare(
        RawPerson(
            unique_id="bill",
            given_name="Bill",
            family_name="Hartley",
            date_of_birth=date(2012, 3, 4),
            postcodes=["s60 1aa"],
        )
    )
    william = prepare(
        RawPerson(
            unique_id="william",
            given_name="William",
            family_name="Hartley",
            date_of_birth=date(2012, 4, 3),  # day and month swapped
            postcodes=["S60 1AA"],
        )
    )
    with Engine.open("duckdb") as engine:
        table = engine.register([*records, bill, william])
        model = engine.train(table)
        linker, predictions = engine.predict(table, model, threshold=0.01)
        pairs = scored_pairs(linker, predictions)
    (pair,) = [pair for pair in pairs if {pair.left_id, pair.right_id} == {"bill", "william"}]
    levels = {outcome.comparison: outcome for outcome in pair.outcomes}
    assert levels["Given name"].level == "Nickname or alias"
    assert levels["Given name"].agreed
    assert levels["Date of birth"].level == "Day and month swapped"
    assert levels["Postcode"].level == "A postcode in common"
    assert levels["Postcode"].match_weight > 0
    assert levels["NHS number"].level == "Not recorded on both"


def test_normalised_keys_for_other_entities() -> None:
    assert normalise.registration_key("ab05 cde") == normalise.registration_key("AB0S CDE")
    assert normalise.registration_key("B1G 8OB") == normalise.registration_key("81G BOB")
    assert normalise.normalise_registration(" ab05-cde ") == "AB05CDE"
    assert normalise.normalise_phone("07700 900123") == "+447700900123"
    assert normalise.normalise_phone("+44 7700 900123") == "+447700900123"
    assert normalise.normalise_phone("not a number") is None
    assert normalise.normalise_postcode("s601aa") == "S60 1AA"
    assert normalise.normalise_postcode("nowhere") is None
    assert normalise.normalise_online_identifier("@Jay_Snap ") == "jay_snap"
    assert normalise.normalise_online_identifier("Jay+x@Example.com") == "jay@example.com"
    assert "william" in normalise.given_name_forms("Bill")
    assert normalise.swapped_date(date(2012, 3, 4)) == "2012-04-03"
    assert normalise.swapped_date(date(2012, 3, 14)) is None
