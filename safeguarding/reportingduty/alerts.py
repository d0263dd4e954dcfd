"""The duty to report child sexual abuse: opening a duty-to-report record when a concern
records a disclosure by someone under the duty."""

from __future__ import annotations

from safeguarding.concerns.models import Concern
from safeguarding.reportingduty.actions import DUTY_CATEGORIES, open_report


def on_concern_recorded(concern: Concern) -> int:
    """Called by record_concern, in its transaction, for every new or updated concern.
    Returns the number of records opened. Concerns of other categories cost nothing: the
    category is checked before any query."""
    if concern.category not in DUTY_CATEGORIES:
        return 0
    return 1 if open_report(concern) is not None else 0
