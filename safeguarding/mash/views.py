"""The MASH's pages: the triage queue, a contact with its decision, and partners' requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.access.policy import case_worker
from safeguarding.clocks.queries import clocks_on
from safeguarding.govuk.forms import add_action_errors
from safeguarding.mash import actions
from safeguarding.mash.forms import (
    AllocateForm,
    AnswerForm,
    DecisionForm,
    InformationRequestForm,
    RagForm,
)
from safeguarding.mash.models import Contact
from safeguarding.mash.queries import (
    access_contact,
    access_information_request,
    contact_history,
    information_inbox,
    is_triage_officer,
    recent_decisions,
    referrals_of,
    triage_queue,
)
from safeguarding.worklists.actions import record_received
from safeguarding.worklists.queries import attach_receipts


def _triage_officer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not is_triage_officer(user):
        raise PermissionDenied
    return user


def queue(request: HttpRequest) -> HttpResponse:
    user = _triage_officer(request)
    contacts = triage_queue(user)
    return render(
        request,
        "mash/queue.html",
        {
            "contacts": contacts,
            "decision_clocks": clocks_on([c.subject for c in contacts]),
            "decisions": recent_decisions(user),
        },
    )


def _contact_page(request: HttpRequest, contact: Contact, **forms: object) -> HttpResponse:
    user = signed_in_user(request)
    context: dict[str, object] = {
        "contact": contact,
        "concern": contact.concern,
        "involvements": contact.concern.involvements.select_related("person"),
        # Who sent it, so the MASH can call them back, and what else each child's record
        # holds, so that the decision is made on the whole picture.
        "referrer": contact.concern.recorded_by,
        "histories": contact_history(user, contact),
        "requests": attach_receipts(
            "information-request", list(contact.requests.select_related("to_agency", "answered_by"))
        ),
        "clocks": clocks_on([contact.subject] + [r.subject for r in contact.requests.all()]),
        "rag_form": forms.get("rag_form") or RagForm(initial={"rag": contact.rag}),
        "allocate_form": forms.get("allocate_form") or AllocateForm(authority=contact.authority),
        "request_form": forms.get("request_form")
        or InformationRequestForm(authority=contact.authority),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "user": user,
    }
    context["has_errors"] = any(getattr(f, "errors", None) for f in forms.values())
    return render(
        request, "mash/contact.html", context, status=400 if context["has_errors"] else 200
    )


def contact_detail(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = _triage_officer(request)
    contact = access_contact(user, contact_id)
    record_received("referral", contact.pk, actor=user)
    return _contact_page(request, contact)


@require_POST
def rate(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = _triage_officer(request)
    contact = access_contact(user, contact_id)
    form = RagForm(request.POST)
    if form.is_valid():
        actions.rate_contact(actor=user, contact=contact, rag=form.cleaned_data["rag"])
        messages.success(request, f"Rated {contact.get_rag_display().lower()}.")
        return redirect("mash:contact", contact_id=contact.pk)
    return _contact_page(request, contact, rag_form=form)


@require_POST
def allocate(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = _triage_officer(request)
    contact = access_contact(user, contact_id)
    form = AllocateForm(request.POST, authority=contact.authority)
    if form.is_valid():
        actions.allocate_contact(actor=user, contact=contact, to=form.cleaned_data["to"])
        messages.success(request, f"Allocated to {form.cleaned_data['to'].display_name}.")
        return redirect("mash:contact", contact_id=contact.pk)
    return _contact_page(request, contact, allocate_form=form)


@require_POST
def ask(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = _triage_officer(request)
    contact = access_contact(user, contact_id)
    form = InformationRequestForm(request.POST, authority=contact.authority)
    if form.is_valid():
        try:
            actions.request_information(
                actor=user,
                contact=contact,
                to_agency=form.cleaned_data["to_agency"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Information requested from {form.cleaned_data['to_agency'].name}. Their "
                "answer will appear on this page.",
            )
            return redirect("mash:contact", contact_id=contact.pk)
    return _contact_page(request, contact, request_form=form)


@require_POST
def decide(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = _triage_officer(request)
    contact = access_contact(user, contact_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_contact(
                actor=user,
                contact=contact,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Decision recorded: {contact.get_decision_display().lower()}. The referring "
                "agency has been told.",
            )
            return redirect("mash:contact", contact_id=contact.pk)
    return _contact_page(request, contact, decision_form=form)


def referrals(request: HttpRequest) -> HttpResponse:
    """The concerns the user's agency sent to a MASH, and what was decided."""
    user = case_worker(request)
    contacts = attach_receipts("referral", referrals_of(user))
    return render(request, "mash/referrals.html", {"contacts": contacts})


def inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.agency_id is None:
        raise PermissionDenied
    return render(request, "mash/inbox.html", {"requests": information_inbox(user)})


def answer(request: HttpRequest, request_id: str) -> HttpResponse:
    user = signed_in_user(request)
    info_request = access_information_request(user, request_id)
    can_answer = user.agency_id == info_request.to_agency_id and info_request.answered_at is None
    if request.method == "GET":
        record_received("information-request", info_request.pk, actor=user)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.answer_information_request(
                    actor=user, request=info_request, answer=form.cleaned_data["answer"]
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Your answer has been sent to the MASH.")
                return redirect("mash:inbox")
    child = (
        info_request.contact.concern.involvements.filter(role="child")
        .select_related("person")
        .first()
    )
    return render(
        request,
        "mash/request.html",
        {
            "info_request": info_request,
            "form": form,
            "can_answer": can_answer,
            "child": child.person if child else None,
            "has_errors": bool(form.errors),
        },
    )
