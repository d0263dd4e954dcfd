"""Spam screening without third parties or JavaScript: a honeypot field that people never
see, and a signed start time that shows whether the first page was filled in faster than a
person could. A suspect report is quarantined for a person to look at, never deleted."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.core import signing

HONEYPOT_FIELD = "website"
TRAP_FIELD = "started"
MINIMUM_SECONDS = 5
_SALT = "helpline-fill-time"


def new_trap() -> str:
    # Signed, so that a bot cannot post a start time of its own choosing; a time in whole
    # seconds in the reporter's own page, never stored.
    return signing.dumps(int(time.time()), salt=_SALT)


def is_suspect(posted: Mapping[str, Any]) -> bool:
    if str(posted.get(HONEYPOT_FIELD, "")).strip():
        return True
    try:
        started = int(signing.loads(str(posted.get(TRAP_FIELD, "")), salt=_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return True
    return time.time() - started < MINIMUM_SECONDS
