"""Finding a person and seeing every agency's concerns about them on one timeline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.models import User
from safeguarding.access.policy import case_worker, may_break_glass
from safeguarding.chronology.knowledge import KNOWLEDGE_REPORT_ROLES
from safeguarding.concerns.queries import concerns_about
from safeguarding.pathway.queries import clocks_for
from safeguarding.people import grants
from safeguarding.people.forms import BreakGlassForm, PersonSearchForm
from safeguarding.people.queries import (
    SearchCriteria,
    access_person,
    agencies_involved,
    search_persons,
    search_persons_break_glass,
)
from safeguarding.warningnotices.actions import is_police

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
    return redirect("people:detail", person_id=person_id)


def detail(request: HttpRequest, person_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    person = access_person(user, person_id, purpose="view person record")
    concerns = list(concerns_about(user, person))
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "concerns": concerns,
            "agencies": agencies_involved(person),
            "identifiers": person.identifiers.all(),
            "other_names": person.other_names.all(),
            "addresses": person.addresses.all(),
            "phones": person.phones.all(),
            "vehicles": person.vehicles.all(),
            "clocks": list(clocks_for(person)[:20]),
            "may_see_knowledge_report": user.role in KNOWLEDGE_REPORT_ROLES,
            "may_issue_warning_notice": is_police(user),
        },
    )
