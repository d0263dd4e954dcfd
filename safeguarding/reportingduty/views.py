"""Duty-to-report records on screen: the list, one record with what was known and done,
and the forms to record how the reporter knew, a permitted delay, the notification to the
police or local authority, and an attempt to stop the report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.access.policy import case_worker
from safeguarding.govuk.forms import add_action_errors
from safeguarding.reportingduty import actions
from safeguarding.reportingduty.actions import NotificationDetails, ObstructionDetails
from safeguarding.reportingduty.forms import (
    DelayForm,
    DisclosureForm,
    NotifyForm,
    ObstructionForm,
)
from safeguarding.reportingduty.models import AbuseReport
from safeguarding.reportingduty.queries import access_report, persons_named, reports_for
from safeguarding.worklists.actions import may_receive, record_received, respond_to_hand_off
from safeguarding.worklists.forms import RespondForm
from safeguarding.worklists.queries import attach_receipts, receipt_at


def report_list(request: HttpRequest) -> HttpResponse:
    user = case_worker(request)
    return render(
        request,
        "reportingduty/list.html",
        {"reports": reports_for(user), "today": timezone.localdate()},
    )


def _report_page(request: HttpRequest, report: AbuseReport, **forms_: forms.Form) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "report": report,
        "today": today,
        "concern": report.concern,
        "notifications": attach_receipts(
            "duty-to-report-notification", list(report.notifications.all())
        ),
        "obstructions": list(report.obstructions.all()),
        "may_act": actions.may_act_for(user, report),
        "may_delay": not report.is_notified
        and not report.delay_reason
        and today <= report.aware_on + actions.MAX_DELAY,
        "disclosure_form": forms_.get("disclosure_form")
        or DisclosureForm(
            initial={"how_known": report.how_known, "others_aware": report.others_aware}
        ),
        "delay_form": forms_.get("delay_form") or DelayForm(),
        "notify_form": forms_.get("notify_form")
        or NotifyForm(persons=persons_named(report), initial={"notified_on": today}),
        "obstruction_form": forms_.get("obstruction_form") or ObstructionForm(),
    }
    context["respond_form"] = None
    # The notification to the user's own agency, which its staff open and respond to.
    received = next((n for n in context["notifications"] if n.recipient_id == user.agency_id), None)
    if received is not None and may_receive("duty-to-report-notification", user):
        context["received"] = received
        context["receipt"] = receipt_at("duty-to-report-notification", received.pk, user.agency_id)
        context["respond_form"] = forms_.get("respond_form") or RespondForm()
        if not forms_:
            record_received("duty-to-report-notification", received.pk, actor=user)
    context["has_errors"] = any(form.errors for form in forms_.values())
    return render(
        request,
        "reportingduty/report.html",
        context,
        status=400 if context["has_errors"] else 200,
    )


def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    user = case_worker(request)
    return _report_page(request, access_report(user, report_id))


def _acting(request: HttpRequest, report_id: str) -> tuple[User, AbuseReport]:
    user = case_worker(request)
    report = access_report(user, report_id)
    if not actions.may_act_for(user, report):
        raise PermissionDenied
    return user, report


@require_POST
def disclosure(request: HttpRequest, report_id: str) -> HttpResponse:
    user, report = _acting(request, report_id)
    form = DisclosureForm(request.POST)
    if form.is_valid():
        try:
            actions.record_disclosure(
                actor=user,
                report=report,
                how_known=form.cleaned_data["how_known"],
                others_aware=form.cleaned_data["others_aware"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "How they came to know has been recorded.")
            return redirect("reportingduty:report", report_id=report.pk)
    return _report_page(request, report, disclosure_form=form)


@require_POST
def delay(request: HttpRequest, report_id: str) -> HttpResponse:
    user, report = _acting(request, report_id)
    form = DelayForm(request.POST)
    if form.is_valid():
        try:
            actions.delay_report(actor=user, report=report, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The delay and its reason have been recorded.")
            return redirect("reportingduty:report", report_id=report.pk)
    return _report_page(request, report, delay_form=form)


@require_POST
def notify(request: HttpRequest, report_id: str) -> HttpResponse:
    user, report = _acting(request, report_id)
    form = NotifyForm(request.POST, persons=persons_named(report))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.notify_authority(
                actor=user,
                report=report,
                details=NotificationDetails(
                    recipient=data["recipient"],
                    notified_on=data["notified_on"],
                    method=data["method"],
                    reference=data["reference"],
                    involved=form.involved(),
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The notification has been recorded.")
            return redirect("reportingduty:report", report_id=report.pk)
    return _report_page(request, report, notify_form=form)


@require_POST
def respond(request: HttpRequest, report_id: str) -> HttpResponse:
    """The response of the police force or local authority the report was made to."""
    user = case_worker(request)
    report = access_report(user, report_id)
    received = report.notifications.filter(recipient_id=user.agency_id).first()
    if received is None:
        raise PermissionDenied
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            respond_to_hand_off(
                "duty-to-report-notification",
                received.pk,
                actor=user,
                response=form.cleaned_data["response"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Your agency's response has been recorded.")
            return redirect("reportingduty:report", report_id=report.pk)
    return _report_page(request, report, respond_form=form)


@require_POST
def obstruction(request: HttpRequest, report_id: str) -> HttpResponse:
    user, report = _acting(request, report_id)
    form = ObstructionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_obstruction(
                actor=user,
                report=report,
                obstruction=ObstructionDetails(
                    occurred_on=data["occurred_on"],
                    by_whom=data["by_whom"],
                    details=data["details"],
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                "The attempt to stop the report has been recorded, and the police have been told.",
            )
            return redirect("reportingduty:report", report_id=report.pk)
    return _report_page(request, report, obstruction_form=form)
