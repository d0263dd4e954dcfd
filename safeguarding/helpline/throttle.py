"""Throttling wrong receipts without storing who tried.

Counters live in this process's memory only, keyed by HMAC(process key, client address,
hour): the address itself is never kept, and the key is random per process, so even a
memory dump cannot be reversed by hashing every IPv4 address. A restart clears the counts,
which costs an attacker nothing they could not get by waiting an hour. Several server
processes each count on their own; the limit is per process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from django.http import HttpRequest

FAILURES_PER_HOUR = 10
_KEY = secrets.token_bytes(32)
_lock = threading.Lock()
_failures: dict[bytes, int] = {}
_hour_seen = 0


def _bucket(request: HttpRequest) -> bytes:
    address = str(request.META.get("REMOTE_ADDR", ""))
    hour = int(time.time() // 3600)
    return hmac.new(_KEY, f"{hour}:{address}".encode(), hashlib.sha256).digest()


def _forget_old_hours() -> None:
    global _hour_seen  # one process-wide clock for the counters
    hour = int(time.time() // 3600)
    if hour != _hour_seen:
        _failures.clear()
        _hour_seen = hour


def is_blocked(request: HttpRequest) -> bool:
    with _lock:
        _forget_old_hours()
        return _failures.get(_bucket(request), 0) >= FAILURES_PER_HOUR


def note_failure(request: HttpRequest) -> None:
    with _lock:
        _forget_old_hours()
        bucket = _bucket(request)
        _failures[bucket] = _failures.get(bucket, 0) + 1


def reset() -> None:
    with _lock:
        _failures.clear()
