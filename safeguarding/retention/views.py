"""Information governance's pages: legal holds in force and released, placing and
releasing a hold, and erasing a person (with a reason and a confirmation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.access.roles import INFORMATION_GOVERNANCE_ROLES
from safeguarding.audit.redaction import redacted_among
from safeguarding.govuk.forms import add_action_errors
from safeguarding.people.corrections import Corrected, correct_person, person_to_correct
from safeguarding.retention.actions import (
    HoldDetails,
    erase_person,
    may_manage_records,
    may_release,
    place_hold,
    release_hold,
)
from safeguarding.retention.forms import CorrectionForm, EraseForm, HoldForm, ReleaseForm
from safeguarding.retention.models import LegalHold
from safeguarding.retention.queries import holds_for_listing, recent_erasures


def _governance(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not may_manage_records(user):
        raise PermissionDenied
    return user


def index(request: HttpRequest) -> HttpResponse:
    user = _governance(request)
    holds = holds_for_listing(actor=user)
    erasures = recent_erasures(actor=user)
    return render(
        request,
        "retention/index.html",
        {
            "in_force": [hold for hold in holds if hold.is_open],
            # An officer releases only the holds their own agency placed.
            "releasable": {hold.pk for hold in holds if hold.is_open and may_release(user, hold)},
            "released": [hold for hold in holds if not hold.is_open],
            "erasures": erasures,
            # Of the audit entries whose reason named them: those redacted (sealed
            # reasons); the others were written before reasons were sealed.
            "redacted": redacted_among(
                sequence for erasure in erasures for sequence in erasure.log_entries_naming
            ),
        },
    )


def place(request: HttpRequest) -> HttpResponse:
    user = _governance(request)
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = place_hold(
                actor=user,
                details=HoldDetails(
                    reference=data["reference"],
                    reason=data["reason"],
                    person_id=data["person_id"].strip() or None,
                    agency_code=data["agency"].code if data["agency"] else "",
                    kind=data["kind"],
                    recorded_from=data["recorded_from"],
                    recorded_to=data["recorded_to"],
                ),
            )
        except ValidationError as error:
            # The action names the agency by its code; the form by its choice.
            renamed = {
                "agency" if name == "agency_code" else name: messages_
                for name, messages_ in error.message_dict.items()
            }
            add_action_errors(form, ValidationError(renamed), fallback_field="reference")
        else:
            messages.success(request, f"Legal hold {hold.reference} placed.")
            return redirect("retention:index")
    return render(
        request,
        "retention/place_hold.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def release(request: HttpRequest, hold_id: str) -> HttpResponse:
    user = _governance(request)
    hold = LegalHold.objects.select_related("agency", "placed_by").filter(pk=hold_id).first()
    if hold is None or not hold.is_open or not may_release(user, hold):
        raise Http404  # another agency's hold is answered as one that does not exist
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            release_hold(hold.pk, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="reason")
        else:
            messages.success(request, f"Legal hold {hold.reference} released.")
            return redirect("retention:index")
    return render(
        request,
        "retention/release_hold.html",
        {"hold": hold, "form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def erase(request: HttpRequest) -> HttpResponse:
    user = _governance(request)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            erasure = erase_person(data["person_id"].strip(), actor=user, reason=data["reason"])
        except ValidationError as error:
            # A refusal by a legal hold names the hold on the person's id.
            add_action_errors(form, error, fallback_field="person_id")
        else:
            total = sum(erasure.removed.values())
            messages.success(
                request, f"Person {erasure.person_id} erased: {total:,} rows removed or changed."
            )
            return redirect("retention:index")
    return render(
        request,
        "retention/erase.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def correct(request: HttpRequest, person_id: str) -> HttpResponse:
    """Correct a person's details (rectification), keeping what was wrong and why."""
    user = signed_in_user(request)
    person = person_to_correct(user, person_id)
    initial = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "date_of_birth_is_estimated": person.date_of_birth_is_estimated,
        "sex": person.sex,
    }
    form = CorrectionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correct_person(
                person.pk,
                actor=user,
                corrected=Corrected(
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                    date_of_birth_is_estimated=data["date_of_birth_is_estimated"],
                    sex=data["sex"],
                ),
                reason=data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="given_name")
        else:
            messages.success(request, "The details are corrected; what was wrong is kept.")
            if user.role in INFORMATION_GOVERNANCE_ROLES:
                return redirect("retention:index")
            return redirect("web:person", person.pk)
    return render(
        request,
        "retention/correct_person.html",
        {"person": person, "form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )
