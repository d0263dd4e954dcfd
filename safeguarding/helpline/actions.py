"""Every write to the helpline: reports and receipts, keys, triage, replies and referrals.

A reporter's own actions (submitting, adding information) write no audit entry and nothing
with a time of day: the audit log's timestamps would otherwise date the visit to the
second. The report is taken into the audit log, and its clocks are started, by the next
batch (start_pending_clocks), which runs when staff open the queue and from the
helpline_clocks command.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.actions import register_failure
from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.models import Agency, User
from safeguarding.access.roles import ADMIN_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.actions import deadline, meet_clocks_for, start_clock
from safeguarding.clocks.models import Clock
from safeguarding.clocks.rules import ClockType, Limit, Unit
from safeguarding.helpline import attachments, crypto, lifecycle, receipts
from safeguarding.helpline.models import (
    Attachment,
    Category,
    Channel,
    Disclosure,
    KnownAs,
    Message,
    PhoneCall,
    RecoveryKey,
    Report,
    ReportKey,
    RoutedReferral,
    StaffKey,
    Status,
)
from safeguarding.helpline.queries import (
    can_see,
    is_assigned,
    is_helpline_staff,
    referral_readers,
)
from safeguarding.notifications.actions import Digest, notify_each, notify_users
from safeguarding.notifications.actions import Message as Notice
from safeguarding.worklists.actions import Sent, record_sent

EXTENDED_FEEDBACK_LIMIT = Limit(6, Unit.MONTHS)
# Suspected spam nobody released is deleted after this many days (docs/users/helpline.md).
QUARANTINE_DAYS = 30
REASON_MIN_LENGTH = 10
AUTOMATIC_ACKNOWLEDGEMENT = (
    "Thank you for your report. It has been received by the helpline and only the "
    "caseworkers looking at it can read it. A caseworker will reply within 7 days."
)
REDACTED = "[redacted]"
# The field name an urgent alert's referral records as shared: the caseworker's summary.
URGENT_FIELD = "urgent_summary"
# Fields of a report that can be chosen for a routed referral, with their labels.
SHAREABLE_FIELDS = {
    "what_happened": "What happened",
    "organisations": "Organisations named",
    "who": "People involved",
    "when": "When it happened",
}


@dataclass(frozen=True)
class ReportDetails:
    what_happened: str
    organisations: str
    named_agencies: list[Agency]
    area: Agency | None
    who: str
    when: str
    known_as: str
    name: str = ""
    contact: str = ""
    suspected_spam: bool = False
    # The random id of this filling-in of the form: sending it again is the same report.
    submission: str = ""
    channel: str = Channel.ONLINE
    attachments: Sequence[attachments.Prepared] = ()


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str


@dataclass(frozen=True)
class OpenReport:
    """A report with its key, after access has been checked."""

    report: Report
    key: bytes = field(repr=False)

    def content(self) -> dict[str, str]:
        plaintext = crypto.decrypt(
            self.key, bytes(self.report.content), context=self.report.id.bytes
        )
        loaded: dict[str, str] = json.loads(plaintext)
        return loaded

    def message_text(self, message: Message) -> str:
        return crypto.decrypt(self.key, bytes(message.content), context=message.id.bytes).decode()

    def attachment(self, attachment: Attachment) -> AttachmentDetails:
        plaintext = crypto.decrypt(
            self.key, bytes(attachment.details), context=_context(attachment, "details")
        )
        loaded = json.loads(plaintext)
        return AttachmentDetails(
            id=attachment.id,
            message_id=attachment.message_id,
            name=loaded["name"],
            media_type=loaded["media_type"],
            label=loaded["label"],
            size=loaded["size"],
            digest=loaded["digest"],
            removed=tuple(loaded["removed"]),
        )

    def attachments(self) -> list[AttachmentDetails]:
        return [
            self.attachment(attachment)
            for attachment in self.report.attachments.order_by("position")
        ]

    def attachment_content(
        self,
        attachment: Attachment,
        *,
        original: bool,
        described: AttachmentDetails | None = None,
    ) -> bytes:
        """The working copy, or the sealed original checked against the digest taken when
        it arrived (a mismatch raises DecryptionError rather than hand over altered
        evidence). ``described``: the attachment's details, if already opened."""
        part = "original" if original else "working"
        blob = bytes(attachment.original if original else attachment.working_copy)
        content = crypto.decrypt(self.key, blob, context=_context(attachment, part))
        if original:
            expected = (described or self.attachment(attachment)).digest
            if hashlib.sha256(content).hexdigest() != expected:
                raise crypto.DecryptionError
        return content


@dataclass(frozen=True)
class AttachmentDetails:
    """What is known about an attachment once its report is open."""

    id: uuid.UUID
    message_id: uuid.UUID | None
    name: str
    media_type: str
    label: str
    size: int
    digest: str
    removed: tuple[str, ...]

    @property
    def working_name(self) -> str:
        """The working copy's file name: the original's, marked as the cleaned copy."""
        stem = self.name.rsplit(".", 1)[0] if "." in self.name else self.name
        kind = attachments.KINDS_BY_MEDIA_TYPE.get(self.media_type)
        extension = kind.extension if kind is not None else "bin"
        return f"{stem} (working copy).{extension}"


def _context(attachment: Attachment, part: str) -> bytes:
    # Each part is bound to its row and its purpose: an original cannot pass as a copy.
    return attachment.id.bytes + b":" + part.encode()


def _store_attachments(
    opened: OpenReport, files: Sequence[attachments.Prepared], *, message: Message | None
) -> list[Attachment]:
    if len(files) > attachments.MAX_FILES:
        raise ValidationError({"attached_files": [f"Select up to {attachments.MAX_FILES} files"]})
    last = opened.report.attachments.aggregate(last=Max("position"))["last"] or 0
    stored = []
    for offset, prepared in enumerate(files, start=1):
        attachment = Attachment(report=opened.report, message=message, position=last + offset)
        details = {
            "name": prepared.name,
            "media_type": prepared.kind.media_type,
            "label": prepared.kind.label,
            "size": len(prepared.original),
            "digest": prepared.digest,
            "removed": list(prepared.removed),
        }
        attachment.details = crypto.encrypt(
            opened.key, json.dumps(details).encode(), context=_context(attachment, "details")
        )
        attachment.original = crypto.encrypt(
            opened.key, prepared.original, context=_context(attachment, "original")
        )
        attachment.working_copy = crypto.encrypt(
            opened.key, prepared.working_copy, context=_context(attachment, "working")
        )
        stored.append(attachment)
    return Attachment.objects.bulk_create(stored)


def _helpline() -> Agency:
    agency = Agency.objects.filter(kind=AgencyKind.HELPLINE, is_active=True).order_by("pk").first()
    if agency is None:
        raise ValidationError("No helpline agency is set up to receive reports.")
    return agency


def _eligible_staff_keys(report: Report) -> list[StaffKey]:
    named = set(report.named_agencies.values_list("pk", flat=True))
    if report.helpline_id in named:
        return []
    excluded = set(report.excluded_users.values_list("pk", flat=True))
    return [
        staff_key
        for staff_key in StaffKey.objects.filter(
            user__agency=report.helpline, user__role=Role.HELPLINE_STAFF, user__is_active=True
        ).select_related("user")
        if staff_key.user_id not in excluded
    ]


def submit_report(details: ReportDetails, *, today: date | None = None) -> Submitted:
    """A report from a member of the public: no actor, no audit entry, the day only.

    Idempotent on ``details.submission``: a send retried after a lost response (or a double
    click) finds the report the first made and returns it with the same receipt."""
    if details.known_as not in KnownAs.values:
        raise ValidationError({"known_as": ["Choose how you want to be known"]})
    if not details.submission:
        return _make_report(details, receipt=receipts.new_receipt(), digest="", today=today)
    digest = receipts.submission_digest(details.submission)
    receipt = receipts.receipt_for_submission(details.submission)
    earlier = Report.objects.filter(submission_digest=digest).first()
    if earlier is not None:
        return Submitted(report=earlier, receipt=receipt)
    try:
        return _make_report(details, receipt=receipt, digest=digest, today=today)
    except IntegrityError:
        # The same submission, sent twice at once: the other send made the report.
        return Submitted(report=Report.objects.get(submission_digest=digest), receipt=receipt)


def _make_report(
    details: ReportDetails, *, receipt: str, digest: str, today: date | None
) -> Submitted:
    today = today or timezone.localdate()
    helpline = _helpline()
    key = crypto.new_key()
    salt = crypto.new_salt()
    content: dict[str, str] = {
        "what_happened": details.what_happened,
        "organisations": details.organisations,
        "who": details.who,
        "when": details.when,
    }
    if details.known_as != KnownAs.ANONYMOUS:
        content["name"] = details.name
        content["contact"] = details.contact
    with transaction.atomic():
        report = Report(
            helpline=helpline,
            received_on=today,
            known_as=details.known_as,
            area=details.area,
            receipt_tag=receipts.tag(receipt),
            receipt_salt=salt,
            status=Status.QUARANTINED if details.suspected_spam else Status.NEW,
            channel=details.channel,
            submission_digest=digest,
        )
        context = report.id.bytes
        # One Argon2id computation gives both the receipt's verifier and its wrapping key.
        secret = receipts.secret(receipt, salt)
        report.receipt_hash = receipts.verifier(secret)
        report.receipt_wrapped_key = crypto.encrypt(
            receipts.wrapping_from(secret), key, context=context
        )
        recovery = RecoveryKey.objects.filter(helpline=helpline).first()
        report.recovery_wrapped_key = (
            crypto.seal(bytes(recovery.public_key), key) if recovery is not None else b""
        )
        report.content = crypto.encrypt(key, json.dumps(content).encode(), context=context)
        report.save()
        report.named_agencies.set(details.named_agencies)
        if any(agency.pk == helpline.pk for agency in details.named_agencies):
            _refer_about_the_helpline(report, content, today)
        if not details.suspected_spam:
            # A suspect report keeps its words for a person to look at, not its files: what
            # an anonymous flood can make the service store stays small (see also
            # purge_quarantine).
            _store_attachments(
                OpenReport(report=report, key=key), details.attachments, message=None
            )
        # The automatic acknowledgement, waiting for the reporter when they come back.
        _add_message(
            OpenReport(report=report, key=key),
            sender=Message.Sender.HELPLINE,
            text=AUTOMATIC_ACKNOWLEDGEMENT,
            author=None,
            today=today,
        )
        ReportKey.objects.bulk_create(
            ReportKey(
                report=report,
                user_id=staff_key.user_id,
                sealed_key=crypto.seal(bytes(staff_key.public_key), key),
            )
            for staff_key in _eligible_staff_keys(report)
        )
    return Submitted(report=report, receipt=receipt)


def _refer_about_the_helpline(report: Report, content: dict[str, str], today: date) -> None:
    """A report about the helpline itself: no caseworker there may read it, so it goes at
    once to a second body, the national taskforce, as a referral of what happened (never
    the reporter's identity). Its time is the day only (midnight); the taskforce is told
    by the next day's batch (start_pending_clocks), so that nothing dates it closer."""
    taskforce = (
        Agency.objects.filter(kind=AgencyKind.NATIONAL_BODY, is_active=True).order_by("pk").first()
    )
    if taskforce is None:
        # Kept for the reporter and for recovery with both shares; operators are told by
        # the queue's count of reports needing recovery.
        return
    text = "\n\n".join(
        f"{label}:\n{content.get(name, '')}" for name, label in SHAREABLE_FIELDS.items()
    )
    midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    referral = RoutedReferral.objects.create(
        report=report,
        to_agency=taskforce,
        legal_basis=RoutedReferral.LegalBasis.PUBLIC_TASK,
        fields_shared=list(SHAREABLE_FIELDS),
        content=_referral_fernet().encrypt(text.encode()).decode(),
        sent_by=None,
        sent_at=midnight,
    )
    record_sent(
        "helpline-referral",
        [Sent(referral.pk, taskforce.pk, report.helpline_id, midnight)],
        actor=None,
    )


def _tell_of_referrals_about_the_helpline(reports: list[Report]) -> None:
    referrals = RoutedReferral.objects.filter(
        report__in=reports, sent_by__isnull=True
    ).select_related("report", "to_agency")
    notify_each(
        [
            Notice(
                list(referral_readers(referral.to_agency, referral.report)),
                "A report about the helpline",
                f"A report about the helpline itself (reference {referral.report.reference}) "
                f"has been sent to {referral.to_agency.name}, since the helpline cannot deal "
                "with it.",
                f"/helpline/referrals/{referral.pk}/",
            )
            for referral in referrals
        ]
    )


def open_with_receipt(receipt_text: str) -> OpenReport | None:
    """The report a receipt opens, or None. Every row with the tag is checked, and a miss
    costs one hash, so timing says nothing about which receipts exist."""
    receipt = receipts.normalise(receipt_text)
    if not receipts.is_well_formed(receipt):
        receipts.burn_time(receipt)
        return None
    candidates = list(Report.objects.filter(receipt_tag=receipts.tag(receipt)))
    if not candidates:
        receipts.burn_time(receipt)
    for report in candidates:
        wrapping = receipts.opens(receipt, report.receipt_hash, bytes(report.receipt_salt))
        if wrapping is not None:
            key = crypto.decrypt(
                wrapping, bytes(report.receipt_wrapped_key), context=report.id.bytes
            )
            return OpenReport(report=report, key=key)
    return None


def _next_position(report: Report) -> int:
    last = report.messages.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _add_message(
    opened: OpenReport, *, sender: str, text: str, author: User | None, today: date
) -> Message:
    message = Message(
        report=opened.report,
        sender=sender,
        position=_next_position(opened.report),
        sent_on=today,
        author=author,
    )
    message.content = crypto.encrypt(opened.key, text.encode(), context=message.id.bytes)
    message.save()
    return message


def add_information(
    opened: OpenReport,
    *,
    text: str,
    files: Sequence[attachments.Prepared] = (),
    today: date | None = None,
) -> Message:
    """The reporter adds to their report (after opening it with the receipt): words,
    files or both."""
    if not text.strip() and not files:
        raise ValidationError({"text": ["Enter the information you want to add, or choose a file"]})
    with transaction.atomic():
        message = _add_message(
            opened,
            sender=Message.Sender.REPORTER,
            text=text.strip(),
            author=None,
            today=today or timezone.localdate(),
        )
        _store_attachments(opened, files, message=message)
        return message


def open_attachment(
    *, actor: User, opened: OpenReport, attachment_id: uuid.UUID | str, original: bool
) -> tuple[AttachmentDetails, bytes]:
    """An attachment of a report the actor is assigned, audited. The working copy is for
    reading; the sealed original is evidence, and opening it is recorded as such."""
    _require_assigned(actor, opened)
    attachment = Attachment.objects.filter(report=opened.report, pk=attachment_id).first()
    if attachment is None:
        raise Attachment.DoesNotExist
    described = opened.attachment(attachment)
    content = opened.attachment_content(attachment, original=original, described=described)
    record(
        AuditVerb.HELPLINE_ORIGINAL_OPENED if original else AuditVerb.HELPLINE_ATTACHMENT_OPENED,
        actor=actor,
        target_type=TargetType.HELPLINE_REPORT,
        target_id=opened.report.pk,
        payload={"attachment": str(attachment.pk), "position": attachment.position},
    )
    return described, content


def hear_by(report: Report) -> date:
    """The date the reporter will hear by: the acknowledgement, then feedback."""
    if report.acknowledged_on is None:
        return deadline(ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT, report.received_on)
    if report.feedback_extension_reason:
        return EXTENDED_FEEDBACK_LIMIT.due(report.received_on)
    return deadline(ClockType.WHISTLEBLOWING_FEEDBACK, report.received_on)


# Staff keys -------------------------------------------------------------------------------


def unlock_staff_key(*, actor: User, password: str) -> bytes:
    """The actor's private key, opened with their password; a key pair is made on first use.
    Reports already received are shared with a newcomer by an assigned colleague."""
    if not is_helpline_staff(actor):
        raise PermissionDenied
    # Wrong passwords count towards the same lock-out as sign-in: otherwise this page would
    # test guesses at a signed-in colleague's password without limit.
    if actor.is_locked():
        raise ValidationError(
            {"password": ["Your account is locked after too many wrong passwords. Try later"]}
        )
    if not actor.check_password(password):
        register_failure(actor, step="helpline-unlock")
        raise ValidationError({"password": ["Enter your correct password"]})
    with transaction.atomic():
        staff_key = StaffKey.objects.select_for_update().filter(user=actor).first()
        if staff_key is None:
            private, public = crypto.new_key_pair()
            salt = crypto.new_salt()
            wrapping = crypto.derive_key(password.encode(), salt)
            StaffKey.objects.create(
                user=actor,
                public_key=public,
                salt=salt,
                wrapped_private_key=crypto.encrypt(wrapping, private, context=b"staff-key"),
            )
        else:
            wrapping = crypto.derive_key(password.encode(), bytes(staff_key.salt))
            private = crypto.decrypt(
                wrapping, bytes(staff_key.wrapped_private_key), context=b"staff-key"
            )
        record(
            AuditVerb.HELPLINE_KEY_UNLOCKED,
            actor=actor,
            target_type=TargetType.USER,
            target_id=actor.pk,
        )
    return private


def rewrap_staff_key(*, user: User, old_password: str, new_password: str) -> None:
    """Re-encrypt the private key under a new password (called when a password changes)."""
    staff_key = StaffKey.objects.filter(user=user).first()
    if staff_key is None:
        return
    private = crypto.decrypt(
        crypto.derive_key(old_password.encode(), bytes(staff_key.salt)),
        bytes(staff_key.wrapped_private_key),
        context=b"staff-key",
    )
    salt = crypto.new_salt()
    staff_key.salt = salt
    staff_key.wrapped_private_key = crypto.encrypt(
        crypto.derive_key(new_password.encode(), salt), private, context=b"staff-key"
    )
    staff_key.save(update_fields=["salt", "wrapped_private_key"])


def open_report(*, actor: User, report: Report, private_key: bytes) -> OpenReport:
    """Open a report for an assigned member of staff. Access is checked first."""
    if not is_assigned(actor, report):
        raise PermissionDenied
    sealed = ReportKey.objects.get(report=report, user=actor).sealed_key
    return OpenReport(report=report, key=crypto.unseal(private_key, bytes(sealed)))


def _require_assigned(actor: User, opened: OpenReport) -> None:
    if not is_assigned(actor, opened.report):
        raise PermissionDenied


def take_phone_report(*, actor: User, details: ReportDetails) -> Submitted:
    """A report a caseworker takes down during a call. The caller is given the receipt to
    read replies and check the record of what they said. The audit entry names the
    caseworker but not the report, and is written by the next day's batch (PhoneCall), so
    the log does not date the caller's report closer than its day; the report is taken
    into the log with the same batch, like any other."""
    if not is_helpline_staff(actor):
        raise PermissionDenied
    submitted = submit_report(
        ReportDetails(
            what_happened=details.what_happened,
            organisations=details.organisations,
            named_agencies=details.named_agencies,
            area=details.area,
            who=details.who,
            when=details.when,
            known_as=details.known_as,
            name=details.name,
            contact=details.contact,
            channel=Channel.PHONE,
        )
    )
    PhoneCall.objects.create(taken_by=actor, taken_on=submitted.report.received_on)
    return submitted


def withdraw_leavers_keys(*, actor: User | None) -> int:
    """Withdraw every key held by helpline staff who have left (deactivated accounts): their
    sealed copies of report keys and their own key pair, so that their old password opens
    nothing even with a copy of the database. Reports then left with no active key holder
    can be given to a caseworker only through recovery, with both shares. Returns how many
    people's keys were withdrawn."""
    with transaction.atomic():
        leavers = list(
            StaffKey.objects.select_for_update()
            .filter(user__is_active=False)
            .values_list("user_id", flat=True)
        )
        leavers += [
            user_id
            for user_id in ReportKey.objects.filter(user__is_active=False)
            .values_list("user_id", flat=True)
            .distinct()
            if user_id not in leavers
        ]
        if not leavers:
            return 0
        held = set(
            ReportKey.objects.filter(user_id__in=leavers).values_list("report_id", flat=True)
        )
        ReportKey.objects.filter(user_id__in=leavers).delete()
        StaffKey.objects.filter(user_id__in=leavers).delete()
        still_held = set(
            ReportKey.objects.filter(report_id__in=held, user__is_active=True).values_list(
                "report_id", flat=True
            )
        )
        orphans = sorted(str(report_id) for report_id in held - still_held)
        for user_id in leavers:
            record(
                AuditVerb.HELPLINE_KEYS_WITHDRAWN,
                actor=actor,
                target_type=TargetType.USER,
                target_id=user_id,
                payload={"needing_recovery": orphans},
            )
    return len(leavers)


# Clocks and triage ------------------------------------------------------------------------


def start_pending_clocks(*, actor: User | None, today: date | None = None) -> int:
    """Take reports received on earlier days into the audit log and start their clocks (7
    days for a human acknowledgement, 3 months for feedback), counted from the day
    received. A report is never taken in on the day it arrives, so the entry that names it
    says no more than its day, whenever in the day the batch runs. The same batch withdraws
    the keys of staff who have left (withdraw_leavers_keys)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pending = list(
            Report.objects.select_for_update()
            .filter(clocks_started=False, received_on__lt=today)
            .exclude(status=Status.QUARANTINED)
            .select_related("helpline")
        )
        for report in pending:
            for clock_type in (
                ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT,
                ClockType.WHISTLEBLOWING_FEEDBACK,
            ):
                start_clock(
                    clock_type=clock_type,
                    authority=report.helpline,
                    subject=report.subject,
                    started_on=report.received_on,
                    accountable=None,
                    actor=actor,
                )
            _catch_up_clocks(report, actor=actor)
        withdraw_leavers_keys(actor=actor)
        _log_phone_calls(today)
        if pending:
            Report.objects.filter(pk__in=[r.pk for r in pending]).update(clocks_started=True)
            record(
                AuditVerb.HELPLINE_REPORTS_RECEIVED,
                actor=actor,
                payload={"reports": [str(r.pk) for r in pending]},
            )
            # Staff hear of new reports now, the day after, and never what they say.
            lifecycle.alert_new_reports(pending)
            _tell_of_referrals_about_the_helpline(pending)
    return len(pending)


def _log_phone_calls(today: date) -> None:
    calls = list(PhoneCall.objects.select_for_update().filter(logged=False, taken_on__lt=today))
    for call in calls:
        record(
            AuditVerb.HELPLINE_PHONE_REPORT_TAKEN,
            actor=call.taken_by,
            payload={"day": call.taken_on.isoformat()},
        )
    PhoneCall.objects.filter(pk__in=[call.pk for call in calls]).update(logged=True)


def _catch_up_clocks(report: Report, *, actor: User | None) -> None:
    """What happened before the clocks started: a reply on the first day, an extension."""
    if report.acknowledged_on is not None:
        meet_clocks_for(
            subject=report.subject,
            clock_type=ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT,
            met_on=report.acknowledged_on,
            actor=actor,
        )
    if report.feedback_extension_reason:
        Clock.objects.filter(
            subject=report.subject,
            clock_type=ClockType.WHISTLEBLOWING_FEEDBACK,
            met_on__isnull=True,
        ).update(
            due_on=EXTENDED_FEEDBACK_LIMIT.due(report.received_on),
            delay_reason=report.feedback_extension_reason,
        )


def purge_quarantine(*, today: date | None = None) -> int:
    """Delete quarantined reports older than QUARANTINE_DAYS that nobody released: a
    person has had a month to look at each one. A report someone acted on (an urgent
    referral) is kept. Returns how many went; the audit entry counts them."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stale = Report.objects.filter(
            status=Status.QUARANTINED,
            received_on__lt=today - timedelta(days=QUARANTINE_DAYS),
            referrals__isnull=True,
        )
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Report.objects.filter(pk__in=ids).delete()
        record(AuditVerb.HELPLINE_QUARANTINE_PURGED, actor=None, payload={"count": len(ids)})
    return len(ids)


def categorise_report(
    *, actor: User, report: Report, category: str, disclosure: str | None = None
) -> Report:
    """Record the report's category and, when given, whether it is a worker's qualifying
    disclosure (counted in the annual report)."""
    if not can_see(actor, report):
        raise PermissionDenied
    if category not in Category.values or category == Category.UNCATEGORISED:
        raise ValidationError({"category": ["Choose a category"]})
    if disclosure is not None and disclosure not in Disclosure.values:
        raise ValidationError({"disclosure": ["Choose whether this is a qualifying disclosure"]})
    changes = {"category": category}
    if disclosure is not None:
        changes["disclosure"] = disclosure
    Report.objects.filter(pk=report.pk).update(**changes)
    for name, value in changes.items():
        setattr(report, name, value)
    record(
        AuditVerb.HELPLINE_REPORT_CATEGORISED,
        actor=actor,
        target_type=TargetType.HELPLINE_REPORT,
        target_id=report.pk,
        payload=changes,
    )
    return report


@dataclass(frozen=True)
class DangerAlert:
    """Who the urgent path told: how many people, at which agencies."""

    told: int
    agencies: list[Agency]


def _urgent_bodies(report: Report) -> list[tuple[Agency, list[User], str]]:
    """The agencies to tell now, each with the people there who act and the legal basis:
    the area's MASH and police; where the report names them (or they have nobody to
    act), the national taskforce, which can reach the area another way."""
    area = report.area
    assert area is not None
    local = [(area, Role.MASH_TRIAGE, RoutedReferral.LegalBasis.PUBLIC_TASK)] + [
        (force, Role.POLICE_ANALYST, RoutedReferral.LegalBasis.LAW_ENFORCEMENT)
        for force in Agency.objects.filter(
            home_authority=area, kind=AgencyKind.POLICE_FORCE, is_active=True
        ).order_by("pk")
    ]
    national = [
        (taskforce, Role.TASKFORCE_ANALYST, RoutedReferral.LegalBasis.PUBLIC_TASK)
        for taskforce in Agency.objects.filter(
            kind=AgencyKind.NATIONAL_BODY, is_active=True
        ).order_by("pk")
    ]
    for candidates in (local, national):
        bodies: list[tuple[Agency, list[User], str]] = [
            (agency, readers, basis)
            for agency, role, basis in candidates
            if (readers := list(referral_readers(agency, report).filter(role=role)))
        ]
        if bodies:
            return bodies
    return []


def mark_child_in_danger(*, actor: User, report: Report, summary: str) -> DangerAlert:
    """The urgent path: tell the area's MASH and its police analysts today (or, when the
    report names them, the national taskforce), never staff of an agency the report names.
    The summary the member of staff wrote (never the reporter's identity) is sent as an
    encrypted referral; the notification and its email say only that one is waiting."""
    if not can_see(actor, report):
        raise PermissionDenied
    if report.area is None:
        raise ValidationError({"summary": ["Name the area first: the report has no area"]})
    if len(summary.strip()) < REASON_MIN_LENGTH:
        raise ValidationError({"summary": ["Enter what the MASH and police need to know now"]})
    bodies = _urgent_bodies(report)
    if not bodies:
        raise ValidationError(
            {
                "summary": [
                    "Nobody who can act could be told through the service: phone the "
                    "police on 999 and the area's children's services now"
                ]
            }
        )
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(child_in_danger=True)
        report.child_in_danger = True
        messages: list[Notice] = []
        for agency, readers, basis in bodies:
            referral = RoutedReferral.objects.create(
                report=report,
                to_agency=agency,
                legal_basis=basis,
                fields_shared=[URGENT_FIELD],
                content=_referral_fernet().encrypt(summary.strip().encode()).decode(),
                sent_by=actor,
                sent_at=timezone.now(),
            )
            record_sent(
                "helpline-referral",
                [Sent(referral.pk, agency.pk, report.helpline_id, referral.sent_at)],
                actor=actor,
            )
            messages.append(
                Notice(
                    readers,
                    "Helpline: a child may be in danger now",
                    f"The helpline has sent {agency.name} an urgent referral (reference "
                    f"{report.reference}): a child may be in danger now. Please read it "
                    "and act today.",
                    f"/helpline/referrals/{referral.pk}/",
                )
            )
        told = notify_each(messages)
        record(
            AuditVerb.HELPLINE_CHILD_IN_DANGER,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            legal_basis=LegalBasis.HELPLINE_PUBLIC_TASK,
            payload={
                "area": report.area.code,
                "told": told,
                "agencies": [agency.code for agency, _, _ in bodies],
            },
        )
    return DangerAlert(told=told, agencies=[agency for agency, _, _ in bodies])


def send_reply(
    *,
    actor: User,
    opened: OpenReport,
    text: str,
    gives_feedback: bool = False,
    sent_on: date | None = None,
) -> Message:
    """A reply to the reporter. The first human reply acknowledges the report (meeting the
    7-day clock); a reply marked as feedback meets the feedback clock. ``sent_on`` is for
    loading a helpline's history; it defaults to today."""
    _require_assigned(actor, opened)
    if not text.strip():
        raise ValidationError({"text": ["Enter your reply"]})
    today = timezone.localdate()
    report = opened.report
    if sent_on is not None:
        if not report.received_on <= sent_on <= today:
            raise ValidationError(
                {"sent_on": ["A reply must come after the report and not in the future"]}
            )
        today = sent_on
    with transaction.atomic():
        message = _add_message(
            opened, sender=Message.Sender.HELPLINE, text=text.strip(), author=actor, today=today
        )
        if report.acknowledged_on is None:
            Report.objects.filter(pk=report.pk).update(
                acknowledged_on=today, status=Status.ACKNOWLEDGED
            )
            report.acknowledged_on = today
            report.status = Status.ACKNOWLEDGED
            meet_clocks_for(
                subject=report.subject,
                clock_type=ClockType.WHISTLEBLOWING_ACKNOWLEDGEMENT,
                met_on=today,
                actor=actor,
            )
        if gives_feedback:
            meet_clocks_for(
                subject=report.subject,
                clock_type=ClockType.WHISTLEBLOWING_FEEDBACK,
                met_on=today,
                actor=actor,
            )
        record(
            AuditVerb.HELPLINE_REPLY_SENT,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            payload={"feedback": gives_feedback},
        )
    return message


def extend_feedback(*, actor: User, report: Report, reason: str) -> Report:
    """Feedback may take up to 6 months, only with a recorded reason."""
    if not can_see(actor, report):
        raise PermissionDenied
    if len(reason.strip()) < REASON_MIN_LENGTH:
        raise ValidationError({"reason": ["Enter why feedback will take longer than 3 months"]})
    due = EXTENDED_FEEDBACK_LIMIT.due(report.received_on)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(feedback_extension_reason=reason.strip())
        report.feedback_extension_reason = reason.strip()
        Clock.objects.filter(
            subject=report.subject,
            clock_type=ClockType.WHISTLEBLOWING_FEEDBACK,
            met_on__isnull=True,
            cancelled_on__isnull=True,
        ).update(due_on=due, delay_reason=reason.strip())
        record(
            AuditVerb.HELPLINE_FEEDBACK_EXTENDED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            reason=reason.strip(),
            payload={"due_on": due.isoformat()},
        )
    return report


def name_agency(*, actor: User, report: Report, agency: Agency) -> Report:
    """Record that the report is about ``agency``: its staff lose sight of it at once, and
    any keys they held are withdrawn. A helpline cannot be named: that would withdraw every
    caseworker's key and let one person bury the report. A report about the helpline itself
    goes to a second body, as a referral to the national taskforce."""
    if not can_see(actor, report):
        raise PermissionDenied
    if agency.kind == AgencyKind.HELPLINE:
        raise ValidationError(
            {
                "agency": [
                    "A report about the helpline cannot be hidden from the helpline: send it "
                    "to the taskforce as a referral instead"
                ]
            }
        )
    with transaction.atomic():
        report.named_agencies.add(agency)
        ReportKey.objects.filter(report=report, user__agency=agency).delete()
        record(
            AuditVerb.HELPLINE_AGENCY_NAMED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            payload={"agency": agency.code},
        )
    return report


def assign_report(*, actor: User, opened: OpenReport, to: User) -> ReportKey:
    """Share a report with a colleague: the report key is sealed to their public key."""
    _require_assigned(actor, opened)
    if not can_see(to, opened.report):
        raise ValidationError({"to": ["That person cannot be given this report"]})
    staff_key = StaffKey.objects.filter(user=to).first()
    if staff_key is None:
        raise ValidationError({"to": ["They must unlock the helpline once before being assigned"]})
    with transaction.atomic():
        report_key, _ = ReportKey.objects.update_or_create(
            report=opened.report,
            user=to,
            defaults={"sealed_key": crypto.seal(bytes(staff_key.public_key), opened.key)},
        )
        record(
            AuditVerb.HELPLINE_REPORT_ASSIGNED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=opened.report.pk,
            payload={"to": to.pk},
        )
    return report_key


def release_from_quarantine(*, actor: User, report: Report) -> Report:
    if not can_see(actor, report):
        raise PermissionDenied
    if report.status != Status.QUARANTINED:
        return report
    Report.objects.filter(pk=report.pk).update(status=Status.NEW)
    report.status = Status.NEW
    record(
        AuditVerb.HELPLINE_REPORT_RELEASED,
        actor=actor,
        target_type=TargetType.HELPLINE_REPORT,
        target_id=report.pk,
    )
    return report


# Referrals --------------------------------------------------------------------------------


def _referral_fernet() -> Fernet:
    material = hashlib.sha256(b"helpline-referral:" + settings.FIELD_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def referral_text(referral: RoutedReferral) -> str:
    return _referral_fernet().decrypt(referral.content.encode()).decode()


def route_referral(
    *,
    actor: User,
    opened: OpenReport,
    to_agency: Agency,
    fields: list[str],
    legal_basis: str,
    include_identity: bool = False,
    reporter_consented: bool = False,
    redactions: Sequence[str] = (),
) -> RoutedReferral:
    """Send the chosen fields of a report to an agency that can act on it, never to an
    agency the report names, and never with the reporter's identity without consent.
    ``redactions``: passages the caseworker marked, each taken out of the copy sent
    wherever it appears; the report itself is never changed and never leaves."""
    _require_assigned(actor, opened)
    report = opened.report
    errors: dict[str, list[str]] = {}
    if report.named_agencies.filter(pk=to_agency.pk).exists():
        errors["to_agency"] = ["The report names this organisation: it cannot receive it"]
    if to_agency.kind not in (
        AgencyKind.LOCAL_AUTHORITY,
        AgencyKind.POLICE_FORCE,
        AgencyKind.NATIONAL_BODY,
    ):
        errors["to_agency"] = ["Choose a local authority, police force, inspectorate or taskforce"]
    chosen = [name for name in fields if name in SHAREABLE_FIELDS]
    if not chosen:
        errors["fields"] = ["Choose at least one part of the report to share"]
    if legal_basis not in RoutedReferral.LegalBasis.values:
        errors["legal_basis"] = ["Choose the legal basis for sharing"]
    if include_identity and (report.known_as == KnownAs.ANONYMOUS or not reporter_consented):
        errors["include_identity"] = [
            "The reporter's identity can be shared only when they are known and have agreed"
        ]
    if errors:
        raise ValidationError(errors)
    content = opened.content()
    parts = [f"{SHAREABLE_FIELDS[name]}:\n{content.get(name, '')}" for name in chosen]
    passages = [passage.strip() for passage in redactions if passage.strip()]
    text = "\n\n".join(parts)
    missing = [passage for passage in passages if passage not in text]
    if missing:
        raise ValidationError(
            {"redactions": [f"Not in the parts you chose to share: {missing[0]}"]}
        )
    # Longest first, so that a passage inside another is not left half taken out.
    for passage in sorted(passages, key=len, reverse=True):
        text = text.replace(passage, REDACTED)
    if include_identity:
        text += f"\n\nReporter:\n{content.get('name', '')}\n{content.get('contact', '')}"
    with transaction.atomic():
        referral = RoutedReferral.objects.create(
            report=report,
            to_agency=to_agency,
            legal_basis=legal_basis,
            fields_shared=chosen,
            includes_identity=include_identity,
            content=_referral_fernet().encrypt(text.encode()).decode(),
            sent_by=actor,
            sent_at=timezone.now(),
            redacted_passages=len(passages),
        )
        record_sent(
            "helpline-referral",
            [Sent(referral.pk, to_agency.pk, report.helpline_id, referral.sent_at)],
            actor=actor,
        )
        notify_users(
            list(referral_readers(to_agency, report)),
            subject="A referral from the helpline",
            body=f"The helpline has sent {to_agency.name} a referral (reference "
            f"{report.reference}).",
            link=f"/helpline/referrals/{referral.pk}/",
            # Several unread join one notification, which lists them all.
            digest=Digest(
                key="helpline-referrals",
                subject="{count} referrals from the helpline",
                body=f"The helpline has sent {to_agency.name} {{count}} referrals. "
                "Each is listed with its reference.",
                link=reverse("helpline:referrals"),
            ),
        )
        record(
            AuditVerb.HELPLINE_REFERRAL_ROUTED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            # The log names a referral's basis by the code the referral stores.
            legal_basis=LegalBasis(legal_basis),
            payload={
                "to": to_agency.code,
                "fields": chosen,
                "identity": include_identity,
                "referral": str(referral.pk),
                "redacted": len(passages),
            },
        )
    return referral


# Recovery ---------------------------------------------------------------------------------


def create_recovery_key(*, actor: User | None, helpline: Agency) -> crypto.RecoveryShares:
    """Make the helpline's recovery key pair and return the private half as two shares, to
    be given to two different administrators. Reports received from now on can be
    recovered with both shares together."""
    if actor is not None and actor.role not in ADMIN_ROLES:
        raise PermissionDenied
    private, public = crypto.new_key_pair()
    RecoveryKey.objects.update_or_create(
        helpline=helpline,
        defaults={"public_key": public, "created_on": timezone.localdate()},
    )
    return crypto.split_recovery_key(private)


def recover_report(
    *, actor: User | None, report: Report, first_share: str, second_share: str, to: User
) -> ReportKey:
    """With both recovery shares, give ``to`` the report's key (for example after every
    assigned member of staff has left). ``to`` must be allowed to see the report."""
    if not can_see(to, report):
        raise ValidationError({"to": ["That person cannot be given this report"]})
    staff_key = StaffKey.objects.filter(user=to).first()
    if staff_key is None or not report.recovery_wrapped_key:
        raise ValidationError({"to": ["No key to recover with"]})
    private = crypto.join_recovery_shares(first_share, second_share)
    key = crypto.unseal(private, bytes(report.recovery_wrapped_key))
    with transaction.atomic():
        report_key, _ = ReportKey.objects.update_or_create(
            report=report,
            user=to,
            defaults={"sealed_key": crypto.seal(bytes(staff_key.public_key), key)},
        )
        record(
            AuditVerb.HELPLINE_KEY_RECOVERED,
            actor=actor,
            target_type=TargetType.HELPLINE_REPORT,
            target_id=report.pk,
            payload={"to": to.pk},
        )
    return report_key
