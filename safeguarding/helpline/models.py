"""Reports of bad practice made to the helpline, their messages and their keys.

What a reporter writes is stored only as ciphertext under a per-report key. The columns in
clear are what the service must act on without anyone's key: which helpline receives the
report, which agencies it names (to exclude their staff), the day it arrived, and the
helpline's own triage (category, urgency, status). No column holds an address, a user agent
or a time of day for anything a reporter does.
"""

from __future__ import annotations

import uuid

from django.db import models


class KnownAs(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous"
    CONFIDENTIAL = "confidential", "Confidential (known to the helpline only)"
    OPEN = "open", "Open (you give your name and contact details)"


class Category(models.TextChoices):
    UNCATEGORISED = "", "Not yet categorised"
    IGNORED_DISCLOSURE = "ignored-disclosure", "Disclosure ignored"
    REFERRAL_UNREAD = "referral-unread", "Referral left unread or not acted on"
    FALSIFIED_RECORDS = "falsified-records", "Records falsified or destroyed"
    CULTURE_OF_DENIAL = "culture-of-denial", "Culture of denial or cover-up"
    ALLEGATION_AGAINST_STAFF = "allegation-against-staff", "Allegation against a member of staff"
    OTHER = "other", "Other bad practice"


class Disclosure(models.TextChoices):
    """The helpline's view of a report under the Public Interest Disclosure rules, for the
    annual report a prescribed person publishes."""

    UNDECIDED = "", "Not yet decided"
    QUALIFYING = "qualifying", "A worker's qualifying disclosure"
    NOT_QUALIFYING = "not-qualifying", "Not a worker's qualifying disclosure"


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"


class Status(models.TextChoices):
    QUARANTINED = "quarantined", "Quarantined (suspected spam)"
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    """How the helpline closed a report."""

    REFERRED = "referred", "Referred to an organisation that can act"
    ADVICE_GIVEN = "advice-given", "Advice given to the reporter"
    NO_FURTHER_ACTION = "no-further-action", "No further action needed"
    NOT_IN_REMIT = "not-in-remit", "Not something the helpline deals with"
    NO_CONTACT = "no-contact", "The reporter did not come back"


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    helpline = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="helpline_reports"
    )
    # The day only: never a time, which could be matched against network logs.
    received_on = models.DateField()
    known_as = models.CharField(max_length=16, choices=KnownAs.choices)
    # The area the reporter chose (a local authority), for routing and the urgent path.
    area = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Agencies the report is about: their staff never see it, wherever they sit.
    named_agencies = models.ManyToManyField("access.Agency", blank=True, related_name="+")
    # Individual staff the helpline has excluded (named in the report, or conflicted).
    excluded_users = models.ManyToManyField("access.User", blank=True, related_name="+")
    # The receipt: a short HMAC tag narrows the search, the Argon2id hash decides.
    receipt_tag = models.CharField(max_length=4, db_index=True)
    receipt_hash = models.CharField(max_length=200)
    receipt_salt = models.BinaryField()
    receipt_wrapped_key = models.BinaryField()
    recovery_wrapped_key = models.BinaryField()
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    category = models.CharField(
        max_length=32, choices=Category.choices, blank=True, default=Category.UNCATEGORISED
    )
    child_in_danger = models.BooleanField(default=False)
    disclosure = models.CharField(
        max_length=16, choices=Disclosure.choices, blank=True, default=Disclosure.UNDECIDED
    )
    # How the report came: online, or taken down by a caseworker during a call (the
    # caseworker is not recorded on the report, as nothing links a reporter to a time).
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    acknowledged_on = models.DateField(null=True, blank=True)
    feedback_extension_reason = models.TextField(blank=True)
    # Clocks start in a later batch, so that no audit entry carries the submission time.
    clocks_started = models.BooleanField(default=False)
    # HMAC(pepper, the random submission id sealed in the reporter's form): a retried send
    # finds the report already made instead of making another. Random, so it says nothing
    # about the reporter or the time; empty for reports sent before it existed.
    submission_digest = models.CharField(max_length=64, blank=True, default="")
    # Closing, and deletion after the retention period: the content, messages, files and
    # every key go ("crypto-shredded"); the row stays, with its triage, for the counts.
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True, default="")
    closed_on = models.DateField(null=True, blank=True)
    deletion_warned_on = models.DateField(null=True, blank=True)
    shredded_on = models.DateField(null=True, blank=True)
    # Reminders sent to the assigned caseworkers before each clock falls due.
    acknowledgement_reminded = models.BooleanField(default=False)
    feedback_reminded = models.BooleanField(default=False)

    class Meta:
        ordering = ("-received_on",)
        indexes = (models.Index(fields=("helpline", "status"), name="helpline_queue_idx"),)
        constraints = (
            models.UniqueConstraint(
                fields=("submission_digest",),
                condition=~models.Q(submission_digest=""),
                name="one_report_per_submission",
            ),
        )

    def __str__(self) -> str:
        return f"Helpline report {self.reference}"

    @property
    def reference(self) -> str:
        return self.id.hex[:8].upper()

    @property
    def subject(self) -> str:
        return f"helpline-report:{self.pk}"


class ReportKey(models.Model):
    """The report key sealed to one assigned member of helpline staff. The row is the
    assignment: access is decided from it and the exclusions before anything is opened."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="keys")
    user = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    sealed_key = models.BinaryField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("report", "user"), name="one_key_per_report_user"),
        )

    def __str__(self) -> str:
        return f"key for {self.user_id} on {self.report_id}"


class Message(models.Model):
    class Sender(models.TextChoices):
        REPORTER = "reporter", "You"
        HELPLINE = "helpline", "The helpline"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=16, choices=Sender.choices)
    # Position in the conversation, and the day: never a time of day.
    position = models.PositiveIntegerField()
    sent_on = models.DateField()
    author = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.BinaryField()
    # Whether the assigned caseworkers have been told of a reporter's message (the next
    # day, without its content, so that the alert dates it no closer than its day).
    alerted = models.BooleanField(default=False)

    class Meta:
        ordering = ("position",)
        constraints = (
            models.UniqueConstraint(fields=("report", "position"), name="one_message_per_position"),
        )

    def __str__(self) -> str:
        return f"message {self.position} on {self.report_id}"


class Attachment(models.Model):
    """A file sent with a report or with a message. The original, as evidence, and the
    working copy without metadata are both encrypted under the report key, and so are its
    name, type, size and digest: none of them is in clear."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    # The reporter's message it came with, when added after the report was made.
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    position = models.PositiveIntegerField()
    details = models.BinaryField()
    original = models.BinaryField()
    working_copy = models.BinaryField()

    class Meta:
        ordering = ("position",)
        constraints = (
            models.UniqueConstraint(
                fields=("report", "position"), name="one_attachment_per_position"
            ),
        )

    def __str__(self) -> str:
        return f"attachment {self.position} on {self.report_id}"


class StaffKey(models.Model):
    """A member of helpline staff's key pair; the private half is encrypted under a key
    derived from their password and is opened only into their signed-in session."""

    user = models.OneToOneField(
        "access.User", on_delete=models.PROTECT, related_name="helpline_key"
    )
    public_key = models.BinaryField()
    salt = models.BinaryField()
    wrapped_private_key = models.BinaryField()

    def __str__(self) -> str:
        return f"helpline key for {self.user_id}"


class RecoveryKey(models.Model):
    """The helpline's recovery public key. Its private half exists only as two shares held
    by two administrators (see the helpline_recovery_key command)."""

    helpline = models.OneToOneField(
        "access.Agency", on_delete=models.PROTECT, related_name="helpline_recovery_key"
    )
    public_key = models.BinaryField()
    created_on = models.DateField()

    def __str__(self) -> str:
        return f"recovery key for {self.helpline_id}"


class RoutedReferral(models.Model):
    """A redacted referral sent on to an agency that can act: the chosen fields only,
    encrypted with the field key, with the recorded legal basis."""

    class LegalBasis(models.TextChoices):
        PUBLIC_TASK = (
            "public-task-safeguarding",
            "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding children)",
        )
        LAW_ENFORCEMENT = (
            "law-enforcement",
            "DPA 2018 Part 3, Sch 8 para 4 (safeguarding children, law enforcement)",
        )
        CONSENT = "consent", "The reporter's consent"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="referrals")
    to_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    fields_shared = models.JSONField(default=list)
    includes_identity = models.BooleanField(default=False)
    content = models.TextField()
    # Empty for a report about the helpline itself, which the service sends on as it
    # arrives (with the day only as its time: midnight), since no caseworker may read it.
    sent_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    # How many passages the caseworker marked and took out before it was sent.
    redacted_passages = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"referral of {self.report_id} to {self.to_agency_id}"

    @property
    def is_urgent(self) -> bool:
        """An urgent child-in-danger alert (the caseworker's summary), not a referral."""
        return bool(self.fields_shared == ["urgent_summary"])


class Exclusion(models.Model):
    """A member of staff kept away from a report for a conflict of interest. Declared by
    themselves it applies at once; declared by a colleague it needs a second person to
    confirm. Their keys are withdrawn only after UNDO_DAYS, so that a mistaken or
    malicious exclusion can be undone before it costs anything."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    declared_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    declared_on = models.DateField()
    confirmed_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField(null=True, blank=True)
    undone_on = models.DateField(null=True, blank=True)
    keys_withdrawn_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"exclusion of {self.user_id} from {self.report_id}"


class PhoneCall(models.Model):
    """That a caseworker took a report by phone on a day, for the audit log. It is logged
    by the next day's batch, never during the call, and names no report: an entry written
    as the call ended would date an anonymous caller's report to the minute."""

    taken_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    taken_on = models.DateField()
    logged = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"phone report taken by {self.taken_by_id} on {self.taken_on}"
