"""TOTP second factor (RFC 6238). Secrets are stored encrypted with a key kept outside the
database, and each time step may be used once, so an observed code cannot be replayed."""

from __future__ import annotations

import base64
import hashlib
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from safeguarding.access.models import User

ISSUER = "Safeguarding Hub"
# Accept the previous and next 30-second step to allow for clock drift.
VALID_WINDOW = 1


def _fernet() -> Fernet:
    material = hashlib.sha256(settings.FIELD_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def new_secret() -> str:
    return pyotp.random_base32()


def store_secret(user: User, totp_secret: str) -> None:
    user.totp_secret_encrypted = _fernet().encrypt(totp_secret.encode()).decode()


def read_secret(user: User) -> str | None:
    if not user.totp_secret_encrypted:
        return None
    try:
        return _fernet().decrypt(user.totp_secret_encrypted.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(user: User, totp_secret: str) -> str:
    return pyotp.TOTP(totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def matching_step(totp_secret: str, code: str, at: float | None = None) -> int | None:
    """Return the time step that ``code`` belongs to, or None if it matches none."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(totp_secret)
    now = at if at is not None else time.time()
    step_now = int(now) // totp.interval
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = step_now + offset
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def current_code(totp_secret: str) -> str:
    return pyotp.TOTP(totp_secret).now()
