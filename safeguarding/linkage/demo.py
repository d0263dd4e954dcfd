"""Demo builder: link the demo area's people once it is built, so that the review queue,
recent merges and the "known across agencies" panel have content. Safe to run again: a
second call links only records added since."""

from __future__ import annotations

from safeguarding.linkage.actions import run_linkage
from safeguarding.linkage.models import LinkageRun


def build_linkage_demo() -> LinkageRun:
    return run_linkage(actor=None)
