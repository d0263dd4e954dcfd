"""The engine on records shaped unlike the project's own generator: names the wrong way
round, addresses without a shared postcode, and agencies that hold only names and dates
of birth. The real Splink model runs (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguarding.linkage import normalise
from safeguarding.linkage.engine import Engine, ScoredPair, columns_present, scored_pairs
from safeguarding.linkage.records import RawPerson, prepare
from safeguarding.linkage.synthetic import generate, pairwise_accuracy

BACKGROUND = 1500


def _scored(records: list[dict[str, Any]]) -> list[ScoredPair]:
    """Every blocked pair with its probability, after training on ``records``."""
    with Engine.open("duckdb") as engine:
        table = engine.register(records)
        model = engine.train(table)
        linker, predictions = engine.predict(table, model, threshold=0.0)
        return scored_pairs(linker, predictions)


def _pair(pairs: list[ScoredPair], left: str, right: str) -> ScoredPair | None:
    found = [pair for pair in pairs if {pair.left_id, pair.right_id} == {left, right}]
    return found[0] if found else None


def test_names_the_wrong_way_round_reach_comparison_and_score_as_a_match() -> None:
    records, _ = generate(BACKGROUND, seed=21)
    born = date(2011, 6, 17)
    first = prepare(
        RawPerson(
            unique_id="given-first",
            given_name="Amara",
            family_name="Okonkwo",
            date_of_birth=born,
            sex="female",
        )
    )
    swapped = prepare(
        RawPerson(
            unique_id="family-first",
            given_name="Okonkwo",
            family_name="Amara",
            date_of_birth=born,
            sex="female",
        )
    )
    pair = _pair(_scored([*records, first, swapped]), "given-first", "family-first")
    assert pair is not None, "the swapped names never reached comparison"
    levels = {outcome.comparison: outcome.level for outcome in pair.outcomes}
    assert levels["Given name"] == "Written as the family name"
    assert levels["Family name"] == "Written as the given name"
    assert pair.match_probability >= 0.97


def test_the_same_house_and_street_links_records_without_a_date_or_a_shared_postcode() -> None:
    records, _ = generate(BACKGROUND, seed=22)
    # The generator's records carry no address lines: give every one a distinct address,
    # so that the address comparison is learnt from the data as the others are.
    for index, record in enumerate(records):
        street = normalise.street_address(f"{index % 97 + 1} Street {index // 97}")
        record.update(
            house_number=street.number,
            street=street.street,
            street_metaphone=normalise.metaphone((street.street or "").replace(" ", "")),
            address_keys=[street.key],
            town="northbridge",
            towns=["northbridge"],
        )
    one = prepare(
        RawPerson(
            unique_id="school",
            given_name="Kacper",
            family_name="Wisniewski",
            postcodes=["ZZ1 4AB"],
            addresses=[("Flat 2, 14 Alder Cl", "Northbridge")],
        )
    )
    other = prepare(
        RawPerson(
            unique_id="health",
            given_name="Kacper",
            family_name="Wisnewski",
            postcodes=["ZZ1 4BA"],
            addresses=[("14 Alder Close", "Northbridge")],
        )
    )
    assert one["address_keys"] == other["address_keys"] == ["14 alder close"]
    pair = _pair(_scored([*records, one, other]), "school", "health")
    assert pair is not None, "the same address never reached comparison"
    levels = {outcome.comparison: outcome.level for outcome in pair.outcomes}
    assert levels["Address"] == "Same house and street"
    assert pair.match_probability >= 0.8


def test_records_with_only_names_and_dates_of_birth_train_and_resolve() -> None:
    records, truth = generate(3000, seed=23)
    kept = {"unique_id", "given_name", "given_forms", "given_metaphone", "family_name"}
    kept |= {"family_metaphone", "family_soundex", "dob", "dob_swapped", "birth_year"}
    kept |= {"dob_estimated"}
    bare = [
        {column: (value if column in kept else None) for column, value in r.items()}
        for r in records
    ]
    present = columns_present(bare)
    assert "postcodes" not in present
    assert "nhs_number" not in present
    with Engine.open("duckdb") as engine:
        table = engine.register(bare)
        model = engine.train(table)
        linker, predictions = engine.predict(table, model, threshold=0.97, explain=False)
        clustered = engine.cluster(linker, predictions, threshold=0.97)
        clusters = {
            str(row["unique_id"]): str(row["cluster_id"]) for row in clustered.as_record_list()
        }
    compared = {comparison["output_column_name"] for comparison in model["comparisons"]}
    assert compared == {"given_name", "family_name", "dob"}
    accuracy = pairwise_accuracy(clusters, truth)
    # Names and dates alone still find most people, and wrong merges stay rare.
    assert accuracy["precision"] >= 0.98, accuracy
    assert accuracy["recall"] >= 0.6, accuracy


def test_street_addresses_are_normalised_to_house_number_and_street() -> None:
    assert normalise.street_address("Flat 3, 22a Mill Ln").key == "22a mill lane"
    assert normalise.street_address("22A MILL LANE").key == "22a mill lane"
    assert normalise.street_address("Willow Lodge, 7 O'Neill Rd").key == "7 oneill road"
    # A street run into its type, as a typist may leave it.
    assert normalise.street_address("177 pridhamstreet").street == "pridham street"
    nameless = normalise.street_address("Rose Cottage")
    assert nameless.number is None
    assert nameless.key is None
    assert normalise.postcode_key("s601aa") == "S60 1AA"
    assert normalise.postcode_key(" 4223 ") == "4223"
