"""Sealed tokens carried in hidden form fields, so that the reporter's journey needs no
cookie and no server-side session: the answers so far, the receipt until it is confirmed
as saved, and a short-lived pass for reading and adding to a report.

Each token is AES-GCM under a key derived from the helpline pepper, with its purpose bound
in, and carries its own expiry. Nothing about it is stored on the server.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from safeguarding.helpline import crypto

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
