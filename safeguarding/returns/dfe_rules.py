"""The DfE's CIN census rules as the LA community's open-source ``csc-validator-be-cin``
runs them, when that package is installed. The service does not need it: the returns page
shows the service's own checks always, and the package's findings only where it is
installed (the test environment installs it; an operator may)."""

from __future__ import annotations

import contextlib
import io
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


@dataclass
class RuleFindings:
    # Rule code -> the LAchildIDs it found ("" for a finding about the whole return).
    errors: dict[str, set[str]] = field(default_factory=dict)
    queries: dict[str, set[str]] = field(default_factory=dict)
    # Rules the package could not run on this return (its own faults).
    crashed: list[str] = field(default_factory=list)

    def for_child(self, la_child_id: str) -> tuple[list[str], list[str]]:
        """The error rules and query rules that name one child."""
        return (
            sorted(rule for rule, ids in self.errors.items() if la_child_id in ids),
            sorted(rule for rule, ids in self.queries.items() if la_child_id in ids),
        )


def validator_installed() -> bool:
    try:
        import cin_validator  # noqa: F401 - only asking whether it is there
    except ImportError:
        return False
    return True


def run_dfe_rules(xml: bytes) -> RuleFindings | None:
    """The package's findings on a return's XML, or None when it is not installed."""
    try:
        from cin_validator import cin_validator as validator
        from cin_validator.rules import cin2025_26 as rules
    except ImportError:
        return None
    data = validator.process_data(validator.convert_data(ET.fromstring(xml)))  # noqa: S314 - the service's own XML
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        # The package is written for pandas 1: its deprecation warnings are not ours.
        warnings.simplefilter("ignore")
        result = validator.CinValidator(data, rules.registry)
    found: dict[str, set[str]] = {}
    for row in result.full_issue_df.itertuples():
        found.setdefault(str(row.rule_code), set()).add(str(row.child_id))
    for row in result.multichild_issues.itertuples():
        found.setdefault(str(row.rule_code), set()).add("")
    return RuleFindings(
        errors={code: ids for code, ids in found.items() if not code.endswith("Q")},
        queries={code: ids for code, ids in found.items() if code.endswith("Q")},
        crashed=[
            line for line in printed.getvalue().splitlines() if line.startswith("Error with rule")
        ],
    )
