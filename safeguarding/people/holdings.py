"""What the people app holds about a person, for the registry of holdings (decision 0016):
the person's record itself, the other names, identifiers and contact details agencies
recorded, and which agencies hold a record. Erased last (rank 0): every other app's rows
point at the person."""

from __future__ import annotations

import uuid

from safeguarding.people.models import (
    Address,
    AgencyRecord,
    Identifier,
    Person,
    PersonCorrection,
    PersonName,
    PersonSearchKey,
    Phone,
    Vehicle,
)
from safeguarding.records.holdings import Erasing, HeldItem, register_provider

KINDS = {
    "person": "Personal details",
    "agency-record": "An agency's record",
}


def held(person_id: uuid.UUID) -> list[HeldItem]:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return []
    details: list[tuple[str, str]] = [
        ("Name", person.full_name),
        ("Date of birth", person.date_of_birth.isoformat() if person.date_of_birth else ""),
        ("Sex", person.get_sex_display()),
        ("Child or adult", person.get_kind_display()),
    ]
    details += [(n.get_kind_display(), n.name) for n in person.other_names.all()]
    details += [(i.get_scheme_display(), i.value) for i in person.identifiers.all()]
    details += [("Address", f"{a.line_1}, {a.town}, {a.postcode}") for a in person.addresses.all()]
    details += [("Phone", p.number) for p in person.phones.all()]
    details += [("Vehicle", v.registration) for v in person.vehicles.all()]
    details += [
        (
            f"Correction of {c.corrected_at:%-d %B %Y}",
            f"{c.field}: {c.was or 'blank'} became {c.now or 'blank'} ({c.reason})",
        )
        for c in PersonCorrection.objects.filter(person=person).order_by("corrected_at", "pk")
    ]
    items = [
        HeldItem(
            source="people",
            kind="person",
            item_id=str(person.pk),
            agency_code="",
            recorded_on=person.created_at.date(),
            title="Personal details",
            fields=tuple(details),
        )
    ]
    for held_record in AgencyRecord.objects.filter(person=person).select_related("agency"):
        items.append(
            HeldItem(
                source="people",
                kind="agency-record",
                item_id=str(held_record.pk),
                agency_code=held_record.agency.code,
                recorded_on=held_record.created_at.date(),
                title=f"Record held by {held_record.agency.name}",
                fields=(("Agency's reference", held_record.agency_record_id),),
            )
        )
    return items


def terms_for(person_id: uuid.UUID) -> tuple[str, ...]:
    """Every term that identifies the person in text: each name they are known by (whole,
    and each part), identifiers, phone numbers, postcodes, first lines of addresses and
    vehicle registrations."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return ()
    names = [person.full_name, person.given_name, person.family_name]
    names += list(PersonName.objects.filter(person=person).values_list("name", flat=True))
    # Names corrected since, which records kept for others may still carry.
    names += list(
        PersonCorrection.objects.filter(
            person=person, field__in=("given_name", "family_name")
        ).values_list("was", flat=True)
    )
    words = [word for name in names for word in name.split()]
    values = list(Identifier.objects.filter(person=person).values_list("value", flat=True))
    values += list(Phone.objects.filter(person=person).values_list("number", flat=True))
    for line_1, postcode in Address.objects.filter(person=person).values_list("line_1", "postcode"):
        values += [line_1, postcode]
    values += list(Vehicle.objects.filter(person=person).values_list("registration", flat=True))
    return tuple(dict.fromkeys(term for term in [*names, *words, *values] if term.strip()))


def erase(erasing: Erasing) -> int:
    person_id = erasing.person_id
    removed = 0
    for model in (
        PersonCorrection,
        PersonName,
        PersonSearchKey,
        Identifier,
        Address,
        Phone,
        Vehicle,
    ):
        removed += model.objects.filter(person_id=person_id).delete()[0]
    removed += AgencyRecord.objects.filter(person_id=person_id).delete()[0]
    removed += Person.objects.filter(pk=person_id).delete()[0]
    return removed


def register() -> None:
    register_provider("people", rank=0, held=held, erase=erase, kinds=KINDS)
