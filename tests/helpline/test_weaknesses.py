"""The helpline's known weaknesses, each shown closed: a test for each way an attacker or a
careless day could use the helpline against a reporter or a child."""

from __future__ import annotations

import base64
import html
import json
import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as datetime_time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.helpline import (
    actions,
    attachments,
    crypto,
    queries,
    spam,
    throttle,
    tokens,
    views,
)
from safeguarding.helpline.models import Attachment, Report, ReportKey, RoutedReferral, Status
from safeguarding.notifications.models import Notification
from tests.factories import PASSWORD, Area, make_user
from tests.helpline.conftest import Helpline, details, hidden, submit_through_pages, unlocked

ClientFor = Callable[[User], Client]
DAY = date(2026, 3, 2)


def _audit_text() -> str:
    return "\n".join(
        json.dumps(entry.payload) + str(entry.target_id) for entry in AuditEntry.objects.all()
    )


# 1. The audit log dates a report to its day, never closer -------------------------------


def test_no_audit_entry_names_a_report_on_the_day_it_arrives(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    today = timezone.localdate()
    report = actions.submit_report(details(area), today=today).report
    actions.start_pending_clocks(actor=None, today=today)
    client_for(helpline.caseworker).get("/helpline/staff/")
    assert str(report.pk) not in _audit_text()
    # The queue's entry does not count reports either: two views would date one between them.
    views_logged = AuditEntry.objects.filter(verb="helpline-queue-viewed")
    assert views_logged.exists()
    assert all("count" not in entry.payload for entry in views_logged)
    # The next day's batch takes it in, with its clocks counted from the day it came.
    assert actions.start_pending_clocks(actor=None, today=today + timedelta(days=1)) == 1
    assert str(report.pk) in _audit_text()


# 2. The urgent alert always reaches a responsible body ----------------------------------


def test_the_urgent_alert_reaches_the_taskforce_when_the_area_is_named(
    helpline: Helpline, area: Area
):
    report = actions.submit_report(details(area, named_agencies=[area.council, area.police])).report
    alert = actions.mark_child_in_danger(
        actor=helpline.caseworker, report=report, summary="A child at the school is at risk today"
    )
    assert alert.told >= 1
    assert area.taskforce in alert.agencies
    assert area.council not in alert.agencies
    assert area.police not in alert.agencies
    assert Notification.objects.filter(recipient=area.taskforce_analyst).exists()
    assert not Notification.objects.filter(recipient__in=[area.mash, area.police_analyst]).exists()


def test_the_urgent_alert_is_refused_rather_than_sent_to_nobody(helpline: Helpline, area: Area):
    report = actions.submit_report(
        details(area, named_agencies=[area.council, area.police, area.taskforce])
    ).report
    area.other_mash.is_active = False
    area.other_mash.save()
    with pytest.raises(ValidationError):
        actions.mark_child_in_danger(
            actor=helpline.caseworker, report=report, summary="A child is at risk today"
        )
    report.refresh_from_db()
    assert not report.child_in_danger


# 3. One caseworker cannot bury a report by naming the helpline --------------------------


def test_naming_the_helpline_itself_is_refused_and_keeps_every_key(helpline: Helpline, area: Area):
    report = actions.submit_report(details(area)).report
    keys = ReportKey.objects.filter(report=report).count()
    assert keys == 2
    with pytest.raises(ValidationError):
        actions.name_agency(actor=helpline.caseworker, report=report, agency=helpline.agency)
    assert ReportKey.objects.filter(report=report).count() == keys
    assert not report.named_agencies.filter(pk=helpline.agency.pk).exists()


def test_a_report_about_the_helpline_goes_to_the_taskforce(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = actions.submit_report(
        details(area, named_agencies=[helpline.agency]), today=DAY
    ).report
    assert not queries.can_see(helpline.caseworker, report)
    referral = RoutedReferral.objects.get(report=report)
    assert referral.to_agency == area.taskforce
    # The day only: the referral's time is midnight, and nobody is told that day.
    assert timezone.localtime(referral.sent_at).time() == datetime_time.min
    assert not Notification.objects.exists()
    actions.start_pending_clocks(actor=None, today=DAY + timedelta(days=1))
    note = Notification.objects.get(recipient=area.taskforce_analyst)
    assert note.link == f"/helpline/referrals/{referral.pk}/"
    page = client_for(area.taskforce_analyst).get(note.link)
    assert "shredded the disclosure log" in page.content.decode()


# 4. The unlock page locks out as sign-in does --------------------------------------------


def test_wrong_unlock_passwords_lock_the_account(helpline: Helpline, client_for: ClientFor):
    client = client_for(helpline.caseworker)
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        client.post("/helpline/staff/unlock/", {"password": "not-the-password"})
    helpline.caseworker.refresh_from_db()
    assert helpline.caseworker.is_locked()
    # Now even the right password opens nothing until the lock-out ends.
    right = client.post("/helpline/staff/unlock/", {"password": PASSWORD})
    assert right.status_code == 400
    assert "helpline_unlock" not in right.cookies


# 5. Rate limits: one IPv6 /64 is one sender; a shared exit does not lock others out -------


def test_addresses_in_one_ipv6_64_share_a_counter():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff:1:2:3")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert throttle.bucket(one, "receipt") == throttle.bucket(two, "receipt")
    assert throttle.bucket(one, "receipt") != throttle.bucket(other, "receipt")
    v4 = factory.get("/", REMOTE_ADDR="203.0.113.7")
    v4_next = factory.get("/", REMOTE_ADDR="203.0.113.8")
    assert throttle.bucket(v4, "receipt") != throttle.bucket(v4_next, "receipt")


def test_a_blocked_address_can_still_try_a_receipt_with_fresh_work(helpline: Helpline, area: Area):
    receipt = actions.submit_report(details(area)).receipt
    client = Client(REMOTE_ADDR="2001:db8:9:9::5")
    for _ in range(throttle.FAILURES_PER_HOUR):
        client.post("/helpline/return/", {"receipt": "1" * 20})
    blocked = Client(REMOTE_ADDR="2001:db8:9:9::77").post("/helpline/return/", {"receipt": receipt})
    assert blocked.status_code == 429
    page = Client(REMOTE_ADDR="2001:db8:9:9::77").get("/helpline/return/")
    found = re.search(r'data-helpline-work="([^"]*)"', page.content.decode())
    assert found
    challenge = json.loads(html.unescape(found.group(1)))
    with_work = Client(REMOTE_ADDR="2001:db8:9:9::77").post(
        "/helpline/return/", {"receipt": receipt, "altcha": spam.solve(challenge)}
    )
    assert with_work.status_code == 200
    assert "pass" in with_work.content.decode()


# 6. What an anonymous sender can make the service store and compute ---------------------


def test_a_report_costs_one_argon2id_computation(
    helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    calls: list[int] = []
    real = crypto.hash_secret_raw

    def counted(**kwargs: object) -> bytes:
        calls.append(1)
        return real(**kwargs)  # type: ignore[arg-type]  # the same keywords, passed on

    monkeypatch.setattr(crypto, "hash_secret_raw", counted)
    hashed: list[int] = []
    monkeypatch.setattr("argon2.PasswordHasher.hash", lambda *_args, **_kw: hashed.append(1) or "x")
    submitted = actions.submit_report(details(area))
    assert len(calls) + len(hashed) == 1
    assert actions.open_with_receipt(submitted.receipt) is not None


def test_a_quarantined_report_keeps_no_files(helpline: Helpline, area: Area):
    prepared = attachments.prepare_all(
        [SimpleUploadedFile("notes.txt", b"What I saw", "text/plain")]
    )
    report = actions.submit_report(details(area, suspected_spam=True, attachments=prepared)).report
    assert report.status == Status.QUARANTINED
    assert not Attachment.objects.filter(report=report).exists()


def test_a_flood_from_one_network_is_not_kept(
    helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(throttle, "REPORTS_PER_HOUR_KEPT", 2)
    sent = [
        submit_through_pages(
            Client(REMOTE_ADDR=f"2001:db8:5:5::{n}"), area, what=f"Report number {n} of many"
        )
        for n in range(2)
    ]
    assert len(sent) == 2
    client = Client(REMOTE_ADDR="2001:db8:5:5::99")
    page = client.get("/helpline/report/")
    details_page = client.post(
        "/helpline/report/",
        {"what_happened": "One more", "when": "Now", "started": hidden(page, "started")},
    )
    refused = client.post(
        "/helpline/report/known-as/",
        {"draft": hidden(details_page, "draft"), "known_as": "anonymous"},
    )
    assert refused.status_code == 429
    assert Report.objects.count() == 2


def test_quarantine_is_purged_after_its_time(helpline: Helpline, area: Area):
    old = actions.submit_report(details(area, suspected_spam=True), today=DAY).report
    recent = actions.submit_report(
        details(area, suspected_spam=True, what_happened="Another report"),
        today=DAY + timedelta(days=actions.QUARANTINE_DAYS),
    ).report
    purged = actions.purge_quarantine(today=DAY + timedelta(days=actions.QUARANTINE_DAYS + 1))
    assert purged == 1
    assert not Report.objects.filter(pk=old.pk).exists()
    assert Report.objects.filter(pk=recent.pk).exists()


# 7. Referrals reach only the roles that act on them --------------------------------------


def test_a_referral_is_closed_to_other_staff_of_the_agency_and_to_the_excluded(
    helpline: Helpline, area: Area, client_for: ClientFor
):
    report = actions.submit_report(details(area)).report
    opened = actions.open_report(
        actor=helpline.caseworker, report=report, private_key=unlocked(helpline.caseworker)
    )
    referral = actions.route_referral(
        actor=helpline.caseworker,
        opened=opened,
        to_agency=area.council,
        fields=["what_happened"],
        legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
    )
    url = f"/helpline/referrals/{referral.pk}/"
    assert client_for(area.mash).get(url).status_code == 200
    finance = make_user(Role.PRACTITIONER, area.council, username="council-finance")
    assert client_for(finance).get(url).status_code == 404
    report.excluded_users.add(area.manager)
    assert client_for(area.manager).get(url).status_code == 404


# 8. The urgent summary is never stored or sent in clear ----------------------------------


def test_the_urgent_summary_stays_encrypted(helpline: Helpline, area: Area):
    report = actions.submit_report(details(area)).report
    summary = "The boy at Testshire Academy said he is afraid to go home tonight"
    actions.mark_child_in_danger(actor=helpline.caseworker, report=report, summary=summary)
    notes = list(Notification.objects.all())
    assert notes
    assert all("afraid" not in note.body and "afraid" not in note.subject for note in notes)
    urgent = RoutedReferral.objects.filter(report=report, to_agency=area.council).get()
    assert "afraid" not in urgent.content
    assert summary in actions.referral_text(urgent)
    council_notes = [note for note in notes if note.recipient.agency_id == area.council.pk]
    assert council_notes
    assert all(note.link == f"/helpline/referrals/{urgent.pk}/" for note in council_notes)


# 9. A captured reporter's pass is useless once expired -----------------------------------


def test_an_expired_pass_opens_nothing_even_with_the_pepper(
    helpline: Helpline, area: Area, monkeypatch: pytest.MonkeyPatch
):
    submitted = actions.submit_report(details(area))
    page = Client().post("/helpline/return/", {"receipt": submitted.receipt})
    pass_token = hidden(page, "pass")
    opened = actions.open_with_receipt(submitted.receipt)
    assert opened is not None
    # Someone with the pepper reads the pass: it does not carry the report key as such.
    body = crypto.decrypt(
        tokens._key(), base64.urlsafe_b64decode(pass_token.encode()), context=b"pass"
    )
    assert opened.key.hex().encode() not in body
    assert views._open_from_pass(pass_token) is not None
    later = time.time() + tokens.PASS_SECONDS + 60
    monkeypatch.setattr(time, "time", lambda: later)
    throttle.store().clear()  # the memory store forgets the pass's key when it expires
    assert views._open_from_pass(pass_token) is None
