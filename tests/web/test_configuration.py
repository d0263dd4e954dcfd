"""Production refuses to start without each of its secrets; development makes its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.each_database

SECRETS = [
    "SAFEGUARDING_SECRET_KEY",
    "SAFEGUARDING_AUDIT_KEY",
    "SAFEGUARDING_FIELD_KEY",
    "SAFEGUARDING_HELPLINE_PEPPER",
    "SAFEGUARDING_HELPLINE_RATE_KEY",
]
START = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'safeguarding.config.settings'; "
    "django.setup()"
)


def start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SAFEGUARDING_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment |= {"SAFEGUARDING_VAR_DIR": str(tmp_path), **variables}
    return subprocess.run(
        [sys.executable, "-c", START],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", SECRETS)
def test_production_names_the_missing_secret_and_stops(tmp_path: Path, missing: str) -> None:
    given = {name: f"value-of-{name.lower()}" for name in SECRETS if name != missing}
    result = start(tmp_path, SAFEGUARDING_ENV="production", **given)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment" in result.stderr
    assert not (tmp_path / "secrets").exists()


def test_production_starts_with_every_secret(tmp_path: Path) -> None:
    given = {name: f"value-of-{name.lower()}" for name in SECRETS}
    result = start(tmp_path, SAFEGUARDING_ENV="production", **given)
    assert result.returncode == 0, result.stderr


def test_development_keeps_generated_secrets_outside_the_code(tmp_path: Path) -> None:
    assert start(tmp_path).returncode == 0
    kept = sorted(path.name for path in (tmp_path / "secrets").iterdir())
    assert kept == sorted(name.lower() for name in SECRETS[:3])
    assert all(oct(path.stat().st_mode)[-3:] == "600" for path in (tmp_path / "secrets").iterdir())
