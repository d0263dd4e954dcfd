"""Comparing a set-based action with the same items one at a time: what each write leaves
in the database and in the audit log, read inside a transaction that is then rolled back.

Ids made by the write (clocks, events) differ from one run to the next on PostgreSQL,
whose sequences do not roll back, so each is replaced by the order in which the log first
names it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max

from safeguarding.audit.chain import verify_chain
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reasons
from safeguarding.audit.verbs import AuditVerb

LOG_COLUMNS = ("verb", "actor_id", "target_type", "target_id", "reason", "legal_basis", "payload")
# Entries whose target is a record the write made, and payload keys that name one.
_MADE = {AuditVerb.CLOCK_STARTED}
_MADE_IN_PAYLOAD = ("event", "notification")


def written(write: Callable[[], object], state: Callable[[], Any]) -> tuple[Any, list[Any]]:
    """What ``write`` leaves: ``state()`` read after it, and the entries it appends (in
    LOG_COLUMNS), the chain checked whole; then rolled back."""
    since = AuditEntry.objects.aggregate(last=Max("sequence"))["last"] or 0
    with transaction.atomic():
        write()
        assert verify_chain().ok
        entries = list(AuditEntry.objects.filter(sequence__gt=since).order_by("sequence"))
        # Reasons are stored sealed, each under a key of its own: compared as they read.
        reasons = readable_reasons(entries)
        log = [
            [
                reasons[entry.sequence].text if column == "reason" else getattr(entry, column)
                for column in LOG_COLUMNS
            ]
            for entry in entries
        ]
        found = state()
        transaction.set_rollback(True)
    names: dict[str, str] = {}
    for verb, _, _, target_id, _, _, payload in log:
        if verb in _MADE:
            names.setdefault(str(target_id), f"#{len(names) + 1}")
        for key in _MADE_IN_PAYLOAD:
            if isinstance(payload, dict) and key in payload:
                names.setdefault(str(payload[key]), f"#{len(names) + 1}")
    return _renamed(found, names), _renamed(log, names)


def _renamed(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_renamed(item, names) for item in value)
    if isinstance(value, str):
        kind, _, key = value.rpartition(":")
        if kind and key in names:
            return f"{kind}:{names[key]}"
        return names.get(value, value)
    return value
