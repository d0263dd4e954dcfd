"""Requests between police forces on screen: the force's requests in and out, asking about a
person or a vehicle, responding, answering and recording the outcome."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.collaboration.actions import (
    RequestDetails,
    accept_request,
    answer_request,
    complete_request,
    decline_request,
    request_collaboration,
)
from safeguarding.collaboration.forms import (
    AnswerForm,
    FindPersonForm,
    OutcomeForm,
    RequestForm,
    ResponseForm,
    VehicleRequestForm,
)
from safeguarding.collaboration.models import CollaborationRequest, SubjectKind
from safeguarding.collaboration.policy import collaborates_in_browser
from safeguarding.collaboration.queries import (
    access_request,
    inbox,
    may_open_person_record,
    outbox,
)
from safeguarding.govuk.forms import add_action_errors
from safeguarding.people.queries import SearchCriteria, access_person, search_persons
from safeguarding.worklists.actions import record_received
from safeguarding.worklists.queries import receipts_of


def _force_staff(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not collaborates_in_browser(user):
        raise PermissionDenied
    return user


def requests_list(request: HttpRequest) -> HttpResponse:
    user = _force_staff(request)
    return render(
        request,
        "collaboration/requests.html",
        {"inbox": inbox(user), "outbox": outbox(user), "today": timezone.localdate()},
    )


def find_person(request: HttpRequest) -> HttpResponse:
    """Names are sent by POST, so that they never appear in addresses or logs."""
    user = _force_staff(request)
    form = FindPersonForm(request.POST if request.method == "POST" else None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search_persons(user, SearchCriteria(name=form.cleaned_data["name"]))
    return render(
        request,
        "collaboration/find_person.html",
        {"form": form, "results": results, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _details(form: RequestForm, kind: str, person_id: uuid.UUID | None) -> RequestDetails:
    data = form.cleaned_data
    return RequestDetails(
        to_force=data["to_force"],
        subject_kind=kind,
        ask=data["ask"],
        details=data["details"],
        urgency=data["urgency"],
        person_id=person_id,
        vehicle_registration=data.get("vehicle_registration", ""),
    )


def _make_request(
    request: HttpRequest,
    user: User,
    form: RequestForm,
    kind: str,
    person_id: uuid.UUID | None,
) -> CollaborationRequest | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return request_collaboration(actor=user, details=_details(form, kind, person_id))
    except ValidationError as error:
        add_action_errors(form, error)
        return None


def new_person_request(request: HttpRequest, person_id: str) -> HttpResponse:
    user = _force_staff(request)
    person = access_person(user, person_id, purpose="ask another force about a person")
    assert user.agency is not None
    form = RequestForm(request.POST if request.method == "POST" else None, own_force=user.agency)
    made = _make_request(request, user, form, SubjectKind.PERSON, person.pk)
    if made is not None:
        return redirect("collaboration:request", request_id=made.pk)
    return render(
        request,
        "collaboration/new_request.html",
        {"form": form, "person": person, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def new_vehicle_request(request: HttpRequest) -> HttpResponse:
    user = _force_staff(request)
    assert user.agency is not None
    form = VehicleRequestForm(
        request.POST if request.method == "POST" else None, own_force=user.agency
    )
    made = _make_request(request, user, form, SubjectKind.VEHICLE, None)
    if made is not None:
        return redirect("collaboration:request", request_id=made.pk)
    return render(
        request,
        "collaboration/new_request.html",
        {"form": form, "person": None, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _request_page(
    request: HttpRequest,
    collaboration: CollaborationRequest,
    *,
    response_form: ResponseForm | None = None,
    answer_form: AnswerForm | None = None,
    outcome_form: OutcomeForm | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    receiving = user.agency_id == collaboration.to_force_id
    requesting = user.agency_id == collaboration.from_force_id
    bound = [form for form in (response_form, answer_form, outcome_form) if form is not None]
    has_errors = any(form.errors for form in bound)
    return render(
        request,
        "collaboration/request.html",
        {
            "collaboration": collaboration,
            "clock": collaboration.clock,
            "receiving": receiving,
            "requesting": requesting,
            "may_respond": receiving and collaboration.awaits_response,
            "may_answer": receiving and collaboration.awaits_answer,
            "may_complete": requesting and collaboration.is_open,
            "may_open_person": may_open_person_record(user, collaboration),
            "response_form": response_form or ResponseForm(),
            "answer_form": answer_form or AnswerForm(),
            "outcome_form": outcome_form or OutcomeForm(),
            "has_errors": has_errors,
            # What became of it at the force asked, for the force that asked.
            "receipts": receipts_of("cross-force-request", [collaboration.pk]).get(
                str(collaboration.pk), []
            )
            if requesting
            else [],
        },
        status=400 if has_errors else 200,
    )


def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    user = _force_staff(request)
    collaboration = access_request(user, request_id)
    record_received("cross-force-request", collaboration.pk, actor=user)
    return _request_page(request, collaboration)


@require_POST
def respond(request: HttpRequest, request_id: str) -> HttpResponse:
    user = _force_staff(request)
    collaboration = access_request(user, request_id, purpose="respond to a request")
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            if request.POST.get("decision") == "decline":
                decline_request(
                    actor=user, request=collaboration, reason=form.cleaned_data["reason"]
                )
            else:
                accept_request(actor=user, request=collaboration)
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="reason")
        else:
            return redirect("collaboration:request", request_id=collaboration.pk)
    return _request_page(request, collaboration, response_form=form)


@require_POST
def answer(request: HttpRequest, request_id: str) -> HttpResponse:
    user = _force_staff(request)
    collaboration = access_request(user, request_id, purpose="answer a request")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_request(actor=user, request=collaboration, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="answer")
        else:
            return redirect("collaboration:request", request_id=collaboration.pk)
    return _request_page(request, collaboration, answer_form=form)


@require_POST
def outcome(request: HttpRequest, request_id: str) -> HttpResponse:
    user = _force_staff(request)
    collaboration = access_request(user, request_id, purpose="record the outcome of a request")
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            complete_request(
                actor=user,
                request=collaboration,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="outcome")
        else:
            return redirect("collaboration:request", request_id=collaboration.pk)
    return _request_page(request, collaboration, outcome_form=form)
