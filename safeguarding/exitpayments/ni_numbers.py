"""National Insurance numbers, checked against HMRC's format rules (National Insurance
Manual NIM39110): two prefix letters, six digits and a suffix letter A, B, C or D.

* The first letter is not D, F, I, Q, U or V.
* The second letter is not D, F, I, O, Q, U or V.
* The prefixes BG, GB, KN, NK, NT, TN and ZZ are never allocated (TN marks a temporary
  reference, not a National Insurance number).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

NOT_FIRST = frozenset("DFIQUV")
NOT_SECOND = frozenset("DFIOQUV")
NOT_ALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
SHAPE = re.compile(r"[A-Z]{2}\d{6}[A-D]")


def normalise_ni_number(value: str) -> str:
    """The nine characters of a valid National Insurance number, or ValidationError."""
    compact = re.sub(r"[\s-]", "", value or "").upper()
    if not SHAPE.fullmatch(compact):
        raise ValidationError(
            "Enter a National Insurance number in the right format, like AB 12 34 56 C",
            code="ni_format",
        )
    prefix = compact[:2]
    if prefix[0] in NOT_FIRST or prefix[1] in NOT_SECOND or prefix in NOT_ALLOCATED:
        raise ValidationError(
            f"{prefix} is not a National Insurance number prefix HMRC allocates. "
            "Check the number against a payslip or P60",
            code="ni_prefix",
        )
    return compact


def display_ni_number(value: str) -> str:
    """AB 12 34 56 C, grouped as HMRC prints it."""
    if len(value) != 9:
        return value
    return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
