"""Configuration read from the environment, with safe development defaults.

Production (``SAFEGUARDING_ENV=production``) refuses to start without explicit secrets,
so a forgotten variable can never fall back to a key that is on disk in a developer's clone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("SAFEGUARDING_VAR_DIR", PROJECT_ROOT / "var"))


def is_production() -> bool:
    return os.environ.get("SAFEGUARDING_ENV", "development").lower() == "production"


def secret(name: str) -> str:
    """Return secret ``name`` from the environment.

    In development a random value is generated once and kept in ``var/secrets/`` (never
    committed) so that sessions and audit hashes survive restarts.
    """
    value = os.environ.get(name)
    if value:
        return value
    if is_production():
        raise ImproperlyConfigured(
            f"{name} must be set in the environment when SAFEGUARDING_ENV=production."
        )
    secrets_dir = VAR_DIR / "secrets"
    secrets_dir.mkdir(parents=True, exist_ok=True)
    path = secrets_dir / name.lower()
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}
