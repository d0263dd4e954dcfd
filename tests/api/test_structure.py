"""The API reads and writes personal data only through the gatekeepers and actions."""

from __future__ import annotations

import re
from pathlib import Path

import safeguarding.api

API_PACKAGE = Path(safeguarding.api.__file__).parent
DIRECT_QUERY = re.compile(r"\b(Person|Concern|ConcernPerson|AgencyRecord|Identifier)\.objects\b")


def test_api_modules_never_query_personal_data_directly():
    offenders = [
        f"{module.name}:{number}"
        for module in sorted(API_PACKAGE.glob("*.py"))
        for number, line in enumerate(module.read_text().splitlines(), start=1)
        if DIRECT_QUERY.search(line)
    ]
    assert offenders == []
