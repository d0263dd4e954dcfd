"""Information governance's subject access pages: the requests and their deadlines,
opening one, and a request's page: extend it, withhold items with their exemption,
download the bundle (PDF or JSON) and mark it answered."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.govuk.downloads import download
from safeguarding.govuk.forms import add_action_errors
from safeguarding.retention.forms import ExtendForm, OpenRequestForm, WithholdForm
from safeguarding.retention.models import SubjectAccessRequest
from safeguarding.retention.subject_access import (
    bundle_pdf,
    due_on,
    extend_request,
    items_of,
    open_request,
    produce_bundle,
    request_for,
    visible_requests,
    withhold_item,
)
from safeguarding.retention.views import _governance


def requests(request: HttpRequest) -> HttpResponse:
    user = _governance(request)
    form = OpenRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            opened = open_request(
                form.cleaned_data["person_id"].strip(),
                actor=user,
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error, fallback_field="person_id")
        else:
            return redirect("retention:subject-access-request", request_id=opened.pk)
    found = list(visible_requests(user).select_related("handled_by"))
    rows = [(r, due_on(r)) for r in found]
    return render(
        request,
        "retention/subject_access.html",
        {
            "open": [(r, due) for r, due in rows if r.disclosed_at is None],
            "answered": [(r, due) for r, due in rows if r.disclosed_at is not None],
            "form": form,
            "has_errors": bool(form.errors),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


def _request(user: User, request_id: str) -> SubjectAccessRequest:
    """The request, if the officer's agency holds a record on its person; otherwise a 404,
    as for a request that does not exist."""
    found = request_for(user, request_id)
    if found is None:
        raise Http404
    return found


def request_page(request: HttpRequest, request_id: str) -> HttpResponse:
    user = _governance(request)
    access = _request(user, request_id)
    items = items_of(access, actor=user)
    choices = [(item.key, f"{item.title} ({item.recorded_on or 'no date'})") for item in items]
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    extend_form = ExtendForm(posted if action == "extend" else None)
    withhold_form = WithholdForm(posted if action == "withhold" else None, items=choices)
    try:
        if action == "extend" and extend_form.is_valid():
            try:
                extend_request(access.pk, actor=user, reason=extend_form.cleaned_data["reason"])
            except ValidationError as error:
                add_action_errors(extend_form, error, fallback_field="reason")
            else:
                messages.success(request, "The request is extended by two months.")
                return redirect("retention:subject-access-request", request_id=access.pk)
        elif action == "withhold" and withhold_form.is_valid():
            try:
                withhold_item(
                    access.pk,
                    actor=user,
                    item_key=withhold_form.cleaned_data["item_key"],
                    exemption=withhold_form.cleaned_data["exemption"],
                )
            except ValidationError as error:
                add_action_errors(withhold_form, error, fallback_field="item_key")
            else:
                messages.success(request, "The item is withheld from the bundle.")
                return redirect("retention:subject-access-request", request_id=access.pk)
        elif action == "disclose":
            produce_bundle(access.person_id, actor=user, request_id=access.pk, disclose=True)
            messages.success(request, "The request is marked as answered.")
            return redirect("retention:subject-access-request", request_id=access.pk)
    except ValidationError as error:
        # The request was answered meanwhile: say so rather than fail.
        messages.error(request, " ".join(error.messages))
        return redirect("retention:subject-access-request", request_id=access.pk)
    withheld = dict(access.withholdings.values_list("item_key", "exemption"))
    has_errors = bool(extend_form.errors or withhold_form.errors)
    return render(
        request,
        "retention/subject_access_request.html",
        {
            "access": access,
            "due": due_on(access),
            "items": [(item, withheld.get(item.key)) for item in items],
            "extend_form": extend_form,
            "withhold_form": withhold_form,
            "has_errors": has_errors,
            "may_extend": access.disclosed_at is None and access.extended_at is None,
        },
        status=400 if has_errors else 200,
    )


def bundle_download(request: HttpRequest, request_id: str, form: str) -> HttpResponse:
    user = _governance(request)
    access = _request(user, request_id)
    if form not in {"pdf", "json"}:
        raise Http404
    bundle = produce_bundle(access.person_id, actor=user, request_id=access.pk)
    name = f"subject-access-{access.person_id}.{form}"
    if form == "pdf":
        return download(bundle_pdf(bundle), "application/pdf", name)
    return download(bundle.as_json(), "application/json", name)
