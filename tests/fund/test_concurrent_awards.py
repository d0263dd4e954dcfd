"""Administrators awarding at the same moment never over-commit a year's allocation.

Eight threads, each with its own database connection, award £1,000,000 each from a year
allocated £5,000,000, released together by a barrier. Exactly five awards can fit; the
rest must be refused, and the committed total must equal the allocation exactly.

On PostgreSQL the award action's SELECT ... FOR UPDATE on the fund's year rows makes the
threads queue. On SQLite the IMMEDIATE transaction takes the database's write lock at BEGIN
with the same effect; but the test database is SQLite's in-memory shared cache, where a
writer that finds the lock taken is told "database table is locked" at once instead of
waiting out the busy timeout. There the thread retries, as a person would after an error
page: the award it was making was rolled back whole, so retrying is safe, and the result
must be the same five awards."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from safeguarding.fund import actions
from safeguarding.fund.models import AwardYear, FundYear, GrantApplication
from tests.factories import Area, make_agency, make_user
from tests.fund.conftest import apply, build_setting, scored

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]

THREADS = 8
EACH = Decimal("1000000.00")


def test_concurrent_awards_never_over_commit_a_year(area: Area):
    from safeguarding.access.models import AgencyKind
    from safeguarding.access.roles import Role

    setting = build_setting(area, allocations=("5000000", "5000000"))
    applications: list[GrantApplication] = []
    for number in range(THREADS):
        charity = make_agency(AgencyKind.VOLUNTARY_ORGANISATION, code=f"VOL-C{number}")
        applicant = make_user(Role.PRACTITIONER, charity, username=f"applicant-{number}")
        application = apply(setting, applicant=applicant, first="1000000", second="0")
        applications.append(scored(setting, application))

    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(application: GrantApplication) -> str:
        for _ in range(200):
            try:
                actions.award_grant(
                    actor=setting.administrator,
                    application=application,
                    amounts={setting.first_year: EACH},
                )
            except ValidationError:
                return "refused"
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    return f"error: {error!r}"
                time.sleep(0.01)
            else:
                return "awarded"
        return "gave up"

    def award(application: GrantApplication) -> None:
        try:
            barrier.wait(timeout=30)
            result = attempt(application)
        except Exception as error:  # any failure at all is reported by the assertion below
            result = f"error: {error!r}"
        finally:
            # Each thread opened its own connection; close it so the test database can go.
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=award, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["awarded"] * 5 + ["refused"] * 3
    year = FundYear.objects.get(fund=setting.fund, financial_year=setting.first_year)
    committed = sum(a.amount for a in AwardYear.objects.filter(fund_year=year))
    assert committed == year.allocation == Decimal("5000000.00")
    assert connection.vendor in {"sqlite", "postgresql"}
