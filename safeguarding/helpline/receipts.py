"""Receipts: the one thing that reopens a reporter's side of the conversation.

A receipt is 20 random decimal digits (log2(10**20) = 66.4 bits), shown once as five groups
of four. One Argon2id computation of HMAC(pepper, receipt) with the report's salt gives a
secret; the database keeps a verifier derived from it (and a 16-bit tag of a second HMAC
that narrows the search to a handful of rows), and a second key derived from it wraps the
report key. The pepper lives in the environment, so a stolen database alone cannot be used
to test guesses. Reports made before the single computation keep an Argon2id hash of their
own (``matches``) and a separately derived wrapping key (``wrapping_key``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from safeguarding.helpline import crypto

RECEIPT_DIGITS = 20
TAG_HEX_LENGTH = 4
_VERIFIER = "v2$"


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


def matches(receipt: str, stored_hash: str) -> bool:
    try:
        return _hasher().verify(stored_hash, crypto.peppered("receipt-hash", receipt))
    except (VerificationError, InvalidHashError):
        return False


def burn_time(receipt: str) -> None:
    """One hash's worth of work when no row has the tag, so that a miss takes as long as a
    wrong guess against a real report."""
    secret(receipt, bytes(crypto.SALT_BYTES))


def secret(receipt: str, salt: bytes) -> bytes:
    """The one Argon2id computation a receipt costs, for a report's salt."""
    return crypto.derive_key(crypto.peppered("receipt-secret", receipt), salt)


def verifier(receipt_secret: bytes) -> str:
    digest = hmac.new(receipt_secret, b"verify", hashlib.sha256).hexdigest()
    return _VERIFIER + digest


def wrapping_from(receipt_secret: bytes) -> bytes:
    return hmac.new(receipt_secret, b"wrap", hashlib.sha256).digest()


def opens(receipt: str, stored_hash: str, salt: bytes) -> bytes | None:
    """The key that unwraps the report key, if ``receipt`` is the report's; else None."""
    if stored_hash.startswith(_VERIFIER):
        receipt_secret = secret(receipt, salt)
        if hmac.compare_digest(verifier(receipt_secret), stored_hash):
            return wrapping_from(receipt_secret)
        return None
    if matches(receipt, stored_hash):
        return wrapping_key(receipt, salt)
    return None


def wrapping_key(receipt: str, salt: bytes) -> bytes:
    """The key that wraps the report key for the reporter, derived from the receipt."""
    return crypto.derive_key(crypto.peppered("receipt-wrap", receipt), salt)
