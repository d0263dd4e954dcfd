"""Rate limits without storing who tried: wrong receipts, and reports sent from one address.

Counters live in memory only: this process's own store, or the cache named "helpline" in
settings.CACHES when one is configured for a deployment with several processes (an
in-memory shared cache such as Redis without persistence; never the database cache, whose
rows would carry the time of each count). Django's default cache is not used: it forgets
entries after 300, which a flood would use to wipe the counters. Each counter is keyed by
HMAC-SHA256 under ``SAFEGUARDING_HELPLINE_RATE_KEY`` (a secret from the environment) of the
purpose, the hour and the sender's network (an IPv4 address, or the /64 an IPv6 address
sits in, since one line is given a whole /64 and rotating within it is free), so the address
itself is never kept, and the counter disappears after the hour. A restart of an in-memory
cache clears the counts, which costs an attacker nothing they could not get by waiting an
hour.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

from safeguarding import environment

FAILURES_PER_HOUR = 10
# Reports from one address in an hour before the next ones are quarantined (not refused:
# an office or a school behind one address may send several). A proof of work solved by
# the reporter's browser buys a larger allowance.
REPORTS_PER_HOUR = 5
REPORTS_PER_HOUR_WITH_WORK = 20
# Beyond this many in an hour from one network a report is not kept at all: quarantine is
# for people who may be genuine, not a store a flood can fill.
REPORTS_PER_HOUR_KEPT = 60
_PREFIX = "helpline-rate:"
_SECONDS = 3600
_LOCAL = LocMemCache(
    "safeguarding-helpline", {"OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10}}
)


def store() -> BaseCache:
    """Where counters and one-off markers are kept (memory only, see above)."""
    return caches["helpline"] if "helpline" in settings.CACHES else _LOCAL


@functools.cache
def _key() -> bytes:
    return environment.secret("SAFEGUARDING_HELPLINE_RATE_KEY").encode()


def network(address: str) -> str:
    """The sender as the rate limits see them: an IPv4 address, or an IPv6 /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def bucket(request: HttpRequest, purpose: str) -> str:
    """The counter's name: a keyed hash of purpose, hour and network, never the address."""
    address = network(str(request.META.get("REMOTE_ADDR", "")))
    hour = int(time.time() // _SECONDS)
    digest = hmac.new(_key(), f"{purpose}:{hour}:{address}".encode(), hashlib.sha256)
    return _PREFIX + digest.hexdigest()


def _count(name: str) -> int:
    value = store().get(name, 0)
    return value if isinstance(value, int) else 0


def _add(name: str) -> int:
    if store().add(name, 1, timeout=_SECONDS):
        return 1
    try:
        return store().incr(name)
    except ValueError:  # expired between add and incr
        store().set(name, 1, timeout=_SECONDS)
        return 1


def is_blocked(request: HttpRequest, *, with_work: bool = False) -> bool:
    """Whether a receipt may not be tried now. Past the hour's allowance each try needs a
    fresh proof of work, so that one person guessing behind a shared exit (a school, a
    library, a mobile network) slows themselves down without locking everyone else out."""
    return _count(bucket(request, "receipt")) >= FAILURES_PER_HOUR and not with_work


def note_failure(request: HttpRequest) -> None:
    _add(bucket(request, "receipt"))


def note_report(request: HttpRequest, *, with_work: bool) -> bool:
    """Count a report from this network; True when it is over the hour's allowance."""
    allowance = REPORTS_PER_HOUR_WITH_WORK if with_work else REPORTS_PER_HOUR
    return _add(bucket(request, "report")) > allowance


def over_kept_limit(request: HttpRequest) -> bool:
    """True when this network has sent more reports this hour than are kept at all."""
    return _count(bucket(request, "report")) > REPORTS_PER_HOUR_KEPT


def reset() -> None:
    store().clear()
