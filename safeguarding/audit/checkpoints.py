"""Checkpoints of the audit head, kept outside the database.

The chain shows an entry edited, inserted or removed in the middle, and the head row shows
entries cut off the end. Someone who can write to the database could still cut entries off
the end and rewrite the head to the new last entry. A checkpoint is the head (its sequence
and hash) at a moment, signed with a key derived from the audit key and appended, one JSON
line each, to a file outside the database: an append-only file (`chattr +a`) or one shipped
to another system. `verify-audit` checks each checkpoint's signature and that the log still
holds the entry it names, unchanged: a log cut back past a checkpoint fails.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from safeguarding.audit.models import AuditHead

GENESIS_HASH = "0" * 64
_SIGNING_CONTEXT = b"safeguarding-hub audit checkpoint v1\x00"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    entry_hash: str
    taken_at: str


@dataclass(frozen=True)
class CheckpointsRead:
    checkpoints: list[Checkpoint]
    problem: str | None = None
    missing: bool = False


def _signature(sequence: int, entry_hash: str, taken_at: str) -> str:
    # A context of its own, so that no checkpoint can pass for an entry's hash or back.
    message = json.dumps(
        {"sequence": sequence, "hash": entry_hash, "taken_at": taken_at},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    return hmac.digest(settings.AUDIT_HMAC_KEY.encode(), _SIGNING_CONTEXT + message, "sha256").hex()


def current_head() -> Checkpoint:
    """The committed head, unsigned; the genesis when nothing was written."""
    head = AuditHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()
    sequence, entry_hash = head if head is not None else (0, GENESIS_HASH)
    return Checkpoint(int(sequence), str(entry_hash), timezone.now().isoformat())


def write_checkpoint(path: Path) -> Checkpoint:
    """Append a signed checkpoint of the head to ``path``, opened for appending only, and
    flush it to disk. Reads the head outside any transaction of the caller's making, so a
    checkpoint never names an entry that could still be rolled back."""
    if connection.in_atomic_block:
        raise RuntimeError("a checkpoint is taken outside a transaction")
    checkpoint = current_head()
    line = json.dumps(
        {
            "sequence": checkpoint.sequence,
            "hash": checkpoint.entry_hash,
            "taken_at": checkpoint.taken_at,
            "signature": _signature(
                checkpoint.sequence, checkpoint.entry_hash, checkpoint.taken_at
            ),
        },
        sort_keys=True,
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return checkpoint


def read_checkpoints(path: Path) -> CheckpointsRead:
    """Every checkpoint in ``path``, each signature checked. The first line that is not a
    checkpoint signed with this audit key, or whose head is behind an earlier line's (a
    head never moves back), is the problem, named by its line number."""
    checkpoints: list[Checkpoint] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CheckpointsRead([], f"the checkpoint file {path} does not exist", missing=True)
    except (OSError, UnicodeDecodeError) as error:
        return CheckpointsRead([], f"the checkpoint file {path} cannot be read: {error}")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            checkpoint = Checkpoint(
                int(fields["sequence"]), str(fields["hash"]), str(fields["taken_at"])
            )
            signature = str(fields["signature"])
        except (ValueError, KeyError, TypeError):
            return CheckpointsRead(checkpoints, f"line {number} of {path} is not a checkpoint")
        expected = _signature(checkpoint.sequence, checkpoint.entry_hash, checkpoint.taken_at)
        if not hmac.compare_digest(expected, signature):
            return CheckpointsRead(
                checkpoints,
                f"line {number} of {path} is not signed with the audit key: "
                "the checkpoints were altered",
            )
        if checkpoints and checkpoint.sequence < checkpoints[-1].sequence:
            return CheckpointsRead(
                checkpoints,
                f"line {number} of {path} names #{checkpoint.sequence}, behind the "
                f"#{checkpoints[-1].sequence} of the line before: the head was moved back",
            )
        checkpoints.append(checkpoint)
    return CheckpointsRead(checkpoints)
