"""Shared set-up for the exit-payment register: HR and finance officers at two councils,
the shipped rule sets, and one way to record an exit payment and a return to work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from safeguarding.access.models import Agency, User
from safeguarding.access.roles import Role
from safeguarding.exitpayments import actions
from safeguarding.exitpayments.models import Appointment, ComponentKind, ExitPayment, RuleSet
from tests.factories import Area, make_user

NAME = "Gillian Marsh"
BORN = date(1968, 3, 27)
NI_NUMBER = "AB123456C"
# The usual exit: £95,000 salary, 37 hours, and these payments. Counted, net of tax:
#   redundancy 60,000.00 - 12,000.00 = 48,000.00
#   pension top-up 25,000.00 - 0.00 = 25,000.00
#   settlement 10,000.00 - 4,000.00 = 6,000.00
#   total 79,000.00 (payment in lieu of notice, 20,000.00, is never counted)
USUAL_COMPONENTS = (
    actions.ComponentAmount(ComponentKind.REDUNDANCY, Decimal("60000.00"), Decimal("12000.00")),
    actions.ComponentAmount(ComponentKind.PENSION_TOP_UP, Decimal("25000.00"), Decimal("0.00")),
    actions.ComponentAmount(ComponentKind.SETTLEMENT, Decimal("10000.00"), Decimal("4000.00")),
    actions.ComponentAmount(ComponentKind.NOTICE, Decimal("20000.00"), Decimal("8000.00")),
)


@pytest.fixture
def rule_sets(db: None) -> list[RuleSet]:
    """The shipped rule sets: seeded by the data migration, published again here when a
    transactional test has emptied the tables."""
    actions.publish_default_rule_sets(actor=None)
    return list(RuleSet.objects.all())


@pytest.fixture
def hr(area: Area, rule_sets: list[RuleSet]) -> User:
    return make_user(Role.HR_FINANCE, area.council, username="hr")


@pytest.fixture
def other_hr(area: Area) -> User:
    return make_user(Role.HR_FINANCE, area.other_council, username="other-hr")


def record_exit(
    actor: User,
    *,
    employer: Agency | None = None,
    employer_name: str = "",
    abolished: bool = False,
    salary: str = "95000.00",
    hours: str = "37",
    exit_date: date = date(2025, 4, 30),
    components: tuple[actions.ComponentAmount, ...] = USUAL_COMPONENTS,
    name: str = NAME,
    born: date = BORN,
    ni_number: str = NI_NUMBER,
) -> ExitPayment:
    return actions.record_exit_payment(
        actor=actor,
        employee=actions.Employee(name, born, ni_number),
        employer=actions.Employer(
            agency=None if employer_name else (employer or actor.agency),
            name=employer_name,
            abolished=abolished,
        ),
        annual_salary=Decimal(salary),
        weekly_hours=Decimal(hours),
        exit_date=exit_date,
        components=components,
    )


def record_return(
    actor: User,
    *,
    employer: Agency,
    start_date: date,
    hours: str = "37",
    pay: str = "90000.00",
    kind: str = Appointment.Kind.EMPLOYMENT,
    name: str = NAME,
    born: date = BORN,
    ni_number: str = NI_NUMBER,
) -> Appointment:
    return actions.record_appointment(
        actor=actor,
        employee=actions.Employee(name, born, ni_number),
        employer=actions.Employer(agency=employer),
        kind=kind,
        start_date=start_date,
        weekly_hours=Decimal(hours),
        annual_pay=Decimal(pay),
    )
