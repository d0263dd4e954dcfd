"""The retention schedule: how long each agency kind keeps each kind of record, and the
day a person's records are all due for erasure.

A rule keeps an item until the person's birthday of a given age (``age``), or for a number
of years after the item was recorded (``years``), or until the later of both. Rules are
found by "<agency kind>:<kind of record>", then "<agency kind>", then "*". The defaults
and their sources are in docs/operators/retention.md; settings.RETENTION_SCHEDULE
replaces any of them (see docs/operators/configuration.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from safeguarding.records.holdings import HeldItem


@dataclass(frozen=True)
class Rule:
    age: int | None = None
    years: int | None = None

    def keeps_until(self, born: date | None, recorded_on: date | None) -> date | None:
        """The day the item may go; None when that cannot be known (no date of birth for
        an age rule, no date recorded for a years rule): kept, for a person to review."""
        ends: list[date] = []
        if self.age is not None:
            if born is None:
                return None
            ends.append(_years_after(born, self.age))
        if self.years is not None:
            if recorded_on is None:
                return None
            ends.append(_years_after(recorded_on, self.years))
        return max(ends) if ends else None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


DEFAULT_SCHEDULE: dict[str, dict[str, int]] = {
    # Child protection and looked-after records: 75 years from the date of birth (Care
    # Planning, Placement and Case Review (England) Regulations 2010 reg 50; the LGA's
    # retention guidelines for local government).
    "local-authority": {"age": 75},
    # Police public protection records: until the person's 100th birthday (College of
    # Policing APP on information management, MoPI group 1).
    "police-force": {"age": 100},
    # A school's child protection file: until the child's 25th birthday (IRMS Information
    # Management Toolkit for Schools; Keeping children safe in education).
    "school": {"age": 25},
    # Children's health records: until the 25th birthday (NHS Records Management Code of
    # Practice 2021; the 26th if 17 at the end of treatment, which a local rule can set).
    "nhs-body": {"age": 25},
    "voluntary": {"age": 25},
    # Anything else: as a school's file.
    "*": {"age": 25},
}


def schedule() -> dict[str, Rule]:
    configured: Mapping[str, Mapping[str, int]] = getattr(settings, "RETENTION_SCHEDULE", {})
    merged = {**DEFAULT_SCHEDULE, **configured}
    return {
        key: Rule(age=value.get("age"), years=value.get("years")) for key, value in merged.items()
    }


def rule_for(agency_kind: str, record_kind: str, rules: Mapping[str, Rule]) -> Rule:
    return rules.get(f"{agency_kind}:{record_kind}") or rules.get(agency_kind) or rules["*"]


def youngest_age(rules: Mapping[str, Rule]) -> int | None:
    """The smallest age any rule keeps records to, or None if some rule keeps by years
    alone (then no one can be ruled out by their age)."""
    ages = [rule.age for rule in rules.values()]
    if any(age is None for age in ages):
        return None
    return min(age for age in ages if age is not None)


@dataclass(frozen=True)
class Due:
    """When a person's records are all due for erasure (None: not known, so kept)."""

    person_id: uuid.UUID
    due_on: date | None


def for_adults(rule: Rule) -> Rule | None:
    """The part of a rule that applies to an adult: a child's file is kept to the child's
    birthday, not to that of the parent it names, so only a rule's years after recording
    apply to adults; None (kept) for a rule of age alone."""
    return Rule(years=rule.years) if rule.years is not None else None


def due_on(
    born: date | None,
    items: list[HeldItem],
    agency_kinds: Mapping[str, str],
    rules: Mapping[str, Rule],
    *,
    child: bool = True,
) -> date | None:
    """The last day any agency's item about the person must be kept: the person goes as
    a whole, so every item must be due. Items no agency recorded (the person's own
    details, networks, linkage) follow the rest. None if any item's day is unknown, if an
    adult's rule is of age alone, or if no agency holds anything."""
    ends: list[date] = []
    for item in items:
        kind = agency_kinds.get(item.agency_code)
        if kind is None:
            continue
        rule: Rule | None = rule_for(kind, item.kind, rules)
        if not child and rule is not None:
            rule = for_adults(rule)
        if rule is None:
            return None
        end = rule.keeps_until(born, item.recorded_on)
        if end is None:
            return None
        ends.append(end)
    return max(ends) if ends else None
