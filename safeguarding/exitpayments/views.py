"""The register's pages: the lists, recording an exit payment and an appointment, a
recovery with its working and what can be done with it, and the rule sets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.exitpayments import actions
from safeguarding.exitpayments.forms import (
    AgreeForm,
    AppointmentForm,
    ExitPaymentForm,
    PaymentForm,
    RuleSetForm,
    WaiverForm,
)
from safeguarding.exitpayments.models import Recovery
from safeguarding.exitpayments.policy import (
    may_act_on_recovery,
    publishes_rule_sets,
    reads_register,
    reads_rule_sets,
    records_exit_payments,
)
from safeguarding.exitpayments.queries import (
    access_appointment,
    access_exit_payment,
    access_recovery,
    appointments_visible_to,
    exit_payments_visible_to,
    recoveries_visible_to,
    rule_sets,
)
from safeguarding.govuk.forms import add_action_errors

LIST_LIMIT = 200


def _user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not reads_register(user):
        raise PermissionDenied
    return user


def _recorder(request: HttpRequest) -> User:
    user = _user(request)
    if not records_exit_payments(user):
        raise PermissionDenied
    return user


def register(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "exitpayments/register.html",
        {
            "exit_payments": list(exit_payments_visible_to(user)[:LIST_LIMIT]),
            "recoveries": list(recoveries_visible_to(user)[:LIST_LIMIT]),
            "appointments": list(appointments_visible_to(user)[:LIST_LIMIT]),
            "can_record": records_exit_payments(user),
        },
    )


def record_exit_payment(request: HttpRequest) -> HttpResponse:
    user = _recorder(request)
    form = ExitPaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            exit_payment = actions.record_exit_payment(
                actor=user,
                employee=form.employee(),
                employer=form.employer_details(),
                annual_salary=form.cleaned_data["annual_salary"],
                weekly_hours=form.cleaned_data["weekly_hours"],
                exit_date=form.cleaned_data["exit_date"],
                components=form.components(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("exitpayments:exit-payment", exit_payment_id=exit_payment.pk)
    return render(
        request,
        "exitpayments/record_exit_payment.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def exit_payment_detail(request: HttpRequest, exit_payment_id: str) -> HttpResponse:
    user = _reader(request)
    exit_payment = access_exit_payment(user, exit_payment_id)
    components = list(exit_payment.components.all())
    recovery = getattr(exit_payment, "recovery", None)
    return render(
        request,
        "exitpayments/exit_payment.html",
        {
            "exit_payment": exit_payment,
            "counted": [c for c in components if c.is_countable],
            "excluded": [c for c in components if not c.is_countable],
            "recovery": recovery,
        },
    )


def record_appointment(request: HttpRequest) -> HttpResponse:
    user = _recorder(request)
    form = AppointmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = actions.record_appointment(
                actor=user,
                employee=form.employee(),
                employer=form.employer_details(),
                kind=form.cleaned_data["kind"],
                start_date=form.cleaned_data["start_date"],
                weekly_hours=form.cleaned_data["weekly_hours"],
                annual_pay=form.cleaned_data["annual_pay"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("exitpayments:appointment", appointment_id=appointment.pk)
    return render(
        request,
        "exitpayments/record_appointment.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def appointment_detail(request: HttpRequest, appointment_id: str) -> HttpResponse:
    user = _reader(request)
    appointment = access_appointment(user, appointment_id)
    return render(
        request,
        "exitpayments/appointment.html",
        {
            "appointment": appointment,
            "recoveries": recoveries_visible_to(user).filter(appointment=appointment),
        },
    )


def _recovery_page(request: HttpRequest, recovery: Recovery, **bound: forms.Form) -> HttpResponse:
    user = _user(request)
    may_act = may_act_on_recovery(user, recovery) and not recovery.is_closed
    context: dict[str, Any] = {
        "recovery": recovery,
        "exit_payment": recovery.exit_payment,
        "appointment": recovery.appointment,
        "working": recovery.working,
        "payments": list(recovery.payments.all()),
        "may_act": may_act,
        "agree_form": bound.get("agree_form") or AgreeForm(initial={"amount": recovery.amount}),
        "payment_form": bound.get("payment_form")
        or PaymentForm(initial={"amount": recovery.amount_outstanding}),
        "waiver_form": bound.get("waiver_form") or WaiverForm(),
    }
    context["has_errors"] = any(form.errors for form in bound.values())
    return render(
        request,
        "exitpayments/recovery.html",
        context,
        status=400 if context["has_errors"] else 200,
    )


def recovery_detail(request: HttpRequest, recovery_id: str) -> HttpResponse:
    user = _reader(request)
    return _recovery_page(request, access_recovery(user, recovery_id))


def _acting_on(request: HttpRequest, recovery_id: str) -> tuple[User, Recovery]:
    user = _recorder(request)
    recovery = access_recovery(user, recovery_id)
    if not may_act_on_recovery(user, recovery):
        raise PermissionDenied
    return user, recovery


@require_POST
def agree(request: HttpRequest, recovery_id: str) -> HttpResponse:
    user, recovery = _acting_on(request, recovery_id)
    form = AgreeForm(request.POST)
    if form.is_valid():
        try:
            actions.agree_recovery(
                actor=user,
                recovery=recovery,
                amount=form.cleaned_data["amount"],
                agreed_on=form.cleaned_data["agreed_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("exitpayments:recovery", recovery_id=recovery.pk)
    return _recovery_page(request, recovery, agree_form=form)


@require_POST
def record_payment(request: HttpRequest, recovery_id: str) -> HttpResponse:
    user, recovery = _acting_on(request, recovery_id)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            actions.record_recovery_payment(
                actor=user,
                recovery=recovery,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("exitpayments:recovery", recovery_id=recovery.pk)
    return _recovery_page(request, recovery, payment_form=form)


@require_POST
def waive(request: HttpRequest, recovery_id: str) -> HttpResponse:
    user, recovery = _acting_on(request, recovery_id)
    form = WaiverForm(request.POST)
    if form.is_valid():
        try:
            actions.waive_recovery(
                actor=user, recovery=recovery, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("exitpayments:recovery", recovery_id=recovery.pk)
    return _recovery_page(request, recovery, waiver_form=form)


def rule_set_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not reads_rule_sets(user):
        raise PermissionDenied
    may_publish = publishes_rule_sets(user)
    form = RuleSetForm(request.POST if request.method == "POST" else None)
    published = None
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        if form.is_valid():
            try:
                published = actions.publish_rule_set(
                    actor=user, code=form.cleaned_data["code"], **form.parameters()
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                form = RuleSetForm()
    return render(
        request,
        "exitpayments/rule_sets.html",
        {
            "rule_sets": list(rule_sets()),
            "form": form,
            "may_publish": may_publish,
            "published": published,
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
