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
