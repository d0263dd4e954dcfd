"""Staff change their own password; a password an administrator chose must be changed first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from safeguarding.access import reactions
from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.helpline.actions import unlock_staff_key
from tests.factories import PASSWORD, Area, make_agency, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orbit-lantern-meadow"
URL = "/account/password/"


def change(client: Client, current: str, new: str, confirm: str | None = None):
    return client.post(
        URL,
        {"current_password": current, "new_password": new, "confirm_password": confirm or new},
    )


def test_a_password_an_administrator_chose_must_be_changed_first(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    admin = client_for(area.admin)
    response = admin.post(
        reverse("access:user-create"),
        {
            "username": "newstarter",
            "given_name": "Nadia",
            "family_name": "Hale",
            "email": "nadia.hale@council.example",
            "role": Role.PRACTITIONER,
            "agency": area.council.pk,
            "password": "temporary-pass-phrase-1",
        },
    )
    assert response.status_code == 302
    starter = User.objects.get(username="newstarter")
    assert starter.must_change_password
    client = client_for(starter)
    for path in ("/", reverse("people:search"), reverse("concerns:record")):
        response = client.get(path)
        assert (response.status_code, response.url) == (302, URL), path
    assert client.get(URL).status_code == 200
    assert change(client, "temporary-pass-phrase-1", NEW_PASSWORD).status_code == 200
    starter.refresh_from_db()
    assert not starter.must_change_password
    assert starter.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in, and free to go on
    assert AuditEntry.objects.filter(
        verb=AuditVerb.PASSWORD_CHANGED, actor_id=starter.pk, target_id=str(starter.pk)
    ).exists()


def test_mistakes_are_explained_and_change_nothing(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    client = client_for(area.practitioner)
    cases = [
        (("wrong-password-here", NEW_PASSWORD), "Your current password is not correct"),
        ((PASSWORD, NEW_PASSWORD, "plum-orbit-lantern-meadoW"), "The passwords do not match"),
        ((PASSWORD, "short"), "This password is too short"),
        ((PASSWORD, PASSWORD), "must be different from your current one"),
    ]
    for arguments, message in cases:
        response = change(client, *arguments)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'class="govuk-error-summary"' in response.content.decode()
    area.practitioner.refresh_from_db()
    assert area.practitioner.check_password(PASSWORD)


def test_guessing_the_current_password_locks_the_account(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    client = client_for(area.practitioner)
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        change(client, "not-my-password-at-all", NEW_PASSWORD)
    area.practitioner.refresh_from_db()
    assert area.practitioner.locked_until is not None
    assert AuditEntry.objects.filter(
        verb=AuditVerb.ACCOUNT_LOCKED, target_id=str(area.practitioner.pk)
    ).exists()


def test_the_session_id_changes_and_other_sessions_end(
    area: Area, client_for: Callable[[User], Client]
) -> None:
    client = client_for(area.practitioner)
    elsewhere = client_for(area.practitioner)
    before = client.session.session_key
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 200
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302  # signed out on the other computer


def test_a_helpline_caseworkers_key_follows_the_new_password(
    client_for: Callable[[User], Client],
) -> None:
    caseworker = make_user(Role.HELPLINE_STAFF, make_agency(AgencyKind.HELPLINE))
    private = unlock_staff_key(actor=caseworker, password=PASSWORD)
    assert change(client_for(caseworker), PASSWORD, NEW_PASSWORD).status_code == 200
    caseworker.refresh_from_db()
    assert unlock_staff_key(actor=caseworker, password=NEW_PASSWORD) == private


def test_the_helpline_reacts_to_a_password_change():
    """The helpline re-wraps a member of staff's key through a reaction it registers, so
    that access imports nothing of the helpline."""
    assert reactions.registered() == ["helpline.rewrap_staff_key"]
