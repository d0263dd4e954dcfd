"""Sealed tokens carried in hidden form fields, so that the reporter's journey needs no
cookie and no server-side session: the answers so far, the receipt until it is confirmed
as saved, and a short-lived pass for reading and adding to a report.

Each token is AES-GCM under a key derived from the helpline pepper, with its purpose bound
in, and carries its own expiry. The pass is the one token that carries a report key, so the
key inside it is wrapped once more, under a random key kept only in memory (throttle.store)
for the pass's 30 minutes: a pass captured and kept, even by someone with the pepper, opens
nothing once that memory entry has gone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from typing import Any

from safeguarding.helpline import crypto, throttle

DRAFT_SECONDS = 2 * 3600
RECEIPT_SECONDS = 3600
PASS_SECONDS = 30 * 60


def _key() -> bytes:
    return crypto.peppered("form-token", "v1")


def seal(purpose: str, data: dict[str, Any], *, seconds: int) -> str:
    body = json.dumps({"data": data, "until": int(time.time()) + seconds}).encode()
    blob = crypto.encrypt(_key(), body, context=purpose.encode())
    return base64.urlsafe_b64encode(blob).decode()


def unseal(purpose: str, token: str) -> dict[str, Any] | None:
    """The token's data, or None if it was altered, is for another purpose, or expired."""
    try:
        blob = base64.urlsafe_b64decode(token.encode())
        body = json.loads(crypto.decrypt(_key(), blob, context=purpose.encode()))
    except (binascii.Error, ValueError, crypto.DecryptionError):
        return None
    if not isinstance(body, dict) or body.get("until", 0) < time.time():
        return None
    data = body.get("data")
    return data if isinstance(data, dict) else None


def _pass_entry(pass_id: str) -> str:
    return "helpline-pass:" + hashlib.sha256(pass_id.encode()).hexdigest()


def seal_pass(report_id: str, key: bytes) -> str:
    """A 30-minute pass to a report, whose key is useless without its memory entry."""
    pass_id = secrets.token_urlsafe(16)
    wrapping = crypto.new_key()
    throttle.store().set(_pass_entry(pass_id), wrapping.hex(), timeout=PASS_SECONDS)
    wrapped = crypto.encrypt(wrapping, key, context=report_id.encode())
    return seal(
        "pass", {"report": report_id, "id": pass_id, "key": wrapped.hex()}, seconds=PASS_SECONDS
    )


def open_pass(token: str) -> tuple[str, bytes] | None:
    """(report id, report key) from a pass, or None if it is altered or has expired."""
    data = unseal("pass", token)
    if data is None:
        return None
    report_id, pass_id = str(data.get("report", "")), str(data.get("id", ""))
    wrapping = throttle.store().get(_pass_entry(pass_id))
    if not isinstance(wrapping, str):
        return None
    try:
        key = crypto.decrypt(
            bytes.fromhex(wrapping),
            bytes.fromhex(str(data.get("key", ""))),
            context=report_id.encode(),
        )
    except (ValueError, crypto.DecryptionError):
        return None
    return report_id, key
