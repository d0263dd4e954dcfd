"""The warning notice register on screen: the list, issuing a notice, and one notice with
its copies, breaches, alerts, review and end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.models import User
from safeguarding.access.policy import case_worker
from safeguarding.govuk.forms import add_action_errors
from safeguarding.govuk.templatetags.govuk import govuk_error_summary
from safeguarding.people.actions import PersonDetails
from safeguarding.people.models import Person, PersonKind
from safeguarding.people.queries import access_person
from safeguarding.warningnotices import actions
from safeguarding.warningnotices.actions import BreachDetails, NamedPerson, NoticeDetails
from safeguarding.warningnotices.forms import (
    MAX_CHILDREN,
    ORDINALS,
    BreachForm,
    CopyForm,
    EndForm,
    KindForm,
    NoticeForm,
    PersonForm,
    ReviewForm,
)
from safeguarding.warningnotices.models import WarningNotice
from safeguarding.warningnotices.queries import access_notice, notice_history, register_for


def _police(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not actions.is_police(user):
        raise PermissionDenied
    return user


def register(request: HttpRequest) -> HttpResponse:
    user = case_worker(request)
    return render(
        request,
        "warningnotices/register.html",
        {
            "register": register_for(user),
            "may_issue": actions.is_police(user),
            "today": timezone.localdate(),
        },
    )


# Issuing a notice -----------------------------------------------------------------------


def _opened(user: User, request: HttpRequest, name: str) -> Person | None:
    """A person the notice was started from (?adult= or ?child=), seen through access_person."""
    person_id = request.GET.get(name) or request.POST.get(name)
    if not person_id:
        return None
    try:
        return access_person(user, person_id, purpose="issue a child abduction warning notice")
    except Http404:
        return None


def _details(form: PersonForm, kind: str) -> PersonDetails:
    data = form.cleaned_data
    return PersonDetails(
        given_name=data["given_name"],
        family_name=data["family_name"],
        kind=kind,
        date_of_birth=data["date_of_birth"],
    )


def _child_count(request: HttpRequest, opened_child: Person | None) -> int:
    """How many children's details the form asks for: one more after "Add another child"
    (a child opened from their record needs none)."""
    opened = 0 if opened_child is None else 1
    try:
        count = int(request.POST.get("child_count", str(1 - opened)))
    except ValueError:
        count = 1 - opened
    if request.POST.get("action") == "add-child":
        count += 1
    return max(1 - opened, min(count, MAX_CHILDREN - opened))


def _apply_notice_errors(
    error: ValidationError,
    kind_form: KindForm,
    notice_form: NoticeForm,
    adult_form: PersonForm | None,
    child_forms: list[PersonForm],
    offset: int,
) -> None:
    """Put the action's errors on the forms they belong to: "adult..." on the adult's,
    "children.N..." on the Nth child's form (``offset`` children were opened from their
    records and have no form), everything else on the notice's."""
    for key, messages in error.message_dict.items():
        form: forms.Form | None = notice_form
        field: str | None = key
        parts = key.split(".")
        if parts[0] == "kind":
            form = kind_form
        elif parts[0] == "adult":
            form, field = adult_form, parts[1] if len(parts) > 1 else "date_of_birth"
        elif parts[0] == "children" and len(parts) > 1:
            index = int(parts[1]) - 1 - offset
            form = child_forms[index] if 0 <= index < len(child_forms) else None
            field = parts[2] if len(parts) > 2 else "date_of_birth"
        if field == "name":
            field = "given_name"
        if form is None:
            form, field = notice_form, None
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def issue(request: HttpRequest) -> HttpResponse:
    user = _police(request)
    adult = _opened(user, request, "adult")
    opened_child = _opened(user, request, "child")
    posted = request.method == "POST"
    data = request.POST if posted else None
    count = _child_count(request, opened_child)
    kind_form = KindForm(data)
    notice_form = NoticeForm(data, initial={"served_on": timezone.localdate()})
    adult_form = (
        PersonForm(data, prefix="adult", who="adult", dob_required=False) if adult is None else None
    )
    offset = 1 if opened_child else 0
    child_forms = [
        PersonForm(
            data,
            prefix=f"child-{number}",
            who=f"{ORDINALS[number - 1 + offset]} child",
            dob_required=True,
        )
        for number in range(1, count + 1)
    ]
    # In the order of the page, for the error summary.
    every_form: list[forms.Form] = [
        form for form in (kind_form, adult_form, *child_forms, notice_form) if form is not None
    ]
    submitted = posted and request.POST.get("action") != "add-child"
    # A list, not a generator: every form validates so that every error is shown at once.
    if submitted and all([form.is_valid() for form in every_form]):  # noqa: C419 - see above
        named_children = [NamedPerson(person_id=opened_child.pk)] if opened_child else []
        named_children += [
            NamedPerson(details=_details(form, PersonKind.CHILD)) for form in child_forms
        ]
        cleaned = notice_form.cleaned_data
        copies = (
            [(cleaned["copy_sent_to"], cleaned["copy_sent_on"])] if cleaned["copy_sent_to"] else []
        )
        if adult is not None:
            named_adult = NamedPerson(person_id=adult.pk)
        else:
            assert adult_form is not None  # asked for whenever no adult was opened
            named_adult = NamedPerson(details=_details(adult_form, PersonKind.ADULT))
        try:
            notice = actions.issue_notice(
                actor=user,
                details=NoticeDetails(
                    kind=kind_form.cleaned_data["kind"],
                    adult=named_adult,
                    children=named_children,
                    served_on=cleaned["served_on"],
                    serving_officer=cleaned["serving_officer"],
                    withheld_by=cleaned["withheld_by"],
                    withheld_by_details=cleaned["withheld_by_details"],
                    conditions=cleaned["conditions"],
                    copies=copies,
                ),
            )
        except ValidationError as error:
            _apply_notice_errors(error, kind_form, notice_form, adult_form, child_forms, offset)
        else:
            return redirect("warningnotices:notice", notice_id=notice.pk)
    has_errors = submitted and any(form.errors for form in every_form)
    return render(
        request,
        "warningnotices/issue.html",
        {
            "kind_form": kind_form,
            "notice_form": notice_form,
            "adult": adult,
            "adult_form": adult_form,
            "opened_child": opened_child,
            "child_forms": child_forms,
            "child_count": count,
            "may_add_child": count + offset < MAX_CHILDREN,
            "has_errors": has_errors,
            # One summary for every form on the page, through the usual tag.
            "error_summary": govuk_error_summary(*every_form) if has_errors else "",
        },
        status=400 if has_errors else 200,
    )


# One notice -----------------------------------------------------------------------------


def _notice_page(request: HttpRequest, notice: WarningNotice, **forms_: forms.Form) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    in_force = notice.is_in_force(today)
    issuing = actions.is_police(user) and user.agency_id == notice.issuing_force_id
    context: dict[str, Any] = {
        "notice": notice,
        "children": list(notice.children.all()),
        "history": notice_history(notice),
        "today": today,
        "in_force": in_force,
        "may_record_breach": actions.is_police(user),
        "may_manage": issuing and in_force,
        "may_add_copy": issuing,
        "breach_form": forms_.get("breach_form") or BreachForm(),
        "copy_form": forms_.get("copy_form") or CopyForm(initial={"sent_on": today}),
        "review_form": forms_.get("review_form") or ReviewForm(initial={"reviewed_on": today}),
        "end_form": forms_.get("end_form") or EndForm(initial={"ended_on": today}),
    }
    context["has_errors"] = any(form.errors for form in forms_.values())
    return render(
        request,
        "warningnotices/notice.html",
        context,
        status=400 if context["has_errors"] else 200,
    )


def notice_detail(request: HttpRequest, notice_id: str) -> HttpResponse:
    user = case_worker(request)
    return _notice_page(request, access_notice(user, notice_id))


@require_POST
def add_copy(request: HttpRequest, notice_id: str) -> HttpResponse:
    user = _police(request)
    notice = access_notice(user, notice_id)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            actions.record_copy_given(
                actor=user,
                notice=notice,
                sent_to=form.cleaned_data["sent_to"],
                sent_on=form.cleaned_data["sent_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("warningnotices:notice", notice_id=notice.pk)
    return _notice_page(request, notice, copy_form=form)


@require_POST
def add_breach(request: HttpRequest, notice_id: str) -> HttpResponse:
    user = _police(request)
    notice = access_notice(user, notice_id)
    form = BreachForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_breach(
                actor=user,
                notice=notice,
                breach=BreachDetails(
                    occurred_on=data["occurred_on"],
                    place=data["place"],
                    details=data["details"],
                    supports_sexual_risk_order=data["supports_sexual_risk_order"],
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("warningnotices:notice", notice_id=notice.pk)
    return _notice_page(request, notice, breach_form=form)


@require_POST
def review(request: HttpRequest, notice_id: str) -> HttpResponse:
    user = _police(request)
    notice = access_notice(user, notice_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_notice(
                actor=user, notice=notice, reviewed_on=form.cleaned_data["reviewed_on"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("warningnotices:notice", notice_id=notice.pk)
    return _notice_page(request, notice, review_form=form)


@require_POST
def end(request: HttpRequest, notice_id: str) -> HttpResponse:
    user = _police(request)
    notice = access_notice(user, notice_id)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            actions.end_notice(
                actor=user,
                notice=notice,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("warningnotices:notice", notice_id=notice.pk)
    return _notice_page(request, notice, end_form=form)
