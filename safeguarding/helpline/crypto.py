"""The helpline's cryptography, in one place: report keys, sealing a key to a public key,
keys derived from a password or a receipt, and the two-share recovery key.

Built on the ``cryptography`` package (AES-256-GCM, X25519, HKDF-SHA256) and argon2-cffi
(Argon2id), both already dependencies. docs/developers/helpline-security.md explains the
design and what each part surrenders if it is compromised.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from safeguarding import environment

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
PUBLIC_KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext did not open: wrong key or altered data. Never used to decide access."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt(key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    """AES-256-GCM with a random nonce; ``context`` (the record's id) is bound as associated
    data so that a ciphertext copied onto another row does not open."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def decrypt(key: bytes, blob: bytes, *, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)
    except (InvalidTag, ValueError) as error:
        raise DecryptionError from error


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=b"safeguarding-helpline-seal" + ephemeral + recipient,
    ).derive(shared)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as (private, public) raw bytes."""
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return raw_private, _raw_public(private.public_key())


def public_key_of(private: bytes) -> bytes:
    return _raw_public(X25519PrivateKey.from_private_bytes(private).public_key())


def seal(public_key: bytes, data: bytes) -> bytes:
    """Anonymous public-key encryption (like libsodium's sealed box): an ephemeral X25519
    key agrees a one-time AES key with the recipient's public key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = _seal_key(shared, ephemeral_public, public_key)
    return ephemeral_public + encrypt(key, data, context=b"sealed")


def unseal(private_key: bytes, blob: bytes) -> bytes:
    private = X25519PrivateKey.from_private_bytes(private_key)
    ephemeral_public = blob[:PUBLIC_KEY_BYTES]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError as error:
        raise DecryptionError from error
    key = _seal_key(shared, ephemeral_public, _raw_public(private.public_key()))
    return decrypt(key, blob[PUBLIC_KEY_BYTES:], context=b"sealed")


def derive_key(secret: bytes, salt: bytes) -> bytes:
    """Argon2id key derivation for a password or a receipt. Costs come from settings so
    that the test suite can lower them; production uses the defaults here."""
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=getattr(settings, "HELPLINE_KDF_TIME_COST", 3),
        memory_cost=getattr(settings, "HELPLINE_KDF_MEMORY_KIB", 65536),
        parallelism=1,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


@functools.cache
def pepper() -> bytes:
    """The helpline pepper: a secret from the environment, never in the database."""
    return environment.secret("SAFEGUARDING_HELPLINE_PEPPER").encode()


def peppered(label: str, value: str) -> bytes:
    """HMAC-SHA256 of ``value`` under the pepper, separated by purpose ``label``."""
    return hmac.new(pepper(), f"{label}:{value}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class RecoveryShares:
    """A recovery private key split 2-of-2: each share alone is uniformly random."""

    first: str
    second: str


def split_recovery_key(private_key: bytes) -> RecoveryShares:
    first = secrets.token_bytes(len(private_key))
    second = bytes(a ^ b for a, b in zip(private_key, first, strict=True))
    return RecoveryShares(first=first.hex(), second=second.hex())


def join_recovery_shares(first: str, second: str) -> bytes:
    try:
        one, two = bytes.fromhex(first.strip()), bytes.fromhex(second.strip())
    except ValueError as error:
        raise DecryptionError from error
    if len(one) != KEY_BYTES or len(two) != KEY_BYTES:
        raise DecryptionError
    return bytes(a ^ b for a, b in zip(one, two, strict=True))
