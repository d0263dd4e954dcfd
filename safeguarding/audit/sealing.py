"""Sealed reasons: the text of an entry's reason encrypted under a key of its own, kept
outside the chain, so that an erasure can make it unreadable without editing the log
(crypto-shredding; decision 0016).

An entry stores ``sealed:v1:`` followed by the base64 of a 12-byte nonce and the AES-256-GCM
ciphertext, and the chain's hash covers that text as it covers any reason: verifying the
log needs no key. The key is a row of ``SealedReason`` under the entry's sequence number.
Entries written before reasons were sealed keep their plain text, which reads as it is.

Everything that shows a reason reads it through ``readable_reasons`` (one query for a page
of entries): the text, the redacted copy an erasure left in its place, or a note that the
key is missing.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection
from django.utils import timezone

from safeguarding.audit.models import SealedReason

SEALED_PREFIX = "sealed:v1:"
_NONCE_BYTES = 12
# Sequence numbers per query when opening many reasons (an export): below every
# database's limit on query parameters.
_CHUNK = 5000
KEY_TABLE = SealedReason._meta.db_table
UNREADABLE = "Sealed, and its key is no longer held"
# Keeping one key: its sequence number and key as parameters.
KEEP_KEY = f"INSERT INTO {KEY_TABLE} (sequence, key, redacted) VALUES (%s, %s, '')"  # noqa: S608 - constant table name


def _context(sequence: int) -> bytes:
    # Bound to the entry's number: a sealed reason copied into another entry does not open.
    return f"audit-reason:{sequence}".encode()


def seal(reason: str, sequence: int) -> tuple[str, bytes]:
    """What entry ``sequence`` stores for ``reason`` (non-empty), and the new key that
    opens it."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, reason.encode(), _context(sequence))
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii"), key


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def unseal(stored: str, key: bytes, sequence: int) -> str | None:
    """The text of entry ``sequence``'s sealed reason, or None if ``key`` does not open it
    (another entry's key, or text altered outside the chain's protection)."""
    try:
        raw = base64.b64decode(stored.removeprefix(SEALED_PREFIX), validate=True)
        opened = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _context(sequence))
    except (binascii.Error, InvalidTag, ValueError):
        return None
    return opened.decode()


def keep_keys(keys: Sequence[tuple[int, bytes]]) -> None:
    """Store the keys of newly sealed entries, ``(sequence, key)``, in one statement (COPY
    on PostgreSQL), in the caller's transaction."""
    if not keys:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {KEY_TABLE} (sequence, key, redacted) FROM STDIN"
            ) as copy:
                for sequence, key in keys:
                    copy.write_row((sequence, key, ""))
        else:
            cursor.executemany(KEEP_KEY, list(keys))


class HasReason(Protocol):
    """What reading a reason needs of an entry (an AuditEntry)."""

    @property
    def sequence(self) -> int: ...

    @property
    def reason(self) -> str: ...


@dataclass(frozen=True)
class Reason:
    """An entry's reason as a reader may see it."""

    text: str
    # When an erasure replaced the text with its redacted copy (``text``).
    redacted_on: date | None = None
    # Sealed, but neither the key nor a redacted copy is held.
    unreadable: bool = False

    def __str__(self) -> str:
        if self.unreadable:
            return f"({UNREADABLE})"
        if self.redacted_on is not None:
            return f"{self.text} (redacted on {self.redacted_on:%-d %B %Y} after an erasure)"
        return self.text


def readable_reasons(entries: Iterable[HasReason]) -> dict[int, Reason]:
    """Each entry's reason, by sequence number: plain text as it is, a sealed reason
    opened with its key or, once an erasure destroyed the key, its redacted copy. One
    query for up to 5,000 sealed entries (a page takes one)."""
    found: dict[int, Reason] = {}
    sealed: dict[int, str] = {}
    for entry in entries:
        if is_sealed(entry.reason):
            sealed[entry.sequence] = entry.reason
        else:
            found[entry.sequence] = Reason(entry.reason)
    numbers = list(sealed)
    for start in range(0, len(numbers), _CHUNK):
        rows = SealedReason.objects.filter(sequence__in=numbers[start : start + _CHUNK])
        for sequence, key, redacted, redacted_at in rows.values_list(
            "sequence", "key", "redacted", "redacted_at"
        ):
            if redacted_at is not None:
                found[sequence] = Reason(redacted, timezone.localdate(redacted_at))
            elif key is not None:
                text = unseal(sealed[sequence], bytes(key), sequence)
                if text is not None:
                    found[sequence] = Reason(text)
    for sequence in sealed:
        found.setdefault(sequence, Reason("", unreadable=True))
    return found


def readable_reason(entry: HasReason) -> Reason:
    """One entry's reason, as readable_reasons reads it."""
    return readable_reasons([entry])[entry.sequence]
