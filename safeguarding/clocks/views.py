"""Clocks on screen: the team dashboard, one clock, and the reason for a missed deadline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.roles import Role
from safeguarding.clocks.actions import explain_delay, limit_for, set_clock_limit
from safeguarding.clocks.forms import DelayReasonForm, LimitForm
from safeguarding.clocks.models import ClockState
from safeguarding.clocks.queries import access_clock, my_deadlines, team_dashboard
from safeguarding.clocks.rules import DEFAULT_LIMITS, ClockType
from safeguarding.govuk.forms import add_action_errors

DASHBOARD_ROLES = {Role.TEAM_MANAGER, Role.MASH_TRIAGE, Role.PRACTITIONER}


def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if (
        user.role not in DASHBOARD_ROLES
        or user.agency is None
        or not user.agency.is_local_authority
    ):
        raise PermissionDenied
    return render(
        request,
        "clocks/dashboard.html",
        {"dashboard": team_dashboard(user), "mine": my_deadlines(user)},
    )


def clock_detail(request: HttpRequest, clock_id: int) -> HttpResponse:
    user = signed_in_user(request)
    clock = access_clock(user, clock_id)
    missed = clock.state() in (ClockState.OVERDUE, ClockState.MET_LATE)
    form = DelayReasonForm(request.POST or None, initial={"reason": clock.delay_reason})
    if request.method == "POST" and missed and form.is_valid():
        try:
            explain_delay(actor=user, clock=clock, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
        else:
            messages.success(request, "The reason for the delay has been recorded.")
            return redirect("clocks:detail", clock_id=clock.pk)
    return render(
        request,
        "clocks/clock.html",
        {"clock": clock, "missed": missed, "form": form, "has_errors": bool(form.errors)},
    )


def limits(request: HttpRequest) -> HttpResponse:
    """An authority's deadlines, each its own or the national default, and a form to change
    one. Changing a limit recomputes every open clock of that kind."""
    user = signed_in_user(request)
    if (
        user.role not in {Role.TEAM_MANAGER}
        or user.agency is None
        or not user.agency.is_local_authority
    ):
        raise PermissionDenied
    form = LimitForm(request.POST or None)
    recomputed = None
    if request.method == "POST" and form.is_valid():
        try:
            result = set_clock_limit(
                actor=user,
                authority=user.agency,
                clock_type=form.cleaned_data["clock_type"],
                amount=form.cleaned_data["amount"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            recomputed = result.clocks_updated
            form = LimitForm()
    rows = [
        {
            "label": label,
            "limit": limit_for(user.agency, value).describe(),
            "default": DEFAULT_LIMITS[value].describe(),
        }
        for value, label in ClockType.choices
    ]
    return render(
        request,
        "clocks/limits.html",
        {"rows": rows, "form": form, "recomputed": recomputed, "has_errors": bool(form.errors)},
    )
