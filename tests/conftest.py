"""Fixtures for every test, and how tests share out between pytest-xdist's workers.

Each worker is a process of its own with its own test database (pytest-django adds the
worker's name, such as ``_gw0``, to the database name), its own live server on a port the
system chooses, and its own Chromium. Tests that share a module-scoped fixture are kept on
one worker, so that what the fixture builds (a Spark session, a generated population) is
built once per run rather than once per worker; `make test` asks for this with
``--dist loadgroup``."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.middleware import SESSION_STARTED_KEY
from safeguarding.access.models import User
from tests.factories import Area, build_area


@pytest.fixture
def area(db: None) -> Area:
    return build_area()


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as ``user``, as if they had passed both sign-in steps."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_STARTED_KEY] = time.time()
        session.save()
        return client

    return make


# Our own fixtures of these scopes are worth building only once: every test that uses one
# goes to the same worker. (Plugins' fixtures are left out: pytest-django has a class-scoped
# one that every test uses.)
_SHARED_SCOPES = {"module", "class", "package"}


def _shares_a_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definitions
        and definitions[-1].scope in _SHARED_SCOPES
        and getattr(definitions[-1].func, "__module__", "").startswith("tests.")
        for definitions in info.name2fixturedefs.values()
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if _shares_a_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
