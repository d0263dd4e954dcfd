"""With --database sqlite the pages benchmark reads the demo area: what it runs, which
pages it asks for, as whom, and how it signs them in. Nothing here measures time."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from bench import __main__ as runner
from bench import demo_pages
from tests.factories import Area


def options(database: str, demo: Path | None = None) -> runner.Options:
    return runner.Options(
        scale=0.01,
        out=Path("unused"),
        requests=4,
        concurrency=1,
        servers=1,
        users=1,
        api_seconds=1,
        progress=False,
        database=database,
        demo=demo,
    )


def test_on_sqlite_the_pages_read_the_demo_and_nothing_loads_the_national_data() -> None:
    assert runner.on_national_data(["pages"], options("sqlite")) == []
    assert runner.on_national_data(["data", "pages", "clocks"], options("sqlite")) == [
        "data",
        "clocks",
    ]
    assert runner.on_national_data(["pages"], options("postgres")) == ["pages"]


def test_a_demo_file_is_only_for_the_pages_on_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        runner.main(["--only", "pages", "--demo", "demo.sqlite3"])
    assert stopped.value.code == 2
    assert "--database sqlite" in capsys.readouterr().err


def test_every_demo_page_is_checked_against_the_target() -> None:
    figures = {
        "target_p95_ms": 300.0,
        "home_mash_p95_ms": 120.0,
        "home_mash_max_ms": 900.0,
        "nav_police_networks_list_p95_ms": 450.0,
    }
    checks = runner.targets([runner.Outcome("pages", figures=figures)])
    assert [(key, met) for key, _, _, met in checks] == [
        ("pages home_mash_p95_ms", True),
        ("pages nav_police_networks_list_p95_ms", False),
    ]


def test_each_user_has_a_home_page_and_their_navigation_once(area: Area) -> None:
    users = [area.mash, area.practitioner, area.dsl, area.taskforce_analyst, area.auditor]
    measured = [demo_pages.Page("queue", "Triage queue", area.mash.username, ("/mash/",))]
    pages = demo_pages.home_and_navigation_pages(users, measured)

    homes = [page for page in pages if page.key.startswith("home_")]
    assert [(page.username, page.paths) for page in homes] == [
        (user.username, ("/",)) for user in users
    ]
    asked = [(page.username, path) for page in [*measured, *pages] for path in page.paths]
    assert len(asked) == len(set(asked))
    assert (area.mash.username, "/clocks/") in asked
    assert (area.taskforce_analyst.username, "/taskforce/") in asked
    assert len({page.key for page in pages}) == len(pages)


def test_the_accounts_sign_in_through_both_steps(area: Area) -> None:
    [account] = demo_pages.prepare_accounts([area.mash]).values()
    client = Client()
    response = client.post(
        "/sign-in/", {"username": account.username, "password": account.password}
    )
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": account.next_code()})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
