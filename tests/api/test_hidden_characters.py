"""Names with characters a reader would not see: a right-to-left override that shows a
name reversed, zero-width characters that make two records of one name look alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safeguarding.concerns.models import Concern
from safeguarding.people.names import hidden_character
from tests.api.test_record_concern import child, concern
from tests.factories import Area, child_details, make_concern

pytestmark = pytest.mark.django_db

HIDDEN = {
    "right-to-left override": "Mar\u202etin",
    "left-to-right isolate": "\u2066Martin",
    "right-to-left mark": "Martin\u200f",
    "zero-width space": "Mar\u200btin",
    "zero-width joiner in a Latin name": "Mar\u200dtin",
    "zero-width non-joiner at the start": "\u200cMartin",
    "word joiner": "Mar\u2060tin",
    "byte order mark": "\ufeffMartin",
    "soft hyphen": "Mar\u00adtin",
}


@pytest.mark.parametrize("name", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_rule_finds_each_hidden_character(name: str) -> None:
    assert hidden_character(name) is not None


@pytest.mark.parametrize(
    "name",
    ["Zoë O'Brien-Smith", "محمد", "Nguyễn", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"],
)
def test_names_in_every_script_are_taken(name: str) -> None:
    # The last is Persian, where the zero-width non-joiner between letters spells the word.
    assert hidden_character(name) is None


@pytest.mark.parametrize("name", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_api_refuses_a_hidden_character_in_a_name(area: Area, api_as, name: str) -> None:
    api = api_as(area.system)
    response = api.post("/concerns", concern(area, persons=[child(family_name=name)]))
    assert response.status_code == 422
    assert "invisible characters" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize("field", ["given", "family"])
def test_every_entry_point_refuses_a_hidden_character_in_a_name(area: Area, field: str) -> None:
    # The web form and the import reach the same rule through the action.
    hidden = "Mar\u202etin"
    details = child_details(given=hidden) if field == "given" else child_details(family=hidden)
    with pytest.raises(ValidationError) as raised:
        make_concern(area.dsl, local_authority=area.council, child=details)
    assert "invisible characters" in str(raised.value)
    assert not Concern.objects.exists()
