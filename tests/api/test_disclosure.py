"""The API takes when a concern happened or was disclosed, and the immediate-risk flag,
and gives them back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding.mash.models import Contact
from tests.factories import Area

pytestmark = [pytest.mark.django_db]


def test_the_api_takes_and_returns_the_disclosure_and_the_flag(area: Area, api_as):
    api = api_as(area.system)
    day = timezone.localdate() - timedelta(days=2)
    body = {
        "category": "cse",
        "summary": "Disclosed to a youth worker on Tuesday evening.",
        "recorded_at": timezone.now().isoformat(),
        "local_authority": area.council.code,
        "disclosed_on": day.isoformat(),
        "disclosed_time": "19:45",
        "immediate_risk": True,
        "persons": [
            {
                "role": "child",
                "details": {"given_name": "Kai", "family_name": "Rowe", "kind": "child"},
            }
        ],
    }
    response = api.post("/concerns", body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["disclosed_on"] == day.isoformat()
    assert answer["disclosed_time"].startswith("19:45")
    assert answer["immediate_risk"] is True
    assert Contact.objects.get(concern_id=answer["id"]).immediate_risk

    offset = api.post("/concerns", {**body, "disclosed_time": "19:45+01:00"})
    assert offset.status_code == 422
    assert "without an offset" in offset.content.decode()
    future = api.post("/concerns", {**body, "disclosed_on": date(2999, 1, 1).isoformat()})
    assert future.status_code == 422
    assert "on or before the day the concern was recorded" in future.content.decode()
