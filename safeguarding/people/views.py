"""Finding a person, and break-glass access to one. The person's own page, which gathers
what every app holds about them, is in safeguarding/web/person.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.policy import case_worker, may_break_glass
from safeguarding.people import grants
from safeguarding.people.forms import BreakGlassForm, PersonSearchForm
from safeguarding.people.queries import (
    SearchCriteria,
    search_persons,
    search_persons_break_glass,
)

BREAK_GLASS_REASON_SESSION_KEY = "break_glass_reason"


def _criteria(form: PersonSearchForm) -> SearchCriteria:
    return SearchCriteria(
        name=form.cleaned_data.get("name") or "",
        date_of_birth=form.cleaned_data.get("date_of_birth"),
        identifier=form.cleaned_data.get("identifier") or "",
    )


def search(request: HttpRequest) -> HttpResponse:
    """Searches are POSTed so that names never appear in URLs, logs or browser history."""
    user = case_worker(request)
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search_persons(user, _criteria(form))
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "results": results,
            "has_errors": bool(form.errors),
            "may_break_glass": may_break_glass(user),
        },
    )


def break_glass_search(request: HttpRequest) -> HttpResponse:
    user = case_worker(request)
    if not may_break_glass(user):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        request.session[BREAK_GLASS_REASON_SESSION_KEY] = reason
        results = search_persons_break_glass(user, _criteria(form), reason=reason)
    return render(
        request,
        "people/break_glass.html",
        {"form": form, "results": results, "has_errors": bool(form.errors)},
    )


@require_POST
def break_glass_open(request: HttpRequest, person_id: str) -> HttpResponse:
    user = case_worker(request)
    reason = request.session.get(BREAK_GLASS_REASON_SESSION_KEY, "")
    try:
        grants.grant_break_glass(actor=user, person_id=person_id, reason=reason)
    except ValidationError:
        return redirect("people:break-glass")
    return redirect("web:person", person_id=person_id)
