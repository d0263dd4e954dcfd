"""new_person builds a Person by position: the values must land in the fields meant."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from safeguarding.people.actions import PersonDetails
from safeguarding.people.details import PERSON_FIELD_ORDER, new_person
from safeguarding.people.models import Person


def test_the_field_order_new_person_relies_on_is_the_models() -> None:
    assert tuple(field.attname for field in Person._meta.concrete_fields) == PERSON_FIELD_ORDER


def test_new_person_sets_each_field_from_the_details() -> None:
    before = timezone.now()
    details = PersonDetails(
        given_name=" Amelia ",
        family_name="Hartley ",
        date_of_birth=date(2014, 5, 17),
        date_of_birth_is_estimated=True,
        kind="child",
        sex="female",
    )

    person = new_person(details)
    other = new_person(details)

    assert (
        person.kind,
        person.given_name,
        person.family_name,
        person.date_of_birth,
        person.date_of_birth_is_estimated,
        person.sex,
    ) == ("child", "Amelia", "Hartley", date(2014, 5, 17), True, "female")
    assert person.pk is not None
    assert person.pk != other.pk
    assert before <= person.created_at <= timezone.now()
    assert person._state.adding
