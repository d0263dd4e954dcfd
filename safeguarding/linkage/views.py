"""The review queue of possible matches, one pair with its evidence, and recent merges."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.govuk.forms import add_action_errors
from safeguarding.linkage import actions
from safeguarding.linkage.forms import DecisionForm, UndoForm
from safeguarding.linkage.policy import reviews_matches
from safeguarding.linkage.queries import access_merge, access_pair, recent_merges, review_queue


def _reviewer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not reviews_matches(user):
        raise PermissionDenied
    return user


def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    return render(request, "linkage/queue.html", {"pairs": review_queue(user)})


def pair(request: HttpRequest, pair_id: str) -> HttpResponse:
    user = _reviewer(request)
    shown = access_pair(user, pair_id)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                actions.confirm_match(actor=user, pair_id=shown.pair.pk)
                messages.success(request, "The two records are now one. You can undo this below.")
                return redirect("linkage:merges")
            actions.reject_match(actor=user, pair_id=shown.pair.pk)
            messages.success(request, "Recorded as different people.")
            return redirect("linkage:queue")
        except ValidationError as error:
            form.add_error("decision", error.messages[0])
    return render(
        request,
        "linkage/pair.html",
        {
            "item": shown,
            "form": form,
            "has_errors": bool(form.errors),
            "pending": shown.pair.status == shown.pair.Status.PENDING,
        },
        status=400 if form.errors else 200,
    )


def merges(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    return render(request, "linkage/merges.html", {"merges": recent_merges(user)})


def undo(request: HttpRequest, merge_id: str) -> HttpResponse:
    """Both records side by side with the evidence, then undo for a stated reason."""
    user = _reviewer(request)
    shown = access_merge(user, merge_id)
    form = UndoForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and shown.may_undo and form.is_valid():
        try:
            actions.undo_merge(
                actor=user, merge_id=shown.merge.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_action_errors(form, error)
            else:
                form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                "The merge is undone: both records are back as they were, and the agencies "
                "holding them have been told.",
            )
            return redirect("linkage:merges")
    return render(
        request,
        "linkage/undo.html",
        {"item": shown, "form": form, "has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )
