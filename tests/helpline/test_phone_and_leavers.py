"""Reports taken by phone, with a receipt the caller uses to check the record; and the keys
of caseworkers who leave, withdrawn so that their old password opens nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from safeguarding.access.actions import deactivate_user
from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.helpline import actions, queries
from safeguarding.helpline.models import Channel, Report, ReportKey, StaffKey, Status
from tests.factories import Area, make_user
from tests.helpline.conftest import Helpline, details, receipt_in, unlocked

ClientFor = Callable[[User], Client]
CALLER_WORDS = "The caller says the LADO was never told about the coach and his conduct"


def _phone_form(area: Area) -> dict[str, object]:
    return {
        "what_happened": CALLER_WORDS,
        "named_agencies": [area.school.pk],
        "area": area.council.pk,
        "who": "",
        "when": "Last season",
        "organisations": "",
        "known_as": "anonymous",
    }


def test_a_caseworker_takes_a_report_by_phone_and_the_caller_checks_the_record(
    helpline: Helpline, area: Area, client_for: ClientFor, client: Client
) -> None:
    staff = client_for(helpline.caseworker)
    assert staff.get("/helpline/staff/phone/").status_code == 200
    page = staff.post("/helpline/staff/phone/", _phone_form(area))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    receipt = receipt_in(page)
    report = Report.objects.get()
    assert (report.channel, report.status) == (Channel.PHONE, Status.NEW)
    assert list(report.named_agencies.all()) == [area.school]
    # The log names the caseworker, not the report, and only from the next day: an entry
    # written during the call would date an anonymous caller's report to the minute.
    assert not AuditEntry.objects.filter(verb="helpline-phone-report-taken").exists()
    actions.start_pending_clocks(actor=None, today=timezone.localdate())
    assert not AuditEntry.objects.filter(verb="helpline-phone-report-taken").exists()
    actions.start_pending_clocks(actor=None, today=timezone.localdate() + timedelta(days=1))
    entry = AuditEntry.objects.get(verb="helpline-phone-report-taken")
    assert entry.actor_id == helpline.caseworker.pk
    assert not entry.target_id
    assert entry.payload == {"day": timezone.localdate().isoformat()}
    # The caller checks the record of what they said, with the receipt.
    record = client.post("/helpline/return/", {"receipt": receipt})
    assert record.status_code == 200
    assert CALLER_WORDS in record.content.decode()
    assert "By phone" in record.content.decode()


def test_only_helpline_staff_take_phone_reports(
    helpline: Helpline, area: Area, client_for: ClientFor
) -> None:
    for user in (area.mash, area.taskforce_analyst, area.admin):
        assert client_for(user).post("/helpline/staff/phone/", _phone_form(area)).status_code == 403
    assert not Report.objects.exists()


def test_phone_questions_show_errors(helpline: Helpline, client_for: ClientFor) -> None:
    response = client_for(helpline.caseworker).post("/helpline/staff/phone/", {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter what happened" in body
    assert "Choose how you want to be known" in body


def test_a_leavers_keys_are_withdrawn_and_orphaned_reports_wait_for_recovery(
    helpline: Helpline, area: Area, client_for: ClientFor
) -> None:
    report = actions.submit_report(details(area)).report
    assert ReportKey.objects.filter(report=report).count() == 2
    deactivate_user(actor=area.admin, user=helpline.colleague)
    actions.start_pending_clocks(actor=None)
    assert not ReportKey.objects.filter(user=helpline.colleague).exists()
    assert not StaffKey.objects.filter(user=helpline.colleague).exists()
    assert queries.reports_needing_recovery(helpline.caseworker) == []
    assert AuditEntry.objects.filter(
        verb="helpline-keys-withdrawn", target_id=str(helpline.colleague.pk)
    ).exists()

    # The last holder leaves too: the report waits for two administrators.
    newcomer = make_user(Role.HELPLINE_STAFF, helpline.agency, username="newcomer")
    private = unlocked(newcomer)
    deactivate_user(actor=area.admin, user=helpline.caseworker)
    assert actions.withdraw_leavers_keys(actor=None) == 1
    assert queries.reports_needing_recovery(newcomer) == [report]
    queue = client_for(newcomer).get("/helpline/staff/").content.decode()
    assert "Two administrators must recover it" in queue
    first, second = helpline.recovery
    actions.recover_report(
        actor=None, report=report, first_share=first, second_share=second, to=newcomer
    )
    assert queries.reports_needing_recovery(newcomer) == []
    opened = actions.open_report(actor=newcomer, report=report, private_key=private)
    assert "shredded" in opened.content()["what_happened"]
