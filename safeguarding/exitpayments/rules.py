"""How much of an exit payment is recovered when its recipient returns to public work.

Pure functions over plain values, so that every figure can be checked by hand. Each rule set
is evaluated step by step; every step keeps its values and its arithmetic, and the steps are
stored with the figure (Recovery.working) and shown on screen.

The two rule sets shipped with the service (see docs/users/exit-payments.md):

* the draft Public Sector Exit Payments (Recovery) Regulations 2016, made under the Small
  Business, Enterprise and Employment Act 2015 ss.154-157 but never brought into force:
  on a salary of £80,000 or more, a return less than one year after the exit date repays
  the counted exit payment, net of tax, tapered by the share of the year still to run and
  scaled by the new weekly hours over the old (at most 1);
* NHS Agenda for Change section 16: redundancy pay is repaid in full when an NHS employee
  is re-employed by an NHS employer within 4 weeks of leaving.

When more than one rule set applies they recover the same money, so the larger recovery is
taken, not the sum; on equal figures, a contractual or statutory rule set is preferred to
draft policy, then the lower code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta

from safeguarding.exitpayments.money import pounds, ratio, to_pennies

COMBINATION_RULE = (
    "When more than one rule set applies, the larger recovery is taken, not both: each "
    "recovers the same exit payment."
)
# Lower sorts first among equal figures: settled terms before draft policy.
STATUS_PREFERENCE = {"statutory": 0, "contractual": 1, "draft-policy": 2}
ZERO = Decimal("0.00")
# The signs the working is written with (escaped: they look like ASCII letters in code).
MINUS, TIMES = "\u2212", "\u00d7"


@dataclass(frozen=True)
class Rules:
    """The parameters of one rule set version (the RuleSet model's typed fields)."""

    code: str
    version: int
    label: str
    status: str
    salary_threshold: Decimal | None
    requires_nhs_employers: bool
    counted_kinds: frozenset[str]
    net_of_tax: bool
    window_amount: int
    window_unit: str
    window_end_counts: bool
    taper_by_time: bool
    pro_rata_hours: bool


@dataclass(frozen=True)
class Component:
    kind: str
    label: str
    gross: Decimal
    tax_deducted: Decimal


@dataclass(frozen=True)
class Exit:
    exit_date: date
    annual_salary: Decimal
    weekly_hours: Decimal
    employer_is_nhs: bool
    components: Sequence[Component]


@dataclass(frozen=True)
class Return:
    start_date: date
    weekly_hours: Decimal
    employer_is_nhs: bool


@dataclass(frozen=True)
class Step:
    label: str
    working: str

    def as_json(self) -> dict[str, str]:
        return {"label": self.label, "working": self.working}


@dataclass
class Evaluation:
    rules: Rules
    applies: bool = False
    amount: Decimal = ZERO
    steps: list[Step] = field(default_factory=list)
    reason: str = ""

    def step(self, label: str, working: str) -> None:
        self.steps.append(Step(label, working))

    def refuse(self, reason: str) -> Evaluation:
        self.applies, self.amount, self.reason = False, ZERO, reason
        return self

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_set": self.rules.code,
            "version": self.rules.version,
            "label": self.rules.label,
            "status": self.rules.status,
            "applies": self.applies,
            "amount": str(self.amount),
            "reason": self.reason,
            "steps": [step.as_json() for step in self.steps],
        }


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def window_end(exit_date: date, amount: int, unit: str) -> date:
    """The date ``amount`` units after the exit, by the calendar. A year after 29 February
    is 28 February when the next year has none (relativedelta clamps to the month's end),
    so a return on 28 February is on the anniversary, not before it."""
    if unit == "years":
        result: date = exit_date + relativedelta(years=amount)
    elif unit == "months":
        result = exit_date + relativedelta(months=amount)
    elif unit == "weeks":
        result = exit_date + timedelta(weeks=amount)
    else:
        result = exit_date + timedelta(days=amount)
    return result


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def evaluate(rules: Rules, exit_: Exit, return_: Return) -> Evaluation:
    """Evaluate one rule set for one exit and one return, keeping every step."""
    result = Evaluation(rules)

    threshold = rules.salary_threshold
    if threshold is not None:
        meets = exit_.annual_salary >= threshold
        result.step(
            "Salary at exit",
            f"{pounds(exit_.annual_salary)} is {'at least' if meets else 'less than'} "
            f"the {pounds(threshold)} threshold",
        )
        if not meets:
            return result.refuse(f"The salary at exit is less than {pounds(threshold)}")

    if rules.requires_nhs_employers:
        both = exit_.employer_is_nhs and return_.employer_is_nhs
        result.step(
            "Employers",
            "Both the former and the new employer are NHS employers"
            if both
            else "The former and the new employer are not both NHS employers",
        )
        if not both:
            return result.refuse("Applies only when both employers are NHS employers")

    end = window_end(exit_.exit_date, rules.window_amount, rules.window_unit)
    unit = rules.window_unit if rules.window_amount != 1 else rules.window_unit.rstrip("s")
    started = return_.start_date
    if rules.window_end_counts:
        inside = exit_.exit_date <= started <= end
        limit = f"on or before {long_date(end)}"
    else:
        inside = exit_.exit_date <= started < end
        limit = f"before {long_date(end)}"
    result.step(
        "Return to public work",
        f"Left on {long_date(exit_.exit_date)}; the rule covers work starting {limit} "
        f"({rules.window_amount} {unit} by the calendar). Started on {long_date(started)}: "
        + ("covered" if inside else "not covered"),
    )
    if not inside:
        return result.refuse(
            f"The new work started {(started - exit_.exit_date).days} days after the exit, "
            f"outside the {rules.window_amount} {unit} the rule covers"
        )

    counted: list[tuple[str, Decimal]] = []
    for component in exit_.components:
        if component.kind not in rules.counted_kinds:
            result.step(component.label, f"{pounds(component.gross)}: not counted by this rule")
            continue
        if rules.net_of_tax:
            net = component.gross - component.tax_deducted
            result.step(
                component.label,
                f"{pounds(component.gross)} {MINUS} {pounds(component.tax_deducted)} tax and "
                f"National Insurance = {pounds(net)}",
            )
            counted.append((component.label, net))
        else:
            result.step(component.label, f"{pounds(component.gross)} counted in full, before tax")
            counted.append((component.label, component.gross))
    base = sum((amount for _, amount in counted), ZERO)
    if len(counted) > 1:
        total = " + ".join(pounds(amount) for _, amount in counted) + f" = {pounds(base)}"
    elif counted:
        total = pounds(base)
    else:
        total = f"Nothing this rule counts was paid: {pounds(ZERO)}"
    result.step("Exit payment counted" + (", net of tax" if rules.net_of_tax else ""), total)
    if base <= 0:
        return result.refuse("Nothing this rule counts was paid")

    exact = Fraction(base)
    arithmetic = [pounds(base)]
    if rules.taper_by_time:
        period = (end - exit_.exit_date).days
        remaining = (end - started).days
        exact *= Fraction(remaining, period)
        arithmetic.append(f"{remaining} ÷ {period}")
        result.step(
            "Share of the period still to run",
            f"{remaining} days from {long_date(started)} to {long_date(end)}, out of the "
            f"{period} days from the exit to {long_date(end)}: {remaining} ÷ {period} = "
            f"{ratio(remaining, period)}",
        )
    if rules.pro_rata_hours:
        new, old = return_.weekly_hours, exit_.weekly_hours
        if new >= old:
            result.step(
                "Hours",
                f"{_hours(new)} hours a week now, {_hours(old)} before: "
                "as many or more, so the full figure (1)",
            )
        else:
            exact *= Fraction(new) / Fraction(old)
            arithmetic.append(f"{_hours(new)} ÷ {_hours(old)}")
            result.step(
                "Hours",
                f"{_hours(new)} hours a week now, {_hours(old)} before: "
                f"{_hours(new)} ÷ {_hours(old)} = {ratio(new, old)}",
            )
    result.amount = to_pennies(exact)
    result.applies = result.amount > 0
    result.step(
        "Recoverable",
        f" {TIMES} ".join(arithmetic)
        + f" = {pounds(result.amount)}"
        + (" (exact, rounded once to the penny, halves up)" if len(arithmetic) > 1 else ""),
    )
    if not result.applies:
        result.reason = "The figure rounds to nothing"
    return result


def choose(evaluations: Iterable[Evaluation]) -> Evaluation | None:
    """The recovery to make: the largest figure among the rule sets that apply."""
    applying = [e for e in evaluations if e.applies]
    if not applying:
        return None
    return min(
        applying,
        key=lambda e: (-e.amount, STATUS_PREFERENCE.get(e.rules.status, 9), e.rules.code),
    )


def working(
    evaluations: Sequence[Evaluation], chosen: Evaluation | None, *, matched_by: str
) -> dict[str, Any]:
    """The JSON stored with a recovery: every rule set considered, and the choice."""
    return {
        "matched_by": matched_by,
        "evaluations": [e.as_json() for e in evaluations],
        "combination": COMBINATION_RULE,
        "chosen": None
        if chosen is None
        else {
            "rule_set": chosen.rules.code,
            "version": chosen.rules.version,
            "amount": str(chosen.amount),
        },
    }
