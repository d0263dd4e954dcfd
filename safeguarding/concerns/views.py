"""Recording a concern through the web: the form feeds record_concern, nothing else."""

from __future__ import annotations

from django import forms
from django.contrib import messages as banners
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeguarding.access.middleware import signed_in_user
from safeguarding.access.policy import does_case_work, may_see_person
from safeguarding.concerns.actions import ConcernDetails, NamedPerson, record_concern
from safeguarding.concerns.forms import ChildForm, ConcernForm, OtherPersonForm
from safeguarding.concerns.models import PersonRole
from safeguarding.people.actions import PersonDetails
from safeguarding.people.identifiers import IdentifierScheme
from safeguarding.people.models import Person, PersonKind
from safeguarding.people.queries import access_person


def _child_details(form: ChildForm) -> PersonDetails:
    data = form.cleaned_data
    identifiers: list[tuple[str, str]] = []
    if data["nhs_number"]:
        identifiers.append((IdentifierScheme.NHS_NUMBER, data["nhs_number"]))
    if data["unique_pupil_number"]:
        identifiers.append((IdentifierScheme.UNIQUE_PUPIL_NUMBER, data["unique_pupil_number"]))
    return PersonDetails(
        given_name=data["given_name"],
        family_name=data["family_name"],
        kind=PersonKind.CHILD,
        date_of_birth=data["date_of_birth"],
        sex=data["sex"],
        identifiers=identifiers,
    )


def _other_details(form: OtherPersonForm) -> PersonDetails:
    data = form.cleaned_data
    return PersonDetails(
        given_name=data["given_name"],
        family_name=data["family_name"],
        kind=PersonKind.ADULT,
        phones=[data["phone"]] if data["phone"] else [],
        vehicles=[data["vehicle"]] if data["vehicle"] else [],
    )


def _apply_errors(
    error: ValidationError, concern_form: forms.Form, person_forms: list[forms.Form | None]
) -> None:
    """Put an action's field errors back on the forms they came from: "persons.N.field"
    belongs to the Nth person's form (the child first), anything else to the concern."""
    for key, messages in error.message_dict.items():
        form: forms.Form = concern_form
        field = key
        if key.startswith("persons."):
            _, index, field = key.split(".", 2)
            person_form = person_forms[int(index) - 1] if int(index) <= len(person_forms) else None
            form = person_form or concern_form
        name = field if field in form.fields else None
        for message in messages:
            form.add_error(name, message)


def record(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not does_case_work(user):
        raise PermissionDenied
    person: Person | None = None
    person_id = request.GET.get("person") or request.POST.get("person")
    if person_id:
        try:
            person = access_person(user, person_id, purpose="record a concern")
        except Http404:
            person = None
    data = request.POST or None
    initial_authority = user.agency.home_authority or user.agency if user.agency else None
    concern_form = ConcernForm(
        data, initial={"disclosed_on": timezone.localdate(), "local_authority": initial_authority}
    )
    child_form = ChildForm(data) if person is None else None
    other_form = OtherPersonForm(data)
    forms = [form for form in (concern_form, child_form, other_form) if form is not None]
    # A list, not a generator: every form validates so that every error is shown at once.
    if request.method == "POST" and all([form.is_valid() for form in forms]):  # noqa: C419 - see above
        if person is not None:
            persons = [NamedPerson(role=PersonRole.CHILD, person_id=person.pk)]
        else:
            assert child_form is not None  # asked for whenever no child was opened
            persons = [NamedPerson(role=PersonRole.CHILD, details=_child_details(child_form))]
        if other_form.is_used():
            persons.append(
                NamedPerson(
                    role=other_form.cleaned_data["role"], details=_other_details(other_form)
                )
            )
        details = ConcernDetails(
            category=concern_form.cleaned_data["category"],
            summary=concern_form.cleaned_data["summary"],
            # Recorded now; when it happened or was disclosed is the recorder's to give.
            recorded_at=timezone.now(),
            disclosed_on=concern_form.cleaned_data["disclosed_on"],
            disclosed_time=concern_form.cleaned_data["disclosed_time"],
            immediate_risk=concern_form.cleaned_data["immediate_risk"],
            local_authority_code=concern_form.cleaned_data["local_authority"].code,
            agency_record_id=concern_form.cleaned_data["agency_record_id"],
            persons=persons,
        )
        try:
            concern = record_concern(actor=user, details=details)
        except ValidationError as error:
            _apply_errors(error, concern_form, [child_form, other_form])
        else:
            child = concern.involvements.filter(role=PersonRole.CHILD).first()
            assert child is not None
            banners.success(
                request,
                f"Your concern has been sent to {concern.local_authority.name}'s MASH. You will "
                "be told here when it has been decided.",
            )
            # A child matched to a record the agency holds nothing on is not opened by
            # the match: the agency sees its concern, so the service's home page follows.
            if not may_see_person(user, child.person_id):
                return redirect("web:home")
            return redirect("web:person", person_id=child.person_id)
    return render(
        request,
        "concerns/record.html",
        {
            "concern_form": concern_form,
            "child_form": child_form,
            "other_form": other_form,
            "person": person,
            "has_errors": any(form.errors for form in forms),
        },
    )
