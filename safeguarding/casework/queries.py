"""What other agencies see of an authority's case work, each item as its reader may see
it (access.visibility). The authority's own staff read it to record more through
gatekeeper.py."""

from __future__ import annotations

from typing import Any

from safeguarding.access.models import User
from safeguarding.access.visibility import Item, Shown, involved_on, shown_to
from safeguarding.casework.models import Assessment
from safeguarding.people.models import Person


def assessments_about(user: User, person: Person) -> list[Assessment]:
    """Every authority's assessments of ``person``, oldest first, each as ``user`` may see
    it: in full, or in summary (which authority assessed, and when), without the factors
    found or the child's wishes and feelings. The caller has passed ``person`` through
    access_person (and its audit)."""
    assessments = Assessment.objects.filter(episode__person=person).select_related(
        "episode__authority"
    )
    shown = [redact_assessment(user, assessment) for assessment in assessments]
    return [assessment for assessment in shown if assessment.shown != Shown.NONE]  # type: ignore[attr-defined]  # set by redact_assessment


def redact_assessment(user: User, assessment: Assessment) -> Assessment:
    """``assessment`` as ``user`` may see it, marked ``shown``; a summary is never saved."""
    authority = assessment.episode.authority
    shown = shown_to(user, Item.ASSESSMENT, recorded_by_agency_id=authority.pk)
    assessment.shown = str(shown)  # type: ignore[attr-defined]  # read by callers and tests
    if shown != Shown.FULL:
        assessment.factors = []
        assessment.wishes_and_feelings = ""
        assessment.child_seen = assessment.seen_alone = False
        assessment.summary = involved_on(authority.name, assessment.started_on)  # type: ignore[attr-defined]  # shown instead
        assessment.save = _refuse_save  # type: ignore[method-assign]  # a redacted copy
    return assessment


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("An assessment shown in summary is not the record: never save it")
