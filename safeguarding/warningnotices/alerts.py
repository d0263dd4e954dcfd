"""Alerts raised when a person named in a child abduction warning notice appears in a new
concern, in any force's area."""

from __future__ import annotations

from safeguarding.concerns.models import Concern


def on_concern_recorded(concern: Concern) -> int:
    """Called by record_concern, in its transaction, for every new or updated concern.
    Returns the number of alerts raised."""
    return 0
