"""Spam and abuse screening with no third party.

Every signal works without JavaScript, except the proof of work, which only ever helps:

- a honeypot field that people never see (hidden from screen readers too)
- a signed start time with a one-off nonce: a form sent faster than a person could fill
  it, older than the form's life, forged, missing or sent twice is suspect
- a proof of work (the ALTCHA protocol, version 1, solved by our own script in the
  reporter's browser with no interaction, so nobody is ever given a puzzle): a valid
  solution raises the address's hourly allowance; a forged or reused one is suspect; a
  missing one (JavaScript off) is never held against anyone
- rate limits per hour, keyed on a keyed hash of the address (throttle.py)
- local rules on the text: several links, markup, spam vocabulary, machine-made tokens,
  and the same text sent twice

A suspect report is kept and quarantined for a person to look at, never refused or
deleted. The reasons travel in the sealed draft and are never stored with the report.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from altcha import v1 as altcha
from django.conf import settings
from django.core import signing

from safeguarding.helpline import crypto, throttle

HONEYPOT_FIELD = "website"
TRAP_FIELD = "started"
WORK_FIELD = "altcha"
MINIMUM_SECONDS = 5
TRAP_MAX_SECONDS = 2 * 3600
WORK_SECONDS = 2 * 3600
REPEAT_SECONDS = 24 * 3600
_SALT = "helpline-fill-time"

# Reasons, as shown to caseworkers in the quarantine (never stored).
HONEYPOT = "hidden field filled in"
NO_TRAP = "form start missing or altered"
TOO_FAST = "sent faster than a person could"
TOO_OLD = "form older than 2 hours"
TRAP_REUSED = "form sent more than once"
WORK_INVALID = "proof of work forged or reused"
LINKS = "several links"
MARKUP = "web markup"
SPAM_WORDS = "advertising words"
MACHINE_TOKENS = "machine-made text"
REPEATED = "same text sent before"
RATE = "too many reports from one address this hour"

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_MARKUP = re.compile(r"<\s*(a|script|iframe|img)\b|\[(url|link|img)[=\]]", re.IGNORECASE)
# Words of advertising and fraud, chosen so that none is likely in a report of bad
# safeguarding practice (words about exploitation, such as "escort" or "loan", are not).
_SPAM_TERMS = re.compile(
    r"\b(viagra|cialis|casino|bitcoin|crypto\w*|forex|backlinks?|seo|replica|cheap|"
    r"discount|buy now|click here|free money|make money|work from home|weight loss|"
    r"followers|promo code|guest post|best price|order now|limited offer|"
    r"investment opportunity|earn \$?\d+|pills?)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\S+")


def is_suspect(reasons: list[str]) -> bool:
    """Whether a report goes to quarantine. Speed alone is not enough: someone who wrote
    their report elsewhere first and pasted it in sends quickly, and a report that passes
    every other check is theirs to make."""
    return bool(set(reasons) - {TOO_FAST})


@dataclass(frozen=True)
class Screening:
    reasons: tuple[str, ...] = ()

    @property
    def suspect(self) -> bool:
        return bool(self.reasons)


def _once(kind: str, value: str, seconds: int) -> bool:
    """True the first time ``value`` is seen for ``kind`` within ``seconds`` (in memory,
    as a keyed hash: the value itself is not kept)."""
    digest = crypto.peppered(f"spam-once-{kind}", value).hex()
    return bool(throttle.store().add(f"helpline-once:{kind}:{digest}", 1, timeout=seconds))


# The start time ---------------------------------------------------------------------------


def new_trap(*, now: float | None = None) -> str:
    """A signed start time and nonce, carried in the reporter's own page and never stored."""
    moment = int(time.time() if now is None else now)
    return signing.dumps({"t": moment, "n": secrets.token_hex(8)}, salt=_SALT)


def _trap(posted: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        value = signing.loads(str(posted.get(TRAP_FIELD, "")), salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("t"), int):
        return None
    return value


def carried_trap(posted: Mapping[str, Any]) -> str:
    """The start time to put back in a page shown again with errors: the original one if it
    is genuine, so that correcting a mistake does not look like a fast form."""
    return str(posted.get(TRAP_FIELD, "")) if _trap(posted) is not None else new_trap()


def _trap_reasons(posted: Mapping[str, Any], now: float) -> list[str]:
    trap = _trap(posted)
    if trap is None:
        return [NO_TRAP]
    age = now - trap["t"]
    if age < MINIMUM_SECONDS:
        return [TOO_FAST]
    if age > TRAP_MAX_SECONDS:
        return [TOO_OLD]
    if not _once("trap", str(trap.get("n", "")), TRAP_MAX_SECONDS):
        return [TRAP_REUSED]
    return []


# Proof of work ----------------------------------------------------------------------------


def _work_key() -> bytes:
    return crypto.peppered("proof-of-work", "v1")


def new_challenge(*, now: datetime | None = None) -> dict[str, Any]:
    """An ALTCHA (version 1) challenge, signed with a key derived from the pepper."""
    expires = (now or datetime.now(tz=UTC)) + timedelta(seconds=WORK_SECONDS)
    challenge = altcha.create_challenge(
        altcha.ChallengeOptions(
            max_number=getattr(settings, "HELPLINE_WORK_MAX_NUMBER", 50_000),
            hmac_key=_work_key(),
            expires=expires,
        )
    )
    result: dict[str, Any] = challenge.to_dict()
    return result


def solve(challenge: dict[str, Any]) -> str:
    """A solved payload for ``challenge``, as the reporter's browser would send it (used by
    tests and the benchmark; the browser runs static/helpline/work.mjs)."""
    solution = altcha.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    if solution is None:
        raise ValueError("challenge has no solution")
    payload = altcha.Payload(
        challenge["algorithm"],
        challenge["challenge"],
        solution.number,
        challenge["salt"],
        challenge["signature"],
    )
    return payload.to_base64()


def work_done(posted: Mapping[str, Any]) -> bool | None:
    """True for a valid, first-time solution; None when none was sent (JavaScript off);
    False for a forged, expired or reused one."""
    payload = str(posted.get(WORK_FIELD, "")).strip()
    if not payload:
        return None
    valid, _error = altcha.verify_solution(payload, _work_key(), check_expires=True)
    if not valid:
        return False
    return _once("work", payload, WORK_SECONDS)


# The text ---------------------------------------------------------------------------------


def _machine_made(text: str) -> bool:
    """Random strings: long tokens mixing case and digits, which people do not write."""
    tokens = [token for token in _TOKEN.findall(text) if not _URL.match(token)]
    if not tokens:
        return False
    odd = [
        token
        for token in tokens
        if len(token) >= 10
        and sum(character.isupper() for character in token[1:]) >= 2
        and any(character.islower() for character in token)
    ]
    return len(odd) >= 2 and len(odd) / len(tokens) > 0.2


def _normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


def content_reasons(texts: list[str]) -> list[str]:
    text = "\n".join(texts)
    reasons = []
    links = len(_URL.findall(text))
    if links >= 3:
        reasons.append(LINKS)
    if _MARKUP.search(text):
        reasons.append(MARKUP)
    terms = {match.lower() for match in _SPAM_TERMS.findall(text)}
    if len(terms) >= 2 or (terms and links >= 1):
        reasons.append(SPAM_WORDS)
    if any(_machine_made(part) for part in texts):
        reasons.append(MACHINE_TOKENS)
    return reasons


def _repeated(what_happened: str) -> bool:
    normalised = _normalised(what_happened)
    return bool(normalised) and not _once("text", normalised, REPEAT_SECONDS)


def screen_details(
    posted: Mapping[str, Any], texts: list[str], *, now: float | None = None
) -> tuple[Screening, bool]:
    """Screen the first page: (the screening so far, whether a valid proof of work came)."""
    moment = time.time() if now is None else now
    reasons: list[str] = []
    if str(posted.get(HONEYPOT_FIELD, "")).strip():
        reasons.append(HONEYPOT)
    reasons += _trap_reasons(posted, moment)
    work = work_done(posted)
    if work is False:
        reasons.append(WORK_INVALID)
    reasons += content_reasons(texts)
    if texts and _repeated(texts[0]):
        reasons.append(REPEATED)
    return Screening(tuple(reasons)), work is True
