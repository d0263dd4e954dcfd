"""Hostile input in free-text fields is stored as text and rendered inert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.concerns.models import Concern
from safeguarding.people.models import Person
from tests.factories import Area, adult_details, child_details, make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "Robert'); DROP TABLE people_person;--"


def test_script_in_every_free_text_field_is_escaped(area: Area, client_for):
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(given=SCRIPT[:90], family="Hart", other_names=[("alias", SCRIPT)]),
        others=[("parent", adult_details(given="Jo", family=SCRIPT[:90]))],
        summary=SCRIPT,
        agency_record_id="<b>REF</b>",
    )
    child = concern.involvements.get(role="child").person
    client = client_for(area.dsl)
    pages = [
        client.get(reverse("web:person", args=[child.pk])),
        client.get("/"),
        client_for(area.mash).get(reverse("mash:queue")),
        client_for(area.mash).get(reverse("mash:contact", args=[concern.contact.pk])),
        client.get(reverse("chronology:view", args=[child.pk])),
        client.post(reverse("people:search"), {"name": SCRIPT}),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in body
        assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", "")
        assert "<b>REF</b>" not in body


def test_sql_in_search_and_names_is_just_text(area: Area, client_for):
    make_concern(area.dsl, local_authority=area.council, child=child_details(given=SQL[:90]))
    client = client_for(area.dsl)
    for criteria in ({"name": SQL}, {"identifier": SQL}, {"name": "' OR 1=1 --"}):
        assert client.post(reverse("people:search"), criteria).status_code == 200
    assert Person.objects.filter(given_name=SQL[:90]).count() == 1
    assert Concern.objects.count() == 1


def test_guessed_record_ids_answer_404_across_agencies(area: Area, client_for):
    child = area.child_known_to_school()
    concern = Concern.objects.get()
    outsider = client_for(area.other_police_analyst)
    for url in (
        reverse("web:person", args=[child.pk]),
        reverse("chronology:view", args=[child.pk]),
        reverse("chronology:csv", args=[child.pk]),
        reverse("pathway:new-event", args=[child.pk]),
        reverse("mash:contact", args=[concern.contact.pk]),
    ):
        assert outsider.get(url).status_code in {403, 404}, url
