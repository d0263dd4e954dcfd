"""Spam screening against generated traffic: of 1,000 bot submissions none reaches the main
queue; of 1,000 genuine ones none is lost and at most 1% is quarantined. Plus the proof of
work, the rules on text, the start time and the hourly allowance one by one."""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest
from django.test import Client, RequestFactory

from safeguarding.helpline import spam, throttle
from safeguarding.helpline.models import Report, Status
from tests.factories import Area
from tests.helpline import traffic
from tests.helpline.conftest import Helpline, hidden


@pytest.fixture(autouse=True)
def _cheap_work(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HELPLINE_WORK_MAX_NUMBER = 2000
    # The shared helpline fixture turns the minimum fill time off; screening needs it.
    monkeypatch.setattr(spam, "MINIMUM_SECONDS", 5)


def _screen(submission: traffic.Submission) -> list[str]:
    """What the two question pages decide for one submission (views.report, views.known_as)."""
    screening, work = spam.screen_details(submission.fields(), submission.texts)
    reasons = list(screening.reasons)
    request = RequestFactory().post("/helpline/report/known-as/", REMOTE_ADDR=submission.address)
    if throttle.note_report(request, with_work=work):
        reasons.append(spam.RATE)
    return reasons


def test_a_thousand_bots_and_a_thousand_people(db: object) -> None:
    people = traffic.genuine(1000)
    robots = traffic.bots(1000)
    mixed = [*people, *robots]
    random.Random(7).shuffle(mixed)
    outcomes = {id(submission): _screen(submission) for submission in mixed}

    let_through = [s.kind for s in robots if not outcomes[id(s)]]
    assert let_through == []
    # Speed alone flags but does not quarantine (a person may paste a report written
    # elsewhere): such a form is let through only when it passes every other check.
    fast_only = [s for s in robots if outcomes[id(s)] == [spam.TOO_FAST]]
    assert {s.kind for s in fast_only} <= {"too-fast"}
    assert all(spam.is_suspect(outcomes[id(s)]) for s in robots if s.kind != "too-fast")
    quarantined_people = [outcomes[id(s)] for s in people if outcomes[id(s)]]
    assert len(quarantined_people) <= 10, Counter(r for rs in quarantined_people for r in rs)
    # Every kind of bot is present and caught for a reason of its own kind.
    caught = Counter(s.kind for s in robots if outcomes[id(s)])
    assert set(caught) == set(traffic.BOT_KINDS)


def _through_the_pages(client: Client, area: Area, submission: traffic.Submission) -> int:
    """Send one submission through the real pages; the status code of the last page."""
    posted = {**submission.fields(), "area": area.council.pk}
    page = client.post("/helpline/report/", posted, REMOTE_ADDR=submission.address)
    if page.status_code != 200:
        return page.status_code
    sent = client.post(
        "/helpline/report/known-as/",
        {"draft": hidden(page, "draft"), "known_as": "anonymous"},
        REMOTE_ADDR=submission.address,
    )
    return sent.status_code


@pytest.mark.django_db
def test_through_the_pages_bots_are_quarantined_and_people_reach_the_queue(
    client: Client, helpline: Helpline, area: Area
) -> None:
    # A sample through the whole request stack (HELPLINE_TRAFFIC=1000 for the full set).
    size = int(os.environ.get("HELPLINE_TRAFFIC", "30"))
    people = traffic.genuine(size, seed=11)
    robots = traffic.bots(size, seed=12)
    for submission in robots:
        assert _through_the_pages(client, area, submission) == 200
    # Every bot is kept, and all are quarantined but those whose only sign is speed.
    fast = sum(1 for submission in robots if submission.kind == "too-fast")
    assert Report.objects.exclude(status=Status.QUARANTINED).count() <= fast
    assert Report.objects.count() == size  # quarantined, never lost
    for submission in people:
        assert _through_the_pages(client, area, submission) == 200
    assert Report.objects.count() == 2 * size
    held = Report.objects.filter(status=Status.QUARANTINED).count() - (size - fast)
    assert held <= size // 100


@pytest.mark.parametrize(
    "text",
    [
        "Buy cheap viagra, best price, order now",
        "Visit https://a.example https://b.example https://c.example",
        '<a href="https://x.example">watches</a>',
        "Casino bonus at https://x.example",
        "Qw8rTzLpXvBn1 Hj5KmNbVcXz9 Lp0OiUyTrEwQ2 aa",
    ],
)
def test_the_rules_on_text_catch_advertising_and_machine_text(text: str) -> None:
    assert spam.content_reasons([text])


@pytest.mark.parametrize(
    "text",
    [
        "The DSL ignored a disclosure from a Year 6 pupil and told her she was lying.",
        "He showed the children pornography on his phone and the school did nothing",
        "The mum said he takes a loan out in her name; social care closed the case",
        "it was reported at https://www.example.co.uk/news/story and still nothing",
        "Her followers on the app were grown men and the youth worker knew",
    ],
)
def test_the_rules_on_text_leave_reports_of_bad_practice_alone(text: str) -> None:
    assert spam.content_reasons([text]) == []


def test_the_same_start_is_accepted_once() -> None:
    posted = {spam.TRAP_FIELD: spam.new_trap(now=_ago(60))}
    assert spam.screen_details(posted, [])[0].reasons == ()
    assert spam.screen_details(posted, [])[0].reasons == (spam.TRAP_REUSED,)


def test_a_start_older_than_the_forms_life_is_suspect() -> None:
    posted = {spam.TRAP_FIELD: spam.new_trap(now=_ago(spam.TRAP_MAX_SECONDS + 60))}
    assert spam.screen_details(posted, [])[0].reasons == (spam.TOO_OLD,)


def test_proof_of_work_helps_but_is_never_needed() -> None:
    challenge = spam.new_challenge()
    payload = spam.solve(challenge)
    without, work = spam.screen_details({spam.TRAP_FIELD: spam.new_trap(now=_ago(60))}, [])
    assert (without.reasons, work) == ((), False)
    solved, work = spam.screen_details(
        {spam.TRAP_FIELD: spam.new_trap(now=_ago(60)), spam.WORK_FIELD: payload}, []
    )
    assert (solved.reasons, work) == ((), True)
    reused, work = spam.screen_details(
        {spam.TRAP_FIELD: spam.new_trap(now=_ago(60)), spam.WORK_FIELD: payload}, []
    )
    assert (reused.reasons, work) == ((spam.WORK_INVALID,), False)


def test_the_hourly_allowance_is_larger_with_proof_of_work() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    over = [throttle.note_report(request, with_work=False) for _ in range(6)]
    assert over == [False] * throttle.REPORTS_PER_HOUR + [True]
    other = RequestFactory().post("/", REMOTE_ADDR="192.0.2.11")
    assert not any(
        throttle.note_report(other, with_work=True)
        for _ in range(throttle.REPORTS_PER_HOUR_WITH_WORK)
    )


def test_the_first_page_carries_a_challenge_and_the_script(client: Client, db: object) -> None:
    body = client.get("/helpline/report/").content.decode()
    assert "data-helpline-work=" in body
    assert 'name="altcha"' in body
    assert 'src="/static/helpline/work.mjs"' in body


def _ago(seconds: float) -> float:
    import time

    return time.time() - seconds
