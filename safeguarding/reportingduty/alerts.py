"""The duty to report child sexual abuse: opening a duty-to-report record when a concern
records a disclosure by someone under the duty."""

from __future__ import annotations

from safeguarding.concerns.models import Concern


def on_concern_recorded(concern: Concern) -> int:
    """Called by record_concern, in its transaction, for every new or updated concern.
    Returns the number of records opened."""
    return 0
