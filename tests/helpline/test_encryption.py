"""Slice 2: encryption at rest. A database dump holds no report plaintext; only assigned
staff and the reporter can open a report; access is decided before any key is used."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client

from safeguarding.access.roles import Role
from safeguarding.helpline import actions, crypto, queries
from safeguarding.helpline.models import Report, ReportKey
from tests.factories import Area, make_user
from tests.helpline.conftest import Helpline, details, unlocked

pytestmark = pytest.mark.each_database

SECRET_TEXT = "Mrs Quill deleted seven referrals from the inbox on purpose"


def _submit(area: Area, **overrides: object) -> actions.Submitted:
    return actions.submit_report(
        details(
            area,
            what_happened=SECRET_TEXT,
            known_as="open",
            name="Ada Whistler",
            contact="ada@example.org",
            **overrides,
        )
    )


def test_a_database_dump_holds_no_plaintext(helpline: Helpline, area: Area):
    submitted = _submit(area)
    opened = actions.open_report(
        actor=helpline.caseworker,
        report=submitted.report,
        private_key=unlocked(helpline.caseworker),
    )
    actions.send_reply(
        actor=helpline.caseworker, opened=opened, text="A secret reply about Mrs Quill"
    )
    out = StringIO()
    call_command("dumpdata", "helpline", stdout=out)
    dump = out.getvalue()
    for plaintext in (
        SECRET_TEXT,
        "Mrs Quill",
        "Ada Whistler",
        "ada@example.org",
        "Last March",
        submitted.receipt,
    ):
        assert plaintext not in dump
    # Raw SELECTs of every helpline table, binary columns included.
    with connection.cursor() as cursor:
        for model in (Report, ReportKey):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            raw = " ".join(
                bytes(value).decode("latin-1")
                if isinstance(value, memoryview | bytes)
                else str(value)
                for row in cursor.fetchall()
                for value in row
            )
            assert "Quill" not in raw
            assert "Whistler" not in raw
    assert json.loads(dump)


def test_the_reporter_and_assigned_staff_can_read(helpline: Helpline, area: Area):
    submitted = _submit(area)
    by_receipt = actions.open_with_receipt(submitted.receipt)
    assert by_receipt is not None
    assert by_receipt.content()["what_happened"] == SECRET_TEXT
    opened = actions.open_report(
        actor=helpline.colleague, report=submitted.report, private_key=unlocked(helpline.colleague)
    )
    assert opened.content()["name"] == "Ada Whistler"


def test_an_anonymous_report_keeps_no_name_even_if_one_was_typed(helpline: Helpline, area: Area):
    submitted = actions.submit_report(details(area, name="Typed anyway", contact="x@example.org"))
    opened = actions.open_with_receipt(submitted.receipt)
    assert opened is not None
    assert "name" not in opened.content()


def test_staff_not_assigned_cannot_decrypt(helpline: Helpline, area: Area):
    submitted = _submit(area)
    newcomer = make_user(Role.HELPLINE_STAFF, helpline.agency, username="newcomer")
    private = unlocked(newcomer)  # a key pair made after the report arrived
    assert queries.can_see(newcomer, submitted.report)
    assert not queries.is_assigned(newcomer, submitted.report)
    with pytest.raises(PermissionDenied):
        actions.open_report(actor=newcomer, report=submitted.report, private_key=private)
    # Even a sealed key stolen from a colleague does not open with the newcomer's key.
    sealed = ReportKey.objects.get(report=submitted.report, user=helpline.caseworker).sealed_key
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(private, bytes(sealed))


def test_an_assigned_colleague_can_share_a_report(helpline: Helpline, area: Area):
    submitted = _submit(area)
    newcomer = make_user(Role.HELPLINE_STAFF, helpline.agency, username="newcomer")
    unlocked(newcomer)
    opened = actions.open_report(
        actor=helpline.caseworker,
        report=submitted.report,
        private_key=unlocked(helpline.caseworker),
    )
    actions.assign_report(actor=helpline.caseworker, opened=opened, to=newcomer)
    mine = actions.open_report(
        actor=newcomer, report=submitted.report, private_key=unlocked(newcomer)
    )
    assert mine.content()["what_happened"] == SECRET_TEXT


def test_a_wrong_password_does_not_unlock(helpline: Helpline):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.unlock_staff_key(actor=helpline.caseworker, password="wrong password entirely")


def test_recovery_needs_both_shares(helpline: Helpline, area: Area):
    submitted = _submit(area)
    newcomer = make_user(Role.HELPLINE_STAFF, helpline.agency, username="newcomer")
    private = unlocked(newcomer)
    first, second = helpline.recovery
    with pytest.raises(crypto.DecryptionError):
        actions.recover_report(
            actor=None,
            report=submitted.report,
            first_share=first,
            second_share="00" * 32,
            to=newcomer,
        )
    actions.recover_report(
        actor=None, report=submitted.report, first_share=first, second_share=second, to=newcomer
    )
    opened = actions.open_report(actor=newcomer, report=submitted.report, private_key=private)
    assert opened.content()["what_happened"] == SECRET_TEXT


def _outcome(client: Client, report: Report) -> int:
    return client.get(f"/helpline/staff/reports/{report.pk}/").status_code


def test_access_is_decided_before_decryption_and_matches_it(
    helpline: Helpline, area: Area, client_for
):
    """Who may open a report is the same whether or not they hold a key: a staff member at
    a named agency who still holds a sealed key is refused; staff without a key who may
    see the report are told it is not assigned to them rather than failing to decrypt."""
    named_helpline_staff = make_user(Role.HELPLINE_STAFF, area.school, username="school-staff")
    submitted = _submit(area)
    report = submitted.report
    # Give the excluded person a genuine sealed key: it must not matter.
    private, public = crypto.new_key_pair()
    ReportKey.objects.create(
        report=report, user=named_helpline_staff, sealed_key=crypto.seal(public, b"k" * 32)
    )
    outsiders = [
        area.mash,
        area.police_analyst,
        area.dsl,
        area.admin,
        area.auditor,
        named_helpline_staff,
    ]
    for user in outsiders:
        assert not queries.can_see(user, report)
        assert _outcome(client_for(user), report) in (403, 404), user.username
        assert report not in queries.visible_reports(user)
    assert queries.can_see(helpline.caseworker, report)
    assert _outcome(client_for(helpline.caseworker), report) == 200
    # A caseworker excluded from the report keeps their genuine sealed key, and is refused.
    report.excluded_users.add(helpline.colleague)
    assert ReportKey.objects.filter(report=report, user=helpline.colleague).exists()
    assert _outcome(client_for(helpline.colleague), report) == 404
    assert report not in queries.visible_reports(helpline.colleague)
    with pytest.raises(PermissionDenied):
        actions.open_report(
            actor=helpline.colleague, report=report, private_key=unlocked(helpline.colleague)
        )
    del private


def test_naming_the_helpline_itself_shuts_its_own_staff_out(helpline: Helpline, area: Area):
    submitted = _submit(area, named_agencies=[helpline.agency])
    assert not ReportKey.objects.filter(report=submitted.report).exists()
    assert not queries.can_see(helpline.caseworker, submitted.report)
    # The reporter can still read it, and it can still be recovered with both shares.
    assert actions.open_with_receipt(submitted.receipt) is not None


def test_who_may_see_what_does_not_depend_on_who_holds_keys(
    helpline: Helpline, area: Area, client_for
):
    """The same access decisions with every sealed key removed ("encryption off") as with
    them in place: keys only ever open what access already allows."""
    reports = [
        _submit(area).report,
        _submit(area, named_agencies=[helpline.agency]).report,
        _submit(area, named_agencies=[area.police]).report,
    ]
    reports[0].excluded_users.add(helpline.colleague)
    police_caseworker = make_user(Role.HELPLINE_STAFF, area.police, username="police-caseworker")
    users = [helpline.caseworker, helpline.colleague, police_caseworker, area.mash, area.admin]
    clients = {user.pk: client_for(user) for user in users}

    def decisions() -> list[tuple[str, str, bool, int]]:
        return [
            (
                user.username,
                report.reference,
                queries.can_see(user, report),
                _outcome(clients[user.pk], report),
            )
            for user in users
            for report in reports
        ]

    with_keys = decisions()
    ReportKey.objects.all().delete()
    assert decisions() == with_keys
