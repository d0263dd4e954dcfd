"""On the demo area every account that signs in to the web pages has work on its home
page: no role lands on an empty page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.demo.generator import build_demo

pytestmark = [pytest.mark.django_db]


def test_every_demo_account_has_work_on_its_home_page(
    client_for: Callable[[User], Client],
) -> None:
    result = build_demo(seed=7, scale=0.003, progress=False)
    without_work = []
    for demo, _ in result.users:
        user = User.objects.get(username=demo.username)
        if user.role == Role.SYSTEM_INTEGRATION:
            continue  # agency systems use the API, never a home page
        response = client_for(user).get("/")
        assert response.status_code == 200, demo.username
        if not any(work.items for work in response.context["work_lists"]):
            without_work.append(f"{demo.username} ({user.role})")
    assert without_work == []
