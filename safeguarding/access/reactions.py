"""What other apps do when something happens to a member of staff's account. The apps above
access (the helpline re-wraps a member of staff's key when their password changes) register
a reaction in their AppConfig.ready, so that access imports none of them."""

from __future__ import annotations

from typing import Protocol

from safeguarding.access.models import User


class PasswordChanged(Protocol):
    """Runs in the transaction that changes ``user``'s password, with both passwords."""

    def __call__(self, *, user: User, old_password: str, new_password: str) -> None: ...


_password_changed: dict[str, PasswordChanged] = {}


def on_password_changed(name: str, reaction: PasswordChanged) -> None:
    """Register ``reaction`` under ``name`` (registering a name again replaces it, so that
    AppConfig.ready may run twice)."""
    _password_changed[name] = reaction


def password_changed(*, user: User, old_password: str, new_password: str) -> None:
    for reaction in _password_changed.values():
        reaction(user=user, old_password=old_password, new_password=new_password)


def registered() -> list[str]:
    return list(_password_changed)
