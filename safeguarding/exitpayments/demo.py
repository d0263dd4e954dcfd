"""Demo entries for the exit-payment register, recorded through the actions. The demo
generator calls build_demo_register once its agencies and staff exist.

National Insurance numbers are left blank: HMRC reserves no range for test data, so any
well-formed number might belong to someone. The people are recognised by name and date of
birth instead."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.exitpayments.actions import (
    ComponentAmount,
    Employee,
    Employer,
    publish_default_rule_sets,
    record_appointment,
    record_exit_payment,
)
from safeguarding.exitpayments.models import Appointment, ComponentKind, ExitPayment


def build_demo_register(*, officer: User, new_employer: Agency) -> int:
    """Three exits from ``officer``'s agency (or a body that no longer exists), two of them
    caught by a return to ``new_employer``. Returns the number of exit payments recorded;
    0 when the register already has entries (the demo can be built again)."""
    if ExitPayment.objects.exists():
        return 0
    publish_default_rule_sets(actor=None)
    today = timezone.localdate()

    def aged(age: int, month: int, day: int) -> date:
        """A birthday ``age`` years before this year, so the people age with the demo."""
        return date(today.year - age, month, day)

    entries = [
        # Caught by the 2016 draft rules: £95,000 salary, back 100 days after leaving.
        ("Gillian Marsh", aged(58, 3, 27), Employer(agency=officer.agency), "95000", 200, 100),
        # Under the £80,000 threshold: recorded, never recovered.
        ("Desmond Achterberg", aged(55, 9, 2), Employer(agency=officer.agency), "72000", 150, 30),
        # A body that no longer exists: HM Treasury recovers.
        (
            "Philippa Noakes",
            aged(63, 12, 11),
            Employer(name="Northbridge Primary Care Trust", is_nhs=True, abolished=True),
            "110000",
            320,
            300,
        ),
    ]
    for name, born, employer, salary, days_ago, back_after in entries:
        left = today - timedelta(days=days_ago)
        record_exit_payment(
            actor=officer,
            employee=Employee(name, born),
            employer=employer,
            annual_salary=Decimal(salary),
            weekly_hours=Decimal(37),
            exit_date=left,
            components=[
                ComponentAmount(ComponentKind.REDUNDANCY, Decimal("60000"), Decimal("12000")),
                ComponentAmount(ComponentKind.PENSION_TOP_UP, Decimal("25000")),
                ComponentAmount(ComponentKind.NOTICE, Decimal("20000"), Decimal("8000")),
            ],
        )
        record_appointment(
            actor=officer,
            employee=Employee(name, born),
            employer=Employer(agency=new_employer),
            kind=Appointment.Kind.EMPLOYMENT,
            start_date=left + timedelta(days=back_after),
            weekly_hours=Decimal(37),
            annual_pay=Decimal(salary),
        )
    return len(entries)
