"""Person search tolerates typos, swapped dates and formatting, within need-to-know."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.people.queries import SearchCriteria, search_persons
from tests.factories import Area, child_details, make_concern, nhs_number_for

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def known(area: Area):
    people = {}
    for given, family, born, seed in [
        ("Amelia", "Hartley", date(2014, 5, 7), 11),
        ("Jayden", "Smith", date(2012, 1, 30), 12),
        ("Oliwia", "Kowalczyk", date(2016, 11, 2), 13),
        ("Amelie", "Hart", date(2010, 3, 3), 14),
    ]:
        concern = make_concern(
            area.dsl,
            local_authority=area.council,
            child=child_details(
                given,
                family,
                born=born,
                nhs_number=nhs_number_for(seed),
                other_names=[("nickname", "Lia")] if given == "Amelia" else [],
            ),
        )
        people[given] = concern.involvements.get(role="child").person
    return people


def _names(results):
    return [result.person.given_name for result in results]


@pytest.mark.parametrize(
    "typed",
    ["Amelia Hartley", "amelia hartly", "Amelai Hartley", "Hartley Amelia", "AMELIA HARTLEY"],
)
def test_typos_and_order_still_find_the_child_first(area: Area, known, typed):
    results = search_persons(area.dsl, SearchCriteria(name=typed))
    assert _names(results)[0] == "Amelia"


def test_nickname_finds_the_child(area: Area, known):
    assert "Amelia" in _names(search_persons(area.dsl, SearchCriteria(name="Lia Hartley")))


def test_phonetic_spelling_finds_the_child(area: Area, known):
    assert _names(search_persons(area.dsl, SearchCriteria(name="Olivia Kowalchik")))[0] == "Oliwia"


def test_date_of_birth_alone_and_with_day_and_month_swapped(area: Area, known):
    assert _names(search_persons(area.dsl, SearchCriteria(date_of_birth=date(2014, 5, 7)))) == [
        "Amelia"
    ]
    swapped = search_persons(area.dsl, SearchCriteria(date_of_birth=date(2014, 7, 5)))
    assert _names(swapped) == ["Amelia"]


def test_date_of_birth_ranks_the_right_person_first(area: Area, known):
    results = search_persons(
        area.dsl, SearchCriteria(name="Amelie Hart", date_of_birth=date(2014, 5, 7))
    )
    assert _names(results)[0] == "Amelia"


def test_identifier_in_any_format(area: Area, known):
    nhs = nhs_number_for(12)
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    assert _names(search_persons(area.dsl, SearchCriteria(identifier=spaced))) == ["Jayden"]


def test_unrelated_names_are_not_returned(area: Area, known):
    assert search_persons(area.dsl, SearchCriteria(name="Zebedee Quartermaine")) == []


def test_search_never_returns_people_outside_need_to_know(area: Area, known):
    assert search_persons(area.health, SearchCriteria(name="Amelia Hartley")) == []


def test_searches_are_audited_with_results_not_terms(area: Area, known):
    search_persons(area.dsl, SearchCriteria(name="Amelia Hartley"))
    entry = AuditEntry.objects.filter(verb=AuditVerb.PERSON_SEARCHED).latest("sequence")
    assert str(known["Amelia"].pk) in entry.payload["results"]
    assert "Hartley" not in str(entry.payload)
