"""Every read of the exit-payment register. Lists and single records go through the
conditions in policy.py, so an officer sees only what involves their agency; a record
outside them is a 404, indistinguishable from one that does not exist."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safeguarding.access.models import Agency, User
from safeguarding.exitpayments.actions import PUBLIC_BODY_KINDS
from safeguarding.exitpayments.models import Appointment, ExitPayment, Recovery, RuleSet
from safeguarding.exitpayments.policy import (
    appointment_condition,
    exit_payment_condition,
    recovery_condition,
)


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def exit_payments_visible_to(user: User) -> QuerySet[ExitPayment]:
    return (
        ExitPayment.objects.filter(exit_payment_condition(user))
        .select_related("employer", "recovery")
        .prefetch_related("components")
    )


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    return Appointment.objects.filter(appointment_condition(user)).select_related("employer")


def recoveries_visible_to(user: User) -> QuerySet[Recovery]:
    return (
        Recovery.objects.filter(recovery_condition(user))
        .select_related("exit_payment", "appointment", "rule_set", "recovering_agency")
        .prefetch_related("payments")
        .distinct()
    )


def access_exit_payment(user: User, exit_payment_id: uuid.UUID | str) -> ExitPayment:
    exit_payment = exit_payments_visible_to(user).filter(pk=_key(exit_payment_id)).first()
    if exit_payment is None:
        raise Http404
    return exit_payment


def access_appointment(user: User, appointment_id: uuid.UUID | str) -> Appointment:
    appointment = (
        appointments_visible_to(user)
        .prefetch_related("recoveries")
        .filter(pk=_key(appointment_id))
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def access_recovery(user: User, recovery_id: uuid.UUID | str) -> Recovery:
    recovery = (
        recoveries_visible_to(user)
        .select_related(
            "exit_payment__employer",
            "exit_payment__recorded_by",
            "appointment__employer",
            "agreed_by",
            "waived_by",
        )
        .prefetch_related("exit_payment__components", "payments__recorded_by")
        .filter(pk=_key(recovery_id))
        .first()
    )
    if recovery is None:
        raise Http404
    return recovery


def rule_sets() -> QuerySet[RuleSet]:
    """Every version of every rule set (not personal data)."""
    return RuleSet.objects.select_related("published_by").order_by("code", "-version")


def public_bodies() -> QuerySet[Agency]:
    return Agency.objects.filter(kind__in=PUBLIC_BODY_KINDS, is_active=True).order_by("name")
