"""How a published count is shown to roles that see aggregates only."""

from __future__ import annotations

# Counts this small could identify a child, so they are shown as "fewer than 5".
SUPPRESSION_THRESHOLD = 5


def suppress(count: int) -> str:
    return "fewer than 5" if 0 < count < SUPPRESSION_THRESHOLD else f"{count:,}"
