"""The duty to report child sexual abuse: opening a duty-to-report record when a concern
records a disclosure by someone under the duty."""

from __future__ import annotations

from safeguarding.concerns.models import Concern
from safeguarding.concerns.reactions import RecordedConcerns
from safeguarding.reportingduty.actions import DUTY_CATEGORIES, open_report
from safeguarding.writes.unit import WriteRun, Writes


def on_concern_recorded(concern: Concern) -> int:
    """Called by record_concern, in its transaction, for every new or updated concern.
    Returns the number of records opened. Concerns of other categories cost nothing: the
    category is checked before any query."""
    if concern.category not in DUTY_CATEGORIES:
        return 0
    return 1 if open_report(concern) is not None else 0


def check_recorded_concerns(recorded: RecordedConcerns, writes: Writes, run: WriteRun) -> None:
    """Registered with concerns.reactions: once a batch's concerns are written, open a
    duty-to-report record for each new or updated concern that records a disclosure."""
    due = [
        concern
        for concern in (*recorded.new, *recorded.updated)
        if concern.category in DUTY_CATEGORIES
    ]
    if due:
        writes.then(lambda: [on_concern_recorded(concern) for concern in due])
