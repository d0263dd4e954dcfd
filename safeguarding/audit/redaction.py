"""Redacting sealed reasons after an erasure, and checking the redactions.

An erasure (retention/actions.py) finds the entries whose reason names the person. For
each sealed one it destroys the key and keeps, in its place, a copy of the reason with the
person's names and identifiers replaced by "[erased]"; its own entry (``person-erased``)
lists, under ``redacted``, each entry's sequence number with the SHA-256 of its copy.
That entry is in the chain, so a copy changed afterwards, removed, or put back as an
earlier erasure left it no longer matches: ``redaction_problem`` says so, and
verify-audit runs it. No key is needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from safeguarding.audit.models import AuditEntry, SealedReason
from safeguarding.audit.verbs import AuditVerb

# The erasure entry's payload key: {"<sequence>": "<SHA-256 of the redacted copy>"}.
REDACTED = "redacted"


def digest(text: str) -> str:
    """The SHA-256, in hexadecimal, of a redacted copy as the erasure's entry records it."""
    return hashlib.sha256(text.encode()).hexdigest()


def redact_reasons(copies: Mapping[int, str], *, by: int) -> None:
    """Destroy the keys of the entries ``copies`` names and keep each one's redacted copy
    in their place, in the caller's transaction. ``by`` is the sequence number of the
    erasure's own entry, whose payload holds each copy's digest."""
    now = timezone.now()
    rows = [
        SealedReason(sequence=sequence, key=None, redacted=text, redacted_at=now, redacted_by=by)
        for sequence, text in copies.items()
    ]
    SealedReason.objects.bulk_update(rows, ["key", "redacted", "redacted_at", "redacted_by"])


@dataclass(frozen=True)
class RedactionProblem:
    sequence: int
    message: str


def redaction_problem(up_to: int) -> RedactionProblem | None:
    """The first redaction made by an erasure entry up to ``up_to`` that does not match
    that entry, or None. Reads only: the entries first, then the copies, so that an
    erasure written meanwhile (beyond ``up_to``) is left for the next check."""
    listed: dict[int, dict[str, str]] = {}
    erasures = AuditEntry.objects.filter(verb=AuditVerb.PERSON_ERASED, sequence__lte=up_to)
    for sequence, payload in erasures.values_list("sequence", "payload"):
        found = payload.get(REDACTED) if isinstance(payload, dict) else None
        if isinstance(found, dict):
            listed[sequence] = found
    held: dict[int, int] = {}
    for sequence, text, made_by in (
        SealedReason.objects.filter(redacted_at__isnull=False)
        .order_by("sequence")
        .values_list("sequence", "redacted", "redacted_by")
    ):
        # No erasure's number (the constraint dropped and the row changed) matches none.
        by = made_by if made_by is not None else 0
        held[sequence] = by
        if by > up_to:
            continue
        if listed.get(by, {}).get(str(sequence)) != digest(text):
            return RedactionProblem(
                sequence,
                f"the redacted reason of entry #{sequence} was altered: it does not match "
                f"the digest erasure entry #{by} recorded",
            )
    for by, redacted in sorted(listed.items()):
        for key in sorted(redacted, key=lambda text: int(text) if text.isdigit() else -1):
            sequence = int(key) if key.isdigit() else -1
            if held.get(sequence, -1) < by:
                return RedactionProblem(
                    sequence,
                    f"erasure entry #{by} redacted the reason of entry #{key}, but the "
                    "redacted copy is missing or was replaced",
                )
    return None


def redacted_among(sequences: Iterable[int]) -> set[int]:
    """Those of ``sequences`` whose reason an erasure redacted (one query)."""
    wanted = list(set(sequences))
    if not wanted:
        return set()
    return set(
        SealedReason.objects.filter(sequence__in=wanted, redacted_at__isnull=False).values_list(
            "sequence", flat=True
        )
    )
