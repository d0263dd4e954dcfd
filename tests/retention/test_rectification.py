"""Rectification: a correction keeps what was wrong and why, shows it on the person's page
to those who may see the person, stops the wrong name finding them, is audited without the
values, and goes with the person on erasure (the wrong name too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from safeguarding.access.models import User
from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.concerns.models import PersonRole
from safeguarding.people.corrections import Corrected, correct_person
from safeguarding.people.models import Person, PersonCorrection, PersonSearchKey
from safeguarding.people.names import phonetic_keys
from safeguarding.retention.actions import erase_person
from tests.factories import Area, adult_details, child_details, make_concern
from tests.retention.scan import tables_mentioning

pytestmark = [pytest.mark.django_db]

WRONG, RIGHT = "Quellington", "Wellington"
REASON = "Birth certificate seen at the school office"


def _child(area: Area) -> Person:
    concern = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details("Amelia", WRONG, born=date(2014, 5, 17)),
        others=[(PersonRole.PARENT, adult_details("Ottoline", "Vantablack"))],
        summary=f"Amelia {WRONG} told her teacher about home.",
    )
    return concern.involvements.get(role=PersonRole.CHILD).person


def _as_it_should_be(**changes: object) -> Corrected:
    values: dict[str, object] = {
        "given_name": "Amelia",
        "family_name": RIGHT,
        "date_of_birth": date(2014, 5, 18),
        "date_of_birth_is_estimated": False,
        "sex": "female",
    }
    values.update(changes)
    return Corrected(**values)  # type: ignore[arg-type]  # the test's own keywords


def test_a_correction_keeps_what_was_wrong_and_why(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    child = _child(area)
    rows = correct_person(child.pk, actor=area.dsl, corrected=_as_it_should_be(), reason=REASON)
    assert {(r.field, r.was, r.now) for r in rows} == {
        ("family_name", WRONG, RIGHT),
        ("date_of_birth", "2014-05-17", "2014-05-18"),
    }
    child.refresh_from_db()
    assert (child.family_name, child.date_of_birth) == (RIGHT, date(2014, 5, 18))
    keys = set(PersonSearchKey.objects.filter(person=child).values_list("key", flat=True))
    assert phonetic_keys(RIGHT) <= keys
    assert not (phonetic_keys(WRONG) - phonetic_keys(RIGHT)) & keys
    entry = AuditEntry.objects.get(verb=AuditVerb.PERSON_CORRECTED)
    assert entry.payload == {"fields": ["date_of_birth", "family_name"]}
    assert WRONG not in str(entry.payload) + readable_reason(entry).text
    # Those who may see her see the history on her page; others cannot open it.
    page = client_for(area.mash).get(f"/people/{child.pk}/").content.decode()
    assert "Corrections to these details" in page
    assert WRONG in page
    assert REASON in page
    assert client_for(area.other_mash).get(f"/people/{child.pk}/").status_code == 404


def test_who_may_correct_and_mistakes(area: Area, client_for: Callable[[User], Client]) -> None:
    child = _child(area)
    # The other council holds no record of her: refused, and its page answers 404.
    with pytest.raises(PermissionDenied):
        correct_person(child.pk, actor=area.other_mash, corrected=_as_it_should_be(), reason=REASON)
    assert (
        client_for(area.other_mash).get(f"/records/people/{child.pk}/correct/").status_code == 404
    )
    with pytest.raises(ValidationError) as error:
        correct_person(
            child.pk,
            actor=area.dsl,
            corrected=_as_it_should_be(family_name=" ", sex="neither"),
            reason="typo",
        )
    assert set(error.value.message_dict) == {"family_name", "sex", "reason"}
    with pytest.raises(ValidationError) as unchanged:
        correct_person(
            child.pk,
            actor=area.dsl,
            corrected=_as_it_should_be(family_name=WRONG, date_of_birth=date(2014, 5, 17)),
            reason=REASON,
        )
    assert "Change at least one detail" in unchanged.value.messages[0]
    # Through the page: the form, its errors, and the correction.
    client = client_for(area.dsl)
    assert client.get(f"/records/people/{child.pk}/correct/").status_code == 200
    bad = client.post(f"/records/people/{child.pk}/correct/", {"given_name": "Amelia"})
    assert bad.status_code == 400
    done = client.post(
        f"/records/people/{child.pk}/correct/",
        {
            "given_name": "Amelia",
            "family_name": RIGHT,
            "date_of_birth_0": "17",
            "date_of_birth_1": "5",
            "date_of_birth_2": "2014",
            "sex": "female",
            "reason": REASON,
        },
    )
    assert done.status_code == 302
    assert PersonCorrection.objects.get().now == RIGHT


@pytest.mark.each_database
def test_the_history_and_the_wrong_name_go_with_the_person(area: Area) -> None:
    child = _child(area)
    correct_person(child.pk, actor=area.dsl, corrected=_as_it_should_be(), reason=REASON)
    erase_person(child.pk, actor=None, reason="Erasure requested under Article 17")
    # The wrong name was in the school's concern, kept for her mother: erased there too.
    assert tables_mentioning([WRONG, RIGHT]) == {}
    assert not PersonCorrection.objects.exists()
    assert verify_chain().ok
