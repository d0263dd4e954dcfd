"""Locust clients for the API intake benchmark (bench/api_speed.py starts them).

Each simulated agency system POSTs new concerns to /api/v1/concerns as fast as the server
answers: a fictional child (test-range NHS number on most), often a parent, sometimes an
adult of concern with a drama-range phone and a ZZ registration, and a record id of its
own so that every request records a new concern. The token and the local authority come
from the environment, never the command line: BENCH_API_TOKEN, BENCH_API_AUTHORITY.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from locust import HttpUser, task

GIVEN = ("Amelia", "Noah", "Isla", "Leo", "Ava", "Oliver", "Freya", "Arlo", "Mia", "Theo")
FAMILY = ("Marsh", "Holt", "Pryce", "Okafor", "Begum", "Novak", "Reid", "Lowe", "Shah", "Dunn")
CATEGORIES = (
    "neglect",
    "emotional-abuse",
    "physical-abuse",
    "domestic-abuse",
    "missing",
    "cse",
    "cce",
    "online-abuse",
)
TOWNS = ("Testham", "Benchley", "Loadford", "Sampleby")
_counter = itertools.count(1)


def test_range_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range reserved for testing."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def concern(rng: random.Random, authority: str) -> dict[str, Any]:
    family = rng.choice(FAMILY)
    born = date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 15))
    child: dict[str, Any] = {
        "given_name": rng.choice(GIVEN),
        "family_name": family,
        "kind": "child",
        "date_of_birth": born.isoformat(),
        "sex": rng.choice(("female", "male")),
        "addresses": [
            {
                "line_1": f"{rng.randrange(1, 200)} Quarry Lane",
                "town": rng.choice(TOWNS),
                "postcode": "TE1 4QQ",
            }
        ],
    }
    if rng.random() < 0.8:
        child["identifiers"] = [{"scheme": "nhs", "value": test_range_nhs_number(rng)}]
    persons: list[dict[str, Any]] = [{"role": "child", "details": child}]
    if rng.random() < 0.6:
        persons.append(
            {
                "role": "parent",
                "details": {
                    "given_name": rng.choice(GIVEN),
                    "family_name": family,
                    "kind": "adult",
                    "phones": [f"07700 900{rng.randrange(1000):03d}"],
                },
            }
        )
    category = rng.choice(CATEGORIES)
    if category in ("cse", "cce") and rng.random() < 0.7:
        persons.append(
            {
                "role": "adult-of-concern",
                "details": {
                    "given_name": rng.choice(GIVEN),
                    "family_name": rng.choice(FAMILY),
                    "kind": "adult",
                    "phones": [f"07700 900{rng.randrange(1000):03d}"],
                    "vehicles": [f"ZZ{rng.randrange(10, 75)} BNC"],
                },
            }
        )
    recorded = datetime.now(UTC) - timedelta(minutes=rng.randrange(5, 60 * 24))
    return {
        "category": category,
        "summary": "Seen out late with older youths; the school has noticed new phones and "
        "unexplained absences. Recorded for the benchmark: fictional.",
        "recorded_at": recorded.isoformat(timespec="seconds"),
        "local_authority": authority,
        "agency_record_id": f"BENCH-{uuid.uuid4().hex[:16]}",
        "persons": persons,
    }


class AgencySystem(HttpUser):
    """One agency system sending concerns back to back (no think time)."""

    def on_start(self) -> None:
        self.rng = random.Random(next(_counter))
        self.authority = os.environ["BENCH_API_AUTHORITY"]
        self.headers = {"Authorization": f"Bearer {os.environ['BENCH_API_TOKEN']}"}

    @task
    def record_concern(self) -> None:
        with self.client.post(
            "/api/v1/concerns",
            json=concern(self.rng, self.authority),
            headers=self.headers,
            name="POST /api/v1/concerns",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"answered {response.status_code}")
