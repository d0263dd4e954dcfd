"""The home page's latest concerns are read from an index by date, each concern's people
checked one by one, on SQLite.

Asked whether a concern names someone in the list of everyone the user may see
(``person_id IN (...)``), SQLite searched the (person, concern) index once per listed
person for every concern it read: thousands of searches per concern, 17 to 27 seconds for
the MASH's home page on the demo area. Asked for the concerns of its area or its own in one
statement, it read all the area's concerns and sorted them. These tests read SQLite's query
plans for the statements the home page runs, so they say nothing about time and need no
large data. The people the list names are read with it, on any database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.access.models import User
from safeguarding.concerns.queries import recent_concerns_for_home
from tests.factories import Area, child_details, make_concern


def _plans_of_the_latest_concerns(user: User) -> list[list[str]]:
    """SQLite's plan, one line per step, for each statement that reads ``user``'s latest
    concerns on the home page."""
    with CaptureQueriesContext(connection) as captured:
        listed = recent_concerns_for_home(user)
    assert listed, "the user should see a concern"
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "concerns_concern" ' in query["sql"]
    ]
    assert statements
    plans = []
    for sql in statements:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plans.append([str(row[-1]) for row in cursor.fetchall()])
    return plans


@pytest.mark.each_database  # skips itself on PostgreSQL: unmarked, it would run nowhere
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("who", ["mash", "dsl", "health"])
def test_the_latest_concerns_are_read_by_date_and_their_people_found_by_the_concern(
    area: Area, who: str
):
    make_concern(area.dsl, local_authority=area.council, child=child_details("Ivy", "Marsh"))
    make_concern(area.health, local_authority=area.council, child=child_details("Leo", "Banks"))
    for plan in _plans_of_the_latest_concerns(getattr(area, who)):
        text = "\n".join(plan)
        # Before: the visible people listed once, then searched for one by one.
        assert not any("LIST SUBQUERY" in step for step in plan), text
        assert not any("(person_id=? AND concern_id=?)" in step for step in plan), text
        # Now: a concern's involvements read by the concern, each person looked up.
        assert any(
            step.startswith("SEARCH W0 ") and step.endswith("(concern_id=?)") for step in plan
        ), text
        # And the concerns come newest first from an index, not sorted after reading all.
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), text
        assert not any("MULTI-INDEX OR" in step for step in plan), text


def test_the_people_named_are_read_with_the_concerns_not_concern_by_concern(area: Area):
    for number in range(4):
        make_concern(
            area.dsl, local_authority=area.council, child=child_details("Ivy", f"Marsh{number}")
        )
    listed = recent_concerns_for_home(area.mash)
    assert len(listed) == 4
    with CaptureQueriesContext(connection) as captured:
        names = [i.person.full_name for c in listed for i in c.involvements.all()]
    assert len(names) == 4
    assert captured.captured_queries == []
