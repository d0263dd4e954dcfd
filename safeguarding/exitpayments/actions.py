"""Every write to the exit-payment register: recording exit payments and appointments,
opening recoveries when they meet, settling recoveries, and publishing rule sets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.exitpayments import rules
from safeguarding.exitpayments.models import (
    COUNTABLE_KINDS,
    Appointment,
    ComponentKind,
    ExitPayment,
    ExitPaymentComponent,
    Recovery,
    RecoveryPayment,
    RuleSet,
    name_key,
)
from safeguarding.exitpayments.money import pounds
from safeguarding.exitpayments.ni_numbers import normalise_ni_number
from safeguarding.exitpayments.policy import (
    may_act_on_recovery,
    publishes_rule_sets,
    records_exit_payments,
)

WAIVER_REASON_MIN_LENGTH = 20
MAX_WEEKLY_HOURS = Decimal(168)
TREASURY = "HM Treasury"
# Public bodies an exit payment or appointment can be with (charities and helplines are not).
PUBLIC_BODY_KINDS = (
    AgencyKind.LOCAL_AUTHORITY,
    AgencyKind.POLICE_FORCE,
    AgencyKind.SCHOOL,
    AgencyKind.NHS_BODY,
    AgencyKind.NATIONAL_BODY,
)


@dataclass(frozen=True)
class Employee:
    full_name: str
    date_of_birth: date
    ni_number: str = ""


@dataclass(frozen=True)
class Employer:
    """An agency using the service, or a named public body (with what the service cannot
    tell about it from an agency record)."""

    agency: Agency | None = None
    name: str = ""
    is_nhs: bool = False
    abolished: bool = False


@dataclass(frozen=True)
class ComponentAmount:
    kind: str
    gross: Decimal
    tax_deducted: Decimal = Decimal("0.00")


def component_field(kind: str, part: str) -> str:
    """The form field (and error key) for one part of one component: redundancy_gross."""
    return f"{kind.replace('-', '_')}_{part}"


def _require_recorder(actor: User) -> None:
    if not records_exit_payments(actor):
        raise PermissionDenied("Only an HR and finance officer can record in the register")


def _check_employee(employee: Employee, errors: dict[str, list[str]]) -> Employee:
    full_name = " ".join(employee.full_name.split())
    if not full_name:
        errors["full_name"] = ["Enter the person's full name"]
    if employee.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = ["The date of birth must be in the past"]
    ni_number = ""
    if employee.ni_number.strip():
        try:
            ni_number = normalise_ni_number(employee.ni_number)
        except ValidationError as error:
            errors["ni_number"] = error.messages
    return Employee(full_name, employee.date_of_birth, ni_number)


def _check_employer(employer: Employer, errors: dict[str, list[str]]) -> Employer:
    name = " ".join(employer.name.split())
    if employer.agency is not None and name:
        errors["employer_name"] = ["Choose an agency or enter a name, not both"]
    elif employer.agency is None and not name:
        errors["employer"] = ["Choose the employer, or enter its name if it is not listed"]
    elif employer.agency is not None and employer.agency.kind not in PUBLIC_BODY_KINDS:
        errors["employer"] = ["Choose a public body"]
    return Employer(employer.agency, name, employer.is_nhs, employer.abolished)


def _check_hours(hours: Decimal, field: str, errors: dict[str, list[str]]) -> None:
    if not Decimal(0) < hours <= MAX_WEEKLY_HOURS:
        errors[field] = ["Hours a week must be more than 0 and no more than 168"]


def _lock_register() -> list[RuleSet]:
    """Every rule set, locked until the transaction ends. Recording in the register takes
    this lock first, so that an exit payment and an appointment for the same person
    recorded at the same moment are matched in turn: the second one sees the first (on
    SQLite, the IMMEDIATE transaction already holds the database's write lock)."""
    return list(RuleSet.objects.select_for_update().order_by("pk"))


def _rule_sets_for(exit_date: date, rule_sets: Sequence[RuleSet]) -> list[RuleSet]:
    """The latest version of each rule set in effect on the exit date."""
    latest: dict[str, RuleSet] = {}
    for rule_set in rule_sets:
        in_effect = rule_set.effective_from <= exit_date and (
            rule_set.effective_to is None or exit_date <= rule_set.effective_to
        )
        current = latest.get(rule_set.code)
        if in_effect and (current is None or rule_set.version > current.version):
            latest[rule_set.code] = rule_set
    return [latest[code] for code in sorted(latest)]


def rules_of(rule_set: RuleSet) -> rules.Rules:
    return rules.Rules(
        code=rule_set.code,
        version=rule_set.version,
        label=rule_set.label,
        status=rule_set.status,
        salary_threshold=rule_set.salary_threshold,
        requires_nhs_employers=rule_set.requires_nhs_employers,
        counted_kinds=rule_set.counted_kinds,
        net_of_tax=rule_set.net_of_tax,
        window_amount=rule_set.window_amount,
        window_unit=rule_set.window_unit,
        window_end_counts=rule_set.window_end_counts,
        taper_by_time=rule_set.taper_by_time,
        pro_rata_hours=rule_set.pro_rata_hours,
    )


def exit_of(exit_payment: ExitPayment) -> rules.Exit:
    return rules.Exit(
        exit_date=exit_payment.exit_date,
        annual_salary=exit_payment.annual_salary,
        weekly_hours=exit_payment.weekly_hours,
        employer_is_nhs=exit_payment.is_nhs_employer,
        components=[
            rules.Component(c.kind, c.get_kind_display(), c.gross, c.tax_deducted)
            for c in exit_payment.components.all()
        ],
    )


def return_of(appointment: Appointment) -> rules.Return:
    return rules.Return(
        start_date=appointment.start_date,
        weekly_hours=appointment.weekly_hours,
        employer_is_nhs=appointment.is_nhs_employer,
    )


def _same_person(ni_number: str, key: str, date_of_birth: date) -> Q:
    """By National Insurance number; or else, when either record lacks one, by exact name
    and date of birth. Two different numbers are two different people."""
    by_name = Q(name_key=key, date_of_birth=date_of_birth)
    if ni_number:
        return Q(ni_number=ni_number) | (by_name & Q(ni_number=""))
    return by_name


def _matched_by(exit_payment: ExitPayment, appointment: Appointment) -> str:
    if exit_payment.ni_number and exit_payment.ni_number == appointment.ni_number:
        return "National Insurance number"
    return "exact name and date of birth"


def _open_recovery(
    *,
    actor: User,
    exit_payment: ExitPayment,
    appointment: Appointment,
    rule_sets: Sequence[RuleSet],
) -> Recovery | None:
    """Evaluate every rule set in effect for the exit; open a recovery for the larger
    figure if any applies. Runs inside the recording action's transaction."""
    in_effect = _rule_sets_for(exit_payment.exit_date, rule_sets)
    evaluations = [
        rules.evaluate(rules_of(rule_set), exit_of(exit_payment), return_of(appointment))
        for rule_set in in_effect
    ]
    chosen = rules.choose(evaluations)
    if chosen is None:
        return None
    rule_set = next(r for r in in_effect if r.code == chosen.rules.code)
    treasury = not exit_payment.former_employer_exists
    recovery = Recovery.objects.create(
        exit_payment=exit_payment,
        appointment=appointment,
        rule_set=rule_set,
        amount=chosen.amount,
        working=rules.working(
            evaluations, chosen, matched_by=_matched_by(exit_payment, appointment)
        ),
        recovering_agency=None if treasury else exit_payment.employer,
        recovering_body=TREASURY if treasury else exit_payment.employer_display,
        recovered_by_treasury=treasury,
    )
    record(
        AuditVerb.RECOVERY_OPENED,
        actor=actor,
        target_type=TargetType.RECOVERY,
        target_id=recovery.pk,
        payload={
            "exit_payment": str(exit_payment.pk),
            "appointment": str(appointment.pk),
            "rule_set": rule_set.code,
            "version": rule_set.version,
            "amount": str(recovery.amount),
            "recovering_body": recovery.recovering_body,
        },
    )
    return recovery


def record_exit_payment(
    *,
    actor: User,
    employee: Employee,
    employer: Employer,
    annual_salary: Decimal,
    weekly_hours: Decimal,
    exit_date: date,
    components: Sequence[ComponentAmount],
) -> ExitPayment:
    """Record an exit payment with its components; if the person has already returned to
    public work, open the recovery at once."""
    _require_recorder(actor)
    errors: dict[str, list[str]] = {}
    employee = _check_employee(employee, errors)
    employer = _check_employer(employer, errors)
    if annual_salary < 0:
        errors["annual_salary"] = ["The salary must be £0 or more"]
    _check_hours(weekly_hours, "weekly_hours", errors)
    if exit_date > timezone.localdate():
        errors["exit_date"] = ["The exit date must be today or in the past"]
    elif exit_date <= employee.date_of_birth:
        errors["exit_date"] = ["The exit date must be after the date of birth"]
    kinds = [c.kind for c in components]
    if len(set(kinds)) != len(kinds) or not set(kinds) <= set(ComponentKind.values):
        errors["__all__"] = ["Enter each kind of payment once"]
    for component in components:
        if component.gross < 0 or component.tax_deducted < 0:
            errors[component_field(component.kind, "gross")] = ["Amounts must be £0 or more"]
        elif component.tax_deducted > component.gross:
            errors[component_field(component.kind, "tax")] = [
                "Tax and National Insurance deducted cannot be more than the gross amount"
            ]
    if not any(c.gross > 0 for c in components):
        errors.setdefault("__all__", []).append("Enter at least one payment")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule_sets = _lock_register()
        exit_payment = ExitPayment.objects.create(
            full_name=employee.full_name,
            name_key=name_key(employee.full_name),
            date_of_birth=employee.date_of_birth,
            ni_number=employee.ni_number,
            employer=employer.agency,
            employer_name=employer.name,
            employer_is_nhs=employer.is_nhs if employer.agency is None else False,
            employer_abolished=employer.abolished if employer.agency is None else False,
            annual_salary=annual_salary,
            weekly_hours=weekly_hours,
            exit_date=exit_date,
            recorded_by=actor,
        )
        ExitPaymentComponent.objects.bulk_create(
            ExitPaymentComponent(
                exit_payment=exit_payment,
                kind=c.kind,
                gross=c.gross,
                tax_deducted=c.tax_deducted,
            )
            for c in sorted(components, key=lambda c: ComponentKind.values.index(c.kind))
            if c.gross > 0
        )
        record(
            AuditVerb.EXIT_PAYMENT_RECORDED,
            actor=actor,
            target_type=TargetType.EXIT_PAYMENT,
            target_id=exit_payment.pk,
            payload={
                "employer": employer.agency.code if employer.agency else employer.name,
                "exit_date": exit_date.isoformat(),
                "counted_gross": str(
                    sum((c.gross for c in components if c.kind in COUNTABLE_KINDS), Decimal(0))
                ),
            },
        )
        returns = Appointment.objects.filter(
            _same_person(exit_payment.ni_number, exit_payment.name_key, exit_payment.date_of_birth),
            start_date__gte=exit_date,
        ).order_by("start_date", "recorded_at")
        # The first return the rules catch opens the recovery.
        for appointment in returns:
            if _open_recovery(
                actor=actor, exit_payment=exit_payment, appointment=appointment, rule_sets=rule_sets
            ):
                break
    return exit_payment


def record_appointment(
    *,
    actor: User,
    employee: Employee,
    employer: Employer,
    kind: str,
    start_date: date,
    weekly_hours: Decimal,
    annual_pay: Decimal,
) -> Appointment:
    """Record public-sector work; open a recovery for each exit payment to the same person
    that this return brings within a rule set (and that has none yet)."""
    _require_recorder(actor)
    errors: dict[str, list[str]] = {}
    employee = _check_employee(employee, errors)
    employer = _check_employer(employer, errors)
    if kind not in Appointment.Kind.values:
        errors["kind"] = ["Choose employment or consultancy"]
    _check_hours(weekly_hours, "weekly_hours", errors)
    if annual_pay < 0:
        errors["annual_pay"] = ["The salary or fee must be £0 or more"]
    if start_date <= employee.date_of_birth:
        errors["start_date"] = ["The start date must be after the date of birth"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule_sets = _lock_register()
        appointment = Appointment.objects.create(
            full_name=employee.full_name,
            name_key=name_key(employee.full_name),
            date_of_birth=employee.date_of_birth,
            ni_number=employee.ni_number,
            employer=employer.agency,
            employer_name=employer.name,
            employer_is_nhs=employer.is_nhs if employer.agency is None else False,
            kind=kind,
            start_date=start_date,
            weekly_hours=weekly_hours,
            annual_pay=annual_pay,
            recorded_by=actor,
        )
        record(
            AuditVerb.APPOINTMENT_RECORDED,
            actor=actor,
            target_type=TargetType.APPOINTMENT,
            target_id=appointment.pk,
            payload={
                "employer": employer.agency.code if employer.agency else employer.name,
                "start_date": start_date.isoformat(),
                "kind": kind,
            },
        )
        exits = (
            ExitPayment.objects.filter(
                _same_person(
                    appointment.ni_number, appointment.name_key, appointment.date_of_birth
                ),
                exit_date__lte=start_date,
                recovery__isnull=True,
            )
            .select_related("employer")
            .prefetch_related("components")
            .order_by("exit_date", "recorded_at")
        )
        for exit_payment in exits:
            _open_recovery(
                actor=actor, exit_payment=exit_payment, appointment=appointment, rule_sets=rule_sets
            )
    return appointment


def _require_actor_on(actor: User, recovery: Recovery) -> None:
    if not may_act_on_recovery(actor, recovery):
        raise PermissionDenied("Only the recovering body's HR and finance officers can do this")


def _locked(recovery: Recovery) -> Recovery:
    return Recovery.objects.select_for_update().get(pk=recovery.pk)


def agree_recovery(
    *, actor: User, recovery: Recovery, amount: Decimal, agreed_on: date
) -> Recovery:
    """Record the figure agreed with the person (at most the computed figure)."""
    _require_actor_on(actor, recovery)
    with transaction.atomic():
        current = _locked(recovery)
        errors: dict[str, list[str]] = {}
        if current.status != Recovery.Status.OPEN:
            errors["__all__"] = [f"This recovery is already {current.get_status_display().lower()}"]
        if not Decimal(0) < amount <= current.amount:
            errors["amount"] = [
                f"The agreed amount must be more than £0 and at most {pounds(current.amount)}"
            ]
        if agreed_on > timezone.localdate() or agreed_on < current.exit_payment.exit_date:
            errors["agreed_on"] = ["The date agreed must be after the exit and not in the future"]
        if errors:
            raise ValidationError(errors)
        current.status = Recovery.Status.AGREED
        current.agreed_amount, current.agreed_on, current.agreed_by = amount, agreed_on, actor
        current.save(update_fields=["status", "agreed_amount", "agreed_on", "agreed_by"])
        record(
            AuditVerb.RECOVERY_UPDATED,
            actor=actor,
            target_type=TargetType.RECOVERY,
            target_id=current.pk,
            payload={
                "status": current.status,
                "agreed_amount": str(amount),
                "agreed_on": agreed_on.isoformat(),
            },
        )
    return current


def record_recovery_payment(
    *, actor: User, recovery: Recovery, amount: Decimal, paid_on: date
) -> Recovery:
    """Record money received; the recovery is paid once the amount due is all in."""
    _require_actor_on(actor, recovery)
    with transaction.atomic():
        current = _locked(recovery)
        errors: dict[str, list[str]] = {}
        if current.is_closed:
            errors["__all__"] = [f"This recovery is already {current.get_status_display().lower()}"]
        elif not Decimal(0) < amount <= current.amount_outstanding:
            errors["amount"] = [
                f"The payment must be more than £0 and at most the "
                f"{pounds(current.amount_outstanding)} "
                "outstanding"
            ]
        if paid_on > timezone.localdate() or paid_on < current.exit_payment.exit_date:
            errors["paid_on"] = ["The date paid must be after the exit and not in the future"]
        if errors:
            raise ValidationError(errors)
        RecoveryPayment.objects.create(
            recovery=current, amount=amount, paid_on=paid_on, recorded_by=actor
        )
        if current.amount_paid >= current.amount_due:
            current.status = Recovery.Status.PAID
            current.save(update_fields=["status"])
        record(
            AuditVerb.RECOVERY_UPDATED,
            actor=actor,
            target_type=TargetType.RECOVERY,
            target_id=current.pk,
            payload={"status": current.status, "paid": str(amount), "paid_on": paid_on.isoformat()},
        )
    return current


def waive_recovery(*, actor: User, recovery: Recovery, reason: str) -> Recovery:
    """Waive what is still owed. The officer recording the waiver is who granted it, and
    the reason is required."""
    _require_actor_on(actor, recovery)
    reason = (reason or "").strip()
    if len(reason) < WAIVER_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    f"Explain why the recovery is waived, in at least "
                    f"{WAIVER_REASON_MIN_LENGTH} characters"
                ]
            }
        )
    with transaction.atomic():
        current = _locked(recovery)
        if current.is_closed:
            raise ValidationError(
                {"__all__": [f"This recovery is already {current.get_status_display().lower()}"]}
            )
        outstanding = current.amount_outstanding
        current.status = Recovery.Status.WAIVED
        current.waived_by, current.waived_on, current.waiver_reason = (
            actor,
            timezone.localdate(),
            reason,
        )
        current.save(update_fields=["status", "waived_by", "waived_on", "waiver_reason"])
        record(
            AuditVerb.RECOVERY_WAIVED,
            actor=actor,
            target_type=TargetType.RECOVERY,
            target_id=current.pk,
            reason=reason,
            payload={"waived": str(outstanding)},
        )
    return current


RULE_SET_FIELDS = (
    "label",
    "status",
    "source",
    "effective_from",
    "effective_to",
    "salary_threshold",
    "requires_nhs_employers",
    "counts_redundancy",
    "counts_voluntary_exit",
    "counts_pension_top_up",
    "counts_settlement",
    "net_of_tax",
    "window_amount",
    "window_unit",
    "window_end_counts",
    "taper_by_time",
    "pro_rata_hours",
)


def publish_rule_set(*, actor: User | None, code: str, **parameters: Any) -> RuleSet:
    """Publish the next version of rule set ``code`` (a new code starts at version 1).
    Versions already published never change: recoveries keep the version they used.
    ``actor`` None is the service's own defaults, published by the operator."""
    if actor is not None and not publishes_rule_sets(actor):
        raise PermissionDenied("Only a system administrator can publish rule sets")
    unknown = set(parameters) - set(RULE_SET_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule set parameters: {sorted(unknown)}")
    with transaction.atomic():
        # Lock the register: two versions published at once must not share a number.
        _lock_register()
        latest = RuleSet.objects.filter(code=code).aggregate(latest=Max("version"))["latest"]
        rule_set = RuleSet(code=code, version=(latest or 0) + 1, published_by=actor, **parameters)
        rule_set.full_clean()
        rule_set.save()
        record(
            AuditVerb.RULE_SET_PUBLISHED,
            actor=actor,
            target_type=TargetType.RULE_SET,
            target_id=f"{rule_set.code}/{rule_set.version}",
            payload={
                name: str(value) if value is not None else None
                for name, value in parameters.items()
                if name != "source"
            },
        )
    return rule_set


def publish_default_rule_sets(*, actor: User | None) -> list[RuleSet]:
    """Publish the shipped rule sets whose code has no version yet (idempotent)."""
    from safeguarding.exitpayments.defaults import DEFAULT_RULE_SETS

    published = []
    for defaults in DEFAULT_RULE_SETS:
        parameters = dict(defaults)
        code = parameters.pop("code")
        if not RuleSet.objects.filter(code=code).exists():
            published.append(publish_rule_set(actor=actor, code=code, **parameters))
    return published
