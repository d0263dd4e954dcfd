"""Who may do what in the exit-payment register.

* HR and finance officers record exit payments and appointments for any public body (the
  new employer often records the appointment, the former one the payment).
* An officer sees the records that involve their agency: as the former employer, the new
  employer, the recovering body, or the agency that recorded them.
* An officer acts on a recovery (agree, record a payment, waive) when their agency
  recovers it; when the recovering body does not use the service (a named body, or HM
  Treasury for a body that no longer exists), the agency that recorded the exit payment
  acts for it.
* Auditors read the whole register and change nothing. System administrators publish rule
  sets and see no personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from safeguarding.access.roles import ADMIN_ROLES, AUDIT_ROLES, Role

if TYPE_CHECKING:
    from safeguarding.access.models import User
    from safeguarding.exitpayments.models import Recovery

RECORDING_ROLES = frozenset({Role.HR_FINANCE})


def records_exit_payments(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and user.role in RECORDING_ROLES
    )


def is_auditor(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in AUDIT_ROLES)


def reads_register(user: User) -> bool:
    return records_exit_payments(user) or is_auditor(user)


def reads_rule_sets(user: User) -> bool:
    return reads_register(user) or publishes_rule_sets(user)


def publishes_rule_sets(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in ADMIN_ROLES)


def exit_payment_condition(user: User) -> Q:
    if is_auditor(user):
        return Q()
    if not records_exit_payments(user):
        return Q(pk__in=[])
    return Q(employer_id=user.agency_id) | Q(recorded_by__agency_id=user.agency_id)


def appointment_condition(user: User) -> Q:
    # The same shape as exit payments: the employer, or the agency that recorded it.
    return exit_payment_condition(user)


def recovery_condition(user: User) -> Q:
    if is_auditor(user):
        return Q()
    if not records_exit_payments(user):
        return Q(pk__in=[])
    agency = user.agency_id
    return (
        Q(recovering_agency_id=agency)
        | Q(exit_payment__employer_id=agency)
        | Q(exit_payment__recorded_by__agency_id=agency)
        | Q(appointment__employer_id=agency)
        | Q(appointment__recorded_by__agency_id=agency)
    )


def may_act_on_recovery(user: User, recovery: Recovery) -> bool:
    if not records_exit_payments(user):
        return False
    if recovery.recovering_agency_id is not None:
        return recovery.recovering_agency_id == user.agency_id
    return recovery.exit_payment.recorded_by.agency_id == user.agency_id
