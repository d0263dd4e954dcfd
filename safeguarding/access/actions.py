"""Every write about agencies, staff, sign-in and access grants."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access import reactions, second_factor
from safeguarding.access.models import (
    Agency,
    AgencyKind,
    ApiToken,
    User,
)
from safeguarding.access.roles import ADMIN_ROLES, Role
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType

API_TOKEN_PREFIX = "sgh_"
# A token lives at most this long: a token that never expires is a key nobody remembers.
API_TOKEN_MAX_DAYS = 730


def _require_admin(actor: User | None) -> None:
    # ``None`` is the operator at the command line, who already holds the server.
    if actor is not None and actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only a system administrator can manage agencies and staff")


def create_agency(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    area_name: str = "",
    home_authority: Agency | None = None,
    dfe_number: str = "",
) -> Agency:
    _require_admin(actor)
    if kind not in AgencyKind.values:
        raise ValidationError({"kind": ["Choose a kind of agency"]})
    if dfe_number.strip() and kind != AgencyKind.LOCAL_AUTHORITY:
        raise ValidationError({"dfe_number": ["Only a local authority has a DfE number"]})
    with transaction.atomic():
        agency = Agency(
            code=code.strip().upper(),
            name=name.strip(),
            kind=kind,
            area_name=area_name,
            home_authority=home_authority,
            dfe_number=dfe_number.strip(),
        )
        agency.full_clean()
        agency.save()
        record(
            AuditVerb.AGENCY_CREATED,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=agency.code,
        )
    return agency


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    agency: Agency | None,
    given_name: str = "",
    family_name: str = "",
    email: str = "",
    manager: User | None = None,
    totp_secret: str | None = None,
    check_password_strength: bool = True,
    password_hash: str | None = None,
    temporary_password: bool = False,
) -> User:
    """Create a member of staff. ``totp_secret`` pre-enrols the second factor (demo and
    operator set-up); without it the user enrols at first sign-in. A ``temporary_password``
    (one an administrator chose) must be changed at the first sign-in."""
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError({"role": ["Choose a role"]})
    if role not in ADMIN_ROLES | {Role.AUDITOR} and agency is None:
        raise ValidationError({"agency": ["Choose the member of staff's agency"]})
    user = User(
        username=username.strip().lower(),
        role=role,
        agency=agency,
        first_name=given_name,
        last_name=family_name,
        email=email,
        manager=manager,
        must_change_password=temporary_password,
    )
    if check_password_strength:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
    # A precomputed hash lets the demo give its many accounts one published password
    # without paying for an Argon2 hash per account.
    user.password = password_hash or make_password(password)
    if totp_secret:
        second_factor.store_secret(user, totp_secret)
        user.totp_confirmed = True
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        record(
            AuditVerb.USER_CREATED,
            actor=actor,
            target_type=TargetType.USER,
            target_id=user.pk,
            payload={"role": role, "agency": agency.code if agency else ""},
        )
    return user


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Change a member of staff's own password. A wrong current password counts towards
    lock-out, as at sign-in. The reactions registered for a password change run in the same
    transaction: the helpline re-wraps the key the old password protected under the new
    one, so that neither can be lost without the other."""
    from django.contrib.auth.password_validation import validate_password

    if not user.check_password(current_password):
        register_failure(user, step="password-change")
        raise ValidationError({"current_password": ["Your current password is not correct"]})
    if new_password == current_password:
        raise ValidationError(
            {"new_password": ["Your new password must be different from your current one"]}
        )
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    with transaction.atomic():
        reactions.password_changed(
            user=user, old_password=current_password, new_password=new_password
        )
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record(
            AuditVerb.PASSWORD_CHANGED, actor=user, target_type=TargetType.USER, target_id=user.pk
        )


@dataclass(frozen=True)
class PasswordCheck:
    user: User | None
    locked: bool = False


def check_password_step(username: str, password: str) -> PasswordCheck:
    """First sign-in step. Counts failures toward lock-out; hashes a dummy password for
    unknown usernames so that timing does not reveal which accounts exist."""
    user = User.objects.filter(username=username.strip().lower(), is_active=True).first()
    if user is None:
        make_password(password)
        record(
            AuditVerb.SIGN_IN_FAILED,
            actor=None,
            actor_label="unknown-user",
            payload={"step": "password"},
        )
        return PasswordCheck(None)
    # The password is hashed before anything else is decided, so that a locked account
    # costs the same time as an unknown one and a wrong password: timing shows nothing.
    password_matches = user.check_password(password)
    if user.is_locked():
        record(AuditVerb.SIGN_IN_FAILED, actor=user, payload={"step": "password", "locked": True})
        return PasswordCheck(None, locked=True)
    if not password_matches or user.role == Role.SYSTEM_INTEGRATION:
        locked = register_failure(user, step="password")
        return PasswordCheck(None, locked=locked)
    return PasswordCheck(user)


def register_failure(user: User, *, step: str) -> bool:
    """Count a failed attempt; lock the account when the limit is reached."""
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        locked_user.failed_sign_ins += 1
        locked = locked_user.failed_sign_ins >= settings.SIGN_IN_MAX_FAILURES
        if locked:
            locked_user.locked_until = timezone.now() + timedelta(
                minutes=settings.SIGN_IN_LOCKOUT_MINUTES
            )
            locked_user.failed_sign_ins = 0
        locked_user.save(update_fields=["failed_sign_ins", "locked_until"])
        record(AuditVerb.SIGN_IN_FAILED, actor=locked_user, payload={"step": step})
        if locked:
            record(
                AuditVerb.ACCOUNT_LOCKED,
                actor=locked_user,
                target_type=TargetType.USER,
                target_id=locked_user.pk,
            )
    return locked


def check_second_factor_step(user: User, code: str) -> bool:
    """Second sign-in step: a TOTP code for a time step not used before."""
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        if locked_user.is_locked():
            return False
        totp_secret = second_factor.read_secret(locked_user)
        step = second_factor.matching_step(totp_secret, code) if totp_secret else None
        if step is None or step <= locked_user.totp_last_step:
            register_failure(locked_user, step="second-factor")
            return False
        locked_user.totp_last_step = step
        locked_user.failed_sign_ins = 0
        locked_user.save(update_fields=["totp_last_step", "failed_sign_ins"])
        record(AuditVerb.SIGNED_IN, actor=locked_user)
    return True


def confirm_second_factor(user: User, totp_secret: str, code: str) -> bool:
    """Enrol a new TOTP secret once the user proves their authenticator has it."""
    step = second_factor.matching_step(totp_secret, code)
    if step is None:
        return False
    with transaction.atomic():
        second_factor.store_secret(user, totp_secret)
        user.totp_confirmed = True
        user.totp_last_step = step
        user.failed_sign_ins = 0
        user.save(
            update_fields=[
                "totp_secret_encrypted",
                "totp_confirmed",
                "totp_last_step",
                "failed_sign_ins",
            ]
        )
        record(
            AuditVerb.SECOND_FACTOR_ENROLLED,
            actor=user,
            target_type=TargetType.USER,
            target_id=user.pk,
        )
        record(AuditVerb.SIGNED_IN, actor=user)
    return True


def reset_second_factor(*, actor: User | None, user: User) -> None:
    """Forget a user's authenticator (a lost or replaced phone): they enrol again, after
    their password, at the next sign-in."""
    _require_admin(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            totp_secret_encrypted="", totp_confirmed=False, totp_last_step=0
        )
        record(
            AuditVerb.USER_UPDATED,
            actor=actor,
            target_type=TargetType.USER,
            target_id=user.pk,
            payload={"second_factor": "reset"},
        )


def unlock_user(*, actor: User | None, user: User) -> None:
    _require_admin(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_sign_ins=0)
        record(
            AuditVerb.ACCOUNT_UNLOCKED, actor=actor, target_type=TargetType.USER, target_id=user.pk
        )


def deactivate_user(*, actor: User | None, user: User) -> None:
    _require_admin(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(
            AuditVerb.USER_DEACTIVATED, actor=actor, target_type=TargetType.USER, target_id=user.pk
        )


def issue_api_token(*, actor: User | None, user: User, name: str, days_valid: int = 365) -> str:
    """Issue a bearer token for ``user``, valid for 1 to API_TOKEN_MAX_DAYS days; returns
    the token, which is shown only once."""
    _require_admin(actor)
    if isinstance(days_valid, bool) or not 1 <= days_valid <= API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days_valid": [f"A token is valid for 1 to {API_TOKEN_MAX_DAYS} days"]}
        )
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=token[:12],
            digest=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=timezone.now() + timedelta(days=days_valid),
        )
        record(
            AuditVerb.API_TOKEN_ISSUED,
            actor=actor,
            target_type=TargetType.API_TOKEN,
            target_id=api_token.pk,
            payload={"user": user.pk, "name": name},
        )
    return token


def user_for_api_token(token: str) -> User | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    api_token = (
        ApiToken.objects.select_related("user", "user__agency").filter(digest=digest).first()
    )
    if api_token is None or not api_token.is_usable() or not api_token.user.is_active:
        return None
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
    return api_token.user


def revoke_api_token(*, actor: User | None, token_id: int) -> bool:
    """Stop one token working at once (a system retired, or a token exposed); the account's
    other tokens go on working. False if there is no such token still working."""
    _require_admin(actor)
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record(
                AuditVerb.API_TOKEN_REVOKED,
                actor=actor,
                target_type=TargetType.API_TOKEN,
                target_id=token_id,
            )
    return bool(revoked)


def set_dfe_number(*, actor: User | None, agency: Agency, number: str) -> None:
    """Record the local authority's three-digit number at the Department for Education,
    which its statutory returns carry."""
    _require_admin(actor)
    if agency.kind != AgencyKind.LOCAL_AUTHORITY:
        raise ValidationError({"dfe_number": ["Only a local authority has a DfE number"]})
    agency.dfe_number = number.strip()
    agency.full_clean(exclude=[f.name for f in Agency._meta.fields if f.name != "dfe_number"])
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(dfe_number=agency.dfe_number)
        record(
            AuditVerb.AGENCY_UPDATED,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=agency.code,
            payload={"dfe_number": agency.dfe_number},
        )


def set_designated_senior_manager(*, actor: User | None, agency: Agency, user: User) -> None:
    """Name the senior manager told when the authority misses a statutory deadline."""
    _require_admin(actor)
    if user.agency_id != agency.pk:
        raise ValidationError({"user": ["Choose a member of the authority's own staff"]})
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(designated_senior_manager=user)
        record(
            AuditVerb.USER_UPDATED,
            actor=actor,
            target_type=TargetType.AGENCY,
            target_id=agency.code,
            payload={"designated_senior_manager": user.pk},
        )
