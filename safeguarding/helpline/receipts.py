"""Receipts: the one thing that reopens a reporter's side of the conversation.

A receipt is 20 random decimal digits (log2(10**20) = 66.4 bits), shown once as five groups
of four. The database keeps an Argon2id hash of HMAC(pepper, receipt) and a 16-bit tag of a
second HMAC that narrows the search to a handful of rows; the pepper lives in the
environment, so a stolen database alone cannot be used to test guesses.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from safeguarding.helpline import crypto

RECEIPT_DIGITS = 20
TAG_HEX_LENGTH = 4


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def new_submission() -> str:
    """A random id for one filling-in of the report form, sealed in the reporter's page."""
    return secrets.token_urlsafe(32)


def submission_digest(submission: str) -> str:
    return crypto.peppered("submission-digest", submission).hex()


def receipt_for_submission(submission: str) -> str:
    """The receipt of the report a submission makes: derived from the submission's random id
    (256 bits) under the pepper, so that a retried send shows the same receipt again."""
    number = int.from_bytes(crypto.peppered("submission-receipt", submission), "big")
    return f"{number % 10**RECEIPT_DIGITS:0{RECEIPT_DIGITS}d}"


def normalise(text: str) -> str:
    """Digits only, so that spaces, dashes and line breaks from copying do not matter."""
    return re.sub(r"\D", "", text)


def is_well_formed(receipt: str) -> bool:
    return len(receipt) == RECEIPT_DIGITS


def display(receipt: str) -> str:
    return " ".join(receipt[index : index + 4] for index in range(0, len(receipt), 4))


def tag(receipt: str) -> str:
    return crypto.peppered("receipt-tag", receipt).hex()[:TAG_HEX_LENGTH]


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=getattr(settings, "HELPLINE_KDF_TIME_COST", 3),
        memory_cost=getattr(settings, "HELPLINE_KDF_MEMORY_KIB", 65536),
        parallelism=1,
    )


def hash_receipt(receipt: str) -> str:
    return _hasher().hash(crypto.peppered("receipt-hash", receipt))


def matches(receipt: str, stored_hash: str) -> bool:
    try:
        return _hasher().verify(stored_hash, crypto.peppered("receipt-hash", receipt))
    except (VerificationError, InvalidHashError):
        return False


def burn_time(receipt: str) -> None:
    """One hash's worth of work when no row has the tag, so that a miss takes as long as a
    wrong guess against a real report."""
    _hasher().hash(crypto.peppered("receipt-hash", receipt))


def wrapping_key(receipt: str, salt: bytes) -> bytes:
    """The key that wraps the report key for the reporter, derived from the receipt."""
    return crypto.derive_key(crypto.peppered("receipt-wrap", receipt), salt)
