"""Prepared records: what the linkage engine compares, built the same way from the
database (``records_for``) and from the benchmark's synthetic people (``prepare``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safeguarding.linkage import normalise


@dataclass
class RawPerson:
    """One person's details as an agency recorded them, before normalisation."""

    unique_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    date_of_birth_is_estimated: bool = False
    sex: str = ""
    other_names: Sequence[str] = ()
    postcodes: Sequence[str] = ()
    # (first line, town) of each address, oldest first, as postcodes are.
    addresses: Sequence[tuple[str, str]] = ()
    phones: Sequence[str] = ()
    nhs_number: str = ""
    upn: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def prepare(person: RawPerson) -> dict[str, Any]:
    """The engine's record (see engine.RECORD_COLUMNS) for one person."""
    given = normalise.first_token(person.given_name)
    forms: set[str] = set(normalise.given_name_forms(person.given_name))
    for other in person.other_names:
        forms.update(normalise.given_name_forms(other))
    family = normalise.surname_key(person.family_name)
    postcodes = [code for code in (normalise.postcode_key(raw) for raw in person.postcodes) if code]
    streets = [normalise.street_address(line) for line, _town in person.addresses]
    latest = next((street for street in reversed(streets) if street.street), None)
    towns = [
        town for town in (normalise.town_key(town) for _line, town in person.addresses) if town
    ]
    phones = [
        number for number in (normalise.normalise_phone(raw) for raw in person.phones) if number
    ]
    born = person.date_of_birth
    sex = {"female": "f", "male": "m", "f": "f", "m": "m"}.get(person.sex.lower())
    return {
        "unique_id": person.unique_id,
        "given_name": given,
        "given_forms": sorted(forms) or None,
        "given_metaphone": normalise.metaphone(given),
        "family_name": family,
        "family_metaphone": normalise.metaphone(family),
        "family_soundex": normalise.soundex(family),
        "dob": normalise.iso_date(born),
        "dob_swapped": None if person.date_of_birth_is_estimated else normalise.swapped_date(born),
        "birth_year": born.year if born else None,
        "dob_estimated": bool(person.date_of_birth_is_estimated) if born else None,
        "sex": sex,
        "postcode": postcodes[-1] if postcodes else None,
        "postcodes": sorted(set(postcodes)) or None,
        "districts": sorted(
            {
                normalise.postcode_district(code)
                for code in postcodes
                if normalise.normalise_postcode(code)
            }
        )
        or None,
        "house_number": latest.number if latest else None,
        "street": latest.street if latest else None,
        "street_metaphone": normalise.metaphone(latest.street.replace(" ", ""))
        if latest and latest.street
        else None,
        "address_keys": sorted({street.key for street in streets if street.key}) or None,
        "town": towns[-1] if towns else None,
        "towns": sorted(set(towns)) or None,
        "phone": phones[-1] if phones else None,
        "phones": sorted(set(phones)) or None,
        "nhs_number": person.nhs_number or None,
        "upn": person.upn or None,
    }


def records_for(person_ids: Iterable[uuid.UUID | str] | None = None) -> list[dict[str, Any]]:
    """Prepared records of the given people (every person when None), read in a fixed
    number of queries. Internal to linkage runs: nothing here is shown to a user."""
    from safeguarding.people.identifiers import IdentifierScheme
    from safeguarding.people.models import Address, Identifier, Person, PersonName, Phone

    people = Person.objects.all()
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = list(
        people.order_by("created_at", "pk").values_list(
            "pk",
            "given_name",
            "family_name",
            "date_of_birth",
            "date_of_birth_is_estimated",
            "sex",
        )
    )
    ids = [row[0] for row in rows]
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    postcodes: dict[uuid.UUID, list[str]] = defaultdict(list)
    addresses: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    phones: dict[uuid.UUID, list[str]] = defaultdict(list)
    identifiers: dict[tuple[uuid.UUID, str], str] = {}
    for chunk in _chunks(ids, 2000):
        for person_id, name in PersonName.objects.filter(person_id__in=chunk).values_list(
            "person_id", "name"
        ):
            names[person_id].append(name)
        for person_id, postcode, line_1, town in (
            Address.objects.filter(person_id__in=chunk)
            .order_by("recorded_at", "pk")
            .values_list("person_id", "postcode", "line_1", "town")
        ):
            postcodes[person_id].append(postcode)
            addresses[person_id].append((line_1, town))
        for person_id, number in (
            Phone.objects.filter(person_id__in=chunk)
            .order_by("pk")
            .values_list("person_id", "number")
        ):
            phones[person_id].append(number)
        for person_id, scheme, value in (
            Identifier.objects.filter(
                person_id__in=chunk,
                scheme__in=(IdentifierScheme.NHS_NUMBER, IdentifierScheme.UNIQUE_PUPIL_NUMBER),
            )
            .order_by("pk")
            .values_list("person_id", "scheme", "value")
        ):
            identifiers.setdefault((person_id, scheme), value)
    return [
        prepare(
            RawPerson(
                unique_id=str(pk),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                date_of_birth_is_estimated=estimated,
                sex=sex,
                other_names=names[pk],
                postcodes=postcodes[pk],
                addresses=addresses[pk],
                phones=phones[pk],
                nhs_number=identifiers.get((pk, IdentifierScheme.NHS_NUMBER), ""),
                upn=identifiers.get((pk, IdentifierScheme.UNIQUE_PUPIL_NUMBER), ""),
            )
        )
        for pk, given, family, born, estimated, sex in rows
    ]


def _chunks(items: Sequence[uuid.UUID], size: int) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
