"""Closing, deletion after the retention period, staff alerts and reminders, conflicts of
interest and redaction: each with a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.clocks.models import Clock
from safeguarding.helpline import actions, conflicts, lifecycle, queries
from safeguarding.helpline.models import (
    Attachment,
    Message,
    Outcome,
    Report,
    ReportKey,
    RoutedReferral,
    Status,
)
from safeguarding.notifications.models import Notification
from tests.factories import Area, make_user
from tests.helpline.conftest import Helpline, details, unlocked

ClientFor = Callable[[User], Client]
DAY = date(2026, 3, 2)


def _taken_in(area: Area, **overrides: object) -> Report:
    report = actions.submit_report(details(area, **overrides), today=DAY).report
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=1))
    report.refresh_from_db()
    return report


def _opened(helpline: Helpline, report: Report) -> actions.OpenReport:
    return actions.open_report(
        actor=helpline.caseworker, report=report, private_key=unlocked(helpline.caseworker)
    )


# Closing and retention ---------------------------------------------------------------------


def test_a_closed_report_is_warned_of_then_shredded_after_the_retention_period(
    helpline: Helpline, area: Area, settings: object
):
    settings.HELPLINE_RETENTION_DAYS = 100
    report = _taken_in(area)
    receipt_report = actions.submit_report(details(area, what_happened="Another one"), today=DAY)
    closed_on = DAY + timedelta(days=10)
    lifecycle.close_report(
        actor=helpline.caseworker, report=report, outcome=Outcome.REFERRED, today=closed_on
    )
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert not Clock.objects.filter(
        subject=report.subject, met_on__isnull=True, cancelled_on__isnull=True
    ).exists()
    assert lifecycle.deletion_due(report) == closed_on + timedelta(days=100)

    # Not yet: nothing is warned of or deleted.
    assert lifecycle.warn_before_deletion(closed_on + timedelta(days=85)) == 0
    # Fourteen days before: the caseworkers are warned, once, without the content.
    warn_day = closed_on + timedelta(days=100 - lifecycle.DELETION_WARNING_DAYS)
    assert lifecycle.warn_before_deletion(warn_day) == 1
    assert lifecycle.warn_before_deletion(warn_day) == 0
    warning = Notification.objects.filter(subject__contains="will be deleted").first()
    assert warning is not None
    assert "shredded" not in warning.body

    assert lifecycle.shred_closed_reports(closed_on + timedelta(days=99)) == 0
    assert lifecycle.shred_closed_reports(closed_on + timedelta(days=100)) == 1
    report.refresh_from_db()
    assert report.shredded_on == closed_on + timedelta(days=100)
    assert bytes(report.content) == b""
    assert not ReportKey.objects.filter(report=report).exists()
    assert not Message.objects.filter(report=report).exists()
    assert not Attachment.objects.filter(report=report).exists()
    # The row stays for the counts; the other report is untouched.
    assert Report.objects.filter(pk=report.pk, category=report.category).exists()
    assert actions.open_with_receipt(receipt_report.receipt) is not None
    assert AuditEntry.objects.filter(verb="helpline-reports-shredded").exists()


def test_a_reopened_report_is_not_deleted(helpline: Helpline, area: Area, settings: object):
    settings.HELPLINE_RETENTION_DAYS = 30
    report = _taken_in(area)
    lifecycle.close_report(
        actor=helpline.caseworker, report=report, outcome=Outcome.NO_FURTHER_ACTION, today=DAY
    )
    lifecycle.reopen_report(actor=helpline.caseworker, report=report)
    assert lifecycle.shred_closed_reports(DAY + timedelta(days=365)) == 0
    report.refresh_from_db()
    assert report.status == Status.NEW
    assert bytes(report.content)


def test_closing_needs_an_outcome_and_sight_of_the_report(helpline: Helpline, area: Area):
    report = _taken_in(area)
    with pytest.raises(ValidationError):
        lifecycle.close_report(actor=helpline.caseworker, report=report, outcome="")
    with pytest.raises(PermissionDenied):
        lifecycle.close_report(actor=area.mash, report=report, outcome=Outcome.REFERRED)


# Alerts and reminders ----------------------------------------------------------------------


def test_staff_hear_of_new_reports_the_day_after_without_content(helpline: Helpline, area: Area):
    actions.submit_report(details(area), today=DAY)
    actions.start_pending_clocks(actor=None, today=DAY)
    assert not Notification.objects.exists()
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=1))
    told = Notification.objects.filter(recipient=helpline.caseworker).get()
    assert told.subject == "1 new helpline report"
    assert "shredded" not in told.body
    # Two more the next day join the one still unread: one notification counts them.
    actions.submit_report(details(area), today=DAY + timedelta(days=1))
    actions.submit_report(details(area), today=DAY + timedelta(days=1))
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=2))
    told = Notification.objects.filter(recipient=helpline.caseworker).get()
    assert told.subject == "3 new helpline reports"


def test_a_reporter_message_is_alerted_the_next_day(helpline: Helpline, area: Area):
    opened = actions.open_with_receipt(actions.submit_report(details(area), today=DAY).receipt)
    assert opened is not None
    actions.add_information(opened, text="The log was in the safe", today=DAY + timedelta(days=3))
    assert lifecycle.alert_reporter_messages(DAY + timedelta(days=3)) == 0
    assert lifecycle.alert_reporter_messages(DAY + timedelta(days=4)) == 1
    assert lifecycle.alert_reporter_messages(DAY + timedelta(days=4)) == 0
    note = Notification.objects.filter(subject__startswith="The reporter has added").get(
        recipient=helpline.caseworker
    )
    assert "safe" not in note.body
    assert opened.report.reference in note.subject


def test_reminders_before_the_clocks_fall_due(helpline: Helpline, area: Area):
    report = _taken_in(area)
    # The acknowledgement is due 7 days after the day received; reminded 2 days before.
    assert lifecycle.remind_due_clocks(DAY + timedelta(days=4)) == 0
    assert lifecycle.remind_due_clocks(DAY + timedelta(days=5)) == 1
    assert lifecycle.remind_due_clocks(DAY + timedelta(days=5)) == 0
    actions.send_reply(actor=helpline.caseworker, opened=_opened(helpline, report), text="Hello")
    feedback_due = Clock.objects.get(
        subject=report.subject, clock_type="whistleblowing-feedback"
    ).due_on
    assert lifecycle.remind_due_clocks(feedback_due - timedelta(days=15)) == 0
    assert lifecycle.remind_due_clocks(feedback_due - timedelta(days=14)) == 1
    subjects = set(
        Notification.objects.filter(recipient=helpline.caseworker).values_list("subject", flat=True)
    )
    assert any("acknowledge the report" in subject for subject in subjects)
    assert any("feedback" in subject for subject in subjects)


# Conflicts of interest ---------------------------------------------------------------------


def test_excluding_a_colleague_needs_a_second_person_and_can_be_undone(
    helpline: Helpline, area: Area
):
    third = make_user(Role.HELPLINE_STAFF, helpline.agency, username="third")
    report = _taken_in(area)
    exclusion = conflicts.declare_conflict(
        actor=helpline.caseworker,
        report=report,
        user=helpline.colleague,
        reason="Married to the head teacher named in the report",
        today=DAY,
    )
    # Declared, not yet in effect; the declarer cannot confirm it alone.
    assert queries.can_see(helpline.colleague, report)
    with pytest.raises(ValidationError):
        conflicts.confirm_exclusion(actor=helpline.caseworker, exclusion=exclusion, today=DAY)
    conflicts.confirm_exclusion(actor=third, exclusion=exclusion, today=DAY)
    assert not queries.can_see(helpline.colleague, report)
    # The key stays during the undo window, and undoing gives sight back.
    assert conflicts.withdraw_excluded_keys(DAY + timedelta(days=conflicts.UNDO_DAYS)) == 0
    conflicts.undo_exclusion(actor=third, exclusion=exclusion, today=DAY + timedelta(days=2))
    assert queries.can_see(helpline.colleague, report)
    assert ReportKey.objects.filter(report=report, user=helpline.colleague).exists()


def test_a_confirmed_exclusion_withdraws_the_key_after_the_window(helpline: Helpline, area: Area):
    report = _taken_in(area)
    exclusion = conflicts.declare_conflict(
        actor=helpline.colleague,
        report=report,
        user=helpline.colleague,
        reason="I used to work at the school named",
        today=DAY,
    )
    assert not queries.can_see(helpline.colleague, report)  # one's own: at once
    after = DAY + timedelta(days=conflicts.UNDO_DAYS + 1)
    with pytest.raises(ValidationError):
        conflicts.undo_exclusion(actor=helpline.caseworker, exclusion=exclusion, today=after)
    assert conflicts.withdraw_excluded_keys(after) == 1
    assert not ReportKey.objects.filter(report=report, user=helpline.colleague).exists()
    assert ReportKey.objects.filter(report=report, user=helpline.caseworker).exists()


def test_conflicts_through_the_pages(helpline: Helpline, area: Area, client_for: ClientFor):
    report = _taken_in(area)
    client = client_for(helpline.caseworker)
    short = client.post(
        f"/helpline/staff/reports/{report.pk}/conflict/",
        {"user": helpline.colleague.pk, "reason": "no"},
    )
    assert short.status_code == 400
    client.post(
        f"/helpline/staff/reports/{report.pk}/conflict/",
        {"user": helpline.colleague.pk, "reason": "Related to the designated safeguarding lead"},
    )
    exclusion = report.exclusions.get()
    alone = client.post(f"/helpline/staff/reports/{report.pk}/conflict/{exclusion.pk}/confirm/")
    assert alone.status_code == 400
    assert "Someone other than the person who declared it" in alone.content.decode()


# Redaction ---------------------------------------------------------------------------------


def test_marked_passages_never_leave_the_helpline(helpline: Helpline, area: Area):
    report = _taken_in(area)
    opened = _opened(helpline, report)
    with pytest.raises(ValidationError):
        actions.route_referral(
            actor=helpline.caseworker,
            opened=opened,
            to_agency=area.council,
            fields=["what_happened"],
            legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
            redactions=["a passage the report does not contain"],
        )
    referral = actions.route_referral(
        actor=helpline.caseworker,
        opened=opened,
        to_agency=area.council,
        fields=["what_happened", "who"],
        legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
        redactions=["head teacher", "after an inspection"],
    )
    sent = actions.referral_text(referral)
    assert "head teacher" not in sent
    assert "after an inspection" not in sent
    assert "[redacted]" in sent
    assert referral.redacted_passages == 2
    # The report itself is unchanged.
    assert "head teacher" in opened.content()["what_happened"]
