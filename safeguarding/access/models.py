"""Agencies, their staff, and the grants that give a member of staff sight of a person."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from safeguarding.access.agency_kinds import AgencyKind
from safeguarding.access.roles import Role
from safeguarding.vocabulary import VocabularyField

__all__ = ["Agency", "AgencyKind", "ApiToken", "BreakGlassGrant", "CaseRole", "User"]


class Agency(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = VocabularyField(max_length=32, choices=AgencyKind.choices)
    area_name = models.CharField(max_length=200, blank=True)
    # The children's services authority whose MASH receives this agency's concerns.
    home_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_agencies",
        limit_choices_to={"kind": AgencyKind.LOCAL_AUTHORITY},
    )
    is_active = models.BooleanField(default=True)
    # A local authority's three-digit number at the Department for Education, which its
    # statutory returns (the CIN census) carry to say whose they are.
    dfe_number = models.CharField(
        "DfE local authority number",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the DfE's three-digit number, like 935")],
    )
    # The senior manager told when a statutory clock is missed (local authorities).
    designated_senior_manager = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_authority(self) -> bool:
        return self.kind == AgencyKind.LOCAL_AUTHORITY


class User(AbstractUser):
    """A member of staff (or an agency's system account) who signs in."""

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    # Set when an administrator chose the password: it must be changed at the next sign-in.
    must_change_password = models.BooleanField(default=False)
    role = VocabularyField(max_length=32, choices=Role.choices)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # TOTP secret, encrypted with the field key (see access/second_factor.py).
    totp_secret_encrypted = models.TextField(blank=True)
    totp_confirmed = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("username",)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class CaseRole(models.Model):
    """A named professional role on a person's case (allocated social worker, core group
    member...). Holding one gives sight of the person even from another agency."""

    class Kind(models.TextChoices):
        ALLOCATED_WORKER = "allocated-worker", "Allocated social worker"
        CORE_GROUP = "core-group", "Core group member"
        LEAD_PROFESSIONAL = "lead-professional", "Lead professional"
        INVESTIGATING_OFFICER = "investigating-officer", "Investigating officer"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_roles")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_roles")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("user", "person", "kind"),
                condition=models.Q(ended_at__isnull=True),
                name="one_open_case_role_per_kind",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"


class BreakGlassGrant(models.Model):
    """Time-limited access to a person outside need-to-know, with the stated reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # A manager of an agency holding the record, or an auditor, looked at the access and
    # its reason and marked it reviewed.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="break_glass_reviews",
    )

    class Meta:
        indexes = (
            models.Index(fields=("user", "person", "expires_at"), name="break_glass_idx"),
            models.Index(fields=("person", "granted_at"), name="break_glass_person_idx"),
        )

    def __str__(self) -> str:
        return f"break-glass {self.user_id} -> {self.person_id}"


class ApiToken(models.Model):
    """A bearer token for an agency's system. Only a SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Every token expires (at most API_TOKEN_MAX_DAYS after it is issued).
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at > moment
