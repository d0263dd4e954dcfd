"""The DfE's CIN census validation rules, as the LA community's csc-validator-be-cin runs
them, applied to a return's XML."""

from __future__ import annotations

import contextlib
import io
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cin_validator import cin_validator as validator
from cin_validator.rules import cin2025_26 as rules


@dataclass
class Findings:
    errors: dict[str, set[str]]  # rule code -> child ids ("" for the whole return)
    queries: dict[str, set[str]]
    crashed: list[str]


def validate_cin(xml: bytes) -> Findings:
    data = validator.process_data(validator.convert_data(ET.fromstring(xml)))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        # The validator is written for pandas 1: its deprecation warnings are not ours.
        warnings.simplefilter("ignore")
        result = validator.CinValidator(data, rules.registry)
    found: dict[str, set[str]] = {}
    for row in result.full_issue_df.itertuples():
        found.setdefault(str(row.rule_code), set()).add(str(row.child_id))
    for row in result.multichild_issues.itertuples():
        found.setdefault(str(row.rule_code), set()).add("")
    crashed = [
        line for line in printed.getvalue().splitlines() if line.startswith("Error with rule")
    ]
    return Findings(
        errors={code: ids for code, ids in found.items() if not code.endswith("Q")},
        queries={code: ids for code, ids in found.items() if code.endswith("Q")},
        crashed=crashed,
    )
