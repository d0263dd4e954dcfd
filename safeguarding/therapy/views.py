"""Therapy waits on screen: referring a child, a provider's waiting list, recording the start
of therapy, and the taskforce's figures on waits longer than the limit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.policy import case_worker
from safeguarding.access.roles import AGGREGATE_ONLY_ROLES
from safeguarding.govuk.forms import add_action_errors
from safeguarding.people.queries import access_person
from safeguarding.therapy.actions import (
    ReferralDetails,
    is_provider_staff,
    record_therapy_start,
    refer_for_therapy,
)
from safeguarding.therapy.forms import ReferralForm, StartForm
from safeguarding.therapy.models import TherapyReferral
from safeguarding.therapy.queries import (
    access_referral,
    breach_figures,
    financial_year,
    referrals_by_my_agency,
    waiting_list,
)
from safeguarding.worklists.actions import record_received
from safeguarding.worklists.queries import receipts_of


def referrals(request: HttpRequest) -> HttpResponse:
    user = case_worker(request)
    return render(
        request,
        "therapy/referrals.html",
        {
            "referrals": referrals_by_my_agency(user),
            "is_provider": is_provider_staff(user),
            "today": timezone.localdate(),
        },
    )


def refer(request: HttpRequest, person_id: str) -> HttpResponse:
    user = case_worker(request)
    person = access_person(user, person_id, purpose="refer for therapy")
    assert user.agency is not None
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial={
            "referred_on": timezone.localdate(),
            "authority": user.agency.home_authority or user.agency,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = refer_for_therapy(
                actor=user,
                details=ReferralDetails(
                    person_id=person.pk,
                    provider=data["provider"],
                    service_type=data["service_type"],
                    authority=data["authority"],
                    referred_on=data["referred_on"],
                    notes=data["notes"],
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("therapy:referral", referral_id=referral.pk)
    return render(
        request,
        "therapy/refer.html",
        {"person": person, "form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def waiting(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not is_provider_staff(user):
        raise PermissionDenied
    return render(
        request,
        "therapy/waiting_list.html",
        {"referrals": waiting_list(user), "today": timezone.localdate()},
    )


def _referral_page(
    request: HttpRequest, referral: TherapyReferral, form: StartForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    may_start = (
        referral.is_waiting and is_provider_staff(user) and user.agency_id == referral.provider_id
    )
    start_form = form or StartForm(initial={"started_on": timezone.localdate()})
    has_errors = bool(form is not None and form.errors)
    return render(
        request,
        "therapy/referral.html",
        {
            "referral": referral,
            "clock": referral.clock,
            "may_start": may_start,
            "form": start_form,
            "has_errors": has_errors,
            "today": timezone.localdate(),
            "receipts": receipts_of("therapy-referral", [referral.pk]).get(str(referral.pk), []),
        },
        status=400 if has_errors else 200,
    )


def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = case_worker(request)
    referral = access_referral(user, referral_id)
    if referral.provider_id == user.agency_id:
        record_received("therapy-referral", referral.pk, actor=user)
    return _referral_page(request, referral)


@require_POST
def start(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = case_worker(request)
    referral = access_referral(user, referral_id)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            record_therapy_start(
                actor=user, referral=referral, started_on=form.cleaned_data["started_on"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("therapy:referral", referral_id=referral.pk)
    return _referral_page(request, referral, form)


def breaches(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # Counts only: the taskforce, and the providers' staff, who see how their waits compare.
    if user.role not in AGGREGATE_ONLY_ROLES and not is_provider_staff(user):
        raise PermissionDenied
    # Whole financial years, as the national dashboard publishes them: the last five.
    latest = financial_year(timezone.localdate())
    years = list(range(latest, latest - 5, -1))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else latest
    return render(
        request, "therapy/breaches.html", {"figures": breach_figures(year=year), "years": years}
    )
