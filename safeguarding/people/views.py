"""Finding a person, and break-glass access to one. The person's own page, which gathers
what every app holds about them, is in safeguarding/web/person.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.policy import case_worker, may_break_glass
from safeguarding.access.roles import AUDIT_ROLES
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType
from safeguarding.people import grants
from safeguarding.people.forms import BreakGlassForm, PersonSearchForm
from safeguarding.people.queries import (
    SearchCriteria,
    search_persons,
    search_persons_break_glass,
)

BREAK_GLASS_REASON_SESSION_KEY = "break_glass_reason"
REVIEW_PAGE_SIZE = 200


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
        results = search_persons_break_glass(user, _criteria(form), reason=reason)
        # One reason opens one record, and only one of the people this search found: the
        # reason and the results are kept until a result is opened, then forgotten.
        request.session[BREAK_GLASS_REASON_SESSION_KEY] = {
            "reason": reason,
            "persons": [str(result.person.pk) for result in results],
        }
    return render(
        request,
        "people/break_glass.html",
        {"form": form, "results": results, "has_errors": bool(form.errors)},
    )


@require_POST
def break_glass_open(request: HttpRequest, person_id: str) -> HttpResponse:
    user = case_worker(request)
    pending = request.session.pop(BREAK_GLASS_REASON_SESSION_KEY, None)
    if not isinstance(pending, dict) or str(person_id) not in pending.get("persons", []):
        # No search, a reason already used, or a person the search did not find.
        messages.error(
            request,
            "Search again with your reason: each reason opens one of the records it found.",
        )
        return redirect("people:break-glass")
    reason = str(pending.get("reason", ""))
    try:
        grants.grant_break_glass(actor=user, person_id=person_id, reason=reason)
    except ValidationError:
        return redirect("people:break-glass")
    return redirect("web:person", person_id=person_id)


def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """Break-glass access to review: for managers and designated safeguarding leads, to
    the records their agency holds; for auditors, all of it. Audited as a read."""
    user = signed_in_user(request)
    if not grants.may_review_break_glass(user):
        raise PermissionDenied
    to_review = list(grants.reviewable_grants(user)[:REVIEW_PAGE_SIZE])
    record(
        AuditVerb.BREAK_GLASS_REVIEWS_VIEWED,
        actor=user,
        target_type=TargetType.BREAK_GLASS_GRANT_LIST,
        payload={"grants": [str(grant.pk) for grant in to_review]},
    )
    return render(
        request,
        "people/break_glass_reviews.html",
        {
            "grants": to_review,
            "unreviewed": sum(1 for grant in to_review if grant.reviewed_at is None),
            # Auditors see no case records: the person is named by id only.
            "show_names": user.role not in AUDIT_ROLES,
        },
    )


@require_POST
def break_glass_review(request: HttpRequest, grant_id: str) -> HttpResponse:
    user = signed_in_user(request)
    if not grants.may_review_break_glass(user):
        raise PermissionDenied
    try:
        grants.review_break_glass(actor=user, grant_id=grant_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Marked as reviewed.")
    return redirect("people:break-glass-reviews")
