"""``one_of``: the same rows as ``in``, whatever the database and the list."""

from __future__ import annotations

import uuid

import pytest

from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Identifier, Person, PersonKind

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def people() -> list[Person]:
    made = [
        Person.objects.create(kind=PersonKind.CHILD, given_name=f"Child {n}", family_name="Test")
        for n in range(5)
    ]
    for number, person in enumerate(made):
        Identifier.objects.create(
            person=person, scheme=IdentifierScheme.AGENCY_LOCAL, value=f"REF-{number}"
        )
    return made


def test_one_of_finds_what_in_finds(people: list[Person]):
    wanted = [people[0].pk, people[3].pk, uuid.uuid4(), people[3].pk]  # unknown and repeated
    by_one_of = set(Person.objects.filter(pk__one_of=wanted).values_list("pk", flat=True))
    assert by_one_of == set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert by_one_of == {people[0].pk, people[3].pk}


def test_one_of_on_text_and_foreign_keys(people: list[Person]):
    values = ["REF-1", "REF-4", "REF-9"]
    rows = Identifier.objects.filter(value__one_of=values, person_id__one_of=[people[4].pk])
    assert list(rows.values_list("value", flat=True)) == ["REF-4"]


def test_one_of_a_long_list(people: list[Person]):
    values = [f"REF-{number}" for number in range(20_000)]
    assert Identifier.objects.filter(value__one_of=values).count() == 5


def test_one_of_nothing_is_nothing(people: list[Person]):
    assert not Person.objects.filter(pk__one_of=[]).exists()
    assert Person.objects.exclude(pk__one_of=[]).count() == 5
