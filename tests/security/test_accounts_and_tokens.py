"""Probing sign-in and API tokens as an attacker would: account existence by timing,
tokens for people's accounts, tokens that never expire, and revoking one token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.actions import (
    check_password_step,
    issue_api_token,
    user_for_api_token,
)
from safeguarding.access.models import ApiToken, User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.cli import main
from tests.factories import PASSWORD, Area
from tests.hashers import FastArgon2PasswordHasher

pytestmark = pytest.mark.django_db


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each Argon2 computation made, by kind: the work that sets how long sign-in takes."""
    made: list[str] = []
    encode, verify = FastArgon2PasswordHasher.encode, FastArgon2PasswordHasher.verify

    def counted_encode(self: FastArgon2PasswordHasher, password: str, salt: str) -> str:
        made.append("encode")
        return encode(self, password, salt)

    def counted_verify(self: FastArgon2PasswordHasher, password: str, encoded: str) -> bool:
        made.append("verify")
        return verify(self, password, encoded)

    monkeypatch.setattr(FastArgon2PasswordHasher, "encode", counted_encode)
    monkeypatch.setattr(FastArgon2PasswordHasher, "verify", counted_verify)
    return made


def test_a_locked_account_costs_a_hash_like_an_unknown_one(area: Area, hashes: list[str]) -> None:
    User.objects.filter(pk=area.dsl.pk).update(locked_until=timezone.now() + timedelta(hours=1))
    for username, password in [
        ("nobody-here", PASSWORD),
        (area.dsl.username, PASSWORD),
        (area.dsl.username, "a wrong password"),
        (area.practitioner.username, "a wrong password"),
    ]:
        hashes.clear()
        result = check_password_step(username, password)
        assert result.user is None
        assert len(hashes) == 1, (username, hashes)


def test_issue_token_refuses_a_persons_account(
    area: Area, capsys: pytest.CaptureFixture[str]
) -> None:
    for person in (area.dsl, area.practitioner, area.admin):
        assert main(["issue-token", person.username]) == 1
        assert "person's account" in capsys.readouterr().err
    assert not ApiToken.objects.exists()
    assert main(["issue-token", area.system.username, "--days", "30"]) == 0
    token = capsys.readouterr().out.strip()
    assert user_for_api_token(token) == area.system


@pytest.mark.parametrize("days", [0, -1, 731])
def test_a_token_always_expires(area: Area, days: int, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValidationError):
        issue_api_token(actor=None, user=area.system, name="x", days_valid=days)
    assert main(["issue-token", area.system.username, "--days", str(days)]) == 2
    assert "1 to 730 days" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_one_token_can_be_revoked_alone(area: Area, capsys: pytest.CaptureFixture[str]) -> None:
    kept = issue_api_token(actor=None, user=area.system, name="records system")
    exposed = issue_api_token(actor=None, user=area.system, name="exposed in a log")
    exposed_id = ApiToken.objects.get(name="exposed in a log").pk
    assert main(["list-tokens", area.system.username]) == 0
    listing = capsys.readouterr().out
    assert f"{exposed_id}\t" in listing
    assert "exposed in a log" in listing
    assert main(["revoke-token", str(exposed_id)]) == 0
    assert user_for_api_token(exposed) is None
    assert user_for_api_token(kept) == area.system
    assert AuditEntry.objects.filter(
        verb=AuditVerb.API_TOKEN_REVOKED, target_id=str(exposed_id)
    ).exists()
    assert main(["revoke-token", str(exposed_id)]) == 1
    assert "no working token" in capsys.readouterr().err
